"""One text read once: `analyse(text)` gives an `Analysis` that every stop of a check reads.

A check compares one claim with several sentences, and each comparison asks many questions of
both sides: their typed values (`factbot.text.facts`), their content terms, who acted, whose
count a number is, whether they deny, what lies before or after a date (`factbot.text.slots`).
Each reading is computed on first use and kept with the object (`functools.cached_property`,
which writes to the instance's `__dict__` and so works on a frozen dataclass), so the claim
met by five sentences is read once, not once per sentence and per rule.

`analyse` is memoised: the same article sentences come back for every claim (and `ask` meets
them again), and an `Analysis` is immutable. It is the one cache of text readings the check
relies on; the readers in `facts` and `slots` are plain functions.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property, lru_cache

from factbot.text import facts, slots
from factbot.text.glossary import QUESTION_FILLERS, glossary, term_set
from factbot.text.matching import stem, terms

# Words of saying and of the calendar ("في عام 2024", "in the year"): no content of a claim.
_FILLERS = frozenset(QUESTION_FILLERS | set(terms("says قال قالت يقول تقول وقال وقالت will year years عام العام "
                                                   "سنه day يوم month شهر there يوجد هناك")))

# English words for the article's founding verb (تشكيل) beyond the glossary.
_MORE_GLOSS = {"establish": "تشكيل", "established": "تشكيل", "founded": "تشكيل", "found": "تشكيل",
               "create": "تشكيل", "created": "تشكيل", "set": "تشكيل", "formation": "تشكيل"}


@lru_cache(maxsize=1)  # built once from the word lists
def more_glossary() -> dict[str, frozenset[str]]:
    """The EN→AR glossary with the founding verbs a claim uses."""
    out = dict(glossary())
    for en, ar in _MORE_GLOSS.items():
        key = terms(en)[0] if terms(en) else en
        out[key] = out.get(key, frozenset()) | frozenset(terms(ar))
    return out


def stated_as(term: str, gloss: dict[str, frozenset[str]]) -> frozenset[str]:
    """The stems that state a claim's term in a sentence: itself, plus Arabic for an English
    term the glossary knows. The glossary's keys are stems ("agreed" -> "agre", "reduce" ->
    "reduc"), and a word of four letters keeps its e ("hope"), which "hopes" -> "hop" lacks:
    look up the term, the term with an e, and the term's stem (`term` may be a word or a stem)."""
    return (frozenset({term}) | gloss.get(term, frozenset()) | gloss.get(term + "e", frozenset())
            | gloss.get(stem(term), frozenset()))


@dataclass(frozen=True, eq=False)
class Analysis:
    """A text and its readings. `tokens` are the matching-form tokens (`matching.fact_tokens`)
    every slot reading counts positions in; `us` whether the text writes "US"/"U.S." (the
    country, not the pronoun, which the matching form no longer tells apart)."""

    text: str
    facts: facts.Facts
    us: bool

    @property
    def tokens(self) -> tuple[str, ...]:
        return self.facts.words

    @property
    def lang(self) -> str:
        return self.facts.lang

    @cached_property
    def terms(self) -> frozenset[str]:
        """The stemmed content terms (`matching.terms`), as a set."""
        return term_set(self.text)

    @cached_property
    def entity_names(self) -> frozenset[str]:
        return frozenset(n for _, n in self.facts.entities)

    @cached_property
    def future(self) -> bool:
        return facts.is_future(self.text)

    @cached_property
    def actors(self) -> frozenset[str]:
        return slots.actors(self)

    @cached_property
    def allies(self) -> frozenset[str]:
        return slots.allies(self)

    @cached_property
    def affiliations(self) -> dict[str, frozenset[str]]:
        return slots.affiliations(self)

    @cached_property
    def order_cues(self) -> dict[str, str]:
        return slots.order_cues(self)

    @cached_property
    def negated(self) -> bool:
        return slots.negated(self)

    @cached_property
    def denies_owner(self) -> bool:
        return slots.denies_owner(self)

    @cached_property
    def denial(self) -> tuple[str, str] | None:
        return slots.denial(self.text)

    @cached_property
    def words(self) -> list[tuple[str, str]]:
        return slots.words(self.text)

    @cached_property
    def glossary(self) -> dict[str, frozenset[str]]:
        """Arabic for its English terms when the text is English (the article is Arabic)."""
        return more_glossary() if self.lang == "en" else {}

    @cached_property
    def content_terms(self) -> tuple[frozenset[str], ...]:
        """The text's content terms without its values and names, each as the stems that would
        state it in a sentence (itself, plus Arabic for an English term the glossary knows)."""
        skip = set(terms(" ".join(slots.value_tokens(self)))) | _FILLERS
        return tuple(stated_as(t, self.glossary) for t in dict.fromkeys(terms(self.text))
                     if t not in skip and not t[:1].isdigit())

    def owners_near(self, value: str, window: int = 3) -> frozenset[str]:
        return slots.owners_near(self, value, window)


@lru_cache(maxsize=8192)  # the same article sentences meet every claim; an Analysis is immutable
def analyse(text: str) -> Analysis:
    return Analysis(text, facts.analyze(text), facts.us_mentions(text))


def as_analysis(text: str | Analysis) -> Analysis:
    """`text` read, or the `Analysis` given: public functions take either."""
    return text if isinstance(text, Analysis) else analyse(text)
