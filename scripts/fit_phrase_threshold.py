#!/usr/bin/env python
"""Fit when `ask` answers with the reader's phrase and when with the whole sentence:
factbot/models/answer_phrase.json (used only with FACTBOT_READER=on).

The reader's span has a probability: its share of exp(start + end logit) among every span of the
sentence (`Span.probability`). Where it is low, the phrase is no better than the sentence it
comes from (on the data below, spans under 0.2 score a token-F1 of about the sentence's), and
the sentence is the safer answer: it holds the whole answer, and it is what the citation shows.
So: the phrase when its probability is at least the threshold, else the sentence.

The threshold is the largest of a grid whose mean token-F1 (phrase or sentence, against the gold
answers) is within TOLERANCE of the grid's best, pooled over: TyDi QA GoldP Arabic and English
*dev* questions outside the samples benchmarks/reader_quality.py measures (as
scripts/fit_reader_fusion.py reads them), and ARCD *train*; each read with its gold sentence and
the sentence before it, as at run time. ARCD test and XQuAD are never read. Deterministic; ~1 min.

    .venv/bin/python scripts/fit_phrase_threshold.py [--write]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))
from fitting import emit_json  # noqa: E402

DATASETS = ROOT.parent / "shared" / "datasets"
OUT = ROOT / "factbot" / "models" / "answer_phrase.json"
FILES = ("tydiqa/tydiqa-goldp-ar-dev.json", "tydiqa/tydiqa-goldp-en-dev.json", "arcd/arcd-train.json")
GRID = tuple(round(0.05 * k, 2) for k in range(11))   # 0 .. 0.5
TOLERANCE = 0.005   # token-F1 given up, at most, for answering with the sentence where unsure


def gold_rows(path: Path, skip_benchmark_sample: bool) -> list:
    """The file's questions with their gold sentences (`gold_sentences`), without the positions
    benchmarks/reader_quality.py samples when asked."""
    from factbot.evaluate.datasets import gold_sentences
    from fit_reader_fusion import held_out

    rows = gold_sentences(path)
    n = sum(1 for art in json.loads(path.read_text(encoding="utf-8"))["data"]
            for para in art["paragraphs"] for qa in para["qas"] if qa.get("answers"))
    skip = held_out(n) if skip_benchmark_sample else set()
    return [g for g in rows if g.position not in skip]


def score_rows(reader, rows) -> list[tuple[float, float, float]]:
    """(span probability, span token-F1, sentence token-F1) per row."""
    from factbot.evaluate.judge import best_token_f1

    out = []
    for g in rows:
        r = reader.read(g.question, [g.sentence], [g.previous])[0]
        p = r.span.probability if r.span else 0.0
        out.append((p, best_token_f1(r.span.text if r.span else "", g.answers), best_token_f1(g.sentence, g.answers)))
    return out


def fit(scored: list[tuple[float, float, float]], grid=GRID,
        tolerance: float = TOLERANCE) -> tuple[float, dict[float, float]]:
    """The largest threshold whose mean token-F1 is within `tolerance` of the best, and the curve."""
    curve = {t: round(sum(span if p >= t else sent for p, span, sent in scored) / max(1, len(scored)), 4)
             for t in grid}
    top = max(curve.values())
    return max(t for t, v in curve.items() if v >= top - tolerance), curve


def main() -> None:
    from factbot.reader.model import SHIPPED, load

    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--datasets", type=Path, default=DATASETS)
    ap.add_argument("--model", type=Path, default=SHIPPED, help="the reader file the threshold is for")
    ap.add_argument("--write", action="store_true", help=f"write {OUT.relative_to(ROOT)}")
    args = ap.parse_args()
    t0 = time.time()
    reader = load(str(args.model))
    scored, counts = [], {}
    for rel in FILES:
        rows = gold_rows(args.datasets / rel, skip_benchmark_sample="tydiqa" in rel)
        counts[Path(rel).stem] = len(rows)
        scored += score_rows(reader, rows)
        print(f"{rel}: {len(rows)} questions ({time.time() - t0:.0f} s)", file=sys.stderr)
    threshold, curve = fit(scored)
    out = {"threshold": threshold, "tolerance": TOLERANCE, "curve": {str(t): v for t, v in curve.items()},
           "fitted_on": counts,
           "reader_sha256": hashlib.sha256(Path(args.model).read_bytes()).hexdigest(),
           "fitted_by": "scripts/fit_phrase_threshold.py"}
    emit_json(out, OUT, args.write, t0)


if __name__ == "__main__":
    main()
