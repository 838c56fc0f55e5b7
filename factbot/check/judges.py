"""Optional verdict backends for `check`: an LLM judge and an NLI cross-encoder. The default
offline verifier (`factbot.check.verifier`) needs neither.

LLM judge (`judge_with_llm`, or `LLMJudge` wrapping any verifier): the claim and the numbered
retrieved sentences go into `prompts/verify.md`; the reply must be three lines, VERDICT /
EVIDENCE / REASON. A reply with an unknown verdict, a citation of a sentence that was not
listed, SUPPORTED or REFUTED without a citation, or SUPPORTED with citations that do not
state the claim's numbers or share its names or terms, is not used: the offline verdict is
shown with `Verdict.note` saying why, as on a timeout or a provider error.

NLI (`NLIVerifier`): a sentence-transformers CrossEncoder fitted for NLI scores each
(evidence, claim) pair; each sentence takes its most probable label as its stance, and the
strongest entailing or contradicting sentence decides the verdict.
"""

from __future__ import annotations

import math
import re
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from factbot.assets import load_prompt
from factbot.check.alignment import same_slot
from factbot.check.reasons import REASONS, display
from factbot.defaults import DEFAULT_LLM_TIMEOUT
from factbot.llm import LANGUAGE_NAMES, LLMFailure, invoke, numbered, supports
from factbot.text import facts
from factbot.text.analysis import Analysis, as_analysis
from factbot.text.matching import language
from factbot.types import (LABEL_OF, STANCE_OF, Evidence, FactbotError, Hit, Label, Stance, Verdict,
                           VerifierBackend)

# Kinds of typed value the offline verifier reads exactly (digits, calendar names): when it
# found one in conflict, an LLM's SUPPORTED cannot stand (see `_value_guard`).
VALUE_KINDS = frozenset({"number", "year", "month", "weekday", "date"})
# Kinds a reason may name as "the claim says X; the article says Y": values plus names.
NAMED_KINDS = VALUE_KINDS | {"place", "person"}
# An LLM verdict that overrides the offline one has no calibrated probability, and the
# offline model's figure was for another label: 0.5 says "a judge's word, not a measurement".
OVERRIDE_CONFIDENCE = 0.5
# The REASON line is shown as one line; a rambling model is cut here.
MAX_REASON_CHARS = 300


def named_conflicts(claim: str | Analysis, evidence: str | Analysis,
                    kinds: frozenset[str] = NAMED_KINDS) -> list[facts.Conflict]:
    """Typed conflicts of `kinds` between claim and sentence that fill the same slot (the
    offline verifier's own test: "900 British troops" is no count of the 2500 US troops)."""
    c, e = as_analysis(claim), as_analysis(evidence)
    return [k for k in facts.compare(c.facts, e.facts).conflicts if k.kind in kinds and same_slot(k, c, e)]


def _says(k: facts.Conflict, n: int, lang: str) -> str:
    """The reason naming conflict `k` (of NAMED_KINDS: a value as written, a name in `lang`)."""
    return REASONS[lang]["says"].format(c=display(k.claim, k.kind, lang), e=display(k.evidence, k.kind, lang), n=n)


# --- LLM judge -----------------------------------------------------------------------------

class MalformedReply(LLMFailure):
    """The reply is not three usable lines, or cites what it may not."""


@dataclass(frozen=True)
class Judgement:
    """A parsed and validated judge reply. `cites` are 1-based positions in the listed sentences."""

    verdict: Label
    cites: tuple[int, ...]
    reason: str


_LINE = re.compile(r"^(VERDICT|EVIDENCE|REASON)\s*[:：]\s*(.*)$", re.IGNORECASE)
_NUMBERS = re.compile(r"^\[?\d+\]?(?:\s*[,;،\s]\s*\[?\d+\]?)*$")
_NONE = frozenset({"", "none", "-", "n/a", "لا يوجد"})
_MARKERS = re.compile(r"\s*\[\d+(?:\s*,\s*\d+)*\]")


def parse_judgement(reply: str, n_sentences: int) -> Judgement:
    """The verdict, cited sentence numbers and reason of a judge reply, or MalformedReply.

    Tolerated: markdown bold or bullets around the keys, any case, "NOT ENOUGH INFO" spelled
    with spaces, "[1], [3]" brackets, Arabic-Indic digits, other lines around the three."""
    fields: dict[str, str] = {}
    for raw in reply.splitlines():
        line = raw.strip().strip("*`#>-• ").replace("**", "")
        m = _LINE.match(line)
        if not m:
            continue
        key = m.group(1).upper()
        if key in fields:
            raise MalformedReply(f"two {key} lines")
        fields[key] = m.group(2).strip().strip("*`").strip()
    if "VERDICT" not in fields:
        raise MalformedReply("no VERDICT line")
    word = re.sub(r"[\s-]+", "_", fields["VERDICT"].strip(" .")).upper()
    try:
        verdict = Label(word)
    except ValueError:
        raise MalformedReply(f"unknown verdict {fields['VERDICT']!r}") from None
    evidence = fields.get("EVIDENCE", "").strip(" .")
    if evidence.lower() in _NONE:
        cites: tuple[int, ...] = ()
    elif _NUMBERS.match(evidence):
        cites = tuple(dict.fromkeys(int(n) for n in re.findall(r"\d+", evidence)))
    else:
        raise MalformedReply(f"EVIDENCE is not sentence numbers: {evidence!r}")
    invented = [n for n in cites if not 1 <= n <= n_sentences]
    if invented:
        raise MalformedReply(f"cites [{invented[0]}], not a listed sentence")
    if verdict is not Label.NOT_ENOUGH_INFO and not cites:
        raise MalformedReply(f"{verdict.value} without a cited sentence")
    reason = _MARKERS.sub("", fields.get("REASON", "")).strip()
    if not reason:
        raise MalformedReply("no REASON")
    return Judgement(verdict, cites, reason[:MAX_REASON_CHARS])


def judge_with_llm(llm, claim: str, hits: Sequence[Hit], offline: Verdict,
                   timeout: float = DEFAULT_LLM_TIMEOUT) -> Verdict:
    """The LLM's verdict on `claim` over `hits` when its reply is usable; else `offline`
    with a note. Evidence [n] follows the order of `hits`, as in the offline verdict, which
    must have been computed over the same `hits`."""
    if not hits:
        return offline  # nothing to judge: the offline verdict already says the article is silent
    lang = "ar" if language(claim) == "ar" else "en"
    prompt = load_prompt("verify").format(claim=claim, sentences=numbered(hits), language=LANGUAGE_NAMES[lang])
    try:
        judgement = parse_judgement(invoke(llm, prompt, timeout), len(hits))
    except MalformedReply as exc:
        return replace(offline, note=f"LLM reply malformed ({exc}); {_shown(offline)} verdict shown")
    except LLMFailure as exc:
        return replace(offline, note=f"LLM failed: {exc}; {_shown(offline)} verdict shown")
    if judgement.verdict is Label.SUPPORTED and \
            not supports(" ".join(hits[n - 1].text for n in judgement.cites), claim):
        return replace(offline, note="LLM verdict SUPPORTED not backed by its citations (a number, name or term "
                                     f"of the claim missing); {_shown(offline)} verdict shown")
    guard = _value_guard(claim, offline, judgement)
    if guard:
        return replace(offline, note=guard)
    return _llm_verdict(claim, hits, offline, judgement)


def _value_guard(claim: str, offline: Verdict, judgement: Judgement) -> str:
    """A note when the LLM says SUPPORTED but the offline verifier refuted the claim on a
    typed value (another number, year, date or weekday for the same slot), else "".

    The offline verdict is kept rather than flagged: a digit or a weekday is compared exactly,
    while an LLM may read past "Sunday" vs "السبت" when the rest of the sentence matches, and a
    claim cannot be supported when a sentence about the same thing states another value for it.
    (A SUPPORTED citing the conflicting sentence itself with another number is already caught
    by `supports`; this guard also covers weekdays, months and citations of other sentences.)
    Only SUPPORTED is overridden: an LLM's NOT_ENOUGH_INFO may be right where the offline
    slot reading was wrong (a year of another event), and it asserts nothing false."""
    if judgement.verdict is not Label.SUPPORTED or offline.verdict is not Label.REFUTED:
        return ""
    for e in offline.evidence:
        if e.stance is Stance.REFUTES:
            found = named_conflicts(claim, e.text, VALUE_KINDS)
            if found:
                k = found[0]
                return (f"LLM said SUPPORTED, but the claim's {k.kind} {k.claim} conflicts with {k.evidence} "
                        f"in [{e.n}]; {_shown(offline)} verdict kept")
    return ""


def _shown(fallback: Verdict) -> str:
    """How a note names the verdict shown instead: "offline", or "NLI" when an NLIVerifier gave it."""
    return "NLI" if fallback.mode == "nli" else fallback.mode


def _llm_verdict(claim: str, hits: Sequence[Hit], offline: Verdict, j: Judgement) -> Verdict:
    agrees = j.verdict is offline.verdict
    # The offline model's probability is the only calibrated figure: kept when the LLM agrees.
    confidence = offline.confidence if agrees else OVERRIDE_CONFIDENCE
    stance = STANCE_OF[j.verdict]
    before = {e.n: e for e in offline.evidence}
    evidence = []
    for i, h in enumerate(hits, 1):
        if i in j.cites:
            st, score = stance, confidence  # the LLM gives no per-sentence figure: the verdict's
        else:
            st = Stance.NEUTRAL
            e = before.get(i)
            # the offline p(neutral) when it also read the sentence as neutral; else the mass
            # it left to the stances it did not choose (an upper bound on p(neutral))
            score = 0.0 if e is None else e.score if e.stance in (Stance.NEUTRAL, Stance.UNRELATED) else 1.0 - e.score
        evidence.append(Evidence.from_hit(i, h, st, score))
    refs = "".join(f"[{n}]" for n in j.cites)
    reason = f"{j.reason} {refs}" if refs else j.reason
    return Verdict(claim, j.verdict, confidence, reason, tuple(evidence), mode="llm")


class LLMJudge(VerifierBackend):
    """A verifier whose verdicts an LLM decides, falling back to `fallback`'s (the offline
    `Verifier`, or an `NLIVerifier`)."""

    def __init__(self, llm, fallback, timeout: float = DEFAULT_LLM_TIMEOUT) -> None:
        self.llm, self.fallback, self.timeout = llm, fallback, timeout

    def verify(self, claim: str, hits: Sequence[Hit]) -> Verdict:
        return judge_with_llm(self.llm, claim, hits, self.fallback.verify(claim, hits), self.timeout)

    def verify_pair(self, claim: str, hit: Hit) -> Verdict:
        return judge_with_llm(self.llm, claim, [hit], self.fallback.verify_pair(claim, hit), self.timeout)


# --- NLI cross-encoder ---------------------------------------------------------------------

# Label names NLI models use, matched case-insensitively by prefix: "ENTAILMENT",
# "entailment", "Contradiction", "contradict".
_NLI_NAMES = {"entail": Stance.SUPPORTS, "contradict": Stance.REFUTES, "neutral": Stance.NEUTRAL}


def label_stances(id2label: Mapping) -> tuple[Stance, ...]:
    """The stance of each output column, read from a model config's `id2label` (keys may be
    ints or strings). Exactly one column each of entailment, contradiction and neutral."""
    by_index = {int(i): str(name) for i, name in id2label.items()}
    if sorted(by_index) != list(range(len(by_index))):
        raise FactbotError(f"NLI model id2label {dict(id2label)!r}: indices are not 0..n-1")
    out = []
    for i in range(len(by_index)):
        name = by_index[i].strip().lower()
        stance = next((s for prefix, s in _NLI_NAMES.items() if name.startswith(prefix)), None)
        out.append(stance)
    if None in out or sorted(s.value for s in out) != sorted(s.value for s in _NLI_NAMES.values()):
        names = ", ".join(by_index[i] for i in range(len(by_index)))
        raise FactbotError(f"NLI model labels are {names}; expected contradiction, entailment and neutral")
    return tuple(out)


def softmax(logits: Sequence[float]) -> tuple[float, ...]:
    top = max(logits)
    exps = [math.exp(x - top) for x in logits]  # shifted by the max: no overflow
    total = sum(exps)
    return tuple(e / total for e in exps)


@dataclass(frozen=True)
class NLIAggregate:
    label: Label
    confidence: float
    stances: tuple[Stance, ...]   # per sentence: its most probable label
    scores: tuple[float, ...]     # per sentence: the probability of that label
    decisive: int | None          # 0-based index of the sentence that decided, if any


def aggregate_nli(probabilities: Sequence[Mapping[Stance, float]]) -> NLIAggregate:
    """The verdict from per-sentence NLI probabilities. Pure.

    SUPPORTED when a sentence's most probable label is entailment, REFUTED when it is
    contradiction; when both occur, the more probable of the two strongest decides (NLI models
    read a topical sentence about another event as a contradiction more readily than as an
    entailment, so the first refutation does not win by rule as a typed conflict does offline).
    A tie goes to REFUTED: a stated conflict is the more useful thing to show. NOT_ENOUGH_INFO
    otherwise, as sure as the least neutral sentence is neutral (1.0 with no sentences)."""
    stances = tuple(max(p, key=lambda s: (p[s], s is Stance.NEUTRAL)) for p in probabilities)
    scores = tuple(p[s] for p, s in zip(probabilities, stances))
    best: dict[Stance, tuple[float, int]] = {}
    for i, (s, score) in enumerate(zip(stances, scores)):
        if s is not Stance.NEUTRAL and score > best.get(s, (-1.0, -1))[0]:
            best[s] = (score, i)
    if best:
        s = max(best, key=lambda k: (best[k][0], k is Stance.REFUTES))
        return NLIAggregate(LABEL_OF[s], best[s][0], stances, scores, best[s][1])
    confidence = min((p[Stance.NEUTRAL] for p in probabilities), default=1.0)
    return NLIAggregate(Label.NOT_ENOUGH_INFO, confidence, stances, scores, None)


class NLIVerifier(VerifierBackend):
    """Verdicts from a local NLI cross-encoder folder (`FACTBOT_NLI`). The model, and
    sentence-transformers with torch (seconds to import), load on first use only. A given
    pair (`verify_pair`) is read as the only hit."""

    def __init__(self, path: str | Path | None = None, *, model=None) -> None:
        """`path`: a local sentence-transformers CrossEncoder folder; or `model`: any object
        with `.config.id2label` and CrossEncoder's `.predict(pairs, ...)` (tests, a shared model)."""
        if model is None:
            if path is None or not Path(path).is_dir():
                raise FactbotError(f"FACTBOT_NLI={str(path)!r}: not a model folder (a local path is needed; "
                                   "nothing is downloaded)")
        self.path, self._model, self._stances = path, model, None
        self._loading = threading.Lock()  # the app serves requests in threads: load once

    @property
    def model(self):
        with self._loading:
            if self._model is None:
                try:
                    from sentence_transformers import CrossEncoder
                except ImportError:
                    raise FactbotError("FACTBOT_NLI needs the st extra: pip install 'factbot[st]' "
                                       "(install a CPU torch first: README, Settings)") from None
                self._model = CrossEncoder(str(self.path), device="cpu", local_files_only=True)
        return self._model

    @property
    def stances(self) -> tuple[Stance, ...]:
        if self._stances is None:
            self._stances = label_stances(self.model.config.id2label)
        return self._stances

    def probabilities(self, claim: str, texts: Sequence[str]) -> list[dict[Stance, float]]:
        """P(stance) per (evidence, claim) pair: the evidence is the premise, the claim the hypothesis."""
        if not texts:
            return []
        stances = self.stances
        # raw logits (identity activation: whatever the model's saved activation), softmax here
        logits = self.model.predict([(t, claim) for t in texts], activation_fn=lambda x: x,
                                    apply_softmax=False, convert_to_numpy=True, show_progress_bar=False)
        return [dict(zip(stances, softmax([float(v) for v in row]))) for row in logits]

    def verify(self, claim: str, hits: Sequence[Hit]) -> Verdict:
        """score each (sentence, claim) pair → stance per sentence → aggregate. Evidence [n]
        follows the order of `hits`."""
        agg = aggregate_nli(self.probabilities(claim, [h.text for h in hits]))
        evidence = tuple(Evidence.from_hit(i + 1, h, agg.stances[i], agg.scores[i]) for i, h in enumerate(hits))
        return Verdict(claim, agg.label, agg.confidence, _nli_reason(claim, hits, agg), evidence, mode="nli")


def _nli_reason(claim: str, hits: Sequence[Hit], agg: NLIAggregate) -> str:
    lang = "ar" if language(claim) == "ar" else "en"
    text = REASONS[lang]
    if agg.decisive is None:
        return text["silent"]
    n = agg.decisive + 1
    if agg.label is Label.SUPPORTED:
        return text["supported"].format(refs=f"[{n}]")
    found = named_conflicts(claim, hits[agg.decisive].text)
    return _says(found[0], n, lang) if found else text["model"].format(n=n)
