#!/usr/bin/env python
"""Fit the English common-word list `factbot/text/names.py` uses to tell names from titles.

A capitalised word is a name unless English also writes it in lower case: "Prime Minister
Haider al-Abadi" names Haider al-Abadi. Which words English writes in lower case is read from
TyDi QA GoldP English *train* passages (Wikipedia text nobody here wrote): every word seen in
lower case at least MIN_LOWER times. Deterministic: same data, same file.

    .venv/bin/python scripts/fit_names.py            # writes factbot/models/english_common_words.json
"""

from __future__ import annotations

import collections
import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT.parent / "shared" / "datasets" / "tydiqa" / "tydiqa-goldp-en-train.json"
OUT = ROOT / "factbot" / "models" / "english_common_words.json"
MIN_LOWER = 2  # once may be a typo or a quoted handle; twice is usage


def lower_case_words(passages: list[str]) -> list[str]:
    low = collections.Counter()
    for text in passages:
        for w in re.findall(r"[A-Za-z]+(?:'[a-z]+)?", text):
            if w[0].islower():
                low[w.lower()] += 1
    return sorted(w for w, n in low.items() if n >= MIN_LOWER)


def main() -> int:
    if not DATA.is_file():
        print(f"fit_names.py: {DATA} is absent", file=sys.stderr)
        return 2
    data = json.loads(DATA.read_text(encoding="utf-8"))["data"]
    passages = list(dict.fromkeys(p["context"] for a in data for p in a["paragraphs"]))
    words = lower_case_words(passages)
    OUT.write_text(json.dumps({"source": "TyDi QA GoldP English train passages", "passages": len(passages),
                               "min_lower": MIN_LOWER, "words": words}, ensure_ascii=False, indent=0) + "\n",
                   encoding="utf-8")
    print(f"{len(words)} words from {len(passages)} passages -> {OUT.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
