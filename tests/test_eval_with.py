"""`factbot eval SET --with DIR`: the set's corpus and other documents indexed together, apart
from the user's index, so a set can be measured beside articles nobody tuned on."""

from __future__ import annotations

import json

from click.testing import CliRunner

from factbot.cli import main
from factbot.pipeline import FactBot
from tests.conftest import ROOT

QUESTIONS = ROOT / "evalsets" / "questions.jsonl"
OTHER = {"museum.txt": "The museum in Erbil reopens on Monday. Entry is free for students.",
         "bridge.txt": "The bridge over the Tigris was repaired in May. Traffic resumed two days later."}


def cli(home, *args):
    return CliRunner().invoke(main, ["--home", str(home), "--embedder", "hash", *[str(a) for a in args]])


def test_with_indexes_the_corpus_and_the_extra_documents_apart(tmp_path):
    home, extra = tmp_path / "home", tmp_path / "extra"
    extra.mkdir()
    for name, text in OTHER.items():
        (extra / name).write_text(text, encoding="utf-8")
    assert cli(home, "ingest", ROOT / "corpus").exit_code == 0
    r = cli(home, "eval", QUESTIONS, "--limit", 3, "--with", extra, "--out", tmp_path / "out")
    assert r.exit_code == 0, r.output
    m = json.loads((tmp_path / "out" / "metrics.json").read_text(encoding="utf-8"))
    collection = m["config"]["collection"]
    assert collection.startswith("eval-with-") and m["evaluated"] == 3
    docs = lambda name=None: sorted(d.doc_id for d in FactBot.open(  # noqa: E731
        home=home, embedder="hash", **({"collection": name} if name else {})).documents())
    assert docs() == ["us-iraq-coalition-talks.ar"]  # the user's index is untouched
    assert docs(collection) == ["bridge", "museum", "us-iraq-coalition-talks.ar"]
    # the same documents again: the same collection, nothing embedded twice
    again = cli(home, "eval", QUESTIONS, "--limit", 1, "--with", extra, "--json")
    assert again.exit_code == 0 and json.loads(again.stdout)["config"]["collection"] == collection


def test_with_and_a_squad_file_share_one_collection(tmp_path):
    squad, extra = tmp_path / "mini.json", tmp_path / "extra"
    extra.mkdir()
    (extra / "museum.txt").write_text(OTHER["museum.txt"], encoding="utf-8")
    squad.write_text(json.dumps({"data": [{"title": "Alpha club", "paragraphs": [
        {"context": "The Alpha club was founded in 1990 in Cairo. It has thirty members today.",
         "qas": [{"id": "a1", "question": "When was the Alpha club founded?",
                  "answers": [{"text": "1990", "answer_start": 30}]}]}]}]}), encoding="utf-8")
    r = cli(tmp_path / "home", "eval", squad, "--with", extra, "--json")
    assert r.exit_code == 0, r.output
    collection = json.loads(r.stdout)["config"]["collection"]
    docs = [d.doc_id for d in FactBot.open(home=tmp_path / "home", embedder="hash", collection=collection).documents()]
    assert sorted(docs) == ["museum", "squad-000-00"]


def test_with_is_refused_for_stance_pairs_and_id_clashes(tmp_path):
    pairs = tmp_path / "pairs.csv"
    pairs.write_text("s1,s2,stance\nالذهب مستقر,الذهب مستقر اليوم,agree\n", encoding="utf-8")
    extra = tmp_path / "extra"
    extra.mkdir()
    (extra / "us-iraq-coalition-talks.ar.txt").write_text("Another text. With two sentences.", encoding="utf-8")
    r = cli(tmp_path / "home", "eval", pairs, "--with", extra)
    assert r.exit_code == 2 and "a stance file has none" in r.output
    assert cli(tmp_path / "home", "ingest", ROOT / "corpus").exit_code == 0
    r = cli(tmp_path / "home", "eval", QUESTIONS, "--limit", 1, "--with", extra)
    assert r.exit_code == 2 and "already in the set's corpus: us-iraq-coalition-talks.ar" in r.output
