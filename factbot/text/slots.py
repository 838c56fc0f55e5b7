"""Which attribute a value fills: who a value or an event belongs to (owners, actors, allies,
affiliations), the before/after cue of a date, negation and denial, and the words around a
value.

`factbot.text.facts.compare` pairs values by type (a year with a year). Two years only
disagree when they are the year of the same thing: "withdraw by 2026" and "formed in 2014"
do not. These readers let the verifier refute only when both values fill the same slot (and
let `ask` tell whose count a number is). They are kept out of `compare` so the stance model's
features stay as they were fitted."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Protocol

from factbot.text import negation
from factbot.text.facts import AFTER_CUES, BEFORE_CUES, us_mentions
from factbot.text.lexicon import (APPROX_TABLE, ENTITIES, LESS, MONTH_OF, MORE, MULTIPLIERS, NUMBER_WORDS,
                                  ORDINALS, OWNER_OF, SINGLE, WEEKDAY_OF, lookup, variants)
from factbot.text.matching import fact_tokens, normalize


# An organisation stands for its country when saying whose spokesperson someone is.
_ORG_OWNER = {"Pentagon": "United States"}
# Nouns of a single act with one author ("a US air strike"): a different author is a conflict.
_EVENT_NOUNS = frozenset(normalize(w) for w in (
    "strike strikes airstrike airstrikes raid raids bombing drone "
    "غاره غارات ضربه ضربات قصف").split())
_AUTHOR_CUES = frozenset(normalize(w) for w in "by نفذ نفذت نفذتها نفذها شن شنت شنتها شنها".split())
# Arabic adjectives follow the noun ("غارة جوية أمريكية"); English ones precede it
# ("a British air strike") or the author follows "by".
ACTOR_WINDOW = 2


class Read(Protocol):
    """A text already read (`factbot.text.analysis.Analysis`): its matching-form tokens and
    whether it writes "US" as the country."""

    tokens: Sequence[str]
    us: bool


def _read(text: "str | Read") -> tuple[Sequence[str], bool]:
    """The tokens and the "US" flag of `text`, read now when it is a string."""
    if isinstance(text, str):
        return fact_tokens(text), us_mentions(text)
    return text.tokens, text.us


def _owner_at(toks: list[str], k: int, us: bool) -> str | None:
    """The country a token names or adjectives (a nationality, a country, 'US' as written)."""
    t = toks[k]
    if t == "us":
        return "United States" if us else None
    o = lookup(OWNER_OF, t)
    if o:
        return o
    name = lookup(SINGLE, t)
    if name and ENTITIES[name][0] == "country":
        return name
    if name in _ORG_OWNER:
        return _ORG_OWNER[name]
    return None


def denies_owner(text: "str | Read") -> bool:
    """"non-US troops", "القوات غير الأمريكية": the text counts everyone but a country."""
    toks, us = _read(text)
    return any(t in ("non", "غير") and k + 1 < len(toks) and _owner_at(toks, k + 1, us)
               for k, t in enumerate(toks))


def owners(text: "str | Read") -> frozenset[str]:
    """Every country the text names or adjectives ("Iraqi soldiers", "US forces", "الإيراني")."""
    toks, us = _read(text)
    return frozenset(o for k in range(len(toks)) if (o := _owner_at(toks, k, us)))


def owners_near(text: "str | Read", value: str, window: int = 3) -> frozenset[str]:
    """Countries named within `window` tokens of the token `value` (matching form): whose
    troops "900 British troops" / "2500 جندي أمريكي" counts."""
    toks, us = _read(text)
    out = set()
    for i, t in enumerate(toks):
        if t == value:
            for k in range(max(0, i - window), min(len(toks), i + window + 1)):
                o = _owner_at(toks, k, us) if k != i else None
                if o:
                    out.add(o)
    return frozenset(out)


def actors(text: "str | Read") -> frozenset[str]:
    """Countries that carried out a single act the text names ("غارة جوية أمريكية" → United
    States; "a British air strike", "a strike by Israel" → Britain, Israel)."""
    toks, us = _read(text)
    out = set()
    for i, t in enumerate(toks):
        if not any(v in _EVENT_NOUNS for v in variants(t)):
            continue
        near = list(range(i + 1, min(len(toks), i + 1 + ACTOR_WINDOW)))
        near += list(range(max(0, i - ACTOR_WINDOW), i))
        # the author named after "by" or a verb of carrying out ("was carried out by Israel",
        # "نفذتها إسرائيل"), anywhere after the act
        near += [b + d for b in range(i + 1, len(toks)) if toks[b] in _AUTHOR_CUES for d in (1, 2)]
        for k in near:
            o = _owner_at(toks, k, us) if k < len(toks) else None
            if o:
                out.add(o)
    return frozenset(out)


_ALLY_CUES = frozenset(normalize(w) for w in (
    "allied aligned backed proxy proxies loyal متحالفه المتحالفه موالية الموالية موالي مدعومه المدعومه").split())
ALLY_WINDOW = 3  # "Iran-allied groups", "الجماعات المتحالفة مع إيران"


def allies(text: "str | Read") -> frozenset[str]:
    """Countries groups are said to be allied with or backed by ("الجماعات المتحالفة مع إيران"
    → Iran; "Saudi-allied groups" → Saudi Arabia)."""
    toks, us = _read(text)
    out = set()
    for i, t in enumerate(toks):
        if not any(v in _ALLY_CUES for v in variants(t)):
            continue
        # English names the ally before the cue ("Iran-allied") or after "by"/"with"; Arabic
        # after it ("المتحالفة مع إيران"). Not any country nearby: "Saudi-allied groups attacked US forces".
        near = list(range(max(0, i - 2), i))
        if not t.isascii() or (i + 1 < len(toks) and toks[i + 1] in ("by", "with", "to")):
            near += list(range(i + 1, min(len(toks), i + ALLY_WINDOW + 1)))
        for k in near:
            o = _owner_at(toks, k, us)
            if o:
                out.add(o)
    return frozenset(out)


PERSON_WINDOW = 6  # tokens after/before a name that say whom the person works for


def affiliations(text: "str | Read") -> dict[str, frozenset[str]]:
    """Person → the countries (or organisations standing for one) named next to them:
    "نائبة السكرتير الصحفي للبنتاغون صابرين سينغ" → {"Sabrina Singh": {"United States"}}."""
    toks, us = _read(text)
    # a country that carried out an act near the name ("killed in a US air strike") is no employer
    acts = {k for i, t in enumerate(toks) if any(v in _EVENT_NOUNS for v in variants(t))
            for k in range(i - ACTOR_WINDOW, i + ACTOR_WINDOW + 1)}
    out: dict[str, set[str]] = {}
    for i, t in enumerate(toks):
        name = lookup(SINGLE, t)
        if not name or ENTITIES[name][0] != "person":
            continue
        for k in range(max(0, i - PERSON_WINDOW), min(len(toks), i + PERSON_WINDOW + 1)):
            o = _owner_at(toks, k, us) if k != i and k not in acts else None
            if o:
                out.setdefault(name, set()).add(o)
    return {n: frozenset(s) for n, s in out.items()}


ORDER_WINDOW = 4  # "after the January 2020 strike": the cue may stand a few words before the date


def order_cues(text: "str | Read") -> dict[str, str]:
    """Each year or day-of-month (digits) → "before"/"after" when such a cue stands just
    before it: "قبل 7 أكتوبر" → {"7": "before"}."""
    toks, _ = _read(text)
    out = {}
    for i, t in enumerate(toks):
        if not t.isdigit():
            continue
        for k in range(i - 1, max(-1, i - 1 - ORDER_WINDOW), -1):
            if toks[k] in BEFORE_CUES or toks[k] in AFTER_CUES:
                out.setdefault(t, "before" if toks[k] in BEFORE_CUES else "after")
                break
    return out


def negated(text: "str | Read") -> bool:
    """Does the text deny its statement? (the strict reading of `negation`: "غير"/"non" before
    a word only makes it "non-X")"""
    return negation.denies(_read(text)[0])


# English helpers a denial leans on ("did not agree", "would not be"): shown with it, never
# taken for the denied word.
_AUXILIARIES = frozenset("do does did will would shall should can could may might must is are was were "
                         "be been being has have had".split())


def words(text: str) -> list[tuple[str, str]]:
    """Each word as written, with its matching-form token (the form `tokens` gives). Words as
    written, not only tokens, on purpose: a negation reason quotes the article's own words."""
    out = []
    # letters with their Arabic marks ("جزءًا" is one word though its tanween is no letter)
    for m in re.finditer(r"(?:[^\W_]|[\u0610-\u061A\u064B-\u065F\u0670])+(?:'t)?", text):
        norm = fact_tokens(m.group(0))
        if norm:
            out.append((m.group(0), norm[0]))
    return out


def denial(text: str) -> tuple[str, str] | None:
    """What the text denies, for a reason to quote: ("did not agree", "agree") — the denial as
    written (helpers, cue and the denied word) and the denied word's matching form. None when
    `negated(text)` is False or nothing follows the cue."""
    ws = words(text)
    toks = [t for _, t in ws]
    for i in range(len(toks)):
        if not negation.is_cue(toks, i, strict=True):
            continue
        start = i - 1 if i > 0 and toks[i - 1] in _AUXILIARIES else i
        j = i + 1
        while j < len(toks) and j < i + 4 and toks[j] in _AUXILIARIES:
            j += 1
        if j >= len(toks):
            return None
        return " ".join(w for w, _ in ws[start:j + 1]), toks[j]
    return None


def value_tokens(text: "str | Read") -> frozenset[str]:
    """Tokens that are values or names rather than what is said of them (digits, numbers,
    months, weekdays, ordinals, places, persons, nationalities)."""
    out = set()
    for t in _read(text)[0]:
        if t[0].isdigit() or any(lookup(tab, t) is not None for tab in
                                 (NUMBER_WORDS, MONTH_OF, WEEKDAY_OF, ORDINALS, SINGLE, OWNER_OF,
                                  APPROX_TABLE)) \
                or t in ("us", "u", "s") or t in MULTIPLIERS or t in MORE or t in LESS:
            out.add(t)
    return frozenset(out)


def positions(text: "str | Read", token_test) -> list[int]:
    return [i for i, t in enumerate(_read(text)[0]) if token_test(t)]


def tokens(text: "str | Read") -> list[str]:
    """The matching-form tokens every helper here counts positions in."""
    return list(_read(text)[0])


def entity_of(token: str) -> str | None:
    return lookup(SINGLE, token)


def ordinal_of(token: str) -> int | None:
    return lookup(ORDINALS, token)
