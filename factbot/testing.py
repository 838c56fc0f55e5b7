"""Deterministic fakes that ship with the code, for fast unit tests.

`HashEmbedder` maps stemmed terms into a fixed number of buckets (the hashing
trick), so texts that share words get similar vectors: enough to test storage,
ranking plumbing and idempotence without a model. Importing this module registers it as the
embedder spec "hash[:dim]" (`factbot.config.register_embedder`). `fake_chat_model` wraps
LangChain's `FakeListChatModel`.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

import numpy as np

from factbot.config import register_embedder
from factbot.index.embeddings import Embedder
from factbot.text.matching import terms


class HashEmbedder(Embedder):
    batch_size = 256

    def __init__(self, dim: int = 64) -> None:
        self._dim = dim
        self.name = f"hash:{dim}"
        self.calls = 0  # texts embedded so far: lets tests prove nothing is embedded twice

    def embed_batch(self, texts: Sequence[str], *, query: bool) -> np.ndarray:
        self.calls += len(texts)
        out = np.zeros((len(texts), self._dim), dtype=np.float32)
        for row, text in enumerate(texts):
            for term in terms(text) or ["<empty>"]:
                h = int.from_bytes(hashlib.blake2b(term.encode(), digest_size=8).digest(), "little")
                out[row, h % self._dim] += 1.0 if (h >> 32) & 1 else -1.0
            out[row, -1] += 0.01  # no zero vectors: cosine is defined for every text
        return out / np.linalg.norm(out, axis=1, keepdims=True)

    @property
    def dim(self) -> int:
        return self._dim


def _hash_embedder(dim: str | None) -> HashEmbedder:
    """The spec "hash" (64 dimensions) or "hash:<dim>"."""
    return HashEmbedder(int(dim) if dim is not None else 64)


register_embedder("hash", _hash_embedder)  # FACTBOT_EMBEDDER=hash, --embedder hash:32, …


def fake_chat_model(responses: list[str]):
    """LangChain's FakeListChatModel: replies with `responses` in turn."""
    from langchain_core.language_models.fake_chat_models import FakeListChatModel

    return FakeListChatModel(responses=responses)


def broken_chat_model():
    """A chat model whose every call fails as an unreachable server does."""
    from langchain_core.language_models.fake_chat_models import FakeListChatModel

    class Broken(FakeListChatModel):
        def _call(self, *args, **kwargs):
            raise ConnectionError("connection refused")

    return Broken(responses=["x"])


def slow_chat_model(responses: list[str], seconds: float = 2.0):
    """FakeListChatModel that takes `seconds` per reply: for timeouts."""
    import time

    from langchain_core.language_models.fake_chat_models import FakeListChatModel

    class Slow(FakeListChatModel):
        def _call(self, *args, **kwargs):
            time.sleep(seconds)
            return super()._call(*args, **kwargs)

    return Slow(responses=responses)
