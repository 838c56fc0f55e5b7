#!/usr/bin/env python
"""How the English-over-English fusion weights of factbot/index/fusion.py were fitted:
TyDi en *train* and the even articles of XQuAD dev en.

    .venv/bin/python benchmarks/tune_english.py [--cache DIR] [--train FILE] [--xquad FILE]

The same-language weights (LEXICAL_WEIGHT, DOCUMENT_WEIGHT, PREVIOUS_WEIGHT) were fitted on
ARCD train (benchmarks/tune_retrieval.py): Arabic questions over Arabic text. For English
questions over English text they cost recall: English BM25 matches the question's function-like
content words ("population", "born", "largest") in many sentences, and the previous-sentence
term lifts the sentence after any sentence naming the subject. This script fits the weights of
the (en, en) pair on two sets, each counting once (the mean of their recall@1): TyDi GoldP en
train (3,696 information-seeking questions, one Wikipedia passage each) and the even-numbered
articles of XQuAD dev en (SQuAD questions, written from the paragraph; the odd articles are the
held-out measuring set). Each is indexed as `factbot eval` indexes a SQuAD file (one document
per passage) and searched over its whole collection (open retrieval), with the pure functions
`HybridRetriever.search` uses (`lexical_evidence`, `candidates`, `hybrid_scores`); Chroma's
approximate search is replaced by exact cosines, as retrieval.py itself does below
EXACT_DENSE_LIMIT sentences.

Fast: the sentences' BM25 arrays (word, trigram, document) and the question-by-sentence cosine
matrix Q @ V.T are computed once; the grid then only re-weighs them. A question counts when a
sentence holds one of its gold answers (normalised substring). TyDi en dev and XQuAD's odd
articles are never asked here. Prints recall@1/@5 of each set for dense alone, the ARCD weights,
and the grid. 2026-12-02: ~6 min on 2 shared cores once the vectors are cached (embedding TyDi
en train's 13,934 sentences took 31 min on those cores).
"""

from __future__ import annotations

import argparse
import itertools
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.measure import recall_at  # noqa: E402
from benchmarks.tune_retrieval import embed, first_rank  # noqa: E402
from factbot.index import fusion as F  # noqa: E402
from factbot.index import retrieval as R  # noqa: E402
from factbot.ingest.documents import make_document, sentences_of  # noqa: E402
from factbot.text.matching import normalize, terms  # noqa: E402

TRAIN = ROOT.parent / "shared" / "datasets" / "tydiqa" / "tydiqa-goldp-en-train.json"
XQUAD_EN = ROOT.parent / "shared" / "datasets" / "xquad" / "xquad-dev-en.json"
GRID_LEXICAL = (0.0, 0.02, 0.05)
GRID_DOCUMENT = (0.0, 0.02, 0.05)
GRID_PREVIOUS = (0.0, 0.1)
BEYOND_THE_EDGE = ((0.075, 0.0, 0.0), (0.1, 0.0, 0.0), (0.1, 0.0, 0.1))  # past lexical 0.05, the best


def sparse(a: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    nz = np.flatnonzero(a)
    return nz, a[nz]


class Collection:
    """One SQuAD file indexed as `factbot eval` indexes it, its questions embedded, the lexical
    arrays computed once; `ranks(weights)` re-weighs them."""

    def __init__(self, path: Path, cache: Path, keep=lambda item: True) -> None:
        from factbot.evaluate.datasets import load_dataset

        t0 = time.time()
        ds = load_dataset(path)
        docs = [make_document(c.text, name=c.doc_id) for c in ds.contexts]
        index = self.index = R.CorpusIndex.build([s for d in docs for s in sentences_of(d)], ())
        sents = index.sentences
        n = self.n = len(sents)
        hay = [normalize(s.text) for s in sents]  # gold_positions() normalises every sentence per question: too slow here
        asked = [i for i in ds.items if keep(i)]
        golds_all = [{j for j, h in enumerate(hay) if any(g in h for g in needles)}
                     for needles in ([g for g in (normalize(x) for x in i.answer_any) if g] for i in asked)]
        self.items = [i for i, g in zip(asked, golds_all) if g]
        self.golds = [g for g in golds_all if g]
        langs = dict(zip(*np.unique(index.lang_of, return_counts=True)))
        self.name = path.name
        print(f"{path.name}: {len(docs)} passages, {n} citable sentences ({langs}), "
              f"{len(self.items)} of {len(asked)} questions asked with a sentence holding a gold answer", flush=True)
        V = embed([s.text for s in sents], False, cache)
        Q = embed([i.text for i in self.items], True, cache)
        self.cos = (Q @ V.T).astype(np.float64)
        self.dense = [list(np.argsort(-c, kind="stable")[:R.CANDIDATES]) for c in self.cos]
        # per question: word+trigram mean and document arrays, max-normalised, kept sparse
        self.parts = []
        for item in self.items:
            q = terms(item.text)
            w = R.normalised(R._scores(index.words, q, n))
            t = R.normalised(R._scores(index.trigrams, R.char_ngrams(item.text), n))
            d = R.normalised(R._scores(index.documents, q, len(index.doc_ids))[index.doc_of])
            self.parts.append((sparse((w + t) / 2), sparse(d)))
        self.ev = np.zeros(n)  # one array, filled and cleared per question
        # the shortcut ranks exactly as the retriever's functions do (checked on 200 questions)
        for qi in range(0, len(self.items), max(1, len(self.items) // 200)):
            assert self.ranked(qi, 0.1, 0.1, 0.2) == self.ranked(qi, 0.1, 0.1, 0.2, exact=True), qi
        print(f"  ready ({time.time() - t0:.0f} s)", flush=True)

    def ranked(self, qi: int, lw: float, dw: float, pw: float, exact: bool = False) -> list[int]:
        (wi, wv), (di, dv) = self.parts[qi]
        index, ev = self.index, self.ev
        # lexical_evidence(w, t, d) = lw * (w + t) / 2 + dw * d, nonzero only on the union U
        u = np.union1d(wi, di)
        ev_u = np.zeros(len(u))
        ev_u[np.searchsorted(u, wi)] += lw * wv
        ev_u[np.searchsorted(u, di)] += dw * dv
        ev[u] = ev_u
        if exact:  # the retriever's own function, over the whole array
            pos = F.candidates(self.dense[qi], ev, index.following)
        else:  # the same list: U is sorted, so a stable sort of U is the whole array's stable sort restricted to U
            top = u[np.argsort(-ev_u, kind="stable")][:R.CANDIDATES]
            pos = list(dict.fromkeys([int(i) for i in self.dense[qi]] + [int(i) for i in top if ev[i] > 0]))
            pos += [int(index.following[i]) for i in list(pos) if index.following[i] >= 0]
            pos = list(dict.fromkeys(pos))
        c = self.cos[qi]
        s = F.hybrid_scores(pos, c, ev, index.previous, float(c[self.dense[qi][-1]]), pw)
        ev[u] = 0.0
        return sorted(s, key=lambda i: (-s[i], -c[i]))

    def ranks(self, lw: float, dw: float, pw: float) -> list[int | None]:
        return [first_rank(self.ranked(qi, lw, dw, pw), self.golds[qi]) for qi in range(len(self.items))]

    def dense_ranks(self) -> list[int | None]:
        return [first_rank(o, g) for o, g in zip(self.dense, self.golds)]


def line(label: str, ranks_by_set: list) -> float:
    """Prints each set's recall@1/@5 and returns the mean of their recall@1 (each set counts once)."""
    rs = [recall_at(r) for r in ranks_by_set]
    print(f"{label:44s} " + "   ".join(f"r@1 {r['r@1']:.3f} r@5 {r['r@5']:.3f}" for r in rs)
          + f"   mean r@1 {np.mean([r['r@1'] for r in rs]):.3f}", flush=True)
    return float(np.mean([r["r@1"] for r in rs]))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--cache", type=Path, default=Path(tempfile.gettempdir()))
    ap.add_argument("--train", type=Path, default=TRAIN)
    ap.add_argument("--xquad", type=Path, default=XQUAD_EN, help="XQuAD dev en: its even articles are asked")
    args = ap.parse_args()
    from benchmarks.corpora import article_of

    t0 = time.time()
    sets = [Collection(args.train, args.cache)]
    if args.xquad.is_file():
        sets.append(Collection(args.xquad, args.cache, keep=lambda i: article_of(i) % 2 == 0))
    print("columns: " + " | ".join(c.name for c in sets))
    line("dense alone (cosine)", [c.dense_ranks() for c in sets])
    shipped = (F.LEXICAL_WEIGHT, F.DOCUMENT_WEIGHT, F.PREVIOUS_WEIGHT)
    line(f"ARCD weights {shipped}", [c.ranks(*shipped) for c in sets])
    results = []
    for lw, dw, pw in list(itertools.product(GRID_LEXICAL, GRID_DOCUMENT, GRID_PREVIOUS)) + list(BEYOND_THE_EDGE):
        mark = " <- (en, en)" if (lw, dw, pw) == F.PAIR_WEIGHTS[("en", "en")] else ""
        results.append(((lw, dw, pw), line(f"lexical={lw} document={dw} previous={pw}{mark}",
                                           [c.ranks(lw, dw, pw) for c in sets])))
    best = max(results, key=lambda r: r[1])
    print(f"best mean recall@1: {best[0]} {best[1]:.3f} ({time.time() - t0:.0f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
