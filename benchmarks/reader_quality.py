"""Quality with and without the reader, side by side, from one retrieval per question.

    .venv/bin/python benchmarks/reader_quality.py FILE.json [FILE.json ...] [--home DIR] [--limit N]

For each SQuAD file: its paragraphs in their own collection (as `factbot eval FILE` builds it,
same name, so an index built by `factbot eval` is reused), then for every question one search
(k=8, as `FactBot.ask`) and two answers from the same hits: the answerer without the reader
(FACTBOT_READER=off) and with it (on). Both are judged by `factbot.evaluate.judge.judge_answer`,
the function `factbot eval` uses: first citation holds a gold answer, answer token-F1
(abstentions score 0), abstentions. Retrieval dominates the cost; this halves it against two
`factbot eval` runs and keeps the comparison exact (the same hits for both).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def compare(path: Path, home: Path | None, limit: int | None = None) -> dict:
    import numpy as np

    from factbot.ask.answerer import Answerer
    from factbot.evaluate.datasets import Kind, load_dataset
    from factbot.evaluate.harness import index_contexts, squad_collection
    from factbot.evaluate.judge import judge_answer
    from factbot.pipeline import FactBot
    from factbot.reader.model import load

    ds = load_dataset(path)
    bot = FactBot.open(home=home, collection=squad_collection(ds), reader=False)
    index_contexts(bot, ds, progress=sys.stderr.isatty())
    off = Answerer(bot.embedder)
    on = Answerer(bot.embedder, reader=load(), context_of=bot.previous_text)
    items = [i for i in ds.items if i.kind is Kind.QUESTION][:limit]
    judged: dict[str, list] = {"off": [], "on": []}
    kinds: dict[str, int] = {}
    t0 = time.perf_counter()
    for n, item in enumerate(items, 1):
        hits = bot.retriever.search(item.text, k=8)
        judged["off"].append(judge_answer(item, off.answer(item.text, hits)))
        a = on.answer(item.text, hits)
        kinds[a.answer_kind or "abstained"] = kinds.get(a.answer_kind or "abstained", 0) + 1
        judged["on"].append(judge_answer(item, a))
        if n % 50 == 0:
            print(f"{path.name}: {n}/{len(items)} ({time.perf_counter() - t0:.0f} s)", file=sys.stderr, flush=True)

    def figures(js: list) -> dict:
        return {"first_citation_has_answer": round(float(np.mean([bool(j.hit_at_1) for j in js])), 3),
                "token_f1": round(float(np.mean([j.f1 or 0.0 for j in js])), 3),
                "abstained": round(float(np.mean([bool(j.abstained) for j in js])), 3)}

    return {"file": path.name, "questions": len(items), "reader_off": figures(judged["off"]),
            "reader_on": figures(judged["on"]), "answer_kind_on": kinds}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("files", type=Path, nargs="+")
    ap.add_argument("--limit", type=int, help="only the first N questions of each file")
    ap.add_argument("--home", type=Path, default=os.environ.get("FACTBOT_HOME") or None,
                    help="the index folder (env FACTBOT_HOME; default: your user data folder)")
    args = ap.parse_args()
    for f in args.files:
        print(json.dumps(compare(f, args.home, args.limit), ensure_ascii=False), flush=True)


if __name__ == "__main__":
    main()
