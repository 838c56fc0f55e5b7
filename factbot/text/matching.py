"""Text handling for Arabic and English: the matching form, sentence spans, tokens.

The matching form is for search and comparison only, never for display: what is
shown to a user is always a slice `document[start:end]` of the original text.

Why a hand-written segmenter rather than pysbd: we need offsets that are exact by
construction (pysbd's `char_span` re-finds text and can drift on repeated
sentences, which this corpus has), and rules pysbd's Arabic mode lacks (؛ as a
terminator, line breaks as hard boundaries, merging a stray one-word fragment).
The rules fit in one regex and a few guards, each tested.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

# --- matching form ----------------------------------------------------------

_DIACRITICS = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed]")
_TATWEEL = "\u0640"
# Zero-width and bidi controls: ZWSP..RLM, LRE..RLO, LRI..PDI, BOM, ALM, soft hyphen.
_INVISIBLE = re.compile("[\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff\u061c\u00ad]")
_ARABIC_LETTER_MAP = str.maketrans({
    "أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا",
    "ى": "ي", "ة": "ه", "ؤ": "و", "ئ": "ي",
    "٬": ",", "،": ",", "٫": ".", "؛": ";", "؟": "?",
})
_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")
# "2,500" / "2٬500" / "2 500" -> "2500" (only between digit groups of three)
_THOUSANDS = re.compile(r"(?<=\d)[,\u066c\u202f\u00a0 '](?=\d{3}(?!\d))")
_SPACES = re.compile(r"\s+")


def strip_invisible(text: str) -> str:
    return _INVISIBLE.sub("", text)


@lru_cache(maxsize=32768)  # every module compares the same sentences in this form, again and again
def normalize(text: str) -> str:
    """The matching form: NFKC, no diacritics/tatweel/invisibles, unified letters,
    ASCII digits, no thousands separators, lower case, single spaces."""
    t = unicodedata.normalize("NFKC", text)
    t = strip_invisible(t).replace(_TATWEEL, "")
    t = _DIACRITICS.sub("", t)
    t = t.translate(_ARABIC_LETTER_MAP).translate(_DIGITS)
    t = _THOUSANDS.sub("", t)
    t = "".join(ch for ch in t if unicodedata.category(ch)[0] != "C" or ch in "\n\t")
    return _SPACES.sub(" ", t).strip().lower()


def strip_for_embedding(query: str) -> str:
    """The query as the dense model should see it: zero-width/bidi characters, tatweel and
    diacritics removed, Arabic-Indic digits made ASCII. They do not change what a question
    asks, but the model reads them as different tokens: "مَتَى اجْتَمَعَ" ranked other sentences
    first than "متى اجتمع". Only the embedded form changes; BM25 has its own matching form."""
    t = strip_invisible(query).replace(_TATWEEL, "")
    return _DIACRITICS.sub("", t).translate(_DIGITS)


# --- tokens -----------------------------------------------------------------

_TOKEN = re.compile(r"\d+(?:\.\d+)?|[^\W\d_]+", re.UNICODE)
# Proclitics: conjunction و/ف, prepositions ب/ك/ل, article ال (and their combinations).
_PREFIXES = ("وال", "فال", "بال", "كال", "لل", "ال", "و", "ف", "ب", "ك", "ل")
_SUFFIXES = ("هما", "كما", "ها", "هم", "هن", "كم", "نا", "ات", "ون", "ين", "ان", "ه", "ي")
_AR = re.compile("[\u0600-\u06ff]")
_EN_STOP = frozenset(
    "a an the of in on at to for from by with and or is are was were be been being do does did "
    "has have had it its this that these those as into about which who whom what when where why "
    "how than then there their they them he she his her we our you your i me my not no".split())
_AR_STOP = frozenset(normalize(w) for w in (
    "في من على الى إلى عن مع ان أن إن كان كانت التي الذي الذين هذا هذه ذلك تلك هو هي هم ما "
    "لا لم لن قد و او أو ثم كل بين حتى عند منذ بعد قبل كما اي أي "
    "كم متى اين أين ماذا لماذا كيف هل").split())  # question words: they ask, they do not match


def tokens(text: str) -> list[str]:
    """Tokens of the matching form (numbers kept whole, e.g. '2.5', '2500'): what terms,
    BM25 and lexical overlap count. Its digit tokens are the text's numbers, its others the
    letter runs."""
    return _TOKEN.findall(normalize(text))


# The value reader's tokens differ on purpose: "%" and "$" are units of a quantity ("10%",
# "$5"), and "n't" stays on its word ("don't") to be read as a negation.
_FACT_TOKEN = re.compile(r"\d+(?:\.\d+)?|%|\$|[^\W\d_]+(?:'t)?", re.UNICODE)


def fact_tokens(text: str) -> list[str]:
    """Tokens of the matching form as the value, slot and negation readers count them:
    `tokens` plus "%", "$" and the "n't" of a negated verb (see `_FACT_TOKEN`)."""
    return _FACT_TOKEN.findall(normalize(text))


def surface_tokens(text: str) -> list[str]:
    """The words as written, for embedding (numbers whole, letter runs): `tokens`' pattern on
    `strip_for_embedding(text)` rather than the matching form, since an embedder reads surface
    forms (case, hamza, ta marbuta)."""
    return _TOKEN.findall(strip_for_embedding(text))


def stem(token: str) -> str:
    """Light Arabic stemming: strip one proclitic group and one suffix, keeping ≥3 letters.
    English tokens get a crude plural/-ing strip; numbers pass through."""
    if token[:1].isdigit():
        return token
    if _AR.match(token):
        for p in _PREFIXES:
            if token.startswith(p) and len(token) - len(p) >= 3:
                token = token[len(p):]
                break
        for _ in range(2):  # "الأمريكيين" -> "امريكي" -> "امريك", to meet "أمريكي" -> "امريك"
            for s in _SUFFIXES:
                if token.endswith(s) and len(token) - len(s) >= 3:
                    token = token[: -len(s)]
                    break
            else:
                break
        return token
    for s in ("ing", "ies", "es", "s"):
        if token.endswith(s) and len(token) - len(s) >= 3:
            return token[: -len(s)] + ("y" if s == "ies" else "")
    # the past tense meets its verb: "promised" / "promise", "operated" / "operate" (-> "promis",
    # "operat", as "operates" already gave). Four letters must stay, so "aired" keeps apart from
    # "air" and "used" from "us"
    if token.endswith("ed") and len(token) - 2 >= 4:
        return token[:-2]
    if token.endswith("e") and len(token) >= 5 and token[-2] not in "aeiou":
        return token[:-1]
    return token


def is_stopword(token: str) -> bool:
    """English or Arabic function word, also behind a conjunction (وفي, فلا)."""
    return token in _EN_STOP or token in _AR_STOP or (token[:1] in ("و", "ف") and token[1:] in _AR_STOP)


def terms(text: str) -> list[str]:
    """Stemmed content tokens: what BM25 indexes and lexical overlap compares."""
    return list(_terms(text))


@lru_cache(maxsize=32768)
def _terms(text: str) -> tuple[str, ...]:
    # cached: `ask` compares the same retrieved sentences with the question in several ways
    # (overlap, bigrams, coverage, novelty), and the same sentences come back for every question
    return tuple(stem(t) for t in tokens(text) if not is_stopword(t))


def char_ngrams(text: str, n: int = 3) -> list[str]:
    """Character n-grams of each content token, marked at the word's edges ('<عراق>' gives
    '<عر', 'عرا', 'راق', 'اق>'): they match Arabic words across the affixes and broken plurals
    a light stemmer misses. Unstemmed on purpose: on ARCD train, trigrams of whole tokens
    ranked better than trigrams of stems (recall@1 0.64 vs 0.60)."""
    out: list[str] = []
    for t in tokens(text):
        if is_stopword(t):
            continue
        w = f"<{t}>"
        out.extend(w[i:i + n] for i in range(max(1, len(w) - n + 1)))
    return out


@lru_cache(maxsize=16384)
def language(text: str) -> str:
    """'ar' when Arabic letters outnumber Latin ones, else 'en'. Cached: `ask` asks it of the
    same retrieved sentences at every step (the pool, the reranker, the abstention model)."""
    ar = len(_AR.findall(text))
    latin = len(re.findall(r"[A-Za-z]", text))
    return "ar" if ar > latin else "en"


# --- sentence spans -----------------------------------------------------------

@dataclass(frozen=True)
class Span:
    start: int
    end: int


# A terminator, then any closing quotes/brackets; the boundary is the whitespace after.
_END = re.compile(r"[.!?؟؛;…]+[\"'”’»)\]]*(?=\s)")
_ABBREVIATIONS = frozenset(
    "u.s u.k u.n mr mrs ms dr prof st jr sr vs etc e.g i.e no gen col lt sgt gov sen rep inc ltd co corp jan feb "
    "mar apr jun jul aug sep sept oct nov dec".split())
_MIN_WORDS = 2  # a "sentence" of one word after a stray full stop is a fragment


def _is_abbreviation(text: str, dot: int) -> bool:
    """Is the '.' at `dot` the end of an abbreviation like 'U.S.' or 'Dr.'?"""
    m = re.search(r"([A-Za-z](?:\.?[A-Za-z])*)$", text[:dot])
    if not m:
        return False
    word = m.group(1).lower()
    if word in _ABBREVIATIONS:
        return True
    # single capital initials: "J. Smith"
    return len(word) == 1 and text[dot - 1].isupper()


def _trim(text: str, start: int, end: int) -> Span | None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return Span(start, end) if end > start else None


def _word_count(s: str) -> int:
    return len(_TOKEN.findall(s))


def split_sentences(text: str) -> list[Span]:
    """Sentence spans of `text`: `text[s.start:s.end]` is each sentence, trimmed.

    Boundaries: . ! ? ؟ ؛ ; … followed by white space (closing quotes stay with
    their sentence), and every line break. Not at: decimals (2.5), abbreviations
    (U.S.), initials, the Arabic comma. A one-word fragment left by a stray full
    stop on the same line is merged into the sentence before it.
    """
    spans: list[Span] = []
    for line in re.finditer(r"[^\n\r]+", text):
        base, body = line.start(), line.group()
        cut = 0
        pieces: list[Span] = []
        for m in _END.finditer(body):
            if body[m.start()] == "." and m.end() - m.start() == 1 and _is_abbreviation(body, m.start()):
                continue
            span = _trim(text, base + cut, base + m.end())
            if span:
                pieces.append(span)
            cut = m.end()
        span = _trim(text, base + cut, base + len(body))
        if span:
            pieces.append(span)
        for i, span in enumerate(pieces):
            # "…ووعدوا بمواصلة ذلك. هجماتها." — a stray full stop left a one-word tail.
            if i and text[pieces[i - 1].end - 1] == "." and _word_count(text[span.start:span.end]) < _MIN_WORDS:
                spans[-1] = Span(spans[-1].start, span.end)
            else:
                spans.append(span)
    return spans


def format_number(v: float) -> str:
    """2500.0 -> "2500", 2.5 -> "2.5": how a value reads in a key or an answer."""
    return str(int(v)) if float(v).is_integer() else f"{v:g}"
