"""A claim that restates a sentence but for one span: what the claim puts in that slot, and what the sentence does.

"The current Dutch Prime Minister is Roger Goodell, in office since 2010." against "The
current Dutch Prime Minister is Mark Rutte, in office since 2010.": the words either side
agree, so the claim's "Roger Goodell" fills the sentence's "Mark Rutte" slot. Found by aligning
the two word sequences (longest matching blocks, `difflib`), in either language and without
knowing any name: a substitution is one replaced stretch, at most MAX_SPAN words on each side,
between matching words (or the sentence's ends), in a claim whose other words are all matched, and
some of whose replaced words the sentence states nowhere.

Whether the slot holds a name is read per word, by rules about each script (`name_like`):
Latin script by capitals (factbot.text.names), Arabic, which writes none, by how rare the word
is in Arabic text (`models/arabic_common_words.json`, fitted by scripts/fit_names.py on ARCD
and TyDi Arabic *train* passages): names are the open class, and a word Arabic Wikipedia text
uses in several articles is a common word, not a name. A place or nationality the lexicon
knows fills a name's slot too ("developed by Han" / "the Silicon Knights empire").
"""

from __future__ import annotations

import difflib
import json
import re
from dataclasses import dataclass
from functools import lru_cache

from factbot.assets import MODELS_DIR
from factbot.text.matching import is_stopword, normalize, stem
from factbot.text.names import LATIN_LETTER, is_arabic, is_name_word, key, known_value

# At most this many words replaced on either side: a name or a short description, not a
# reworded clause.
MAX_SPAN = 8
# The claim's other words matched, in order, by the sentence: at least MIN_MATCHED of them and
# no fewer than the words replaced. (A paraphrase that rewords several places is no
# substitution: the claim's unmatched words must all be in the one stretch.)
MIN_MATCHED = 3
# Spans anchored on one side only (the sentence's start or end on the other) differ by at
# most this many words.
ONE_SIDED_EXTRA = 2
# A word and the same word with up to this many more letters (an inflection the light stemmer
# leaves on: "نوقش" / "نوقشت") are one word.
INFLECTION = 2
# A sentence restates the claim when it matches this share of the claim's words in order.
RESTATES_SHARE = 0.9

# a word with its Arabic vowel marks (which \w does not match: "عُثمان" is one word)
_WORD = re.compile(r"(?:[^\W_]|[\u0610-\u061a\u064b-\u065f\u0670])+", re.UNICODE)
_LATIN_NAME = re.compile(rf"[{LATIN_LETTER}]+(?:[-'’][{LATIN_LETTER}]+)*")


@dataclass(frozen=True)
class Substitution:
    claim: str  # the claim's span, as written there
    evidence: str  # the sentence's span in the same slot, as written there
    claim_name: bool  # the claim's span holds a name word
    evidence_name: bool  # the sentence's span holds one

    @property
    def of_names(self) -> bool:
        """A name put where the sentence has another name (or a place): a different one."""
        return self.claim_name and self.evidence_name


@lru_cache(maxsize=1)  # read once from the shipped file
def arabic_common_words() -> frozenset[str]:
    data = json.loads((MODELS_DIR / "arabic_common_words.json").read_text(encoding="utf-8"))
    return frozenset(data["words"])


def arabic_form(word: str) -> str:
    """The form an Arabic word is counted under: its light stem (`matching.stem`: proclitics
    and one suffix off), so "محادثات" and "المحادثة" count as one word."""
    return stem(normalize(word))


def name_like(word: str) -> bool:
    """Could this word (as written) be part of a name? Latin: capitalised and not a word English
    writes in lower case; Arabic: not a common word of Arabic text; either: a known place."""
    if word[:1].isdigit():
        return False
    if is_arabic(word):
        if is_stopword(normalize(word)):
            return False
        if known_value(word):
            return True
        return arabic_form(word) not in arabic_common_words()
    return any(is_name_word(w) or (w[:1].isupper() and known_value(w)) for w in _LATIN_NAME.findall(word))


@lru_cache(maxsize=32768)  # each retrieved sentence meets every claim
def _words(text: str) -> tuple[tuple[str, str, int, int], ...]:
    """(as written, matching form, start, end) of each word or number. Not `matching.tokens`:
    that reads normalised text, and a quoted span needs offsets into the text as written (with
    Arabic vowel marks inside their word)."""
    return tuple((m.group(0), stem(normalize(m.group(0))), m.start(), m.end()) for m in _WORD.finditer(text))


@lru_cache(maxsize=32768)
def _alignment(claim: str, evidence: str):
    """The two texts' words and the opcodes aligning their forms; None when they share fewer
    than MIN_MATCHED forms (no substitution, no restatement: the common case, kept cheap)."""
    cw, ew = _words(claim), _words(evidence)
    cf, ef = [w[1] for w in cw], [w[1] for w in ew]
    if len(set(cf) & set(ef)) < MIN_MATCHED:
        return None
    return cw, ew, difflib.SequenceMatcher(None, cf, ef, autojunk=False).get_opcodes()


def _content(forms) -> set[str]:
    return {f for f in forms if not is_stopword(f)}


# Arabic names are built with kinship words: a nasab "عمر بن عبد العزيز" (son of), a kunya
# "أبو سفيان" (father of), a theophoric "عبد الله" (servant of); the word after one is a name
# however common it is as a word (عمر, سفيان). Matching forms (normalised, light stem), and the
# Latin transliterations factbot.text.names joins names by.
_KINSHIP = frozenset({"بن", "ابن", "بنت", "ابو", "ابي", "ابا", "عبد", "bin", "ibn", "bint", "abu"})


def _holds_name(words, i: int, j: int) -> bool:
    """Does words[i:j] hold a name: a name-like word, or a word a kinship word begins
    (inside the span or just before it: "بن [حجر]")?"""
    return (any(name_like(w[0]) for w in words[i:j])
            or any(words[k][1] in _KINSHIP for k in range(max(0, i - 1), j - 1)))


def _across_kinship(ops, forms):
    """The opcodes with two replaced stretches joined when only kinship words match between
    them: "الحجاج بن يوسف" for "محمد بن الحسن" is one name for another, not two."""
    out = []
    for op in ops:
        if (op[0] != "equal" and len(out) >= 2 and out[-1][0] == "equal" and out[-2][0] != "equal"
                and all(f in _KINSHIP for f in forms[out[-1][1]:out[-1][2]])):
            first = out[-2]
            out[-2:] = [("replace", first[1], op[2], first[3], op[4])]
        else:
            out.append(op)
    return out


def _same_name(a: str, b: str) -> bool:
    """Two words with one consonant key of at least two consonants: one name in two spellings."""
    k = key(a)
    return len(k) >= 2 and k == key(b)


def _inflected(a: str, b: str) -> bool:
    short, long_ = sorted((a, b), key=len)
    return len(short) >= 3 and len(long_) - len(short) <= INFLECTION and (long_.startswith(short) or long_.endswith(short))


def _without_edge_stopwords(forms, i: int, j: int) -> tuple[int, int]:
    """forms[i:j] narrowed past the function words at either edge."""
    while i < j and is_stopword(forms[i]):
        i += 1
    while i < j and is_stopword(forms[j - 1]):
        j -= 1
    return i, j


@lru_cache(maxsize=32768)  # the same claim meets the same retrieved sentences in several passes
def substitution(claim: str, evidence: str) -> Substitution | None:
    """The one span the claim replaces in a sentence it otherwise restates, or None."""
    aligned = _alignment(claim, evidence)
    if aligned is None or len(aligned[0]) < MIN_MATCHED + 1:
        return None
    cw, ew, ops = aligned
    cf, ef = [w[1] for w in cw], [w[1] for w in ew]
    matched = sum(i2 - i1 for tag, i1, i2, _, _ in ops if tag == "equal")
    if matched < MIN_MATCHED:
        return None
    # the claim's words the sentence does not match: all of them in one replaced stretch
    ops = _across_kinship(ops, cf)
    changed = [(k, op) for k, op in enumerate(ops) if op[0] in ("replace", "delete") and _content(cf[op[1]:op[2]])]
    if len(changed) != 1 or changed[0][1][0] != "replace":
        return None
    k, (_, i1, i2, j1, j2) = changed[0]
    if i2 - i1 > MAX_SPAN or j2 - j1 > MAX_SPAN or matched < i2 - i1:
        return None
    # between matching words or the ends of both: the same slot
    before = ops[k - 1] if k else None
    after = ops[k + 1] if k + 1 < len(ops) else None
    if not ((before and before[0] == "equal") or (i1 == 0 and j1 == 0)):
        return None
    if not ((after and after[0] == "equal") or (i2 == len(cf) and j2 == len(ef))):
        return None
    # Anchored by matching words on one side only (the other is both ends): the sentence's span
    # may be a clause the claim leaves out ("But as the war grew, X faced..." / "Y faced...").
    one_sided = not (before and before[0] == "equal" and after and after[0] == "equal")
    if one_sided and j2 - j1 > i2 - i1 + ONE_SIDED_EXTRA:
        return None
    # the same name in another spelling at either edge ("سابرينا" / "صابرين") is no replacement,
    # nor a function word there ("who is 39", "أيضًا" the claim left out)
    while i1 < i2 and j1 < j2 and _same_name(cw[i1][0], ew[j1][0]):
        i1, j1 = i1 + 1, j1 + 1
    while i1 < i2 and j1 < j2 and _same_name(cw[i2 - 1][0], ew[j2 - 1][0]):
        i2, j2 = i2 - 1, j2 - 1
    i1, i2 = _without_edge_stopwords(cf, i1, i2)
    j1, j2 = _without_edge_stopwords(ef, j1, j2)
    if i1 == i2 or j1 == j2:
        return None
    mine, theirs = _content(cf[i1:i2]), _content(ef[j1:j2])
    unstated = {m for m in mine - set(ef) if not any(_inflected(m, t) for t in theirs)}
    if not theirs or not unstated:
        return None  # words moved or inflected, not replaced
    c_span = claim[cw[i1][2]:cw[i2 - 1][3]]
    e_span = evidence[ew[j1][2]:ew[j2 - 1][3]]
    return Substitution(c_span, e_span, _holds_name(cw, i1, i2), _holds_name(ew, j1, j2))


@lru_cache(maxsize=32768)
def restates(claim: str, evidence: str) -> bool:
    """Does the sentence say the claim, in order: RESTATES_SHARE of its words matched, every
    name-like word among them, and no span replaced (`substitution`)?"""
    aligned = _alignment(claim, evidence)
    if aligned is None or not aligned[0]:
        return False
    cw, _, ops = aligned
    unmatched = [cw[i] for tag, i1, i2, _, _ in ops if tag in ("replace", "delete") for i in range(i1, i2)]
    return (len(cw) - len(unmatched) >= RESTATES_SHARE * len(cw) and not any(name_like(w[0]) for w in unmatched)
            and substitution(claim, evidence) is None)
