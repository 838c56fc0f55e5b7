"""Candidate pools per language: an index holding articles in several languages is also
searched once per language, so that an English document cannot crowd the Arabic article's
sentences out of an English question's candidates (the embedder ranks text in the question's
language higher, related or not) and turn its answer into a refusal: a pool's answer is
chosen against competitors of its own language.

    ask:   the whole index's answer; when it abstains, the answer of the language pool the
           abstention model gives the highest probability, if one answers
    check: the evidence of the whole index, then each language pool's best few sentences

With one language in the index nothing changes: one plain search. An answer the whole index
gives is never replaced, so documents in another language change no answer already given.
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
    if not first.abstained:
        return first if finish is choose else finish(hits)
    pools = [(choose(h), h) for h in (search(lang) for lang in languages)]
    answered = [(a, h) for a, h in pools if not a.abstained]
    if not answered:
        return first if finish is choose else finish(hits)
    best, best_hits = max(answered, key=lambda ah: ah[0].confidence)
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
