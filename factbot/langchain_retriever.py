"""factbot inside LangChain: `FactBot.as_retriever()` is a langchain_core `BaseRetriever`,
and `Embedder.as_langchain()` a langchain_core `Embeddings`.

Each `Document` is one retrieved sentence: `page_content` is exactly `document[start:end]`
and `metadata` carries `doc_id, sentence_id, start, end, score` (the fused rank score, as in
`factbot search --json`), so a chain can cite the sentence as factbot itself does.
"""

from __future__ import annotations

from typing import Any

from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document as LCDocument
from langchain_core.embeddings import Embeddings
from langchain_core.retrievers import BaseRetriever
from pydantic import ConfigDict

from factbot.types import Hit


class EmbedderEmbeddings(Embeddings):
    """A factbot `Embedder` (`factbot.index.embeddings`) as LangChain `Embeddings`."""

    def __init__(self, embedder) -> None:
        self.embedder = embedder

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return self.embedder.embed_documents(texts)

    def embed_query(self, text: str) -> list[float]:
        return self.embedder.embed_query(text)


def hit_document(hit: Hit) -> LCDocument:
    return LCDocument(page_content=hit.text, id=hit.sentence_id,
                      metadata={"doc_id": hit.doc_id, "sentence_id": hit.sentence_id, "start": hit.start,
                                "end": hit.end, "score": round(hit.score, 6)})


class FactbotRetriever(BaseRetriever):
    """factbot's hybrid search (dense + BM25) as a LangChain retriever."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    bot: Any  # a FactBot; typed loosely so pydantic does not import or validate it
    k: int = 5
    doc: str | None = None  # only this document (`factbot search --doc`)

    def _get_relevant_documents(self, query: str, *, run_manager: CallbackManagerForRetrieverRun) -> list[LCDocument]:
        return [hit_document(h) for h in self.bot.search(query, k=self.k, doc=self.doc)]
