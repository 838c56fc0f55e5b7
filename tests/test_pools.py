"""Candidate pools per language: English text beside the Arabic article must not crowd the
article's sentences out of an English question's candidates, nor win its abstention."""

from __future__ import annotations

import json

import numpy as np

import pytest

from factbot.index.pools import answer_from_pools, evidence_from_pools
from factbot.types import Answer, Hit
from tests.conftest import ROOT, corpus_beside


def hit(sid: str, lang: str) -> Hit:
    return Hit(f"doc-{lang}", sid, 0, 4, sid, 0.5, 0.5, 0.0)


def test_one_language_is_one_plain_search():
    calls = []
    got = answer_from_pools(("ar",), lambda lang: calls.append(lang) or [hit("a1", "ar")],
                            lambda hits: Answer("q", hits[0].text, True, 0.7))
    assert (calls, got.answer) == ([None], "a1")  # even an abstention: no pool is searched


def pools_of(answers):
    return lambda lang: [hit(lang or "all", lang or "all")], lambda hits: answers[hits[0].text]


def test_the_answer_most_likely_right_wins_and_the_whole_index_keeps_ties():
    search, answer = pools_of({"all": Answer("q", "12,000", False, 0.55), "ar": Answer("q", "2500", False, 0.9),
                               "en": Answer("q", "12,000", False, 0.55)})
    assert answer_from_pools(("en", "ar"), search, answer).answer == "2500"  # the article's answer beats a distractor's
    search, answer = pools_of({"all": Answer("q", "40,000", False, 0.7), "ar": Answer("q", "2500", False, 0.7),
                               "en": Answer("q", "-", True, 0.99)})
    assert answer_from_pools(("en", "ar"), search, answer).answer == "40,000"  # a tie: the whole index
    search, answer = pools_of({"all": Answer("q", "40,000", False, 0.8), "ar": Answer("q", "2500", False, 0.6),
                               "en": Answer("q", "-", True, 0.99)})
    assert answer_from_pools(("en", "ar"), search, answer).answer == "40,000"  # a refusal's confidence is no rival
    search, answer = pools_of({"all": Answer("q", "not said", True, 0.9), "ar": Answer("q", "2500", False, 0.62),
                               "en": Answer("q", "12,000", False, 0.58)})
    assert answer_from_pools(("en", "ar"), search, answer).answer == "2500"  # the pool most likely right
    search, answer = pools_of({"all": Answer("q", "not said", True, 0.9), "ar": Answer("q", "-", True, 0.6),
                               "en": Answer("q", "-", True, 0.95)})
    assert answer_from_pools(("en", "ar"), search, answer).answer == "not said"


def test_another_languages_pool_answers_only_when_its_text_comes_near():
    """An English question: the English side refuses, the Arabic pool would answer. It may only
    when its best cosine is within the fitted gap of the best English one."""
    from dataclasses import replace

    answers = {"all": Answer("q", "not said", True, 0.9), "en": Answer("q", "not said", True, 0.9),
               "ar": Answer("q", "2500", False, 0.6)}

    def search_with(cosines):
        return lambda lang: [replace(hit(lang or "all", lang or "all"), dense=cosines[lang or "all"])]

    def ask(cosines, **kw):
        return answer_from_pools(("en", "ar"), search_with(cosines), lambda hits: answers[hits[0].text], **kw).answer

    far = {"all": 0.90, "en": 0.90, "ar": 0.80}     # English text much nearer: the answer is English or absent
    near = {"all": 0.83, "en": 0.83, "ar": 0.80}    # an Arabic article the English question is about
    assert ask(far, question_lang="en", gap=0.05) == "not said"
    assert ask(near, question_lang="en", gap=0.05) == "2500"
    assert ask(far, question_lang="en", gap=0.15) == "2500"   # a wider gap lets it through
    assert ask(far) == "2500"                                  # no question language: every pool competes
    assert ask(far, question_lang="fr", gap=0.05) == "2500"    # no pool in the question's language


def test_the_gap_fit_weighs_each_setting_by_its_first_citation():
    from tests.conftest import load_script

    fit = load_script("fit_pool_gap").fit
    # (other language's best cosine minus own, right with the other pool let in, right with it left out)
    own = [(-0.10, False, True), (-0.06, False, True), (-0.02, True, True)]      # answers in the own language
    other = [(-0.05, True, False), (-0.03, True, False), (0.01, True, False)]   # answers in the other one
    gap, curve = fit({"own": own, "other": other}, grid=(0.0, 0.04, 0.05, 0.08, 0.2))
    assert curve[0.05] == 1.0 and curve[0.0] < 1.0 and curve[0.08] < 1.0 and gap == 0.05


def test_the_shipped_gap_is_the_fit_best():
    from factbot.index.pools import POOL_GAP_PATH, load_gap

    fit = json.loads(POOL_GAP_PATH.read_text(encoding="utf-8"))
    best = max(fit["curve"].values())
    assert load_gap() == fit["gap"] == min(float(g) for g, v in fit["curve"].items() if v == best)
    assert 0 < load_gap() < 0.2


def test_a_pool_holds_whole_documents_by_their_language():
    from factbot.index.retrieval import document_languages
    from factbot.types import Sentence

    sents = [Sentence("art.ar", "a1", 0, 30, "قال المتحدث إن التحالف تشكل عام 2014"),
             Sentence("art.ar", "a2", 31, 40, "Operation Inherent Resolve"),
             Sentence("run.en", "e1", 0, 20, "About 12,000 runners finished.")]
    langs = np.array(["ar", "en", "en"], dtype=object)
    assert document_languages(sents, langs).tolist() == ["ar", "ar", "en"]


def test_a_chat_model_is_asked_once_from_the_chosen_pool():
    search, answer = pools_of({"all": Answer("q", "not said", True, 0.9), "ar": Answer("q", "2500", False, 0.62),
                               "en": Answer("q", "-", True, 0.9)})
    asked = []
    got = answer_from_pools(("en", "ar"), search, answer, lambda hits: asked.append(hits[0].text) or
                            Answer("q", "About 2500 [1]", False, 0.62))
    assert (asked, got.answer) == (["ar"], "About 2500 [1]")


def test_claim_evidence_adds_each_pools_best_sentences_once():
    pools = {None: [hit("e1", "en"), hit("e2", "en")], "en": [hit("e1", "en"), hit("e3", "en")],
             "ar": [hit("a1", "ar"), hit("a2", "ar")]}
    got = evidence_from_pools(("en", "ar"), lambda lang, n: pools[lang][:n], 2)
    assert [h.sentence_id for h in got] == ["e1", "e2", "e3", "a1", "a2"]
    assert [h.sentence_id for h in evidence_from_pools(("en",), lambda lang, n: pools[lang][:n], 2)] == ["e1", "e2"]


DISTRACTOR = """City marathon draws record field

The city marathon started at the harbour at seven in the morning on Sunday.
About 12,000 runners finished the race, more than in any year before.
The winner crossed the line in two hours and nine minutes, a course record.
Volunteers handed out water at twenty stations along the route.
The mayor said the race would return next spring with a longer course.
Officials counted 300 medical calls, most of them for blisters and cramps.
"""


@pytest.fixture(scope="module")
def beside_english(tmp_path_factory):
    return corpus_beside(tmp_path_factory.mktemp("beside"), "marathon.en.txt", DISTRACTOR)


def test_english_questions_about_the_arabic_article_keep_their_answers(beside_english, nano_bot):
    items = [json.loads(line) for line in (ROOT / "evalsets" / "questions.jsonl").read_text(encoding="utf-8").splitlines()]
    questions = [i["text"] for i in items if i.get("lang") == "en" and not i.get("unanswerable")][:8]
    for q in questions:
        alone, beside = nano_bot.ask(q), beside_english.ask(q)
        assert (beside.abstained, beside.answer) == (alone.abstained, alone.answer), q
        assert all(c.doc_id == "us-iraq-coalition-talks.ar" for c in beside.citations), q
