"""Pure arithmetic of the benchmarks: percentiles, retrieval recall, ratios.

No models, no store: numbers and strings in, new numbers out, so each is tested alone.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np

from factbot.text.matching import normalize

RECALL_AT = (1, 3, 5, 10)  # the cut-offs reported; 10 is also the depth each search returns


def percentile_ms(seconds: Sequence[float], q: float) -> float | None:
    """The q-th percentile (linear interpolation, numpy's default) of durations, in ms."""
    if not seconds:
        return None
    return round(float(np.percentile(np.asarray(seconds, dtype=float) * 1000.0, q)), 2)


def rate(count: int, seconds: float) -> float | None:
    """Items per second, None when nothing was timed."""
    return round(count / seconds, 2) if seconds > 0 else None


def ratio(numerator: float | None, denominator: float | None) -> float | None:
    if numerator is None or not denominator:
        return None
    return round(numerator / denominator, 3)


def gold_rank(ranked_texts: Sequence[str], golds: Iterable[str]) -> int | None:
    """1-based rank of the first text containing any gold answer (both in matching form),
    None when none does. Empty golds never match."""
    needles = [g for g in (normalize(x) for x in golds) if g]
    for rank, text in enumerate(ranked_texts, start=1):
        hay = normalize(text)
        if any(n in hay for n in needles):
            return rank
    return None


def recall_at(ranks: Sequence[int | None], ks: Sequence[int] = RECALL_AT) -> dict[str, float | None]:
    """{"r@k": share of queries whose gold rank is ≤ k}; every query counts, a miss is None."""
    if not ranks:
        return {f"r@{k}": None for k in ks}
    return {f"r@{k}": round(sum(r is not None and r <= k for r in ranks) / len(ranks), 4) for k in ks}


def mrr(ranks: Sequence[int | None]) -> float | None:
    """Mean reciprocal rank within the returned depth (a miss counts 0)."""
    if not ranks:
        return None
    return round(sum(1.0 / r for r in ranks if r) / len(ranks), 4)
