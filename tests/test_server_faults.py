"""A real `chroma run` that dies, freezes or comes back: factbot says so in seconds (one
clear FactbotError, no hang), and the same FactBot object works again once the server is
back on the same port and path."""

from __future__ import annotations

import signal
import threading
import time

import pytest

from factbot.pipeline import FactBot
from factbot.testing import HashEmbedder
from factbot.types import FactbotError
from tests.conftest import ARTICLE, CORPUS, ChromaServer, free_port

FAST = 10.0  # seconds: the promise is "an error in seconds"; store.SERVER_TIMEOUT_S is 5
QUERY = "حوالي 2500 جندي أمريكي"
ARTICLE_SENTENCES = 18


def timed(fn):
    """(result or exception, seconds); run in a thread so a hang fails the test instead of freezing it."""
    out: list = []

    def run():
        try:
            out.append(fn())
        except Exception as exc:  # the caller asserts on the exception
            out.append(exc)

    t0 = time.monotonic()
    worker = threading.Thread(target=run, daemon=True)
    worker.start()
    worker.join(3 * FAST)
    assert out, f"no answer in {3 * FAST:.0f}s: the call hangs"
    return out[0], time.monotonic() - t0


@pytest.fixture
def server_bot(chroma_server):
    bot = FactBot.open(chroma_url=chroma_server.url, embedder="hash")
    bot.ingest([CORPUS])
    return bot


OPERATIONS = {
    "search": lambda bot: bot.search(QUERY, k=3),
    "documents": lambda bot: bot.documents(),
    "document_text": lambda bot: bot.document_text("us-iraq-coalition-talks.ar"),
    "ingest": lambda bot: bot.ingest([CORPUS]),
    "add_text": lambda bot: bot.add_text("Erbil hosted a separate meeting. Nobody attended it.", "notes"),
}


def test_stopped_server_is_a_clear_error_then_the_same_bot_recovers(chroma_server, server_bot):
    """For each operation: stop the server, expect one clear error in seconds, start it again
    on the same port and path, and the same bot answers as before."""
    before = [h.sentence_id for h in server_bot.search(QUERY, k=3)]
    for op, call in OPERATIONS.items():
        chroma_server.stop()
        error, seconds = timed(lambda: call(server_bot))
        assert isinstance(error, FactbotError), (op, error)
        assert str(error) == (f"lost the Chroma server at {chroma_server.url}: ConnectError; "
                              "is `chroma run` still running?"), op
        assert seconds < FAST, op
        chroma_server.start()  # same port, same path
        assert [h.sentence_id for h in server_bot.search(QUERY, k=3)] == before, op
        call(server_bot)  # and the operation itself now works
    assert [d.doc_id for d in server_bot.documents()] == ["notes", "us-iraq-coalition-talks.ar"]


def test_frozen_server_times_out_then_recovers(chroma_server, server_bot):
    """SIGSTOP: the server accepts connections but never answers (a hung process, a full
    disk). Chroma's client has no timeout; factbot gives it one."""
    before = [h.sentence_id for h in server_bot.search(QUERY, k=3)]
    chroma_server.proc.send_signal(signal.SIGSTOP)
    try:
        error, seconds = timed(lambda: server_bot.search("الجنود الأمريكيون في العراق", k=3))
    finally:
        chroma_server.proc.send_signal(signal.SIGCONT)
    assert isinstance(error, FactbotError), error
    assert str(error) == (f"lost the Chroma server at {chroma_server.url}: ReadTimeout; "
                          "is `chroma run` still running?")
    assert seconds < FAST
    assert [h.sentence_id for h in server_bot.search(QUERY, k=3)] == before


class StopsServer(HashEmbedder):
    """Stops the server during the n-th passage batch: the server dies mid-ingest."""

    batch_size = 4

    def __init__(self, server: ChromaServer, on_batch: int) -> None:
        super().__init__()
        self.name = "hash:64"
        self.server, self.on_batch, self.batches = server, on_batch, 0

    def embed_batch(self, texts, *, query):
        if not query:
            self.batches += 1
            if self.batches == self.on_batch:
                self.server.stop()
        return super().embed_batch(texts, query=query)


def test_server_dying_mid_ingest_leaves_no_partial_document(chroma_server, tmp_path):
    good = tmp_path / "c" / "a-good.txt"
    good.parent.mkdir()
    good.write_text("The ministry opened a new bridge in Mosul. Traffic resumed on Sunday.", encoding="utf-8")
    (tmp_path / "c" / "b-article.txt").write_text(ARTICLE.read_text(encoding="utf-8"), encoding="utf-8")
    bot = FactBot.open(chroma_url=chroma_server.url, embedder=StopsServer(chroma_server, on_batch=3))
    error, seconds = timed(lambda: bot.ingest([tmp_path / "c"]))
    assert isinstance(error, FactbotError) and "lost the Chroma server" in str(error), error
    assert seconds < FAST + 10  # includes stopping the server (up to its 10 s shutdown)
    chroma_server.start()
    # both documents are embedded in one chunk (ingest.CHUNK_SENTENCES); the server died while
    # the chunk was embedded, so the first write failed: neither document is visible
    assert bot.documents() == [] and bot.sentences() == []
    report = bot.ingest([tmp_path / "c"])
    assert (report.documents, report.sentences, report.added, report.unchanged) == (2, 2 + ARTICLE_SENTENCES,
                                                                                     2 + ARTICLE_SENTENCES, 0)
    assert QUERY in bot.search(QUERY, k=1)[0].text


def test_open_without_a_server_is_a_clear_error():
    url = f"http://127.0.0.1:{free_port()}"
    error, seconds = timed(lambda: FactBot.open(chroma_url=url, embedder="hash"))
    assert isinstance(error, FactbotError)
    assert str(error) == f"cannot reach a Chroma server at {url}; start one with: chroma run --host 127.0.0.1 " \
                         f"--port {url.rsplit(':', 1)[1]}"
    assert seconds < FAST


def test_open_against_a_frozen_server_does_not_hang(chroma_server):
    chroma_server.proc.send_signal(signal.SIGSTOP)
    try:
        error, seconds = timed(lambda: FactBot.open(chroma_url=chroma_server.url, embedder="hash"))
    finally:
        chroma_server.proc.send_signal(signal.SIGCONT)
    assert isinstance(error, FactbotError) and str(error).startswith("cannot reach a Chroma server at")
    assert seconds < FAST
