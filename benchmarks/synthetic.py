"""Synthetic corpora for the scale benchmark: short Arabic-looking sentences and random unit
vectors, written straight into a store (no embedding), so 100k sentences take a minute, not hours.

Random vectors make dense rankings meaningless but cost what real ones cost (HNSW over
384 dimensions); the texts follow a Zipf law over a fixed vocabulary so BM25 posting lists
have realistic lengths.
"""

from __future__ import annotations

import numpy as np

from factbot.ingest.documents import content_hash, sentence_id
from factbot.types import Document, Role, Sentence

VOCABULARY = 20_000  # distinct words: the order of a news corpus's content vocabulary
ZIPF_S = 1.1  # word-frequency exponent; natural text sits near 1
WORDS_PER_SENTENCE = (6, 18)  # uniform range; ARCD sentences average ~26 words, news leads fewer
SENTENCES_PER_DOCUMENT = 1000  # keeps each document record (its full text) near 100 KB
_LETTERS = "ابتثجحخدذرزسشصضطظعغفقكلمنهوي"


def vocabulary(n: int = VOCABULARY, seed: int = 0) -> list[str]:
    """n distinct pseudo-Arabic words of 3-8 letters."""
    rng = np.random.default_rng(seed)
    words: dict[str, None] = {}
    while len(words) < n:
        size = int(rng.integers(3, 9))
        words["".join(rng.choice(list(_LETTERS), size))] = None
    return list(words)


def sentences(n: int, words: list[str], seed: int = 0) -> list[str]:
    """n synthetic sentences, each ending with a full stop."""
    rng = np.random.default_rng(seed)
    p = 1.0 / np.arange(1, len(words) + 1) ** ZIPF_S
    p /= p.sum()
    lo, hi = WORDS_PER_SENTENCE
    lengths = rng.integers(lo, hi + 1, n)
    picks = rng.choice(len(words), size=int(lengths.sum()), p=p)
    out, i = [], 0
    for size in lengths:
        out.append(" ".join(words[j] for j in picks[i:i + size]) + ".")
        i += size
    return out


def unit_vectors(n: int, dim: int = 384, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    m = rng.standard_normal((n, dim)).astype(np.float32)
    return m / np.linalg.norm(m, axis=1, keepdims=True)


def document(doc_id: str, texts: list[str]) -> tuple[Document, list[Sentence]]:
    """A document made of `texts` separated by single spaces, with exact sentence offsets."""
    body = " ".join(texts)
    out, start = [], 0
    for t in texts:
        out.append(Sentence(doc_id, sentence_id(doc_id, start, t), start, start + len(t), t, Role.BODY))
        start += len(t) + 1
    return Document(doc_id, body, doc_id, "ar", "synthetic", "", content_hash(body)), out


def grow(store, total: int, have: int, words: list[str], seed: int = 0) -> int:
    """Add synthetic documents to `store` until it holds `total` sentences; returns the new count."""
    while have < total:
        size = min(SENTENCES_PER_DOCUMENT, total - have)
        n = have // SENTENCES_PER_DOCUMENT
        doc, sents = document(f"synthetic-{n:05d}", sentences(size, words, seed + n))
        store.add_sentences(sents, unit_vectors(size, seed=seed + n))
        store.commit_document(doc)  # last, as ingest does: the commit marker
        have += size
    return have


def queries(n: int, words: list[str], seed: int = 1) -> list[str]:
    """n distinct short queries drawn like the sentences (so BM25 finds matches)."""
    return [" ".join(s.rstrip(".").split()[:5]) + f" {i}" for i, s in enumerate(sentences(n, words, seed))]
