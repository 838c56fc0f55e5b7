"""Answering with the reader (factbot/reader, FACTBOT_READER=on): pick the answering sentence
among the first CANDIDATES hits by the reader's probability, answer with its span, abstain
when that probability is below the threshold fitted by scripts/fit_reader.py.

The answer is the reader's phrase, in the sentence's language (`answer_kind` "span"). When the
question is in the other language and the rules find a typed value (count, date, person,
place) where the span is, the value is given instead, carried into the question's language as
without the reader ("value"). With no usable span the sentence is the answer ("sentence").
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from factbot.ask.extract import QType, extract
from factbot.ask.rerank import CANDIDATES
from factbot.reader.model import SHIPPED, Reader, Reading
from factbot.text.matching import language
from factbot.types import Hit

SETTINGS = SHIPPED.with_name("reader.json")
DEFAULT_THRESHOLD = 0.5


@lru_cache(maxsize=1)
def threshold(path: Path = SETTINGS) -> float:
    """The abstention threshold on the reader's probability (scripts/fit_reader.py)."""
    if not path.exists():
        return DEFAULT_THRESHOLD
    return float(json.loads(path.read_text(encoding="utf-8"))["threshold"])


@dataclass(frozen=True)
class Choice:
    index: int            # into the hits
    probability: float    # the reader's: the sentence answers the question
    text: str             # the answer shown
    kind: str             # "span" | "value" | "sentence"
    readings: tuple[Reading, ...]


def _overlaps(a0: int, a1: int, b0: int, b1: int) -> bool:
    return a0 < b1 and b0 < a1


def answer_of(question: str, hit: Hit, reading: Reading, qtype: QType, lang: str) -> tuple[str, str]:
    """(answer text, answer_kind) from the chosen sentence."""
    span = reading.span
    if qtype.typed and language(hit.text) != lang:
        value = extract(question, hit.text, qtype, lang)
        if value and (span is None or _overlaps(value.start, value.end, span.start, span.end)):
            return value.display, "value"
    if span is not None and span.text.strip():
        return span.text, "span"
    return hit.text, "sentence"


def choose(reader: Reader, question: str, hits: Sequence[Hit], qtype: QType, lang: str,
           context_of: Callable[[Hit], str] | None = None) -> Choice:
    n = min(CANDIDATES, len(hits))
    cands = list(hits[:n])
    contexts = [context_of(h) if context_of else "" for h in cands]
    readings = reader.read(question, [h.text for h in cands], contexts)
    i = max(range(n), key=lambda j: (readings[j].answers, -j))   # ties keep retrieval order
    text, kind = answer_of(question, cands[i], readings[i], qtype, lang)
    return Choice(i, readings[i].answers, text, kind, tuple(readings))
