"""The web app's handlers in-process (no server): a bot over the corpus with the fast
HashEmbedder, and a recording answerer where a test needs to see what the chat asked."""

from __future__ import annotations

import json
from pathlib import Path

import gradio as gr
import pytest

from conftest import ARTICLE, ROOT
from factbot.ingest.documents import MAX_DOCUMENT_BYTES
from factbot.pipeline import FactBot
from factbot.types import Answer, Citation, FactbotError
from factbot.webapp.ui import launch_options
from factbot.webapp.views import SerialBot, Views, _read_upload, user_errors


class RecordingAnswerer:
    """Answers with the first hit, and remembers each question it was given."""

    def __init__(self) -> None:
        self.questions: list[str] = []

    def answer(self, question, hits, k=5):
        self.questions.append(question)
        return Answer(question, hits[0].text, False, 0.5, citations=(Citation.from_hit(1, hits[0]),))


@pytest.fixture
def views(hash_bot):
    bot = FactBot(hash_bot.store, hash_bot.embedder, hash_bot.retriever, answerer=RecordingAnswerer())
    return Views(bot, evalsets=ROOT / "evalsets")


def test_chat_turn_returns_history_citation_picker_and_panel(views, article_text):
    history, box, previous, marks, picker, panel = views.chat("How many US troops remain in Iraq?", [], "", "", [])
    assert [m["role"] for m in history] == ["user", "assistant"]
    assert box == "" and previous == "How many US troops remain in Iraq?"
    assert [(m.key, m.group) for m in marks] == [("ask-t1-1", "ask-t1")]  # turn 1, citation 1
    m = marks[0]
    assert article_text[m.start:m.end] == m.text  # offsets slice the document
    assert picker.value == "ask-t1-1" and '<mark id="ask-t1-1" class="fb-hl cite focus"' in panel


def test_follow_up_reaches_the_bot_with_the_previous_topic(views):
    history, _, previous, marks, *_ = views.chat("How many US troops remain in Iraq?", [], "", "", [])
    history, _, previous2, *_ = views.chat("and when was it formed?", history, previous, "", marks)
    assert views.bot.answerer.questions == ["How many US troops remain in Iraq?",
                                           "us troops remain iraq — and when was it formed?"]
    assert previous2 == "us troops remain iraq — and when was it formed?"  # chains to a third turn
    assert "read as: us troops remain iraq — and when was it formed?" in history[-1]["content"]


def test_focus_switches_the_highlighted_mark(views):
    *_, marks, _, _ = views.chat("US troops Iraq coalition 2014", [], "", "", [])
    panel = views.focus(marks[0].key, marks)
    assert f'id="{marks[0].key}" class="fb-hl cite focus"' in panel


def test_clicked_marker_of_an_earlier_turn_shows_that_turn(views):
    history, _, prev, marks, *_ = views.chat("How many US troops remain in Iraq?", [], "", "", [])
    history, _, prev, marks, picker, panel = views.chat("When did the Iraqi prime minister meet officials?",
                                                        history, prev, "", marks)
    assert [m.group for m in marks] == ["ask-t1", "ask-t2"]
    assert picker.value == "ask-t2-1" and 'id="ask-t1-1"' not in panel  # the panel shows the latest turn
    ask_picker, ask_panel, check_picker, check_panel = views.clicked("ask-t1-1|1700000000000", marks, [])
    assert ask_picker.value == "ask-t1-1" and [v for _, v in ask_picker.choices] == ["ask-t1-1"]
    assert '<mark id="ask-t1-1" class="fb-hl cite focus"' in ask_panel and 'id="ask-t2-1"' not in ask_panel
    assert check_picker == gr.skip() and check_panel == gr.skip()  # the Check tab is left alone


def test_clicked_unknown_marker_changes_nothing(views):
    assert views.clicked("ask-t9-9|1", [], []) == (gr.skip(),) * 4


def test_empty_chat_question_is_a_user_error(views):
    with pytest.raises(gr.Error, match="the question is empty"):
        user_errors(views.chat)("   ", [], "", "", [])


def test_add_upload_then_delete(views, tmp_path):
    page = tmp_path / "Zebra Parade.html"
    page.write_text("<html><head><script>alert(1)</script></head><body><h1>Zebra parade</h1>"
                    "<p>Forty zebras walked through Lisbon on a sunny day.</p></body></html>", encoding="utf-8")
    status, name, text, file, table, del_dd, ask_dd, check_dd = views.add("", "", str(page))
    assert "Added zebra-parade (en, 2 sentences)" in status  # headline + one body sentence
    assert "alert(1)" not in views.bot.document_text("zebra-parade")  # scripts dropped from HTML
    assert (name, text, file) == ("", "", None)
    assert "zebra-parade" in [v for _, v in ask_dd.choices] and "zebra-parade" in table
    status, *_ = views.add("", "", str(page))
    assert "Replaced zebra-parade" in status
    status, table, *_ = views.delete("zebra-parade")
    assert "Deleted zebra-parade." in status and "zebra-parade" not in table


def test_several_files_are_added_at_once(views, tmp_path):
    (tmp_path / "Desert Rain.txt").write_text("Rain fell on the desert town of Qasr for the first time in ten years.",
                                              encoding="utf-8")
    (tmp_path / "market.ar.md").write_text("افتتحت البلدية سوقا جديدا للخضار في وسط المدينة يوم الأحد.", encoding="utf-8")
    status, name, text, files, table, _, ask_dd, _ = views.add("", "", [str(tmp_path / "Desert Rain.txt"),
                                                                         str(tmp_path / "market.ar.md")])
    assert "Added desert-rain (en, 1 sentence); Added market.ar (ar, 1 sentence)" in status
    assert {"desert-rain", "market.ar"} <= {v for _, v in ask_dd.choices} and files is None
    assert "Qasr" in views.bot.document_text("desert-rain")


@pytest.mark.parametrize("names, typed_name, message", [
    (["good.txt", "latin1.txt"], "", "latin1.txt: not UTF-8 text"),          # one bad file
    (["notes.txt", "notes.md"], "", "notes.txt and notes.md would both be 'notes'"),  # one id twice
    (["a.txt", "b.txt"], "Monday", "a name is for one document"),         # which file would it name?
])
def test_a_refused_file_among_several_adds_none(views, tmp_path, names, typed_name, message):
    for n in names:
        (tmp_path / n).write_bytes("café".encode("latin-1") if n == "latin1.txt" else
                                  f"A short note called {n} about the harbour.".encode())
    before = sorted(d.doc_id for d in views.bot.documents())
    with pytest.raises(FactbotError, match=message):
        views.add(typed_name, "", [str(tmp_path / n) for n in names])
    assert sorted(d.doc_id for d in views.bot.documents()) == before


@pytest.mark.parametrize("make, text, message", [
    (lambda p: p / "notes.pdf", "", "notes.pdf: unsupported file type"),
    (lambda p: p / "big.txt", "", f"big.txt: {MAX_DOCUMENT_BYTES + 1:,} bytes is over the"),
    (lambda p: p / "both.txt", "pasted too", "give pasted text or a file, not both"),
    (lambda p: None, "   ", "paste a text or choose a file"),
    (lambda p: None, "x" * (MAX_DOCUMENT_BYTES + 1), f"the text is {MAX_DOCUMENT_BYTES + 1:,} bytes"),
    (lambda p: p / "latin1.txt", "", "not UTF-8 text"),
])
def test_bad_uploads_are_refused_with_the_reason(tmp_path, make, text, message):
    path = make(tmp_path)
    if path is not None:
        data = {"big.txt": b"a" * (MAX_DOCUMENT_BYTES + 1), "latin1.txt": "café".encode("latin-1")}
        path.write_bytes(data.get(path.name, b"some text here"))
    with pytest.raises(FactbotError, match=message):
        _read_upload(str(path) if path else None, text, "")


def test_pasted_text_without_a_name_gets_one_from_its_content():
    upload = _read_upload(None, "Some pasted text.", "")
    assert (upload.raw, upload.is_html, upload.source) == ("Some pasted text.", False, "pasted")
    assert upload.name.startswith("pasted-") and len(upload.name) == len("pasted-") + 8


def test_delete_without_a_choice_is_a_user_error(views):
    with pytest.raises(gr.Error, match="choose a document to delete"):
        user_errors(views.delete)(None)


def test_evaluate_bundled_questions(views):
    html, plots, files = views.evaluate("questions.jsonl", None, 3)
    assert "questions.jsonl · 3 evaluated · 0 rejected · 47 skipped" in html  # 50 items, first 3 run
    assert plots and all(p.endswith(".png") for p in plots)
    assert sorted(f.rsplit("/", 1)[1] for f in files) == ["metrics.json", "predictions.jsonl", "report.md"]


def test_evaluate_keeps_only_the_last_few_report_folders(views):
    from factbot.webapp.views import EVAL_DIRS_KEPT

    folders = []
    for _ in range(EVAL_DIRS_KEPT + 2):
        _, _, files = views.evaluate("questions.jsonl", None, 1)
        folders.append(Path(files[0]).parent)
    # the newest EVAL_DIRS_KEPT remain (their files may still be on their way to a browser)
    assert [f.exists() for f in folders] == [False, False] + [True] * EVAL_DIRS_KEPT


def test_evaluate_takes_only_bundled_set_names(views):
    with pytest.raises(FactbotError, match="no bundled evaluation set '../corpus/x.jsonl'"):
        views.evaluate("../corpus/x.jsonl", None, None)


def test_evaluate_upload_needs_a_file(views):
    with pytest.raises(gr.Error, match="choose a JSONL file"):
        user_errors(views.evaluate)("upload", None, None)


def test_internal_errors_become_a_message_without_details():
    def broken():
        raise KeyError("secret-internal-detail")

    with pytest.raises(gr.Error) as info:
        user_errors(broken)()
    assert str(info.value.message) == "internal error (KeyError); see the server log"


def test_serial_bot_passes_attributes_and_calls_through(hash_bot):
    bot = SerialBot(hash_bot)
    assert bot.embedder is hash_bot.embedder
    assert [d.doc_id for d in bot.documents()] == ["us-iraq-coalition-talks.ar"]
    assert bot.document_text("us-iraq-coalition-talks.ar") == ARTICLE.read_text(encoding="utf-8")


def test_launch_options_are_safe():
    opts = launch_options("127.0.0.1", 7860)
    assert (opts["share"], opts["max_file_size"], opts["ssr_mode"], opts["mcp_server"]) == (
        False, MAX_DOCUMENT_BYTES, False, False)
    assert opts["theme"]._stylesheets == []  # no Google Fonts URL: every face is local


def test_evaluate_uploaded_squad_file_uses_its_own_collection(tmp_path):
    from conftest import make_bot

    home = tmp_path / "home"
    opened: list[str | None] = []

    def open_bot(collection=None):
        opened.append(collection)
        bot = make_bot(home, collection=collection) if collection else make_bot(home)
        return FactBot(bot.store, bot.embedder, bot.retriever, answerer=RecordingAnswerer())

    squad = tmp_path / "zebras.json"
    squad.write_text(json.dumps({"version": "1.1", "data": [{"title": "Zebras", "paragraphs": [{
        "context": "Forty zebras walked through Lisbon in 2021. The parade was organised by the zoo.",
        "qas": [{"id": "z1", "question": "How many zebras walked through Lisbon?",
                 "answers": [{"text": "Forty", "answer_start": 0}]}]}]}]}), encoding="utf-8")
    views = Views(open_bot(), open_bot=open_bot)
    html, _, _ = views.evaluate("upload", str(squad), None)
    assert "zebras.json · 1 evaluated · 0 rejected · 0 skipped" in html
    assert opened[0] is None and opened[1].startswith("eval-squad-")  # contexts kept apart from the corpus
    assert [d.doc_id for d in views.bot.documents()] == []  # the user's corpus is untouched


class ParagraphVerifier:
    """Refutes claims with "5,000", supports the others, citing the first hit."""

    def verify(self, claim, hits):
        from factbot.types import Evidence, Label, Stance, Verdict

        refuted = "5,000" in claim
        h = hits[0]
        e = Evidence(1, h.doc_id, h.sentence_id, h.text, h.start, h.end,
                     Stance.REFUTES if refuted else Stance.SUPPORTS, h.dense)
        return Verdict(claim, Label.REFUTED if refuted else Label.SUPPORTED, 0.8, "stub", (e,))


def test_check_paragraph_shows_each_claim_with_its_evidence(hash_bot, article_text):
    views = Views(FactBot(hash_bot.store, hash_bot.embedder, hash_bot.retriever, verifier=ParagraphVerifier()))
    html, marks, picker, panel = views.check(
        "About 5,000 US troops remain in Iraq. The coalition was formed in 2014.", "")
    assert html.count('<span class="fb-badge refuted">REFUTED</span>') == 1
    assert html.count('<span class="fb-badge supported">SUPPORTED</span>') == 1
    assert [(m.key, m.label, m.kind) for m in marks] == [("check-1-1", "1.1", "refutes"), ("check-2-1", "2.1", "supports")]
    assert all(article_text[m.start:m.end] == m.text for m in marks)
    same = marks[0].start == marks[1].start  # both claims may cite the same sentence: one highlight
    assert picker.value == "check-1-1"
    assert ('class="fb-hl refutes supports focus"' if same else 'class="fb-hl refutes focus"') in panel
