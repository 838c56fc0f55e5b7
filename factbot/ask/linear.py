"""A standardised linear model over named features, shipped as JSON: the shape the reranker
(`factbot.ask.rerank`) and the abstention model (`factbot.ask.abstain`) share.

    logit = bias + sum(w * (x - mean) / scale)
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class LinearModel:
    names: tuple[str, ...]
    mean: tuple[float, ...]
    scale: tuple[float, ...]
    weights: tuple[float, ...]
    bias: float

    def logit(self, values: Sequence[float]) -> float:
        return self.bias + sum(w * (x - m) / s for w, x, m, s in zip(self.weights, values, self.mean, self.scale))

    def to_json(self, **extra) -> str:
        body = {"names": list(self.names), "mean": list(self.mean), "scale": list(self.scale),
                "weights": list(self.weights), "bias": self.bias, **extra}
        return json.dumps(body, ensure_ascii=False, indent=1, sort_keys=True) + "\n"

    @classmethod
    def read(cls, d: dict, expected: Sequence[str], what: str, **extra):
        """The model of a model file's dict (`extra`: a subclass's own fields), after checking
        that its features are `expected` (a model trained on other features must be retrained)."""
        if tuple(d["names"]) != tuple(expected):
            raise ValueError(f"{what} model features {d['names']} differ from {list(expected)}: retrain")
        return cls(names=tuple(d["names"]), mean=tuple(d["mean"]), scale=tuple(d["scale"]),
                   weights=tuple(d["weights"]), bias=float(d["bias"]), **extra)
