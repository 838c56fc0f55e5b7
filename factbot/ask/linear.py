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

    @staticmethod
    def fields(d: dict, expected: Sequence[str], what: str) -> tuple:
        """(names, mean, scale, weights, bias) of a model file, after checking its features."""
        if tuple(d["names"]) != tuple(expected):
            raise ValueError(f"{what} model features {d['names']} differ from {list(expected)}: retrain")
        return tuple(d["names"]), tuple(d["mean"]), tuple(d["scale"]), tuple(d["weights"]), float(d["bias"])
