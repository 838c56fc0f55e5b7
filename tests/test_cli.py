"""The command line, run as a user runs it: a real process, real exit codes."""

import json
import os
import subprocess
import sys

import pytest

from tests.conftest import ARTICLE, ROOT


def factbot(*args, home, check=True, env=None):
    cmd = [sys.executable, "-m", "factbot", "--home", str(home), *args]
    proc = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT, timeout=300,
                          env={**os.environ, **(env or {})})
    if check:
        assert proc.returncode == 0, proc.stderr
    return proc


@pytest.fixture(scope="module")
def cli_home(tmp_path_factory):
    home = tmp_path_factory.mktemp("cli")
    factbot("ingest", "--json", home=home)
    return home


def test_ingest_twice_embeds_nothing_the_second_time(cli_home):
    report = json.loads(factbot("ingest", "--json", home=cli_home).stdout)
    assert {k: report[k] for k in ("documents", "sentences", "added", "unchanged", "removed", "embedded")} == \
        {"documents": 1, "sentences": 18, "added": 0, "unchanged": 18, "removed": 0, "embedded": 0}
    assert report["seconds"] >= 0


def test_search_json_slices_the_corpus_file(cli_home):
    out = json.loads(factbot("search", "how many US troops remain?", "--json", home=cli_home).stdout)
    text = ARTICLE.read_text(encoding="utf-8")
    top = out["hits"][0]
    assert out["query"] == "how many US troops remain?"
    assert set(top) == {"doc_id", "sentence_id", "text", "start", "end", "score"}
    assert "حوالي 2500 جندي أمريكي" in top["text"] and text[top["start"]:top["end"]] == top["text"]


@pytest.mark.parametrize("args, message", [
    (["ingest", "no/such/folder"], "no/such/folder: no such file or folder"),
    (["search", "   "], "the query is empty"),
    (["search", "x" * 2001], "the query is 2,001 characters; the limit is 2,000"),
    (["search", "troops", "--doc", "nope"], "no document 'nope'"),
])
def test_user_errors_are_one_line_exit_2(cli_home, args, message):
    proc = factbot(*args, home=cli_home, check=False)
    assert proc.returncode == 2
    assert proc.stderr.strip() == f"factbot: {message}"
    assert "Traceback" not in proc.stderr


def test_bad_option_exit_2(cli_home):
    proc = factbot("search", "x", "-k", "0", home=cli_home, check=False)
    assert proc.returncode == 2 and "Invalid value for '-k'" in proc.stderr


def test_reader_setting_means_the_same_to_the_cli_and_the_app(cli_home):
    """FACTBOT_READER is read by one rule (config.parse_reader) wherever it is read: "1" is on for
    the app and for `factbot`, and a bad value is one line, naming the valid ones."""
    bad = factbot("ask", "troops?", home=cli_home, check=False, env={"FACTBOT_READER": "maybe"})
    assert bad.returncode == 2 and "Invalid value for '--reader': expected pick, on or off" in bad.stderr
    assert "Traceback" not in bad.stderr
    on = json.loads(factbot("ask", "Who sang?", "--json", home=cli_home, env={"FACTBOT_READER": "1"}).stdout)
    assert on["question"] == "Who sang?"
    from factbot.config import parse_reader
    from factbot.reader import ReaderMode

    assert parse_reader("1") is ReaderMode.ON


def test_empty_corpus_folder(tmp_path):
    (tmp_path / "empty").mkdir()
    proc = factbot("ingest", str(tmp_path / "empty"), home=tmp_path / "h", check=False)
    assert proc.returncode == 2 and "no documents" in proc.stderr


@pytest.mark.parametrize("command", [["ask", "How many troops?"], ["check", "About 5,000 troops remain"],
                                     ["search", "troops"]])
def test_nothing_indexed_says_how_to_ingest(tmp_path, command):
    # an empty index would otherwise "answer" that the article does not say
    proc = factbot(*command, home=tmp_path / "h", env={"FACTBOT_EMBEDDER": "hash"}, check=False)
    assert (proc.returncode, proc.stderr.strip().splitlines()[-1]) == (
        2, "factbot: nothing is indexed yet: run `factbot ingest` (indexes corpus/) or `factbot ingest PATH`")


def test_non_utf8_file_is_skipped_with_reason(tmp_path):
    (tmp_path / "c").mkdir()
    (tmp_path / "c" / "bad.txt").write_bytes(b"caf\xe9 au lait.")
    (tmp_path / "c" / "good.txt").write_text("A good sentence here.", encoding="utf-8")
    proc = factbot("ingest", str(tmp_path / "c"), "--json", home=tmp_path / "h", env={"FACTBOT_EMBEDDER": "hash"})
    report = json.loads(proc.stdout)
    assert report["documents"] == 1 and report["rejected"][0]["reason"].endswith("not UTF-8 text (byte 3); save it as UTF-8")
    assert "skipped" in proc.stderr


def test_help_teaches():
    proc = subprocess.run([sys.executable, "-m", "factbot", "--help"], capture_output=True, text=True, cwd=ROOT)
    assert proc.returncode == 0
    for word in ("ingest", "search", "ask", "check", "FACTBOT_HOME", "FACTBOT_CHROMA_URL"):
        assert word in proc.stdout
