"""Measure the reader on dev paragraphs and fit its abstention threshold → factbot/reader/reader.json.

    .venv/bin/python scripts/fit_reader.py [--model factbot/reader/reader.int8.onnx] [--limit N]

Dev measurement (TyDi ar-dev and en-dev, gold paragraph given, cut by factbot's splitter):
sentence P@1 (the reader's best sentence holds a gold answer) and the span's token-F1.
No retrieval here: it is the reader alone, cheap enough to run while tuning.

The threshold: `ask` answers when the reader's probability for its best candidate is at least
`threshold`. Rows, one per (question, candidate set): TyDi dev questions against their own
paragraph (right when the chosen sentence holds a gold answer) and against a paragraph of
another article (always wrong: the answer is not there); the article's training questions
(scripts/abstain_questions.jsonl, answerable and not) against the article's sentences, with
half the total weight as in scripts/train_abstain.py. The threshold maximises the accuracy of
the answer/abstain decision. tests/data/questions_dev.jsonl is reported as a check, not fitted.
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
ARTICLE = ROOT / "corpus" / "us-iraq-coalition-talks.ar.txt"
OUT = ROOT / "factbot" / "reader" / "reader.json"


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


def best(reader: Reader, question: str, sents: list[str]):
    readings = reader.read(question, sents, ["", *sents[:-1]])
    i = int(np.argmax([r.answers for r in readings]))
    return i, readings[i]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model", type=Path, default=SHIPPED)
    ap.add_argument("--limit", type=int, default=0, help="questions per dev file (0: all)")
    ap.add_argument("--out", type=Path, default=OUT)
    args = ap.parse_args()
    rng = random.Random(SEED)
    reader = Reader(args.model).warm()
    rows: list[tuple[float, bool, float]] = []   # (probability, answering is right, weight)
    report: dict = {}
    for rel in DEV:
        paras = paragraphs(DATASETS / rel)
        items = [(pi, q, golds) for pi, (_, _, qs) in enumerate(paras) for q, golds in qs]
        if args.limit:
            items = rng.sample(items, min(args.limit, len(items)))
        hits, f1s, sent_f1s = [], [], []
        for pi, q, golds in items:
            title, sents, _ = paras[pi]
            i, r = best(reader, q, sents)
            right = contains_any(sents[i], golds)
            hits.append(right)
            f1s.append(best_token_f1(r.span.text if r.span else sents[i], golds))
            sent_f1s.append(best_token_f1(sents[i], golds))
            rows.append((r.answers, right, 1.0))
            others = [j for j, p in enumerate(paras) if p[0] != title]
            _, r2 = best(reader, q, paras[rng.choice(others)][1])
            rows.append((r2.answers, False, 1.0))
        name = Path(rel).stem
        report[name] = {"questions": len(items), "sentence_p_at_1": round(float(np.mean(hits)), 3),
                        "span_token_f1": round(float(np.mean(f1s)), 3),
                        "sentence_token_f1": round(float(np.mean(sent_f1s)), 3)}
        print(name, report[name], flush=True)

    text = ARTICLE.read_text(encoding="utf-8")
    sents = [text[s.start:s.end] for s in _split_sentences()(text)]

    def article_rows(path: Path) -> list[tuple[float, bool]]:
        out = []
        for line in path.read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
            q = json.loads(line)
            i, r = best(reader, q["text"], sents)
            right = not q.get("unanswerable") and contains_any(sents[i], q.get("evidence_any") or q["answer_any"])
            out.append((r.answers, right, bool(q.get("unanswerable"))))
        return out

    train_article = article_rows(ROOT / "scripts" / "abstain_questions.jsonl")
    w = len(rows) / max(1, len(train_article))   # the article's questions: half the total weight
    rows += [(p, right, w) for p, right, _ in train_article]
    probs = np.array([r[0] for r in rows])
    right = np.array([r[1] for r in rows])
    weight = np.array([r[2] for r in rows])
    grid = np.unique(np.round(probs, 3))
    acc = [float(np.sum(weight * np.where(probs >= t, right, ~right)) / weight.sum()) for t in grid]
    threshold = float(grid[int(np.argmax(acc))])
    dev = article_rows(ROOT / "tests" / "data" / "questions_dev.jsonl")
    dev_unans = [p for p, _, u in dev if u]
    report["threshold"] = threshold
    report["decision_accuracy_train"] = round(max(acc), 3)
    report["article_dev"] = {
        "answered_right": sum(1 for p, r, u in dev if not u and p >= threshold and r),
        "answerable": sum(1 for _, _, u in dev if not u),
        "abstained_unanswerable": sum(1 for p in dev_unans if p < threshold),
        "unanswerable": len(dev_unans)}
    print(json.dumps(report, indent=1))
    args.out.write_text(json.dumps({"threshold": threshold, "fitted_by": "scripts/fit_reader.py",
                                    "dev": report}, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
