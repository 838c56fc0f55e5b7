"""The negation rule: which tokens deny what follows them.

One rule, read two ways. `count` is the cue count the stance model was fitted on
(`Facts.negations`): every negation word, "n't" included, unless the next word makes it
mean something else ("لا يزال" = "still", "no matter", "not only"). `denies` is the strict
reading of a statement's denial (`slots.negated`): after لن/لم/ليس the next word is negated
whatever it is ("لن يكون"), and "غير"/"non" before a word only make it "non-X".

Tokens are the matching form (`factbot.text.matching.fact_tokens`).
"""

from __future__ import annotations

from collections.abc import Sequence

NEGATIONS = frozenset({"not", "never", "no", "n't", "neither", "nor", "without", "cannot",
                        "لا", "لم", "لن", "ليس", "ليست", "غير", "عدم", "ما", "دون", "بدون", "ولا", "ولم",
                        "ولن", "وليس", "فلا", "فلم", "لست", "ليسوا"})
# Not negations: "لا يزال / ما زال" mean "still"; "ما" is also "what/that" before these.
NOT_NEGATION_AFTER = frozenset({"يزال", "تزال", "زال", "زالت", "يزالون", "بين", "اذا", "يلي", "يكون",
                                 "يقارب", "بعد", "قبل", "no", "matter", "only", "doubt", "longer"})
# Strict negation: after these the next word is negated whatever it is ("لن يكون"); the
# exceptions of NOT_NEGATION_AFTER ("لا يزال", "ما يكون") only follow لا/ما/no/not.
STRICT_NEGATIONS = frozenset({"لن", "لم", "ليس", "ليست", "ولن", "ولم", "وليس", "فلم", "never"})
# Negate a word, not the statement ("غير الأمريكية": non-US), in the strict reading.
WORD_NEGATIONS = ("غير", "non")


def is_cue(toks: Sequence[str], i: int, *, strict: bool = False) -> bool:
    """Does token i negate? `strict`: the reading of a statement's denial (see the module)."""
    t, nxt = toks[i], toks[i + 1] if i + 1 < len(toks) else ""
    if strict and t in STRICT_NEGATIONS:
        return True
    return (t in NEGATIONS or t.endswith("n't")) and nxt not in NOT_NEGATION_AFTER and not (
        strict and t in WORD_NEGATIONS)


def count(toks: Sequence[str]) -> int:
    """How many negation cues the tokens hold (the stance model's reading)."""
    return sum(is_cue(toks, i) for i in range(len(toks)))


def denies(toks: Sequence[str]) -> bool:
    """Do the tokens deny their statement (the strict reading)?"""
    return any(is_cue(toks, i, strict=True) for i in range(len(toks)))
