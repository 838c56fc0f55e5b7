"""Claim verification: compare the claim with each retrieved sentence, then aggregate.

    hits (retrieved by the caller) → `Verifier.compare` each → `aggregate` (pure)

Only a conflict on the same attribute refutes: the claim says 5000 troops and a relevant
sentence says about 2500 troops; the claim says Sunday and the sentence Saturday; the claim
says "expand" and the sentence "end". An article that mentions the topic but not the value
(attacks, but no number of attacks) leaves the claim NOT_ENOUGH_INFO, and a claim is only
SUPPORTED when every value it states (numbers, dates, weekdays, places, persons) is found in
some relevant sentence — one sentence may give the number and another the place.
Whether a conflict is on the same attribute (the same slot) is `factbot.check.alignment`.

Cost per sentence: text analysis and a linear model over `Hit.dense` (the cosine the
retriever already computed): no embedding is made here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from factbot.check.alignment import (MOST_TERMS, capital_matches, content_terms, covered_terms, quoted, same_slot,
                                    slot_conflicts)
from factbot.check.reasons import REASONS, display
from factbot.check.stance import CLASSES, StanceModel, load_model, pair_features, pair_proba
from factbot.text import facts
from factbot.text.analysis import Analysis, analyse, as_analysis
from factbot.text.matching import terms
from factbot.text.names import NameInEvidence, is_arabic, key, read_names
from factbot.text.substitution import Substitution, restates, substitution
from factbot.types import LABEL_OF, Evidence, Hit, Label, Stance, Verdict, VerifierBackend

# A sentence is about the claim's subject when the model gives "unrelated" less than even
# odds, or when its cosine is high on its own. Cross-lingual e5 cosines of related pairs sit
# around 0.83 and of unrelated ones around 0.70 (OFFLINE-MODELS.md); Arabic-Arabic ANS
# related pairs are ≥ 0.87. 0.80 keeps cross-lingual related pairs without admitting noise.
RELEVANT_NEUTRAL_MAX = 0.5
RELEVANT_SIMILARITY = 0.80
# The model alone (no named conflict) refutes only when sure and the sentence is clearly a
# rewording of the claim (same language, most claim terms present): ANS-style antonym swaps.
RELEVANT_COVERAGE = MOST_TERMS  # 0.6: the share `alignment.states_most` calls most of a claim
MODEL_REFUTE_MIN = 0.80
MODEL_REFUTE_COVERAGE = 0.5
# Supported needs the model to lean to "supports", or every stated value to be confirmed.
SUPPORT_MIN = 0.5
# Conflicts that refute. "order" (before/after) is too easily about another clause.
# "ordinal" is left out: an ordinal says which event ("the second round"), so a sentence about
# the first round is silent about the second rather than contradicting it.
REFUTING_KINDS = frozenset({"number", "year", "month", "weekday", "date", "range", "place", "person",
                            "action", "negation", "actor", "ally", "affiliation", "before_after"})
# Conflicts that need the same named person, act, allegiance or date on both sides: a sentence
# that has them is about the claim whatever the model's relevance says.
SELF_RELEVANT_KINDS = frozenset({"actor", "ally", "affiliation", "before_after"})


# Supported needs the claim's content, not only its values: this share of its content terms
# stated by the cited sentences ("the next round will be held in Washington" names a place
# the article has, but nothing about a next round).
SUPPORT_COVERAGE = 0.5
# One sentence stating three in five of the claim's content terms (and all its values) restates it.
RESTATES_COVERAGE = 0.6


# A place conflicts only when said of the same thing. A claim that counts or dates something
# ("about 900 troops in Syria") is contradicted on its place only by a sentence giving that
# count or date of another place ("2500 troops in Syria" vs "2500 جندي ... في العراق"); a
# sentence with another count, or none, of another place ("حوالي 2500 جندي أمريكي ... في
# العراق") says nothing of the troops in Syria, so neither value refutes.
_WHERE = frozenset({"place"})
_HOW_MANY_OR_WHEN = frozenset({"number", "year", "month", "date"})


# Values said of something: a count, a date, a place or a person's name in a sentence is said of
# the claim's subject only when the sentence also states some of the claim's content (one of
# its content terms, or a name the claim gives). "A 1,200-plane airborne assault" counts no
# attacks on US forces, and "Bones ... aired until March 28, 2017" does not date the Soleimani
# strike: such a sentence neither confirms nor contradicts the claim's values. (Acts, denials
# and the slot helpers' conflicts have coverage rules of their own in `alignment`.)
SUBJECT_KINDS = frozenset({"number", "year", "month", "weekday", "date", "ordinal", "range", "place", "person", "org"})


# An Arabic term and a sentence's word state one thing when their consonant keys (`names.key`:
# long vowels and hamza dropped) agree on at least this many consonants: the noun and its verb,
# "اجتماع" (a meeting) and "اجتمع" (met), share a root that the light stemmer keeps apart.
ROOT_CONSONANTS = 3


def _states_subject(claim: Analysis, evidence: Analysis, covered: frozenset[int],
                    names: Sequence[NameInEvidence]) -> bool:
    """Does the sentence state any of the claim's content: one of its content terms (in either
    script, or an Arabic word of the same root), or one of its names? True of a claim that has
    none."""
    if not claim.content_terms or covered or any(n.found for n in names):
        return True
    roots = {k for w, _ in evidence.words if is_arabic(w) for k in [key(w)] if len(k) >= ROOT_CONSONANTS}
    return any(key(a) in roots for alts in claim.content_terms for a in alts if is_arabic(a))


def _of_one_subject(conflicts: Sequence[facts.Conflict], comparison: facts.Comparison,
                    claim: Analysis) -> tuple[facts.Conflict, ...]:
    """`conflicts` (slot-checked) without a place conflict the sentence does not share the
    claim's count or date with; and without any count or date conflict beside such a place
    (`comparison` holds every typed difference, before the slot checks dropped some)."""
    if not any(k.kind in _WHERE for k in comparison.conflicts):
        return tuple(conflicts)
    measured = any(key.split(":")[0] in _HOW_MANY_OR_WHEN for key in claim.facts.required_keys())
    shared = any(m.kind in _HOW_MANY_OR_WHEN for m in comparison.matches)
    if not measured or shared and not any(k.kind in _HOW_MANY_OR_WHEN for k in comparison.conflicts):
        return tuple(conflicts)
    return tuple(k for k in conflicts if k.kind not in _WHERE | _HOW_MANY_OR_WHEN)


@dataclass(frozen=True)
class Comparison:
    claim: str
    evidence: str
    stance: Stance
    probabilities: tuple[float, float, float]   # supports, refutes, neutral (CLASSES order)
    similarity: float
    relevant: bool
    conflicts: tuple[facts.Conflict, ...] = ()
    matches: tuple[facts.Match, ...] = ()
    # Which of the claim's content terms (`content_terms`, by position) the sentence states,
    # and how many there are; None when not measured (then support is not gated on it).
    covered: frozenset[int] | None = None
    n_terms: int = 0
    names: tuple[NameInEvidence, ...] = ()  # the claim's names, as this sentence has them
    # The one span the claim replaces in this sentence, which it otherwise restates
    # (`factbot.text.substitution`), and whether the sentence restates the claim word for word.
    substitution: Substitution | None = None
    restates: bool = False

    def p(self, stance: Stance) -> float:
        # the model's third class is ANS's "other": unrelated and neutral alike
        return self.probabilities[CLASSES.index(Stance.NEUTRAL if stance is Stance.UNRELATED else stance)]


@dataclass(frozen=True)
class Aggregate:
    label: Label
    confidence: float
    reason: str
    stances: tuple[Stance, ...]   # per comparison, as shown in the evidence list
    scores: tuple[float, ...]


def _refuting_conflicts(c: Comparison, confirmed: set[str]) -> list[facts.Conflict]:
    return [k for k in c.conflicts if k.kind in REFUTING_KINDS and k.key not in confirmed]


def _coverage(cited: Sequence[Comparison]) -> float:
    """Share of the claim's content terms the cited sentences state together (1.0 when not
    measured or when the claim is all values)."""
    if any(c.covered is None for c in cited) or not cited or not cited[0].n_terms:
        return 1.0
    return len(frozenset().union(*(c.covered for c in cited))) / cited[0].n_terms


# A verdict the rules decided against the model's doubt (a sentence restating every value and
# most terms of the claim, which the model fitted on ANS rewordings may call refuting) is a
# rule's word, not a measurement: shown at even odds rather than the model's few per cent,
# so no verdict is ever less likely than the labels it was preferred to.
RULE_CONFIDENCE = 0.5


def bears(c: Comparison) -> bool:
    """Does the sentence bear on the claim: a same-slot conflict, one of the claim's values
    (not merely a place or name the whole article shares), or most of its content terms?
    Unmeasured coverage (hand-built comparisons) falls back to the model's relevance."""
    if c.conflicts or any(not m.key.startswith("entity:") for m in c.matches):
        return True
    if c.covered is None:
        return c.relevant
    return c.n_terms > 0 and len(c.covered) / c.n_terms >= RELEVANT_COVERAGE


def _settle(comparisons: Sequence[Comparison], stances: Sequence[Stance],
            decisive: set[int]) -> tuple[tuple[Stance, ...], tuple[float, ...]]:
    """The stances shown: the sentences the verdict rests on keep theirs; every other one is
    neutral when it bears on the claim and unrelated when not, never supporting or refuting
    on the model's word alone (it called the Soleimani sentence "supports" for a troop count)."""
    out = tuple(st if i in decisive else Stance.NEUTRAL if bears(c) else Stance.UNRELATED
                for i, (c, st) in enumerate(zip(comparisons, stances)))
    return out, tuple(c.p(st) for c, st in zip(comparisons, out))


def aggregate(comparisons: Sequence[Comparison], required: Sequence[str], lang: str) -> Aggregate:
    """The verdict from per-sentence comparisons. Pure: numbers and values in, verdict out.

    `required` are the claim's value keys (`Facts.required_keys`); `lang` the claim's language
    ("en" / "ar"), used for the reason. Citations [n] are 1-based positions in `comparisons`.

    Long (about 70 lines) because it is one decision list read top to bottom: refuted by a
    slot-aligned conflict, else by the model on a rewording, else by a name in another's role,
    else supported when every value and enough content is confirmed (`_supported`), else not
    enough info; each rule and its reason sit together."""
    text = REASONS["ar" if lang == "ar" else "en"]
    relevant = [i for i, c in enumerate(comparisons) if c.relevant]
    confirmed = {m.key for i in relevant for m in comparisons[i].matches}
    # A place another sentence names cancels a place conflict only when that sentence also
    # gives the claim's count or date: "Syria" in a sentence about attacks does not make
    # "2500 troops in Syria" true of the sentence that puts the 2500 troops in Iraq.
    measured = any(k.split(":")[0] in _HOW_MANY_OR_WHEN for k in required)
    uncontested = {m.key for i in relevant for m in comparisons[i].matches
                   if not (measured and m.kind in _WHERE)
                   or any(x.kind in _HOW_MANY_OR_WHEN for x in comparisons[i].matches)}

    # 1. A relevant sentence names a different value for something the claim states,
    #    and no relevant sentence repeats the claim's value.
    refuting = [(i, _refuting_conflicts(comparisons[i], uncontested)) for i in relevant]
    refuting = [(i, ks) for i, ks in refuting if ks]
    # 2. Or the model is sure a close rewording says the opposite.
    #    Only when the sentence is the one evidence given (a stance pair, `check_against`): over
    #    retrieved article sentences the model, fitted on ANS rewordings, reads paraphrases
    #    as contradictions (dev: its 3 refutations were 2 paraphrases and 1 unstated claim),
    #    so there a claim is refuted only by a typed conflict in the same slot.
    model_refuting = [i for i in relevant if comparisons[i].stance is Stance.REFUTES
                      and not comparisons[i].conflicts and len(comparisons) == 1]

    stances = []  # the comparisons' own reading; `_settle` makes it what is shown
    for i, c in enumerate(comparisons):
        if any(j == i for j, _ in refuting) or i in model_refuting:
            st = Stance.REFUTES
        elif c.relevant and c.stance is Stance.SUPPORTS:
            st = Stance.SUPPORTS
        else:
            st = Stance.NEUTRAL
        stances.append(st)

    if refuting:
        i, ks = max(refuting, key=lambda r: (1.0 - comparisons[r[0]].p(Stance.NEUTRAL), comparisons[r[0]].similarity))
        # the slot helpers' conflicts (who acted, for whom, before/after) say most precisely what differs
        k = min(ks, key=lambda j: j.kind not in SELF_RELEVANT_KINDS)
        c = comparisons[i]
        if k.kind == "negation":
            reason = (text["negation"].format(c=k.claim, e=k.evidence, n=i + 1) if k.quoted
                      else text["denies"].format(n=i + 1))
        else:
            reason = text["says"].format(c=display(k.claim, k.kind, lang), e=display(k.evidence, k.kind, lang),
                                         n=i + 1)
        # Named conflict: at least 0.6, more as the sentence is surely about the claim.
        confidence = 0.6 + 0.4 * (1.0 - c.p(Stance.NEUTRAL))
        return Aggregate(Label.REFUTED, round(confidence, 6), reason,
                         *_settle(comparisons, stances, {j for j, _ in refuting}))
    if model_refuting:
        i = max(model_refuting, key=lambda j: comparisons[j].p(Stance.REFUTES))
        return Aggregate(Label.REFUTED, comparisons[i].p(Stance.REFUTES), text["model"].format(n=i + 1),
                         *_settle(comparisons, stances, set(model_refuting)))

    # A sentence the claim restates but for one span, which holds a name on either side
    # ("the current Dutch Prime Minister is Roger Goodell" / "... is Mark Rutte"): the claim
    # put another one in the sentence's slot. A name for a name refutes, naming both; else the
    # claim's span is what the article does not say. Unless a relevant sentence restates the
    # claim word for word (its words are in another sentence too).
    swapped = [i for i in relevant if comparisons[i].substitution is not None
               and (comparisons[i].substitution.claim_name or comparisons[i].substitution.evidence_name)]
    if swapped and not any(comparisons[i].restates for i in relevant):
        named = [i for i in swapped if comparisons[i].substitution.of_names]
        i = max(named or swapped, key=lambda j: (1.0 - comparisons[j].p(Stance.NEUTRAL), comparisons[j].similarity))
        s = comparisons[i].substitution
        if named:
            stances[i] = Stance.REFUTES
            confidence = 0.6 + 0.4 * (1.0 - comparisons[i].p(Stance.NEUTRAL))
            return Aggregate(Label.REFUTED, round(confidence, 6), text["says"].format(c=s.claim, e=s.evidence, n=i + 1),
                             *_settle(comparisons, stances, {i}))
        stances = [Stance.NEUTRAL if st is Stance.SUPPORTS else st for st in stances]
        return Aggregate(Label.NOT_ENOUGH_INFO, round(max(comparisons[i].p(Stance.NEUTRAL), 0.5), 6),
                         text["silent_value"].format(v=s.claim), *_settle(comparisons, stances, set()))

    # Every name the claim asserts must be in a relevant sentence, in the claim's role: a
    # sentence naming another one in that role refutes, naming both; no such sentence leaves
    # the claim unsupported.
    name_rivals, names_missing = _names_verdict(comparisons, relevant)
    if name_rivals:
        i, name, rival = max(name_rivals, key=lambda r: (1.0 - comparisons[r[0]].p(Stance.NEUTRAL),
                                                          comparisons[r[0]].similarity))
        stances[i] = Stance.REFUTES
        confidence = 0.6 + 0.4 * (1.0 - comparisons[i].p(Stance.NEUTRAL))
        return Aggregate(Label.REFUTED, round(confidence, 6), text["says"].format(c=name, e=rival, n=i + 1),
                         *_settle(comparisons, stances, {i}))

    missing = [k for k in required if k not in confirmed] + list(names_missing)
    if not missing:
        supported = _supported(comparisons, stances, relevant, required, text)
        if supported is not None:
            return supported
    # (a support that leaves a stated value unconfirmed is not one: no sentence decides)
    best_neutral = max((c.p(Stance.NEUTRAL) for c in comparisons), default=1.0)
    confidence = max(best_neutral, 0.5) if comparisons else 1.0
    reason = text["silent"]
    if missing and (relevant or names_missing):
        reason = text["silent_value"].format(v=missing[0].split(":")[-1])
    return Aggregate(Label.NOT_ENOUGH_INFO, round(confidence, 6), reason, *_settle(comparisons, stances, set()))


def _supported(comparisons: Sequence[Comparison], stances: list[Stance], relevant: list[int],
               required: Sequence[str], text: dict[str, str]) -> Aggregate | None:
    """SUPPORTED when every stated value is confirmed (the caller checked) and the sentences
    that support give enough of the claim's content; None otherwise. Marks the sentences shown
    as supporting in `stances`."""
    # A sentence that states most of the claim's content terms and names no conflict
    # supports even when the model hesitates (Arabic rewordings it leans to call refuting).
    supporters = [i for i in relevant if stances[i] is Stance.SUPPORTS
                  or (not comparisons[i].conflicts and _coverage([comparisons[i]]) >= RESTATES_COVERAGE
                      and comparisons[i].covered is not None)]
    # Sentences that repeat a stated value (a number, a date, a weekday: not merely a place
    # named everywhere) also support, even if the model hesitated.
    values = {k for k in required if not k.startswith("entity:")}
    helpers = [i for i in relevant if any(m.key in values for m in comparisons[i].matches)]
    if not (supporters or helpers):
        return None
    cited = set(supporters) | set(helpers)
    # The claim's content must come from the sentences that support it: a sentence cited
    # below only for a place it names ("Iran") states that place, not the rest of the claim.
    if _coverage([comparisons[i] for i in sorted(cited)]) < SUPPORT_COVERAGE:
        return None
    # A value no cited sentence gives (the place, when another sentence gave the number):
    # cite the most relevant sentence that gives it.
    for key in required:
        if not any(m.key == key for i in cited for m in comparisons[i].matches):
            givers = [i for i in relevant if any(m.key == key for m in comparisons[i].matches)]
            cited.add(max(givers, key=lambda i: 1.0 - comparisons[i].p(Stance.NEUTRAL)))
    cited = sorted(cited)
    # Shown as supporting (and cited in the reason): the cited sentences that bear on the
    # claim when they alone still give every value and enough of its terms; else all of
    # them (two sentences may each state part of the claim).
    shown = [i for i in cited if bears(comparisons[i])]
    if not (shown and all(any(m.key == key for i in shown for m in comparisons[i].matches) for key in required)
            and _coverage([comparisons[i] for i in shown]) >= SUPPORT_COVERAGE):
        shown = cited
    for i in shown:
        stances[i] = Stance.SUPPORTS
    best = max(comparisons[i].p(Stance.SUPPORTS) for i in shown)
    # Every stated value was found: at least 0.6 however unsure the model is.
    confidence = max(best, 0.6) if helpers else max(best, RULE_CONFIDENCE)
    refs = "".join(f"[{i + 1}]" for i in shown)
    return Aggregate(Label.SUPPORTED, round(confidence, 6), text["supported"].format(refs=refs),
                     *_settle(comparisons, stances, set(shown)))


def _states_content(c: Comparison, name: str) -> bool:
    """Does the sentence state any of the claim's content terms besides the words of `name`
    (unmeasured coverage, or no such term: yes)?"""
    if c.covered is None:
        return True
    own = set(terms(name))
    others = {i for i, alts in enumerate(content_terms(c.claim)) if not alts & own}
    return not others or bool(c.covered & others)


def _names_verdict(comparisons: Sequence[Comparison], relevant: list[int]
                   ) -> tuple[list[tuple[int, str, str]], list[str]]:
    """(sentence, claim's name, the sentence's name in its role) for each name no relevant
    sentence holds in its role but some names another one in; and the names nowhere held."""
    rivals, missing = [], []
    claim_names = comparisons[0].names if comparisons else ()
    for j, n in enumerate(claim_names):
        # held where a sentence states the name *and* some of what the claim says of it: a name
        # in a sentence about something else (another article's, or another event of this one)
        # does not hold it in the claim's role
        held = any(comparisons[i].names[j].found and not comparisons[i].names[j].rival
                   and _states_content(comparisons[i], n.name) for i in relevant)
        if held:
            continue
        theirs = [(i, n.name, comparisons[i].names[j].rival) for i in relevant if comparisons[i].names[j].rival]
        if theirs:
            rivals += theirs
        else:
            missing.append(n.name)
    return rivals, missing


class Verifier(VerifierBackend):
    """Stance of evidence sentences toward a claim, and the verdict they add up to."""

    def __init__(self, embedder=None, *, model: StanceModel | None = None) -> None:
        # `embedder` is accepted so FactBot can pass what it holds; the offline verifier does
        # not need it: the cosine comes with each Hit. (An LLM judges through factbot.check.judges.)
        self.embedder = embedder
        self.model = model or load_model()

    def compare(self, claim: str | Analysis, evidence: str | Analysis, similarity: float) -> Comparison:
        """Stance of one sentence toward the claim. `similarity` is cosine(claim query-embedding,
        evidence passage-embedding), i.e. `Hit.dense`. Each side is read once (`analyse`) and
        that reading is what the features, the slot checks and the names look at."""
        c, e = as_analysis(claim), as_analysis(evidence)
        f = pair_features(c, e, float(similarity))
        probs = tuple(float(v) for v in self.model.predict_proba([f])[0])
        p = dict(zip(CLASSES, probs))
        covered = covered_terms(c, e)
        n_terms = len(c.content_terms)
        # ... or when it states most of what the claim says: English claims over the Arabic
        # article have cosines of 0.72-0.78 even against the sentence they paraphrase
        relevant = (p[Stance.NEUTRAL] < RELEVANT_NEUTRAL_MAX or similarity >= RELEVANT_SIMILARITY
                    or (n_terms > 0 and len(covered) / n_terms >= RELEVANT_COVERAGE))
        # typed conflicts that fill the same slot, plus the ones only the slot helpers see
        # (compare's own before/after reading is left out: it ignores which date it is about)
        conflicts = tuple([k for k in f.comparison.conflicts if k.kind != "order" and same_slot(k, c, e)]
                          + [k for k in slot_conflicts(c, e, f.comparison)
                             if not any(j.kind == k.kind for j in f.comparison.conflicts)])
        conflicts = tuple(quoted(k, c, e) for k in _of_one_subject(conflicts, f.comparison, c))
        matches = f.comparison.matches + capital_matches(c, e, f.comparison)
        names = read_names(c.text, e.text)
        if not _states_subject(c, e, covered, names):
            conflicts = tuple(k for k in conflicts if k.kind not in SUBJECT_KINDS)
            matches = tuple(m for m in matches if m.kind not in SUBJECT_KINDS)
        relevant = relevant or any(k.kind in SELF_RELEVANT_KINDS for k in conflicts)
        refuting = [k for k in conflicts if k.kind in REFUTING_KINDS]
        claim_coverage = f["claim_coverage"]
        # A sentence that repeats a value the claim states (its number, weekday, date) is no
        # contradiction without a named conflict: ANS taught the model that short rewordings
        # often contradict, which a shortened true claim must not inherit.
        confirms_value = any(not m.key.startswith("entity:") for m in matches)
        cross_lingual = bool(f["cross_lingual"])
        if relevant and refuting:
            stance = Stance.REFUTES
        elif (relevant and p[Stance.REFUTES] >= MODEL_REFUTE_MIN and not cross_lingual
              and claim_coverage >= MODEL_REFUTE_COVERAGE and not confirms_value):
            stance = Stance.REFUTES
        elif relevant and p[Stance.SUPPORTS] >= SUPPORT_MIN:
            stance = Stance.SUPPORTS
        else:
            stance = Stance.NEUTRAL
        return Comparison(c.text, e.text, stance, probs, float(similarity), relevant, conflicts, matches,
                          covered, n_terms, names, substitution(c.text, e.text), restates(c.text, e.text))

    def verify(self, claim: str, hits: Sequence[Hit]) -> Verdict:
        """compare each retrieved sentence → aggregate. Evidence [n] follows the order of `hits`."""
        read = analyse(claim)
        comps = [self.compare(read, analyse(h.text), h.dense) for h in hits]
        agg = aggregate(comps, read.facts.required_keys(), read.lang)
        evidence = tuple(Evidence.from_hit(i + 1, h, agg.stances[i], agg.scores[i]) for i, h in enumerate(hits))
        return Verdict(claim, agg.label, float(min(1.0, max(0.0, agg.confidence))), agg.reason, evidence)

    def verify_pair(self, claim: str, hit: Hit) -> Verdict:
        """One given evidence sentence, no retrieval (a stance pair, `FactBot.check_against`):
        the stance model's own reading decides, since that is the task it was fitted on (ANS).
        `aggregate` is built for retrieved article sentences, where most are off the point and
        only slot-aligned conflicts may refute; on ANS pairs it scored macro-F1 0.41 against the
        model's 0.70. The reason still names conflicting values where `aggregate` found them."""
        read = analyse(claim)
        c = self.compare(read, analyse(hit.text), hit.dense)
        agg = aggregate([c], read.facts.required_keys(), read.lang)
        # The pair model reads the sentence vectors and those of the changed words: affordable
        # for one given sentence (not in `compare`, which runs for every retrieved one). Without
        # the embedder it was fitted on (a test's hash embedder), the cheap model's reading.
        probs = pair_proba(claim, hit.text, self.embedder, hit.dense)
        p = dict(zip(CLASSES, (float(v) for v in (c.probabilities if probs is None else probs))))
        stance = max(CLASSES, key=p.__getitem__)
        label = LABEL_OF[stance]
        text = REASONS["ar" if read.lang == "ar" else "en"]
        reason = agg.reason if agg.label is label else {
            Label.REFUTED: text["model"].format(n=1), Label.SUPPORTED: text["supported"].format(refs="[1]"),
            Label.NOT_ENOUGH_INFO: text["silent"]}[label]
        evidence = Evidence.from_hit(1, hit, stance, p[stance])
        return Verdict(claim, label, p[stance], reason, (evidence,))
