"""Pure metric functions over numbers and labels: no bot, no files, no clocks.

Each returns plain numbers or a frozen dataclass; `Estimate.to_dict()` is the shape
every metric takes in metrics.json: {"value", "n", "ci95": [low, high]}.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

Z95 = 1.959963984540054  # two-sided 95% normal quantile, Φ⁻¹(0.975)
BOOTSTRAP_RESAMPLES = 1000  # enough for a stable 95% percentile interval at two decimals
BOOTSTRAP_SEED = 20240229  # fixed: the same predictions always give the same interval
DIGITS = 4  # metrics.json precision: differences below 1e-4 are noise at these sample sizes


@dataclass(frozen=True)
class Estimate:
    """A metric value with its sample size and 95% interval (None when n == 0)."""

    value: float | None
    n: int
    low: float | None = None
    high: float | None = None

    def to_dict(self) -> dict:
        r = (lambda x: None if x is None else round(x, DIGITS))
        ci = None if self.low is None else [r(self.low), r(self.high)]
        return {"value": r(self.value), "n": self.n, "ci95": ci}


def wilson(successes: int, n: int, z: float = Z95) -> tuple[float, float]:
    """Wilson score interval for a binomial proportion: unlike the normal approximation it
    stays inside [0, 1] and is sensible at 0/n and n/n."""
    if n <= 0:
        raise ValueError("wilson interval needs n > 0")
    p = successes / n
    denom = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
    # At 0/n and n/n the bound is exactly 0 or 1; floating point would give 1e-17 off.
    low = 0.0 if successes == 0 else max(0.0, centre - half)
    high = 1.0 if successes == n else min(1.0, centre + half)
    return low, high


def proportion(successes: int, n: int) -> Estimate:
    if n == 0:
        return Estimate(None, 0)
    low, high = wilson(successes, n)
    return Estimate(successes / n, n, low, high)


def proportion_of(flags: Sequence[bool | None]) -> Estimate:
    """The share of True among the flags that are not None (None = not applicable)."""
    known = [f for f in flags if f is not None]
    return proportion(sum(bool(f) for f in known), len(known))


def bootstrap(values: Sequence, statistic: Callable[[list], float], *, resamples: int = BOOTSTRAP_RESAMPLES,
              seed: int = BOOTSTRAP_SEED) -> tuple[float, float]:
    """Percentile 95% interval of `statistic` over resamples (with replacement) of `values`."""
    values = list(values)
    if not values:
        raise ValueError("bootstrap needs at least one value")
    rng = np.random.default_rng(seed)
    idx = rng.integers(0, len(values), size=(resamples, len(values)))
    stats = np.array([statistic([values[i] for i in row]) for row in idx])
    low, high = np.percentile(stats, [2.5, 97.5])
    return float(low), float(high)


def mean_estimate(values: Sequence[float]) -> Estimate:
    """Mean with a bootstrap interval (for per-item scores such as token-F1)."""
    if not values:
        return Estimate(None, 0)
    low, high = bootstrap(values, lambda v: float(np.mean(v)))
    return Estimate(float(np.mean(values)), len(values), low, high)


def token_f1(prediction: Sequence[str], gold: Sequence[str]) -> float:
    """SQuAD token F1: harmonic mean of token precision and recall over the multiset overlap."""
    common = Counter(prediction) & Counter(gold)
    overlap = sum(common.values())
    if overlap == 0:
        return 0.0
    precision, recall = overlap / len(prediction), overlap / len(gold)
    return 2 * precision * recall / (precision + recall)


# --- classification -----------------------------------------------------------------

def confusion_matrix(gold: Sequence[str], predicted: Sequence[str], labels: Sequence[str]) -> list[list[int]]:
    """Rows: gold label; columns: predicted label; both in `labels` order."""
    index = {label: i for i, label in enumerate(labels)}
    m = [[0] * len(labels) for _ in labels]
    for g, p in zip(gold, predicted, strict=True):
        m[index[g]][index[p]] += 1
    return m


@dataclass(frozen=True)
class ClassScores:
    precision: float
    recall: float
    f1: float
    support: int  # gold items of the class
    predicted: int  # items predicted as the class

    def to_dict(self) -> dict:
        return {"precision": round(self.precision, DIGITS), "recall": round(self.recall, DIGITS),
                "f1": round(self.f1, DIGITS), "support": self.support, "predicted": self.predicted}


def per_class(matrix: Sequence[Sequence[int]]) -> list[ClassScores]:
    """Precision, recall and F1 of each class; 0 where a denominator is 0 (sklearn's zero_division=0)."""
    out = []
    for i in range(len(matrix)):
        tp = matrix[i][i]
        support = sum(matrix[i])
        predicted = sum(row[i] for row in matrix)
        p = tp / predicted if predicted else 0.0
        r = tp / support if support else 0.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        out.append(ClassScores(p, r, f, support, predicted))
    return out


def macro_f1(matrix: Sequence[Sequence[int]]) -> float:
    """Mean F1 over the classes that occur in gold or predictions. A class absent from both says
    nothing about the system, so it is left out rather than counted as F1 = 0.

    This is scikit-learn's `f1_score(gold, predicted, average="macro", labels=<the classes that
    occur>, zero_division=0)` (tests/test_eval_metrics.py holds the two equal), written out over
    the confusion matrix because the bootstrap interval computes it 1,000 times: f1_score's input
    checks cost ~3 ms a call, which made a claims evaluation's interval 3 s instead of 0.03 s."""
    scores = [c.f1 for c in per_class(matrix) if c.support or c.predicted]
    return sum(scores) / len(scores) if scores else 0.0


def macro_f1_estimate(gold: Sequence[str], predicted: Sequence[str], labels: Sequence[str]) -> Estimate:
    if not gold:
        return Estimate(None, 0)
    pairs = list(zip(gold, predicted, strict=True))

    def stat(sample: list) -> float:
        g, p = zip(*sample)
        return macro_f1(confusion_matrix(g, p, labels))

    low, high = bootstrap(pairs, stat)
    return Estimate(macro_f1(confusion_matrix(gold, predicted, labels)), len(gold), low, high)


# --- calibration and latency -----------------------------------------------------------

CALIBRATION_BINS = 10  # equal-width confidence bins of 0.1, the usual reliability-diagram choice


@dataclass(frozen=True)
class Bin:
    low: float
    high: float
    n: int
    confidence: float | None  # mean confidence in the bin
    accuracy: float | None  # share correct in the bin


def reliability(confidences: Sequence[float], correct: Sequence[bool], bins: int = CALIBRATION_BINS) -> list[Bin]:
    """Equal-width confidence bins; confidence 1.0 falls in the last bin."""
    out = []
    for b in range(bins):
        lo, hi = b / bins, (b + 1) / bins
        members = [(c, k) for c, k in zip(confidences, correct, strict=True)
                   if lo <= c < hi or (b == bins - 1 and c == hi)]
        if members:
            out.append(Bin(lo, hi, len(members), sum(c for c, _ in members) / len(members),
                           sum(k for _, k in members) / len(members)))
        else:
            out.append(Bin(lo, hi, 0, None, None))
    return out


def expected_calibration_error(bins: Sequence[Bin]) -> float | None:
    """ECE: bin-size-weighted mean |accuracy - confidence|."""
    total = sum(b.n for b in bins)
    if not total:
        return None
    return sum(b.n * abs(b.accuracy - b.confidence) for b in bins if b.n) / total


def latency_summary(seconds: Sequence[float]) -> dict:
    """p50/p95/mean in milliseconds (linear-interpolated percentiles)."""
    if not seconds:
        return {"n": 0, "p50_ms": None, "p95_ms": None, "mean_ms": None}
    ms = np.asarray(seconds, dtype=float) * 1000
    p50, p95 = np.percentile(ms, [50, 95])
    return {"n": len(ms), "p50_ms": round(float(p50), 1), "p95_ms": round(float(p95), 1),
            "mean_ms": round(float(ms.mean()), 1)}
