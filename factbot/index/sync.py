"""Bringing the store in line with a set of documents, idempotently.

For each document: unchanged (same content hash, committed) → nothing; changed or
new → uncommit, drop its old sentences, embed only sentences whose text has no
stored vector, add, commit; gone from the set (when syncing a whole corpus) →
uncommit and drop. A crash between steps leaves an uncommitted document, which
search ignores and the next ingest redoes.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from tqdm import tqdm

from factbot.index.embeddings import Embedder
from factbot.index.store import SentenceStore
from factbot.ingest.documents import sentences_of
from factbot.types import Document, IngestReport, Sentence


CHUNK_SENTENCES = 1024  # documents are embedded together up to this many sentences, so short
# documents still fill the embedder's batches (one call per paragraph ran 3x slower on ARCD),
# while a crash mid-corpus loses at most one chunk of embedding work


@dataclass(frozen=True)
class Embedded:
    vectors: dict[str, np.ndarray]  # text -> vector, for every sentence's text
    embedded: int  # how many texts were embedded (the rest reused a stored vector)


def _embed(embedder: Embedder, sentences: Sequence[Sentence], reuse: dict[str, np.ndarray],
           bar: tqdm) -> Embedded:
    """Vectors by text for `sentences`, reusing stored ones."""
    todo = sorted({s.text for s in sentences if s.text not in reuse})
    vectors = dict(reuse)
    step = embedder.batch_size
    for i in range(0, len(todo), step):
        part = todo[i:i + step]
        vectors.update(zip(part, embedder.passages(part)))
        bar.update(len(part))
    bar.update(len(sentences) - len(todo))
    return Embedded(vectors, len(todo))


def _chunks(plans: list[tuple[Document, list[Sentence]]]) -> list[list[tuple[Document, list[Sentence]]]]:
    out: list[list] = [[]]
    size = 0
    for plan in plans:
        if out[-1] and size + len(plan[1]) > CHUNK_SENTENCES:
            out.append([])
            size = 0
        out[-1].append(plan)
        size += len(plan[1])
    return [c for c in out if c]


def _write(store: SentenceStore, chunk: list[tuple[Document, list[Sentence]]], vectors: dict[str, np.ndarray],
           dim: int, *, clean) -> None:
    """Replace a chunk of documents: uncommit and drop old sentences (where `clean(doc_id)`),
    add all new sentences, then commit the documents — so none is visible half-indexed, and a
    chunk costs a few Chroma writes rather than several per document."""
    for doc, _ in chunk:
        if clean(doc.doc_id):
            _drop(store, doc.doc_id)
    sentences = [s for _, ss in chunk for s in ss]
    matrix = np.vstack([vectors[s.text] for s in sentences]) if sentences else np.zeros((0, dim), np.float32)
    store.add_sentences(sentences, matrix)
    store.commit_documents([doc for doc, _ in chunk])


def sync(store: SentenceStore, embedder: Embedder, docs: Sequence[Document], *, prune: bool = True,
         progress: bool = False) -> IngestReport:
    """Make the store hold exactly `docs` (or at least them, when `prune` is False). Crash
    leftovers (sentences of a document never committed) are swept whenever anything is written."""
    t0 = time.perf_counter()
    stored = store.document_hashes()
    wanted = {d.doc_id: d for d in docs}
    changed = [d for d in wanted.values() if stored.get(d.doc_id) != d.content_hash]
    plans = [(d, sentences_of(d)) for d in changed]
    added = embedded = removed = 0
    with store.writing(), tqdm(total=sum(len(s) for _, s in plans), unit="sentence", desc="indexing",
                               disable=not progress, leave=False) as bar:
        if prune:
            for doc_id in sorted(set(stored) - set(wanted)):
                removed += _drop(store, doc_id)
        if plans:
            # Sentences left by a crash before their document was ever committed.
            orphans = {s for s in store.sentence_ids()} - _ids_of_committed(store)
            if orphans:
                store.delete_sentences(sorted(orphans))
        for chunk in _chunks(plans):
            # A new document has nothing stored once the orphan sweep above ran: no reuse
            # lookup, no drop — three Chroma round trips saved per document.
            def has_old(doc_id: str) -> bool:
                return doc_id in stored

            reuse: dict[str, np.ndarray] = {}
            for doc, _ in chunk:
                if has_old(doc.doc_id):
                    reuse.update(store.sentences_with_vectors(doc.doc_id))
            got = _embed(embedder, [s for _, ss in chunk for s in ss], reuse, bar)
            embedded += got.embedded
            for doc, sentences in chunk:
                removed += len(store.sentence_ids(doc.doc_id)) if doc.doc_id in stored else 0
                added += len(sentences)
            _write(store, chunk, got.vectors, embedder.dim, clean=has_old)
    total = sum(len(sentences_of(d)) for d in wanted.values())
    return IngestReport(documents=len(wanted), sentences=total, added=added,
                        unchanged=total - added, removed=removed, embedded=embedded,
                        seconds=time.perf_counter() - t0)


def rebuild(store: SentenceStore, embedder: Embedder, progress: bool = False) -> IngestReport:
    """Re-embed every stored document's sentences: after the vector index was lost (see
    `SentenceStore.repair`). Document by document, as `sync` does: uncommit,
    add its sentences, commit, so a document is never visible half-indexed."""
    t0 = time.perf_counter()
    docs = list(store.documents().values())
    plans = [(d, sentences_of(d)) for d in docs]
    added = embedded = 0
    with store.writing(), tqdm(total=sum(len(s) for _, s in plans), unit="sentence", desc="rebuilding",
                               disable=not progress, leave=False) as bar:
        for chunk in _chunks(plans):
            got = _embed(embedder, [s for _, ss in chunk for s in ss], {}, bar)
            embedded += got.embedded
            _write(store, chunk, got.vectors, embedder.dim, clean=lambda doc_id: True)
            added += sum(len(ss) for _, ss in chunk)
    return IngestReport(documents=len(docs), sentences=added, added=added, unchanged=0, removed=0,
                        embedded=embedded, seconds=time.perf_counter() - t0)


def _drop(store: SentenceStore, doc_id: str) -> int:
    store.uncommit_document(doc_id)
    ids = store.sentence_ids(doc_id)
    store.delete_sentences(ids)
    return len(ids)


def _ids_of_committed(store: SentenceStore) -> set[str]:
    ids: set[str] = set()
    for doc_id in store.document_hashes():
        ids.update(store.sentence_ids(doc_id))
    return ids
