"""The corpus index's snapshot (factbot.index.snapshot): a new process answers from it without
importing chromadb, and never from a stale one — a write by any process, a write killed midway,
a damaged or foreign file each send it back to Chroma."""

import json
import subprocess
import sys

import pytest

from factbot.index import snapshot
from factbot.index.generation import WRITING
from factbot.pipeline import FactBot
from tests.conftest import CORPUS, ROOT

QUESTION = "How many US troops remain in Iraq?"

# A fresh process: open the bot, ask, and say which answer it gave and whether Chroma was imported.
CHILD = """
import json, sys
from factbot.pipeline import FactBot
import factbot.testing  # the hash embedder
bot = FactBot.open(home=sys.argv[1], embedder="hash")
answer = bot.ask(sys.argv[2])
print(json.dumps({"chromadb": "chromadb" in sys.modules, "bm25s": "bm25s" in sys.modules,
                  "cited": [c.sentence_id for c in answer.citations], "docs": list(bot.document_ids())}))
"""


def _child(home, question=QUESTION) -> dict:
    out = subprocess.run([sys.executable, "-c", CHILD, str(home), question], capture_output=True, text=True,
                         cwd=ROOT, timeout=300)
    assert out.returncode == 0, out.stderr[-2000:]
    return json.loads(out.stdout.strip().splitlines()[-1])


@pytest.fixture
def home(tmp_path):
    bot = FactBot.open(home=tmp_path, embedder="hash")
    bot.ingest([CORPUS])
    return tmp_path


def test_second_process_answers_without_chroma_and_the_same(home):
    path = snapshot.path_for(home, "factbot")
    path.unlink()  # as an index from before snapshots: the first process reads Chroma, then saves one
    first = _child(home)
    assert first["chromadb"] and path.exists()
    second = _child(home)
    assert not second["chromadb"] and not second["bm25s"]  # neither is imported from a snapshot
    assert second["cited"] == first["cited"] and second["docs"] == first["docs"] == ["us-iraq-coalition-talks.ar"]


def test_a_write_by_another_process_makes_it_stale(home, tmp_path_factory):
    assert not _child(home)["chromadb"]
    bot = FactBot.open(home=home, embedder="hash")  # another process's write, which reads nothing back
    with bot.store.writing():
        bot.store.uncommit_document("us-iraq-coalition-talks.ar")
    after = _child(home)
    assert after["chromadb"] and after["docs"] == []  # the snapshot was of the store before the write
    extra = tmp_path_factory.mktemp("extra") / "notice.txt"
    extra.write_text("The museum opens on Monday. Tickets cost 12 dollars.", encoding="utf-8")
    FactBot.open(home=home, embedder="hash").ingest([extra, CORPUS])
    again = _child(home)
    assert not again["chromadb"]  # an ingest leaves a current snapshot, with both documents
    assert sorted(again["docs"]) == ["notice", "us-iraq-coalition-talks.ar"]


def test_a_write_killed_midway_is_never_answered_from_a_snapshot(home):
    _child(home)
    gen = home / "factbot.generation"
    gen.write_text(gen.read_text() + WRITING)  # what a write killed inside writing() leaves
    assert _child(home)["chromadb"]
    assert _child(home)["chromadb"]  # and no snapshot is saved until a write finishes


@pytest.mark.parametrize("damage", [b"", b"not a pickle", None])
def test_an_unreadable_snapshot_is_a_cache_miss(home, damage):
    first = _child(home)
    path = snapshot.path_for(home, "factbot")
    if damage is None:  # a snapshot of another format: same pickle, other stamp
        import pickle

        stamp, snap = pickle.loads(path.read_bytes())
        path.write_bytes(pickle.dumps((("other",) + stamp[1:], snap)))
    else:
        path.write_bytes(damage)
    again = _child(home)
    assert again["chromadb"] and again["cited"] == first["cited"]


def test_writes_outside_the_lock_leave_the_generation_marked(hash_bot):
    store = hash_bot.store
    before = store.generation.read()
    assert before and not before.endswith(WRITING)
    store.uncommit_document("us-iraq-coalition-talks.ar")  # not inside store.writing()
    assert store.generation.read().endswith(WRITING)
    assert hash_bot.document_ids() == ()  # this process's index sees the write too
    with store.writing():
        pass
    assert not store.generation.read().endswith(WRITING) and store.generation.read() != before


def test_a_server_store_has_no_generation(hash_bot):
    from factbot.index.store import SentenceStore

    remote = SentenceStore(hash_bot.store.client, "hash", "factbot", url="http://127.0.0.1:1")
    assert remote.generation.read() is None and remote.home is None


def test_ingest_leaves_a_current_snapshot(home):
    """`factbot ingest` then `factbot ask`: the first ask after an ingest is already a fast one."""
    assert not _child(home)["chromadb"]
