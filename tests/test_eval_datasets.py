"""Loading the three dataset formats: exact counts of what is kept and what is rejected, and why."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from factbot.evaluate.datasets import Format, Kind, load_dataset
from factbot.evaluate.harness import select, squad_collection
from factbot.types import FactbotError, Label

ROOT = Path(__file__).resolve().parent.parent
DATASETS = ROOT.parent / "shared" / "datasets"
needs_datasets = pytest.mark.skipif(not DATASETS.is_dir(), reason=f"{DATASETS} absent (a user's clone has no ../shared)")

GOOD_Q = {"id": "q1", "kind": "question", "text": "How many troops?", "lang": "en",
          "answer_any": ["2500"], "evidence_any": ["2500 جندي"]}
GOOD_C = {"id": "c1", "kind": "claim", "text": "5,000 troops remain.", "label": "refuted", "tags": ["number"]}

BAD_JSONL_LINES = [
    json.dumps(GOOD_Q, ensure_ascii=False),                              # 1 kept
    '{"id": "q2", "kind": "question", "text": "broken"',                # 2 malformed JSON
    "",                                                                  # 3 blank: not counted
    json.dumps({**GOOD_Q, "text": "again?"}),                            # 4 duplicate id q1
    json.dumps({"id": "x1", "kind": "opinion", "text": "meh"}),          # 5 unknown kind
    json.dumps({**GOOD_C, "id": "c0", "label": "MOSTLY_TRUE"}),          # 6 unknown label
    json.dumps(GOOD_C),                                                  # 7 kept (label case-insensitive)
    "   ",                                                               # 8 blank (spaces): not counted
    json.dumps({"id": "q3", "kind": "question", "text": "Why?", "unanswerable": True, "answers_any": ["x"]}),  # 9 kept + note
    "[1, 2]",                                                            # 10 not an object
]


@pytest.fixture
def bad_jsonl(tmp_path) -> Path:
    p = tmp_path / "bad.jsonl"
    p.write_text("\n".join(BAD_JSONL_LINES) + "\n", encoding="utf-8")
    return p


def test_jsonl_bad_lines_are_counted_by_line_number(bad_jsonl):
    ds = load_dataset(bad_jsonl)
    assert ds.format is Format.JSONL
    # 10 lines, 2 blank -> 8 read; kept: lines 1, 7, 9 -> 3; rejected: 2, 4, 5, 6, 10 -> 5
    assert (ds.lines, len(ds.items), len(ds.problems)) == (8, 3, 5)
    assert ds.lines == len(ds.items) + len(ds.problems)
    assert [i.id for i in ds.items] == ["q1", "c1", "q3"]
    assert [p.where for p in ds.problems] == ["line 2", "line 4", "line 5", "line 6", "line 10"]
    messages = [p.message for p in ds.problems]
    assert messages[0].startswith("malformed JSON")
    assert messages[1] == "duplicate id 'q1' (first on line 1)"
    assert "unknown kind 'opinion'" in messages[2]
    assert "unknown label 'MOSTLY_TRUE'" in messages[3]
    assert messages[4] == "expected a JSON object, got list"
    # the misspelt field is a warning on an accepted item, not a rejection
    assert [str(n) for n in ds.notes] == ["line 9: unknown field 'answers_any' ignored"]


def test_jsonl_items_carry_the_jsonl_vocabulary(bad_jsonl):
    q1, c1, q3 = load_dataset(bad_jsonl).items
    assert (q1.kind, q1.answer_any, q1.evidence_any, q1.lang) == (Kind.QUESTION, ("2500",), ("2500 جندي",), "en")
    assert c1.label is Label.REFUTED  # "refuted" read case-insensitively
    assert q1.gold() == {"lang": "en", "answer_any": ["2500"], "evidence_any": ["2500 جندي"]}
    assert c1.gold() == {"label": "REFUTED", "tags": ["number"]}
    assert q3.gold() == {"unanswerable": True}


@pytest.mark.parametrize("record, message", [
    ({"id": "a", "kind": "question", "text": "?", "label": "SUPPORTED"}, "'label' belongs to claims"),
    ({"id": "a", "kind": "claim", "text": "x", "unanswerable": True}, "belong to questions"),
    ({"id": "a", "kind": "question", "text": "?", "unanswerable": True, "answer_any": ["x"]}, "cannot have"),
    ({"id": "a", "kind": "question", "text": "  "}, "missing or empty 'text'"),
    ({"kind": "question", "text": "?"}, "missing or empty 'id'"),
    ({"id": "a", "kind": "question", "text": "?", "answer_any": [""]}, "list of non-empty strings"),
    ({"id": "a", "kind": "question", "text": "?", "unanswerable": "yes"}, "true or false"),
])
def test_jsonl_inconsistent_records_are_rejected(tmp_path, record, message):
    p = tmp_path / "one.jsonl"
    p.write_text(json.dumps(GOOD_Q) + "\n" + json.dumps(record) + "\n", encoding="utf-8")
    ds = load_dataset(p)
    assert len(ds.items) == 1 and len(ds.problems) == 1
    assert ds.problems[0].where == "line 2" and message in ds.problems[0].message


@pytest.mark.parametrize("content", ["", "\n\n  \n"])
def test_empty_file_is_a_user_error(tmp_path, content):
    p = tmp_path / "empty.jsonl"
    p.write_text(content, encoding="utf-8")
    with pytest.raises(FactbotError, match="empty dataset file"):
        load_dataset(p)


def test_unknown_format_is_a_user_error(tmp_path):
    p = tmp_path / "notes.txt"
    p.write_text("just some prose\nnothing to evaluate\n", encoding="utf-8")
    with pytest.raises(FactbotError, match="cannot tell the dataset format; use --format"):
        load_dataset(p)
    with pytest.raises(FactbotError, match="unknown dataset format 'xml'; expected one of: jsonl, squad, stance"):
        load_dataset(p, "xml")


def test_missing_file_is_a_user_error(tmp_path):
    with pytest.raises(FactbotError, match="no such dataset file"):
        load_dataset(tmp_path / "nope.jsonl")


def test_format_can_be_forced(tmp_path):
    p = tmp_path / "items.txt"  # an extension that says nothing
    p.write_text(json.dumps(GOOD_Q) + "\n", encoding="utf-8")
    assert load_dataset(p).format is Format.JSONL  # detected from content: a one-item JSONL file
    assert load_dataset(p, "jsonl").items[0].id == "q1"


def test_select_by_kind_and_limit(bad_jsonl):
    ds = load_dataset(bad_jsonl)
    assert [i.id for i in select(ds, "question")] == ["q1", "q3"]
    assert [i.id for i in select(ds, None, 2)] == ["q1", "c1"]
    assert [i.id for i in select(ds, Kind.CLAIM, 5)] == ["c1"]
    with pytest.raises(FactbotError, match="--limit must be at least 1"):
        select(ds, None, 0)


# --- SQuAD -------------------------------------------------------------------------------

SQUAD = {"version": "1.1", "data": [
    {"title": "Alpha", "paragraphs": [
        {"context": "Alpha was founded in 1990. It has 30 members.",
         "qas": [{"id": "a1", "question": "When was Alpha founded?",
                  "answers": [{"text": "1990", "answer_start": 21}, {"text": "1990", "answer_start": 21},
                              {"text": "in 1990", "answer_start": 18}]},
                 {"id": "a2", "question": "How many members?", "answers": []}]},  # no answer: rejected
    ]},
    {"title": "Beta", "paragraphs": [
        {"context": "Beta is a river.", "qas": [
            {"id": "a1", "question": "Duplicate id?", "answers": [{"text": "river", "answer_start": 10}]},
            {"id": "b1", "question": "- What is Beta? ال", "answers": [{"text": "a river", "answer_start": 8}]}]},
        {"qas": [{"id": "b2", "question": "Orphan?", "answers": [{"text": "x", "answer_start": 0}]}]},
    ]},
]}


def test_squad_questions_golds_and_contexts(tmp_path):
    p = tmp_path / "mini.json"
    p.write_text(json.dumps(SQUAD), encoding="utf-8")
    ds = load_dataset(p)
    assert ds.format is Format.SQUAD
    # 5 questions read; a1, b1 kept; a2 (no answers), a1 again (duplicate), b2 (no context) rejected
    assert (ds.lines, [i.id for i in ds.items], len(ds.problems)) == (5, ["a1", "b1"], 3)
    assert [p.where for p in ds.problems] == ["data[0].paragraphs[0].qas[1]", "data[1].paragraphs[0].qas[0]",
                                               "data[1].paragraphs[1].qas[0]"]
    a1, b1 = ds.items
    assert b1.text == "What is Beta?"  # ARCD's list dash and stray tail removed
    # repeated annotator answers collapse, order kept; the answers are also the evidence
    assert a1.answer_any == ("1990", "in 1990") and a1.evidence_any == a1.answer_any
    # one document per paragraph with a context, text verbatim; the context-less paragraph has none
    assert [(c.doc_id, c.text) for c in ds.contexts] == [
        ("squad-000-00", "Alpha was founded in 1990. It has 30 members."), ("squad-001-00", "Beta is a river.")]
    # the collection is named by the contexts' content, whatever the file is called
    q = tmp_path / "renamed.json"
    q.write_text(json.dumps(SQUAD, indent=1), encoding="utf-8")
    assert squad_collection(load_dataset(q)) == squad_collection(ds)
    assert squad_collection(ds).startswith("eval-squad-") and len(squad_collection(ds)) == len("eval-squad-") + 12


def test_squad_that_is_not_squad(tmp_path):
    p = tmp_path / "x.json"
    p.write_text('{"data": "nope"}', encoding="utf-8")
    with pytest.raises(FactbotError, match="not SQuAD JSON"):
        load_dataset(p, "squad")


# --- stance CSV ----------------------------------------------------------------------------

def test_stance_csv_rows_labels_and_bad_rows(tmp_path):
    p = tmp_path / "stance-mini.csv"
    p.write_text(
        "s1,s2,stance\n"
        "الذهب يستقر,استقرار الذهب,agree\n"          # line 2 -> SUPPORTED
        "\"headline, with comma\",contradiction,disagree\n"  # line 3 -> REFUTED (quoted comma)
        "a,b,maybe\n"                                 # line 4 unknown stance
        "\n"                                          # line 5 blank: not counted
        "only,two\n"                                  # line 6 wrong field count
        ",empty s1,agree\n"                           # line 7 empty s1
        "x,y,OTHER\n",                                # line 8 -> NOT_ENOUGH_INFO (case-insensitive)
        encoding="utf-8")
    ds = load_dataset(p)
    assert ds.format is Format.STANCE
    assert (ds.lines, len(ds.items), len(ds.problems)) == (6, 3, 3)  # header not counted
    assert [p.where for p in ds.problems] == ["line 4", "line 6", "line 7"]
    assert [(i.id, i.label, i.text, i.evidence_text) for i in ds.items] == [
        ("stance-mini:2", Label.SUPPORTED, "استقرار الذهب", "الذهب يستقر"),
        ("stance-mini:3", Label.REFUTED, "contradiction", "headline, with comma"),
        ("stance-mini:8", Label.NOT_ENOUGH_INFO, "y", "x")]
    assert all(i.kind is Kind.CLAIM for i in ds.items)


def test_stance_csv_needs_its_columns(tmp_path):
    p = tmp_path / "x.csv"
    p.write_text("a,b\n1,2\n", encoding="utf-8")
    with pytest.raises(FactbotError, match="columns s1,s2,stance"):
        load_dataset(p)


# --- the real files -------------------------------------------------------------------------

@needs_datasets
def test_arcd_test_loads_whole():
    ds = load_dataset(DATASETS / "arcd" / "arcd-test.json")
    # the dataset README: 78 articles, 234 paragraphs, 702 questions
    assert (ds.format, ds.lines, len(ds.items), len(ds.problems)) == (Format.SQUAD, 702, 702, 0)
    assert len(ds.contexts) == 234  # one document per paragraph


@needs_datasets
def test_ans_stance_test_loads_whole():
    ds = load_dataset(DATASETS / "ans" / "stance-test.csv")
    labels = [i.label for i in ds.items]
    # 379 pairs: agree 130, disagree 242, other 7 (counted from the file)
    assert (ds.format, ds.lines, len(ds.items), len(ds.problems)) == (Format.STANCE, 379, 379, 0)
    assert (labels.count(Label.SUPPORTED), labels.count(Label.REFUTED), labels.count(Label.NOT_ENOUGH_INFO)) == \
        (130, 242, 7)


def test_bundled_evalsets_load_without_problems():
    for name, n in (("questions.jsonl", 50), ("claims.jsonl", 54)):
        ds = load_dataset(ROOT / "evalsets" / name)
        assert (len(ds.items), ds.problems, ds.notes) == (n, (), ())  # counts from evalsets/README.md


def test_answer_sentence_is_the_one_span_holding_the_whole_answer():
    from factbot.evaluate.datasets import answer_sentence
    from factbot.text.matching import split_sentences

    ctx = "The club was formed in 1981. About 12,000 runners finished."
    spans = split_sentences(ctx)
    assert answer_sentence(spans, ctx.index("1981"), "1981") == 0
    assert answer_sentence(spans, ctx.index("12,000"), "12,000 runners") == 1
    # "1981. About" crosses the boundary: no single answering sentence
    assert answer_sentence(spans, ctx.index("1981"), "1981. About") is None


def test_gold_sentences_give_each_answered_question_its_sentence_and_the_one_before(tmp_path):
    from factbot.evaluate.datasets import gold_sentences

    ctx = "Paris is in France. It was founded long ago. The Seine flows through it."
    qa = lambda q, a, qid: {"id": qid, "question": q, "answers": [{"text": a, "answer_start": ctx.index(a)}]}  # noqa: E731
    data = {"data": [
        {"paragraphs": [{"context": ctx, "qas": [qa("- Which river flows through Paris?", "Seine", "a"),
                                                 {"id": "b", "question": "Unanswered?", "answers": []},
                                                 qa("Where is Paris?", "in France. It", "c")]}]},
        {"paragraphs": [{"context": ctx, "qas": [qa("Where is Paris?", "France", "d")]}]}]}
    path = tmp_path / "squad.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    got = gold_sentences(path)
    # "in France. It" crosses a sentence boundary: no single gold sentence; positions count it
    assert [(g.question, g.sentence, g.previous, g.answers, g.article, g.position) for g in got] == [
        ("Which river flows through Paris?", "The Seine flows through it.", "It was founded long ago.",
         ("Seine",), 0, 0),
        ("Where is Paris?", "Paris is in France.", "", ("France",), 1, 2)]
