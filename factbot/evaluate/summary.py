"""Aggregating judged predictions into the metrics object written to metrics.json.

Everything here is deterministic given the predictions; the only measured times go
under the "latency" key, which `without_latency` drops for comparisons.
"""

from __future__ import annotations

from collections.abc import Sequence

from factbot.evaluate.datasets import Kind
from factbot.evaluate.metrics import (
    DIGITS,
    confusion_matrix,
    expected_calibration_error,
    latency_summary,
    macro_f1_estimate,
    mean_estimate,
    per_class,
    proportion,
    proportion_of,
    reliability,
)
from factbot.evaluate.runner import Prediction
from factbot.types import Label

LABELS = (Label.SUPPORTED, Label.REFUTED, Label.NOT_ENOUGH_INFO)  # fixed confusion-matrix order


def _calibration(preds: Sequence[Prediction]) -> dict:
    judged = [p.judgement for p in preds if p.judgement.correct is not None and p.result is not None]
    bins = reliability([j.confidence for j in judged], [j.correct for j in judged])
    ece = expected_calibration_error(bins)
    r = (lambda x: None if x is None else round(x, DIGITS))
    return {"ece": r(ece), "bins": [{"low": b.low, "high": b.high, "n": b.n, "confidence": r(b.confidence),
                                     "accuracy": r(b.accuracy)} for b in bins]}


def question_metrics(preds: Sequence[Prediction], *, token_f1: bool = False) -> dict:
    js = [p.judgement for p in preds]
    answered = [(p.item, p.judgement) for p in preds if p.judgement.abstained is not None]
    true_abstentions = sum(j.abstained and i.unanswerable for i, j in answered)
    abstained = sum(bool(j.abstained) for _, j in answered)
    unanswerable = sum(i.unanswerable for i, _ in answered)
    out = {
        "n": len(preds),
        "answer_accuracy": proportion_of([j.correct for j in js]).to_dict(),
        "evidence_hit_at_1": proportion_of([j.hit_at_1 for j in js]).to_dict(),
        "evidence_hit_at_k": proportion_of([j.hit_at_k for j in js]).to_dict(),
        # Micro-averaged over citations: n is the number of citations judged.
        "citation_precision": proportion(sum(j.cited_right for j in js), sum(j.cited for j in js)).to_dict(),
        # Positive class = unanswerable: precision over abstentions, recall over unanswerable items.
        "abstention_precision": proportion(true_abstentions, abstained).to_dict(),
        "abstention_recall": proportion(true_abstentions, unanswerable).to_dict(),
        "abstained": abstained,
        "errors": sum(p.error != "" for p in preds),
    }
    if token_f1:
        out["token_f1"] = mean_estimate([j.f1 for j in js if j.f1 is not None]).to_dict()
    out["calibration"] = _calibration(preds)
    return out


def claim_metrics(preds: Sequence[Prediction]) -> dict:
    js = [p.judgement for p in preds]
    # A claim the bot refused has no predicted label: wrong for accuracy, outside the matrix.
    pairs = [(p.item.label.value, p.judgement.predicted.value) for p in preds
             if p.item.label is not None and p.judgement.predicted is not None]
    gold, predicted = [g for g, _ in pairs], [q for _, q in pairs]
    labels = [lab.value for lab in LABELS]
    matrix = confusion_matrix(gold, predicted, labels)
    return {
        "n": len(preds),
        "accuracy": proportion_of([j.correct for j in js]).to_dict(),
        "macro_f1": macro_f1_estimate(gold, predicted, labels).to_dict(),
        "per_class": {lab: s.to_dict() for lab, s in zip(labels, per_class(matrix))},
        "confusion": {"labels": labels, "rows": "gold", "columns": "predicted", "matrix": matrix},
        "evidence_hit": proportion_of([j.evidence_hit for j in js]).to_dict(),
        "errors": sum(p.error != "" for p in preds),
        "calibration": _calibration(preds),
    }


def kind_metrics(preds: Sequence[Prediction], *, token_f1: bool = False) -> dict:
    out = {}
    questions = [p for p in preds if p.item.kind is Kind.QUESTION]
    claims = [p for p in preds if p.item.kind is Kind.CLAIM]
    if questions:
        out["questions"] = question_metrics(questions, token_f1=token_f1)
    if claims:
        out["claims"] = claim_metrics(claims)
    return out


def summarise(preds: Sequence[Prediction], *, header: dict, token_f1: bool = False) -> dict:
    """The metrics object: `header` (dataset, config, counts) first, then per-kind metrics,
    per-language metrics for items that declare a language, accuracy per tag, latency last."""
    out = dict(header)
    out.update(kind_metrics(preds, token_f1=token_f1))
    langs = sorted({p.item.lang for p in preds if p.item.lang})
    if langs:
        out["by_lang"] = {lang: kind_metrics([p for p in preds if p.item.lang == lang], token_f1=token_f1)
                          for lang in langs}
    tags = sorted({t for p in preds for t in p.item.tags})
    if tags:  # e.g. which kinds of contradiction (number, weekday, negation…) are caught
        out["by_tag"] = {t: proportion_of([p.judgement.correct for p in preds if t in p.item.tags]).to_dict()
                         for t in tags}
    out["latency"] = {kind.value: latency_summary([p.seconds for p in preds if p.item.kind is kind])
                      for kind in Kind if any(p.item.kind is kind for p in preds)}
    return out


def without_latency(metrics: dict) -> dict:
    """The part of the metrics that must be identical between two runs."""
    return {k: v for k, v in metrics.items() if k != "latency"}
