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

from factbot.text import facts, slots
from factbot.text.actions import opposites
from factbot.text.analysis import Analysis, as_analysis, stated_as
from factbot.text.glossary import term_set
from factbot.text.lexicon import SINGLE, lookup
from factbot.text.matching import terms
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


def content_terms(claim: str | Analysis) -> tuple[frozenset[str], ...]:
    """The claim's content terms without its values and names, each as the stems that would
    state it in a sentence (`Analysis.content_terms`)."""
    return as_analysis(claim).content_terms


def covered_terms(claim: str | Analysis, evidence: str | Analysis) -> frozenset[int]:
    """Positions in `content_terms(claim)` that `evidence` states (a name also when the
    evidence writes it in another script)."""
    c, e = as_analysis(claim), as_analysis(evidence)
    es = e.terms | frozenset(t for w in words_found(c.text, e.text) for t in terms(w))
    return frozenset(i for i, alts in enumerate(c.content_terms) if alts & es)


# A sentence states most of a claim when it states this share of its content terms (the share
# at which the verifier deems a sentence relevant on its words alone: RELEVANT_COVERAGE there).
MOST_TERMS = 0.6


def states_most(claim: str | Analysis, evidence: str | Analysis) -> bool:
    """Does `evidence` state at least MOST_TERMS of the claim's content terms (and some)?"""
    c = as_analysis(claim)
    n = len(c.content_terms)
    return n > 0 and len(covered_terms(c, evidence)) / n >= MOST_TERMS


# Longest quote of the article a negation reason shows when the denied word itself is not there.
AFFIRMED_WORDS = 12


def _states(evidence_token: str, alts: frozenset[str]) -> bool:
    # "سيكون" states "يكون": the future prefix (and و/ف) the light stemmer leaves on
    return bool(alts & term_set(evidence_token)) or any(
        evidence_token.endswith(a) and 0 < len(evidence_token) - len(a) <= 2 for a in alts)


def negation_values(claim: str | Analysis, evidence: str | Analysis) -> tuple[str, str] | None:
    """The values of a negation conflict, as a reason quotes them: what the claim denies
    ("did not agree") and what the article affirms instead ("اتفقت") — the denied word in the
    sentence, else the stretch of it that states the claim's other content terms."""
    c, e = as_analysis(claim), as_analysis(evidence)
    denied = c.denial
    if denied is None:
        return None
    phrase, word = denied
    ws = e.words
    alts = stated_as(word, c.glossary) | frozenset(terms(word))
    for w, t in ws:
        if _states(t, alts):
            return phrase, w
    hit = [i for i, (_, t) in enumerate(ws) if any(_states(t, a) for a in c.content_terms)]
    if not hit:
        return None
    first, last = hit[0], hit[-1]
    return phrase, " ".join(w for w, _ in ws[max(first, last - AFFIRMED_WORDS + 1):last + 1])


def quoted(k: facts.Conflict, claim: str | Analysis, evidence: str | Analysis) -> facts.Conflict:
    """A negation conflict with the words it is about, so its reason can name them."""
    if k.kind != "negation":
        return k
    values = negation_values(claim, evidence)
    return replace(k, claim=values[0], evidence=values[1], quoted=True) if values else k


def _near(evidence: Analysis, test) -> frozenset[str]:
    toks = evidence.tokens
    near = []
    for i in slots.positions(evidence, test):
        near += toks[max(0, i - SLOT_WINDOW):i + SLOT_WINDOW + 1]
    return term_set(" ".join(near))


def _digits(display: str) -> str:
    m = re.search(r"\d+", display)
    return m.group(0) if m else ""


def _states_enough(c: Analysis, e: Analysis) -> bool:
    """The sentence states the claim's fact: with one term for the claim's verb (an antonym or
    the denial stands in for it, +1), at least ACTION_COVERAGE of its content terms."""
    n = len(c.content_terms)
    return n == 0 or (len(covered_terms(c, e)) + 1) / n >= ACTION_COVERAGE


# Entity kinds that name what a claim is about; a country ("the United States") is named by
# most sentences of a news collection, so it tells no subject apart.
_SUBJECT_ENTITIES = frozenset({"person", "org", "city"})


def _same_subject(c: Analysis, e: Analysis, near: frozenset[str]) -> bool:
    """The words around a date say what it is the date of ("formed in 2014"); the rest of the
    claim says of what ("the coalition"). "The NFL was formed in 1920" dates a founding, but not
    the coalition's: when the claim has content beyond the date's slot, the sentence must state
    some of it, or one of the claim's names."""
    others = [alts for alts in c.content_terms if not alts & near]
    if not others or any(alts & e.terms for alts in others) or words_found(c.text, e.text):
        return True
    return any(kind in _SUBJECT_ENTITIES and name in e.entity_names for kind, name in c.facts.entities)


def same_slot(k: facts.Conflict, claim: str | Analysis, evidence: str | Analysis) -> bool:
    """Do the claim's and the article's values in conflict `k` fill the same slot?"""
    c, e = as_analysis(claim), as_analysis(evidence)
    if k.kind in FACT_KINDS and c.future and not e.future:
        return False
    if k.kind == "place" and k.claim in c.actors:
        return False  # "a strike by Israel": who acted, not where (the actor conflict says it)
    if k.kind == "negation" and not c.negated:
        return False  # "غير الأمريكية" (non-US) negates a word, not the statement
    if k.kind == "number":
        if c.denies_owner:  # "non-US troops" are not the article's US troops
            return False
        # whose: "900 British troops" is not a count of "2500 جندي أمريكي"
        c_own = c.owners_near(_digits(k.claim)) if _digits(k.claim) else frozenset()
        e_own = e.owners_near(_digits(k.evidence)) if _digits(k.evidence) else frozenset()
        return not (c_own and e_own and not c_own & e_own)
    if k.kind in WINDOWED_KINDS:
        if k.kind == "ordinal":
            want = int(k.evidence)
            near = _near(e, lambda t: slots.ordinal_of(t) == want)
        elif k.kind == "month":
            near = _near(e, lambda t: facts.analyze(t).months != ())
        else:
            d = _digits(k.evidence)
            near = _near(e, lambda t: t == d)
        return any(alts & near for alts in c.content_terms) and _same_subject(c, e, near)
    if k.kind in ("negation", "action"):
        # the article must state what the claim denies or reverses: the sentence's opposite
        # verb (or the denial) stands in for the claim's verb, so "deployed" meets
        # "withdrawal" only in its own sentence
        return _states_enough(c, e)
    return True


# Prepositions that put what follows them at a place: "held in Washington", "في واشنطن". A
# city after one is where something happens, not the government it stands for.
_LOCATIVE = frozenset({"in", "at", "inside", "في", "داخل"})


def _as_state(claim: Analysis, city: str) -> bool:
    """Does the claim name `city` as its government ("Washington said", "agreed with
    Washington"), not as a place ("in Washington", "بواشنطن")? Yes unless every mention of it
    follows a locative preposition or carries the proclitic ب (at, in)."""
    toks = claim.tokens

    def as_place(i: int) -> bool:
        after_preposition = i > 0 and toks[i - 1] in _LOCATIVE
        with_proclitic = toks[i].startswith("ب") and lookup(SINGLE, toks[i][1:]) == city
        return after_preposition or with_proclitic

    spots = [i for i, t in enumerate(toks) if lookup(SINGLE, t) == city]
    return not spots or not all(as_place(i) for i in spots)


def capital_matches(claim: str | Analysis, evidence: str | Analysis,
                    comp: facts.Comparison) -> tuple[facts.Match, ...]:
    """"Washington said" is confirmed by "قالت الولايات المتحدة" (the city speaks for the state);
    "held in Washington" is not (there the city is a place)."""
    c, e = as_analysis(claim), as_analysis(evidence)
    have = {m.key for m in comp.matches}
    return tuple(facts.Match("place", city, f"entity:{city}") for city, state in facts.CAPITAL_OF.items()
                 if city in c.entity_names and f"entity:{city}" not in have and state in e.entity_names
                 and _as_state(c, city))


def _when(claim: Analysis, value: str) -> str:
    """'7 October' for the day 7 of a claim's date, else the value (a year) itself."""
    f = claim.facts
    for m, d in f.dates:
        if str(d) == value:
            return f"{d} {facts.MONTH_NAMES[f.lang][m - 1]}"
    return value


def _rival(kind: str, mine: frozenset[str], theirs: frozenset[str]) -> list[facts.Conflict]:
    """A conflict when both sides name someone for the role and no one in common."""
    if mine and theirs and not mine & theirs:
        a = sorted(mine)[0]
        return [facts.Conflict(kind, a, sorted(theirs)[0], f"{kind}:{a}")]
    return []


def slot_conflicts(claim: str | Analysis, evidence: str | Analysis,
                   comparison: facts.Comparison | None = None) -> list[facts.Conflict]:
    """Conflicts `facts.compare` does not see: who did a single act ("غارة جوية أمريكية"
    vs "a British strike"), whom a named person works for, before/after the same date, and
    "لن يكون" (a strict negation reading) against a sentence that affirms. `comparison`
    is `facts.compare` of the two, when the caller has it."""
    c, e = as_analysis(claim), as_analysis(evidence)
    out = _rival("actor", c.actors, e.actors) + _rival("ally", c.allies, e.allies)
    for person, mine in c.affiliations.items():
        theirs = e.affiliations.get(person, frozenset())
        if theirs and mine - theirs and not mine & theirs:
            a = sorted(mine - theirs)[0]
            out.append(facts.Conflict("affiliation", a, sorted(theirs)[0], f"affiliation:{person}:{a}"))
    # "رفضت واشنطن الاتفاق" against "اتفقت": a refusal whose object is the evidence's act
    c_acts, e_acts = c.facts.actions, e.facts.actions
    for a in ("reject", "deny"):
        rivals = [b for b in opposites(a) if b in c_acts and b in e_acts]
        if a in c_acts and a not in e_acts and rivals and same_slot(facts.Conflict("action", a, rivals[0]), c, e):
            out.append(facts.Conflict("action", a, rivals[0], f"action:{a}"))
    for value, cue in c.order_cues.items():
        if value in e.order_cues and e.order_cues[value] != cue:
            when = _when(c, value)
            out.append(facts.Conflict("before_after", f"{cue} {when}", f"{e.order_cues[value]} {when}",
                                       f"before_after:{value}"))
    # "she said it will not be part of the talks" against "سيكون بالتأكيد جزءًا"
    if c.negated and not e.negated:
        if (comparison or facts.compare(c.facts, e.facts)).matches:
            out.append(facts.Conflict("negation", "not", "affirmed", "negation"))
    return out
