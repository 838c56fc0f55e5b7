"""The reader in `ask` (factbot/reader, FACTBOT_READER=on): the pick and the answer phrase.

The pick (`Fusion`): the reader reads the candidate sentences and its answer logit joins the
feature reranker's score, with a weight fitted on TyDi dev questions outside the benchmark
samples (scripts/fit_reader_fusion.py, factbot/models/reader_fusion.json). The abstention
model still decides whether to answer from the chosen sentence (README, "The reader").

The answer (`phrase`): a typed value the rules found in the sentence (count, date, person,
place: "value", in the question's language, carried across languages as without the reader),
else the reader's span, in the sentence's language ("span"), when the reader is sure enough of
it (its probability among the sentence's spans at least the threshold fitted by
scripts/fit_phrase_threshold.py, factbot/models/answer_phrase.json: below it a phrase scores no
better than its sentence on train/dev data), else the sentence ("sentence"). With
`value_first=False` the span wins over a value except across languages.
"""

from __future__ import annotations

import enum
import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from factbot.ask.questions import asks_for_phrase
from factbot.ask.values import Extracted
from factbot.assets import MODELS_DIR
from factbot.reader.model import Reading, Span
from factbot.text.matching import language, terms
from factbot.types import Hit

# A typed value the rules found (count, date, name) is the answer even in the sentence's own
# language, the span only where the rules found none: measured on the article's dev questions
# and on TyDi/XQuAD/ARCD by benchmarks/reader_quality.py (README, "The reader").
VALUE_FIRST = True


def _overlaps(a0: int, a1: int, b0: int, b1: int) -> bool:
    return a0 < b1 and b0 < a1


PHRASE_PATH = MODELS_DIR / "answer_phrase.json"


@lru_cache(maxsize=2)
def load_phrase_threshold(path: Path = PHRASE_PATH) -> float:
    """The span probability below which the sentence is the answer (0 when the file is missing:
    every span is given)."""
    if not Path(path).exists():
        return 0.0
    return float(json.loads(Path(path).read_text(encoding="utf-8"))["threshold"])


# A phrase at least this share of whose terms are the question's own only says the question back
# ("ماذا قال المسؤولون إن الهجمات تنتهك؟" -> "المسؤولون … الهجمات الأمريكية تنتهك"): the sentence is
# given instead. Not for F1's sake (given the gold sentence, on TyDi dev and ARCD train, it costs
# 0.002 token-F1: such phrases are rare and sometimes right), but an echo reads as no answer.
ECHO_SHARE = 0.8


def echoes(question: str, text: str) -> bool:
    """Are (nearly) all of `text`'s content terms the question's own?"""
    own = set(terms(text))
    return bool(own) and len(own & set(terms(question))) >= ECHO_SHARE * len(own)


def phrase(hit: Hit, span: Span | None, value: Extracted | None, lang: str,
           value_first: bool = VALUE_FIRST, min_probability: float | None = None,
           question: str = "") -> tuple[str, str]:
    """(answer text, answer_kind) for the chosen sentence `hit`, its reader `span` and the rules'
    `value` (both may be None); `lang` is the question's language; a span less probable than
    `min_probability` (default: the shipped threshold), or one that `echoes` the `question`,
    is not given."""
    if value is not None and (value_first or language(hit.text) != lang) and (
            value_first or span is None or _overlaps(value.start, value.end, span.start, span.end)):
        return value.display, "value"
    floor = load_phrase_threshold() if min_probability is None else min_probability
    if span is not None and span.text.strip() and span.probability >= floor and not echoes(question, span.text):
        return span.text, "span"
    return (value.display, "value") if value is not None else (hit.text, "sentence")


class Phrases(str, enum.Enum):
    """Which answers are the reader's phrase (where the rules found no typed value)."""

    EVERY = "every"   # every answer (FACTBOT_READER=on)
    # answers to questions that ask for something, not yes or no (`questions.asks_for_phrase`),
    # from a sentence in the question's language (FACTBOT_READER=pick). On 150-question samples
    # (benchmarks/reader_quality.py) token-F1, the sentence for every question -> the phrase for
    # who / which / how-much / when / where ones -> for every one but yes/no: TyDi dev ar 0.383 ->
    # 0.505 -> 0.518, en 0.293 -> 0.437 -> 0.526; ARCD test 0.299 -> 0.347 -> 0.389; XQuAD held
    # out ar 0.230 -> 0.292 -> 0.387, en 0.252 -> 0.325 -> 0.529. Across languages the phrase is
    # in the sentence's language and missed the gold for two of the article's English questions
    # that the sentence holds, so there the answer stays the value or the sentence.
    ASKED = "asked"
    NONE = "none"     # the value or the sentence

    def wanted(self, question: str, sentence: str, lang: str) -> bool:
        """Whether the answer to `question` (in `lang`) from `sentence` is the reader's phrase."""
        if self is Phrases.ASKED:
            return language(sentence) == lang and asks_for_phrase(question)
        return self is Phrases.EVERY


FUSION_PATH = MODELS_DIR / "reader_fusion.json"


def answer_logit(r: Reading) -> float:
    p = min(max(r.answers, 1e-9), 1.0 - 1e-9)
    return math.log(p / (1.0 - p))


@dataclass(frozen=True)
class Fusion:
    """Picking the sentence with the reader: score = reranker logit + weight x reader answer
    logit, with `cross_weight` for a sentence in another language than the question's (the
    reader saw few such pairs in training). Fitted by scripts/fit_reader_fusion.py: `weight` on
    TyDi dev questions outside the benchmark samples, `cross_weight` on XQuAD's even articles
    (English questions over Arabic paragraphs); a weight of 0 leaves the reranker's pick."""

    weight: float
    cross_weight: float

    def scores(self, rerank_scores: Sequence[float], readings: Sequence[Reading],
               cross: bool | Sequence[bool] = False) -> list[float]:
        """The fused scores; `cross`: whether each candidate (or all of them) is in another
        language than the question."""
        crosses = [cross] * len(rerank_scores) if isinstance(cross, bool) else list(cross)
        return [s + (self.cross_weight if c else self.weight) * answer_logit(r)
                for s, r, c in zip(rerank_scores, readings, crosses)]


@lru_cache(maxsize=2)
def load_fusion(path: Path = FUSION_PATH) -> Fusion | None:
    """The shipped fusion weights; None when the file is missing (the reranker alone picks)."""
    if not Path(path).exists():
        return None
    d = json.loads(Path(path).read_text(encoding="utf-8"))
    return Fusion(float(d["weight"]), float(d["cross_weight"]))
