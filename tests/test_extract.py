"""Question typing and answer extraction: pure functions over the bundled article's sentences."""

from __future__ import annotations

import pytest

from factbot.ask.extract import extract, extract_all, only_excluded
from factbot.ask.questions import QType, asked_owners, asked_unit, excluded_terms, question_type
from factbot.ask.values import words
from factbot.text.glossary import question_terms, term_overlap
from factbot.text.matching import split_sentences

from conftest import ARTICLE


def _sentence(fragment: str) -> str:
    text = ARTICLE.read_text(encoding="utf-8")
    found = [text[s.start:s.end] for s in split_sentences(text) if fragment in text[s.start:s.end]]
    assert found, fragment
    return found[0]


TROOPS = _sentence("حوالي 2500 جندي")
MEETING = _sentence("في بغداد يوم السبت")
STRIKE = _sentence("قاسم سليماني")
THURSDAY = _sentence("وقالت واشنطن، الخميس")
GROUPS = _sentence("فرق العمل الثلاث")
SINGH = _sentence("صابرين سينغ")
DECISION = _sentence("قبل 7 أكتوبر")
LAST_YEAR = _sentence("العام الماضي")


@pytest.mark.parametrize("question, qtype", [
    ("How many US troops remain in Iraq?", QType.COUNT),
    ("How much money was spent?", QType.COUNT),
    ("كم عدد الجنود الأمريكيين في العراق؟", QType.COUNT),
    ("بكم يقدر عدد السكان؟", QType.COUNT),
    ("ما عدد فرق العمل؟", QType.COUNT),
    ("In what year was the coalition formed?", QType.YEAR),
    ("في أي عام تأسس التحالف؟", QType.YEAR),
    ("Which month was it?", QType.MONTH),
    ("On which day of the week did they meet?", QType.WEEKDAY),
    ("في أي يوم اجتمعوا؟", QType.WEEKDAY),
    ("When did the strike happen?", QType.DATE),
    ("متى وقعت الغارة؟", QType.DATE),
    (" - متى ولد جمال خاشقجي؟", QType.DATE),  # ARCD's list dash
    ("Who is the Iraqi prime minister?", QType.PERSON),
    ("Which Iraqi militia leader was killed?", QType.PERSON),
    ("من هو رئيس الوزراء العراقي؟", QType.PERSON),
    ("Where was Soleimani killed?", QType.PLACE),
    ("In which city did they meet?", QType.PLACE),
    ("أين قتل سليماني؟", QType.PLACE),
    ("في أي مدينة اجتمعوا؟", QType.PLACE),
    ("What is the aim of the dialogue?", QType.OTHER),
    ("ما هدف الحوار؟", QType.OTHER),
    ("How many years did the mission last?", QType.COUNT),  # the earliest question word decides
    # "who <verb>" asks for whoever the sentence says ("military experts"), not a gazetteer name
    ("Who will supervise the end of the mission?", QType.OTHER),
    ("Who claimed credit for the decision?", QType.OTHER),
    ("من سيشرف على إنهاء المهمة؟", QType.OTHER),
    ("Who was the Iranian commander?", QType.PERSON),
    ("What is the name of the US defense secretary?", QType.PERSON),
])
def test_question_type(question, qtype):
    assert question_type(question) is qtype


def test_asked_unit_crosses_languages():
    # "troops" (English) and "الجنود" (Arabic) are the same unit in the claims lexicon
    assert asked_unit("How many US troops remain in Iraq?") == "troops"
    assert asked_unit("كم عدد الجنود الأمريكيين في العراق؟") == "troops"
    assert asked_unit("How many remain?") == ""


@pytest.mark.parametrize("question, sentence, display, kind", [
    # approximation kept: حوالي -> "About"
    ("How many US troops remain in Iraq?", TROOPS, "About 2500", "count"),
    ("كم عدد الجنود الأمريكيين في العراق؟", TROOPS, "حوالي 2500", "count"),
    # Arabic number words: الثلاث -> "Three" in English, as written in Arabic
    ("How many working groups are there?", GROUPS, "Three", "count"),
    ("كم عدد فرق العمل؟", GROUPS, "الثلاث", "count"),
    ("In what year was the coalition formed?", TROOPS, "2014", "year"),
    ("في أي عام تشكل التحالف؟", TROOPS, "عام 2014", "year"),
    ("On which day of the week did they meet?", MEETING, "Saturday", "weekday"),
    ("في أي يوم اجتمعوا؟", MEETING, "السبت", "weekday"),
    ("What day did Washington speak?", THURSDAY, "Thursday", "weekday"),
    ("When did the strike happen?", STRIKE, "January 2020", "month_year"),
    ("متى وقعت الغارة؟", STRIKE, "يناير 2020", "month_year"),
    ("In what year did the strike happen?", STRIKE, "2020", "month_year"),
    # "7 أكتوبر/تشرين الأول" is one date named twice; "قبل" -> "Before"
    ("When was the decision taken?", DECISION, "Before 7 October", "date"),
    ("متى اتخذ القرار؟", DECISION, "قبل 7 أكتوبر/تشرين الأول", "date"),
    ("When were the goals first discussed?", LAST_YEAR, "Last year", "relative"),
    ("Who is the Iraqi prime minister?", MEETING, "Mohammed Shia al-Sudani", "person"),
    ("من هو رئيس الوزراء العراقي؟", MEETING, "محمد شياع السوداني", "person"),
    ("Who is the Pentagon's deputy press secretary?", SINGH, "Sabrina Singh", "person"),
    # two names in one sentence: the title words before each decide
    ("Which Iraqi militia leader was killed?", STRIKE, "Abu Mahdi al-Muhandis", "person"),
    ("Which Iranian commander was killed?", STRIKE, "Qassem Soleimani", "person"),
    # a name the question mentions is never its answer
    ("Which leader was killed with Soleimani?", STRIKE, "Abu Mahdi al-Muhandis", "person"),
    ("Where did they meet?", MEETING, "Baghdad", "place"),
    ("In which city did they meet?", MEETING, "Baghdad", "place"),
    ("أين اجتمعوا؟", MEETING, "في بغداد", "place"),
    # place noun + gazetteer name: "مطار بغداد" -> "Baghdad airport", خارج -> "Outside"
    ("Where was Soleimani killed?", STRIKE, "Outside Baghdad airport", "place"),
    ("أين قتل سليماني؟", STRIKE, "خارج مطار بغداد", "place"),
])
def test_extract_value_in_question_language(question, sentence, display, kind):
    e = extract(question, sentence)
    assert (e.display, e.kind) == (display, kind)
    # the value comes from the sentence: its span lies inside it
    assert 0 <= e.start < e.end <= len(sentence)


def test_arabic_display_is_an_exact_slice():
    e = extract("كم عدد الجنود الأمريكيين في العراق؟", TROOPS)
    assert TROOPS[e.start:e.end] == e.display == "حوالي 2500"


def test_nothing_extracted_when_the_kind_is_absent():
    assert extract("How many US troops remain?", MEETING) is None  # no number in the meeting sentence
    assert extract("Where will they meet?", GROUPS) is None         # "العراقية" is an adjective, no place
    assert extract_all("What is the aim?", MEETING) == ()            # OTHER: the sentence is the answer


def test_a_name_needs_a_title_that_fits_the_question():
    # the only titled name near "Iraq" in the strike sentence is a militia leader, no ambassador:
    # the first question term ("us") is not in his title, "iraq" (weight 1/3) is not enough
    assert extract("Who is the US ambassador to Iraq?", STRIKE) is None
    # a country named as an actor is no answer to "where": only places after في/خارج/ب… are
    assert extract("Where will the next round be held?", _sentence("عقدت الولايات المتحدة")) is None


@pytest.mark.parametrize("question, excluded", [
    ("How many non-American troops are in Iraq?", {"american", "امريك"}),
    ("How many troops other than the American ones remain?", {"american", "امريك"}),
    ("كم عدد الجنود من غير الأمريكيين في العراق؟", {"امريك"}),
    ("ما الدول المشاركة باستثناء العراق؟", {"عراق"}),
    ("How many US troops remain in Iraq?", set()),
    ("How many other countries joined?", set()),      # "other" alone excludes nothing
    ("None of the troops left?", set()),               # "none" is not "non-"
])
def test_excluded_terms(question, excluded):
    assert excluded_terms(question) == excluded


def test_a_value_said_of_an_excluded_group_is_no_answer():
    # the troops sentence counts American soldiers: no answer to a question about everyone else
    assert extract("How many non-American foreign troops are deployed in Iraq?", TROOPS) is None
    assert extract("كم عدد الجنود من غير الأمريكيين في العراق؟", TROOPS) is None
    # a group excluded elsewhere in the question does not touch a value said of another one
    assert extract("How many troops excluding Iraqis remain?", TROOPS).display == "About 2500"
    # the sentence negating the same word answers the negated question
    said = "يوجد حوالي 900 جندي غير أمريكي في العراق."
    assert extract("How many non-American troops are in Iraq?", said).display == "About 900"


def test_a_sentence_whose_only_values_are_excluded_says_the_answer_is_not_there():
    q = "How many non-American foreign troops are deployed in Iraq?"
    assert only_excluded(q, TROOPS)                     # its one count is of the Americans
    assert not only_excluded("How many troops are in Iraq?", TROOPS)   # that count answers
    assert not only_excluded(q, THURSDAY)               # no count at all: silence, not exclusion
    assert only_excluded("How many Iraqi soldiers were killed in the US strikes?", TROOPS)  # another country's
    assert not only_excluded(q, "يوجد حوالي 900 جندي غير أمريكي و2500 جندي أمريكي في العراق.")


@pytest.mark.parametrize("question, owners", [
    ("How many Iraqi soldiers were killed in the US strikes?", {"Iraq"}),  # whose soldiers, not whose strikes
    ("كم عدد الجنود الأمريكيين في العراق؟", {"United States"}),
    ("How many troops are in Iraq?", set()),                                # "in Iraq" says where
    ("Which groups carried out attacks on US troops?", set()),  # not a count: no owner is asked
])
def test_asked_owners(question, owners):
    assert asked_owners(question) == owners


def test_a_value_said_of_another_country_is_no_answer():
    assert extract("How many Iraqi soldiers were killed in the US strikes?", TROOPS) is None  # 2500 are American
    assert extract("Which Iranian commander was killed in the 2020 air strike?", STRIKE).display == "Qassem Soleimani"
    assert extract("How many troops are in Iraq?", TROOPS).display == "About 2500"


def test_years_are_not_counts():
    # "2014" in the troops sentence is a year: the only count is 2500
    assert [e.display for e in extract_all("How many troops?", TROOPS)] == ["About 2500"]


def test_words_keep_offsets_and_strip_punctuation():
    text = "قال “خبراء عسكريين”، الخميس."
    ws = words(text)
    assert [text[w.start:w.end] for w in ws] == ["قال", "خبراء", "عسكريين", "الخميس"]
    assert ws[-1].form == "الخميس"


def test_term_overlap_crosses_languages_through_the_glossary():
    # question terms: us, troop, remain, iraq ("many" only says how it asks) -> all four have
    # Arabic forms in the troops sentence (أمريكي, جندي, يزال, العراق)
    assert term_overlap("How many US troops remain in Iraq?", TROOPS) == 1.0
    # the strike sentence has أمريكية, قوات (forces, a translation of "troops") and العراق: 3/4
    assert term_overlap("How many US troops remain in Iraq?", STRIKE) == 0.75
    assert term_overlap("?", TROOPS) == 0.0


@pytest.mark.parametrize("question, kept", [
    # the noun naming the kind of place asked for is no term: the sentence says "in Baghdad"
    ("In which Iraqi province are US troops based?", ["iraqi", "us", "troop", "based"]),
    ("في أي مدينة عقد الاجتماع؟", ["عقد", "اجتماع"]),
    # a time's noun stays ("في عام 2014"), and so does a noun after an auxiliary
    ("في أي عام تأسس التحالف؟", ["عام", "تاسس", "تحالف"]),
    ("What did the city council say?", ["city", "council"]),
])
def test_question_terms_leave_out_the_kind_of_place_asked_for(question, kept):
    assert [sorted(alts)[0] for alts in question_terms(question)] == kept


@pytest.mark.parametrize("question, sentence, display", [
    # the count whose own noun is the asked one, wherever it stands
    ("How many stops does the line have?", "The line is 9.4 kilometres long and has 14 stops.", "14"),
    ("كم محطة في الخط؟", "يبلغ طول الخط 9.4 كيلومتر وفيه 14 محطة.", "14"),
    # no count names the asked noun: the one beside the question's terms
    ("How many people died in the fire?", "Of the 300 guests, 12 died in the fire.", "12"),
])
def test_the_count_of_the_asked_thing_is_picked_among_several(question, sentence, display):
    assert extract(question, sentence).display == display


def test_an_english_count_from_an_english_sentence_reads_as_written():
    # "130000000" said nothing a reader could check at a glance; across languages the value
    # is still rendered in the question's ("حوالي 2500" -> "About 2500")
    assert extract("How much did the line cost?", "It cost 130 million euros in all.").display == "130 million"
    assert extract("How many US troops remain?", "لا يزال هناك حوالي 2500 جندي أمريكي").display == "About 2500"
