"""Claim analysis: the checkable values in an Arabic or English sentence, and the
conflicts between a claim and a piece of evidence.

Everything here is a pure function of text. `analyze(text)` returns `Facts`
(quantities, years, months, weekdays, dates, places, persons, actions, polarity);
`compare(claim, evidence)` returns the `Conflict`s — the same attribute with a
different value on each side — and the `Match`es — claim values the evidence
repeats. A conflict is only raised when both sides speak of the same kind of
thing (a count of troops against a count of troops, a city against a city):
an article that is silent about a value does not contradict it.

Work happens on the matching form (`text.normalize`: Arabic-Indic digits are ASCII,
hamza/alef/ta-marbuta unified, lower case), so every Arabic word list below is
written in that form or passed through `normalize` when built. The lists this module
shares with answer extraction (places, nationalities, units, numbers, months, weekdays,
ordinals) and their token lookups live in `factbot.text.lexicon`, the reading of numbers and
months in `factbot.text.numbers`, the negation rule in `factbot.text.negation`, the actions
and their opposites in `factbot.text.actions`; the before/after cues stay here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from factbot.text import negation, numbers
from factbot.text.actions import ACTION_OF, opposites
from factbot.text.lexicon import (AMBIGUOUS_MONTHS, ENTITIES, LESS, MONTH_NAMES, MONTH_OF, MONTH_PAIRS, MORE, MULTI,
                                  MULTIPLIERS, NATIONALITY_OF, ORDINALS, SINGLE, WEEKDAY_NAMES, lookup, variants)
from factbot.text.matching import fact_tokens, format_number, language, normalize, terms, tokens

def display_name(name: str, lang: str) -> str:
    """A canonical entity name as a reader of `lang` writes it: the first Arabic form for "ar"."""
    if lang == "ar" and name in ENTITIES:
        for form in ENTITIES[name][1].split():
            if re.search("[\u0600-\u06ff]", form):
                return form.replace("_", " ")
    return name


# Kinds that exclude one another: a claim in Erbil and an article in Baghdad disagree.
_CONFLICTING_KINDS = ("city", "country", "region", "person")

# Month names that are English verbs too: a month only next to a number ("march on", "7 March").
_VERB_MONTHS = frozenset({"march", "mar"})

# Relative tolerance when a side hedges ("about 2,500"): 10% keeps "about 2,400" consistent.
_APPROX_TOLERANCE = 0.10

BEFORE_CUES = frozenset({"before", "prior", "earlier", "قبل", "قبيل"})
AFTER_CUES = frozenset({"after", "since", "following", "later", "بعد", "منذ", "عقب"})



# --- results ---------------------------------------------------------------

@dataclass(frozen=True)
class Quantity:
    value: float
    unit: str = ""          # what is counted ("troops", "groups"), "" when unknown
    qualifier: str = ""     # "" exact | "approx" | "more" | "less"
    text: str = ""          # the words as written in the matching form, e.g. "حوالي 2500"
    # without a known unit, the stems of the (up to) numbers.NOUN_AFTER content words after the number:
    # its noun, in both languages ("14 stops", "14 محطة"), maybe behind an adjective (`_counterparts`)
    nouns: frozenset[str] = field(default=frozenset(), compare=False)
    # the stems of the content words within CONTEXT_WORDS either side, its nouns aside: what
    # the count is said of ("the European Union paid 45 million", "It cost 130 million").
    # Neither these nor `nouns` take part in equality: they describe the words around a value
    context: frozenset[str] = field(default=frozenset(), compare=False)


@dataclass(frozen=True)
class Facts:
    """The checkable values of one sentence."""

    lang: str
    quantities: tuple[Quantity, ...] = ()
    years: tuple[int, ...] = ()
    months: tuple[int, ...] = ()
    weekdays: tuple[int, ...] = ()
    dates: tuple[tuple[int, int], ...] = ()   # (month, day)
    ordinals: tuple[int, ...] = ()
    entities: tuple[tuple[str, str], ...] = ()  # (kind, canonical name)
    actions: tuple[str, ...] = ()
    negations: int = 0
    order: tuple[str, ...] = ()                # "before" / "after" cues
    words: tuple[str, ...] = field(default=(), repr=False)
    ranges: tuple[tuple[float, float], ...] = ()  # (from, to) as written: "1854 – 1941", "between 4 and 2"

    def required_keys(self) -> tuple[str, ...]:
        """The claim values an article must repeat before the claim counts as supported
        (same keys as `Match.key`). Actions are left out: a verb may be paraphrased."""
        keys = [f"number:{q.unit}:{format_number(q.value)}" for q in self.quantities]
        keys += [f"year:{y}" for y in self.years] + [f"weekday:{d}" for d in self.weekdays]
        keys += [f"date:{d}" for d in self.dates]
        keys += [f"month:{m}" for m in self.months if m not in [d[0] for d in self.dates]]
        keys += [f"ordinal:{o}" for o in self.ordinals]
        keys += [f"entity:{n}" for k, n in self.entities if k in _CONFLICTING_KINDS]
        return tuple(dict.fromkeys(keys))

    @property
    def checkable(self) -> int:
        """How many values a reader could check against an article."""
        return (len(self.quantities) + len(self.years) + len(self.weekdays) + len(self.dates)
                + len([e for e in self.entities if e[0] in _CONFLICTING_KINDS]) + len(self.actions))


@dataclass(frozen=True)
class Conflict:
    kind: str       # number | year | month | weekday | date | ordinal | range | place | person | action | negation | order
    claim: str      # the claim's value, display form
    evidence: str   # the evidence's value, display form
    key: str = field(default="", compare=False)  # the claim value's identity, shared with `Match.key`
    quoted: bool = field(default=False, compare=False)  # a negation's values are the words it is about,
    #                                                     not the bare "not" / "affirmed"


@dataclass(frozen=True)
class Match:
    kind: str
    value: str
    key: str = field(default="", compare=False)


@dataclass(frozen=True)
class Comparison:
    conflicts: tuple[Conflict, ...]
    matches: tuple[Match, ...]


# --- analysis ----------------------------------------------------------------

def us_mentions(text: str) -> bool:
    """'US'/'U.S.' as written: lower-cased 'us' is the pronoun."""
    return bool(re.search(r"\bU\.?S\.?(?=\W|$)(?!\w)", text))


_NUM = r"(\d+(?:\.\d+)?)"
# A range is read in the order it is written ("(1854 – 1941)", "from 1997 to 2007", "بين 4 و2",
# "من عام 1997 إلى عام 2007"): the same two values the other way round are another statement.
_RANGE = re.compile(
    rf"(?<![\d.\-–—]){_NUM}\s*[-–—]\s*{_NUM}(?![\d.]|\s*[-–—]\s*\d)"
    rf"|\b(?:between|from)\s+{_NUM}\s+(?:and|to|until|till)\s+{_NUM}\b"
    rf"|(?:بين|من)\s+(?:عام\s+)?{_NUM}\s+(?:و\s*|الي\s+|حتي\s+)(?:عام\s+)?{_NUM}")


def ranges_in(text: str) -> tuple[tuple[float, float], ...]:
    """The (from, to) ranges `text` writes, of two different values."""
    out = []
    for m in _RANGE.finditer(normalize(text)):
        a, b = (float(g) for g in m.groups() if g is not None)
        if a != b:
            out.append((a, b))
    return tuple(dict.fromkeys(out))


def _context(toks: list[str], start: int, end: int) -> frozenset[str]:
    """The stems of the content words within CONTEXT_WORDS of toks[start:end] (`Quantity.context`)."""
    around = toks[max(0, start - CONTEXT_WORDS):start] + toks[end:end + CONTEXT_WORDS]
    return frozenset(t for t in terms(" ".join(around)) if not t[0].isdigit())


def analyze(text: str) -> Facts:
    """The checkable values of `text` (Arabic or English).

    Long (about 90 lines) on purpose: one left-to-right pass over the tokens, where each
    reading records the tokens it takes (`used`) so that a later reading skips them; split
    into functions, that shared state would have to be threaded through every one of them."""
    toks = fact_tokens(text)
    used: set[int] = set()
    months: list[int] = []
    dates: list[tuple[int, int]] = []
    weekdays: list[int] = []
    years: list[int] = []
    quantities: list[Quantity] = []
    ordinals: list[int] = []

    # months (two-word Levantine names first, so "الأول" is not read as an ordinal)
    for i in range(len(toks)):
        m = numbers.month_pair(toks, i, proclitics=True)
        if m:
            months.append(m)
            used.update({i, i + 1})
    for i in range(len(toks)):
        if i in used:
            continue
        m = numbers.month_name(toks, i, cautious=_VERB_MONTHS, ambiguous=AMBIGUOUS_MONTHS,
                               is_number=lambda t: t[0].isdigit())
        if m:
            months.append(m)
            used.add(i)
    # day-of-month: "7 أكتوبر", "October 7", "7 October"
    for i, t in enumerate(toks):
        if i in used or not t.isdigit() or not 1 <= int(t) <= 31:
            continue
        for k in (i + 1, i - 1):
            if 0 <= k < len(toks) and k in used and (lookup(MONTH_OF, toks[k]) or toks[k] in AMBIGUOUS_MONTHS
                                                      or (k + 1 < len(toks) and (toks[k], toks[k + 1]) in MONTH_PAIRS)):
                month = lookup(MONTH_OF, toks[k]) or AMBIGUOUS_MONTHS.get(toks[k]) or \
                    MONTH_PAIRS.get((toks[k], toks[k + 1]))
                dates.append((month, int(t)))
                used.add(i)
                break
    for i, t in enumerate(toks):
        if i in used:
            continue
        w = numbers.weekday_of(t)
        if w is not None:
            weekdays.append(w)
            used.add(i)
    # numbers, years, multipliers
    i = 0
    while i < len(toks):
        if i in used:
            i += 1
            continue
        fraction = numbers.fraction_at(toks, i)
        # "نصف مليون": a fraction of a multiplier is a count (500000), read below as counts are
        if fraction is not None and not (fraction[1] == i + 1 and i + 1 < len(toks) and toks[i + 1] in MULTIPLIERS):
            value, end = fraction
            quantities.append(Quantity(value, numbers.FRACTION, "", " ".join(toks[i:end]),
                                       context=_context(toks, i, end)))
            i = end
            continue
        value = fraction[0] if fraction is not None else numbers.number_at(toks, i)
        if value is None:
            nxt = toks[i + 1] if i + 1 < len(toks) else ""
            # "لأول مرة" / "for the first time" is no ordinal of anything checkable
            o = lookup(ORDINALS, toks[i]) if nxt not in ("مره", "time") else None
            if o is not None:
                ordinals.append(o)
            i += 1
            continue
        if toks[i][0].isdigit() and numbers.is_year(toks, i, value):
            years.append(int(value))
            i += 1
            continue
        n = numbers.count_at(toks, i, value)
        start = i - 1 if n.qualifier and i and toks[i - 1] not in MORE | LESS else i
        after = terms(" ".join(toks[n.end:n.end + numbers.NOUN_AFTER]))
        nouns = frozenset() if n.unit else frozenset(t for t in after if not t[0].isdigit())
        quantities.append(Quantity(n.value, n.unit, n.qualifier, " ".join(toks[max(start, 0):n.end]), nouns,
                                   _context(toks, max(start, 0), n.end) - nouns))
        i = n.end
    entities: list[tuple[str, str]] = []
    for i in range(len(toks)):
        for parts, name in MULTI:
            n = len(parts)
            window = toks[i:i + n]
            if len(window) == n and window[1:] == list(parts[1:]) and parts[0] in variants(window[0]):
                entities.append((ENTITIES[name][0], name))
        name = lookup(SINGLE, toks[i])
        if name and toks[i] not in ("us",):
            entities.append((ENTITIES[name][0], name))
        elif lookup(NATIONALITY_OF, toks[i]):
            entities.append(("nationality", lookup(NATIONALITY_OF, toks[i])))
    if us_mentions(text):
        entities.append(("country", "United States"))
    actions = [a for a in (lookup(ACTION_OF, t) for t in toks) if a]
    negations = negation.count(toks)
    order = [("before" if t in BEFORE_CUES else "after") for t in toks if t in BEFORE_CUES or t in AFTER_CUES]
    return Facts(
        lang=language(text), quantities=tuple(quantities), years=tuple(years), months=tuple(months),
        weekdays=tuple(weekdays), dates=tuple(dates), ordinals=tuple(ordinals),
        entities=tuple(dict.fromkeys(entities)), actions=tuple(dict.fromkeys(actions)),
        negations=negations, order=tuple(order), words=tuple(toks), ranges=ranges_in(text))


# --- comparison ----------------------------------------------------------------


def _show(q: Quantity, lang: str) -> str:
    if q.unit == numbers.FRACTION:
        return numbers.fraction_name(q.value, lang)
    word = {"en": {"approx": "about ", "more": "more than ", "less": "fewer than "},
            "ar": {"approx": "حوالي ", "more": "أكثر من ", "less": "أقل من "}}[lang].get(q.qualifier, "")
    return word + format_number(q.value)


def quantities_agree(a: Quantity, b: Quantity) -> bool:
    """Can both statements be true? Hedged values get a relative tolerance; bounds compare."""
    tol = _APPROX_TOLERANCE if "approx" in (a.qualifier, b.qualifier) else 0.0

    def close(x: float, y: float) -> bool:
        return abs(x - y) <= tol * max(abs(x), abs(y))

    for x, y in ((a, b), (b, a)):
        if x.qualifier == "more" and y.qualifier not in ("less",):
            return y.value > x.value or close(x.value, y.value)
        if x.qualifier == "less" and y.qualifier not in ("more",):
            return y.value < x.value or close(x.value, y.value)
    return close(a.value, b.value)


CONTEXT_WORDS = 4  # words either side of a count that say what it is said of


def _same_unit(a: Quantity, b: Quantity) -> bool:
    return a.unit == b.unit


def _counterparts(q: Quantity, evidence: Facts, same_language: bool) -> list[Quantity]:
    """The evidence's quantities `q` is compared with: those of its unit; in one language, when
    some of them share a noun with it ("14 stops" for "20 stops", beside "9.4 kilometres
    long"), those and the ones with no noun; then, of several, those whose surrounding words
    share most with the claim's, when that tells them apart. Without a shared noun or word all
    stay: a paraphrase names the counted thing otherwise ("5 people" / "7 civilians"), and
    requiring the noun cost ANS test macro-F1 (0.700 -> 0.694)."""
    same = [r for r in evidence.quantities if _same_unit(q, r)]
    if not same_language:
        return same
    if q.nouns and any(q.nouns & r.nouns for r in same):
        same = [r for r in same if q.nouns & r.nouns or not r.nouns]  # a count with no noun may be it
    if len(same) > 1 and q.context:
        # of several, the ones said of what the claim says it of ("the European Union paid 130
        # million" meets "the European Union paid 45 million", not "It cost 130 million")
        shared = [len(q.context & r.context) for r in same]
        top = max(shared)
        if top and shared.count(top) < len(same):
            same = [r for r, k in zip(same, shared) if k == top]
    return same


def compare(claim: str | Facts, evidence: str | Facts) -> Comparison:
    """Conflicts (same attribute, different value) and matches (claim values the evidence repeats).

    Values the evidence does not mention are neither: silence is not contradiction. Just over
    60 lines: one short block per kind of value, read in turn, each adding to the same
    conflicts and matches."""
    c = claim if isinstance(claim, Facts) else analyze(claim)
    e = evidence if isinstance(evidence, Facts) else analyze(evidence)
    lang = c.lang
    conflicts: list[Conflict] = []
    matches: list[Match] = []

    for q in c.quantities:
        same = _counterparts(q, e, c.lang == e.lang)
        key = f"number:{q.unit}:{format_number(q.value)}"
        if any(quantities_agree(q, r) for r in same):
            matches.append(Match("number", format_number(q.value), key))
        elif same:
            conflicts.append(Conflict("number", _show(q, lang), _show(same[0], lang), key))

    def plain(kind: str, mine: tuple, theirs: tuple, show) -> None:
        for v in dict.fromkeys(mine):
            key = f"{kind}:{v}"
            if v in theirs:
                matches.append(Match(kind, show(v), key))
            elif theirs:
                other = next(t for t in theirs if t not in mine) if any(t not in mine for t in theirs) else None
                if other is not None:
                    conflicts.append(Conflict(kind, show(v), show(other), key))

    plain("year", c.years, e.years, str)
    plain("weekday", c.weekdays, e.weekdays, lambda d: WEEKDAY_NAMES[lang][d])
    plain("date", c.dates, e.dates, lambda md: f"{md[1]} {MONTH_NAMES[lang][md[0] - 1]}")
    # a month alone compares with the months of the evidence
    plain("month", tuple(m for m in c.months if m not in [d[0] for d in c.dates]), e.months,
          lambda m: MONTH_NAMES[lang][m - 1])
    plain("ordinal", c.ordinals, e.ordinals, str)
    for a, b in c.ranges:
        # the evidence's range the other way round, and never this way: "1941 – 1854" for "1854 – 1941"
        if (b, a) in e.ranges and (a, b) not in e.ranges:
            conflicts.append(Conflict("range", f"{format_number(a)}–{format_number(b)}",
                                      f"{format_number(b)}–{format_number(a)}", f"range:{a}:{b}"))

    e_names = {n for _, n in e.entities}
    c_names = {n for _, n in c.entities}
    for kind, name in c.entities:
        if name in e_names:
            matches.append(Match(kind if kind in ("person", "org") else "place", name, f"entity:{name}"))
            continue
        if kind not in _CONFLICTING_KINDS:  # organisations and nationalities name no rival
            continue
        rivals = [n for k, n in e.entities if k == kind and n not in c_names]
        if rivals:
            conflicts.append(Conflict("person" if kind == "person" else "place", name, rivals[0], f"entity:{name}"))

    for a in c.actions:
        if a in e.actions:
            matches.append(Match("action", a, f"action:{a}"))
            continue
        rivals = [b for b in e.actions if b in opposites(a) and b not in c.actions]
        if rivals:
            conflicts.append(Conflict("action", a, rivals[0], f"action:{a}"))

    # Only "the claim denies what the article affirms": an article's negation is often in
    # another clause ("… لا يفهمون سوى لغة القوة"), which a claim need not contradict.
    if c.negations > 0 and e.negations == 0 and matches:
        conflicts.append(Conflict("negation", "not", "affirmed", "negation"))
    c_order, e_order = set(c.order), set(e.order)
    if len(c_order) == 1 and len(e_order) == 1 and c_order != e_order and (c.dates or c.years or c.months):
        conflicts.append(Conflict("order", next(iter(c_order)), next(iter(e_order)), f"order:{next(iter(c_order))}"))
    return Comparison(tuple(conflicts), tuple(matches))


# A city that speaks for its country's government ("Washington said", "تتوقع بغداد"): a claim
# naming the city is confirmed by a sentence naming the country.
CAPITAL_OF = {"Washington": "United States", "Baghdad": "Iraq"}


_EN_FUTURE = re.compile(r"\b(will|shall|going to|next|upcoming|future|plan(s|ned)? to)\b")
_AR_FUTURE_WORDS = frozenset({"سوف", "المقبل", "المقبله", "القادم", "القادمه", "مستقبلا"})
# "سـ" + an imperfect verb ("ستنتهي", "سيشرفون", "سنعمل"); nouns that merely start like one are listed
_AR_FUTURE_VERB = re.compile(r"^س[يتن]\w{2,}$")
_AR_NOT_FUTURE = ("سياد", "سيطر", "سياس", "سيار", "سينا", "ستين", "سنوات", "سنه", "سته", "ستار", "سيد", "سين")


def is_future(text: str) -> bool:
    """Does the text speak of the future ("will", "سوف", "ستنتهي")?"""
    t = normalize(text)
    if _EN_FUTURE.search(t):
        return True
    for tok in (w for w in tokens(text) if not w[0].isdigit()):
        tok = tok[1:] if tok[:1] in ("و", "ف") and len(tok) > 4 else tok
        if tok in _AR_FUTURE_WORDS or (_AR_FUTURE_VERB.match(tok) and not tok.startswith(_AR_NOT_FUTURE)):
            return True
    return False
