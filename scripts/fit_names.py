#!/usr/bin/env python
"""Fit the common-word lists `factbot/text/names.py` and `factbot/text/substitution.py` use to
tell names from other words, one per script.

English: a capitalised word is a name unless English also writes it in lower case: "Prime
Minister Haider al-Abadi" names Haider al-Abadi. Which words English writes in lower case is
read from TyDi QA GoldP English *train* passages (Wikipedia text nobody here wrote): every word
seen in lower case at least MIN_LOWER times.

Arabic writes no capitals. Names are the open class: a word Arabic text uses in several
unrelated articles ("الرئيس", "رواية", "مجموعة") is a common word, a word of one or two articles
("ساكاشفيلي", "ميورا") may be a name. Read from ARCD *train* and TyDi QA GoldP Arabic *train*
passages: every word (normalised, proclitics off: `substitution.arabic_form`) in at least
MIN_ARTICLES distinct articles (ARCD's paragraphs of one article count once, so the name of
the article's subject does not become common by being repeated). Deterministic: same data,
same files. The dev/test splits (what benchmarks/corpora.py measures on) are never read.

    .venv/bin/python scripts/fit_names.py   # writes factbot/models/{english,arabic}_common_words.json
"""

from __future__ import annotations

import collections
import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
DATASETS = ROOT.parent / "shared" / "datasets"
DATA = DATASETS / "tydiqa" / "tydiqa-goldp-en-train.json"
ARABIC = (DATASETS / "arcd" / "arcd-train.json", DATASETS / "tydiqa" / "tydiqa-goldp-ar-train.json")
OUT = ROOT / "factbot" / "models" / "english_common_words.json"
OUT_AR = ROOT / "factbot" / "models" / "arabic_common_words.json"
MIN_LOWER = 2  # once may be a typo or a quoted handle; twice is usage
MIN_ARTICLES = 3  # a word of three unrelated articles is the language's, not one article's subject's


def lower_case_words(passages: list[str]) -> list[str]:
    low = collections.Counter()
    for text in passages:
        for w in re.findall(r"[A-Za-z]+(?:'[a-z]+)?", text):
            if w[0].islower():
                low[w.lower()] += 1
    return sorted(w for w, n in low.items() if n >= MIN_LOWER)


def arabic_articles(paths) -> list[str]:
    """One text per article (its paragraphs joined), each article once, in file order."""
    out = []
    for path in paths:
        for article in json.loads(path.read_text(encoding="utf-8"))["data"]:
            out.append("\n".join(dict.fromkeys(p["context"] for p in article["paragraphs"])))
    return list(dict.fromkeys(out))


def arabic_common_words(articles: list[str]) -> list[str]:
    from factbot.text.names import is_arabic
    from factbot.text.substitution import arabic_form

    seen = collections.Counter()
    for text in articles:
        seen.update({arabic_form(w) for w in re.findall(r"[^\W\d_]+", text) if is_arabic(w)})
    return sorted(w for w, n in seen.items() if n >= MIN_ARTICLES)


def main() -> int:
    missing = [p for p in (DATA, *ARABIC) if not p.is_file()]
    if missing:
        print(f"fit_names.py: {missing[0]} is absent", file=sys.stderr)
        return 2
    data = json.loads(DATA.read_text(encoding="utf-8"))["data"]
    passages = list(dict.fromkeys(p["context"] for a in data for p in a["paragraphs"]))
    words = lower_case_words(passages)
    OUT.write_text(json.dumps({"source": "TyDi QA GoldP English train passages", "passages": len(passages),
                               "min_lower": MIN_LOWER, "words": words}, ensure_ascii=False, indent=0) + "\n",
                   encoding="utf-8")
    print(f"{len(words)} words from {len(passages)} passages -> {OUT.relative_to(ROOT)}")
    articles = arabic_articles(ARABIC)
    ar = arabic_common_words(articles)
    OUT_AR.write_text(json.dumps({"source": "ARCD train and TyDi QA GoldP Arabic train articles",
                                  "articles": len(articles), "min_articles": MIN_ARTICLES, "words": ar},
                                 ensure_ascii=False, indent=0) + "\n", encoding="utf-8")
    print(f"{len(ar)} words from {len(articles)} articles -> {OUT_AR.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
