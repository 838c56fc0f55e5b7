"""The abstention model per language pair (factbot.ask.abstain.AbstainModels): a question asked
across languages is judged by the cross-lingual model, with competitors of the chosen sentence's
language only."""

from __future__ import annotations

import json

import pytest

from factbot.ask.abstain import (FEATURE_NAMES, MODEL_PATH, AbstainModel, AbstainModels, features, judge,
                                 load_model, load_models)
from factbot.ask.answerer import Answerer
from factbot.ask.questions import QType
from factbot.types import Hit

TROOPS = "وفي الوقت الحالي، لا يزال هناك حوالي 2500 جندي أمريكي منتشرين في العراق."
ENGLISH = "Currently about 2500 American soldiers and many others remain deployed in Iraq today."


def _model(threshold: float, bias: float = 0.0, gap_weight: float = 0.0) -> AbstainModel:
    n = len(FEATURE_NAMES)
    weights = tuple(gap_weight if name == "dense_gap" else 0.0 for name in FEATURE_NAMES)
    return AbstainModel(FEATURE_NAMES, (0.0,) * n, (1.0,) * n, weights, bias, threshold)


def _hits() -> list[Hit]:
    return [Hit("doc", "s1", 0, len(TROOPS), TROOPS, 0.0164, 0.80, 0.0),
            Hit("doc", "s2", 100, 100 + len(ENGLISH), ENGLISH, 0.0159, 0.90, 0.0)]


def test_a_cross_lingual_candidate_gets_the_cross_lingual_model():
    models = AbstainModels(same=_model(0.9), cross=_model(0.2))
    assert models.for_pair("en", "ar") is models.cross and models.for_pair("ar", "ar") is models.same
    assert AbstainModels(_model(0.9)).for_pair("en", "ar").threshold == 0.9  # no cross model: the same one
    hits = _hits()[:1]
    # p = sigmoid(0) = 0.5: above the cross threshold 0.2, below the same-language 0.9
    assert judge(models, "How many US troops remain in Iraq?", hits, 0, QType.COUNT, None) == (0.5, 0.2)
    assert judge(models, "كم جنديا أمريكيا في العراق؟", hits, 0, QType.COUNT, None) == (0.5, 0.9)
    a = Answerer(None, model=models).answer("How many US troops remain in Iraq?", hits, k=5)
    assert not a.abstained
    a = Answerer(None, model=AbstainModels(_model(0.9))).answer("How many US troops remain in Iraq?", hits, k=5)
    assert a.abstained


def test_a_language_with_a_model_of_its_own_is_judged_by_it_only_over_its_own_sentences():
    english = _model(0.3)
    models = AbstainModels(same=_model(0.9), cross=_model(0.2), languages=(("en", english),))
    assert models.for_pair("en", "en") is english
    assert models.for_pair("en", "ar") is models.cross and models.for_pair("ar", "ar") is models.same
    assert not models.is_cross("en", "en") and models.is_cross("en", "ar")
    hits = [Hit("doc", "s1", 0, len(ENGLISH), ENGLISH, 0.0164, 0.80, 0.0)]
    assert judge(models, "How many US troops remain in Iraq?", hits, 0, QType.COUNT, None) == (0.5, 0.3)
    # without a cross model, English over Arabic is still not judged by the English model
    assert AbstainModels(_model(0.9), None, (("en", english),)).for_pair("en", "ar").threshold == 0.9


def test_the_shipped_file_holds_an_english_model():
    models = load_models()
    english = dict(models.languages)["en"]
    assert english.names == FEATURE_NAMES and english is models.for_pair("en", "en")
    assert 0.0 < english.threshold < 1.0 and english.weights != models.same.weights


def test_competitors_of_another_language_do_not_move_the_cross_lingual_probability():
    hits = _hits()
    q = "How many US troops remain in Iraq?"
    own = features(q, hits, 0, QType.COUNT, None, (1.0, 3.0), own_language=True).as_dict()
    mixed = features(q, hits, 0, QType.COUNT, None, (1.0, 3.0)).as_dict()
    alone = features(q, hits[:1], 0, QType.COUNT, None, (1.0,)).as_dict()
    assert mixed["dense_gap"] == pytest.approx(-0.10) and mixed["rerank_margin"] == -2.0
    assert own["dense_gap"] == alone["dense_gap"] == 0.0 and own["rerank_margin"] == alone["rerank_margin"] == 0.0
    models = AbstainModels(same=_model(0.5), cross=_model(0.2, bias=0.5, gap_weight=5.0))
    assert judge(models, q, hits, 0, QType.COUNT, None, (1.0, 3.0)) == judge(models, q, hits[:1], 0, QType.COUNT,
                                                                              None, (1.0,))


def test_the_shipped_file_holds_both_models_and_stays_readable_as_one():
    d = json.loads(MODEL_PATH.read_text(encoding="utf-8"))
    models = load_models()
    assert models.same == load_model() == AbstainModel.from_dict(d)  # older readers read the top level
    assert models.cross is not None and models.cross.names == FEATURE_NAMES
    assert 0.0 < models.cross.threshold < models.same.threshold < 1.0


def test_the_cross_lingual_model_is_on_unless_switched_off(monkeypatch):
    from factbot.ask import abstain

    assert Answerer(None).model.cross == load_models().cross is not None   # shipped on (abstain.CROSS_LINGUAL)
    monkeypatch.setattr(abstain, "CROSS_LINGUAL", False)
    assert Answerer(None).model.cross is None


def test_a_count_said_only_of_the_excluded_group_is_refused_whichever_model_judges():
    # a model that answers everything (bias 10): the troops sentence's one count is of the
    # Americans, so it cannot answer a question about everyone else, in either language pair
    models = AbstainModels(_model(0.5, bias=10.0), _model(0.2, bias=10.0))
    answerer = Answerer(None, model=models)
    for q in ("How many non-US forces remain in Iraq?", "كم عدد جنود التحالف من غير الأمريكيين في العراق؟"):
        a = answerer.offline(q, _hits()[:1])
        assert a.abstained and a.confidence == 1.0, (q, a)
    assert not answerer.offline("How many US troops remain in Iraq?", _hits()[:1]).abstained
