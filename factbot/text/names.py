"""Names in a claim, found in evidence by spelling or across scripts by a shared consonant key.

A claim that names someone is only supported by evidence that names the same one. Names are
found by rules about the languages, not looked up in a list of the article's names:

  - a name (English / Latin script) is a run of capitalised words that English also does not
    write in lower case: "Prime Minister Haider al-Abadi" -> "Haider al-Abadi", since "prime"
    and "minister" are written in lower case elsewhere. Which words English writes in lower case
    is read from data (`models/english_common_words.json`, fitted by scripts/fit_names.py on
    TyDi English train passages), not written by hand. Places, nationalities, months and
    weekdays the lexicon knows are left to the value comparison (factbot.claims).
  - two spellings name the same one when their consonant keys agree: vowels and weak letters
    dropped (a e i o u w y / ا و ي ء ع), letters a transliteration confuses merged into one class
    (q k c / ق ك; s sh / س ص ش; t th / ت ط ث; d dh / د ض ذ; g j gh / ج غ; h kh / ح خ ه), the
    article al-/ال and doubled letters dropped: "Qassem Soleimani" and "قاسم سليماني" are both
    KSM SLMN, "Sabrina Singh" and "صابرين سينغ" SBRN SNJ.

Only names in Latin script are recognised in a claim (Arabic writes no capitals); Arabic
evidence is searched for their keys. In English evidence the names found there also say who
fills the claim's role: "the claim says Priya Anand; the article says Nadia Kovac".
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from factbot.assets import MODELS_DIR
from factbot.text.matching import normalize, terms

# Tokens shorter than this in consonants prove nothing ("Shia" -> S, "Ali" -> L): they neither
# confirm a name nor make it missing.
MIN_KEY = 2
# A name's role is read from the claim's other words: the evidence name nearest (in words) to
# where the evidence states them is the one the evidence says fills the role.
ROLE_WINDOW = 12

# Latin letters: ASCII, Latin-1, Latin Extended-A/B ("ē", "ş", "ğ") and Extended Additional ("ạ"):
# a name written with any of them is one word ("Vandēlikòs", not "Vand" and "likòs")
LATIN_LETTER = "A-Za-zÀ-ÖØ-öø-ɏḀ-ỿ"
_LATIN_WORD = re.compile(rf"[{LATIN_LETTER}]+(?:[-'’][{LATIN_LETTER}]+)*")
# Letter runs of the text as written, not `matching.tokens`, on purpose: offsets into the text
# (`_word_index`) and the consonant key of a word in its own script (`key` folds case and marks).
_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)
_PARTICLES = frozenset({"al", "el", "ul", "bin", "ibn", "bint", "abu", "de", "da", "van", "von", "der", "la",
                        "le", "del", "di", "du", "bin", "ben"})
_AR_PROCLITICS = ("وبال", "وال", "فال", "بال", "كال", "ولل", "لل", "ال")
_AR_CLASS = str.maketrans({
    "ب": "B", "پ": "B", "ت": "T", "ط": "T", "ث": "T", "ج": "J", "غ": "J", "گ": "J", "ح": "H", "خ": "H",
    "ه": "H", "د": "D", "ض": "D", "ذ": "D", "ر": "R", "ز": "S", "ظ": "S", "س": "S", "ص": "S", "ش": "S",
    "ف": "F", "ڤ": "F", "ق": "K", "ك": "K", "ل": "L", "م": "M", "ن": "N",
    "ا": "", "و": "", "ي": "", "ء": "", "ع": "", "ى": "", "ة": "H", "أ": "", "إ": "", "آ": "", "ؤ": "", "ئ": "",
})
_LATIN_DIGRAPHS = (("sch", "S"), ("sh", "S"), ("ch", "S"), ("th", "T"), ("dh", "D"), ("kh", "H"), ("gh", "J"),
                   ("ph", "F"), ("ck", "K"), ("qu", "K"), ("dj", "J"))
_LATIN_CLASS = str.maketrans({
    "b": "B", "p": "B", "t": "T", "d": "D", "j": "J", "g": "J", "k": "K", "q": "K", "c": "K", "x": "KS",
    "s": "S", "z": "S", "f": "F", "v": "F", "h": "H", "l": "L", "m": "M", "n": "N", "r": "R",
    "a": "", "e": "", "i": "", "o": "", "u": "", "w": "", "y": "", "'": "", "’": "", "-": "",
})


def is_arabic(token: str) -> bool:
    return any("\u0600" <= ch <= "\u06ff" for ch in token)


def _proclitic_free(token: str) -> str:
    t = normalize(token)
    for p in _AR_PROCLITICS:
        if t.startswith(p) and len(t) - len(p) >= 3:
            return t[len(p):]
    return t


@lru_cache(maxsize=65536)  # a pure lookup per word; the same words recur in every sentence
def key(token: str) -> str:
    """The consonant key of one word in either script; '' when it has none."""
    if is_arabic(token):
        k = _proclitic_free(token).translate(_AR_CLASS)
    else:
        t = "".join(ch for ch in unicodedata.normalize("NFKD", token.lower()) if not unicodedata.combining(ch))
        t = re.sub(r"^(al|el|ul)[-'’]", "", t)
        for a, b in _LATIN_DIGRAPHS:
            t = t.replace(a, b)
        t = re.sub(r"c(?=[eiy])", "s", t)
        k = t.translate(_LATIN_CLASS)
    k = re.sub(r"[^A-Z]", "", k).replace("H", "")  # h / ه / ة: as often unwritten as written
    return re.sub(r"(.)\1+", r"\1", k)


@lru_cache(maxsize=1)  # read once from the shipped file
def english_common_words() -> frozenset[str]:
    data = json.loads((MODELS_DIR / "english_common_words.json").read_text(encoding="utf-8"))
    return frozenset(data["words"])


def known_value(word: str) -> bool:
    """A place, nationality, month or weekday the lexicon knows: compared as a value elsewhere.
    Persons the lexicon lists stay names here: this rule, not the list, decides about them."""
    from factbot.text.slots import value_tokens
    from factbot.text.lexicon import ENTITIES, SINGLE, lookup

    if not value_tokens(word):
        return False
    entity = lookup(SINGLE, normalize(word))
    return not (entity and ENTITIES[entity][0] == "person")


@dataclass(frozen=True)
class Name:
    text: str  # as written in the claim: text == source[start:end]
    start: int
    end: int
    keys: tuple[str, ...]  # consonant keys of its decisive words (particles, short ones left out)


def _parts(word: str) -> list[str]:
    """A hyphenated name's parts, each keyed on its own as evidence words are: "Louis-Sébastien"
    is LS SBSTN (the article al-/el- stays on its word: `key` drops it)."""
    head = re.match(r"^(al|el|ul)[-'’]", word, re.I)
    rest = word[head.end():] if head else word
    parts = [p for p in rest.split("-") if p]
    if not parts:
        return [word]
    if head:
        parts[0] = head.group(0) + parts[0]
    return parts


def is_name_word(word: str) -> bool:
    """A Latin-script word that is part of a name: capitalised, not an acronym, not a word English
    also writes in lower case, and not a value the lexicon compares (places, months...)."""
    base = re.sub(r"^(al|el|Al|El)[-'’]", "", word)
    if not base[:1].isupper() or base.isupper() and len(base) <= 5:  # "US", "ISIS": acronyms
        return False
    lower = base.lower().replace("’", "'")
    if lower in english_common_words() or lower.split("-")[0] in english_common_words():
        return False
    return not known_value(base)


# Where a sentence opens: its capital says nothing of whether the word is a name.
_SENTENCE_OPENING = re.compile(r"(?:^|[.!?:;\n]\s*)[\"'“‘(\[]*$")


@lru_cache(maxsize=8192)  # the same claim and sentences are compared name after name
def lower_words(text: str) -> frozenset[str]:
    """The Latin-script words `text` writes in lower case: "roadworks" in "two years of roadworks"."""
    return frozenset(w for w in _LATIN_WORD.findall(text) if w.islower())


def _compared_lower(claim: str, evidence: str) -> frozenset[str]:
    """The words a claim and a sentence compared with it write in lower case (`names_in`'s `lower`)."""
    return lower_words(claim) | lower_words(evidence)


def _opens_sentence(text: str, pos: int) -> bool:
    return bool(_SENTENCE_OPENING.search(text[max(0, pos - 8):pos]))


@lru_cache(maxsize=8192)  # role_holder asks it of the claim and the sentence for each name
def names_in(text: str, lower: frozenset[str] = frozenset()) -> tuple[Name, ...]:
    """The names of a Latin-script text: runs of name words, joined by particles (al-, bin, de).
    A word opening a sentence is capitalised whatever it is, so there it is no name when `lower`
    (the words the texts compared write in lower case, `lower_words`) holds it: "Roadworks cut
    sales by a third." against "… two years of roadworks cut their sales by a third"."""
    out: list[Name] = []
    run: list[re.Match] = []

    def close():
        while run and run[-1].group(0).lower() in _PARTICLES:
            run.pop()
        if run:
            ks = tuple(k for m in run if m.group(0).lower() not in _PARTICLES
                       for part in _parts(m.group(0)) for k in [key(part)] if len(k) >= MIN_KEY)
            out.append(Name(text[run[0].start():run[-1].end()], run[0].start(), run[-1].end(), ks))
        run.clear()

    prev_end = 0
    for m in _LATIN_WORD.finditer(text):
        w = m.group(0)
        gap = text[prev_end:m.start()]
        if run and (gap.strip() or "\n" in gap):  # punctuation between words ends a name
            close()
        if is_name_word(w) and not (not run and w.lower() in lower and _opens_sentence(text, m.start())) \
                or (run and w.lower() in _PARTICLES):
            run.append(m)
        else:
            close()
        prev_end = m.end()
    close()
    return tuple(n for n in out if n.keys)


def _word_keys(word: str) -> set[str]:
    """Keys a word of evidence may stand for: Arabic with and without its proclitics, since
    "ال" may begin a name (العبادي) or be the article, and و/ب/ل/ف the conjunction or a letter."""
    out = {key(word)}
    if is_arabic(word):
        t = normalize(word)
        out.add(t.translate(_AR_CLASS))
        if t[:1] in "وبلفك" and len(t) > 3:
            out.add(key(t[1:]))
        out = {re.sub(r"(.)\1+", r"\1", re.sub(r"[^A-Z]", "", k).replace("H", "")) for k in out}
    return out


@lru_cache(maxsize=32768)  # asked per claim name of the same sentences
def _evidence_keys(evidence: str) -> frozenset[str]:
    return frozenset(k for w in _WORD.findall(evidence) for k in _word_keys(w) if len(k) >= MIN_KEY)


def found(name: Name, evidence: str) -> bool:
    """Is the name in the evidence, in either script? Every decisive word's key must be there."""
    have = _evidence_keys(evidence)
    return all(k in have for k in name.keys)


def words_found(claim: str, evidence: str) -> frozenset[str]:
    """The claim's name words (as written) whose keys the evidence holds: a name the article
    writes in another script is stated by it, as much as a word it spells the same."""
    have = _evidence_keys(evidence)
    names = names_in(claim, _compared_lower(claim, evidence))
    return frozenset(w for n in names for w in _LATIN_WORD.findall(n.text) if len(key(w)) >= MIN_KEY and key(w) in have)


def unfound(claim: str, evidence: list[str]) -> tuple[Name, ...]:
    """The claim's names no evidence sentence holds."""
    lower = lower_words(claim).union(*map(lower_words, evidence))
    return tuple(n for n in names_in(claim, lower) if not any(found(n, e) for e in evidence))


def _word_index(text: str, pos: int) -> int:
    return len(_WORD.findall(text[:pos]))


# Where an English clause ends: punctuation inside a sentence, or a conjunction that opens a
# contrasting clause. "and" is left out: it joins names as often as clauses ("Kovac and Reyes sang").
_CLAUSE_BREAK = re.compile(r"[,;:()\u2013\u2014]|\b(?:while|whereas|but|although|though)\b", re.I)


def _clauses(text: str) -> list[int]:
    """The clause number of each of `text`'s words (`_WORD`): how many clause breaks precede it."""
    breaks = [m.start() for m in _CLAUSE_BREAK.finditer(text)]
    return [sum(b < m.start() for b in breaks) for m in _WORD.finditer(text)]


def role_holder(claim: str, name: Name, evidence: str) -> Name | None:
    """The evidence's name in the role the claim gives `name`, when it is another one: the
    evidence name nearest to where the evidence states the claim's other words. None when the
    evidence has no names of its own (Arabic), states none of those words, or the nearest name
    is the claim's."""

    lower = _compared_lower(claim, evidence)
    ev_names = names_in(evidence, lower)
    if not ev_names:
        return None
    claim_rest = claim[:name.start] + " " + claim[name.end:]
    claim_names = names_in(claim, lower)
    mine = {n.text for n in claim_names}
    wanted = set(terms(claim_rest)) - {t for n in claim_names for t in terms(n.text)}
    places = [i for i, w in enumerate(_WORD.findall(evidence)) if set(terms(w)) & wanted]
    if not places:
        return None
    spans = [(n, _word_index(evidence, n.start), _word_index(evidence, n.end) - 1) for n in ev_names]
    clause = _clauses(evidence)
    votes: dict[str, int] = {}
    for p in places:
        # a word's own clause's name first: in "Kovac sang the anthem before kick-off, while
        # Reyes performed it", "kick-off" is nearer Reyes but said of Kovac
        own = [s for s in spans if clause[s[1]] == clause[p]] or spans
        n, a, b = min(own, key=lambda s: min(abs(p - s[1]), abs(p - s[2])))
        if min(abs(p - a), abs(p - b)) <= ROLE_WINDOW:
            votes[n.text] = votes.get(n.text, 0) + 1
    if not votes:
        return None
    best = max(votes, key=lambda t: (votes[t], -[n.text for n, _, _ in spans].index(t)))
    if votes[best] < min(2, len(wanted)):  # one shared word is no role
        return None
    # the claim's own name, where the sentence has it, holds the role unless another has more
    # of the claim's words: "The line links the Alcantara district with the airport" against
    # "Lisbon opened a new tram line, linking the Alcantara district with …" is no Lisbon claim
    if max((v for t, v in votes.items() if found(name, t)), default=0) >= votes[best]:
        return None
    holder = next(n for n, _, _ in spans if n.text == best)
    same = holder.keys == name.keys or found(name, holder.text) or any(found(Name(m, 0, 0, tuple(
        key(w) for w in _LATIN_WORD.findall(m) if len(key(w)) >= MIN_KEY)), holder.text) for m in mine)
    return None if same else holder


@dataclass(frozen=True)
class NameInEvidence:
    """What one evidence sentence says of one of the claim's names."""

    name: str  # the claim's name, as written there
    found: bool  # the sentence holds it, in either script
    rival: str = ""  # the sentence's own name in the role the claim gives it, when another one


def read_names(claim: str, evidence: str) -> tuple[NameInEvidence, ...]:
    out = []
    for n in names_in(claim, _compared_lower(claim, evidence)):
        holder = role_holder(claim, n, evidence)
        out.append(NameInEvidence(n.text, found(n, evidence), holder.text if holder else ""))
    return tuple(out)
