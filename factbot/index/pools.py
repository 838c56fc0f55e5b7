"""Candidate pools per language: an index holding documents in several languages is also
searched once per language (a pool: the sentences of the documents in that language, see
`retrieval.document_languages`), so that an English document cannot crowd the Arabic
article's sentences out of an English question's candidates (the embedder ranks text in the
question's language higher, related or not) and turn its answer into a refusal or a wrong
citation: a pool's answer is chosen against competitors of its own language.

    ask:   the answers of the whole index and of each language pool compete by the abstention
           model's probability that they are right (`Answer.confidence` of an answer given);
           the highest wins, a tie goes to the whole index; a refusal only when all refuse
    check: the evidence of the whole index, then each language pool's best few sentences

With one language in the index nothing changes: one plain search. An answer the whole index
gives can be replaced: beside 120 English paragraphs an English question about the Arabic
article may be answered from an English sentence (its words and its language rank it first)
with a lower probability than the Arabic pool's answer from the article's own sentence; the
abstention model's probability is the one measure the answers share, and the whole index
keeps every tie, so a pool replaces it only with an answer the model finds more likely right.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from factbot.types import Answer, Hit

OTHER_POOL_EVIDENCE = 4  # sentences each language pool adds to a claim's evidence


def answer_from_pools(languages: Sequence[str], search: Callable[[str | None], list[Hit]],
                      choose: Callable[[list[Hit]], Answer],
                      finish: Callable[[list[Hit]], Answer] | None = None) -> Answer:
    """`search(lang)` gives a pool's hits (None: the whole index); `choose(hits)` the offline
    answer the pools are compared by; `finish(hits)` the answer given from the chosen hits
    (e.g. phrased by an LLM, called once), `choose` itself by default."""
    finish = finish or choose
    hits = search(None)
    if len(languages) < 2:
        return finish(hits)
    first = choose(hits)
    best, best_hits = first, hits
    for lang in languages:
        pool_hits = search(lang)
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
