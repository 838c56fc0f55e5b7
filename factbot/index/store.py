"""Where sentences, their vectors and whole documents live: Chroma, embedded or client/server.

Two collections per corpus name: `<name>-sentences` (one record per sentence, cosine
space, our own vectors; Chroma's default embedding function is never used: it
downloads a model) and `<name>-documents` (one record per document holding its full
text and content hash). The document record is written last and deleted first: it is
the commit marker, so a document is either wholly searchable or not at all, even
after a crash mid-write (see `factbot.index.sync`).
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from urllib.parse import urlparse

import numpy as np
from filelock import FileLock, Timeout

from factbot.defaults import DEFAULT_COLLECTION
from factbot.index.generation import Generation
from factbot.types import Document, FactbotError, Role, Scored, Sentence

GET_PAGE = 10_000  # records per `get` page (see SentenceStore._get_all)
SERVER_TIMEOUT_S = 5.0  # a stopped server must give an error in seconds, not hang
SERVER_WRITE_TIMEOUT_S = 120.0  # one upsert of max_batch vectors can take long on a busy server
_NO_VECTOR = [1.0]  # document records need some embedding; they are never queried
# Embedded Chroma keeps one System (with its vector index in memory) per path per process and
# never reloads it: after another process writes the same store, queries fail ("Error finding
# id") and a write from the stale copy could overwrite the other's vectors on disk. So each
# process remembers the database file as it last left or loaded it, and reopens on a change.
_DISK_SEEN: dict[str, tuple] = {}  # chroma path -> fingerprint of its database files


def _settings():
    """Every client's settings. Chroma's product telemetry phones home: it is off here, whatever
    the environment says (the edges also set ANONYMIZED_TELEMETRY: `factbot.config.go_offline`)."""
    from chromadb.config import Settings

    return Settings(anonymized_telemetry=False, allow_reset=False)


def connect(home: Path | None = None, url: str | None = None):
    """A Chroma client: HTTP to `url` when given, else persistent under `home/chroma`."""
    import chromadb
    import httpx  # with chromadb, not at import: a cold `factbot ask` may need neither

    if url:
        u = urlparse(url if "://" in url else f"http://{url}")
        host, port = u.hostname or "127.0.0.1", u.port or 8000
        hint = f"cannot reach a Chroma server at {url}; start one with: chroma run --host {host} --port {port}"
        try:
            # Chroma's HttpClient has no timeout (httpx timeout=None) and calls the server while
            # it is built: probe first, so a frozen server cannot hang us here.
            httpx.get(f"{u.scheme or 'http'}://{host}:{port}/api/v2/heartbeat", timeout=SERVER_TIMEOUT_S)
            client = chromadb.HttpClient(host=host, port=port, ssl=u.scheme == "https", settings=_settings())
            _set_timeout(client, SERVER_TIMEOUT_S)
            client.heartbeat()
        except Exception:
            raise FactbotError(hint) from None
        return client
    assert home is not None
    (home / "chroma").mkdir(parents=True, exist_ok=True)
    return chromadb.PersistentClient(path=str(home / "chroma"), settings=_settings())


def _set_timeout(client, seconds: float) -> None:
    """Give a Chroma HttpClient's HTTP session a timeout (it has none; no setting offers one)."""
    import httpx

    session = getattr(getattr(client, "_server", None), "_session", None)
    if isinstance(session, httpx.Client):
        session.timeout = httpx.Timeout(seconds, connect=SERVER_TIMEOUT_S)


def _fingerprint(path: str) -> tuple:
    """(mtime, size) of Chroma's SQLite files: they change with every write, by any process."""
    db = Path(path) / "chroma.sqlite3"
    return tuple((st.st_mtime_ns, st.st_size) for f in (db, db.with_name(db.name + "-wal")) if f.exists()
                 for st in [f.stat()])


def _meta_to_sentence(sid: str, text: str, meta: dict) -> Sentence:
    return Sentence(meta["doc_id"], sid, int(meta["start"]), int(meta["end"]), text,
                    Role(meta.get("role", "body")), meta.get("dup_of", ""))


class SentenceStore:
    """Sentences with vectors, and documents, in one Chroma database.

    Chroma is opened on first use, not here: importing and opening it is most of a cold
    `factbot ask`, which a current snapshot of the corpus index answers without it
    (`factbot.index.snapshot`). `generation` is how a snapshot knows it is current: every
    write through this class renews it (`factbot.index.generation`)."""

    # What `_open` sets: reading any of them before it ran opens Chroma (see __getattr__).
    _OPENED = frozenset({"client", "sentences", "docs", "damaged", "_path"})

    def __init__(self, client, embedder_name: str, name: str = DEFAULT_COLLECTION,
                 url: str | None = None, lock_path: Path | None = None) -> None:
        """`client`: a Chroma client, or a function returning one (called on first use)."""
        if len(name) < 3:
            raise FactbotError(f"collection name {name!r} is too short (Chroma needs 3+ characters)")
        self.name, self.url, self.embedder_name = name, url, embedder_name
        self._connect: Callable[[], object] = client if callable(client) else (lambda: client)
        self._lock = FileLock(str(lock_path)) if lock_path else None
        # Beside the write lock: the generation and the snapshot belong to this collection's home.
        self.home = Path(lock_path).parent if lock_path else None
        self.generation = Generation(self.home / f"{name}.generation" if self.home else None, self._lock)
        self._hashes: tuple[tuple, dict[str, str]] | None = None  # (fingerprint, document_hashes())

    def __getattr__(self, attr: str):
        # Only called for attributes not set yet: the first use of Chroma opens it.
        if attr not in SentenceStore._OPENED:
            raise AttributeError(attr)
        self._open()
        return self.__dict__[attr]

    def _open(self) -> None:
        client = self._connect()
        self.client = client
        self._path = None if self.url else client.get_settings().persist_directory
        if self._path and self._path in _DISK_SEEN and _DISK_SEEN[self._path] != _fingerprint(self._path):
            self.client = client = self._reopened_client()  # this process's cached copy is stale
        meta = {"hnsw:space": "cosine", "embedder": self.embedder_name}
        with self._server_errors():
            self.sentences = client.get_or_create_collection(f"{self.name}-sentences", metadata=meta,
                                                             embedding_function=None)
            self.docs = client.get_or_create_collection(f"{self.name}-documents",
                                                        metadata={"embedder": self.embedder_name},
                                                        embedding_function=None)
        self._mark_seen()
        self.damaged = self._damaged_collections() if self._path else ()
        built_with = (self.sentences.metadata or {}).get("embedder")
        if built_with and built_with != self.embedder_name:
            raise FactbotError(
                f"the index '{self.name}' was built with embedder {built_with!r}, not {self.embedder_name!r}; "
                f"use --embedder {built_with}, or rebuild it: factbot --embedder {self.embedder_name} ingest --reset")

    # -- plumbing -----------------------------------------------------------------

    @contextlib.contextmanager
    def _server_errors(self) -> Iterator[None]:
        """Turn a dead server's connection errors into one clear line."""
        try:
            yield
        except FactbotError:
            raise
        except Exception as exc:
            if self.url and _is_connection_error(exc):
                raise FactbotError(f"lost the Chroma server at {self.url}: {type(exc).__name__}; "
                                   f"is `chroma run` still running?") from None
            raise

    def _damaged_collections(self) -> tuple[str, ...]:
        """The collections ("docs", "sentences") whose vector index cannot be read.

        Chroma writes its HNSW files in place: `kill -9` while it saves them can leave an empty
        index_metadata.pickle, after which every read of the collection fails ("Error
        deserializing pickle file"). Both collections are derived data, see `repair`."""
        damaged = []
        for attr in ("docs", "sentences"):
            try:
                getattr(self, attr).get(limit=1, include=[])
            except Exception as exc:
                if not _is_damaged_index(exc):
                    raise
                damaged.append(attr)
        return tuple(damaged)

    def repair(self) -> None:
        """Recreate the damaged collections, empty (hold `writing()`). The caller re-embeds the
        sentences from the stored documents (`factbot.index.sync.rebuild`); a lost documents
        collection is refilled by the next ingest."""
        self.generation.written()
        metas = {"docs": {"embedder": self.embedder_name},
                 "sentences": {"hnsw:space": "cosine", "embedder": self.embedder_name}}
        for attr in self._damaged_collections():
            name = getattr(self, attr).name
            self.client.delete_collection(name)
            setattr(self, attr, self.client.create_collection(name, metadata=metas[attr], embedding_function=None))
        self.damaged = ()

    def _mark_seen(self) -> None:
        if self._path:
            _DISK_SEEN[self._path] = _fingerprint(self._path)

    def _reopened_client(self):
        """A client on a freshly loaded copy of the store. chromadb offers no public way to
        reload: drop its cached System for our path (if it is still the stale one) and open anew."""
        import chromadb
        from chromadb.api.shared_system_client import SharedSystemClient

        ident = getattr(self.client, "_identifier", None)
        cached = SharedSystemClient._identifier_to_system.get(ident)
        if cached is not None and cached is getattr(self.client, "_system", None):
            SharedSystemClient._identifier_to_system.pop(ident, None)
            SharedSystemClient._identifier_to_refcount.pop(ident, None)
            cached.stop()
        return chromadb.PersistentClient(path=self._path, settings=_settings())

    def _refresh_if_written_elsewhere(self) -> None:
        """Reload when another process wrote the store since this one last wrote or loaded it."""
        if not self._path or _DISK_SEEN.get(self._path) == _fingerprint(self._path):
            return
        self.client = self._reopened_client()
        self.sentences = self.client.get_collection(f"{self.name}-sentences", embedding_function=None)
        self.docs = self.client.get_collection(f"{self.name}-documents", embedding_function=None)
        self._mark_seen()

    @contextlib.contextmanager
    def writing(self) -> Iterator[None]:
        """Exclusive write access to an embedded store: Chroma's embedded mode is not safe
        for concurrent writer processes, so a second writer is refused, not interleaved."""
        if self._lock is None:
            _set_timeout(self.client, SERVER_WRITE_TIMEOUT_S)
            try:
                with self._server_errors():
                    yield
            finally:
                _set_timeout(self.client, SERVER_TIMEOUT_S)
            return
        try:
            self._lock.acquire(timeout=0)
        except Timeout:
            raise FactbotError(f"another factbot process is writing to {Path(self._lock.lock_file).parent}; "
                               "wait for it to finish and try again") from None
        try:
            self._refresh_if_written_elsewhere()  # never write from a stale copy
            with self.generation.writing(), self._server_errors():  # a snapshot from before is stale
                yield
        finally:
            self._mark_seen()
            self._lock.release()

    @property
    def max_batch(self) -> int:
        try:
            return int(self.client.get_max_batch_size())
        except Exception:  # older servers do not say; Chroma's documented floor
            return 5000

    @staticmethod
    def _get_all(collection, **kw) -> dict[str, list]:
        """`collection.get` in pages: one unpaged get of more than ~32k records exceeds
        SQLite's limit on variables ("too many SQL variables") in embedded Chroma."""
        fields = ["ids", *kw.get("include", [])]
        out: dict[str, list] = {f: [] for f in fields}
        offset = 0
        while True:
            got = collection.get(limit=GET_PAGE, offset=offset, **kw)
            for f in fields:
                out[f].extend(got[f] if got[f] is not None else [])
            if len(got["ids"]) < GET_PAGE:
                return out
            offset += GET_PAGE

    # -- documents ---------------------------------------------------------------

    def documents(self) -> dict[str, Document]:
        """Committed documents by id (text included)."""
        with self._server_errors():
            got = self._get_all(self.docs, include=["documents", "metadatas"])
        out = {}
        for did, text, meta in zip(got["ids"], got["documents"], got["metadatas"]):
            out[did] = Document(did, text, meta.get("title", ""), meta.get("lang", ""),
                                meta.get("source", ""), meta.get("date", ""), meta.get("hash", ""))
        return dict(sorted(out.items()))

    def document_hashes(self) -> dict[str, str]:
        """Each committed document's content hash: what the corpus index is keyed on, asked on
        every search. Embedded, it is read again only when Chroma's files changed (a write by
        any process changes them): reading it costs ~5 ms per search at a few hundred documents."""
        seen = _fingerprint(self._path) if self._path else None
        if seen is not None and self._hashes is not None and self._hashes[0] == seen:
            return dict(self._hashes[1])
        with self._server_errors():
            got = self._get_all(self.docs, include=["metadatas"])
        hashes = {did: m.get("hash", "") for did, m in zip(got["ids"], got["metadatas"])}
        if seen is not None:
            self._hashes = (seen, hashes)
        return dict(hashes)

    def commit_document(self, doc: Document) -> None:
        self.commit_documents([doc])

    def commit_documents(self, docs: Sequence[Document]) -> None:
        """Make documents visible (their sentences must already be stored): one write for many."""
        if not docs:
            return
        self.generation.written()
        metas = [{"title": d.title, "lang": d.lang, "source": d.source, "date": d.date, "hash": d.content_hash}
                 for d in docs]
        with self._server_errors():
            self.docs.upsert(ids=[d.doc_id for d in docs], documents=[d.text for d in docs], metadatas=metas,
                             embeddings=[_NO_VECTOR] * len(docs))

    def uncommit_document(self, doc_id: str) -> None:
        self.generation.written()
        with self._server_errors():
            self.docs.delete(ids=[doc_id])

    # -- sentences ---------------------------------------------------------------

    def sentence_ids(self, doc_id: str | None = None) -> list[str]:
        with self._server_errors():
            got = self._get_all(self.sentences, where={"doc_id": doc_id} if doc_id else None, include=[])
        return list(got["ids"])

    def sentences_with_vectors(self, doc_id: str) -> dict[str, np.ndarray]:
        """Stored vectors by sentence text: lets a changed document reuse unchanged sentences."""
        with self._server_errors():
            got = self._get_all(self.sentences, where={"doc_id": doc_id}, include=["documents", "embeddings"])
        return {text: np.asarray(vec, dtype=np.float32) for text, vec in zip(got["documents"], got["embeddings"])}

    def add_sentences(self, sentences: Sequence[Sentence], vectors: np.ndarray) -> None:
        self.generation.written()
        step = self.max_batch
        for i in range(0, len(sentences), step):
            part = sentences[i:i + step]
            with self._server_errors():
                self.sentences.upsert(
                    ids=[s.sentence_id for s in part],
                    documents=[s.text for s in part],
                    embeddings=vectors[i:i + step],
                    metadatas=[{"doc_id": s.doc_id, "start": s.start, "end": s.end, "role": s.role.value,
                                "citable": s.role.citable, "dup_of": s.dup_of} for s in part],
                )

    def delete_sentences(self, ids: Sequence[str]) -> None:
        self.generation.written()
        step = self.max_batch
        for i in range(0, len(ids), step):
            with self._server_errors():
                self.sentences.delete(ids=list(ids[i:i + step]))

    def all_sentences(self) -> list[Sentence]:
        """Every stored sentence of a committed document, in document order."""
        committed = set(self.document_hashes())
        with self._server_errors():
            got = self._get_all(self.sentences, include=["documents", "metadatas"])
        out = [_meta_to_sentence(sid, text, meta)
               for sid, text, meta in zip(got["ids"], got["documents"], got["metadatas"])
               if meta["doc_id"] in committed]
        return sorted(out, key=lambda s: (s.doc_id, s.start))

    def vectors(self, ids: Sequence[str]) -> dict[str, np.ndarray]:
        if not ids:
            return {}
        self._refresh_if_written_elsewhere()
        out = {}
        with self._server_errors():
            for i in range(0, len(ids), GET_PAGE):  # paged: SQLite's limit on variables (see _get_all)
                got = self.sentences.get(ids=list(ids[i:i + GET_PAGE]), include=["embeddings"])
                out.update((sid, np.asarray(v, dtype=np.float32)) for sid, v in zip(got["ids"], got["embeddings"]))
        return out

    def nearest(self, vector: np.ndarray, n: int, doc_id: str | None = None) -> list[Scored]:
        """The n nearest citable sentences, each with its cosine, nearest first."""
        where: dict = {"citable": True}
        if doc_id:
            where = {"$and": [where, {"doc_id": doc_id}]}
        self._refresh_if_written_elsewhere()
        with self._server_errors():
            count = self.sentences.count()
            if not count:
                return []
            got = self.sentences.query(query_embeddings=[vector.tolist()], n_results=min(n, count),
                                       where=where, include=["distances"])
        return [Scored(sid, 1.0 - float(d)) for sid, d in zip(got["ids"][0], got["distances"][0])]

    def reset(self) -> None:
        self.generation.written()
        with self._server_errors():
            for c in (f"{self.name}-sentences", f"{self.name}-documents"):
                with contextlib.suppress(Exception):
                    self.client.delete_collection(c)
        self._hashes = None
        self._open()  # the two collections anew, empty

    def as_langchain(self, embedder):
        """The sentence collection as a LangChain vector store, for composing your own chains."""
        from langchain_chroma import Chroma

        return Chroma(client=self.client, collection_name=f"{self.name}-sentences",
                      embedding_function=embedder.as_langchain())


def _is_damaged_index(exc: BaseException) -> bool:
    text = str(exc).lower()
    return type(exc).__name__ == "InternalError" and any(
        w in text for w in ("hnsw segment", "deserializing pickle", "index_metadata", "hnsw index", "backfill request"))


def _is_connection_error(exc: BaseException) -> bool:
    names = {type(e).__name__ for e in _chain(exc)}
    return bool(names & {"ConnectError", "ConnectionError", "ConnectTimeout", "ReadTimeout", "RemoteProtocolError",
                         "ConnectionRefusedError", "ReadError", "TimeoutException", "NetworkError"}) \
        or "connect" in str(exc).lower()


def _chain(exc: BaseException | None) -> Iterator[BaseException]:
    while exc is not None:
        yield exc
        exc = exc.__cause__ or exc.__context__
