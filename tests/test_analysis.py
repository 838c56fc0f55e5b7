"""A check reads the claim and each evidence sentence once (`factbot.text.analysis`), and the
readings it passes down are the ones the text-accepting functions compute."""

import re
from collections import Counter
from pathlib import Path

import pytest

from factbot.check import alignment
from factbot.check.stance import pair_features
from factbot.check.verifier import Verifier
from factbot.text import analysis, facts, slots
from factbot.text.matching import fact_tokens, split_sentences
from factbot.types import Hit

ROOT = Path(__file__).resolve().parents[1]
DOC = (ROOT / "corpus" / "us-iraq-coalition-talks.ar.txt").read_text(encoding="utf-8")
SENTENCES = [DOC[s.start:s.end] for s in split_sentences(DOC)]


def _hits(texts):
    return [Hit("doc", f"s{i}", 0, len(t), t, 0.01, 0.80, 0.0) for i, t in enumerate(texts)]


@pytest.mark.parametrize("claim", [
    "About 5,000 US troops remain in Iraq.",
    "واشنطن رفضت الاتفاق مع بغداد على إطلاق مجموعات عمل",
    "Sabrina Singh said the US military presence will not be part of the talks.",
])
def test_a_check_reads_the_claim_and_each_sentence_once(monkeypatch, claim):
    analysis.analyse.cache_clear()
    seen = Counter()
    real = facts.analyze

    def counting(text):
        seen[text] += 1
        return real(text)

    monkeypatch.setattr(facts, "analyze", counting)
    texts = SENTENCES[:6]
    Verifier().verify(claim, _hits(texts))
    # the month slot check reads single tokens: none of these claims has a month conflict
    assert set(seen) == {claim, *texts}
    assert max(seen.values()) == 1
    analysis.analyse.cache_clear()


@pytest.mark.parametrize("claim", ["About 5,000 US troops remain in Iraq.",
                                   "قبل 7 أكتوبر لم تكن هناك هجمات على القوات الأمريكية",
                                   "A British air strike killed Soleimani outside Baghdad airport."])
def test_readings_of_an_analysis_equal_the_text_functions(claim):
    """The same answers whether a function is given the text or its Analysis."""
    a = analysis.analyse(claim)
    assert a.tokens == tuple(fact_tokens(claim))
    assert (a.actors, a.allies, a.affiliations, a.order_cues, a.negated, a.denies_owner) == (
        slots.actors(claim), slots.allies(claim), slots.affiliations(claim), slots.order_cues(claim),
        slots.negated(claim), slots.denies_owner(claim))
    for e in SENTENCES:
        assert alignment.slot_conflicts(a, analysis.analyse(e)) == alignment.slot_conflicts(claim, e)
        assert alignment.covered_terms(a, analysis.analyse(e)) == alignment.covered_terms(claim, e)
        f, g = pair_features(a, analysis.analyse(e), 0.8), pair_features(claim, e, 0.8)
        assert f.dense.tolist() == g.dense.tolist() and f.hashed == g.hashed


def test_no_module_reads_stance_features_by_position():
    """`PairFeatures["name"]`, never `f.dense[3]`: the order of DENSE_NAMES may change."""
    offenders = [str(p.relative_to(ROOT)) for p in (ROOT / "factbot").rglob("*.py")
                 if re.search(r"\.dense\[\s*\d", p.read_text(encoding="utf-8"))]
    assert offenders == []


@pytest.mark.parametrize("text, cues, denies", [
    ("لا يزال هناك حوالي 2500 جندي", 0, False),        # "لا يزال": still
    ("قالت إنه لن يكون جزءا من المحادثات", 0, True),    # "لن يكون": the count skips it, a denial does not
    ("القوات غير الأمريكية", 1, False),                 # "غير": non-US, a word's negation
    ("They didn't agree and will not leave", 2, True),
])
def test_one_negation_rule_read_two_ways(text, cues, denies):
    from factbot.text import negation
    toks = fact_tokens(text)
    assert negation.count(toks) == cues == facts.analyze(text).negations
    assert negation.denies(toks) is denies is slots.negated(text)
