"""The sentence reranker: which retrieved sentence answers the question.

Retrieval ranks sentences by how much they are *about* the question; the answer is often
in a neighbour that repeats fewer of its words but holds what it asks for (a year for
"when", a number for "how many"). A logistic regression, fitted by `scripts/train_rerank.py`
on ARCD *train* questions against the whole ARCD train collection (label: the sentence
contains a gold answer), scores each of the first hits from cheap features: the fused,
dense and BM25 scores relative to the best hit, whether the sentence holds a value of the
asked kind and how close the question's words are to it, the question's terms covered by
the sentence (and by it with the sentence before it, when that one was retrieved too), the
same coverage weighed by how few of the hits hold each term (topic words every hit repeats
count little; the word only the answer shares with the question, much), what the sentence
says beyond the question's own words, how close its document's centroid and the sentence
after it are to the question, its position and length. The hit with
the highest score answers; ties keep retrieval order. The weights ship in
`factbot/models/rerank.json`.

Pure functions of numbers and text: nothing is embedded.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from factbot.ask.extract import support
from factbot.ask.linear import LinearModel
from factbot.ask.questions import QType
from factbot.ask.values import Extracted
from factbot.assets import MODELS_DIR
from factbot.defaults import DEFAULT_CANDIDATES, DEFAULT_CROSS_CANDIDATES
from factbot.text import lexicon
from factbot.text.glossary import QUESTION_FILLERS, question_terms, term_overlap, term_set
from factbot.text.matching import language, normalize, terms
from factbot.types import Hit

MODEL_PATH = MODELS_DIR / "rerank.json"

FEATURE_NAMES = (
    "score_gap",        # fused score minus the best fused score among the hits (0 for the first)
    "rank",             # 1 / (1 + position in retrieval order)
    "dense_gap",        # cosine minus the best cosine among the hits
    "lexical_share",    # word-BM25 score over the best one among the hits (0 when none matched)
    "overlap",          # share of question terms in the sentence
    "overlap_window",   # ... in the sentence and the one before it, when that one was retrieved too
    "typed_found",      # the question asks for a count/date/person/place and the sentence holds one
    "typed_missing",    # ... and it holds none
    "value_support",    # share of question terms within a few words of that value
    "novelty",          # share of the sentence's terms that are not the question's
    "length",           # log(1 + terms in the sentence)
    "same_doc_as_first",  # the sentence is in the document of the first hit
    "doc_share",        # share of the hits from the sentence's document
    "first_sentence",   # the sentence opens its document (where subjects are defined)
    "kind_present",     # a number for a count question, a year or month for a time question
    "bigram_overlap",   # share of the question's adjacent term pairs adjacent in the sentence too
    "dense_rank",       # 1 / (1 + rank of the cosine among the hits)
    "lexical_rank",     # 1 / (1 + rank of the BM25 score among the hits)
    "idf_coverage",     # share of the question's terms in the sentence, each weighed by how few hits hold it
    "idf_coverage_gap",  # ... minus the best such share among the hits
    "rare_term",        # weight of the rarest question term the sentence holds that at most 2 hits hold
    "doc_dense_gap",    # cosine to the document's centroid minus the best among the hits' documents
    "next_delta",       # cosine of the next sentence minus the sentence's own (0 for a document's last)
)
CANDIDATES = DEFAULT_CANDIDATES  # hits considered as the answering sentence, within a language
CROSS_CANDIDATES = DEFAULT_CROSS_CANDIDATES  # ... when none of the first CANDIDATES is in the question's language
RARE = 2  # a question term held by at most this many hits singles a sentence out


@dataclass(frozen=True)
class RerankFeatures:
    values: tuple[float, ...]
    # the question is not in the first hit's language: its hits are weighed by the model's
    # cross-language weights (BM25 and term overlap say little across languages)
    cross: bool = False
    # the language of the question and of every hit ("" when they mix): a language with weights
    # of its own is reranked by them
    language: str = ""

    def as_dict(self) -> dict[str, float]:
        return dict(zip(FEATURE_NAMES, self.values))


@lru_cache(maxsize=4096)
def _question_stems(question: str) -> frozenset[str]:
    """Every stem a question term may match in a sentence (glossary translations included)."""
    return frozenset().union(*question_terms(question))


def novelty(question: str, sentence: str) -> float:
    """Share of the sentence's terms the question does not contain: an answer says something
    beyond the question's own words."""
    s = term_set(sentence)
    return len(s - _question_stems(question)) / len(s) if s else 0.0


_NUMBER = re.compile(r"\d")
_YEAR = re.compile(r"(?<!\d)(1[0-9]|20)\d\d(?!\d)")


@lru_cache(maxsize=8192)
def kind_present(qtype: QType, sentence: str) -> bool:
    """Does the sentence hold the kind of thing asked, by its surface alone: digits for a
    count, a year or a month name for a time (the extractor's lexicons are the news
    article's; an encyclopaedia's years and numbers are found here)."""
    if qtype is QType.COUNT:
        return bool(_NUMBER.search(normalize(sentence)))
    if qtype in (QType.DATE, QType.YEAR, QType.MONTH):
        t = normalize(sentence)
        return bool(_YEAR.search(t)) or any(lexicon.lookup(lexicon.MONTH_OF, w) for w in t.split())
    return False


@lru_cache(maxsize=16384)
def bigram_overlap(question: str, sentence: str) -> float:
    """Share of the question's adjacent content-term pairs found adjacent in the sentence."""
    q = [t for t in terms(question) if t not in QUESTION_FILLERS]
    pairs = set(zip(q, q[1:]))
    if not pairs:
        return 0.0
    s = terms(sentence)
    return len(pairs & set(zip(s, s[1:]))) / len(pairs)


def _matches(alternatives: frozenset[str], sentence_terms: frozenset[str]) -> bool:
    """A question term is in a sentence: one of its stems is, or shares all but at most two
    final letters with a sentence stem (both of 3+ letters). The light stemmer leaves
    "عاصمتها" as عاصمت where "عاصمة" gives عاصم; a prefix match meets them."""
    if alternatives & sentence_terms:
        return True
    return any(len(a) >= 3 and len(t) >= 3 and abs(len(a) - len(t)) <= 2 and (t.startswith(a) or a.startswith(t))
               for a in alternatives for t in sentence_terms)


@lru_cache(maxsize=4096)
def idf_coverage(question: str, texts: tuple[str, ...]) -> tuple[tuple[float, ...], tuple[float, ...]]:
    """Per sentence of `texts` (the hits): the share of the question's terms it holds, each
    term weighed log((n+1)/(df+0.5)) by df, the number of the hits that hold it, and the
    weight of its rarest held term held by at most RARE hits (0 when none). Topic words that
    every hit repeats weigh little; the word only the answer shares with the question, much."""
    qterms = question_terms(question)
    held = [[_matches(alts, term_set(t)) for alts in qterms] for t in texts]
    df = [sum(h[j] for h in held) for j in range(len(qterms))]
    w = [math.log((len(texts) + 1) / (d + 0.5)) for d in df]
    total = sum(w) or 1.0
    coverage = tuple(sum(wj for wj, hj in zip(w, h) if hj) / total for h in held)
    rare = tuple(max([wj for wj, hj, dj in zip(w, h, df) if hj and dj <= RARE] or [0.0]) for h in held)
    return coverage, rare


def previous_hit(hits: Sequence[Hit], i: int) -> Hit | None:
    """The retrieved sentence just before hits[i] in the same document, if retrieved."""
    h = hits[i]
    best = None
    for o in hits:
        if o.doc_id == h.doc_id and o.end <= h.start and h.start - o.end <= 3 and (best is None or o.end > best.end):
            best = o
    return best


def features(question: str, hits: Sequence[Hit], i: int, qtype: QType, value: Extracted | None,
             n: int | None = None) -> RerankFeatures:
    """Features of hits[i] as the answering sentence among the first `n` hits (all by default)."""
    pool = hits[:n] if n else hits
    h = hits[i]
    top_score = max(x.score for x in pool)
    top_dense = max(x.dense for x in pool)
    top_lex = max(x.lexical for x in pool)
    prev = previous_hit(pool, i)
    window = term_overlap(question, f"{prev.text} {h.text}") if prev is not None else term_overlap(question, h.text)
    same_doc = sum(1 for x in pool if x.doc_id == h.doc_id)
    coverage, rare = idf_coverage(question, tuple(x.text for x in pool))
    return RerankFeatures((
        h.score - top_score,
        1.0 / (1 + i),
        h.dense - top_dense,
        h.lexical / top_lex if top_lex > 0 else 0.0,
        term_overlap(question, h.text),
        window,
        float(qtype.typed and value is not None),
        float(qtype.typed and value is None),
        support(question, h.text, value) if value is not None else 0.0,
        novelty(question, h.text),
        math.log1p(len(terms(h.text))),
        float(h.doc_id == pool[0].doc_id),
        same_doc / len(pool),
        float(h.start == 0),
        float(kind_present(qtype, h.text)),
        bigram_overlap(question, h.text),
        1.0 / (1 + sum(1 for x in pool if x.dense > h.dense)),
        1.0 / (1 + sum(1 for x in pool if x.lexical > h.lexical)),
        coverage[i],
        coverage[i] - max(coverage),
        rare[i],
        h.doc_dense - max(x.doc_dense for x in pool),
        (h.next_dense - h.dense) if h.next_dense is not None else 0.0,
    ), cross=language(question) != language(pool[0].text), language=_monolingual(question, pool))


def _monolingual(question: str, pool: Sequence[Hit]) -> str:
    """The question's language when every hit shares it, else "": a language's own weights are
    fitted on lists of its sentences alone, and a mixed list (an index holding both languages)
    keeps the top-level weights (with English weights there, an English question about the
    Arabic article beside 120 English paragraphs was ranked to an English paragraph's sentence
    and refused: evalsets/ q-en-06)."""
    lang = language(question)
    return lang if all(language(x.text) == lang for x in pool) else ""


@dataclass(frozen=True)
class RerankModel(LinearModel):
    """score = w · standardized(features) + b (a logistic regression's logit), with the weights
    of `cross` for a question asked across languages (`RerankFeatures.cross`), and those of
    `languages[lang]` for a question in `lang` asked of sentences in `lang`, when it has them.
    They are fitted apart: on ARCD the words a sentence shares with the question single out
    the answer; across languages they are few and the Arabic-fitted weights pick worse than
    retrieval order (XQuAD en-q-ar-ctx, even articles: recall@1 0.557 against 0.583); English
    Wikipedia's sentences are longer and less repetitive of the question than ARCD's (TyDi en
    dev recall@1: Arabic-fitted weights 0.664, English-fitted 0.682)."""

    cross: "RerankModel | None" = None
    languages: "tuple[tuple[str, RerankModel], ...]" = ()  # (language, its same-language weights)

    def for_features(self, f: RerankFeatures) -> "RerankModel":
        if f.cross:
            return self.cross or self
        return next((m for lang, m in self.languages if lang == f.language), self)

    def score(self, f: RerankFeatures) -> float:
        return self.for_features(f).logit(f.values)

    def to_json(self, **extra) -> str:
        if self.cross is not None:
            extra["cross"] = json.loads(self.cross.to_json())
        if self.languages:
            extra["languages"] = {lang: json.loads(m.to_json()) for lang, m in self.languages}
        return super().to_json(**extra)

    @classmethod
    def from_dict(cls, d: dict) -> "RerankModel":
        cross = cls.from_dict(d["cross"]) if "cross" in d else None
        languages = tuple((lang, cls.from_dict(m)) for lang, m in sorted(d.get("languages", {}).items()))
        return cls.read(d, FEATURE_NAMES, "rerank", cross=cross, languages=languages)


def pool_size(lang: str, hits: Sequence[Hit], cross: int | None = None) -> int:
    """How many of `hits` (in retrieval order) the answering sentence is picked from: the first
    CANDIDATES, or the first CROSS_CANDIDATES when none of those is in the question's language
    `lang` (the pool is the other language's: the embedder's ranking across languages is the
    weaker one, and the reranker and the reader then have more to choose from; `cross`: another
    count for that case, as a fit tries)."""
    across = bool(hits) and all(language(h.text) != lang for h in hits[:CANDIDATES])
    return min((cross or CROSS_CANDIDATES) if across else CANDIDATES, len(hits))


def best(scores: Sequence[float]) -> int:
    """Index of the highest score; the earliest on ties (retrieval order)."""
    return max(range(len(scores)), key=lambda j: (scores[j], -j))


@lru_cache(maxsize=4)
def load_model(path: Path = MODEL_PATH) -> RerankModel:
    return RerankModel.from_dict(json.loads(Path(path).read_text(encoding="utf-8")))
