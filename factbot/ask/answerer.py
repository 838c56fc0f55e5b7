"""`Answerer`: a grounded answer to a question from retrieved sentences, or an honest
"the article does not say".

Steps: type the question (count, date, person, place, …) → for each of the first few
hits, extract a value of that kind → the reranker (`factbot.ask.rerank`) picks the sentence
that answers → the calibrated abstention model gives the probability that answering from
it is right → answer with one citation, or abstain when that probability is below the
model's threshold (the closest sentences are then shown as context, not as citations: the
reranker's choice first, then retrieval order). Nothing is embedded here: the hits carry their
cosines (`Hit.dense`, `Hit.doc_dense`, `Hit.next_dense`) and BM25 score (`Hit.lexical`), and the
rest is cheap text processing.

With a chat model (`llm`), the offline answer is computed first and the LLM answer
replaces it only when it parses and every kept sentence is supported by what it cites
(`answer_with_llm`; the chat-model plumbing it shares with `check` is `factbot.llm`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from factbot.ask import abstain, reading, rerank
from factbot.ask.abstain import AbstainModel, AbstainModels, judge, load_models
from factbot.ask.extract import extract, only_excluded
from factbot.ask.questions import QType, question_type
from factbot.ask.rerank import RerankModel, pool_size
from factbot.assets import load_prompt
from factbot.defaults import DEFAULT_K, DEFAULT_LLM_TIMEOUT
from factbot.llm import LANGUAGE_NAMES, LLMFailure, invoke, numbered, parse_cited, supports
from factbot.text.matching import language
from factbot.types import Answer, AnswerBackend, Citation, Hit

CONTEXT = 3     # closest sentences shown when abstaining
NOT_SAID = {"en": "The article does not say.", "ar": "لا يذكر المقال ذلك."}
NOT_IN_ARTICLE = "NOT_IN_ARTICLE"  # the reply the answer prompt asks for when the sentences are silent
NO_ARTICLE = {"en": "There is no indexed text to answer from.", "ar": "لا يوجد نص مفهرس للإجابة منه."}


@dataclass(frozen=True)
class Choice:
    """The sentence the reranker picked: its place among the hits, the value extracted from
    it (None for untyped questions or when none was found) and the abstention model's
    probability that answering from it is right."""

    probability: float
    index: int
    value: object = None
    span: object = None   # the reader's answer span in the chosen sentence, when the reader read it
    threshold: float = 0.5  # the abstention threshold of the question's and the sentence's language pair


def with_marker(text: str, n: int = 1) -> str:
    return f"{text.rstrip()} [{n}]"


class Answerer(AnswerBackend):
    def __init__(self, embedder=None, llm=None, model: "AbstainModels | AbstainModel | None" = None,
                 llm_timeout: float = DEFAULT_LLM_TIMEOUT, reranker: RerankModel | None = None,
                 reader=None, context_of: Callable[[Hit], str] | None = None,
                 fusion: "reading.Fusion | bool | None" = None, phrases: reading.Phrases = reading.Phrases.EVERY,
                 cross_candidates: int | None = None) -> None:
        self.embedder = embedder  # kept for interface symmetry with Verifier; answers never embed
        self.llm = llm
        # the trained reader (factbot.reader.model.Reader) decides when given; `context_of` gives
        # a hit's previous sentence, the context the reader was trained with
        self.reader, self.context_of = reader, context_of
        # with the reader: the weight of its answer logit beside the reranker's score in picking
        # the sentence (None: factbot/models/reader_fusion.json, fitted by scripts/fit_reader_fusion.py;
        # False, or no such file: the reranker alone picks and the reader gives only the phrase)
        self.fusion = (reading.load_fusion() if fusion is None else fusion) if reader is not None else None
        # with the reader: which answers are its phrase where the rules find no typed value
        # (`reading.Phrases`, `reading.phrase`); the others are the value or the sentence
        self.phrases = phrases
        # hits the pick weighs when none of the first 8 is in the question's language
        # (None: rerank.CROSS_CANDIDATES, fitted by scripts/fit_reader_fusion.py)
        self.cross_candidates = cross_candidates
        self.model = AbstainModels(model) if isinstance(model, AbstainModel) else (model or load_models(cross=abstain.CROSS_LINGUAL))
        self.reranker = reranker or rerank.load_model()
        self.llm_timeout = llm_timeout

    def answer(self, question: str, hits: Sequence[Hit], k: int = DEFAULT_K) -> Answer:
        offline = self.offline(question, hits, k)
        if self.llm is None:
            return offline
        return answer_with_llm(self.llm, question, list(hits)[:max(k, 1)], offline, timeout=self.llm_timeout)

    def offline(self, question: str, hits: Sequence[Hit], k: int = DEFAULT_K) -> Answer:
        lang = language(question)
        if not hits:
            return Answer(question, NO_ARTICLE[lang], abstained=True, confidence=1.0)
        choice = self.pick(question, hits)
        p, i, value = choice.probability, choice.index, choice.value
        if p < choice.threshold:
            # confidence of an abstention: the probability that the chosen answer would be wrong;
            # the context opens with the sentence it would have answered from
            nearest = (hits[i], *(h for j, h in enumerate(hits) if j != i))
            return Answer(question, NOT_SAID[lang], abstained=True, confidence=1.0 - p,
                          context=nearest[:min(CONTEXT, k)])
        hit = hits[i]
        if self.reader is not None and self.phrases.wanted(question, hit.text, lang):
            span = choice.span if choice.span is not None or self.fusion else \
                self.reader.read(question, [hit.text], [self._context(hit)])[0].span
            text, kind = reading.phrase(hit, span, value, lang, question=question)
        else:
            text, kind = (value.display, "value") if value else (hit.text, "sentence")
        return Answer(question, with_marker(text), abstained=False, confidence=p,
                      citations=(Citation.from_hit(1, hit),), answer_kind=kind)


    def _context(self, hit: Hit) -> str:
        return self.context_of(hit) if self.context_of else ""

    def pick(self, question: str, hits: Sequence[Hit]) -> Choice:
        """The sentence to answer from and how likely it is right, among the first
        `rerank.pool_size` hits (8; 16 when none is in the question's language): see `choose`.
        With the reader and a fusion weight, the reader reads the candidates first and its answer
        logits join the reranker's scores (`reading.fused`)."""
        lang = language(question)
        hits = hits[:pool_size(lang, hits, self.cross_candidates)]
        readings = None
        if self.reader is not None and self.fusion:
            readings = self.reader.read(question, [h.text for h in hits], [self._context(h) for h in hits])
        return choose(question, hits, question_type(question), lang, self.model, self.reranker,
                      readings=readings, fusion=self.fusion)


def choose(question: str, hits: Sequence[Hit], qtype: QType, lang: str, model: "AbstainModels | AbstainModel",
           reranker: RerankModel, readings: Sequence | None = None,
           fusion: "reading.Fusion | None" = None) -> Choice:
    """The sentence the reranker ranks first among `hits` (ties keep retrieval order; callers
    pass the candidates, `rerank.pool_size`), its extracted value and the probability that
    answering from it is right.
    With the reader's `readings` of those hits and a `fusion`, the sentence ranked first by the
    fused score (reranker logit + weight x reader answer logit) instead; the abstention model
    still judges the chosen sentence by its own features, its margin read on the fused scores
    (within a language; see `decide`)."""
    values, scores = ranked(question, hits, qtype, lang, reranker)
    return decide(question, hits, qtype, lang, model, values, scores, readings, fusion)


def ranked(question: str, hits: Sequence[Hit], qtype: QType, lang: str,
           reranker: RerankModel) -> tuple[list, list[float]]:
    """The value extracted from each hit and the reranker's score of each (`hits`: the candidates)."""
    n = len(hits)
    values = [extract(question, hits[i].text, qtype, lang) if qtype.typed else None for i in range(n)]
    return values, [reranker.score(rerank.features(question, hits, j, qtype, values[j], n)) for j in range(n)]


def decide(question: str, hits: Sequence[Hit], qtype: QType, lang: str, model: "AbstainModels | AbstainModel",
           values: Sequence, scores: Sequence[float], readings: Sequence | None = None,
           fusion: "reading.Fusion | None" = None) -> Choice:
    """`choose` from the candidates' values and reranker scores (`ranked`): what a fit of the
    fusion weights repeats for every weight without recomputing the features."""
    n = len(scores)
    judged = scores
    if readings is not None and fusion is not None:
        fused = fusion.scores(scores, readings, cross=[language(h.text) != lang for h in hits[:n]])
        i = rerank.best(fused)
        span = readings[i].span
        # Within a language the abstention model reads its margin on the fused scores: how clear
        # the choice made is (the reranker's own margin is negative wherever the reader overruled
        # it). Across languages it keeps the reranker's margin, so a sentence the reader lifted
        # is answered from only when the reranker ranked it close: there the reader's answer
        # score barely tells the article's answers from its unanswerable questions (AUC 0.60 on
        # scripts/abstain_questions.jsonl's English ones), and with the fused margin more of
        # those were answered (9 -> 12 of 28 at weight 0.3; 7 with the reranker's margin).
        judged = fused if language(hits[i].text) == lang else scores
    else:
        i, span = rerank.best(scores), None
    p, threshold = judge(model, question, hits, i, qtype, values[i], judged)
    if values[i] is None and qtype.typed and only_excluded(question, hits[i].text, qtype, lang):
        # the picked sentence's only values of the asked kind are said of what the question
        # leaves out: answering from it would give the sentence as an answer it contradicts
        p = 0.0
    return Choice(p, i, values[i], span, threshold)


def answer_with_llm(llm, question: str, hits: Sequence[Hit], offline: Answer,
                    timeout: float = DEFAULT_LLM_TIMEOUT) -> Answer:
    """The LLM's answer when it is usable and supported; else `offline` with a note."""
    if not hits:
        return offline
    lang = language(question)
    prompt = load_prompt("answer").format(question=question, sentences=numbered(hits),
                                          language=LANGUAGE_NAMES[lang])
    try:
        reply = invoke(llm, prompt, timeout)
    except LLMFailure as exc:
        return replace(offline, note=f"LLM failed: {exc}; offline answer shown")
    # The offline model's probability is the only calibrated figure; LLM replies keep it.
    p_right = offline.confidence if not offline.abstained else 1.0 - offline.confidence
    if reply.strip().strip(".").upper() == NOT_IN_ARTICLE:
        return Answer(question, NOT_SAID[lang], abstained=True, confidence=1.0 - p_right, mode="llm",
                      context=tuple(hits[:CONTEXT]))
    sentences = parse_cited(reply)
    if not sentences:
        return replace(offline, note="LLM reply malformed (no sentences); offline answer shown")
    kept, dropped = [], []
    for s in sentences:
        ok = bool(s.cites) and all(1 <= n <= len(hits) for n in s.cites) and \
            all(supports(hits[n - 1].text, s.text) for n in s.cites)
        (kept if ok else dropped).append(s)
    if not kept:
        return replace(offline, note=f"LLM answer not supported by its citations ({len(dropped)} sentence(s) "
                                     "dropped); offline answer shown")
    renumber: dict[int, int] = {}
    for s in kept:
        for n in s.cites:
            renumber.setdefault(n, len(renumber) + 1)
    text = " ".join(_with_markers(s.text, [renumber[n] for n in s.cites]) for s in kept)
    citations = tuple(Citation.from_hit(new, hits[old - 1]) for old, new in renumber.items())
    note = f"dropped {len(dropped)} LLM sentence(s) without valid support" if dropped else ""
    return Answer(question, text, abstained=False, confidence=p_right, mode="llm", citations=citations, note=note)


def _with_markers(text: str, ns: Sequence[int]) -> str:
    marks = "".join(f"[{n}]" for n in ns)
    body, end = (text[:-1], text[-1]) if text[-1:] in ".!?؟" else (text, "")
    return f"{body} {marks}{end}"
