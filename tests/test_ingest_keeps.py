"""Ingesting adds and updates, never silently deletes; a file that cannot be read changes nothing.

Regression for "`factbot ingest notice.txt` makes the index hold only notice.txt" and for a
file of FF FE + junk being decoded as UTF-16 garbage and indexed.
"""

from __future__ import annotations

import hashlib
import json
import random

import pytest

from factbot.pipeline import FactBot
from tests.conftest import ARTICLE
from tests.test_cli import factbot

NOTICE = "The museum in Erbil reopens on Monday. Entry is free for students."
REPORT = "The bridge over the Tigris was repaired in May. Traffic resumed two days later."


def junk_utf16(seed: int = 14, units: int = 1500) -> bytes:
    """FF FE and random UTF-16 code units outside the surrogate range, so that Python's codec
    decodes it without error into characters no text is written in (a mix of unassigned,
    private-use, CJK, Hangul... code points)."""
    rng = random.Random(seed)
    out = bytearray(b"\xff\xfe")
    while len(out) < 2 + 2 * units:
        u = rng.randrange(0x0100, 0x10000)
        if not 0xD800 <= u <= 0xDFFF:
            out += u.to_bytes(2, "little")
    return bytes(out)


def listing(bot: FactBot) -> list[tuple[str, str, int, int, str]]:
    return sorted((s.doc_id, s.sentence_id, s.start, s.end, s.text) for s in bot.store.all_sentences())


def snapshot(home) -> dict[str, str]:
    """sha256 of every file of the index folder (lock files aside: taking the lock is no change)."""
    return {str(p.relative_to(home)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(home.rglob("*")) if p.is_file() and not p.name.endswith(".lock")}


def write(folder, name, data):
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    (path.write_bytes if isinstance(data, bytes) else lambda d: path.write_text(d, encoding="utf-8"))(data)
    return path


def test_ingesting_one_file_then_another_keeps_both(tmp_path):
    a, b = write(tmp_path, "a.txt", NOTICE), write(tmp_path, "b.txt", REPORT)
    bot = FactBot.open(home=tmp_path / "home", embedder="hash")
    bot.ingest([ARTICLE])
    bot.ingest([a])
    report = bot.ingest([b])
    assert (report.documents, report.removed) == (1, 0)  # this call's documents; nothing removed
    assert sorted(bot.store.document_hashes()) == ["a", "b", "us-iraq-coalition-talks.ar"]
    assert bot.search("museum in Erbil", k=1)[0].doc_id == "a"
    assert bot.search("bridge over the Tigris", k=1)[0].doc_id == "b"


def test_prune_makes_the_index_hold_exactly_the_paths(tmp_path):
    a, b = write(tmp_path, "a.txt", NOTICE), write(tmp_path, "b.txt", REPORT)
    bot = FactBot.open(home=tmp_path / "home", embedder="hash")
    bot.ingest([ARTICLE, a])
    report = bot.ingest([b], prune=True)
    # the article's 18 sentences and a's 2 are removed
    assert (report.documents, report.removed, sorted(bot.store.document_hashes())) == (1, 20, ["b"])


def test_updating_a_file_replaces_only_that_document(tmp_path):
    a = write(tmp_path, "a.txt", NOTICE)
    bot = FactBot.open(home=tmp_path / "home", embedder="hash")
    bot.ingest([ARTICLE, a])
    a.write_text("The museum in Erbil reopens on Tuesday. Entry is free for students.", encoding="utf-8")
    report = bot.ingest([a])
    # a's first sentence changed: its 2 sentences are replaced, 1 new text embedded
    assert (report.added, report.removed, report.embedded) == (2, 2, 1)
    assert sorted(bot.store.document_hashes()) == ["a", "us-iraq-coalition-talks.ar"]
    assert "Tuesday" in bot.document_text("a")


@pytest.mark.parametrize("data,reason", [
    (junk_utf16(), r"not text: 1[0-9]% of its characters are unassigned, private-use or control"),
    (b"\xff\xfe" + b"\x00\xd8" * 40, r"not valid UTF-16"),  # lone surrogates
    (b"\xff\xfeA\x00\x00\xe0\x01\xe0\x02\xe0B\x00", r"not text: 60% of its characters"),  # 3 private-use of 5
])
def test_undecodable_text_is_rejected_with_one_line(tmp_path, data, reason):
    bad = write(tmp_path, "junk.txt", data)
    bot = FactBot.open(home=tmp_path / "home", embedder="hash")
    bot.ingest([ARTICLE])
    report = bot.ingest([bad])
    assert [r.path for r in report.rejected] == [str(bad)]
    message = report.rejected[0].reason
    assert "\n" not in message
    assert message.startswith(f"{bad}: ")
    import re
    assert re.search(reason, message), message
    assert sorted(bot.store.document_hashes()) == ["us-iraq-coalition-talks.ar"]


def test_real_utf16_with_a_bom_is_still_read(tmp_path):
    path = write(tmp_path, "u16.txt", "\ufeff".encode("utf-16-le") + NOTICE.encode("utf-16-le"))
    bot = FactBot.open(home=tmp_path / "home", embedder="hash")
    assert bot.ingest([path]).rejected == ()
    assert bot.document_text("u16") == NOTICE


@pytest.mark.parametrize("prune", [False, True])
def test_a_rejected_file_leaves_the_index_byte_for_byte_unchanged(tmp_path, prune):
    home = tmp_path / "home"
    corpus = tmp_path / "c"
    write(corpus, "a.txt", NOTICE)
    bot = FactBot.open(home=home, embedder="hash")
    bot.ingest([ARTICLE, corpus])
    before_listing, before_files = listing(bot), snapshot(home)
    # a.txt is overwritten with junk: with or without --prune, its indexed version stays
    write(corpus, "a.txt", junk_utf16())
    report = bot.ingest([corpus], prune=prune)
    assert [r.path for r in report.rejected] == [str(corpus / "a.txt")]
    assert listing(bot) == before_listing
    assert snapshot(home) == before_files


def test_prune_keeps_the_old_version_of_a_rejected_file(tmp_path):
    corpus = tmp_path / "c"
    write(corpus, "a.txt", NOTICE)
    write(corpus, "b.txt", REPORT)
    bot = FactBot.open(home=tmp_path / "home", embedder="hash")
    bot.ingest([ARTICLE, corpus])
    write(corpus, "a.txt", junk_utf16())
    report = bot.ingest([corpus], prune=True)
    # the article is pruned (not under c/); a is rejected and keeps its indexed text
    assert (sorted(bot.store.document_hashes()), report.removed) == (["a", "b"], 18)
    assert bot.document_text("a") == NOTICE


def test_cli_ingest_adds_and_prune_removes(tmp_path):
    home = tmp_path / "home"
    a, b = write(tmp_path, "a.txt", NOTICE), write(tmp_path, "b.txt", REPORT)
    env = {"FACTBOT_EMBEDDER": "hash"}
    factbot("ingest", str(a), home=home, env=env)
    out = factbot("ingest", str(b), home=home, env=env).stdout
    assert out.strip().endswith("2 documents in the index"), out
    docs = json.loads(factbot("documents", "--json", home=home, env=env).stdout)
    assert sorted(d["doc_id"] for d in docs) == ["a", "b"]
    bad = write(tmp_path, "junk.txt", junk_utf16())
    proc = factbot("ingest", str(bad), home=home, env=env)
    [line] = proc.stderr.splitlines()  # one line, naming the file and why
    assert line.startswith(f"factbot: skipped {bad}: {bad}: not text: "), line
    factbot("ingest", "--prune", str(b), home=home, env=env)
    docs = json.loads(factbot("documents", "--json", home=home, env=env).stdout)
    assert [d["doc_id"] for d in docs] == ["b"]
