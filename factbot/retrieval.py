"""Hybrid retrieval: dense (Chroma, cosine) + lexical (BM25 over stemmed matching forms),
fused by reciprocal rank, linked duplicates collapsed into one hit.

Dense search carries meaning across languages (an English question finds an Arabic
sentence); BM25 carries exact names, numbers and rare words that embeddings blur.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass, replace

import bm25s
import numpy as np

from factbot.embeddings import Embedder
from factbot.store import SentenceStore
from factbot.text import _DIACRITICS, _DIGITS, _TATWEEL, strip_invisible, terms
from factbot.types import FactbotError, Hit, Sentence

RRF_K = 60  # Cormack, Clarke & Büttcher (2009): k=60 damps the head of each ranking
CANDIDATES = 50  # per ranker, before fusion: deep enough that fusion can reorder


class SearchMode(str, enum.Enum):
    """Which rankers a search fuses: both (the default), or one alone (to measure each)."""

    HYBRID = "hybrid"
    DENSE = "dense"
    LEXICAL = "lexical"

    @classmethod
    def from_str(cls, value: "str | SearchMode") -> "SearchMode":
        if isinstance(value, cls):
            return value
        try:
            return cls(str(value).strip().lower())
        except ValueError:
            valid = ", ".join(m.value for m in cls)
            raise FactbotError(f"unknown search mode {value!r}; expected one of: {valid}") from None


def rrf(rankings: Sequence[Sequence[str]], k: int = RRF_K, weights: Sequence[float] | None = None) -> dict[str, float]:
    """Reciprocal rank fusion: score(d) = sum_r w_r / (k + rank_r(d)), ranks from 1."""
    weights = weights or [1.0] * len(rankings)
    fused: dict[str, float] = {}
    for ranking, w in zip(rankings, weights):
        for rank, key in enumerate(ranking, start=1):
            fused[key] = fused.get(key, 0.0) + w / (k + rank)
    return fused


@dataclass
class LexicalIndex:
    """BM25 over the citable sentences of the store, rebuilt when the corpus changes."""

    sentences: list[Sentence]
    by_id: dict[str, Sentence]
    bm25: bm25s.BM25 | None
    signature: tuple
    group: dict[str, tuple[str, ...]]  # sentence_id -> all sentence_ids stating the same fact

    @classmethod
    def build(cls, sentences: list[Sentence], signature: tuple) -> "LexicalIndex":
        citable = [s for s in sentences if s.role.citable]
        by_id = {s.sentence_id: s for s in sentences}
        groups: dict[str, list[str]] = {}
        for s in citable:
            groups.setdefault(s.dup_of or s.sentence_id, []).append(s.sentence_id)
        bm25 = None
        if citable:
            bm25 = bm25s.BM25()
            bm25.index([terms(s.text) or ["∅"] for s in citable], show_progress=False)
        return cls(citable, by_id, bm25, signature,
                   {sid: tuple(members) for members in groups.values() for sid in members})

    def rank(self, query: str, n: int, doc_id: str | None = None) -> list[tuple[str, float]]:
        q = [t for t in terms(query)]
        if self.bm25 is None or not q:
            return []
        known = [t for t in q if t in self.bm25.vocab_dict]
        if not known:
            return []
        scores = self.bm25.get_scores(known)
        if doc_id:
            scores = np.where([s.doc_id == doc_id for s in self.sentences], scores, 0.0)
        order = np.argsort(-scores, kind="stable")[:n]
        return [(self.sentences[i].sentence_id, float(scores[i])) for i in order if scores[i] > 0]


def strip_for_embedding(query: str) -> str:
    """The query as the dense model should see it: zero-width/bidi characters, tatweel and
    diacritics removed, Arabic-Indic digits made ASCII. They do not change what a question
    asks, but the model reads them as different tokens: "مَتَى اجْتَمَعَ" ranked other sentences
    first than "متى اجتمع". Only the embedded form changes; BM25 has its own matching form."""
    t = strip_invisible(query).replace(_TATWEEL, "")
    return _DIACRITICS.sub("", t).translate(_DIGITS)


class HybridRetriever:
    def __init__(self, store: SentenceStore, embedder: Embedder) -> None:
        self.store, self.embedder = store, embedder
        self._index: LexicalIndex | None = None

    def index(self) -> LexicalIndex:
        """The lexical index, rebuilt only when the committed documents changed
        (checked on each call, so writes by another process are seen too)."""
        signature = tuple(sorted(self.store.document_hashes().items()))
        if self._index is None or self._index.signature != signature:
            self._index = LexicalIndex.build(self.store.all_sentences(), signature)
        return self._index

    def sentence(self, sentence_id: str) -> Sentence | None:
        return self.index().by_id.get(sentence_id)

    def search(self, query: str, k: int = 5, doc_id: str | None = None,
               mode: SearchMode | str = SearchMode.HYBRID) -> list[Hit]:
        """The k best sentences for `query`; `mode` picks the rankers (dense, lexical or both)."""
        mode = SearchMode.from_str(mode)
        index = self.index()
        if not index.sentences:
            return []
        qvec = self.embedder.query(strip_for_embedding(query))
        dense = [] if mode is SearchMode.LEXICAL else \
            [(sid, cos) for sid, cos in self.store.nearest(qvec, CANDIDATES, doc_id) if sid in index.by_id]
        lexical = [] if mode is SearchMode.DENSE else index.rank(query, CANDIDATES, doc_id)
        fused = rrf([[sid for sid, _ in dense], [sid for sid, _ in lexical]])
        cosine = dict(dense)
        missing = [sid for sid in fused if sid not in cosine]
        for sid, vec in self.store.vectors(missing).items():
            cosine[sid] = float(vec @ qvec)
        bm25 = dict(lexical)
        ranked = sorted(fused, key=lambda sid: (-fused[sid], -cosine.get(sid, 0.0), sid))
        hits = [Hit(s.doc_id, s.sentence_id, s.start, s.end, s.text, fused[sid], cosine.get(sid, 0.0),
                    bm25.get(sid, 0.0)) for sid in ranked for s in [index.by_id[sid]]]
        return collapse_duplicates(hits, index.group)[:k]


def collapse_duplicates(hits: Sequence[Hit], group: dict[str, tuple[str, ...]]) -> list[Hit]:
    """Keep the best-ranked hit of each linked group; it lists the group's other places
    in `duplicates`, so an answer shows both places without stating the fact twice."""
    kept: dict[tuple[str, ...], Hit] = {}
    for h in hits:
        members = group.get(h.sentence_id, (h.sentence_id,))
        if members not in kept:
            kept[members] = replace(h, duplicates=tuple(m for m in members if m != h.sentence_id))
    return list(kept.values())
