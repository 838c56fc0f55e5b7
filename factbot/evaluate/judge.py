"""Judging one result against its item: is the answer right, is the evidence the right one.

All comparisons are in the matching form (`factbot.text.matching.normalize`), reduced to its
tokens: diacritics, hamza forms, Arabic-Indic digits, case and punctuation never decide a
match (SQuAD golds keep the comma that followed them: "سنة 1962،" must match "سنة 1962").
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from factbot.evaluate.datasets import Item, Kind
from factbot.evaluate.metrics import token_f1
from factbot.text.matching import tokens
from factbot.types import Answer, Label, ParagraphVerdict, Verdict


def match_form(text: str) -> str:
    """`normalize`d text as its tokens joined by single spaces: no punctuation left."""
    return " ".join(tokens(text))


def contains_any(text: str, needles: Iterable[str]) -> bool:
    """Does `text` contain any needle, both in match form? Needles with no token never match."""
    hay = match_form(text)
    return any(n and n in hay for n in (match_form(x) for x in needles))


_MARKER = re.compile(r"\s*\[\d+\]")  # citation markers like " [1]" that answers end with


def answer_text(answer: Answer) -> str:
    """The answer without its citation markers: "[1]" is not part of what was answered, and
    would otherwise match a gold "1" and add a token to F1."""
    return _MARKER.sub("", answer.answer).strip()


def best_token_f1(answer: str, golds: Iterable[str]) -> float:
    """SQuAD style: token-F1 against each gold answer, the best one counts."""
    predicted = tokens(answer)
    return max((token_f1(predicted, tokens(g)) for g in golds), default=0.0)


def paragraph_label(result: ParagraphVerdict) -> Label:
    """One label for a claim the bot split in parts: refuted if any part is, supported
    only if every part is, otherwise not enough info."""
    labels = [v.verdict for v in result.claims]
    if any(lab is Label.REFUTED for lab in labels):
        return Label.REFUTED
    if labels and all(lab is Label.SUPPORTED for lab in labels):
        return Label.SUPPORTED
    return Label.NOT_ENOUGH_INFO


def evidence_texts(result: Verdict | ParagraphVerdict) -> list[str]:
    if isinstance(result, ParagraphVerdict):
        return [e.text for v in result.claims for e in v.evidence]
    return [e.text for e in result.evidence]


@dataclass(frozen=True)
class Judgement:
    """What one result earned. None means "does not apply to this item"."""

    correct: bool | None
    confidence: float
    abstained: bool | None = None  # questions
    hit_at_1: bool | None = None  # questions with evidence_any
    hit_at_k: bool | None = None
    cited: int = 0  # citations given (answerable questions with evidence_any)
    cited_right: int = 0  # of those, citations holding gold evidence
    f1: float | None = None  # questions with answer_any
    predicted: Label | None = None  # claims
    evidence_hit: bool | None = None  # SUPPORTED/REFUTED claims with evidence_any


def judge_answer(item: Item, answer: Answer) -> Judgement:
    answerable = not item.unanswerable
    if item.unanswerable:
        correct = answer.abstained
    elif item.answer_any:
        correct = not answer.abstained and contains_any(answer_text(answer), item.answer_any)
    else:
        correct = None  # nothing to compare the answer with
    hit1 = hitk = None
    cited = cited_right = 0
    if answerable and item.evidence_any:
        # An abstention cites nothing: for an answerable question that is a miss.
        citations = () if answer.abstained else answer.citations
        flags = [contains_any(c.text, item.evidence_any) for c in citations]
        hit1, hitk = bool(flags[:1] and flags[0]), any(flags)
        cited, cited_right = len(flags), sum(flags)
    f1 = None
    if answerable and item.answer_any:
        f1 = 0.0 if answer.abstained else best_token_f1(answer_text(answer), item.answer_any)
    return Judgement(correct, answer.confidence, answer.abstained, hit1, hitk, cited, cited_right, f1)


def judge_verdict(item: Item, result: Verdict | ParagraphVerdict) -> Judgement:
    if isinstance(result, ParagraphVerdict):
        predicted = paragraph_label(result)
        confidence = min((v.confidence for v in result.claims), default=0.0)
    else:
        predicted, confidence = result.verdict, result.confidence
    correct = None if item.label is None else predicted is item.label
    evidence_hit = None
    if item.label in (Label.SUPPORTED, Label.REFUTED) and item.evidence_any:
        evidence_hit = any(contains_any(t, item.evidence_any) for t in evidence_texts(result))
    return Judgement(correct, confidence, predicted=predicted, evidence_hit=evidence_hit)


def judge(item: Item, result: Answer | Verdict | ParagraphVerdict) -> Judgement:
    if item.kind is Kind.QUESTION:
        return judge_answer(item, result)
    return judge_verdict(item, result)


def judge_failure(item: Item) -> Judgement:
    """The bot raised instead of answering: every applicable measure counts it as wrong."""
    if item.kind is Kind.QUESTION:
        judgeable = bool(item.answer_any) or item.unanswerable
        evidence = not item.unanswerable and bool(item.evidence_any)
        return Judgement(False if judgeable else None, 0.0,
                         hit_at_1=False if evidence else None, hit_at_k=False if evidence else None,
                         f1=0.0 if item.answer_any and not item.unanswerable else None)
    evidence = item.label in (Label.SUPPORTED, Label.REFUTED) and bool(item.evidence_any)
    return Judgement(None if item.label is None else False, 0.0,
                     evidence_hit=False if evidence else None)
