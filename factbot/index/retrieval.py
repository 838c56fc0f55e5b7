"""Hybrid retrieval: dense (Chroma, cosine) + lexical (BM25 over words, character trigrams
and whole documents), fused at score level, linked duplicates collapsed into one hit.

Dense search carries meaning across languages (an English question finds an Arabic
sentence); BM25 carries exact names, numbers and rare words that embeddings blur.

    score(s) = own(s) + PREVIOUS_WEIGHT * max(0, own(previous sentence of s))
    own(s)   = cos(q, s) - floor + LEXICAL_WEIGHT * (words(s) + trigrams(s)) / 2
                                 + DOCUMENT_WEIGHT * document(s)

`words`, `trigrams` and `document` are BM25 scores divided by their best value for the
query (so each lies in 0..1 and a query with no lexical match is ranked by meaning alone);
`floor` is the cosine of the last dense candidate. The previous-sentence term lets an
answer inherit the relevance of the sentence before it that names the subject ("... called
the Nile. It is 6,650 km long."). A sentence in another language than the query's gets the
smaller CROSS_* lexical and document weights, an English sentence for an English query the
EN_* ones (`pair_weights`, `PAIR_WEIGHTS`). The Arabic constants were fitted on ARCD *train*
with `benchmarks/tune_retrieval.py` (see benchmarks/README.md for the figures on ARCD test),
the English ones on TyDi en *train* and XQuAD dev en (even articles) with
`benchmarks/tune_english.py`, the cross-language ones
with `benchmarks/corpora.py cross-weights`.
The scoring itself is pure and lives in `factbot.index.fusion`.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

import numpy as np

from factbot.defaults import DEFAULT_K
from factbot.index import snapshot
from factbot.index.embeddings import Embedder
# The fusion's math and constants, imported here under the names this module always offered.
from factbot.index.fusion import (CANDIDATES, CROSS_DOCUMENT_WEIGHT, CROSS_LEXICAL_WEIGHT,  # noqa: F401
                                  DOCUMENT_WEIGHT, LEXICAL_WEIGHT, PAIR_WEIGHTS, PREVIOUS_WEIGHT, RRF_K, candidates,
                                  hybrid_scores, lexical_evidence, normalised, pair_weights, rrf)
from factbot.index.generation import current
from factbot.index.lexical import Bm25
from factbot.index.store import GET_PAGE, SentenceStore
from factbot.text.matching import char_ngrams, language, strip_for_embedding, terms
from factbot.types import FactbotError, Hit, Scored, Sentence

# BM25 over sentences. b=0.2, not the usual 0.75: full length normalisation lets short
# fragments ("سوريا") outrank the sentence holding the answer. On ARCD train word-BM25
# recall@1 is 0.595 at (k1=1.5, b=0.75), 0.623 at (1.2, 0.2), flat for b 0.1..0.5, k1 0.9..1.2.
BM25_K1 = 1.2
BM25_B = 0.2
_EMPTY = "∅"  # the token of a sentence with no content terms: BM25 needs one
# Below this many citable sentences dense search is exact: one matrix-vector product over the
# stored vectors (30k x 384 float32 = 46 MB). It is deterministic, where Chroma's HNSW graph is
# built by several threads and two builds of one corpus can disagree on the 50th candidate (the
# fused score's `floor`), and at this size it is faster than a Chroma query. Above it, HNSW.
EXACT_DENSE_LIMIT = 30_000
# Above EXACT_DENSE_LIMIT a language's pool is read from this many times CANDIDATES HNSW hits.
LANG_OVERFETCH = 4


class SearchMode(str, enum.Enum):
    """Which rankers a search fuses: both (the default), or one alone (to measure each)."""

    HYBRID = "hybrid"
    DENSE = "dense"
    LEXICAL = "lexical"

    @classmethod
    def from_str(cls, value: "str | SearchMode") -> "SearchMode":
        if isinstance(value, cls):
            return value
        try:
            return cls(str(value).strip().lower())
        except ValueError:
            valid = ", ".join(m.value for m in cls)
            raise FactbotError(f"unknown search mode {value!r}; expected one of: {valid}") from None


@dataclass(frozen=True)
class LexicalScores:
    words: np.ndarray  # raw word BM25 per citable sentence (what Hit.lexical reports)
    evidence: np.ndarray  # lexical_evidence(): the lexical part of the fused score
    previous_weight: np.ndarray | float = PREVIOUS_WEIGHT  # of each sentence (pair_weights)


def _bm25(corpus: list[list[str]], k1: float, b: float) -> Bm25:
    return Bm25.fit(corpus, k1, b, _EMPTY)


def _scores(model: Bm25 | None, query: list[str], size: int) -> np.ndarray:
    return model.scores(query) if model is not None else np.zeros(size)


def document_languages(sentences: Sequence[Sentence], lang_of: np.ndarray) -> np.ndarray:
    """Each sentence's document language: the language most of its document's characters are
    in (ties: the first sentence's). A sentence's own language is a guess from its letters (a
    line of English names in an Arabic article reads "en"); a document's is what a reader
    would say it is written in."""
    chars: dict[str, dict[str, int]] = {}
    for s, lang in zip(sentences, lang_of):
        per = chars.setdefault(s.doc_id, {})
        per[lang] = per.get(lang, 0) + len(s.text)
    doc_lang = {d: max(per, key=per.get) for d, per in chars.items()}
    return np.array([doc_lang[s.doc_id] for s in sentences], dtype=object)


@dataclass
class CorpusIndex:
    """The corpus in memory for search: BM25 over the citable sentences of the store (words and
    character trigrams) and over whole documents, each sentence's neighbours, each document's
    centroid vector and, in small corpora, every sentence vector; rebuilt when the corpus changes."""

    sentences: list[Sentence]  # citable, in (doc_id, start) order: a document is a contiguous run
    by_id: dict[str, Sentence]
    signature: tuple
    group: dict[str, tuple[str, ...]]  # sentence_id -> all sentence_ids stating the same fact
    position: dict[str, int]  # sentence_id -> index into `sentences`
    previous: np.ndarray  # index of the previous citable sentence of the same document, or -1
    following: np.ndarray  # index of the next one, or -1
    doc_of: np.ndarray  # index into `doc_ids` of each sentence's document
    doc_ids: list[str]
    words: Bm25 | None = None
    trigrams: Bm25 | None = None
    documents: Bm25 | None = None
    vectors: np.ndarray | None = None  # row i: the stored vector of sentences[i] (exact dense search)
    centroids: np.ndarray | None = None  # row j: normalised mean sentence vector of doc_ids[j]
    lang_of: np.ndarray | None = None  # each citable sentence's language ("ar" / "en")
    doc_lang_of: np.ndarray | None = None  # the language of each citable sentence's document

    @classmethod
    def build(cls, sentences: list[Sentence], signature: tuple) -> "CorpusIndex":
        citable = sorted((s for s in sentences if s.role.citable), key=lambda s: (s.doc_id, s.start))
        by_id = {s.sentence_id: s for s in sentences}
        groups: dict[str, list[str]] = {}
        for s in citable:
            groups.setdefault(s.dup_of or s.sentence_id, []).append(s.sentence_id)
        n = len(citable)
        same_doc = np.array([citable[i].doc_id == citable[i + 1].doc_id for i in range(n - 1)], dtype=bool)
        previous = np.full(n, -1, dtype=np.int64)
        following = np.full(n, -1, dtype=np.int64)
        idx = np.arange(n - 1)[same_doc] if n > 1 else np.zeros(0, dtype=np.int64)
        previous[idx + 1] = idx
        following[idx] = idx + 1
        doc_ids = list(dict.fromkeys(s.doc_id for s in citable))
        doc_row = {d: j for j, d in enumerate(doc_ids)}
        doc_of = np.array([doc_row[s.doc_id] for s in citable], dtype=np.int64)
        index = cls(citable, by_id, signature, {sid: tuple(m) for m in groups.values() for sid in m},
                    {s.sentence_id: i for i, s in enumerate(citable)}, previous, following, doc_of, doc_ids)
        index.lang_of = np.array([language(s.text) for s in citable], dtype=object)
        index.doc_lang_of = document_languages(citable, index.lang_of)
        if citable:
            word_lists = [terms(s.text) for s in citable]
            index.words = _bm25(word_lists, BM25_K1, BM25_B)
            index.trigrams = _bm25([char_ngrams(s.text) for s in citable], BM25_K1, BM25_B)
            per_doc: list[list[str]] = [[] for _ in doc_ids]
            for row, toks in zip(doc_of, word_lists):
                per_doc[row].extend(toks)
            # Documents vary in length far more than sentences: the usual b=0.75 applies here.
            index.documents = _bm25(per_doc, BM25_K1, 0.75)
        return index

    def in_document(self, doc_id: str) -> np.ndarray:
        """Which citable sentences belong to `doc_id` (none when it is not indexed)."""
        return self.doc_of == (self.doc_ids.index(doc_id) if doc_id in self.doc_ids else -1)

    def languages(self) -> tuple[str, ...]:
        """The languages of the documents, most citable sentences first."""
        values, counts = np.unique(self.doc_lang_of, return_counts=True) if len(self.sentences) else ([], [])
        return tuple(str(v) for _, v in sorted(zip(-np.asarray(counts), values)))

    def keep(self, doc_id: str | None = None, lang: str | None = None) -> np.ndarray | None:
        """Which citable sentences a search may return: of `doc_id` and of a document in `lang`
        (None: all). A language pool holds whole documents: an English name quoted in the
        Arabic article stays in the Arabic pool, beside the sentences it is read with."""
        if not doc_id and not lang:
            return None
        mask = self.in_document(doc_id) if doc_id else np.ones(len(self.sentences), dtype=bool)
        return mask & (self.doc_lang_of == lang) if lang else mask

    def scores(self, query: str, doc_id: str | None = None, lang: str | None = None) -> LexicalScores:
        """Word BM25 and the lexical evidence of every citable sentence (zero outside `doc_id`
        and `lang`)."""
        n = len(self.sentences)
        q_terms = terms(query)
        words = _scores(self.words, q_terms, n)
        trigrams = _scores(self.trigrams, char_ngrams(query), n)
        document = _scores(self.documents, q_terms, len(self.doc_ids))[self.doc_of] if n else np.zeros(0)
        keep = self.keep(doc_id, lang)
        if keep is not None:
            words, trigrams, document = (np.where(keep, a, 0.0) for a in (words, trigrams, document))
        lw, dw, pw = pair_weights(language(query), self.lang_of) if n else (LEXICAL_WEIGHT, DOCUMENT_WEIGHT,
                                                                            PREVIOUS_WEIGHT)
        return LexicalScores(words, lexical_evidence(normalised(words), normalised(trigrams), normalised(document),
                                                     lw, dw), pw)

    def rank(self, query: str, n: int, doc_id: str | None = None) -> list[Scored]:
        """The n best sentences by the lexical part alone, each with its lexical evidence."""
        evidence = self.scores(query, doc_id).evidence
        order = np.argsort(-evidence, kind="stable")[:n]
        return [Scored(self.sentences[i].sentence_id, float(evidence[i])) for i in order if evidence[i] > 0]


class HybridRetriever:
    def __init__(self, store: SentenceStore, embedder: Embedder, exact_limit: int = EXACT_DENSE_LIMIT) -> None:
        self.store, self.embedder = store, embedder
        self.exact_limit = exact_limit
        self._index: CorpusIndex | None = None
        self._generation: str | None = None  # the store's generation `_index` was read at

    def index(self) -> CorpusIndex:
        """The corpus index, rebuilt only when the committed documents changed (checked on each
        call, so writes by another process are seen too). An embedded store says so by its
        generation, a file read; a server by its document hashes."""
        token = self.store.generation.read()
        if self._index is not None and current(token) and token == self._generation:
            return self._index
        if self._index is None and current(token) and self.load_snapshot():
            return self._index
        token = self.store.generation.stamp()  # before reading: a write meanwhile renews it
        signature = tuple(sorted(self.store.document_hashes().items()))
        if self._index is None or self._index.signature != signature:
            index = CorpusIndex.build(self.store.all_sentences(), signature)
            self._read_vectors(index)
            self._index = index
        self._generation = token
        if current(token) and self.store.home:
            self.store.generation.if_unchanged(token, lambda: snapshot.save(
                snapshot.path_for(self.store.home, self.store.name),
                snapshot.Snapshot(token, self._built(), self._index)))
        return self._index

    def _built(self) -> tuple:
        return self.embedder.name, self.exact_limit

    def load_snapshot(self) -> bool:
        """Take the index from the snapshot beside the store if it is current: True if so."""
        token = self.store.generation.read()
        if not current(token) or not self.store.home:
            return False
        found = snapshot.load(snapshot.path_for(self.store.home, self.store.name), CorpusIndex,
                              token, self._built())
        if found is None:
            return False
        self._index, self._generation = found, token
        return True

    def _read_vectors(self, index: CorpusIndex) -> None:
        """Each document's centroid and, up to `exact_limit` sentences, every sentence vector
        (for exact dense search), read from the store a page at a time."""
        keep = len(index.sentences) <= self.exact_limit
        rows, sums = [], None
        for lo in range(0, len(index.sentences), GET_PAGE):
            page = index.sentences[lo:lo + GET_PAGE]
            stored = self.store.vectors([s.sentence_id for s in page])
            block = np.stack([stored[s.sentence_id] for s in page])
            if sums is None:
                sums = np.zeros((len(index.doc_ids), block.shape[1]), dtype=np.float32)
            np.add.at(sums, index.doc_of[lo:lo + len(page)], block)
            if keep:
                rows.append(block)
        if sums is not None:
            index.centroids = sums / np.maximum(np.linalg.norm(sums, axis=1, keepdims=True), 1e-12)
        if rows:
            index.vectors = np.vstack(rows)

    def sentence(self, sentence_id: str) -> Sentence | None:
        return self.index().by_id.get(sentence_id)

    def languages(self) -> tuple[str, ...]:
        return self.index().languages()

    def search(self, query: str, k: int = DEFAULT_K, doc_id: str | None = None,
               mode: SearchMode | str = SearchMode.HYBRID, lang: str | None = None) -> list[Hit]:
        """The k best sentences for `query`; `mode` picks the rankers: both fused (the default),
        dense alone (cosine order) or lexical alone (the lexical evidence). `lang` keeps to
        sentences in that language (a candidate pool of its own)."""
        mode = SearchMode.from_str(mode)
        index = self.index()
        if not index.sentences:
            return []
        qvec = self.embedder.query(strip_for_embedding(query))
        lexical = index.scores(query, doc_id, lang)
        cosine: dict[int, float] = {}
        if mode is not SearchMode.LEXICAL:
            cosine = self._nearest(qvec, index, doc_id, lang)
        if mode is SearchMode.DENSE:
            scores = dict(cosine)
        elif mode is SearchMode.LEXICAL:
            order = np.argsort(-lexical.evidence, kind="stable")[:CANDIDATES]
            scores = {int(i): float(lexical.evidence[i]) for i in order if lexical.evidence[i] > 0}
        else:
            floor = min(cosine.values()) if cosine else 0.0
            positions = candidates(list(cosine), lexical.evidence, index.following)
            needed = set(positions) | {int(index.previous[i]) for i in positions if index.previous[i] >= 0}
            self._add_cosines(cosine, needed, qvec, index)
            scores = hybrid_scores(positions, cosine, lexical.evidence, index.previous, floor,
                                   lexical.previous_weight)
        self._add_cosines(cosine, set(scores), qvec, index)
        ranked = sorted(scores, key=lambda i: (-scores[i], -cosine.get(i, 0.0), index.sentences[i].sentence_id))
        hits = (Hit(s.doc_id, s.sentence_id, s.start, s.end, s.text, scores[i], cosine.get(i, 0.0),
                    float(lexical.words[i])) for i in ranked for s in [index.sentences[i]])
        return self._in_context(collapse_duplicates(hits, index.group, k), qvec, index, cosine)

    def _in_context(self, hits: list[Hit], qvec: np.ndarray, index: CorpusIndex,
                    cosine: dict[int, float]) -> list[Hit]:
        """The hits with the query's cosine to their document's centroid and to the sentence
        after them: an answer often sits in the right document next to the sentence that
        repeats the question (the reranker weighs both)."""
        rows = [index.position[h.sentence_id] for h in hits]
        following = [int(index.following[i]) for i in rows]
        self._add_cosines(cosine, {j for j in following if j >= 0}, qvec, index)
        return [replace(h, doc_dense=float(index.centroids[index.doc_of[i]] @ qvec),
                        next_dense=cosine[j] if j >= 0 else None)
                for h, i, j in zip(hits, rows, following)]

    def _nearest(self, qvec: np.ndarray, index: CorpusIndex, doc_id: str | None,
                 lang: str | None = None) -> dict[int, float]:
        """Cosine of the CANDIDATES nearest citable sentences (of `doc_id` and `lang` only, when
        given), by position: exact over the index's vectors when it holds them, else Chroma's
        HNSW search (over-fetched and filtered for a language: the store does not index it)."""
        if index.vectors is None:
            got = self.store.nearest(qvec, CANDIDATES * (LANG_OVERFETCH if lang else 1), doc_id)
            out = {index.position[g.sentence_id]: g.score for g in got if g.sentence_id in index.position
                   and (not lang or index.doc_lang_of[index.position[g.sentence_id]] == lang)}
            return dict(list(out.items())[:CANDIDATES])
        mask = index.keep(doc_id, lang)
        keep = np.flatnonzero(mask) if mask is not None else None
        # the whole matrix as it is: indexing it by every row would copy it (~8 ms at 30k)
        cos = index.vectors @ qvec if keep is None else index.vectors[keep] @ qvec
        best = np.argsort(-cos, kind="stable")[:CANDIDATES]
        rows = best if keep is None else keep[best]
        return {int(i): float(c) for i, c in zip(rows, cos[best])}

    def _add_cosines(self, cosine: dict[int, float], positions: set[int], qvec: np.ndarray,
                     index: CorpusIndex) -> None:
        """Cosines of sentences the dense search did not return, from their stored vectors."""
        if index.vectors is not None:
            cosine.update({i: float(index.vectors[i] @ qvec) for i in positions if i not in cosine})
            return
        missing = [index.sentences[i].sentence_id for i in positions if i not in cosine]
        for sid, vec in self.store.vectors(missing).items():
            cosine[index.position[sid]] = float(vec @ qvec)


def collapse_duplicates(hits: Iterable[Hit], group: dict[str, tuple[str, ...]], k: int | None = None) -> list[Hit]:
    """Keep the best-ranked hit of each linked group, the first `k` groups (all by default); it
    lists the group's other places in `duplicates`, so an answer shows both places without
    stating the fact twice."""
    kept: dict[tuple[str, ...], Hit] = {}
    for h in hits:
        if k is not None and len(kept) >= k:
            break
        members = group.get(h.sentence_id, (h.sentence_id,))
        if members not in kept:
            others = tuple(m for m in members if m != h.sentence_id)
            kept[members] = replace(h, duplicates=others) if others else h
    return list(kept.values())
