"""The answer phrase from the reader (factbot/reader, FACTBOT_READER=on).

The feature reranker still picks the answering sentence and the abstention model still decides
whether to answer: on TyDi dev paragraphs the reader trained here (one short epoch on 2 cores)
picked the answering sentence less often than they do (README, "The reader"). What it does
better is the phrase: its span head finds the answer inside the chosen sentence, where the rules
give only typed values (counts, dates, names they know) or the whole sentence.

The answer (`phrase`): a typed value the rules found in the sentence (count, date, person,
place: "value", in the question's language, carried across languages as without the reader),
else the reader's span, in the sentence's language ("span"), else the sentence ("sentence").
With `value_first=False` the span wins over a value except across languages.
"""

from __future__ import annotations

from factbot.ask.values import Extracted
from factbot.reader.model import Span
from factbot.text.matching import language
from factbot.types import Hit

# A typed value the rules found (count, date, name) is the answer even in the sentence's own
# language, the span only where the rules found none: measured on the article's dev questions
# and on TyDi/XQuAD/ARCD by benchmarks/reader_quality.py (README, "The reader").
VALUE_FIRST = True


def _overlaps(a0: int, a1: int, b0: int, b1: int) -> bool:
    return a0 < b1 and b0 < a1


def phrase(hit: Hit, span: Span | None, value: Extracted | None, lang: str,
           value_first: bool = VALUE_FIRST) -> tuple[str, str]:
    """(answer text, answer_kind) for the chosen sentence `hit`, its reader `span` and the rules'
    `value` (both may be None); `lang` is the question's language."""
    if value is not None and (value_first or language(hit.text) != lang) and (
            value_first or span is None or _overlaps(value.start, value.end, span.start, span.end)):
        return value.display, "value"
    if span is not None and span.text.strip():
        return span.text, "span"
    return (value.display, "value") if value is not None else (hit.text, "sentence")
