"""How often `ask` answers when the index does not hold the answer, on external data.

    .venv/bin/python -m benchmarks.absent_answers FILE.json... [--home DIR] [--held-out]

Every question of a SQuAD-format file (TyDi, XQuAD, ARCD) is asked twice of its collection (all
of the file's paragraphs, indexed as `factbot eval` does): as it is, and as if the paragraphs
holding its answer were not indexed — the first 16 of its 48 best hits that are not in a
document one of those 48 shows holding a gold answer, so that no candidate holds it (the
answerer picks among the first 8, or all 16 across languages, `rerank.pool_size`). `ask`'s
own choice (`Answerer.pick`: reranker, abstention model, its threshold) decides both. Reported
per file: `answered_from_gold`, the share answered from a sentence holding the gold with the
paragraph there (the first citation figure of `benchmarks.corpora`, without language pools:
one-language collections need none), and `answered_without`, the share answered with it gone,
every one of them wrong. Unanswerable sets written for the article are few; this one is as
large as the file and is not written by us. `--held-out`: XQuAD's odd articles only, as
`benchmarks.corpora run --xquad-held-out`. `--reader pick` (or `on`: the same
pick): as `ask` with FACTBOT_READER=pick.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from factbot.defaults import DEFAULT_ASK_HITS

ROOT = Path(__file__).resolve().parent.parent
K_WIDE = 48  # hits searched before the answer's paragraphs are dropped
K = DEFAULT_ASK_HITS  # what `ask` searches (FactBot.ask); its answerer picks among 8, all 16 across languages


def absent_figures(path: Path, home: Path | None, held_out: bool = False, progress=None,
                   reader: bool = False, keep=None, cross_candidates: int | None = None) -> dict:
    """Both figures for one file. `keep(item)`: the questions asked (instead of `held_out`'s odd
    articles); `cross_candidates`: hits the pick weighs across languages (a fit's trial value)."""
    from factbot.evaluate.datasets import Kind, load_dataset
    from factbot.evaluate.harness import index_contexts, squad_collection
    from factbot.evaluate.judge import contains_any
    from factbot.pipeline import FactBot

    from benchmarks.corpora import held_out as odd_articles

    ds = load_dataset(path)
    # the answerer `ask` builds: with FACTBOT_READER=pick the reader's answer score joins the pick
    bot = FactBot.open(home=home, collection=squad_collection(ds), reader="pick" if reader else "off")
    index_contexts(bot, ds)
    items = [i for i in (odd_articles(ds) if held_out else ds).items if i.kind is Kind.QUESTION
             and (keep is None or keep(i))]
    answerer = bot.answerer
    answerer.cross_candidates = cross_candidates
    k = max(K, cross_candidates or 0)
    right = answered_without = 0
    for n, item in enumerate(items):
        if progress:
            progress(n, len(items))
        wide = bot.retriever.search(item.text, k=K_WIDE)
        with_it = answerer.pick(item.text, wide[:k])
        right += with_it.probability >= with_it.threshold and contains_any(wide[with_it.index].text, item.evidence_any)
        gold_docs = {h.doc_id for h in wide if contains_any(h.text, item.evidence_any)}
        without = [h for h in wide if h.doc_id not in gold_docs][:k]
        if without:
            c = answerer.pick(item.text, without)
            answered_without += c.probability >= c.threshold
    n = max(1, len(items))
    return {"n": len(items), "answered_from_gold": round(right / n, 4), "answered_without": round(answered_without / n, 4)}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 epilog="Example: python -m benchmarks.absent_answers "
                                        "../shared/datasets/tydiqa/tydiqa-goldp-en-dev.json --home /tmp/corp/corpora-home")
    ap.add_argument("files", type=Path, nargs="+", help="SQuAD-format JSON files")
    ap.add_argument("--home", type=Path, default=os.environ.get("FACTBOT_HOME") or None,
                    help="index folder (default: factbot's; reuse benchmarks.corpora's to skip indexing)")
    ap.add_argument("--held-out", action="store_true", help="XQuAD: its odd articles only (no fit read them)")
    ap.add_argument("--reader", choices=("pick", "on", "off"), default="off",
                    help="pick as `ask` does with FACTBOT_READER=pick or on (the same pick: the trained reader "
                         "joins the reranker) or off (default)")
    args = ap.parse_args(argv)
    out = {}
    for f in args.files:
        if not f.is_file():
            print(f"absent_answers: no such file: {f}", file=sys.stderr)
            return 2
        print(f"absent_answers: {f.name}", file=sys.stderr, flush=True)
        out[f.stem] = absent_figures(f, args.home, args.held_out and "xquad" in f.name,
                                      reader=args.reader != "off")
    print(json.dumps(out, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
