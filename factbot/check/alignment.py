"""Does a typed conflict fill the same slot on both sides? A conflict refutes only when it does.

"The coalition will leave by 2026" and "the coalition was formed in 2014" both hold a year,
but of different events; "900 British troops" and "2500 US troops" both count troops, but
not the same ones. So a typed conflict must also agree on what the value is of (dev set
tests/data/claims_dev.jsonl: 8 of 20 errors were such cross-slot refutations). Also here:
the conflicts `compare` does not see (who acted, for whom, before/after: `slot_conflicts`)
and how much of a claim's content a sentence states (`content_terms`, `covered_terms`)."""

from __future__ import annotations

import re
from dataclasses import replace
from functools import lru_cache

from factbot.text import facts, slots
from factbot.text.facts import is_future
from factbot.text.glossary import QUESTION_FILLERS, glossary, term_set
from factbot.text.matching import language, terms
from factbot.text.names import words_found


# Words either side of the article's value that must include one of the claim's content
# terms (cross-lingual via the EN→AR glossary): "تشكيله في عام 2014" for "formed in 2016".
# 4 keeps the predicate of a year ("تم تشكيله في عام") and drops the sentence's subject six
# words back ("التحالف الذي تم تشكيله في عام 2014"), which any coalition claim shares.
SLOT_WINDOW = 4
# Value kinds whose slot is read from the words around them.
WINDOWED_KINDS = frozenset({"year", "month", "date", "ordinal"})
# Kinds of a past fact: an article reporting past events does not contradict a claim about
# a future one ("the next round will be held in Washington" vs "met in Baghdad").
FACT_KINDS = frozenset({"number", "year", "month", "date", "weekday", "ordinal", "place", "person", "order"})
# An antonym ("deployed" vs "withdrawal") only refutes in a sentence that states the claim's
# fact: at least this share of the claim's content terms.
ACTION_COVERAGE = 0.4


# Words of saying and of the calendar ("في عام 2024", "in the year"): no predicate of a value.
_FILLERS = frozenset(QUESTION_FILLERS | set(terms("says قال قالت يقول تقول وقال وقالت will year years عام العام "
                                                   "سنه day يوم month شهر there يوجد هناك")))


# English words for the article's founding verb (تشكيل) beyond extract's glossary.
_MORE_GLOSS = {"establish": "تشكيل", "established": "تشكيل", "founded": "تشكيل", "found": "تشكيل",
               "create": "تشكيل", "created": "تشكيل", "set": "تشكيل", "formation": "تشكيل"}


@lru_cache(maxsize=1)
def _more_glossary() -> dict[str, frozenset[str]]:
    out = dict(glossary())
    for en, ar in _MORE_GLOSS.items():
        key = terms(en)[0] if terms(en) else en
        out[key] = out.get(key, frozenset()) | frozenset(terms(ar))
    return out


@lru_cache(maxsize=4096)
def content_terms(claim: str) -> tuple[frozenset[str], ...]:
    """The claim's content terms without its values and names, each as the stems that would
    state it in a sentence (itself, plus Arabic for an English term the glossary knows)."""
    skip = set(terms(" ".join(slots.value_tokens(claim)))) | _FILLERS
    gloss = _glossary_for(claim)
    return tuple(_stated_as(t, gloss) for t in dict.fromkeys(terms(claim)) if t not in skip and not t[:1].isdigit())


def _glossary_for(claim: str) -> dict[str, frozenset[str]]:
    return _more_glossary() if language(claim) == "en" else {}  # the article is Arabic


def _stated_as(term: str, gloss: dict[str, frozenset[str]]) -> frozenset[str]:
    """The stems that state a claim's term in a sentence: itself, plus Arabic for an English
    term the glossary knows. The crude English stem cuts "hopes"/"reducing" to "hop"/"reduc"
    but the glossary's "hope"/"reduce" keep their e: look up both."""
    return frozenset({term}) | gloss.get(term, frozenset()) | gloss.get(term + "e", frozenset())


def covered_terms(claim: str, evidence: str) -> frozenset[int]:
    """Positions in `content_terms(claim)` that `evidence` states (a name also when the
    evidence writes it in another script)."""
    es = term_set(evidence) | frozenset(t for w in words_found(claim, evidence) for t in terms(w))
    return frozenset(i for i, alts in enumerate(content_terms(claim)) if alts & es)


# Longest quote of the article a negation reason shows when the denied word itself is not there.
AFFIRMED_WORDS = 12


def _states(evidence_token: str, alts: frozenset[str]) -> bool:
    # "سيكون" states "يكون": the future prefix (and و/ف) the light stemmer leaves on
    return bool(alts & term_set(evidence_token)) or any(
        evidence_token.endswith(a) and 0 < len(evidence_token) - len(a) <= 2 for a in alts)


def negation_values(claim: str, evidence: str) -> tuple[str, str] | None:
    """The values of a negation conflict, as a reason quotes them: what the claim denies
    ("did not agree") and what the article affirms instead ("اتفقت") — the denied word in the
    sentence, else the stretch of it that states the claim's other content terms."""
    denied = slots.denial(claim)
    if denied is None:
        return None
    phrase, word = denied
    ws = slots.words(evidence)
    alts = _stated_as(word, _glossary_for(claim)) | frozenset(terms(word))
    for w, t in ws:
        if _states(t, alts):
            return phrase, w
    hit = [i for i, (_, t) in enumerate(ws) if any(_states(t, a) for a in content_terms(claim))]
    if not hit:
        return None
    first, last = hit[0], hit[-1]
    return phrase, " ".join(w for w, _ in ws[max(first, last - AFFIRMED_WORDS + 1):last + 1])


def quoted(k: facts.Conflict, claim: str, evidence: str) -> facts.Conflict:
    """A negation conflict with the words it is about, so its reason can name them."""
    if k.kind != "negation":
        return k
    values = negation_values(claim, evidence)
    return replace(k, claim=values[0], evidence=values[1], quoted=True) if values else k


def _near(evidence: str, test) -> frozenset[str]:
    toks = slots.tokens(evidence)
    near = []
    for i in slots.positions(evidence, test):
        near += toks[max(0, i - SLOT_WINDOW):i + SLOT_WINDOW + 1]
    return term_set(" ".join(near))


def _digits(display: str) -> str:
    m = re.search(r"\d+", display)
    return m.group(0) if m else ""


def same_slot(k: facts.Conflict, claim: str, evidence: str) -> bool:
    """Do the claim's and the article's values in conflict `k` fill the same slot?"""
    if k.kind in FACT_KINDS and is_future(claim) and not is_future(evidence):
        return False
    if k.kind == "place" and k.claim in slots.actors(claim):
        return False  # "a strike by Israel": who acted, not where (the actor conflict says it)
    if k.kind == "negation" and not slots.negated(claim):
        return False  # "غير الأمريكية" (non-US) negates a word, not the statement
    if k.kind == "number":
        if slots.denies_owner(claim):  # "non-US troops" are not the article's US troops
            return False
        # whose: "900 British troops" is not a count of "2500 جندي أمريكي"
        c_own = slots.owners_near(claim, _digits(k.claim)) if _digits(k.claim) else frozenset()
        e_own = slots.owners_near(evidence, _digits(k.evidence)) if _digits(k.evidence) else frozenset()
        return not (c_own and e_own and not c_own & e_own)
    if k.kind in WINDOWED_KINDS:
        if k.kind == "ordinal":
            want = int(k.evidence)
            near = _near(evidence, lambda t: slots.ordinal_of(t) == want)
        elif k.kind == "month":
            near = _near(evidence, lambda t: facts.analyze(t).months != ())
        else:
            d = _digits(k.evidence)
            near = _near(evidence, lambda t: t == d)
        return any(alts & near for alts in content_terms(claim))
    if k.kind == "negation":
        # the article must state what the claim denies: as for an antonym, the denial stands in
        # for one content term (the denied verb)
        n = len(content_terms(claim))
        return n == 0 or (len(covered_terms(claim, evidence)) + 1) / n >= ACTION_COVERAGE
    if k.kind == "action":
        # the sentence's opposite verb stands in for the claim's verb (+1): the rest of the
        # claim must be stated too, so "deployed" meets "withdrawal" only in its own sentence
        n = len(content_terms(claim))
        return n == 0 or (len(covered_terms(claim, evidence)) + 1) / n >= ACTION_COVERAGE
    return True


def capital_matches(claim: str, evidence: str, comp: facts.Comparison) -> tuple[facts.Match, ...]:
    """"Washington said" is confirmed by "قالت الولايات المتحدة" (the city speaks for the state)."""
    have = {m.key for m in comp.matches}
    names = facts.entity_names(evidence)
    return tuple(facts.Match("place", city, f"entity:{city}") for city, state in facts.CAPITAL_OF.items()
                 if city in facts.entity_names(claim) and f"entity:{city}" not in have and state in names)


@lru_cache(maxsize=8192)
def _shares_a_value(claim: str, evidence: str) -> bool:
    return bool(facts.compare(claim, evidence).matches)


def _when(claim: str, value: str) -> str:
    """'7 October' for the day 7 of a claim's date, else the value (a year) itself."""
    f = facts.analyze(claim)
    for m, d in f.dates:
        if str(d) == value:
            return f"{d} {facts.MONTH_NAMES[f.lang][m - 1]}"
    return value


def slot_conflicts(claim: str, evidence: str) -> list[facts.Conflict]:
    """Conflicts `facts.compare` does not see: who did a single act ("غارة جوية أمريكية"
    vs "a British strike"), whom a named person works for, before/after the same date, and
    "لن يكون" (a strict negation reading) against a sentence that affirms."""
    out = []
    c_act, e_act = slots.actors(claim), slots.actors(evidence)
    if c_act and e_act and not c_act & e_act:
        a = sorted(c_act)[0]
        out.append(facts.Conflict("actor", a, sorted(e_act)[0], f"actor:{a}"))
    c_ally, e_ally = slots.allies(claim), slots.allies(evidence)
    if c_ally and e_ally and not c_ally & e_ally:
        a = sorted(c_ally)[0]
        out.append(facts.Conflict("ally", a, sorted(e_ally)[0], f"ally:{a}"))
    c_aff, e_aff = slots.affiliations(claim), slots.affiliations(evidence)
    for person, mine in c_aff.items():
        theirs = e_aff.get(person, frozenset())
        if theirs and mine - theirs and not mine & theirs:
            a = sorted(mine - theirs)[0]
            out.append(facts.Conflict("affiliation", a, sorted(theirs)[0], f"affiliation:{person}:{a}"))
    # "رفضت واشنطن الاتفاق" against "اتفقت": a refusal whose object is the evidence's act
    c_acts, e_acts = facts.actions(claim), facts.actions(evidence)
    for a in ("reject", "deny"):
        rivals = [b for b in facts.opposites(a) if b in c_acts and b in e_acts]
        if a in c_acts and a not in e_acts and rivals and same_slot(
                facts.Conflict("action", a, rivals[0]), claim, evidence):
            out.append(facts.Conflict("action", a, rivals[0], f"action:{a}"))
    c_ord, e_ord = slots.order_cues(claim), slots.order_cues(evidence)
    for value, cue in c_ord.items():
        if value in e_ord and e_ord[value] != cue:
            when = _when(claim, value)
            out.append(facts.Conflict("before_after", f"{cue} {when}", f"{e_ord[value]} {when}",
                                       f"before_after:{value}"))
    # "she said it will not be part of the talks" against "سيكون بالتأكيد جزءًا"
    if slots.negated(claim) and not slots.negated(evidence) and _shares_a_value(claim, evidence):
        out.append(facts.Conflict("negation", "not", "affirmed", "negation"))
    return out
