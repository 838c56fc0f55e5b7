"""The words of a sentence with their offsets, the `Extracted` value, and the numbers and time
expressions found among those words, rendered in the question's language ("حوالي 2500" ->
"About 2500", "السبت" -> "Saturday"). `factbot.ask.extract` adds names and places and
chooses among them."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from factbot.text import lexicon, numbers
from factbot.text.matching import format_number, language, normalize


@dataclass(frozen=True)
class Word:
    start: int
    end: int
    form: str  # matching form without surrounding punctuation


_WORD = re.compile(r"[^\s/]+")
_EDGE_PUNCT = "\"'“”‘’«»()[]{}،,.;:!?؟؛…-–—"


@lru_cache(maxsize=8192)
def words(text: str) -> tuple[Word, ...]:
    """The whitespace-separated words of `text` with their offsets and matching forms, edge
    punctuation left out. Not `matching.tokens`, on purpose: an answer is a slice
    `text[start:end]` of the sentence, so each word keeps its span, and a form such as "2500"
    or "الولايات" stays one word whatever punctuation it carries inside."""
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
# Month names that are English words too ("march", "may"): a month only beside a number.
_CAUTIOUS_MONTHS = frozenset({"march", "mar", "may"})
_BEFORE_AFTER_EN = {"قبل": "before", "بعد": "after", "منذ": "since", "before": "before", "after": "after",
                    "since": "since", "by": "by", "until": "until", "حتي": "until"}


def capitalize_first(s: str) -> str:
    return s[:1].upper() + s[1:] if s else s


def find_quantities(sentence: str, ws: list[Word], lang: str) -> list[tuple[Extracted, str]]:
    """(value, unit) for every count in the sentence; years and days of month excluded."""
    forms = [w.form for w in ws]
    out = []
    i = 0
    while i < len(ws):
        f = forms[i]
        value = numbers.number_at(forms, i)
        if value is None:
            i += 1
            continue
        is_digit = f[0].isdigit()
        near_month = any(0 <= k < len(ws) and (lexicon.lookup(lexicon.MONTH_OF, forms[k]))
                         for k in (i - 1, i + 1))
        if is_digit and (numbers.is_year(forms, i, value) or (near_month and value <= 31)):
            i += 1
            continue
        n = numbers.count_at(forms, i, value)
        value, j, qual, unit = n.value, n.end, n.qualifier, n.unit
        start = i
        if qual and i and forms[i - 1] not in lexicon.MORE | lexicon.LESS:
            start = i - 1
        elif qual in ("more", "less") and i >= 2:
            start = i - 2 if forms[i - 1] in ("من", "than") else i - 1
        if lang == "ar" or language(sentence) == lang:  # as written ("130 million"), when no translation is needed
            display = sentence[ws[start].start:ws[j - 1].end]
        else:
            number = format_number(value) if is_digit or value not in _EN_NUMBER else _EN_NUMBER[int(value)]
            display = capitalize_first(f"{_QUALIFIER_EN[qual]} {number}" if qual else number)
        out.append((Extracted(display, "count", ws[start].start, ws[j - 1].end, unit), unit))
        i = j
    return out


def find_times(sentence: str, ws: list[Word], lang: str) -> list[Extracted]:
    """Dates, months with years, weekdays, years and relative times ("last year").

    Long (about 80 lines) because the kinds overlap on the same words (a date holds a month
    and a year): one pass records the words each reading takes (`used`), so a shorter reading
    of the same words is not reported again."""
    forms = [w.form for w in ws]
    out: list[tuple[int, Extracted]] = []
    used: set[int] = set()

    def month_at(k: int) -> tuple[int, int] | None:
        """(month, words it spans) at word k: one-word names or Levantine pairs."""
        if k >= len(forms):
            return None
        pair = numbers.month_pair(forms, k, proclitics=False)
        if pair:
            return pair, 2
        m = numbers.month_name(forms, k, cautious=_CAUTIOUS_MONTHS, ambiguous={}, is_number=str.isdigit)
        return (m, 1) if m else None

    def emit(first: int, last: int, kind: str, en: str) -> None:
        prefix = ""
        if first and forms[first - 1] in _BEFORE_AFTER_EN and forms[first - 1] not in ("منذ",) or (
                first and forms[first - 1] in ("before", "after", "since", "until")):
            prefix = forms[first - 1]
            first -= 1
        if lang == "ar":
            display = sentence[ws[first].start:ws[last].end]
        else:
            display = capitalize_first(f"{_BEFORE_AFTER_EN[prefix]} {en}" if prefix else en)
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
        w = numbers.weekday_of(forms[i])
        if w is not None:
            emit(i, i, "weekday", lexicon.WEEKDAY_NAMES["en"][w])
            continue
        if re.fullmatch(r"(1[5-9]|20)\d\d", forms[i]) and numbers.is_year(forms, i, float(forms[i])):
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
