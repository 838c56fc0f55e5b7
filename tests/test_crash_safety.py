"""Crash safety with real processes: `kill -9` mid-ingest, clean exit and reopen, and two
processes writing one embedded store. The long version (10+ kills per corpus size, and two
ingests racing) is tests/stress/crash_loop.py; its figures are in docs/reliability.md."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

from tests.conftest import ROOT
from tests.stress.crash_loop import ENV, crash_runs, ingest, make_corpus, verify_in_fresh_process


@pytest.mark.parametrize("size, runs, seed", [("large", 2, 1), ("small", 1, 2)])
def test_kill_9_mid_ingest_then_ingest_restores_exact_entries(tmp_path, size, runs, seed):
    # large: 2,400 entries (past Chroma's HNSW sync threshold of 1,000); small: 45 (under one batch of 100)
    summary = crash_runs(size, runs, seed=seed, sample=40, workdir=tmp_path, log=lambda m: None)
    for row in summary["results"]:
        assert row["problems"] == [], row
        # every entry found by id with its text; 40 sampled found first by a search with their own text
        assert (row["documents"], row["stored_records"], row["found_by_id"], row["found_by_query"]) == \
            (summary["documents"], summary["entries"], summary["entries"], 40)


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
