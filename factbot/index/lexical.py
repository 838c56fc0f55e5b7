"""BM25 over token lists: fitted by bm25s, scored from the matrix it precomputes.

bm25s computes every (term, text) BM25 score at indexing time into a sparse column matrix;
a query's scores are then the sum of its terms' columns. `Bm25.scores` does that sum with
numpy alone, the same operations in the same order as `bm25s.BM25.get_scores` (its numpy
path, `_compute_relevance_from_scores`), so the figures are bit-identical (tests/test_lexical.py).
Why not call bm25s at query time: importing it imports scipy.sparse, ~0.35 s of a cold
`factbot ask` that a corpus index read from its snapshot (factbot.index.snapshot) need not pay.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Bm25:
    vocabulary: dict[str, int]  # term -> column
    data: np.ndarray  # the nonzero scores, column after column
    indices: np.ndarray  # the text (row) of each score
    indptr: np.ndarray  # column j's scores are data[indptr[j]:indptr[j + 1]]
    size: int  # how many texts
    dtype: np.dtype

    @classmethod
    def fit(cls, texts: Sequence[Sequence[str]], k1: float, b: float, empty: str) -> "Bm25":
        """BM25 (bm25s' default "lucene" variant) over `texts`; a text with no token gets the
        token `empty` (bm25s needs one)."""
        import bm25s

        model = bm25s.BM25(k1=k1, b=b)
        model.index([list(t) or [empty] for t in texts], show_progress=False)
        # bm25s adds these only for the BM25L / BM25+ variants, which factbot does not use.
        assert model.nonoccurrence_array is None
        s = model.scores
        return cls(dict(model.vocab_dict), s["data"], s["indices"], s["indptr"], int(s["num_docs"]),
                   np.dtype(model.dtype))

    def scores(self, query: Sequence[str]) -> np.ndarray:
        """Each text's BM25 score for `query` (float64); terms it never saw count for nothing,
        a repeated term counts each time (as bm25s does)."""
        ids = [self.vocabulary[t] for t in query if t in self.vocabulary]
        if not ids:
            return np.zeros(self.size)
        out = np.zeros(self.size, dtype=self.dtype)
        for j in ids:
            lo, hi = self.indptr[j], self.indptr[j + 1]
            np.add.at(out, self.indices[lo:hi], self.data[lo:hi])
        return out.astype(np.float64)
