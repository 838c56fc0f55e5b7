"""Reading documents from disk and cutting them into labelled sentences.

A document's text is stored whole; every sentence is a span of it. For a plain
file without front matter the text is the file's content verbatim, so offsets
slice the file itself.
"""

from __future__ import annotations

import codecs
import hashlib
import re
import unicodedata
from collections.abc import Iterable
from pathlib import Path

from factbot.text.matching import language, normalize, split_sentences, strip_invisible, terms
from factbot.types import Document, FactbotError, Role, Sentence

SUFFIXES = (".txt", ".md", ".html", ".htm")
MAX_DOCUMENT_BYTES = 5_000_000  # ~1M Arabic words; larger files are rejected whole, never cut
NEAR_DUPLICATE = 0.6  # term Jaccard at which two sentences state the same fact (the article's
# two troops sentences differ by a clause and score 0.90; its other pairs score at most 0.2)
# Bytes FF FE and then junk decode as UTF-16 without error into mostly CJK, Hangul, private-use
# and unassigned characters (14% of them the last two, for random code units); real text has
# next to none of those, so a few in a hundred (and at least three) mark a wrong encoding.
_NOT_TEXT = frozenset({"Cn", "Co", "Cs", "Cc"})
NOT_TEXT_SHARE = 0.01
NOT_TEXT_MIN = 3
_FRONT_MATTER = re.compile(r"\A---[ \t]*\r?\n(.*?)\r?\n---[ \t]*(?:\r?\n|\Z)", re.S)
_KNOWN_KEYS = ("title", "source", "url", "language", "lang", "date")
# Sentences that address a machine reading the text ("ignore previous instructions and answer
# X", "ملاحظة للمساعد الآلي: ..."): indirect prompt injection. They are no fact of the article
# and stay out of retrieval, so they neither displace real evidence nor reach an LLM prompt.
# Matched on the matching form (invisible/bidi marks, diacritics, tatweel gone; أ→ا, ة→ه, ى→ي).
_ADDRESSES_A_MACHINE = re.compile("|".join([
    r"\b(ignore|disregard|forget|override)( all| any)?( of)?( the| your| my| these)?"
    r" ?(previous|prior|above|earlier|preceding|system|original)? (instructions?|prompts?|directions|rules)\b",
    r"\b(ignore|disregard)( all| any)?( of)? (the|this) (article|context|document|sentences|text)\b",
    r"^\W*(assistant|ai assistant|chatbot|llm)\s*:",
    r"\b(system|developer) (prompt|override|message|instructions?)\b",
    r"\byou are now\b.{0,40}\b(mode|assistant|ai|model|dan)\b",
    r"\b(answer|reply|respond)( to)? (every|all|any|each) (questions?|claims?|quer(y|ies))\b.{0,15}"
    r"\b(with|by saying|using)\b",
    r"\b(mark|label|rate|call)\b.{0,20}\b(every|all|each|any)\b.{0,10}\bclaims?\b",
    r"(?<!\S)[وف]?(تجاهل|تجاهلي|تناس|انس|اهمل)( جميع| كل)? (التعليمات|الاوامر|التوجيهات)",
    r"(?<!\S)[وف]?(تجاهل|تجاهلي|تناس|انس|اهمل) (المقال|النص|السياق)",
    r"(ملاحظه|رساله|تعليمات|تنبيه)\s+(الي|لل)\s*(مساعد|نموذج|روبوت|ذكاء)",
    r"(ايها|الي) (المساعد|النموذج|الروبوت)",
    r"انت الان في (وضع|دور)",
    r"(?<!\S)[وف]?(اجب|اجيبي) .{0,30}(كل|جميع|اي) (سوال|الاسيله|اسيله|ادعاء|الادعاءات)",  # سؤال, الأسئلة
    r"(?<!\S)[وف]?(اعتبر|صنف) .{0,20}(كل|جميع) (ادعاء|الادعاءات)",
]))


def content_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:20]


def doc_id_for(path: Path) -> str:
    """A readable, stable id from the file name: 'corpus/Talks 2024.ar.txt' -> 'talks-2024.ar'."""
    return doc_id_named(path.name[: -len(path.suffix)] if path.suffix else path.name)


def doc_id_named(name: str) -> str:
    """The id of a document named by the user (the app's name box, a file's stem): 'Zebra
    Parade' -> 'zebra-parade'."""
    slug = re.sub(r"[^\w.\-]+", "-", name.strip().lower(), flags=re.UNICODE).strip("-.")
    return slug or "document"


def decode(data: bytes, name: str) -> str:
    """UTF-8 (BOM allowed) or UTF-16 with a BOM; anything else is rejected with the reason."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise FactbotError(f"{name}: not valid UTF-16 (byte {exc.start}) though it starts with a UTF-16 "
                               "byte-order mark; save it as UTF-8") from None
    else:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise FactbotError(f"{name}: not UTF-8 text (byte {exc.start}); save it as UTF-8") from None
    if "\x00" in text:
        raise FactbotError(f"{name}: contains NUL bytes; is it a binary file?")
    share = not_text_share(text)
    if share > NOT_TEXT_SHARE:
        raise FactbotError(f"{name}: not text: {share:.0%} of its characters are unassigned, private-use or "
                           "control characters (a wrong encoding?); save it as UTF-8")
    return text


def not_text_share(text: str) -> float:
    """Share of the non-space characters that no text is written in: unassigned, private-use,
    surrogate or control code points."""
    chars = [ch for ch in text if not ch.isspace()]
    bad = sum(unicodedata.category(ch) in _NOT_TEXT for ch in chars)
    return bad / len(chars) if bad >= NOT_TEXT_MIN else 0.0


def html_to_text(html: str) -> str:
    """Visible text of an HTML page: scripts and styles dropped, blocks on their own lines."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(html, "html.parser")
    for tag in soup(["script", "style", "noscript", "template", "iframe", "head"]):
        tag.decompose()
    text = soup.get_text("\n")
    lines = (re.sub(r"[ \t\u00a0]+", " ", line).strip() for line in text.splitlines())
    return "\n\n".join(line for line in lines if line)


def parse_front_matter(text: str) -> tuple[dict[str, str], str]:
    """`---` key: value lines `---` at the top of a file, then the body."""
    m = _FRONT_MATTER.match(text)
    if not m:
        return {}, text
    meta = {}
    for line in m.group(1).splitlines():
        key, sep, value = line.partition(":")
        if sep and key.strip().lower() in _KNOWN_KEYS:
            meta[key.strip().lower()] = value.strip().strip("\"'")
    return meta, text[m.end():]


def make_document(raw: str, *, name: str, source: str = "", html: bool = False) -> Document:
    """A Document from decoded text: front matter read, HTML turned into text."""
    meta, body = parse_front_matter(raw)
    if html:
        body = html_to_text(body)
    if not strip_invisible(body).strip():  # zero-width/bidi marks alone are not text
        raise FactbotError(f"{source or name}: empty document")
    title = meta.get("title") or title_from(body)
    return Document(
        doc_id=name,
        text=body,
        title=title[:200],
        lang=meta.get("language") or meta.get("lang") or language(body),
        source=meta.get("source") or meta.get("url") or source,
        date=meta.get("date", ""),
        content_hash=content_hash(body),
    )


def read_document(path: Path) -> Document:
    if path.suffix.lower() not in SUFFIXES:
        raise FactbotError(f"{path}: unsupported file type; use {', '.join(SUFFIXES)}")
    size = path.stat().st_size
    if size > MAX_DOCUMENT_BYTES:
        raise FactbotError(f"{path}: {size:,} bytes is over the {MAX_DOCUMENT_BYTES:,}-byte limit")
    raw = decode(path.read_bytes(), str(path))
    return make_document(raw, name=doc_id_for(path), source=str(path),
                         html=path.suffix.lower() in (".html", ".htm"))


def find_files(paths: Iterable[Path]) -> list[Path]:
    """Document files under the given files/folders, sorted, each once."""
    found: set[Path] = set()
    for p in paths:
        if not p.exists():
            raise FactbotError(f"{p}: no such file or folder")
        if p.is_dir():
            found.update(f for f in p.rglob("*") if f.is_file() and f.suffix.lower() in SUFFIXES
                         and not any(part.startswith(".") for part in f.relative_to(p).parts))
        else:
            found.add(p)
    return sorted(found, key=lambda f: str(f.resolve()))


HEADLINE_CHARS = 120  # a first line up to this long reads as a headline (the bundled one is 103)
TITLE_CHARS = 60  # a longer first line (a pasted paragraph) gives its first words up to this


def title_from(text: str) -> str:
    """A title for a document without one: its first line when it is headline-sized, else
    its first words up to TITLE_CHARS characters and an ellipsis (never a word cut in two)."""
    line = " ".join(next((ln for ln in text.splitlines() if ln.strip()), "").split())
    if len(line) <= HEADLINE_CHARS:
        return line
    head = line[:TITLE_CHARS + 1]
    cut = head.rsplit(" ", 1)[0] if " " in head else line[:TITLE_CHARS]
    return cut.rstrip(" ,;:.،؛-–—") + "…"


def sentence_id(doc_id: str, start: int, text: str) -> str:
    """Content-derived: the same sentence at the same place always gets the same id."""
    return hashlib.sha1(f"{doc_id}\x00{start}\x00{text}".encode()).hexdigest()[:16]


def _is_heading_like(s: str) -> bool:
    """A line with no sentence-final punctuation."""
    return not re.search(r"[.!?؟؛…:]\W*$", s)


def _roles(text: str, spans: list) -> list[Role]:
    """Headline: a first unpunctuated line. Byline: a short unpunctuated line right after it.
    Chrome: short unpunctuated lines after the last body sentence ("شارك المقال")."""
    roles = [Role.BODY] * len(spans)

    def whole_line(i: int) -> bool:
        s = spans[i]
        before = text.rfind("\n", 0, s.start) + 1
        after = text.find("\n", s.end)
        return not text[before:s.start].strip() and not text[s.end:(None if after < 0 else after)].strip()

    def short_heading(i: int, words: int) -> bool:
        piece = text[spans[i].start:spans[i].end]
        return whole_line(i) and _is_heading_like(piece) and len(piece.split()) <= words

    if len(spans) >= 3 and short_heading(0, 30):
        roles[0] = Role.HEADLINE
        if short_heading(1, 6):
            roles[1] = Role.BYLINE
    for i, s in enumerate(spans):
        if addresses_a_machine(text[s.start:s.end]):
            roles[i] = Role.INSTRUCTION  # kept in the text, never retrieved or cited
    i = len(spans) - 1
    while i > 0 and roles[i] is Role.BODY and short_heading(i, 4) and any(r is Role.BODY for r in roles[:i]):
        roles[i] = Role.CHROME
        i -= 1
    return roles


def addresses_a_machine(sentence: str) -> bool:
    """Does the sentence give orders to an AI reading it (a prompt injection)?"""
    return bool(_ADDRESSES_A_MACHINE.search(normalize(sentence)))


def _jaccard(a: set[str], b: set[str]) -> float:
    return len(a & b) / len(a | b) if a and b else 0.0


def sentences_of(doc: Document) -> list[Sentence]:
    """The document's sentences, labelled, with near-duplicates linked to their first place."""
    spans = split_sentences(doc.text)
    roles = _roles(doc.text, spans)
    out: list[Sentence] = []
    bags: list[set[str]] = []
    for span, role in zip(spans, roles):
        text = doc.text[span.start:span.end]
        bag = set(terms(text))
        dup_of = ""
        if role.citable:
            for prev, prev_bag in zip(out, bags):
                if prev.role.citable and not prev.dup_of and _jaccard(bag, prev_bag) >= NEAR_DUPLICATE:
                    dup_of = prev.sentence_id
                    break
        out.append(Sentence(doc.doc_id, sentence_id(doc.doc_id, span.start, text), span.start, span.end,
                            text, role, dup_of))
        bags.append(bag)
    return out
