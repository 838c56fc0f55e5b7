#!/usr/bin/env python
"""Fit the words an answer phrase does not open with: factbot/models/answer_lead_words.json.

The reader's span often opens one word early: "في إنجلترا", "in 1917", "عام 2000", "by Victor
Hugo", where the answer is the name or the number after it. Which words those are is read from
data, not written down: over the gold answers of ARCD *train* and TyDi QA GoldP Arabic and
English *train*, a word is a lead word when it comes right before an answer more often than an
answer starts with it (at least MIN_SEEN times before one). Words are compared lower-cased, as
`\\w+` runs, so the rule is the same in both scripts. The dev/test splits are never read; TyDi
dev measured the effect (README, "The reader"). Deterministic: same data, same file; ~2 s.

    .venv/bin/python scripts/fit_answer_bounds.py   # writes factbot/models/answer_lead_words.json
"""

from __future__ import annotations

import argparse
import collections
import json
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATASETS = ROOT.parent / "shared" / "datasets"
TRAIN = ("arcd/arcd-train.json", "tydiqa/tydiqa-goldp-ar-train.json", "tydiqa/tydiqa-goldp-en-train.json")
OUT = ROOT / "factbot" / "models" / "answer_lead_words.json"
MIN_SEEN = 8     # before at least this many answers: fewer is one article's phrasing
LOOKBACK = 40    # characters before an answer searched for the word preceding it
WORD = re.compile(r"\w+")


def lead_words(files: list[Path], min_seen: int = MIN_SEEN) -> list[str]:
    """Words seen before a gold answer more often than opening one (sorted)."""
    opens, precedes = collections.Counter(), collections.Counter()
    for path in files:
        for art in json.loads(path.read_text(encoding="utf-8"))["data"]:
            for para in art["paragraphs"]:
                for qa in para["qas"]:
                    if not qa.get("answers"):
                        continue
                    a = qa["answers"][0]
                    if first := WORD.findall(a["text"])[:1]:
                        opens[first[0].lower()] += 1
                    start = int(a["answer_start"])
                    if before := WORD.findall(para["context"][max(0, start - LOOKBACK):start])[-1:]:
                        precedes[before[0].lower()] += 1
    return sorted(w for w, n in precedes.items() if n >= min_seen and n > opens[w])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--datasets", type=Path, default=DATASETS)
    ap.add_argument("--out", type=Path, default=OUT)
    args = ap.parse_args()
    words = lead_words([args.datasets / f for f in TRAIN])
    doc = {"source": list(TRAIN), "rule": "precedes a gold answer more often than opens one",
           "min_seen": MIN_SEEN, "words": words}
    args.out.write_text(json.dumps(doc, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {args.out}: {len(words)} words")


if __name__ == "__main__":
    main()
