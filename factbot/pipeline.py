"""`FactBot`: the one object the CLI, the web app and the evaluation harness all use.

It owns nothing clever itself: it validates input, then wires the store, the
retriever, the answerer and the verifier, which are passed in (or built by `open`).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import replace
from pathlib import Path

from factbot.check.evidence import claim_evidence
from factbot.config import load_embedder
from factbot.defaults import DEFAULT_ASK_HITS, DEFAULT_COLLECTION, DEFAULT_EMBEDDER, DEFAULT_K
from factbot.index.embeddings import Embedder
from factbot.index.retrieval import HybridRetriever
from factbot.index.store import SentenceStore, connect
from factbot.index.sync import sync
from factbot.ingest.documents import doc_id_for, doc_id_named, find_files, make_document, read_document
from factbot.reader import ReaderMode
from factbot.text.matching import language, split_sentences, strip_invisible
from factbot.types import (Answer, AnswerBackend, Document, FactbotError, Hit, IngestReport, Label, TextDocument,
                           ParagraphVerdict, Rejected, Verdict, VerifierBackend)

MAX_QUERY_CHARS = 2000  # a question or claim; a paragraph to check may be longer
MAX_PARAGRAPH_CHARS = 10_000


def default_home() -> Path:
    from platformdirs import user_data_dir

    return Path(user_data_dir("factbot", appauthor=False))


def clean_input(text: object, what: str = "question", limit: int = MAX_QUERY_CHARS) -> str:
    """User text made safe to process: lone surrogates, NUL and control characters dropped.
    Empty or oversize input is a user error naming the limit."""
    if not isinstance(text, str):
        raise FactbotError(f"the {what} must be text")
    text = text.encode("utf-8", "replace").decode("utf-8")  # lone surrogates -> '?'
    text = "".join(ch if unicodedata.category(ch) != "Cc" or ch in "\n\t" else " " for ch in text)
    if not strip_invisible(text).strip():
        raise FactbotError(f"the {what} is empty")
    if len(text) > limit:
        raise FactbotError(f"the {what} is {len(text):,} characters; the limit is {limit:,}")
    return text.strip()


class FactBot:
    def __init__(self, store: SentenceStore, embedder: Embedder, retriever: HybridRetriever | None = None,
                 answerer: AnswerBackend | None = None, verifier: VerifierBackend | None = None, *, llm=None,
                 nli: str | Path | None = None, reader: ReaderMode | bool | str = False,
                 location: str = "") -> None:
        self.store, self.embedder = store, embedder
        self.location = location  # where the index lives (a folder or a Chroma URL), for reports
        self.llm, self.nli = llm, nli  # optional backends the user configured (FACTBOT_LLM, FACTBOT_NLI)
        self.reader = ReaderMode.of(reader)  # how `ask` uses the trained reader (FACTBOT_READER)
        self.retriever = retriever or HybridRetriever(store, embedder)
        self._answerer, self._verifier = answerer, verifier

    @classmethod
    def open(cls, home: Path | str | None = None, chroma_url: str | None = None,
             embedder: str | Embedder = DEFAULT_EMBEDDER, collection: str = DEFAULT_COLLECTION,
             llm=None, nli: str | Path | None = None, reader: ReaderMode | bool | str | None = None) -> "FactBot":
        """Open (creating if needed) a corpus: embedded under `home`, or on a Chroma server.
        `llm` (a LangChain chat model) phrases answers and judges claims; `nli` (a local
        CrossEncoder NLI folder) verifies claims instead of the offline verifier."""
        emb = embedder if isinstance(embedder, Embedder) else load_embedder(embedder)
        retriever = None
        if chroma_url:
            store = SentenceStore(connect(url=chroma_url), emb.name, collection, url=chroma_url)
        else:
            home = Path(home) if home else default_home()
            home.mkdir(parents=True, exist_ok=True)
            store = SentenceStore(lambda: connect(home=home), emb.name, collection,
                                  lock_path=home / f"{collection}.write.lock")
            retriever = HybridRetriever(store, emb)
        bot = cls(store, emb, retriever, llm=llm, nli=nli, reader=ReaderMode.of(reader),
                  location=str(chroma_url or home))
        # A current snapshot answers reads without Chroma (it proves no write since the store was
        # last read whole); anything that reads or writes Chroma itself checks for damage first.
        if retriever is None or not retriever.load_snapshot():
            bot._repair_if_damaged()
        return bot

    def _repair_if_damaged(self) -> None:
        """Rebuild the vector index a killed process left unreadable (embedded stores only)."""
        if not self.store.damaged:
            return
        import warnings

        from factbot.index.sync import rebuild

        with self.store.writing():  # one writer repairs; the lock is re-entrant for rebuild
            self.store.repair()
            report = rebuild(self.store, self.embedder)
        warnings.warn(f"factbot: the vector index under {self.location} was damaged by an interrupted write; "
                      f"rebuilt it from the {report.documents} stored documents ({report.sentences} "
                      "sentences)", RuntimeWarning, stacklevel=3)

    # -- components, built on first use ------------------------------------------

    @property
    def answerer(self) -> AnswerBackend:
        if self._answerer is None:
            from factbot.ask.answerer import Answerer

            if self.reader.reads:
                from factbot.ask.reading import Phrases
                from factbot.reader.model import load

                self._answerer = Answerer(self.embedder, llm=self.llm, reader=load(), context_of=self.previous_text,
                                          phrases=Phrases.EVERY if self.reader is ReaderMode.ON else Phrases.ASKED)
            else:
                self._answerer = Answerer(self.embedder, llm=self.llm)
        return self._answerer

    def previous_text(self, hit: Hit) -> str:
        """The sentence before `hit` in its document ("" for the first): the reader's context."""
        index = self.retriever.index()
        i = index.position.get(hit.sentence_id)
        j = -1 if i is None else int(index.previous[i])
        return index.sentences[j].text if j >= 0 else ""

    @property
    def verifier(self) -> VerifierBackend:
        if self._verifier is None:
            from factbot.check.verifier import Verifier

            verifier = Verifier(self.embedder)
            if self.nli:
                from factbot.check.judges import NLIVerifier

                verifier = NLIVerifier(self.nli)
            if self.llm is not None:
                from factbot.check.judges import LLMJudge

                verifier = LLMJudge(self.llm, verifier)  # falls back to the verifier it wraps
            self._verifier = verifier
        return self._verifier

    # -- corpus ---------------------------------------------------------------------

    def ingest(self, paths: Iterable[Path | str] = ("corpus",), *, prune: bool = False, reset: bool = False,
               progress: bool = False) -> IngestReport:
        """Add or update the documents under `paths`; every other indexed document is kept.
        With `prune`, documents not found under `paths` are removed as well. Unreadable files
        are reported in `rejected` and change nothing: not even their old version is removed."""
        self._repair_if_damaged()
        files = find_files([Path(p) for p in paths])
        docs: dict[str, Document] = {}
        rejected: list[Rejected] = []
        rejected_ids: set[str] = set()
        for f in files:
            try:
                doc = read_document(f)
            except FactbotError as exc:
                rejected.append(Rejected(str(f), str(exc)))
                rejected_ids.add(doc_id_for(f))
                continue
            if doc.doc_id in docs:
                if docs[doc.doc_id].content_hash != doc.content_hash:
                    rejected.append(Rejected(str(f), f"another file already has the id {doc.doc_id!r}; rename one"))
                continue  # the same file twice: indexed once
            docs[doc.doc_id] = doc
        if not docs and not rejected:
            raise FactbotError(f"no documents ({', '.join(('.txt', '.md', '.html'))}) under "
                               f"{', '.join(str(p) for p in paths)}")
        if reset:
            with self.store.writing():
                self.store.reset()
        elif not docs:  # nothing readable: the index is left exactly as it was
            return IngestReport(documents=0, sentences=0, added=0, unchanged=0, removed=0, embedded=0,
                                seconds=0.0, rejected=tuple(rejected))
        keep = [] if not prune or reset else [
            d for doc_id, d in self.store.documents().items() if doc_id in rejected_ids and doc_id not in docs]
        report = sync(self.store, self.embedder, list(docs.values()) + keep, prune=prune or reset,
                      progress=progress)
        if self.store.home:  # embedded: read back now and snapshot it, so the next `ask` need not open Chroma
            self.retriever.index()
        return replace(report, rejected=tuple(rejected))

    def add_text(self, text: str, name: str, *, html: bool = False, source: str = "") -> Document:
        """Add (or replace) one document from text, e.g. pasted or uploaded in the app."""
        return self.add_texts([TextDocument(text, name, html, source)])[0]

    def add_texts(self, texts: Sequence[TextDocument]) -> list[Document]:
        """Add (or replace) several documents from text at once (files uploaded together). Every
        one is made, and so checked, before any is indexed: a bad one, or two that would get the
        same id, leaves the index as it was. One sync embeds them all in one batch."""
        self._repair_if_damaged()
        docs = [make_document(t.text, name=doc_id_named(t.name), source=t.source or t.name, html=t.html) for t in texts]
        seen: dict[str, str] = {}
        for t, doc in zip(texts, docs):
            if doc.doc_id in seen:
                raise FactbotError(f"{seen[doc.doc_id]} and {t.source or t.name} would both be {doc.doc_id!r}; "
                                   "rename one")
            seen[doc.doc_id] = t.source or t.name
        sync(self.store, self.embedder, docs, prune=False)
        return docs

    def delete_document(self, doc_id: str) -> None:
        self._repair_if_damaged()
        if doc_id not in self.store.document_hashes():
            raise FactbotError(f"no document {doc_id!r}")
        with self.store.writing():
            self.store.uncommit_document(doc_id)
            self.store.delete_sentences(self.store.sentence_ids(doc_id))

    def documents(self) -> list[Document]:
        self._repair_if_damaged()
        return list(self.store.documents().values())

    def document_text(self, doc_id: str) -> str:
        self._repair_if_damaged()
        docs = self.store.documents()
        if doc_id not in docs:
            raise FactbotError(f"no document {doc_id!r}; known: {', '.join(docs) or 'none'}")
        return docs[doc_id].text

    def sentences(self, doc_id: str | None = None):
        self._repair_if_damaged()
        return [s for s in self.store.all_sentences() if doc_id is None or s.doc_id == doc_id]

    # -- questions and claims ------------------------------------------------------------

    def document_ids(self) -> tuple[str, ...]:
        """The ids of the indexed documents, from the corpus index (a current snapshot answers
        without opening Chroma)."""
        return tuple(doc_id for doc_id, _ in self.retriever.index().signature)

    def _check_doc(self, doc: str | None) -> None:
        if doc and doc not in self.document_ids():
            raise FactbotError(f"no document {doc!r}")

    def search(self, query: str, k: int = DEFAULT_K, doc: str | None = None) -> list[Hit]:
        query = clean_input(query, "query")
        self._check_doc(doc)
        return self.retriever.search(query, k=max(1, k), doc_id=doc)

    def ask(self, question: str, k: int = DEFAULT_K, doc: str | None = None) -> Answer:
        question = clean_input(question, "question")
        self._check_doc(doc)
        from factbot.index.pools import answer_from_pools

        def answer(hits):
            return self.answerer.answer(question, hits, k=max(1, k))

        def search(lang):
            # the answerer picks among the first 8 hits, 16 across languages (`rerank.pool_size`)
            return self.retriever.search(question, k=max(k, DEFAULT_ASK_HITS), doc_id=doc, lang=lang)

        # with a chat model the pools are compared offline and the model is asked once
        phrased = getattr(self.answerer, "llm", None) is not None
        return answer_from_pools(self.retriever.languages(), search,
                                 (lambda hits: self.answerer.offline(question, hits, k=max(1, k))) if phrased else answer,
                                 answer if phrased else None, question_lang=language(question))

    def check(self, claim: str, doc: str | None = None) -> Verdict | ParagraphVerdict:
        """One claim → a Verdict; a paragraph of several sentences → one per check-worthy claim."""
        text = clean_input(claim, "claim", limit=MAX_PARAGRAPH_CHARS)
        self._check_doc(doc)
        claims = check_worthy(text)
        if len(claims) <= 1:
            if len(text) > MAX_QUERY_CHARS:
                raise FactbotError(f"the claim is {len(text):,} characters; the limit is {MAX_QUERY_CHARS:,}")
            return self._check_one(text, doc)
        verdicts = tuple(self._check_one(c, doc) for c in claims)
        return ParagraphVerdict(verdicts, summarize(verdicts))

    def _check_one(self, claim: str, doc: str | None) -> Verdict:
        return self.verifier.verify(claim, claim_evidence(claim, self.retriever, self.embedder, doc))

    def as_retriever(self, k: int = DEFAULT_K, doc: str | None = None):
        """This bot's search as a LangChain retriever (`langchain_core` `BaseRetriever`): each
        Document is one sentence, `page_content == document[start:end]`, with `doc_id,
        sentence_id, start, end, score` in its metadata (factbot.langchain_retriever)."""
        from factbot.langchain_retriever import FactbotRetriever

        self._check_doc(doc)
        return FactbotRetriever(bot=self, k=max(1, k), doc=doc)

    def check_against(self, claim: str, evidence: str) -> Verdict:
        """Verify `claim` with `evidence` as the only evidence (no retrieval): stance datasets."""
        claim, evidence = clean_input(claim, "claim"), clean_input(evidence, "evidence", MAX_PARAGRAPH_CHARS)
        cosine = float(self.embedder.passage(evidence) @ self.embedder.query(claim))
        hit = Hit("evidence", "evidence-0", 0, len(evidence), evidence, cosine, cosine, 0.0)
        return self.verifier.verify_pair(claim, hit)


def check_worthy(text: str) -> list[str]:
    """The sentences of a pasted text worth checking: statements of three or more words."""
    out = []
    for span in split_sentences(text):
        s = text[span.start:span.end]
        if len(s.split()) >= 3 and not s.rstrip().endswith(("?", "؟")):
            out.append(s)
    return out


def summarize(verdicts: Sequence[Verdict]) -> str:
    counts = {label: sum(v.verdict is label for v in verdicts) for label in Label}
    parts = [f"{n} {label.value.lower().replace('_', ' ')}" for label, n in counts.items() if n]
    return f"{len(verdicts)} claims: " + ", ".join(parts)
