"""Measure the reader alone on dev data (no retrieval: cheap enough while tuning).

    .venv/bin/python scripts/measure_reader.py [--model factbot/reader/reader.int8.onnx] [--limit N]
    .venv/bin/python scripts/measure_reader.py --ans dev      # the stance head on ANS dev

TyDi ar-dev and en-dev, gold paragraph given, cut by factbot's splitter: how often the sentence
the reader ranks first holds a gold answer, by each way of ranking in RULES (its answer head,
its best span's score, both), and, in the sentence that holds the answer (the one `ask` cites
when the reranker is right), the token-F1 of the reader's span against that of the sentence.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from reader_data import DATASETS, _split_sentences  # noqa: E402

from factbot.evaluate.datasets import clean_question  # noqa: E402
from factbot.evaluate.judge import best_token_f1, contains_any  # noqa: E402
from factbot.reader.model import SHIPPED, Reader  # noqa: E402

SEED = 15
DEV = ("tydiqa/tydiqa-goldp-ar-dev.json", "tydiqa/tydiqa-goldp-en-dev.json")


def _logit(p: float) -> float:
    p = min(max(p, 1e-6), 1 - 1e-6)
    return float(np.log(p / (1 - p)))


# Ways to pick the answering sentence from the readings, compared on dev.
RULES = {
    "answer": lambda r: r.answers,
    "span": lambda r: r.span.score if r.span else -1e9,
    "answer+span": lambda r: _logit(r.answers) + (r.span.score if r.span else -1e9),
}


def paragraphs(path: Path) -> list[tuple[str, list[str], list[tuple[str, list[str]]]]]:
    split = _split_sentences()
    out = []
    for art in json.loads(path.read_text(encoding="utf-8"))["data"]:
        for p in art["paragraphs"]:
            ctx = p["context"]
            sents = [ctx[s.start:s.end] for s in split(ctx)]
            qs = [(clean_question(q["question"]), [a["text"] for a in q["answers"]]) for q in p["qas"] if q["answers"]]
            out.append((art.get("title", ""), sents, qs))
    return out


def stance_figures(reader: Reader, split: str) -> dict:
    """The stance head alone on ANS `split` (s2 the claim, s1 the evidence): macro-F1, accuracy."""
    import csv

    from sklearn.metrics import accuracy_score, f1_score

    with (DATASETS / "ans" / f"stance-{split}.csv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    gold = [{"agree": 0, "disagree": 1, "other": 2}[r["stance"]] for r in rows]
    pred = [int(np.argmax(reader.read(r["s2"], [r["s1"]])[0].stance)) for r in rows]
    return {"pairs": len(rows), "macro_f1": round(float(f1_score(gold, pred, average="macro")), 3),
            "accuracy": round(float(accuracy_score(gold, pred)), 3)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model", type=Path, default=SHIPPED)
    ap.add_argument("--limit", type=int, default=0, help="questions per dev file (0: all)")
    ap.add_argument("--ans", choices=["dev", "test"], help="only the stance head on ANS dev or test (writes nothing)")
    args = ap.parse_args()
    if args.ans:
        print(json.dumps(stance_figures(Reader(args.model).warm(), args.ans)))
        return
    rng = random.Random(SEED)
    reader = Reader(args.model).warm()
    report: dict = {}
    for rel in DEV:
        paras = paragraphs(DATASETS / rel)
        items = [(pi, q, golds) for pi, (_, _, qs) in enumerate(paras) for q, golds in qs]
        if args.limit:
            items = rng.sample(items, min(args.limit, len(items)))
        f1s, sent_f1s = [], []
        by_rule: dict[str, list[bool]] = {name: [] for name in RULES}
        for pi, q, golds in items:
            _, sents, _ = paras[pi]
            readings = reader.read(q, sents, ["", *sents[:-1]])
            for name, rule in RULES.items():
                by_rule[name].append(contains_any(sents[int(np.argmax([rule(x) for x in readings]))], golds))
            # the phrase, given the right sentence (in ask the reranker chooses it): span vs whole sentence
            gold = next((i for i, t in enumerate(sents) if contains_any(t, golds)), None)
            if gold is not None:
                span = readings[gold].span
                f1s.append(best_token_f1(span.text if span else sents[gold], golds))
                sent_f1s.append(best_token_f1(sents[gold], golds))
        name = Path(rel).stem
        report[name] = {"questions": len(items),
                        "p_at_1_by_rule": {k: round(float(np.mean(v)), 3) for k, v in by_rule.items()},
                        "with_gold_sentence": len(f1s),
                        "span_token_f1": round(float(np.mean(f1s)), 3),
                        "sentence_token_f1": round(float(np.mean(sent_f1s)), 3)}
        print(name, report[name], flush=True)

    print(json.dumps(report, indent=1))


if __name__ == "__main__":
    main()
