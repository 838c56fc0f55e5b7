"""The retriever's corpus index kept on disk beside an embedded store, so a new process can
answer without opening Chroma: importing and opening chromadb is most of a cold `factbot ask`
(about 1.3 s of it on these 2-core machines), while the index a search needs — sentences, BM25,
neighbours and, in small corpora, every vector — is already built in memory by the first search.

A snapshot is a cache, never the truth: it is keyed on the store's generation (a token every
write renews, `SentenceStore.generation`) and on how it was built (the embedder, whether it
holds every vector), and is written only while no
write is under way (under the write lock). A snapshot that is missing, stale, unreadable or
written by another version of this format is ignored and the index is read from Chroma again.
Pickle, because the index holds dataclasses of numpy arrays; the file is the user's own,
in the same folder as Chroma's own pickled HNSW metadata.
"""

from __future__ import annotations

import os
import pickle
import sys
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

FORMAT = 2  # bump when the index or what it holds changes meaning (2: English past tenses stemmed)


def _stamp(kind: type) -> tuple:
    """What must match for a snapshot to be read: the format, the index class and its fields,
    and the versions of what is pickled inside (numpy arrays) and of Python."""
    import numpy  # imported by the index's own module already: no cost here

    return (FORMAT, f"{kind.__module__}.{kind.__qualname__}", tuple(f.name for f in fields(kind)),
            numpy.__version__, sys.version_info[:2])


@dataclass(frozen=True)
class Snapshot:
    generation: str
    built: tuple  # how the index was built: (embedder name, exact-search limit)
    index: Any  # a `factbot.index.retrieval.CorpusIndex`


def path_for(home: Path, collection: str) -> Path:
    return home / f"{collection}.index.pickle"


def save(path: Path, snapshot: Snapshot) -> bool:
    """Write atomically: a reader sees the old file or the new one, never half of one. A
    cache that cannot be written (a full or read-only disk) is skipped: False."""
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    try:
        with open(tmp, "wb") as f:
            pickle.dump((_stamp(type(snapshot.index)), snapshot), f, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)
        return True
    except OSError:
        tmp.unlink(missing_ok=True)
        return False


def load(path: Path, kind: type, generation: str, built: tuple):
    """The index (a `kind`) of the snapshot at `path` if it was taken at `generation` and
    `built` the same way, else None."""
    try:
        with open(path, "rb") as f:
            stamp, snapshot = pickle.load(f)
    except FileNotFoundError:
        return None
    except Exception:  # truncated, or pickled by code that no longer exists: a cache miss
        return None
    if stamp != _stamp(kind) or not isinstance(snapshot, Snapshot) or not isinstance(snapshot.index, kind):
        return None
    if snapshot.generation != generation or snapshot.built != built:
        return None
    return snapshot.index
