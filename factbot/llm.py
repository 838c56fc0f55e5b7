"""The chat-model plumbing of the optional LLM mode, shared by `ask` (`answer_with_llm`) and
`check` (`factbot.check.judges`): numbered sentences in, `[n]` citation markers out, every
cited sentence checked, a timeout around every call.

An LLM may cite a sentence that does not exist or does not say what it is cited for.
So each sentence of its reply is kept only when it carries at least one marker, every
marker names a listed sentence, and the cited sentences share a number, a name or a
content term with it (English terms meet Arabic sentences through the glossary of
`factbot.ask.extract`). Timeouts, errors, malformed or wholly unsupported replies fall back to
the offline result, with a note saying why.
"""

from __future__ import annotations

import concurrent.futures
import re
from collections.abc import Sequence
from dataclasses import dataclass

from factbot.text.analysis import analyse
from factbot.text.glossary import question_terms
from factbot.text.matching import split_sentences, terms, tokens
from factbot.types import Hit

LANGUAGE_NAMES = {"en": "English", "ar": "Arabic"}
_MARKER = re.compile(r"\[(\d+(?:\s*,\s*\d+)*)\]")


def numbered(hits: Sequence[Hit]) -> str:
    return "\n".join(f"[{i}] {h.text}" for i, h in enumerate(hits, 1))


class LLMFailure(Exception):
    """The chat model timed out, raised, or replied with something unusable."""


def invoke(llm, prompt: str, timeout: float) -> str:
    """The model's reply text, or LLMFailure. Runs in a worker thread so a hung model
    cannot hang the caller beyond `timeout` seconds."""
    pool = concurrent.futures.ThreadPoolExecutor(max_workers=1)
    try:
        future = pool.submit(llm.invoke, prompt)
        try:
            reply = future.result(timeout=timeout)
        except concurrent.futures.TimeoutError:
            raise LLMFailure(f"timeout after {timeout:g}s") from None
        except Exception as exc:  # any provider error: connection refused, HTTP 500, bad key
            raise LLMFailure(f"{type(exc).__name__}: {exc}") from None
    finally:
        pool.shutdown(wait=False, cancel_futures=True)
    content = getattr(reply, "content", reply)
    if not isinstance(content, str) or not content.strip():
        raise LLMFailure("empty or non-text reply")
    return content.strip()


@dataclass(frozen=True)
class CitedSentence:
    text: str            # the sentence without its markers
    cites: tuple[int, ...]


def parse_cited(reply: str) -> list[CitedSentence]:
    """The reply's sentences with the sentence numbers each cites ([2], [1, 3], [1][2])."""
    out = []
    for span in split_sentences(reply):
        s = reply[span.start:span.end]
        cites = tuple(int(n) for m in _MARKER.finditer(s) for n in m.group(1).split(","))
        text = re.sub(r"\s+([.!?؟])", r"\1", _MARKER.sub("", s)).strip()
        if text.strip(" .،,"):
            out.append(CitedSentence(text, tuple(dict.fromkeys(cites))))
        elif cites and out:  # a marker alone after the full stop: "… Iraq. [1]"
            out[-1] = CitedSentence(out[-1].text, tuple(dict.fromkeys(out[-1].cites + cites)))
    return out


def _numbers(text: str) -> set[str]:
    return {t for t in tokens(text) if t[0].isdigit()}


def supports(evidence: str, statement: str) -> bool:
    """Does `evidence` plausibly back `statement`? A shared number, name, or content term.
    A number the statement states must appear in the evidence."""
    stated = _numbers(statement)
    if stated:
        return stated <= _numbers(evidence) | {str(n) for n in _spelled(evidence)}
    if analyse(statement).entity_names & analyse(evidence).entity_names:
        return True
    ev_terms = set(terms(evidence))
    return any(alternatives & ev_terms for alternatives in question_terms(statement))


def _spelled(text: str) -> set[int]:
    return {int(q.value) for q in analyse(text).facts.quantities if float(q.value).is_integer()}
