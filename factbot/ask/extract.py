"""Question typing and answer extraction, Arabic and English: pure functions of text.

`question_type(q)` says what kind of answer a question asks for (a count, a date, a
year, a weekday, a person, a place, or just "the sentence that answers"); `extract(q,
sentence)` finds a value of that kind in one sentence and renders it in the question's
language where words allow ("حوالي 2500" → "About 2500", "السبت" → "Saturday",
"خارج مطار بغداد" → "Outside Baghdad airport"); names with no known English form stay
in Arabic script. Work happens on words of the original sentence with their matching
forms (`text.normalize`), so an Arabic answer is an exact slice of the sentence.

The lexicons of numbers, months, weekdays, units and places come from `factbot.text.lexicon`
(shared with `factbot.text.facts`); this module adds a person/organisation gazetteer with
English names. What a question asks for is `factbot.ask.questions`; how its English words
meet Arabic text, `factbot.text.glossary`.
"""

from __future__ import annotations

import re
from functools import lru_cache

from factbot.ask.questions import (EXCLUDED_WINDOW, NEGATORS, QType, asked_owners, counted_noun, excluded_terms,
                                   question_type)
from factbot.ask.values import Extracted, Word, capitalize_first, find_quantities, find_times, words
from factbot.text import lexicon, slots
from factbot.text.glossary import question_terms
from factbot.text.matching import language, normalize, terms
from factbot.text.numbers import NOUN_AFTER


# --- lexicons --------------------------------------------------------------------------------


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


# --- extraction -----------------------------------------------------------------------------


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
    window = {t for w in ws[max(floor, first - TITLE_WINDOW):first] for t in terms(w.form)}
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
        out.append(Extracted(capitalize_first(display), "person", ws[first].start, ws[last].end))
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
            display = capitalize_first(f"{prep} {en}") if prep and prep not in ("in", "at", "from", "to") else en
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


@lru_cache(maxsize=16384)
def only_excluded(question: str, sentence: str, qtype: QType | None = None, lang: str | None = None) -> bool:
    """Does the sentence hold values of the asked kind, every one of them said of a group the
    question leaves out or counting another country's ("2500 جندي أمريكي" for "How many
    non-American troops…?")? Such a sentence speaks of the asked measure and says it only of
    what is not asked: it is evidence that the answer is not there, not a weak answer."""
    return not extract_all(question, sentence, qtype, lang) and bool(_typed_values(question, sentence, qtype, lang))


@lru_cache(maxsize=16384)
def _typed_values(question: str, sentence: str, qtype: QType | None, lang: str | None) -> tuple[Extracted, ...]:
    """Every value of the asked kind in the sentence, before the question's exclusions (cached:
    `extract_all` and `only_excluded` both read it)."""
    return tuple(_find_typed(question, sentence, qtype, lang))


def _find_typed(question: str, sentence: str, qtype: QType | None, lang: str | None) -> list[Extracted]:
    qtype = qtype or question_type(question)
    lang = lang or language(question)
    if not qtype.typed:
        return []
    ws = words(sentence)
    if qtype is QType.COUNT:
        found = find_quantities(sentence, ws, lang)
        unit = counted_noun(question)
        # a count of something else is no answer: "how many rockets?" is not "2500 جندي"
        kept = [e for e, u in found if unit and u == unit] + [e for e, u in found if not u or not unit]
        stems_at = [frozenset(terms(w.form)) for w in ws]  # once per sentence, not per count
        return sorted(kept, key=lambda e: _count_rank(question, ws, stems_at, e, unit))
    if qtype is QType.PERSON:
        return _persons(question, sentence, ws, lang)
    if qtype is QType.PLACE:
        return _places(question, sentence, ws, lang)
    times = find_times(sentence, ws, lang)
    kinds = _DATE_KINDS[qtype]
    out = [e for e in times if e.kind in kinds]
    if qtype is QType.YEAR and lang == "en":  # "January 2020" asked for its year -> "2020"
        out = [replace_display(e, re.search(r"\d{4}", e.display).group()) if e.kind != "year" else e
               for e in out if re.search(r"\d{4}", e.display)]
    return sorted(out, key=lambda e: kinds.index(e.kind)) if qtype is not QType.DATE else out


def _count_rank(question: str, ws: tuple[Word, ...], stems_at: list[frozenset[str]], value: Extracted,
                noun: str) -> tuple[int, float]:
    """Sort key of a count among the sentence's counts (stable: ties keep sentence order).
    First the one whose own noun is the asked one ("How many stops?": "14 stops", not "9.4
    kilometres"; in both languages the counted noun follows its number), then the one the
    question's terms stand nearest ("How many people died?": the number beside "died")."""
    span = [i for i, w in enumerate(ws) if w.start >= value.start and w.end <= value.end] or [0]
    after = frozenset().union(*stems_at[span[-1] + 1:span[-1] + 1 + NOUN_AFTER])
    return (0 if noun and noun in after else 1, -_nearness(question, stems_at, span))


def _nearness(question: str, stems_at: list[frozenset[str]], span: list[int]) -> float:
    """Σ 1 / (1 + words between the value and the nearest place of each question term)."""
    total = 0.0
    for alternatives in question_terms(question):
        gaps = [min(abs(i - span[0]), abs(i - span[-1])) for i, st in enumerate(stems_at)
                if alternatives & st and not span[0] <= i <= span[-1]]
        total += 1.0 / (1 + min(gaps)) if gaps else 0.0
    return total


def replace_display(e: Extracted, display: str) -> Extracted:
    return Extracted(display, e.kind, e.start, e.end, e.unit)


def _about_excluded(sentence: str, value: "Extracted", excluded: frozenset[str]) -> bool:
    """Is the value said of an excluded group: an excluded term within EXCLUDED_WINDOW words
    of it, not itself negated in the sentence ("غير الأمريكية" answers "non-American")?"""
    ws = words(sentence)
    for i in window(ws, value, EXCLUDED_WINDOW):
        negated = i > 0 and bool(set(terms(ws[i - 1].form)) & NEGATORS)
        if not negated and any(t in excluded for t in terms(ws[i].form)):
            return True
    return False


def _owned_by_another(question: str, sentence: str, value: "Extracted") -> bool:
    """The question says whose things it counts ("Iraqi soldiers") and the sentence says the
    value counts another country's ("2500 جندي أمريكي"): countries within EXCLUDED_WINDOW
    tokens of it, none of them the question's."""
    asked = asked_owners(question)
    if not asked:
        return False
    head = slots.tokens(sentence[value.start:value.end])
    near = slots.owners_near(sentence, head[0], EXCLUDED_WINDOW) if head else frozenset()
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
    return frozenset(t for i in window(ws, value, width) for t in terms(ws[i].form))


def extract(question: str, sentence: str, qtype: QType | None = None, lang: str | None = None) -> Extracted | None:
    """The best value of the asked kind in `sentence`, or None."""
    found = extract_all(question, sentence, qtype, lang)
    return found[0] if found else None
