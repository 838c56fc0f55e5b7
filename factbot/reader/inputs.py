"""The reader's input: "<s> query </s></s> sentence </s> context </s>", padded into arrays.

The sentence comes before its context (the sentence before it in the document) so that
truncation to `MAX_TOKENS` cuts context first, then the sentence's tail, never the query
(itself capped at `MAX_QUERY`). Training (scripts/reader_data.py, train_reader.py) and the
runtime build inputs with this one function, so they cannot drift apart.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from factbot.reader.tokenizer import E5Tokenizer

MAX_TOKENS = 80   # a question and a ~35-word sentence with a little context; training cost is linear in it
MAX_QUERY = 32


@dataclass(frozen=True)
class Batch:
    ids: np.ndarray        # (n, t) int64 token ids, padded with <pad>
    mask: np.ndarray       # (n, t) float32, 1 for real tokens
    sentence: np.ndarray   # (n, 2) int64 [first, last+1) token positions of the sentence
    offsets: tuple[tuple[tuple[int, int], ...], ...]  # per row, char offsets in the sentence of its tokens


def build(tok: E5Tokenizer, queries: list[str], sentences: list[str], contexts: list[str],
          max_tokens: int = MAX_TOKENS) -> Batch:
    v = tok.vocabulary
    # each distinct text once: `ask` reads 8 sentences for one query, and a sentence's context is
    # often the sentence before it, itself a candidate
    contexts = [c or "" for c in contexts]
    texts = list(dict.fromkeys([*queries, *sentences, *contexts]))
    enc = dict(zip(texts, tok.encode_batch(texts)))
    q_enc, s_enc, c_enc = ([enc[t] for t in ts] for ts in (queries, sentences, contexts))
    rows, spans, offs = [], [], []
    for q, s, c in zip(q_enc, s_enc, c_enc):
        qi = list(q.ids[:MAX_QUERY])
        head = [v.bos, *qi, v.eos, v.eos]
        room = max_tokens - len(head) - 1
        si = list(s.ids[:room])
        row = head + si + [v.eos]
        room = max_tokens - len(row) - 1
        if c.ids and room > 2:
            row += list(c.ids[:room]) + [v.eos]
        rows.append(row)
        spans.append((len(head), len(head) + len(si)))
        offs.append(s.offsets[: len(si)])
    t = max(map(len, rows))
    ids = np.full((len(rows), t), v.pad, dtype=np.int64)
    mask = np.zeros((len(rows), t), dtype=np.float32)
    for i, row in enumerate(rows):
        ids[i, : len(row)] = row
        mask[i, : len(row)] = 1.0
    return Batch(ids, mask, np.array(spans, dtype=np.int64).reshape(-1, 2), tuple(offs))


def sentence_mask(batch: Batch) -> np.ndarray:
    """(n, t) float32, 1 on the candidate sentence's tokens: the answer head pools over them."""
    m = np.zeros(batch.mask.shape, dtype=np.float32)
    for i, (first, last) in enumerate(batch.sentence):
        m[i, first:last] = 1.0
    return m
