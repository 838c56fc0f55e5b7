"""Loading labelled datasets — factbot JSONL, SQuAD v1.1 JSON, stance CSV — into `Item`s.

Every format becomes the same `Item` in the JSONL vocabulary (answer_any, evidence_any,
unanswerable, label). Bad records never stop a load: each becomes a `Problem` with its
line number (or JSON path), and `lines == len(items) + len(problems)` always holds.
Only an empty file or an unrecognisable format is fatal (`FactbotError`).
"""

from __future__ import annotations

import csv
import enum
import hashlib
import io
import json
import re
from dataclasses import dataclass
from pathlib import Path

from factbot.types import LABEL_OF, FactbotError, Label, Stance, choice_from_str


class Format(str, enum.Enum):
    JSONL = "jsonl"
    SQUAD = "squad"
    STANCE = "stance"

    @classmethod
    def from_str(cls, value: str) -> "Format":
        return choice_from_str(cls, value, "dataset format")


class Kind(str, enum.Enum):
    QUESTION = "question"
    CLAIM = "claim"

    @classmethod
    def from_str(cls, value: str) -> "Kind":
        return choice_from_str(cls, value, "kind", errors=(ValueError, AttributeError))  # JSON may hold null


# ANS's stance column (s1 being the evidence, s2 the claim), and read as a fact-check verdict.
ANS_STANCES = {"agree": Stance.SUPPORTS, "disagree": Stance.REFUTES, "other": Stance.NEUTRAL}
STANCE_LABELS = {name: LABEL_OF[stance] for name, stance in ANS_STANCES.items()}


@dataclass(frozen=True)
class Item:
    """One thing to ask or check, with what a right result looks like."""

    id: str
    kind: Kind
    text: str
    where: str  # "line 7" or "data[0].paragraphs[2].qas[1]": where it came from, for messages
    lang: str = ""
    answer_any: tuple[str, ...] = ()
    evidence_any: tuple[str, ...] = ()
    unanswerable: bool = False
    label: Label | None = None
    tags: tuple[str, ...] = ()
    evidence_text: str = ""  # stance: the only evidence the claim is checked against (no retrieval)

    def gold(self) -> dict:
        """The expected fields, in the JSONL vocabulary (only those the item has)."""
        d: dict = {}
        if self.lang:
            d["lang"] = self.lang
        if self.answer_any:
            d["answer_any"] = list(self.answer_any)
        if self.evidence_any:
            d["evidence_any"] = list(self.evidence_any)
        if self.unanswerable:
            d["unanswerable"] = True
        if self.label is not None:
            d["label"] = self.label.value
        if self.tags:
            d["tags"] = list(self.tags)
        return d


@dataclass(frozen=True)
class Problem:
    where: str
    message: str

    def __str__(self) -> str:
        return f"{self.where}: {self.message}"


@dataclass(frozen=True)
class Context:
    """A SQuAD paragraph: one document of the separate eval corpus, its text verbatim."""

    doc_id: str  # squad-<article>-<paragraph>, e.g. squad-003-01
    text: str


@dataclass(frozen=True)
class Dataset:
    path: str
    format: Format
    sha256: str  # of the file's bytes: names the dataset in metrics, whatever its path
    lines: int  # records read: non-blank JSONL lines, CSV data rows, SQuAD questions
    items: tuple[Item, ...]
    problems: tuple[Problem, ...]  # rejected records, each with its place
    notes: tuple[Problem, ...] = ()  # warnings about accepted records (unknown fields)
    contexts: tuple[Context, ...] = ()  # SQuAD only

    @property
    def name(self) -> str:
        return Path(self.path).name

    def corpus_hash(self) -> str:
        """Content hash of the SQuAD contexts: names their separate collection."""
        h = hashlib.sha256()
        for c in self.contexts:
            h.update(f"{c.doc_id}\x00{c.text}\x01".encode())
        return h.hexdigest()[:12]


# --- format detection ---------------------------------------------------------

def detect_format(path: Path, text: str) -> Format:
    """By extension first, then by content: a JSON object with a "data" list is SQuAD, a
    line holding a JSON object is JSONL, a header with s1,s2,stance is stance CSV."""
    suffix = path.suffix.lower()
    if suffix == ".jsonl":
        return Format.JSONL
    if suffix == ".csv":
        return Format.STANCE
    stripped = text.lstrip()
    if stripped.startswith("{"):
        try:
            whole = json.loads(stripped)
        except json.JSONDecodeError:
            return Format.JSONL  # several objects, one a line
        if isinstance(whole, dict) and isinstance(whole.get("data"), list):
            return Format.SQUAD
        if isinstance(whole, dict) and "kind" in whole:
            return Format.JSONL  # a one-item JSONL file
    first = stripped.splitlines()[0] if stripped else ""
    if {c.strip().lower() for c in first.split(",")} >= {"s1", "s2", "stance"}:
        return Format.STANCE
    raise FactbotError(
        f"{path}: cannot tell the dataset format; use --format jsonl|squad|stance "
        "(factbot JSONL, SQuAD v1.1 JSON, or a stance CSV with columns s1,s2,stance)")


def load_dataset(path: str | Path, fmt: Format | str | None = None) -> Dataset:
    """Read and validate a dataset file; the format is detected unless given."""
    path = Path(path)
    if not path.is_file():
        raise FactbotError(f"{path}: no such dataset file")
    data = path.read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise FactbotError(f"{path}: not UTF-8 text (byte {exc.start})") from None
    if not text.strip():
        raise FactbotError(f"{path}: empty dataset file")
    if isinstance(fmt, str):
        fmt = Format.from_str(fmt)
    fmt = fmt or detect_format(path, text)
    sha = hashlib.sha256(data).hexdigest()
    parse = {Format.JSONL: _parse_jsonl, Format.SQUAD: _parse_squad, Format.STANCE: _parse_stance}[fmt]
    lines, items, problems, notes, contexts = parse(text, path)
    if lines == 0:
        raise FactbotError(f"{path}: no records in this {fmt.value} file")
    return Dataset(str(path), fmt, sha, lines, tuple(items), tuple(problems), tuple(notes), tuple(contexts))


# --- factbot JSONL ----------------------------------------------------------------

_JSONL_FIELDS = frozenset(
    {"id", "kind", "text", "lang", "answer_any", "evidence_any", "unanswerable", "label", "tags"})


class _Reject(Exception):
    pass


def _strings(obj: dict, key: str) -> tuple[str, ...]:
    value = obj.get(key, [])
    if isinstance(value, str):
        value = [value]  # a lone string is an obvious one-element list
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise _Reject(f"{key!r} must be a list of non-empty strings")
    return tuple(value)


def _item_from_json(obj: object, where: str) -> tuple[Item, list[str]]:
    """An Item from one parsed JSONL record, plus notes (unknown fields) worth a warning."""
    if not isinstance(obj, dict):
        raise _Reject(f"expected a JSON object, got {type(obj).__name__}")
    item_id = obj.get("id")
    if isinstance(item_id, bool) or not isinstance(item_id, (str, int)) or not str(item_id).strip():
        raise _Reject("missing or empty 'id' (a string or integer)")
    try:
        kind = Kind.from_str(obj.get("kind"))
    except FactbotError as exc:
        raise _Reject(str(exc)) from None
    text = obj.get("text")
    if not isinstance(text, str) or not text.strip():
        raise _Reject("missing or empty 'text'")
    lang = obj.get("lang", "")
    if not isinstance(lang, str):
        raise _Reject("'lang' must be a string")
    unanswerable = obj.get("unanswerable", False)
    if not isinstance(unanswerable, bool):
        raise _Reject("'unanswerable' must be true or false")
    label = None
    if obj.get("label") is not None:
        if not isinstance(obj["label"], str):
            raise _Reject("'label' must be a string")
        try:
            label = Label.from_str(obj["label"])
        except FactbotError as exc:
            raise _Reject(str(exc)) from None
    answer_any, evidence_any, tags = _strings(obj, "answer_any"), _strings(obj, "evidence_any"), _strings(obj, "tags")
    if kind is Kind.QUESTION and label is not None:
        raise _Reject("'label' belongs to claims, not questions")
    if kind is Kind.CLAIM and (answer_any or unanswerable):
        raise _Reject("'answer_any' and 'unanswerable' belong to questions, not claims")
    if unanswerable and (answer_any or evidence_any):
        raise _Reject("an unanswerable question cannot have 'answer_any' or 'evidence_any'")
    notes = [f"unknown field {k!r} ignored" for k in sorted(set(obj) - _JSONL_FIELDS)]
    return Item(str(item_id), kind, text.strip(), where, lang.strip().lower(), answer_any, evidence_any,
                unanswerable, label, tags), notes


def _parse_jsonl(text: str, path: Path):
    items: list[Item] = []
    problems: list[Problem] = []
    warnings: list[Problem] = []
    seen: dict[str, str] = {}
    lines = 0
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        lines += 1
        where = f"line {number}"
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            problems.append(Problem(where, f"malformed JSON ({exc.msg} at column {exc.colno})"))
            continue
        try:
            item, notes = _item_from_json(obj, where)
        except _Reject as exc:
            problems.append(Problem(where, str(exc)))
            continue
        if _accept(item, where, f"on line {number}", seen, items, problems):
            warnings.extend(Problem(where, n) for n in notes)  # accepted all the same
    return lines, items, problems, warnings, []


def _accept(item: "Item", where: str, place: str, seen: dict[str, str], items: list, problems: list) -> bool:
    """Keep `item` unless its id was seen before (then a problem naming the first place)."""
    if item.id in seen:
        problems.append(Problem(where, f"duplicate id {item.id!r} (first {seen[item.id]})"))
        return False
    seen[item.id] = place
    items.append(item)
    return True


# --- SQuAD v1.1 -----------------------------------------------------------------------

def _parse_squad(text: str, path: Path):
    try:
        whole = json.loads(text)
    except json.JSONDecodeError as exc:
        raise FactbotError(f"{path}: not valid JSON (line {exc.lineno}: {exc.msg})") from None
    if not isinstance(whole, dict) or not isinstance(whole.get("data"), list):
        raise FactbotError(f"{path}: not SQuAD JSON (expected an object with a 'data' list)")
    items: list[Item] = []
    problems: list[Problem] = []
    contexts: list[Context] = []
    seen: dict[str, str] = {}
    lines = 0
    for a, article in enumerate(whole["data"]):
        paragraphs = article.get("paragraphs", []) if isinstance(article, dict) else []
        for p, para in enumerate(paragraphs):
            has_context = isinstance(para, dict) and isinstance(para.get("context"), str) \
                and bool(para["context"].strip())
            if has_context:
                contexts.append(Context(f"squad-{a:03d}-{p:02d}", para["context"]))
            qas = para.get("qas", []) if isinstance(para, dict) else []
            for q, qa in enumerate(qas if isinstance(qas, list) else []):
                lines += 1
                where = f"data[{a}].paragraphs[{p}].qas[{q}]"
                try:
                    if not has_context:
                        raise _Reject("its paragraph has no 'context' text")
                    item = _item_from_squad(qa, where)
                except _Reject as exc:
                    problems.append(Problem(where, str(exc)))
                    continue
                _accept(item, where, f"at {where}", seen, items, problems)
    return lines, items, problems, [], contexts


def answer_sentence(spans, start: int, answer: str) -> int | None:
    """The index of the sentence span (`.start`, `.end`) holding the whole answer found at
    `start`; None when the answer crosses a sentence boundary (no single answering sentence)."""
    end = start + len(answer)
    return next((i for i, s in enumerate(spans) if s.start <= start and end <= s.end), None)


@dataclass(frozen=True)
class GoldSentence:
    """A SQuAD question with the sentence holding its first answer whole (cut by factbot's
    splitter) and the sentence before it, as `ask` hands the reader a candidate."""

    question: str
    sentence: str
    previous: str
    answers: tuple[str, ...]
    article: int    # index of the question's article in the file
    position: int   # index among the file's answered questions (the benchmarks' sample positions)


def gold_sentences(path: Path) -> list[GoldSentence]:
    """The answered questions of a SQuAD file whose first answer lies inside one sentence."""
    from factbot.text.matching import split_sentences

    out, position = [], 0
    for ai, art in enumerate(json.loads(Path(path).read_text(encoding="utf-8"))["data"]):
        for para in art["paragraphs"]:
            ctx, spans = para["context"], split_sentences(para["context"])
            for qa in para["qas"]:
                if not qa.get("answers"):
                    continue
                position += 1
                gi = answer_sentence(spans, int(qa["answers"][0]["answer_start"]), qa["answers"][0]["text"])
                if gi is None:   # the answer crosses a sentence boundary
                    continue
                prev = ctx[spans[gi - 1].start:spans[gi - 1].end] if gi else ""
                out.append(GoldSentence(clean_question(qa["question"]), ctx[spans[gi].start:spans[gi].end], prev,
                                        tuple(x["text"] for x in qa["answers"]), ai, position - 1))
    return out


def clean_question(q: str) -> str:
    """ARCD questions carry list dashes and stray trailing fragments ("- متى …؟ ال"): drop them."""
    q = q.strip().lstrip("-–— ").strip()
    return re.sub(r"([?؟])\s*\S{1,3}$", r"\1", q)


def _item_from_squad(qa: object, where: str) -> Item:
    if not isinstance(qa, dict):
        raise _Reject("question entry is not an object")
    question = qa.get("question")
    if not isinstance(question, str) or not clean_question(question):
        raise _Reject("missing or empty 'question'")
    if qa.get("id") in (None, ""):
        raise _Reject("missing 'id'")
    answers = qa.get("answers", [])
    golds = tuple(dict.fromkeys(  # unique, in order: SQuAD repeats the same answer per annotator
        a["text"].strip() for a in answers
        if isinstance(a, dict) and isinstance(a.get("text"), str) and a["text"].strip()))
    unanswerable = bool(qa.get("is_impossible", False))  # SQuAD 2.0; absent in v1.1
    if not golds and not unanswerable:
        raise _Reject("no answer texts")
    # The evidence is the answer itself: a citation containing a gold answer is a hit.
    return Item(str(qa["id"]), Kind.QUESTION, clean_question(question), where,
                answer_any=() if unanswerable else golds, evidence_any=() if unanswerable else golds,
                unanswerable=unanswerable)


# --- stance CSV ---------------------------------------------------------------------------

def _parse_stance(text: str, path: Path):
    reader = csv.reader(io.StringIO(text))
    header = next(reader, None)
    columns = [c.strip().lower() for c in header or []]
    if not {"s1", "s2", "stance"} <= set(columns):
        raise FactbotError(f"{path}: a stance CSV needs a header with columns s1,s2,stance; got {header}")
    i1, i2, i3 = columns.index("s1"), columns.index("s2"), columns.index("stance")
    items: list[Item] = []
    problems: list[Problem] = []
    lines = 0
    stem = path.stem
    start = reader.line_num + 1
    for row in reader:
        where = f"line {start}"
        start = reader.line_num + 1  # a quoted field may span lines: the next row starts here
        if not any(cell.strip() for cell in row):
            continue
        lines += 1
        if len(row) != len(columns):
            problems.append(Problem(where, f"expected {len(columns)} fields, got {len(row)}"))
            continue
        s1, s2, stance = row[i1].strip(), row[i2].strip(), row[i3].strip().lower()
        if not s1 or not s2:
            problems.append(Problem(where, "empty s1 or s2"))
            continue
        if stance not in STANCE_LABELS:
            problems.append(Problem(where, f"unknown stance {stance!r}; expected one of: agree, disagree, other"))
            continue
        items.append(Item(f"{stem}:{where.split()[1]}", Kind.CLAIM, s2, where,
                          label=STANCE_LABELS[stance], evidence_text=s1))
    return lines, items, problems, [], []
