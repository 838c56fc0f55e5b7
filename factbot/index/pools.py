"""Candidate pools per language: an index holding documents in several languages is also
searched once per language (a pool: the sentences of the documents in that language, see
`retrieval.document_languages`), so that an English document cannot crowd the Arabic
article's sentences out of an English question's candidates (the embedder ranks text in the
question's language higher, related or not) and turn its answer into a refusal or a wrong
citation: a pool's answer is chosen against competitors of its own language.

    ask:   the answers of the whole index and of each language pool compete by the abstention
           model's probability that they are right (`Answer.confidence` of an answer given);
           the highest wins, a tie goes to the whole index; a refusal only when all refuse. A
           pool in another language than the question's competes only when its best cosine is
           within the fitted gap of the question language's best (`load_gap`)
    check: the evidence of the whole index, then each language pool's best few sentences

With one language in the index nothing changes: one plain search. An answer the whole index
gives can be replaced: beside 120 English paragraphs an English question about the Arabic
article may be answered from an English sentence (its words and its language rank it first)
with a lower probability than the Arabic pool's answer from the article's own sentence; the
abstention model's probability is the one measure the answers share, and the whole index
keeps every tie, so a pool replaces it only with an answer the model finds more likely right.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from functools import lru_cache
from pathlib import Path

from factbot.assets import MODELS_DIR
from factbot.types import Answer, Hit

OTHER_POOL_EVIDENCE = 4  # sentences each language pool adds to a claim's evidence
POOL_GAP_PATH = MODELS_DIR / "pool_gap.json"


@lru_cache(maxsize=2)
def load_gap(path: Path = POOL_GAP_PATH) -> float | None:
    """How far below the question language's best cosine another language's best may lie for
    that language's pool to answer (fitted by scripts/fit_pool_gap.py); None without the file:
    every pool may answer."""
    if not Path(path).exists():
        return None
    return float(json.loads(Path(path).read_text(encoding="utf-8"))["gap"])


def best_cosine(hits: Sequence[Hit]) -> float:
    """The highest cosine among `hits` (-1 for none): what the gap compares."""
    return max((h.dense for h in hits), default=-1.0)


def answer_from_pools(languages: Sequence[str], search: Callable[[str | None], list[Hit]],
                      choose: Callable[[list[Hit]], Answer],
                      finish: Callable[[list[Hit]], Answer] | None = None,
                      question_lang: str | None = None, gap: float | None = None) -> Answer:
    """`search(lang)` gives a pool's hits (None: the whole index); `choose(hits)` the offline
    answer the pools are compared by; `finish(hits)` the answer given from the chosen hits
    (e.g. phrased by an LLM, called once), `choose` itself by default.

    With the question's language and a `gap` (default: `load_gap()`), a pool in another language
    answers only if its best cosine is at least the question language's pool's best minus `gap`:
    the embedder's cosines across languages run lower by a steady amount, and lower still when
    the answer is in the question's own language. Without it an English question about an
    English article was answered from an unrelated Arabic sentence whenever the English side
    refused (TyDi dev's two languages in one index: 0.123 of English questions cited Arabic)."""
    finish = finish or choose
    hits = search(None)
    if len(languages) < 2:
        return finish(hits)
    gap = load_gap() if gap is None else gap
    pools = {lang: search(lang) for lang in languages}
    own = pools.get(question_lang) if question_lang else None
    floor = best_cosine(own) - gap if own and gap is not None else None  # for the other languages' pools
    first = choose(hits)
    best, best_hits = first, hits
    for lang, pool_hits in pools.items():
        if floor is not None and lang != question_lang and best_cosine(pool_hits) < floor:
            continue  # nearer text in the question's own language: this pool's answer would be a guess
        got = choose(pool_hits)
        if not got.abstained and (best.abstained or got.confidence > best.confidence):
            best, best_hits = got, pool_hits
    return best if finish is choose else finish(best_hits)


def evidence_from_pools(languages: Sequence[str], search: Callable[[str | None, int], list[Hit]],
                        k: int) -> list[Hit]:
    """The k best sentences of the whole index, then the best few of each language's pool that
    are not among them: a claim is compared with the article in the other language too."""
    hits = search(None, k)
    if len(languages) < 2:
        return hits
    seen = {h.sentence_id for h in hits}
    for lang in languages:
        extra = [h for h in search(lang, OTHER_POOL_EVIDENCE) if h.sentence_id not in seen]
        seen.update(h.sentence_id for h in extra)
        hits += extra
    return hits
