"""Score fusion, pure: how a sentence's cosine, its lexical evidence and its previous
sentence's score make its rank score (`factbot.index.retrieval` gathers the numbers).

    score(s) = own(s) + PREVIOUS_WEIGHT * max(0, own(previous sentence of s))
    own(s)   = cos(q, s) - floor + LEXICAL_WEIGHT * (words(s) + trigrams(s)) / 2
                                 + DOCUMENT_WEIGHT * document(s)

with the weights of the (question language, sentence language) pair (`PAIR_WEIGHTS`): the
previous-sentence weight is the one of the sentence scored.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

RRF_K = 60  # Cormack, Clarke & Büttcher (2009): k=60 damps the head of each ranking (rrf(), for comparison)
CANDIDATES = 50  # per ranker, before fusion: on ARCD train, 100 moved no recall figure by more than 0.005
# Score fusion weights. e5 cosines are compressed: one query's cosines over a corpus have a
# standard deviation of ~0.02 (0.023 on ARCD train), so LEXICAL_WEIGHT 0.1 makes the best
# lexical match worth ~4 of those. Fitted by a grid on ARCD train (benchmarks/tune_retrieval.py):
# (0.1, 0.1, 0.2) gives recall@1 0.71, recall@5 0.93 and sits on a plateau: moving any one
# weight a grid step gives recall@1 0.69..0.71 (0.67 at PREVIOUS_WEIGHT 0.3) and recall@5
# 0.92..0.93. For comparison, dense alone: 0.63 / 0.86; the former RRF of dense and word BM25: 0.65 / 0.87.
LEXICAL_WEIGHT = 0.1
DOCUMENT_WEIGHT = 0.1
PREVIOUS_WEIGHT = 0.2
# The weights above are for a question and a sentence in the same language. Across languages
# BM25 matches only names and digits, yet max-normalisation still gives the best such match the
# full weight: a stray shared number outranks the sentence meaning the question. Fitted on the
# English questions of XQuAD dev en-q-ar-ctx over its Arabic paragraphs, even-numbered articles
# only (the odd ones are the measuring set), by `benchmarks/corpora.py cross-weights` (recall@1
# over the whole collection, 230 questions, PREVIOUS_WEIGHT kept): (0.1, 0.1) 0.526, dense
# alone 0.543, (0.01, 0.02) 0.583, on a plateau (0.01..0.02 x 0..0.02: 0.578..0.583).
CROSS_LEXICAL_WEIGHT = 0.01
CROSS_DOCUMENT_WEIGHT = 0.02
# English questions over English text: the ARCD weights cost recall there. Fitted by a grid
# (lexical 0/0.02/0.05 x document 0/0.02/0.05 x previous 0/0.1; `benchmarks/tune_english.py`)
# on two sets, each counting once: TyDi GoldP en *train* (3,632 information-seeking questions,
# open retrieval over its 3,696 passages) and XQuAD dev en's even-numbered articles (229
# questions over its 80 paragraphs; the odd ones are the measuring set). Recall@1 TyDi / XQuAD:
# ARCD weights (0.1, 0.1, 0.2) 0.465 / 0.795, dense alone 0.561 / 0.734, (0.05, 0, 0) 0.550 /
# 0.777 (best mean, 0.664; next (0.02, 0, 0), (0.02, 0, 0.1) and, past the grid, (0.075, 0, 0):
# 0.659; (0.1, 0, 0) 0.654). The two pull apart:
# TyDi's questions were written without the passage and share few words with it (its best is
# (0, 0.02, 0): 0.561 / 0.747), XQuAD's (SQuAD's) were written from the paragraph and BM25 finds
# them. Every previous-sentence weight lowers TyDi's recall@1 (e.g. 0.550 -> 0.543 at 0.1).
EN_LEXICAL_WEIGHT = 0.05
EN_DOCUMENT_WEIGHT = 0.0
EN_PREVIOUS_WEIGHT = 0.0
# (question language, sentence language) -> (lexical, document, previous) weight. Arabic over
# English is not fitted (no such set here): it takes the English-over-Arabic weights.
PAIR_WEIGHTS = {
    ("ar", "ar"): (LEXICAL_WEIGHT, DOCUMENT_WEIGHT, PREVIOUS_WEIGHT),  # ARCD train
    ("en", "en"): (EN_LEXICAL_WEIGHT, EN_DOCUMENT_WEIGHT, EN_PREVIOUS_WEIGHT),  # TyDi en train, XQuAD en even
    ("en", "ar"): (CROSS_LEXICAL_WEIGHT, CROSS_DOCUMENT_WEIGHT, PREVIOUS_WEIGHT),  # XQuAD dev, even articles
    ("ar", "en"): (CROSS_LEXICAL_WEIGHT, CROSS_DOCUMENT_WEIGHT, PREVIOUS_WEIGHT),  # as en over ar
}


def rrf(rankings: Sequence[Sequence[str]], k: int = RRF_K, weights: Sequence[float] | None = None) -> dict[str, float]:
    """Reciprocal rank fusion: score(d) = sum_r w_r / (k + rank_r(d)), ranks from 1."""
    weights = weights or [1.0] * len(rankings)
    fused: dict[str, float] = {}
    for ranking, w in zip(rankings, weights):
        for rank, key in enumerate(ranking, start=1):
            fused[key] = fused.get(key, 0.0) + w / (k + rank)
    return fused


def normalised(scores: np.ndarray) -> np.ndarray:
    """Scores divided by their maximum (all zeros stay zeros)."""
    top = float(scores.max()) if scores.size else 0.0
    return scores / top if top > 0 else np.zeros_like(scores, dtype=np.float64)


def lexical_evidence(words: np.ndarray, trigrams: np.ndarray, document: np.ndarray,
                     lexical_weight: float | np.ndarray = LEXICAL_WEIGHT,
                     document_weight: float | np.ndarray = DOCUMENT_WEIGHT) -> np.ndarray:
    """The lexical part of each sentence's score, from max-normalised BM25 arrays; the weights
    are numbers or one per sentence (`pair_weights`)."""
    return lexical_weight * (words + trigrams) / 2 + document_weight * document


def pair_weights(query_lang: str, sentence_langs: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(lexical, document, previous) weight of each sentence, by `PAIR_WEIGHTS` of (the query's
    language, the sentence's); a pair it lacks takes the Arabic (ARCD) weights within a
    language and the cross-language ones across."""
    out = np.zeros((len(sentence_langs), 3))
    for lang in set(sentence_langs.tolist()):
        fallback = PAIR_WEIGHTS[("ar", "ar")] if lang == query_lang else PAIR_WEIGHTS[("en", "ar")]
        out[sentence_langs == lang] = PAIR_WEIGHTS.get((query_lang, lang), fallback)
    return out[:, 0], out[:, 1], out[:, 2]


def candidates(dense: Sequence[int], evidence: np.ndarray, following: np.ndarray, depth: int = CANDIDATES) -> list[int]:
    """Positions worth scoring: the dense ones, the `depth` best by lexical evidence, and the
    sentence after each of them (it may inherit their relevance). In a stable order."""
    out = dict.fromkeys(int(i) for i in dense)
    if evidence.size:
        top = np.argsort(-evidence, kind="stable")[:depth]
        out.update(dict.fromkeys(int(i) for i in top if evidence[i] > 0))
    for i in list(out):
        if following[i] >= 0:
            out.setdefault(int(following[i]), None)
    return list(out)


def hybrid_scores(positions: Sequence[int], cosine: Mapping[int, float], evidence: np.ndarray,
                  previous: np.ndarray, floor: float,
                  previous_weight: float | np.ndarray = PREVIOUS_WEIGHT) -> dict[int, float]:
    """score(i) = own(i) + previous_weight(i) * max(0, own(previous(i))), with
    own(i) = cosine(i) - floor + evidence(i); `previous_weight` is one number or one per sentence
    (`pair_weights`). `cosine` must hold every position and its previous."""
    def own(i: int) -> float:
        return float(cosine[i]) - floor + float(evidence[i])

    per_sentence = isinstance(previous_weight, np.ndarray)
    out = {}
    for i in positions:
        p = int(previous[i])
        w = float(previous_weight[i]) if per_sentence else previous_weight
        out[i] = own(i) + (w * max(0.0, own(p)) if p >= 0 and w else 0.0)
    return out
