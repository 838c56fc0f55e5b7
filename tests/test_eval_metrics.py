"""The pure metric and judging functions of the evaluation harness, on hand-computed cases.

Each expected value has its arithmetic next to it. z = 1.959964, z² = 3.841459.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from factbot.evaluate.datasets import Item, Kind
from factbot.evaluate.judge import (best_token_f1, contains_any, judge_answer, judge_failure, judge_verdict,
                                    paragraph_label)
from factbot.evaluate.metrics import (Estimate, bootstrap, confusion_matrix, expected_calibration_error,
                                      latency_summary, macro_f1, macro_f1_estimate, mean_estimate, per_class,
                                      proportion, proportion_of, reliability, token_f1, wilson)
from factbot.types import Answer, Citation, Evidence, Label, ParagraphVerdict, Stance, Verdict

# --- Wilson interval ------------------------------------------------------------------


def test_wilson_8_of_10():
    low, high = wilson(8, 10)
    # p = 0.8, z²/n = 0.38414588, denominator 1 + 0.38414588 = 1.38414588
    # centre = (p + z²/2n = 0.8 + 0.19207294) / 1.38414588 = 0.71674016
    # half = z · sqrt(p(1-p)/n + z²/4n² = 0.016 + 0.00960365 = 0.02560365) / 1.38414588
    #      = 1.95996398 · 0.16001140 / 1.38414588 = 0.22657769
    assert low == pytest.approx(0.71674016 - 0.22657769, abs=1e-7)  # 0.49016247
    assert high == pytest.approx(0.71674016 + 0.22657769, abs=1e-7)  # 0.94331785


def test_wilson_at_the_edges_stays_inside_0_1():
    # 0/10: centre = 0.19207294 / 1.38414588 = 0.13876640 and half = z·sqrt(z²/4n²)/1.38414588 = the same
    assert wilson(0, 10) == pytest.approx((0.0, 0.27753280), abs=1e-7)
    # 10/10 mirrors it: (1 - 0.27753280, exactly 1)
    assert wilson(10, 10) == pytest.approx((0.72246720, 1.0), abs=1e-7)
    assert wilson(80, 80)[1] == 1.0  # exact, not 0.9999999999999999


def test_wilson_needs_a_sample():
    with pytest.raises(ValueError, match="n > 0"):
        wilson(0, 0)


def test_proportion_and_its_dict_shape():
    assert proportion(8, 10).to_dict() == {"value": 0.8, "n": 10, "ci95": [0.4902, 0.9433]}  # rounded to 4 places
    assert proportion(0, 0).to_dict() == {"value": None, "n": 0, "ci95": None}  # nothing to estimate


def test_proportion_of_skips_not_applicable():
    # [True, False, None, True]: the None does not count, so 2 of 3.
    assert proportion_of([True, False, None, True]).value == pytest.approx(2 / 3)
    assert proportion_of([True, False, None, True]).n == 3


# --- token F1 and bootstrap ---------------------------------------------------------------


def test_token_f1_squad_style():
    # overlap {a, b} = 2; precision 2/4, recall 2/3; F1 = 2·(1/2)(2/3)/(1/2 + 2/3) = 4/7
    assert token_f1(["a", "b", "c", "d"], ["a", "b", "e"]) == pytest.approx(4 / 7)
    # multiset overlap: pred has "a" twice, gold once -> overlap 1; P = 1/2, R = 1/1, F1 = 2/3
    assert token_f1(["a", "a"], ["a"]) == pytest.approx(2 / 3)
    assert token_f1(["x"], ["y"]) == 0.0


def test_best_token_f1_normalises_and_takes_the_best_gold():
    # tokens("أحمد ذهب") = [احمد, ذهب] (hamza unified); gold 1 "احمد" -> P 1/2, R 1 -> F1 2/3;
    # gold 2 "ذهب أحمد" -> the same two tokens -> F1 1.0; the best counts.
    assert best_token_f1("أحمد ذهب", ["احمد", "ذهب أحمد"]) == pytest.approx(1.0)
    assert best_token_f1("أحمد ذهب", ["احمد"]) == pytest.approx(2 / 3)


def test_bootstrap_is_seeded_and_degenerate_on_constants():
    values = [0.0, 1.0, 1.0, 0.5, 0.25]
    mean = (lambda v: sum(v) / len(v))
    assert bootstrap(values, mean) == bootstrap(values, mean)  # fixed seed: same interval every run
    assert bootstrap([0.4] * 7, mean) == pytest.approx((0.4, 0.4))  # every resample has mean 0.4
    est = mean_estimate([1.0, 0.0, 1.0, 1.0])
    assert est.value == 0.75 and est.n == 4  # (1+0+1+1)/4
    assert 0.0 <= est.low <= 0.75 <= est.high <= 1.0


# --- classification ---------------------------------------------------------------------------

LABELS = ["S", "R", "N"]
# gold S×6 (5 right, 1 as R), R×6 (2 as S, 3 right, 1 as N), N×3 (1 as R, 2 right)
GOLD = ["S"] * 6 + ["R"] * 6 + ["N"] * 3
PRED = ["S"] * 5 + ["R"] + ["S"] * 2 + ["R"] * 3 + ["N"] + ["R"] + ["N"] * 2


def test_confusion_matrix_rows_gold_columns_predicted():
    assert confusion_matrix(GOLD, PRED, LABELS) == [[5, 1, 0], [2, 3, 1], [0, 1, 2]]


def test_per_class_and_macro_f1_of_a_3x3_matrix():
    m = [[5, 1, 0], [2, 3, 1], [0, 1, 2]]
    s, r, n = per_class(m)
    # S: tp 5, predicted 5+2+0 = 7, support 6 -> P 5/7, R 5/6, F1 = 2·5/(7+6) = 10/13
    assert (s.precision, s.recall, s.f1) == pytest.approx((5 / 7, 5 / 6, 10 / 13))
    # R: tp 3, predicted 1+3+1 = 5, support 6 -> F1 = 6/11
    assert r.f1 == pytest.approx(6 / 11)
    # N: tp 2, predicted 0+1+2 = 3, support 3 -> F1 = 4/6
    assert n.f1 == pytest.approx(2 / 3)
    # macro = (10/13 + 6/11 + 2/3) / 3 = (0.769231 + 0.545455 + 0.666667) / 3 = 0.660451
    assert macro_f1(m) == pytest.approx(0.660451, abs=1e-6)
    est = macro_f1_estimate(GOLD, PRED, LABELS)
    assert est.value == pytest.approx(0.660451, abs=1e-6) and est.n == 15
    assert est.low <= est.value <= est.high


def test_macro_f1_leaves_out_a_class_absent_from_gold_and_predictions():
    # S and R both: tp 2, predicted 3, support 3 -> F1 2/3; N never occurs -> not averaged.
    # Counting it as F1 = 0 would give (2/3 + 2/3 + 0)/3 = 0.4444 instead of 0.6667.
    assert macro_f1([[2, 1, 0], [1, 2, 0], [0, 0, 0]]) == pytest.approx(2 / 3)


def test_per_class_zero_division_is_zero():
    # N gold once, never predicted: precision 0/0 -> 0, recall 0/1 = 0, F1 0.
    _, _, n = per_class([[1, 0, 0], [0, 1, 0], [1, 0, 0]])
    assert (n.precision, n.recall, n.f1, n.support, n.predicted) == (0.0, 0.0, 0.0, 1, 0)


# --- calibration and latency --------------------------------------------------------------


def test_reliability_bins_and_ece():
    bins = reliability([0.95, 0.85, 0.15, 0.05, 1.0], [True, False, False, True, True])
    filled = [(b.low, b.n, round(b.confidence, 6), b.accuracy) for b in bins if b.n]
    # 1.0 falls in the last bin with 0.95: mean confidence 0.975, both right.
    assert filled == [(0.0, 1, 0.05, 1.0), (0.1, 1, 0.15, 0.0), (0.8, 1, 0.85, 0.0), (0.9, 2, 0.975, 1.0)]
    # ECE = (1·|1-0.05| + 1·|0-0.15| + 1·|0-0.85| + 2·|1-0.975|) / 5 = (0.95+0.15+0.85+0.05)/5 = 0.4
    assert expected_calibration_error(bins) == pytest.approx(0.4)
    assert expected_calibration_error(reliability([], [])) is None


def test_latency_summary_percentiles_in_ms():
    # 100, 200, 300, 400 ms: p50 = 250 (midway), p95 at rank 0.95·3 = 2.85 -> 300 + 0.85·100 = 385
    assert latency_summary([0.1, 0.2, 0.3, 0.4]) == {"n": 4, "p50_ms": 250.0, "p95_ms": 385.0, "mean_ms": 250.0}
    assert latency_summary([]) == {"n": 0, "p50_ms": None, "p95_ms": None, "mean_ms": None}


@given(st.integers(min_value=1, max_value=500), st.data())
def test_wilson_contains_the_point_estimate(n, data):
    k = data.draw(st.integers(min_value=0, max_value=n))
    low, high = wilson(k, n)
    assert 0.0 <= low <= k / n <= high <= 1.0


# --- judging one result ---------------------------------------------------------------------

DOC = "d"


def cite(n, text):
    return Citation(n, DOC, f"s{n}", text, 0, len(text), 0.5)


def q(**kw):
    return Item(id="q", kind=Kind.QUESTION, text="?", where="line 1", **kw)


def test_contains_any_in_matching_form():
    # diacritics, hamza forms and Arabic-Indic digits do not decide a match
    assert contains_any("يوجد حوالَي ٢٥٠٠ جندي أمريكي", ["حوالي 2500 جندي امريكي"])
    assert not contains_any("2500", ["25000"])
    # punctuation does not count: a SQuAD gold keeps its trailing Arabic comma
    assert contains_any("سنة 1962 [1]", ["سنة 1962،"])
    assert not contains_any("anything", ["   "])  # an empty needle never matches


def test_judge_answerable_question_hit_at_1_and_k_and_citation_precision():
    item = q(answer_any=("2014",), evidence_any=("formed in 2014",))
    ans = Answer("?", "Talks began on Saturday.", False, 0.8,
                 citations=(cite(1, "Talks began on Saturday."), cite(2, "It was formed in 2014.")))
    j = judge_answer(item, ans)
    # the answer lacks "2014" -> wrong; right evidence is the second citation -> hit@1 no, hit@k yes
    assert (j.correct, j.hit_at_1, j.hit_at_k, j.cited, j.cited_right) == (False, False, True, 2, 1)
    # tokens "talks began on saturday" vs "2014": no overlap
    assert j.f1 == 0.0


def test_judge_ignores_citation_markers():
    # "[1]" marks the citation; a gold "1" must not match it, and it is not an answer token
    item = q(answer_any=("1",))
    assert judge_answer(item, Answer("?", "Two groups [1]", False, 0.5)).correct is False
    item = q(answer_any=("two groups",))
    assert judge_answer(item, Answer("?", "Two groups [1]", False, 0.5)).f1 == 1.0  # tokens two, groups = gold


def test_judge_abstention_on_answerable_is_a_miss_everywhere():
    item = q(answer_any=("2014",), evidence_any=("formed in 2014",))
    # abstained, yet its context holds the evidence: context is not citations, so still a miss
    ans = Answer("?", "", True, 0.1)
    j = judge_answer(item, ans)
    assert (j.correct, j.abstained, j.hit_at_1, j.hit_at_k, j.cited, j.f1) == (False, True, False, False, 0, 0.0)


def test_judge_unanswerable_is_right_only_when_abstaining():
    item = q(unanswerable=True)
    assert judge_answer(item, Answer("?", "", True, 0.2)).correct is True
    j = judge_answer(item, Answer("?", "It was formed in 2014.", False, 0.6, citations=(cite(1, "x"),)))
    # wrong, and no evidence measure applies to an unanswerable item
    assert (j.correct, j.hit_at_1, j.cited, j.f1) == (False, None, 0, None)


def test_judge_question_without_answer_any_is_not_judged():
    j = judge_answer(q(evidence_any=("x",)), Answer("?", "x", False, 0.5, citations=(cite(1, "x"),)))
    assert (j.correct, j.hit_at_1) == (None, True)


def test_judge_verdict_and_evidence_hit():
    item = Item("c", Kind.CLAIM, "claim", "line 1", label=Label.REFUTED, evidence_any=("formed in 2014",))
    ev = Evidence(1, DOC, "s1", "It was formed in 2014.", 0, 22, Stance.REFUTES, 0.9)
    j = judge_verdict(item, Verdict("claim", Label.REFUTED, 0.7, "r", (ev,)))
    assert (j.correct, j.predicted, j.evidence_hit, j.confidence) == (True, Label.REFUTED, True, 0.7)
    nei = Item("c", Kind.CLAIM, "claim", "line 1", label=Label.NOT_ENOUGH_INFO, evidence_any=("x",))
    assert judge_verdict(nei, Verdict("claim", Label.SUPPORTED, 0.7, "r")).evidence_hit is None  # only S/R


@pytest.mark.parametrize("labels, expected", [
    ((Label.SUPPORTED, Label.REFUTED), Label.REFUTED),  # one refuted part refutes the whole
    ((Label.SUPPORTED, Label.SUPPORTED), Label.SUPPORTED),  # every part supported
    ((Label.SUPPORTED, Label.NOT_ENOUGH_INFO), Label.NOT_ENOUGH_INFO),  # a part unverified
])
def test_paragraph_label(labels, expected):
    pv = ParagraphVerdict(tuple(Verdict(f"c{i}", lab, 0.5, "") for i, lab in enumerate(labels)), "")
    assert paragraph_label(pv) is expected


def test_judge_failure_counts_as_wrong_where_applicable():
    j = judge_failure(q(answer_any=("a",), evidence_any=("b",)))
    assert (j.correct, j.hit_at_1, j.hit_at_k, j.f1) == (False, False, False, 0.0)
    assert judge_failure(Item("c", Kind.CLAIM, "x", "line 1")).correct is None  # unlabelled: not judged


def test_estimate_rounds_to_four_places():
    assert Estimate(1 / 3, 3, 0.1, 0.9).to_dict() == {"value": 0.3333, "n": 3, "ci95": [0.1, 0.9]}


def test_macro_f1_and_per_class_equal_scikit_learns_with_absent_classes_left_out():
    # scikit-learn is the reference; metrics.py writes it out over the matrix for the bootstrap.
    # 300 random sets over 3 labels, small enough that a class is often absent from gold or
    # predictions or both (the case where conventions differ).
    from sklearn.metrics import f1_score, precision_recall_fscore_support

    rng = np.random.default_rng(13)
    absent_somewhere = 0
    for _ in range(300):
        n = int(rng.integers(1, 12))
        gold = [LABELS[i] for i in rng.integers(0, rng.integers(1, 4), n)]
        pred = [LABELS[i] for i in rng.integers(0, 3, n)]
        present = [lab for lab in LABELS if lab in set(gold) | set(pred)]
        absent_somewhere += len(present) < 3
        m = confusion_matrix(gold, pred, LABELS)
        assert macro_f1(m) == pytest.approx(f1_score(gold, pred, labels=present, average="macro", zero_division=0),
                                            abs=1e-12)
        p, r, f, s = precision_recall_fscore_support(gold, pred, labels=LABELS, zero_division=0)
        got = per_class(m)
        assert [c.precision for c in got] == pytest.approx(list(p), abs=1e-12)
        assert [c.recall for c in got] == pytest.approx(list(r), abs=1e-12)
        assert [c.f1 for c in got] == pytest.approx(list(f), abs=1e-12)
        assert [c.support for c in got] == list(s)
    assert absent_somewhere > 50  # the sets did exercise absent classes
