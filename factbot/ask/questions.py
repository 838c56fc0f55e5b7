"""What a question asks for, Arabic and English: its type (a count, a date, a year, a weekday,
a person, a place, or just "the sentence that answers"), the unit or noun counted, the
groups it leaves out ("non-American troops") and whose value it asks for ("Iraq's")."""

from __future__ import annotations

import enum
import re
from functools import lru_cache

from factbot.text import lexicon, slots
from factbot.text.glossary import glossary
from factbot.text.matching import language, normalize, stem, terms


class QType(str, enum.Enum):
    COUNT = "count"
    DATE = "date"        # any time expression
    YEAR = "year"
    MONTH = "month"
    WEEKDAY = "weekday"
    PERSON = "person"    # a person or an organisation
    PLACE = "place"
    OTHER = "other"      # no value to extract: the answering sentence is the answer

    @property
    def typed(self) -> bool:
        return self is not QType.OTHER


_WHO_NOUNS = ("commander|leader|minister|official|officer|secretary|spokesperson|spokesman|spokeswoman|"
              "president|general|group|groups|organi[sz]ation|militia|person|man|woman|country|party|king|prince")
_AR_WHO_NOUNS = "قائد|زعيم|رئيس|وزير|مسؤول|متحدث|متحدثه|جماعه|جماعات|تنظيم|منظمه|شخص|دوله|حزب|ملك"
# What a question of each type looks like, in English and in Arabic (patterns on the matching
# form). The earliest match in the question decides; at the same place, the type listed first.
_PATTERNS: dict[QType, dict[str, str]] = {
    QType.COUNT: {
        "en": r"\bhow (many|much)\b|\bwhat (is the )?(number|amount|size) of\b|\bwhat number\b",
        "ar": r"(^|\s)(ب|و|ف)?كم(\s|$)|(^|\s)(ما|ماهو|ما هو|كم) عدد|^عدد "},
    QType.YEAR: {"en": r"\b(what|which) year\b", "ar": r"(اي|ايه) (عام|سنه)|(عام|سنه) كم"},
    QType.MONTH: {"en": r"\b(what|which) month\b", "ar": r"(اي|ايه) شهر"},
    QType.WEEKDAY: {"en": r"\b(what|which) day\b|\bday of the week\b", "ar": r"(اي|ايه) يوم|يوم من ايام الاسبوع"},
    QType.DATE: {"en": r"\bwhen\b|\b(what|which) date\b|\bhow long ago\b",
                 "ar": r"(^|\s)(و)?(متي|متى)(\s|$)|(اي|ايه) تاريخ|ما تاريخ|ما هو تاريخ"},
    QType.PLACE: {
        "en": r"\bwhere\b|\b(what|which) (city|town|country|place|location|capital|province|region|airport)\b",
        "ar": r"(^|\s)(و)?(اين|الي اين|من اين)(\s|$)|(اي|ايه) (مدينه|بلد|دوله|مكان|منطقه|محافظه)"
              r"|ما (المدينه|البلد|الدوله|المكان)|(^|\s)في اي (مدينه|بلد|دوله|مكان|منطقه)"},
    # identity questions ("who is the prime minister?", "which commander …?") ask for a name;
    # "who will supervise …?" asks for whoever the sentence says: that is an OTHER question
    QType.PERSON: {
        "en": rf"\bwho(se)? (is|was|are|were)( not)? (the|a|an|his|her|its|their|this|that|these|those|\w+'s)\b"
              rf"|\bwho(m|se)? (is|was|are|were)\W*$|\bname of\b|\b(what|which) (\w+ ){{0,3}}?({_WHO_NOUNS})\b",
        "ar": rf"(^|\s)(من هو|من هي|من هم)(\s|$)|ما اسم|ما هو اسم|(اي|ايه) ({_AR_WHO_NOUNS})"},
}


def _clean_question(q: str) -> str:
    """The matching form without leading list dashes or a trailing question mark."""
    return normalize(q).strip(" -–—:?!.").strip()


@lru_cache(maxsize=4096)
def question_type(question: str) -> QType:
    """What kind of answer `question` asks for."""
    q = _clean_question(question)
    lang = "ar" if language(question) == "ar" else "en"
    best: tuple[int, QType] | None = None
    for qtype, by_language in _PATTERNS.items():
        m = re.search(by_language[lang], q)
        if m and (best is None or m.start() < best[0]):
            best = (m.start(), qtype)
    return best[1] if best else QType.OTHER


@lru_cache(maxsize=4096)
def asked_unit(question: str) -> str:
    """What a how-many question counts ("troops", "groups"), "" when unknown."""
    for tok in re.findall(r"[^\W\d_]+", normalize(question)):
        unit = lexicon.lookup(lexicon.UNIT_OF, tok) or lexicon.lookup(lexicon.UNIT_OF, _untanween(tok))
        if unit:
            return unit
    return ""


def _untanween(tok: str) -> str:
    """"جنديا" -> "جندي": the noun after "كم" is accusative, its final alif is no part of the word."""
    return tok[:-1] if len(tok) > 3 and tok.endswith("ا") and "\u0600" <= tok[0] <= "\u06ff" else tok


_COUNT_WORDS = frozenset({"many", "much", "number", "amount", "كم", "بكم", "عدد"})


@lru_cache(maxsize=4096)
def counted_noun(question: str) -> str:
    """The unit a how-many question counts, or the stem of the first noun after "how many" /
    "كم" when the unit lexicon does not know it ("rocket", "صاروخ"); "" when none."""
    unit = asked_unit(question)
    if unit:
        return unit
    toks = re.findall(r"[^\W\d_]+", normalize(question))
    for i, tok in enumerate(toks):
        if tok in _COUNT_WORDS:
            for nxt in toks[i + 1:i + 4]:
                if nxt in _COUNT_WORDS or lexicon.lookup(lexicon.NATIONALITY_OF, nxt) or \
                        lexicon.lookup(lexicon.SINGLE, nxt) or nxt in ("us", "of", "the", "يبلغ"):
                    continue
                return stem(_untanween(nxt))
    return ""


# "non-American troops", "other than the US", "من غير الأمريكيين", "باستثناء العراق": the question
# asks about everything but a group, so a value said of that group is no answer to it.
_EXCLUDING = re.compile(r"(?:\bnon(?:-|\s+)|\b(?:other than|except(?: for)?|excluding|apart from|aside from|besides|"
                        r"not counting)\s+)(?:the\s+)?([^\W\d_][\w-]*)"
                        r"|(?:^|\s)(?:من\s+)?(?:غير|سوى|عدا|باستثناء|بخلاف)\s+([^\W\d_]+)", re.IGNORECASE)
NEGATORS = frozenset({"non", "غير"})
EXCLUDED_WINDOW = 3  # words either side of a value that say whose it is ("2500 جندي أمريكي")


@lru_cache(maxsize=4096)
def excluded_terms(question: str) -> frozenset[str]:
    """Stems (glossary translations included) of what the question leaves out ("non-American"
    -> american, امريك): the words the negation governs."""
    gloss = glossary() if language(question) == "en" else {}
    out: set[str] = set()
    for m in _EXCLUDING.finditer(question):
        for t in terms(m.group(1) or m.group(2))[:1]:
            out |= {t} | gloss.get(t, frozenset())
    return frozenset(out)


_HOW_MANY = re.compile(r"\bhow (?:many|much)\b|\bnumber of\b|(?:^|\s)(?:كم|عدد)(?=\s)", re.IGNORECASE)
OWNER_WORDS = 4  # words after "how many" / "كم" that say whose the counted thing is
# "in Iraq", "في العراق": a country after a preposition says where, not whose
_WHERE = re.compile(r"\b(?:in|at|to|into|inside|near|from|across|throughout|outside)\s+(?:the\s+)?\S+"
                    r"|(?:^|\s)(?:في|الى|إلى|من|داخل|خارج|قرب)\s+\S+|(?:^|\s)(?:بال|لل)\S+", re.IGNORECASE)


def asked_owners(question: str) -> frozenset[str]:
    """Whose things a count question counts: the countries it names right after "how many" /
    "كم" ("How many Iraqi soldiers were killed in US strikes?" -> Iraq), never a place ("in
    Iraq") nor one left out ("excluding Iraqis": see excluded_terms). Other questions: none, as
    their countries say too little about whose the answer is ("Which groups attacked US troops?")."""
    m = _HOW_MANY.search(question)
    if not m or question_type(question) is not QType.COUNT:
        return frozenset()
    words_after = " ".join(question[m.end():].split()[:OWNER_WORDS])
    return slots.owners(_EXCLUDING.sub(" ", _WHERE.sub(" ", words_after)))


# Questions answered yes or no: their answer is a statement (the sentence), not a phrase in it.
# English ones open with an auxiliary or modal verb, Arabic ones with هل (or أليس / ألم / أما).
# Every other question asks for a phrase: given the gold sentence, the reader's phrase scored a
# higher token-F1 than the sentence for every question word (what / ما / ماذا / why / how / كيف
# included) on TyDi dev and ARCD train, and lower only for yes/no questions (هل: 0.43 vs 0.48).
# A rule about the languages' question words, on the matching form (hamza folded).
_YES_NO = {
    "en": re.compile(r"^(?:is|are|was|were|am|do|does|did|can|could|will|would|shall|should|may|might|must"
                     r"|has|have|had|isn't|aren't|wasn't|weren't|don't|doesn't|didn't|can't|won't)\b"),
    "ar": re.compile(r"^(?:و|ف)?(?:هل|اليس|الم|اما)(?:\s|$)"),
}


@lru_cache(maxsize=4096)
def asks_for_phrase(question: str) -> bool:
    """The question asks for something a phrase says (who, what, which, how much, when, where,
    why…), not whether something is so."""
    lang = "ar" if language(question) == "ar" else "en"
    return not _YES_NO[lang].search(_clean_question(question))
