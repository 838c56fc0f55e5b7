"""Crash safety with real processes: `kill -9` mid-ingest, clean exit and reopen, and two
processes writing one embedded store. The long version (10+ kills per corpus size, and two
ingests racing) is tests/stress/crash_loop.py; its figures are in docs/reliability.md."""

from __future__ import annotations

import subprocess
import sys
import textwrap

from tests.conftest import ROOT
from tests.stress.crash_loop import ENV, crash_runs, ingest, make_corpus, verify_in_fresh_process


def test_kill_9_mid_ingest_small_corpus(tmp_path):
    # 45 entries: under one HNSW batch (hnsw:batch_size 100), the vectors stay in Chroma's log
    summary = crash_runs("small", 2, seed=2, sample=None, workdir=tmp_path, log=lambda m: None)
    assert summary["killed_mid_ingest"] == 2
    for row in summary["results"]:
        assert row["problems"] == [], row
        # every entry found by id with its text and first by a search with its own text
        assert (row["documents"], row["stored_records"], row["found_by_id"], row["found_by_query"]) == (3, 45, 45, 45)


def _vector_segment(home, collection: str) -> str:
    """The folder Chroma keeps a collection's HNSW index in (its vector segment's id)."""
    import sqlite3

    with sqlite3.connect(home / "chroma" / "chroma.sqlite3") as db:
        (segment,) = db.execute("SELECT s.id FROM segments s JOIN collections c ON s.collection = c.id "
                                "WHERE c.name = ? AND s.scope = 'VECTOR'", (collection,)).fetchone()
    return segment


def test_kill_9_mid_ingest_large_corpus_and_an_unreadable_index(tmp_path):
    """1,200 entries: past Chroma's HNSW sync threshold (1,000), so the index is saved to disk
    (the crash loop uses 2,400).
    Then what one kill in the crash loop left behind: an empty index_metadata.pickle, after which
    every read of the store failed for good. factbot rebuilds the index when it opens the store."""
    summary = crash_runs("medium", 1, seed=1, sample=40, workdir=tmp_path, log=lambda m: None)
    assert summary["killed_mid_ingest"] == 1
    for row in summary["results"]:
        assert row["problems"] == [], row
        # every entry found by id with its text; 40 sampled found first by a search with their own text
        assert (row["documents"], row["stored_records"], row["found_by_id"], row["found_by_query"]) == \
            (6, 1200, 1200, 40)
    home, corpus = tmp_path / "home", tmp_path / "corpus-a"
    assert ingest(home, corpus).returncode == 0
    # the live sentences index (a rebuild after the kill above may leave an old segment folder)
    pickle = home / "chroma" / _vector_segment(home, "factbot-sentences") / "index_metadata.pickle"
    assert pickle.exists()
    pickle.write_bytes(b"")  # as the killed process left it
    redo = ingest(home, corpus)
    assert redo.returncode == 0, redo.stderr
    assert "was damaged by an interrupted write; rebuilt it from the 6 stored documents (1200 sentences)" \
        in redo.stderr
    state = verify_in_fresh_process(home, corpus, complete=True, sample=40)
    assert (state["problems"], state["found_by_id"], state["found_by_query"]) == ([], 1200, 40)


HOLD_LOCK = textwrap.dedent("""
    import sys, time
    from factbot.pipeline import FactBot
    bot = FactBot.open(home=sys.argv[1], embedder="hash")
    with bot.store.writing():
        print("locked", flush=True)
        sys.stdin.readline()  # hold the write lock until the test says so
""")


def test_second_writer_is_refused_then_clean_exit_loses_nothing(tmp_path):
    corpus = make_corpus(tmp_path / "corpus", 3, 15, seed=4)
    home = tmp_path / "home"
    holder = subprocess.Popen([sys.executable, "-c", HOLD_LOCK, str(home)], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, text=True, cwd=ROOT, env=ENV)
    try:
        assert holder.stdout.readline().strip() == "locked"
        refused = ingest(home, corpus)
        assert refused.returncode == 2
        assert refused.stderr.strip() == (f"factbot: another factbot process is writing to {home}; "
                                          "wait for it to finish and try again")
    finally:
        holder.communicate("done\n", timeout=60)
    assert holder.returncode == 0
    assert ingest(home, corpus).returncode == 0  # the lock is released with its holder
    # a clean exit, then a fresh process: all 45 entries (3 documents x 15) found by id and by
    # a search with their own text
    state = verify_in_fresh_process(home, corpus, complete=True)
    assert (state["problems"], state["documents"], state["found_by_id"], state["found_by_query"]) == ([], 3, 45, 45)


def test_long_lived_process_sees_and_respects_another_process_writes(tmp_path):
    """The app (one long-lived process) and `factbot ingest` (another) on one embedded home:
    Chroma caches the index per process and never reloads it; without a reload the app's
    searches failed ("Error finding id") and its next write came from a stale copy."""
    from factbot.pipeline import FactBot

    v1, v2, final = tmp_path / "v1", tmp_path / "v2", tmp_path / "final"
    a = "The bridge in Mosul opened on Sunday. Traffic resumed at noon."
    b = "Basra hosted a trade fair in May. Forty companies took part."
    notes = "Erbil held a separate meeting. Nobody attended it."
    for folder, files in ((v1, {"a.txt": a}), (v2, {"a.txt": a, "b.txt": b}),
                          (final, {"a.txt": a, "b.txt": b, "notes.txt": notes})):
        folder.mkdir()
        for name, text in files.items():
            (folder / name).write_text(text, encoding="utf-8")
    home = tmp_path / "home"
    app = FactBot.open(home=home, embedder="hash")  # stands for the running app
    app.ingest([v1])
    assert app.search("bridge in Mosul", k=1)[0].doc_id == "a"  # its vector index is now loaded
    assert ingest(home, v2).returncode == 0  # another process adds b
    top = app.search("Basra hosted a trade fair in May.", k=1)[0]
    assert (top.doc_id, round(top.dense, 4)) == ("b", 1.0)  # found by meaning too: its own vector
    app.add_text(notes, "notes")  # the app writes after the other process did
    state = verify_in_fresh_process(home, final, complete=True)
    # 3 documents x 2 sentences, all found by id and first by their own text
    assert (state["problems"], state["documents"], state["found_by_id"], state["found_by_query"]) == ([], 3, 6, 6)


def test_both_kinds_of_damage_seen_in_the_crash_loop_are_recognised():
    from chromadb.errors import InternalError

    from factbot.index.store import _is_damaged_index

    seen = [  # the two messages the crash loop's kills left behind, verbatim
        "Error executing plan: Error sending backfill request to compactor: Error constructing hnsw segment reader: "
        "Error creating hnsw segment reader: Error deserializing pickle file: eval error at offset 0: EOF while parsing",
        "Error executing plan: Error sending backfill request to compactor: Failed to apply logs to the hnsw segment "
        "writer",
    ]
    assert [_is_damaged_index(InternalError(m)) for m in seen] == [True, True]
    # other failures are not "damage": rebuilding would hide them
    assert not _is_damaged_index(InternalError("Error executing plan: Internal error: Error finding id"))
    assert not _is_damaged_index(RuntimeError(seen[0]))
