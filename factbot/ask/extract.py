"""Question typing and answer extraction, Arabic and English: pure functions of text.

`question_type(q)` says what kind of answer a question asks for (a count, a date, a
year, a weekday, a person, a place, or just "the sentence that answers"); `extract(q,
sentence)` finds a value of that kind in one sentence and renders it in the question's
language where words allow ("حوالي 2500" → "About 2500", "السبت" → "Saturday",
"خارج مطار بغداد" → "Outside Baghdad airport"); names with no known English form stay
in Arabic script. Work happens on words of the original sentence with their matching
forms (`text.normalize`), so an Arabic answer is an exact slice of the sentence.

The lexicons of numbers, months, weekdays, units and places come from `factbot.text.lexicon`
(shared with `factbot.text.facts`); this module adds the question words, a person/organisation
gazetteer with English names, and a small glossary of news words used to compare an
English question with Arabic text.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass
from functools import lru_cache

from factbot.text import facts, lexicon
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


# --- question typing ---------------------------------------------------------------

_WHO_NOUNS = ("commander|leader|minister|official|officer|secretary|spokesperson|spokesman|spokeswoman|"
              "president|general|group|groups|organi[sz]ation|militia|person|man|woman|country|party|king|prince")
# (pattern on the matching form, type). The earliest match in the question decides.
_EN_PATTERNS: tuple[tuple[str, QType], ...] = (
    (r"\bhow (many|much)\b|\bwhat (is the )?(number|amount|size) of\b|\bwhat number\b", QType.COUNT),
    (r"\b(what|which) year\b", QType.YEAR),
    (r"\b(what|which) month\b", QType.MONTH),
    (r"\b(what|which) day\b|\bday of the week\b", QType.WEEKDAY),
    (r"\bwhen\b|\b(what|which) date\b|\bhow long ago\b", QType.DATE),
    (r"\bwhere\b|\b(what|which) (city|town|country|place|location|capital|province|region|airport)\b",
     QType.PLACE),
    # identity questions ("who is the prime minister?", "which commander …?") ask for a name;
    # "who will supervise …?" asks for whoever the sentence says: that is an OTHER question
    (rf"\bwho(se)? (is|was|are|were)( not)? (the|a|an|his|her|its|their|this|that|these|those|\w+'s)\b"
     rf"|\bwho(m|se)? (is|was|are|were)\W*$|\bname of\b|\b(what|which) (\w+ ){{0,3}}?({_WHO_NOUNS})\b",
     QType.PERSON),
)
_AR_WHO_NOUNS = "قائد|زعيم|رئيس|وزير|مسؤول|متحدث|متحدثه|جماعه|جماعات|تنظيم|منظمه|شخص|دوله|حزب|ملك"
_AR_PATTERNS: tuple[tuple[str, QType], ...] = (
    (r"(^|\s)(ب|و|ف)?كم(\s|$)|(^|\s)(ما|ماهو|ما هو|كم) عدد|^عدد ", QType.COUNT),
    (r"(اي|ايه) (عام|سنه)|(عام|سنه) كم", QType.YEAR),
    (r"(اي|ايه) شهر", QType.MONTH),
    (r"(اي|ايه) يوم|يوم من ايام الاسبوع", QType.WEEKDAY),
    (r"(^|\s)(و)?(متي|متى)(\s|$)|(اي|ايه) تاريخ|ما تاريخ|ما هو تاريخ", QType.DATE),
    (r"(^|\s)(و)?(اين|الي اين|من اين)(\s|$)|(اي|ايه) (مدينه|بلد|دوله|مكان|منطقه|محافظه)|ما (المدينه|البلد|الدوله|المكان)"
     r"|(^|\s)في اي (مدينه|بلد|دوله|مكان|منطقه)", QType.PLACE),
    (rf"(^|\s)(من هو|من هي|من هم)(\s|$)|ما اسم|ما هو اسم|(اي|ايه) ({_AR_WHO_NOUNS})", QType.PERSON),
)


def _clean_question(q: str) -> str:
    """The matching form without leading list dashes or a trailing question mark."""
    return normalize(q).strip(" -–—:?!.").strip()


@lru_cache(maxsize=4096)
def question_type(question: str) -> QType:
    """What kind of answer `question` asks for."""
    q = _clean_question(question)
    patterns = _AR_PATTERNS if language(question) == "ar" else _EN_PATTERNS
    best: tuple[int, QType] | None = None
    for pattern, qtype in patterns:
        m = re.search(pattern, q)
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


# --- words of a sentence with offsets ----------------------------------------------------

@dataclass(frozen=True)
class Word:
    start: int
    end: int
    form: str  # matching form without surrounding punctuation


_WORD = re.compile(r"[^\s/]+")
_EDGE_PUNCT = "\"'“”‘’«»()[]{}،,.;:!?؟؛…-–—"


@lru_cache(maxsize=8192)
def words(text: str) -> tuple[Word, ...]:
    out = []
    for m in _WORD.finditer(text):
        raw = m.group()
        lead = len(raw) - len(raw.lstrip(_EDGE_PUNCT))
        trail = len(raw) - len(raw.rstrip(_EDGE_PUNCT))
        if lead + trail >= len(raw):
            continue
        start, end = m.start() + lead, m.end() - trail
        form = normalize(text[start:end])
        if form:
            out.append(Word(start, end, form))
    return tuple(out)


# --- results -------------------------------------------------------------------------------

@dataclass(frozen=True)
class Extracted:
    """An answer value found in a sentence: `display` in the question's language,
    `start:end` the span of the sentence it comes from."""

    display: str
    kind: str   # count | date | year | month | weekday | person | place
    start: int
    end: int
    unit: str = ""  # for counts: what is counted ("troops"), "" when unknown


# --- lexicons --------------------------------------------------------------------------------

_EN_NUMBER = {1: "one", 2: "two", 3: "three", 4: "four", 5: "five", 6: "six", 7: "seven", 8: "eight",
              9: "nine", 10: "ten", 11: "eleven", 12: "twelve", 20: "twenty", 30: "thirty", 40: "forty",
              50: "fifty", 100: "a hundred", 1000: "a thousand"}
_QUALIFIER_EN = {"approx": "about", "more": "more than", "less": "fewer than"}
_RELATIVE_TIMES = {("العام", "الماضي"): "last year", ("العام", "المقبل"): "next year",
                   ("الشهر", "الماضي"): "last month", ("الاسبوع", "الماضي"): "last week",
                   ("السنه", "الماضيه"): "last year", ("امس",): "yesterday", ("اليوم",): "today",
                   ("last", "year"): "last year", ("last", "month"): "last month", ("last", "week"): "last week",
                   ("yesterday",): "yesterday", ("next", "year"): "next year"}
_BEFORE_AFTER_EN = {"قبل": "before", "بعد": "after", "منذ": "since", "before": "before", "after": "after",
                    "since": "since", "by": "by", "until": "until", "حتي": "until"}

# Persons and organisations: Arabic forms (matching form, space separated) -> English name.
# The article's actors first, then frequent names in Arabic news.
_NAMES: dict[str, str] = {
    "محمد شياع السوداني": "Mohammed Shia al-Sudani", "شياع السوداني": "Mohammed Shia al-Sudani",
    "السوداني": "al-Sudani", "قاسم سليماني": "Qassem Soleimani", "سليماني": "Soleimani",
    "ابو مهدي المهندس": "Abu Mahdi al-Muhandis", "المهندس": "al-Muhandis",
    "صابرين سينغ": "Sabrina Singh", "سابرينا سينغ": "Sabrina Singh", "سينغ": "Singh",
    "تنظيم داعش": "ISIS", "داعش": "ISIS", "الدوله الاسلاميه": "Islamic State",
    "البنتاغون": "the Pentagon", "البنتاجون": "the Pentagon", "حلف الناتو": "NATO", "الناتو": "NATO",
    "الامم المتحده": "the United Nations", "حماس": "Hamas", "حزب الله": "Hezbollah",
    "الحشد الشعبي": "the Popular Mobilization Forces", "كتائب حزب الله": "Kataib Hezbollah",
    "جو بايدن": "Joe Biden", "بايدن": "Biden", "دونالد ترامب": "Donald Trump", "ترامب": "Trump",
    "لويد اوستن": "Lloyd Austin", "اوستن": "Austin", "انتوني بلينكن": "Antony Blinken", "بلينكن": "Blinken",
    "بنيامين نتنياهو": "Benjamin Netanyahu", "نتنياهو": "Netanyahu", "علي خامنئي": "Ali Khamenei",
    "خامنئي": "Khamenei", "رجب طيب اردوغان": "Recep Tayyip Erdogan", "اردوغان": "Erdogan",
    "بشار الاسد": "Bashar al-Assad", "مصطفي الكاظمي": "Mustafa al-Kadhimi", "الكاظمي": "al-Kadhimi",
}
_NAME_KEYS: tuple[tuple[str, ...], ...] = tuple(sorted((tuple(k.split()) for k in _NAMES), key=lambda t: -len(t)))

# Place nouns that form a place with the name after them ("مطار بغداد" = "Baghdad airport").
_PLACE_NOUNS = {"مطار": "airport", "مدينه": "city", "محافظه": "province", "قاعده": "base", "ميناء": "port",
                "جامعه": "university", "سفاره": "embassy", "قصر": "palace", "منطقه": "area", "ساحه": "square"}
# Locative prepositions and their English (with the proclitic ب read as "in").
_LOCATIVES = {"في": "in", "خارج": "outside", "داخل": "inside", "قرب": "near", "بالقرب": "near",
              "شمال": "north of", "جنوب": "south of", "شرق": "east of", "غرب": "west of", "الي": "to",
              "من": "from", "عند": "at", "in": "in", "at": "at", "outside": "outside", "near": "near",
              "inside": "inside"}

# English news words -> stems of their Arabic translations: lets an English question's
# terms meet an Arabic sentence (overlap features, choosing among several names).
_GLOSSARY_SRC = {
    "troop": "جندي جنود قوات", "soldier": "جندي جنود", "force": "قوات قوه", "forces": "قوات",
    "american": "امريكي امريكيه", "us": "امريكي الولايات", "iraq": "العراق", "iraqi": "عراقي عراقيه",
    "iran": "ايران", "iranian": "ايراني", "coalition": "التحالف", "talk": "محادثات", "talks": "محادثات",
    "round": "جوله", "dialogue": "الحوار", "bilateral": "الثنائي", "committee": "لجنه", "joint": "المشتركه",
    "commander": "قائد القائد", "leader": "زعيم قائد", "militia": "ميليشيا الميليشيا", "killed": "مقتل قتل",
    "kill": "مقتل قتل", "head": "رئيس", "heads": "رئيس", "government": "الحكومه", "strike": "غاره ضربه", "air": "جويه", "airport": "مطار", "prime": "رئيس",
    "minister": "الوزراء وزير", "deputy": "نائبه نائب", "press": "الصحفي", "secretary": "السكرتير",
    "pentagon": "البنتاغون", "attack": "هجمات هجوم", "attacks": "هجمات", "withdrawal": "انسحاب",
    "withdraw": "انسحاب", "end": "انهاء نهايه", "ending": "انهاء", "mission": "المهمه", "military": "العسكري عسكري",
    "expert": "خبراء", "experts": "خبراء", "group": "مجموعات فرق الجماعات", "groups": "مجموعات فرق الجماعات",
    "working": "العمل", "team": "فرق", "meet": "اجتمع", "met": "اجتمع", "meeting": "اجتماع",
    "official": "مسؤولون المسؤولون", "officials": "مسؤولون المسؤولون", "baghdad": "بغداد",
    "washington": "واشنطن", "form": "تشكيل", "formed": "تشكيل", "defeat": "هزيمه", "isis": "داعش",
    "sovereignty": "سيادتهم سياده", "complain": "اشتكي شكاوي", "gaza": "غزه", "war": "الحرب",
    "israeli": "الاسرائيليه", "syria": "سوريا", "threat": "التهديد", "credit": "الفضل", "decision": "قرار",
    "statement": "بيان", "office": "مكتب", "timetable": "جدول زمني", "presence": "الوجود وجود",
    "reduce": "تقليص", "country": "البلاد الدوله", "state": "الدوله", "army": "الجيش", "security": "الامن",
    "agree": "اتفقت", "agreed": "اتفقت", "launch": "اطلاق", "year": "عام العام", "day": "يوم",
    "saturday": "السبت", "thursday": "الخميس", "remain": "يزال", "still": "يزال", "stationed": "منتشرين",
    "deployed": "منتشرين", "help": "للمساعده مساعده", "capability": "القدرات",
    "future": "مستقبل", "foreign": "الاجنبيه", "retaliatory": "انتقاميه", "aggression": "العدوان",
    "discussion": "المناقشات مناقشه", "discussions": "المناقشات", "discuss": "مناقشه نوقشت",
    "discussed": "نوقشت مناقشه", "expect": "تتوقع يتوقع", "hope": "تتوقع", "part": "جزء", "lead": "تؤدي",
    "against": "ضد", "first": "الاولي اول", "negotiate": "للتفاوض التفاوض", "term": "شروط",
    "goal": "اهدافها اهداف", "aim": "اهداف هدف", "purpose": "اهداف", "investigate": "ستحقق",
    "study": "ستحقق", "examine": "ستحقق", "level": "مستوي", "requirement": "المتطلبات",
    "operational": "التشغيليه", "supervise": "سيشرفون يشرف", "oversee": "سيشرفون", "decade": "عقد",
    "success": "الناجح", "partnership": "بالشراكه", "international": "الدولي", "claim": "نسب",
    "prove": "يثبت", "language": "لغه", "understand": "يفهمون", "continue": "بمواصله", "repeated": "متكرره",
    "escalation": "تصاعد", "grip": "قبضته", "lost": "فقد", "call": "دعا", "called": "دعا",
    "specialist": "المتخصصين", "defense": "الدفاعيين", "acknowledge": "اعترفت", "admit": "اعترفت",
    "senior": "رفيعو", "armed": "المسلحه", "reduction": "تقليص", "schedule": "جدول",
}


# Words of how a question is asked, not of what it asks about ("how many", "according to").
QUESTION_FILLERS = frozenset({"many", "much", "accord", "according", "mention", "mentioned", "article",
                               "say", "said", "ما", "عدد", "الذي", "التي"})


@lru_cache(maxsize=1)
def glossary() -> dict[str, frozenset[str]]:
    return {stem(normalize(en)): frozenset(stem(t) for t in terms(ar)) for en, ar in _GLOSSARY_SRC.items()}


# The noun naming the kind of place asked for ("which Iraqi city", "في أي مدينة") is no word the
# answering sentence must hold: it says "in Baghdad", not "in the city of Baghdad". (A time's
# noun stays: "في عام 2014" holds it.)
_KIND_NOUNS = "city|town|country|place|location|capital|province|region|airport"
_AR_KIND_NOUNS = "مدينه|بلد|دوله|مكان|منطقه|محافظه"
# up to two words between "which" and that noun ("which Iraqi province"), none an auxiliary
# ("what did the city council say" names no kind of answer)
_MODIFIERS = r"(?:(?!(?:is|are|was|were|did|do|does|will|would|can|could|should|has|have|had) )\w+ ){0,2}?"
_ANSWER_KIND = re.compile(rf"\b((?:which|what) {_MODIFIERS})(?:{_KIND_NOUNS})\b"
                          rf"|((?:^|\s)(?:اي|ايه) )(?:{_AR_KIND_NOUNS})(?=\s|$)")


def without_answer_kind(question: str) -> str:
    """The question's matching form without the noun naming the kind of place asked for."""
    return _ANSWER_KIND.sub(lambda m: m.group(1) or m.group(2), normalize(question))


@lru_cache(maxsize=4096)
def question_terms(question: str) -> tuple[frozenset[str], ...]:
    """Each content term of the question as the set of stems that would match it in a
    sentence: itself, plus Arabic translations for an English term the glossary knows. The
    noun naming the kind of place asked for ("which city") is left out."""
    gloss = glossary() if language(question) == "en" else {}
    return tuple(frozenset({t}) | gloss.get(t, frozenset())
                 for t in terms(without_answer_kind(question)) if t not in QUESTION_FILLERS)


@lru_cache(maxsize=16384)
def term_overlap(question: str, sentence: str) -> float:
    """Share of the question's content terms found in the sentence (0 when it has none)."""
    qterms = question_terms(question)
    if not qterms:
        return 0.0
    sterms = term_set(sentence)
    return sum(1 for alternatives in qterms if alternatives & sterms) / len(qterms)


@lru_cache(maxsize=8192)
def term_set(sentence: str) -> frozenset[str]:
    return frozenset(terms(sentence))


# --- extraction -----------------------------------------------------------------------------

def _cap(s: str) -> str:
    return s[:1].upper() + s[1:] if s else s


def _fmt_number(v: float) -> str:
    return str(int(v)) if float(v).is_integer() else f"{v:g}"


def _quantities(sentence: str, ws: list[Word], lang: str) -> list[tuple[Extracted, str]]:
    """(value, unit) for every count in the sentence; years and days of month excluded."""
    forms = [w.form for w in ws]
    out = []
    i = 0
    while i < len(ws):
        f = forms[i]
        value = float(f) if re.fullmatch(r"\d+(\.\d+)?", f) else (
            lexicon.lookup(lexicon.NUMBER_WORDS, f) if f not in ("الف", "الاف") else None)
        if value is None:
            i += 1
            continue
        j = i + 1
        is_digit = f[0].isdigit()
        near_month = any(0 <= k < len(ws) and (lexicon.lookup(lexicon.MONTH_OF, forms[k]))
                         for k in (i - 1, i + 1))
        if is_digit and (lexicon.is_year(forms, i, value) or (near_month and value <= 31)):
            i = j
            continue
        if j < len(ws) and forms[j] in lexicon.MULTIPLIERS:
            value *= lexicon.MULTIPLIERS[forms[j]]
            j += 1
        qual = lexicon.qualifier(forms, i)
        start = i
        if qual and i and forms[i - 1] not in lexicon.MORE | lexicon.LESS:
            start = i - 1
        elif qual in ("more", "less") and i >= 2:
            start = i - 2 if forms[i - 1] in ("من", "than") else i - 1
        unit = lexicon.unit_near(forms, i, j)
        if lang == "ar":
            display = sentence[ws[start].start:ws[j - 1].end]
        else:
            number = _fmt_number(value) if is_digit or value not in _EN_NUMBER else _EN_NUMBER[int(value)]
            display = _cap(f"{_QUALIFIER_EN[qual]} {number}" if qual else number)
        out.append((Extracted(display, "count", ws[start].start, ws[j - 1].end, unit), unit))
        i = j
    return out


def _times(sentence: str, ws: list[Word], lang: str) -> list[Extracted]:
    """Dates, months with years, weekdays, years and relative times ("last year")."""
    forms = [w.form for w in ws]
    out: list[tuple[int, Extracted]] = []
    used: set[int] = set()

    def month_at(k: int) -> tuple[int, int] | None:
        """(month, words it spans) at word k: one-word names or Levantine pairs."""
        if k >= len(forms):
            return None
        if k + 1 < len(forms) and (forms[k], forms[k + 1]) in lexicon.MONTH_PAIRS:
            return lexicon.MONTH_PAIRS[(forms[k], forms[k + 1])], 2
        m = lexicon.lookup(lexicon.MONTH_OF, forms[k])
        if m and (forms[k] not in ("march", "mar", "may") or
                  (k and forms[k - 1].isdigit()) or (k + 1 < len(forms) and forms[k + 1].isdigit())):
            return m, 1
        return None

    def emit(first: int, last: int, kind: str, en: str) -> None:
        prefix = ""
        if first and forms[first - 1] in _BEFORE_AFTER_EN and forms[first - 1] not in ("منذ",) or (
                first and forms[first - 1] in ("before", "after", "since", "until")):
            prefix = forms[first - 1]
            first -= 1
        if lang == "ar":
            display = sentence[ws[first].start:ws[last].end]
        else:
            display = _cap(f"{_BEFORE_AFTER_EN[prefix]} {en}" if prefix else en)
        used.update(range(first, last + 1))
        out.append((first, Extracted(display, kind, ws[first].start, ws[last].end)))

    for i in range(len(forms)):
        if i in used:
            continue
        # day month [year] | month day[,] [year]
        if forms[i].isdigit() and 1 <= int(forms[i]) <= 31 and month_at(i + 1):
            month, span = month_at(i + 1)
            last = i + span
            year = forms[last + 1] if last + 1 < len(forms) and re.fullmatch(r"(19|20)\d\d", forms[last + 1]) else ""
            # "7 أكتوبر/تشرين الأول": the second name of the month after a slash is the same month
            if last + 1 < len(forms) and month_at(last + 1) and month_at(last + 1)[0] == month:
                last += month_at(last + 1)[1]
                year = forms[last + 1] if last + 1 < len(forms) and re.fullmatch(r"(19|20)\d\d", forms[last + 1]) else ""
            if year:
                last += 1
            en = f"{int(forms[i])} {lexicon.MONTH_NAMES['en'][month - 1]}" + (f" {year}" if year else "")
            emit(i, last, "date", en)
            continue
        mk = month_at(i)
        if mk:
            month, span = mk
            last = i + span - 1
            day = ""
            if last + 1 < len(forms) and forms[last + 1].isdigit() and 1 <= int(forms[last + 1]) <= 31 and \
                    not re.fullmatch(r"(19|20)\d\d", forms[last + 1]):
                day, last = forms[last + 1], last + 1
            year = forms[last + 1] if last + 1 < len(forms) and re.fullmatch(r"(19|20)\d\d", forms[last + 1]) else ""
            if year:
                last += 1
            name = lexicon.MONTH_NAMES["en"][month - 1]
            en = " ".join(p for p in (name, day + ("," if day and year else ""), year) if p)
            emit(i, last, "date" if day else ("month" if not year else "month_year"), en)
            continue
        w = lexicon.WEEKDAY_OF.get(forms[i])
        if w is None and not forms[i].startswith("اثن"):
            w = lexicon.lookup(lexicon.WEEKDAY_OF, forms[i])
        if w is not None:
            emit(i, i, "weekday", lexicon.WEEKDAY_NAMES["en"][w])
            continue
        if re.fullmatch(r"(1[5-9]|20)\d\d", forms[i]) and lexicon.is_year(forms, i, float(forms[i])):
            first = i - 1 if i and forms[i - 1] in ("عام", "العام", "سنه", "لعام", "year") else i
            en = forms[i]
            if lang == "ar":
                out.append((first, Extracted(sentence[ws[first].start:ws[i].end], "year", ws[first].start, ws[i].end)))
            else:
                emit(i, i, "year", en)
            used.update(range(first, i + 1))
            continue
        for key, en in _RELATIVE_TIMES.items():
            if tuple(forms[i:i + len(key)]) == key:
                emit(i, i + len(key) - 1, "relative", en)
                break
    return [e for _, e in sorted(out, key=lambda p: p[0])]


def _find_names(ws: list[Word]) -> list[tuple[int, int, str]]:
    """(first word, last word, English name) of gazetteer persons/organisations."""
    forms = [w.form for w in ws]
    out, used = [], set()
    for i in range(len(forms)):
        if i in used:
            continue
        for key in _NAME_KEYS:
            n = len(key)
            window = forms[i:i + n]
            if len(window) == n and window[1:] == list(key[1:]) and key[0] in lexicon.variants(window[0]):
                out.append((i, i + n - 1, _NAMES[" ".join(key)]))
                used.update(range(i, i + n))
                break
    return out


def _find_places(ws: list[Word]) -> list[tuple[int, int, str, str]]:
    """(first word, last word, English name, kind) of gazetteer places."""
    forms = [w.form for w in ws]
    out = []
    i = 0
    while i < len(forms):
        hit = None
        for parts, name in lexicon.MULTI:
            n = len(parts)
            window = forms[i:i + n]
            if len(window) == n and window[1:] == list(parts[1:]) and parts[0] in lexicon.variants(window[0]):
                hit = (i, i + n - 1, name)
                break
        if hit is None:
            name = lexicon.lookup(lexicon.SINGLE, forms[i])
            if name and forms[i] != "us":
                hit = (i, i, name)
        if hit and lexicon.ENTITIES[hit[2]][0] in ("city", "country", "region"):
            out.append((*hit, lexicon.ENTITIES[hit[2]][0]))
            i = hit[1] + 1
        else:
            i += 1
    return out


TITLE_WINDOW = 5  # words before a name that may hold its title ("زعيم الميليشيا العراقية أبو مهدي …")
MIN_TITLE_SCORE = 0.5  # the first or second question term (weights 1, 1/2, 1/3 …) must be in the title


def _context_score(qterms: list[frozenset[str]], ws: list[Word], first: int, floor: int) -> float:
    """How many question terms the title before a name shares (Arabic puts the title first).
    The window stops at the previous name (`floor`), whose title is not this one's."""
    window = {stem(t) for w in ws[max(floor, first - TITLE_WINDOW):first] for t in terms(w.form)}
    # earlier question terms weigh more: in "which militia leader died with the Iranian
    # commander?" the head noun comes first, the description of someone else after
    return sum(1.0 / (1 + i) for i, alternatives in enumerate(qterms) if alternatives & window)


def _mentioned(question: str) -> set[str]:
    """English names of the persons, organisations and places a question itself names."""
    qn = normalize(question)
    names = {name for _, _, name in _find_names(words(question))}
    names |= {name for _, _, name, _ in _find_places(words(question))}
    names |= {name for key, name in _NAMES.items() if name.lower().split()[-1].replace("al-", "") in qn}
    names |= {n for n in lexicon.ENTITIES if n.lower() in qn}
    return names


def _surname(name: str) -> str:
    return name.split()[-1].replace("al-", "").lower()


def _persons(question: str, sentence: str, ws: list[Word], lang: str) -> list[Extracted]:
    asked = {_surname(n) for n in _mentioned(question)}
    qterms = question_terms(question)
    names = _find_names(ws)
    floors = [0] + [last + 1 for _, last, _ in names[:-1]]
    anchors = [f for f, _, n in names if _surname(n) in asked]

    def distance(first: int) -> int:
        """Words to the nearest name the question gives: "killed with Soleimani" looks beside him."""
        return min((abs(first - a) for a in anchors), default=0)

    found = [(_context_score(qterms, ws, f, floor), distance(f), f, l, n)
             for (f, l, n), floor in zip(names, floors) if _surname(n) not in asked]
    # a name whose title shares none of the question's leading terms is not the one asked for
    # ("Who is the US ambassador?" is not answered by "زعيم الميليشيا العراقية أبو مهدي المهندس")
    found = [c for c in found if c[0] >= MIN_TITLE_SCORE]
    found.sort(key=lambda c: (-c[0], c[1]))  # stable: ties keep sentence order
    out = []
    for _, _, first, last, name in found:
        display = name if lang == "en" else sentence[ws[first].start:ws[last].end]
        out.append(Extracted(_cap(display), "person", ws[first].start, ws[last].end))
    return out


def _places(question: str, sentence: str, ws: list[Word], lang: str) -> list[Extracted]:
    asked = _mentioned(question)
    qn = normalize(question)
    want = ("city" if re.search(r"\bcity\b|مدينه", qn) else
            "country" if re.search(r"\bcountry\b|دوله|بلد", qn) else "")
    forms = [w.form for w in ws]
    scored = []
    for first, last, name, kind in _find_places(ws):
        if name in asked:
            continue
        noun = ""
        if first and forms[first - 1] in _PLACE_NOUNS:
            first -= 1
            noun = _PLACE_NOUNS[forms[first]]
        prep = ""
        lead = forms[first]
        if first and forms[first - 1] in _LOCATIVES:
            prep = _LOCATIVES[forms[first - 1]]
            first -= 1
        elif lead.startswith("ب") and lead[1:] and lexicon.lookup(lexicon.SINGLE, lead[1:]):
            prep = "in"
        if not prep and kind != want:
            continue  # a place named as an actor ("الولايات المتحدة والعراق") is not where something happened
        score = (kind == want) * 2 + bool(prep) + (prep not in ("from", "to", ""))
        en = " ".join(p for p in (name, noun) if p)
        if lang == "ar":
            display = sentence[ws[first].start:ws[last].end]
        else:
            display = _cap(f"{prep} {en}") if prep and prep not in ("in", "at", "from", "to") else en
        scored.append((score, Extracted(display, "place", ws[first].start, ws[last].end)))
    scored.sort(key=lambda p: -p[0])
    return [e for _, e in scored]


_DATE_KINDS = {QType.YEAR: ("year", "month_year", "date"), QType.MONTH: ("month_year", "month", "date"),
               QType.WEEKDAY: ("weekday",),
               QType.DATE: ("date", "month_year", "month", "weekday", "year", "relative")}


@lru_cache(maxsize=16384)
def extract_all(question: str, sentence: str, qtype: QType | None = None,
                lang: str | None = None) -> tuple[Extracted, ...]:
    """Every value of the asked kind in `sentence`, best first (cached: answers are asked of
    the same sentences again and again)."""
    return tuple(_extract_all(question, sentence, qtype, lang))


def _extract_all(question: str, sentence: str, qtype: QType | None, lang: str | None) -> list[Extracted]:
    excluded = excluded_terms(question)
    found = _typed_values(question, sentence, qtype, lang)
    return [e for e in found if not (excluded and _about_excluded(sentence, e, excluded))
            and not _owned_by_another(question, sentence, e)]


def _typed_values(question: str, sentence: str, qtype: QType | None, lang: str | None) -> list[Extracted]:
    qtype = qtype or question_type(question)
    lang = lang or language(question)
    if not qtype.typed:
        return []
    ws = words(sentence)
    if qtype is QType.COUNT:
        found = _quantities(sentence, ws, lang)
        unit = counted_noun(question)
        # a count of something else is no answer: "how many rockets?" is not "2500 جندي"
        return [e for e, u in found if unit and u == unit] + [e for e, u in found if not u or not unit]
    if qtype is QType.PERSON:
        return _persons(question, sentence, ws, lang)
    if qtype is QType.PLACE:
        return _places(question, sentence, ws, lang)
    times = _times(sentence, ws, lang)
    kinds = _DATE_KINDS[qtype]
    out = [e for e in times if e.kind in kinds]
    if qtype is QType.YEAR and lang == "en":  # "January 2020" asked for its year -> "2020"
        out = [replace_display(e, re.search(r"\d{4}", e.display).group()) if e.kind != "year" else e
               for e in out if re.search(r"\d{4}", e.display)]
    return sorted(out, key=lambda e: kinds.index(e.kind)) if qtype is not QType.DATE else out


def replace_display(e: Extracted, display: str) -> Extracted:
    return Extracted(display, e.kind, e.start, e.end, e.unit)


_EN_FUTURE = re.compile(r"\b(will|shall|going to|next|upcoming|future|plan(s|ned)? to)\b")
_AR_FUTURE_WORDS = frozenset({"سوف", "المقبل", "المقبله", "القادم", "القادمه", "مستقبلا"})
# "سـ" + an imperfect verb ("ستنتهي", "سيشرفون", "سنعمل"); nouns that merely start like one are listed
_AR_FUTURE_VERB = re.compile(r"^س[يتن]\w{2,}$")
_AR_NOT_FUTURE = ("سياد", "سيطر", "سياس", "سيار", "سينا", "ستين", "سنوات", "سنه", "سته", "ستار", "سيد", "سين")


@lru_cache(maxsize=8192)
def is_future(text: str) -> bool:
    """Does the text speak of the future ("will", "سوف", "ستنتهي")?"""
    t = normalize(text)
    if _EN_FUTURE.search(t):
        return True
    for tok in re.findall(r"[^\W\d_]+", t):
        tok = tok[1:] if tok[:1] in ("و", "ف") and len(tok) > 4 else tok
        if tok in _AR_FUTURE_WORDS or (_AR_FUTURE_VERB.match(tok) and not tok.startswith(_AR_NOT_FUTURE)):
            return True
    return False


# "non-American troops", "other than the US", "من غير الأمريكيين", "باستثناء العراق": the question
# asks about everything but a group, so a value said of that group is no answer to it.
_EXCLUDING = re.compile(r"(?:\bnon(?:-|\s+)|\b(?:other than|except(?: for)?|excluding|apart from|aside from|besides|"
                        r"not counting)\s+)(?:the\s+)?([^\W\d_][\w-]*)"
                        r"|(?:^|\s)(?:من\s+)?(?:غير|سوى|عدا|باستثناء|بخلاف)\s+([^\W\d_]+)", re.IGNORECASE)
_NEGATORS = frozenset({"non", "غير"})
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


def _about_excluded(sentence: str, value: "Extracted", excluded: frozenset[str]) -> bool:
    """Is the value said of an excluded group: an excluded term within EXCLUDED_WINDOW words
    of it, not itself negated in the sentence ("غير الأمريكية" answers "non-American")?"""
    ws = words(sentence)
    for i in window(ws, value, EXCLUDED_WINDOW):
        negated = i > 0 and bool(set(terms(ws[i - 1].form)) & _NEGATORS)
        if not negated and any(stem(t) in excluded for t in terms(ws[i].form)):
            return True
    return False


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
    return facts.owners(_EXCLUDING.sub(" ", _WHERE.sub(" ", words_after)))


def _owned_by_another(question: str, sentence: str, value: "Extracted") -> bool:
    """The question says whose things it counts ("Iraqi soldiers") and the sentence says the
    value counts another country's ("2500 جندي أمريكي"): countries within EXCLUDED_WINDOW
    tokens of it, none of them the question's."""
    asked = asked_owners(question)
    if not asked:
        return False
    head = facts.tokens(sentence[value.start:value.end])
    near = facts.owners_near(sentence, head[0], EXCLUDED_WINDOW) if head else frozenset()
    return bool(near) and not near & asked


SUPPORT_WINDOW = 6  # words either side of a value that say what it is ("2500 جندي أمريكي منتشرين في العراق")


@lru_cache(maxsize=16384)
def support(question: str, sentence: str, value: Extracted) -> float:
    """Share of the question's terms within a few words of the value: how much the sentence
    says that this value is what the question asks about."""
    qterms = question_terms(question)
    if not qterms:
        return 0.0
    near = stems_near(sentence, value)
    return sum(1 for alternatives in qterms if alternatives & near) / len(qterms)


def window(ws: tuple[Word, ...], value: "Extracted", width: int) -> range:
    """Positions of the words within `width` words of the value, its own included."""
    inside = [i for i, w in enumerate(ws) if w.start >= value.start and w.end <= value.end] or [0]
    return range(max(0, inside[0] - width), min(len(ws), inside[-1] + width + 1))


@lru_cache(maxsize=16384)
def stems_near(sentence: str, value: "Extracted", width: int = SUPPORT_WINDOW) -> frozenset[str]:
    """The stems of the words within `width` words of the value: what says what it is."""
    ws = words(sentence)
    return frozenset(stem(t) for i in window(ws, value, width) for t in terms(ws[i].form))


def extract(question: str, sentence: str, qtype: QType | None = None, lang: str | None = None) -> Extracted | None:
    """The best value of the asked kind in `sentence`, or None."""
    found = extract_all(question, sentence, qtype, lang)
    return found[0] if found else None
