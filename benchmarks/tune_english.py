#!/usr/bin/env python
"""How the English-over-English fusion weights of factbot/index/fusion.py were fitted: TyDi en *train* only.

    .venv/bin/python benchmarks/tune_english.py [--cache DIR] [--train FILE]

The same-language weights (LEXICAL_WEIGHT, DOCUMENT_WEIGHT, PREVIOUS_WEIGHT) were fitted on
ARCD train (benchmarks/tune_retrieval.py): Arabic questions over Arabic text. For English
questions over English text they cost recall: English BM25 matches the question's function-like
content words ("population", "born", "largest") in many sentences, and the previous-sentence
term lifts the sentence after any sentence naming the subject. This script fits the weights of
the (en, en) pair on TyDi GoldP en train (3,696 questions, one Wikipedia passage each), indexed
as `factbot eval` indexes a SQuAD file (one document per passage) and searched over the whole
collection (open retrieval), with the pure functions `HybridRetriever.search` uses
(`lexical_evidence`, `candidates`, `hybrid_scores`); Chroma's approximate search is replaced by
exact cosines, as retrieval.py itself does below EXACT_DENSE_LIMIT sentences.

Fast: the sentences' BM25 arrays (word, trigram, document) and the question-by-sentence cosine
matrix Q @ V.T are computed once; the grid then only re-weighs them. A question counts when a
sentence holds one of its gold answers (normalised substring). TyDi en dev is never read here.
Prints recall@1/3/5/10 for dense alone, the shipped same-language weights, and the grid.
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
GRID_LEXICAL = (0.0, 0.01, 0.02)  # each step up cost recall@1 at every other setting
GRID_DOCUMENT = (0.0, 0.02, 0.05, 0.1)
GRID_PREVIOUS = (0.0, 0.1, 0.2)


def sparse(a: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    nz = np.flatnonzero(a)
    return nz, a[nz]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--cache", type=Path, default=Path(tempfile.gettempdir()))
    ap.add_argument("--train", type=Path, default=TRAIN)
    args = ap.parse_args()
    from factbot.evaluate.datasets import load_dataset

    t0 = time.time()
    ds = load_dataset(args.train)
    docs = [make_document(c.text, name=c.doc_id) for c in ds.contexts]
    index = R.CorpusIndex.build([s for d in docs for s in sentences_of(d)], ())
    sents = index.sentences
    n = len(sents)
    hay = [normalize(s.text) for s in sents]  # gold_positions() normalises every sentence per question: too slow here
    golds_all = [{j for j, h in enumerate(hay) if any(g in h for g in needles)}
                 for needles in ([g for g in (normalize(x) for x in i.answer_any) if g] for i in ds.items)]
    items = [i for i, g in zip(ds.items, golds_all) if g]
    golds = [g for g in golds_all if g]
    langs = dict(zip(*np.unique(index.lang_of, return_counts=True)))
    print(f"{args.train.name}: {len(docs)} passages, {n} citable sentences ({langs}), "
          f"{len(items)} of {len(ds.items)} questions with a sentence holding a gold answer", flush=True)
    V = embed([s.text for s in sents], False, args.cache)
    Q = embed([i.text for i in items], True, args.cache)
    cos = (Q @ V.T).astype(np.float64)
    print(f"embedded ({time.time() - t0:.0f} s)", flush=True)

    dense = [list(np.argsort(-c, kind="stable")[:R.CANDIDATES]) for c in cos]
    # per question: word+trigram mean and document arrays, max-normalised, kept sparse
    parts = []
    for item in items:
        q = terms(item.text)
        w = R.normalised(R._scores(index.words, q, n))
        t = R.normalised(R._scores(index.trigrams, R.char_ngrams(item.text), n))
        d = R.normalised(R._scores(index.documents, q, len(index.doc_ids))[index.doc_of])
        parts.append((sparse((w + t) / 2), sparse(d)))
    print(f"lexical arrays ({time.time() - t0:.0f} s)", flush=True)

    ev = np.zeros(n)  # one array, filled and cleared per question

    def ranked(qi: int, lw: float, dw: float, pw: float, exact: bool = False) -> list[int]:
        (wi, wv), (di, dv) = parts[qi]
        # lexical_evidence(w, t, d) = lw * (w + t) / 2 + dw * d, nonzero only on the union U
        u = np.union1d(wi, di)
        ev_u = np.zeros(len(u))
        ev_u[np.searchsorted(u, wi)] += lw * wv
        ev_u[np.searchsorted(u, di)] += dw * dv
        ev[u] = ev_u
        if exact:  # the retriever's own function, over the whole array
            pos = F.candidates(dense[qi], ev, index.following)
        else:  # the same list: U is sorted, so a stable sort of U is the whole array's stable sort restricted to U
            top = u[np.argsort(-ev_u, kind="stable")][:R.CANDIDATES]
            pos = list(dict.fromkeys([int(i) for i in dense[qi]] + [int(i) for i in top if ev[i] > 0]))
            pos += [int(index.following[i]) for i in list(pos) if index.following[i] >= 0]
            pos = list(dict.fromkeys(pos))
        c = cos[qi]
        s = F.hybrid_scores(pos, c, ev, index.previous, float(c[dense[qi][-1]]), pw)
        ev[u] = 0.0
        return sorted(s, key=lambda i: (-s[i], -c[i]))

    # the shortcut ranks exactly as the retriever's functions do (checked on 200 questions)
    for qi in range(0, len(items), max(1, len(items) // 200)):
        assert ranked(qi, 0.1, 0.1, 0.2) == ranked(qi, 0.1, 0.1, 0.2, exact=True), qi

    def fused(lw: float, dw: float, pw: float) -> list[int | None]:
        return [first_rank(ranked(qi, lw, dw, pw), golds[qi]) for qi in range(len(items))]

    def show(label: str, ranks) -> float:
        r = recall_at(ranks)
        print(f"{label:48s} " + "  ".join(f"{k} {v:.3f}" for k, v in r.items()), flush=True)
        return r["r@1"]

    show("dense alone (cosine)", [first_rank(o, g) for o, g in zip(dense, golds)])
    shipped = (F.LEXICAL_WEIGHT, F.DOCUMENT_WEIGHT, F.PREVIOUS_WEIGHT)
    show(f"ARCD weights {shipped}", fused(*shipped))
    results = []
    for lw, dw, pw in itertools.product(GRID_LEXICAL, GRID_DOCUMENT, GRID_PREVIOUS):
        mark = " <- (en, en)" if (lw, dw, pw) == getattr(F, "PAIR_WEIGHTS", {}).get(("en", "en")) else ""
        results.append(((lw, dw, pw), show(f"lexical={lw} document={dw} previous={pw}{mark}", fused(lw, dw, pw))))
    best = max(results, key=lambda r: r[1])
    print(f"best recall@1: {best[0]} {best[1]:.3f} ({time.time() - t0:.0f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
