"""Claims about the article keep their verdict when sentences of other documents are retrieved
beside its own (issue 14): a number, date, place or name bears on a claim only when said of the
same thing, and an English claim finds its Arabic sentence through the glossary when hundreds of
English sentences are nearer by meaning. The distractors are sentences of the ARCD-test and
TyDi-en-dev paragraphs `benchmarks.corpora` indexes beside the article, which these verdicts
flipped on."""

from __future__ import annotations

import pytest

from factbot.check.alignment import capital_matches
from factbot.check.evidence import glossed_evidence
from factbot.check.verifier import Verifier
from factbot.text import facts
from factbot.text.analysis import analyse
from factbot.types import Hit, Label
from tests.conftest import corpus_beside
from tests.test_verify import article, dense_hits  # noqa: F401 - the module fixture and its helper

ASSAULT = "A 1,200-plane airborne assault preceded an amphibious assault involving more than 5,000 vessels."
BONES = ("Bones is an American crime procedural drama television series that aired on Fox in the United "
         "States from September 13, 2005, until March 28, 2017.")
NFL = ("The NFL was formed in 1920 as the American Professional Football Association (APFA) before "
       "renaming itself the National Football League for the 1922 season.")


@pytest.fixture(scope="module")
def verifier():
    return Verifier()


def beside(article, claim, *others, cosine=0.83):  # noqa: F811 - `article` is the fixture
    """The article's top sentences for `claim`, then `others` as retrieved distractors."""
    return dense_hits(article, claim, k=8) + [Hit(f"other-{i}", f"o{i}", 0, len(t), t, cosine, dense=cosine)
                                         for i, t in enumerate(others)]


def test_a_count_of_something_else_neither_confirms_nor_refutes(article, verifier):  # noqa: F811
    # "1,200-plane ... assault" is read as 1200 attacks, but the sentence states nothing of the claim
    claim = "US forces in Iraq and Syria have faced more than 150 attacks since the Gaza war escalated."
    v = verifier.verify(claim, beside(article, claim, ASSAULT))
    assert v.verdict is Label.NOT_ENOUGH_INFO, v.reason
    claim = "تعرضت القوات الأمريكية لأكثر من 100 هجوم منذ تصاعد الحرب على غزة."
    v = verifier.verify(claim, beside(article, claim, ASSAULT))
    assert v.verdict is Label.NOT_ENOUGH_INFO, v.reason


def test_a_month_of_another_document_does_not_cancel_the_articles_conflict(article, verifier):  # noqa: F811
    claim = "The US air strike that killed Soleimani took place in March 2020."
    v = verifier.verify(claim, beside(article, claim, BONES))
    assert (v.verdict, v.reason.split(" [")[0]) == (Label.REFUTED, "the claim says March; the article says January")


def test_a_date_of_another_founding_is_not_the_coalitions(verifier):
    claim = "The coalition was formed in 2016."
    v = verifier.verify(claim, [Hit("nfl", "n0", 0, len(NFL), NFL, 0.8, dense=0.8)])
    assert v.verdict is Label.NOT_ENOUGH_INFO, v.reason


def test_the_articles_date_still_refutes_beside_another_founding(article, verifier):  # noqa: F811
    claim = "The coalition was formed in 2016."
    v = verifier.verify(claim, beside(article, claim, NFL))
    assert (v.verdict, v.reason.split(" [")[0]) == (Label.REFUTED, "the claim says 2016; the article says 2014")


def test_a_capital_stands_for_its_state_only_as_a_speaker_or_party():
    sentence = "عقدت الولايات المتحدة والعراق جولة أولى من المحادثات"
    said = capital_matches("Washington agreed with Baghdad on working groups", sentence,
                           facts.compare(analyse("Washington agreed").facts, analyse(sentence).facts))
    assert "entity:Washington" in [m.key for m in said]
    for claim in ("The next round of talks will be held in Washington.", "ستعقد الجولة الثانية في واشنطن",
                  "ستعقد الجولة الثانية بواشنطن"):
        c = analyse(claim)
        assert capital_matches(c, sentence, facts.compare(c.facts, analyse(sentence).facts)) == (), claim


def test_a_name_is_held_only_by_a_sentence_about_the_claim(verifier):
    # the second sentence names her but says nothing of the prize (her name is all it shares):
    # the name is not held, though the first sentence states the rest of the claim
    claim = "Priya Anand won the Booker Prize for her novel."
    prize = "The Booker Prize for the novel was won by a debut writer from Leeds."
    hits = [Hit("d", "s0", 0, 10, prize, 0.86, dense=0.86),
            Hit("d", "s1", 0, 10, "Priya Anand opened a cafe on the high street.", 0.82, dense=0.82)]
    v = verifier.verify(claim, hits)
    assert (v.verdict, v.reason) == (Label.NOT_ENOUGH_INFO, "the article does not say (Priya Anand)")
    said = Hit("d", "s2", 0, 10, "Priya Anand won the Booker Prize for her second novel.", 0.93, dense=0.93)
    assert verifier.verify(claim, hits + [said]).verdict is Label.SUPPORTED


MARATHON = """City marathon draws record field

The city marathon was formed in 1981 by a club of forty runners.
About 12,000 runners finished the race on Sunday, more than in any year before.
"""


@pytest.fixture(scope="module")
def beside_english(tmp_path_factory):
    return corpus_beside(tmp_path_factory.mktemp("glossed"), "marathon.en.txt", MARATHON)


def test_an_english_claim_takes_the_arabic_sentences_its_glossed_terms_find(beside_english):
    bot = beside_english

    def glossed(claim, hits):
        return glossed_evidence(claim, hits, bot.retriever, bot.embedder)

    got = glossed("The coalition was formed in 2016.", [])
    assert got and all(h.doc_id == "us-iraq-coalition-talks.ar" for h in got)
    assert any("تم تشكيله في عام 2014" in h.text for h in got)
    query = bot.embedder.query("The coalition was formed in 2016.")
    for h in got:  # the claim's cosine, as every retrieved hit carries it
        assert h.dense == pytest.approx(float(bot.embedder.passage(h.text) @ query), abs=1e-3)
    # nothing twice, nothing for an Arabic claim (the glossary translates English)
    assert not {h.sentence_id for h in glossed("The coalition was formed in 2016.", got)} & {
        h.sentence_id for h in got}
    assert glossed("تم تشكيل التحالف في عام 2016", []) == []
    v = bot.check("The coalition was formed in 2016.")
    assert (v.verdict, v.reason.split(" [")[0]) == (Label.REFUTED, "the claim says 2016; the article says 2014")
