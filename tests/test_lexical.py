"""factbot.index.lexical scores a query from bm25s' precomputed matrix with numpy alone: the
figures must be bit-identical to bm25s' own `get_scores`, or every fitted retrieval constant
(benchmarks/README.md) would silently move."""

import bm25s
import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from factbot.index.lexical import Bm25
from factbot.text.matching import terms

WORDS = st.sampled_from(["troops", "iraq", "coalition", "talks", "قوات", "العراق", "التحالف", "x", "y"])
TEXTS = st.lists(st.lists(WORDS, max_size=8), min_size=1, max_size=12)


def _bm25s_scores(texts, query, k1, b):
    model = bm25s.BM25(k1=k1, b=b)
    model.index([t or ["∅"] for t in texts], show_progress=False)
    known = [t for t in query if t in model.vocab_dict]
    return np.asarray(model.get_scores(known), dtype=np.float64) if known else np.zeros(len(texts))


@settings(max_examples=60, deadline=None)
@given(texts=TEXTS, query=st.lists(WORDS, max_size=6), k1=st.sampled_from([1.2, 1.5]), b=st.sampled_from([0.2, 0.75]))
def test_scores_equal_bm25s_bit_for_bit(texts, query, k1, b):
    ours = Bm25.fit(texts, k1, b, "∅").scores(query)
    assert ours.dtype == np.float64 and ours.shape == (len(texts),)
    assert np.array_equal(ours, _bm25s_scores(texts, query, k1, b))


def test_article_sentences(article_text):
    sentences = [s for s in article_text.split("\n") if s.strip()]
    texts = [terms(s) for s in sentences]
    query = terms("كم عدد الجنود الأمريكيين في العراق؟") + terms("how many US troops remain in Iraq")
    ours = Bm25.fit(texts, 1.2, 0.2, "∅").scores(query)
    assert ours.max() > 0  # the article has the question's words, so something scores
    assert np.array_equal(ours, _bm25s_scores(texts, query, 1.2, 0.2))


def test_unknown_and_repeated_terms():
    model = Bm25.fit([["a", "b"], ["b"], []], 1.2, 0.75, "∅")
    assert np.array_equal(model.scores(["zzz"]), np.zeros(3))  # no known term: all zero
    once, twice = model.scores(["a"]), model.scores(["a", "a"])
    assert once[0] > 0 and once[1] == once[2] == 0
    assert np.array_equal(twice, 2 * once)  # a repeated term counts each time, as in bm25s
