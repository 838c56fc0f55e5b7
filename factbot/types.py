"""The typed results every layer of factbot passes around.

Offsets are the truth: every `Sentence`, `Hit`, `Citation` and `Evidence` carries
`doc_id, start, end` such that `document_text[start:end] == text`.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field, fields
from typing import Protocol

from factbot.defaults import DEFAULT_K


class FactbotError(Exception):
    """A user-facing error: one clear line, no traceback (CLI exit code 2)."""


def choice_from_str(cls, value: str, noun: str, fold=str.lower, errors: tuple = (ValueError,)):
    """The member of the str enum `cls` that `value` names (after stripping and `fold`), or a
    FactbotError that lists the valid values: the `from_str` of every enum users type."""
    try:
        return cls(fold(value.strip()))
    except errors:
        valid = ", ".join(m.value for m in cls)
        raise FactbotError(f"unknown {noun} {value!r}; expected one of: {valid}") from None


def _as_dict(result, digits: Mapping[str, int] | None = None, omit_empty: tuple[str, ...] = ()) -> dict:
    """A result as plain JSON data, in field order: enums by value, tuples (of results) as lists
    of their `to_dict`, the floats named in `digits` rounded, the fields in `omit_empty` only
    when set. For results whose fields are plain values, enums and tuples of results."""
    digits = digits or {}
    d = {}
    for f in fields(result):
        v = getattr(result, f.name)
        if f.name in omit_empty and not v:
            continue
        if isinstance(v, enum.Enum):
            v = v.value
        elif isinstance(v, tuple):
            v = [x.to_dict() for x in v]
        elif f.name in digits:
            v = round(v, digits[f.name])
        d[f.name] = v
    return d


class Role(str, enum.Enum):
    """What a sentence is within its document. Only `citable` roles may be evidence."""

    HEADLINE = "headline"
    BYLINE = "byline"
    BODY = "body"
    CHROME = "chrome"  # page furniture ("share the article"): kept, never cited
    INSTRUCTION = "instruction"  # orders aimed at an AI reader (prompt injection): kept, never cited

    @property
    def citable(self) -> bool:
        return self in (Role.HEADLINE, Role.BODY)


class Label(str, enum.Enum):
    SUPPORTED = "SUPPORTED"
    REFUTED = "REFUTED"
    NOT_ENOUGH_INFO = "NOT_ENOUGH_INFO"

    @classmethod
    def from_str(cls, value: str) -> "Label":
        return choice_from_str(cls, value, "label", str.upper)


class Stance(str, enum.Enum):
    SUPPORTS = "supports"
    REFUTES = "refutes"
    NEUTRAL = "neutral"  # bears on the claim (states a value or most of its terms) but decides nothing
    UNRELATED = "unrelated"  # retrieved, but does not bear on the claim: never shown as deciding


# A sentence's stance towards a claim and the verdict it gives on its own: the one map both ways.
LABEL_OF = {Stance.SUPPORTS: Label.SUPPORTED, Stance.REFUTES: Label.REFUTED, Stance.NEUTRAL: Label.NOT_ENOUGH_INFO}
STANCE_OF = {label: stance for stance, label in LABEL_OF.items()}


@dataclass(frozen=True)
class Document:
    doc_id: str
    text: str
    title: str = ""
    lang: str = ""
    source: str = ""  # path or URL it came from
    date: str = ""
    content_hash: str = ""


@dataclass(frozen=True)
class TextDocument:
    """A document given as text rather than as a file under a folder (pasted, or uploaded in the
    app): `FactBot.add_texts`. Its id comes from `name`; `html` marks text still marked up."""

    text: str
    name: str
    html: bool = False
    source: str = ""  # where it came from: the uploaded file's name, "pasted"


@dataclass(frozen=True)
class Sentence:
    doc_id: str
    sentence_id: str
    start: int
    end: int
    text: str
    role: Role = Role.BODY
    dup_of: str = ""  # sentence_id of the first exact/near duplicate in the corpus, if any

    def to_dict(self) -> dict:
        return _as_dict(self)


@dataclass(frozen=True)
class Scored:
    """A sentence id with one ranker's score: what a single ranker returns before fusion
    (`SentenceStore.nearest`: the cosine; `CorpusIndex.rank`: the lexical evidence)."""

    sentence_id: str
    score: float


@dataclass(frozen=True)
class Rejected:
    """A file an ingest left out, and why (one line, naming the fix)."""

    path: str
    reason: str


@dataclass(frozen=True)
class Hit:
    """One retrieved sentence. `score` is the fused rank score; `dense` the cosine."""

    doc_id: str
    sentence_id: str
    start: int
    end: int
    text: str
    score: float
    dense: float = 0.0
    lexical: float = 0.0
    duplicates: tuple[str, ...] = ()  # sentence_ids of linked duplicates, collapsed into this hit
    doc_dense: float = 0.0  # cosine of the query and the document's centroid (mean sentence vector)
    next_dense: float | None = None  # cosine of the query and the next sentence (None: the last one)

    def to_dict(self) -> dict:
        return {
            "doc_id": self.doc_id,
            "sentence_id": self.sentence_id,
            "text": self.text,
            "start": self.start,
            "end": self.end,
            "score": round(self.score, 6),
        }


@dataclass(frozen=True)
class Quote:
    """Sentence [n] of a result, quoted from its document: `document[start:end] == text`. Its
    subclasses add what the sentence is cited for (Citation: a score; Evidence: a stance too)."""

    n: int
    doc_id: str
    sentence_id: str
    text: str
    start: int
    end: int

    @classmethod
    def from_hit(cls, n: int, hit: Hit, *rest):
        """Numbered `n`, quoting the hit's sentence; `rest` are the subclass's own fields."""
        return cls(n, hit.doc_id, hit.sentence_id, hit.text, hit.start, hit.end, *rest)

    def to_dict(self) -> dict:
        return _as_dict(self, {"score": 6})


@dataclass(frozen=True)
class Citation(Quote):
    score: float

    @classmethod
    def from_hit(cls, n: int, hit: Hit, score: float | None = None) -> "Citation":
        return super().from_hit(n, hit, hit.score if score is None else score)


@dataclass(frozen=True)
class Answer:
    question: str
    answer: str
    abstained: bool
    confidence: float
    mode: str = "extractive"  # "extractive" | "llm"
    citations: tuple[Citation, ...] = ()
    context: tuple[Hit, ...] = ()  # closest sentences shown when abstaining; not citations
    note: str = ""  # e.g. "LLM failed: timeout; offline answer shown"
    # what the answer text is: "span" (a phrase of the cited sentence, found by the reader),
    # "value" (a count, date or name the rules extracted), "sentence" (the cited sentence), "" (none)
    answer_kind: str = ""

    def to_dict(self) -> dict:
        return _as_dict(self, {"confidence": 4}, omit_empty=("context", "note"))


@dataclass(frozen=True)
class Evidence(Quote):
    stance: Stance
    score: float  # the stance model's probability of `stance` (rules may decide one it doubts)
    match: float | None = None  # cosine of the claim and the sentence (the retriever's dense score)

    @classmethod
    def from_hit(cls, n: int, hit: Hit, stance: Stance, score: float) -> "Evidence":
        return super().from_hit(n, hit, stance, score, hit.dense)

    def to_dict(self) -> dict:
        return _as_dict(self, {"score": 6, "match": 4}, omit_empty=("match",))


@dataclass(frozen=True)
class Verdict:
    claim: str
    verdict: Label
    confidence: float
    reason: str
    evidence: tuple[Evidence, ...] = ()
    mode: str = "offline"  # "offline" | "llm" | "nli": what decided the verdict
    note: str = ""

    def to_dict(self) -> dict:
        return _as_dict(self, {"confidence": 4}, omit_empty=("note",))


@dataclass(frozen=True)
class ParagraphVerdict:
    """A paragraph split into check-worthy claims, each with its verdict."""

    claims: tuple[Verdict, ...]
    summary: str

    def to_dict(self) -> dict:
        return {"claims": [v.to_dict() for v in self.claims], "summary": self.summary}


@dataclass(frozen=True)
class IngestReport:
    documents: int
    sentences: int
    added: int
    unchanged: int
    removed: int
    embedded: int
    seconds: float
    rejected: tuple[Rejected, ...] = field(default=())

    def to_dict(self) -> dict:
        d = asdict(self)  # each Rejected becomes {"path", "reason"}
        d["seconds"] = round(self.seconds, 3)
        return d


# --- the two seams FactBot is built from ----------------------------------------------------


class AnswerBackend(Protocol):
    """What `FactBot.ask` needs: an Answer from the retrieved hits (`factbot.ask.answerer.Answerer`,
    or a test's fake)."""

    def answer(self, question: str, hits: Sequence[Hit], k: int = DEFAULT_K) -> Answer: ...


class VerifierBackend(Protocol):
    """What `FactBot.check` needs: a Verdict from the retrieved hits. The offline
    `factbot.check.verifier.Verifier`, `factbot.check.judges.NLIVerifier` and `LLMJudge`
    implement it (a test's fake may too); `verify_pair` (one given evidence sentence, for
    `FactBot.check_against`) reads it as the only hit unless a backend knows better."""

    def verify(self, claim: str, hits: Sequence[Hit]) -> Verdict: ...

    def verify_pair(self, claim: str, hit: Hit) -> Verdict:
        return self.verify(claim, [hit])
