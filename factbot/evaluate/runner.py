"""Running items through a FactBot and recording each result with its judgement.

The bot is anything with `ask(question)`, `check(claim)` and `check_against(claim=,
evidence=)` returning factbot's typed results — the real `FactBot` or a test fake.
Timings are kept on the `Prediction` but never in its `to_dict()`, so two runs over the
same data write byte-identical predictions.jsonl files.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from tqdm import tqdm

from factbot.evaluate.datasets import Item, Kind
from factbot.evaluate.judge import Judgement, judge, judge_failure
from factbot.types import Answer, FactbotError, ParagraphVerdict, Verdict

Result = Answer | Verdict | ParagraphVerdict


@dataclass(frozen=True)
class Prediction:
    item: Item
    result: Result | None  # None when the bot refused the item (see `error`)
    judgement: Judgement
    seconds: float  # wall time of the bot call; reported only as latency percentiles
    error: str = ""

    def to_dict(self) -> dict:
        result = {"error": self.error} if self.result is None else self.result.to_dict()
        return {"id": self.item.id, "kind": self.item.kind.value, "gold": self.item.gold(),
                "result": result, "correct": self.judgement.correct}


def _call(bot, item: Item) -> Result:
    if item.kind is Kind.QUESTION:
        return bot.ask(item.text)
    if item.evidence_text:  # stance pairs: the given sentence is the only evidence, no retrieval
        return bot.check_against(claim=item.text, evidence=item.evidence_text)
    return bot.check(item.text)


def run_item(bot, item: Item, clock: Callable[[], float] = time.perf_counter) -> Prediction:
    t0 = clock()
    try:
        result = _call(bot, item)
    except FactbotError as exc:
        # A user-level refusal (e.g. a text the bot cannot handle) is a wrong result, not a crash.
        return Prediction(item, None, judge_failure(item), clock() - t0, str(exc))
    seconds = clock() - t0
    return Prediction(item, result, judge(item, result), seconds)


def run_items(bot, items: Sequence[Item], *, progress: bool = True, desc: str = "evaluating",
              clock: Callable[[], float] = time.perf_counter) -> list[Prediction]:
    """Predictions in item order, with a progress bar on stderr (items done / total; the web
    app shows the same bar through gr.Progress(track_tqdm=True)). It stays once done, so the
    last line says how many items ran and how long it took."""
    bar = tqdm(items, desc=desc, unit="item", file=sys.stderr, disable=not progress)
    return [run_item(bot, item, clock) for item in bar]
