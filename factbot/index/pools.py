"""Candidate pools per language: an index holding articles in several languages is searched
once per language, so that an English document cannot crowd the Arabic article's sentences out
of an English question's candidates (the embedder ranks text in the question's language higher,
related or not), and the answer is chosen against competitors of its own pool.

    ask:   answer from each language's hits → the answer most likely right (the abstention
           model's probability: answered before abstained, then by confidence)
    check: the evidence of the whole index, then each other language's best few sentences

With one language in the index nothing changes: one pool, the same hits as a plain search.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from factbot.types import Answer, Hit

OTHER_POOL_EVIDENCE = 4  # sentences each other language adds to a claim's evidence


def answer_from_pools(languages: Sequence[str], search: Callable[[str | None], list[Hit]],
                      answer: Callable[[list[Hit]], Answer]) -> Answer:
    """`search(lang)` gives a pool's hits (lang None: the whole index), `answer(hits)` an answer."""
    if len(languages) < 2:
        return answer(search(None))
    answers = [answer(search(lang)) for lang in languages]
    # an answer's confidence is p(right); an abstention's is 1 - p(the best answer right)
    return max(answers, key=lambda a: (not a.abstained, a.confidence if not a.abstained else -a.confidence))


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
