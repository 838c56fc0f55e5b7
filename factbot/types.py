"""The typed results every layer of factbot passes around.

Offsets are the truth: every `Sentence`, `Hit`, `Citation` and `Evidence` carries
`doc_id, start, end` such that `document_text[start:end] == text`.
"""

from __future__ import annotations

import enum
from dataclasses import asdict, dataclass, field


class FactbotError(Exception):
    """A user-facing error: one clear line, no traceback (CLI exit code 2)."""


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
        try:
            return cls(value.strip().upper())
        except ValueError:
            valid = ", ".join(m.value for m in cls)
            raise FactbotError(f"unknown label {value!r}; expected one of: {valid}") from None


class Stance(str, enum.Enum):
    SUPPORTS = "supports"
    REFUTES = "refutes"
    NEUTRAL = "neutral"


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
class Sentence:
    doc_id: str
    sentence_id: str
    start: int
    end: int
    text: str
    role: Role = Role.BODY
    dup_of: str = ""  # sentence_id of the first exact/near duplicate in the corpus, if any

    def to_dict(self) -> dict:
        d = asdict(self)
        d["role"] = self.role.value
        return d


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
class Citation:
    n: int
    doc_id: str
    sentence_id: str
    text: str
    start: int
    end: int
    score: float

    @classmethod
    def from_hit(cls, n: int, hit: Hit, score: float | None = None) -> "Citation":
        return cls(n, hit.doc_id, hit.sentence_id, hit.text, hit.start, hit.end,
                   hit.score if score is None else score)

    def to_dict(self) -> dict:
        d = asdict(self)
        d["score"] = round(self.score, 6)
        return d


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
        d = {
            "question": self.question,
            "answer": self.answer,
            "abstained": self.abstained,
            "confidence": round(self.confidence, 4),
            "mode": self.mode,
            "answer_kind": self.answer_kind,
            "citations": [c.to_dict() for c in self.citations],
        }
        if self.context:
            d["context"] = [h.to_dict() for h in self.context]
        if self.note:
            d["note"] = self.note
        return d


@dataclass(frozen=True)
class Evidence:
    n: int
    doc_id: str
    sentence_id: str
    text: str
    start: int
    end: int
    stance: Stance
    score: float

    def to_dict(self) -> dict:
        d = asdict(self)
        d["stance"] = self.stance.value
        d["score"] = round(self.score, 6)
        return d


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
        d = {
            "claim": self.claim,
            "verdict": self.verdict.value,
            "confidence": round(self.confidence, 4),
            "reason": self.reason,
            "evidence": [e.to_dict() for e in self.evidence],
            "mode": self.mode,
        }
        if self.note:
            d["note"] = self.note
        return d


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
    rejected: tuple[tuple[str, str], ...] = field(default=())  # (path, reason)

    def to_dict(self) -> dict:
        d = asdict(self)
        d["seconds"] = round(self.seconds, 3)
        d["rejected"] = [{"path": p, "reason": r} for p, r in self.rejected]
        return d
