"""Reading numbers, counts, years, months and weekdays from matching-form tokens: the one reader
that claim analysis (`factbot.text.facts.analyze`) and answer extraction (`factbot.ask.values`)
share.

The two differ where their jobs do, by parameters rather than by copies: a claim's facts
read a month name behind a proclitic ("وتشرين الأول") and "آب" next to a number, while an
answer only takes a name that stands as written and leaves "may" alone unless next to a day;
each caller says how (`month_name`, `month_pair`). Tokens are the matching form
(`factbot.text.matching`): `fact_tokens` for facts, the words of `ask.values` for answers.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from factbot.text.lexicon import (AMBIGUOUS_MONTHS, APPROX_TABLE, LESS, MONTH_OF, MONTH_PAIRS, MORE, MULTIPLIERS,
                                  NUMBER_WORDS, UNIT_OF, WEEKDAY_OF, lookup, variants)

_DIGITS = re.compile(r"\d+(?:\.\d+)?")

def number_at(toks: Sequence[str], i: int) -> float | None:
    """The number token i writes in digits ("2500", "2.5") or words ("five", "خمسه"), or None.
    A token that only starts with a digit ("10%" among the words of `ask.values`) is none."""
    t = toks[i]
    if t[0].isdigit():
        return float(t) if _DIGITS.fullmatch(t) else None
    return lookup(NUMBER_WORDS, t) if t not in ("الف", "الاف") else None


# Words after a count that may be its noun ("14 stops", "ثلاث جزر", "9.4 kilometres long"): in both
# languages the counted noun follows its number, maybe behind an adjective. Read by `ask`
# (`extract._count_rank`) and `check` (`facts.Quantity.nouns`) alike.
NOUN_AFTER = 2


def unit_near(toks: Sequence[str], i: int, j: int) -> str:
    """The counted noun: first known unit within 3 tokens after the number, else before it
    (Arabic number words follow their noun: "فرق العمل الثلاث")."""
    for k in list(range(j, min(len(toks), j + 3))) + list(range(i - 1, max(-1, i - 4), -1)):
        u = lookup(UNIT_OF, toks[k])
        if u:
            return u
        if toks[k] in ("working", "work", "العمل", "عمل", "us", "american", "امريكي", "اميركي", "عراقي"):
            continue
    return ""


def qualifier(toks: Sequence[str], i: int) -> str:
    """How the words before the number at i hedge it: "approx", "more", "less" or ""."""
    prev = toks[max(0, i - 3):i]
    if any(lookup(APPROX_TABLE, p) for p in prev) or (i + 1 < len(toks) and toks[i + 1] == "تقريبا"):
        return "approx"
    if any(p in MORE for p in prev):
        return "more"
    if any(p in LESS for p in prev):
        return "less"
    return ""


def is_year(toks: Sequence[str], i: int, value: float) -> bool:
    """Is the number `value` at i a year ("in 2014", "أكتوبر 2023", a bare 2014 counting nothing)?"""
    if not (1900 <= value <= 2100) or "." in toks[i]:
        return False
    prev = toks[i - 1] if i else ""
    if prev in ("in", "since", "of", "year", "عام", "العام", "سنه", "لعام", "منذ", "في", "until", "by") or \
            lookup(MONTH_OF, prev) or prev in AMBIGUOUS_MONTHS:
        return True
    return not unit_near(toks, i, i + 1)


@dataclass(frozen=True)
class Count:
    """A number read at a token, with what follows and precedes it."""

    value: float     # times its multiplier ("2.5 مليون" -> 2500000.0)
    end: int         # the index after the number and its multiplier
    qualifier: str   # "" exact | "approx" | "more" | "less"
    unit: str        # what is counted ("troops"), "" when unknown


def count_at(toks: Sequence[str], i: int, value: float) -> Count:
    """The count whose number (`value`, from `number_at`) stands at token i."""
    j = i + 1
    if j < len(toks) and toks[j] in MULTIPLIERS:
        value *= MULTIPLIERS[toks[j]]
        j += 1
    return Count(value, j, qualifier(toks, i), unit_near(toks, i, j))


# Fractions said in words ("by half", "a third", "two thirds", "ربع", "ثلثي"): compared with one
# another as counts of the unit FRACTION, never with percentages (a claim's "half" is not
# refuted by "48%"). English "third" / "quarter" are fractions only behind "a", "one" or a
# number; alone they are ordinals ("the third round") or nouns ("the old quarter").
FRACTION = "fraction"
_EN_FRACTIONS = {"half": 1 / 2, "halves": 1 / 2, "third": 1 / 3, "thirds": 1 / 3, "quarter": 1 / 4,
                 "quarters": 1 / 4}
_AR_FRACTIONS = {"نصف": 1 / 2, "ثلث": 1 / 3, "ربع": 1 / 4, "ثلثي": 2 / 3, "ثلثا": 2 / 3, "ارباع": 1 / 4,
                 "اثلاث": 1 / 3}
_AR_FRACTIONS.update({"ال" + w: v for w, v in list(_AR_FRACTIONS.items())})
_FRACTION_NAMES = {1 / 2: ("half", "نصف"), 1 / 3: ("a third", "ثلث"), 1 / 4: ("a quarter", "ربع"),
                   2 / 3: ("two thirds", "ثلثا"), 3 / 4: ("three quarters", "ثلاثة أرباع")}


def fraction_at(toks: Sequence[str], i: int) -> tuple[float, int] | None:
    """(value, index after it) of a fraction said in words from token i, or None."""
    t, nxt = toks[i], toks[i + 1] if i + 1 < len(toks) else ""
    if t in _AR_FRACTIONS and t not in ("ارباع", "اثلاث", "الارباع", "الاثلاث"):
        return _AR_FRACTIONS[t], i + 1
    if t == "half":
        return 1 / 2, i + 1
    if t in ("a", "an", "one") and nxt in _EN_FRACTIONS and not nxt.endswith("s"):
        return _EN_FRACTIONS[nxt], i + 2
    n = number_at(toks, i) if nxt in _EN_FRACTIONS or nxt in _AR_FRACTIONS else None
    if n is not None and n == int(n) and 1 <= n <= 9:
        return n * (_EN_FRACTIONS.get(nxt) or _AR_FRACTIONS[nxt]), i + 2
    return None


def fraction_name(value: float, lang: str) -> str:
    """How a fraction reads in `lang`: "a third", "ثلث" (else its decimal)."""
    for v, names in _FRACTION_NAMES.items():
        if abs(v - value) < 1e-9:
            return names[lang == "ar"]
    return f"{value:.3g}"


def month_pair(toks: Sequence[str], k: int, *, proclitics: bool) -> int | None:
    """The month a Levantine two-word name at k names ("تشرين الاول" -> 10), or None. With
    `proclitics`, also when the first word carries one ("وتشرين الاول")."""
    if k + 1 >= len(toks):
        return None
    firsts = (toks[k], variants(toks[k])[-1]) if proclitics else (toks[k],)
    for first in firsts:
        if (first, toks[k + 1]) in MONTH_PAIRS:
            return MONTH_PAIRS[(first, toks[k + 1])]
    return None


def month_name(toks: Sequence[str], k: int, *, cautious: frozenset[str], ambiguous: Mapping[str, int],
               is_number: Callable[[str], bool]) -> int | None:
    """The month the one-word name at k names, or None. A name in `cautious` ("march", a verb
    too; "may") or in `ambiguous` (not in MONTH_OF: "اب" is also "father") is a month only next
    to a token that `is_number`."""
    t = toks[k]

    def near() -> bool:
        return bool(k and is_number(toks[k - 1])) or (k + 1 < len(toks) and is_number(toks[k + 1]))

    m = lookup(MONTH_OF, t)
    if m and (t not in cautious or near()):
        return m
    if t in ambiguous and near():
        return ambiguous[t]
    return None


def weekday_of(token: str) -> int | None:
    """The weekday (0 = Monday) a token names, proclitics allowed; "اثن…" only as written
    ("الاثنين", never "اثنين" = two)."""
    w = WEEKDAY_OF.get(token)
    if w is None and not token.startswith("اثن"):
        w = lookup(WEEKDAY_OF, token)
    return w
