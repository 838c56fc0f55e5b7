"""A claim's evidence: the sentences the verifier compares it with.

    retrieve: the whole index's best sentences, then each language pool's few
              (`factbot.index.pools.evidence_from_pools`)
    gloss:    the sentences in another language that state most of the claim's content as
              the glossary translates it (`glossed_evidence`)
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from factbot.check.alignment import states_most
from factbot.defaults import DEFAULT_CANDIDATES
from factbot.index.embeddings import Embedder
from factbot.index.pools import evidence_from_pools
from factbot.index.retrieval import HybridRetriever
from factbot.text.analysis import analyse
from factbot.text.matching import language, strip_for_embedding
from factbot.types import Hit

# Sentences a claim's glossed content terms add from the other languages (`glossed_evidence`),
# read from this many of the lexical index's best.
GLOSSED_EVIDENCE = 3
GLOSSED_POOL = 24


def claim_evidence(claim: str, retriever: HybridRetriever, embedder: Embedder, doc: str | None = None) -> list[Hit]:
    """The evidence `claim` is verified with: retrieved from every language pool, then glossed."""
    hits = evidence_from_pools(retriever.languages(),
                               lambda lang, n: retriever.search(claim, k=n, doc_id=doc, lang=lang), DEFAULT_CANDIDATES)
    return hits + glossed_evidence(claim, hits, retriever, embedder, doc)


def glossed_evidence(claim: str, hits: Sequence[Hit], retriever: HybridRetriever, embedder: Embedder,
                     doc: str | None = None) -> list[Hit]:
    """The sentences in another language than the claim's that share its content terms as
    the glossary translates them (ranked by words alone), each with the claim's cosine.
    A short English claim ("The coalition was formed in 2016") is near hundreds of English
    sentences by meaning, and beside 120 Arabic paragraphs its Arabic sentence ("التحالف
    الذي تم تشكيله في عام 2014") is not among the Arabic pool's nearest either; it shares the
    claim's words in translation (تحالف، تشكيل). Nothing for a claim the glossary does not
    translate (Arabic claims: it is English to Arabic) or an index of one language. The
    translated words are ranked by the lexical index alone (no embedding of them: they are
    no sentence), and only sentences in another language can hold them; a sentence joins
    the evidence when it states most of the claim's content (`states_most`), not one word
    of it ("قوات" for "troops"). `hits` (the retrieved evidence) are not given twice."""
    read = analyse(claim)
    glossed = [t for alts in read.content_terms for t in sorted(alts) if language(t) != read.lang]
    if not glossed or all(lang == read.lang for lang in retriever.languages()):
        return []
    index = retriever.index()
    seen = {sid for h in hits for sid in (h.sentence_id, *h.duplicates)}
    extra = []
    for scored in index.rank(" ".join(glossed), GLOSSED_POOL, doc_id=doc):
        s = index.by_id[scored.sentence_id]
        same = set(index.group.get(s.sentence_id, (s.sentence_id,)))
        if same & seen or language(s.text) == read.lang or not states_most(read, s.text):
            continue
        seen |= same
        extra.append(Hit(s.doc_id, s.sentence_id, s.start, s.end, s.text, scored.score,
                         duplicates=tuple(sorted(same - {s.sentence_id}))))
        if len(extra) == GLOSSED_EVIDENCE:
            break
    if not extra:
        return []
    query = embedder.query(strip_for_embedding(claim))  # cached: the search embedded it
    vectors = retriever.store.vectors([h.sentence_id for h in extra])
    return [replace(h, dense=float(vectors[h.sentence_id] @ query)) for h in extra if h.sentence_id in vectors]
