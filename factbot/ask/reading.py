"""The answer phrase from the reader (factbot/reader, FACTBOT_READER=on).

The feature reranker still picks the answering sentence and the abstention model still decides
whether to answer: on TyDi dev paragraphs the reader trained here (one short epoch on 2 cores)
picked the answering sentence less often than they do (README, "The reader"). What it does
better is the phrase: its span head finds the answer inside the chosen sentence, where the rules
give only typed values (counts, dates, names they know) or the whole sentence.

The answer is the reader's span, in the sentence's language (`answer_kind` "span"). When the
question is in the other language and the rules found a typed value where the span is, the
value is given instead, carried into the question's language as without the reader ("value").
With no usable span: the value if any, else the sentence ("sentence").
"""

from __future__ import annotations

from factbot.ask.extract import Extracted
from factbot.reader.model import Reader
from factbot.text.matching import language
from factbot.types import Hit


def _overlaps(a0: int, a1: int, b0: int, b1: int) -> bool:
    return a0 < b1 and b0 < a1


def answer_of(reader: Reader, question: str, hit: Hit, context: str, lang: str,
              value: Extracted | None) -> tuple[str, str]:
    """(answer text, answer_kind) for the chosen sentence `hit` (`context`: the sentence before it)."""
    span = reader.read(question, [hit.text], [context])[0].span
    if value is not None and language(hit.text) != lang and (
            span is None or _overlaps(value.start, value.end, span.start, span.end)):
        return value.display, "value"
    if span is not None and span.text.strip():
        return span.text, "span"
    return (value.display, "value") if value is not None else (hit.text, "sentence")
