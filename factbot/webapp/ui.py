"""The Gradio layout of the web app: tabs Chat, Check, Sources and Evaluate, their events, and
the named API endpoints /ask, /check, /search, /documents, /add_document, /delete_document.
What each event does lives in `views`; here is only what goes where.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import gradio as gr

from factbot.ingest.documents import MAX_DOCUMENT_BYTES, SUFFIXES
from factbot.webapp import render
from factbot.webapp.views import ALL_DOCS, BUNDLED_SETS, Views, page_errors, user_errors

QUEUE_SIZE = 64  # requests waiting beyond this are told the app is busy
CONCURRENCY = 2  # one per core; bot calls themselves run one at a time (views.SerialBot)
EXAMPLE_QUESTIONS = ["How many US troops remain in Iraq?", "كم عدد الجنود الأمريكيين في العراق؟",
                     "When was the coalition formed?", "and where did the meeting take place?"]
EXAMPLE_CLAIMS = ["About 5,000 US troops remain in Iraq.", "About 2,500 US troops remain in Iraq.",
                  "التحالف تشكل في عام 2014"]

# Scroll each visible source panel so its focused <mark> sits in the upper third. The panel
# scrolls itself (not the page), so reading the chat is not disturbed.
SCROLL_JS = """
() => { setTimeout(() => {
  for (const el of document.querySelectorAll('.fb-doc mark.focus')) {
    const box = el.closest('.fb-doc');
    if (box) box.scrollTop = el.offsetTop - box.offsetTop - box.clientHeight / 3;
  }
}, 60); }
"""

# Clicking a citation marker ([1] in an answer or a verdict) puts its mark's key into a hidden
# textbox, whose change event asks the server to highlight that sentence. A timestamp makes a
# second click on the same marker a new value (an unchanged value fires no event).
CLICK_JS = """
() => {
  document.addEventListener('click', (ev) => {
    const ref = ev.target.closest('.fb-ref');
    const key = ref && [...ref.classList].find(c => c.startsWith('fbk-'));
    if (!key) return;
    const box = document.querySelector('#fb-cite-key textarea, #fb-cite-key input');
    if (!box) return;
    box.value = key.slice(4) + '|' + Date.now();
    box.dispatchEvent(new Event('input', {bubbles: true}));
  });
}
"""


def theme():
    """Gradio's default look with local fonts only: the UI face ships inside gradio
    (static/fonts), Arabic falls back to faces installed on the machine; nothing is fetched."""
    ui_font = [gr.themes.LocalFont("Source Sans Pro", weights=(400, 600, 700)), gr.themes.Font("Noto Naskh Arabic"),
               gr.themes.Font("Amiri"), gr.themes.Font("DejaVu Sans"), "Arial", "sans-serif"]
    mono = [gr.themes.LocalFont("IBM Plex Mono"), "ui-monospace", "monospace"]
    return gr.themes.Default(primary_hue="blue", font=ui_font, font_mono=mono)


def launch_options(server_name: str, server_port: int) -> dict:
    """Everything `Blocks.launch` needs for a safe local app."""
    return dict(server_name=server_name, server_port=server_port, share=False, max_file_size=MAX_DOCUMENT_BYTES,
                ssr_mode=False, mcp_server=False, pwa=False, enable_monitoring=False, show_error=False,
                inbrowser=False, theme=theme(), css=render.CSS, js=CLICK_JS, footer_links=["api"])


def build_app(bot, *, evalsets: Path | str | None = None, open_bot: Callable | None = None) -> gr.Blocks:
    """The Blocks app over `bot`: lay out the four tabs, open the named API endpoints, wire the
    page's events. Launch it with `demo.launch(**launch_options(host, port))`."""
    v = Views(bot, Path(evalsets) if evalsets else None, open_bot)
    with gr.Blocks(title="factbot — ask and check, with citations", analytics_enabled=False) as demo:
        gr.Markdown("## factbot\nAsk questions of the indexed articles and check claims against them. "
                    "Every answer cites its source sentences; when the sources do not say, factbot says so.")
        with gr.Tabs():
            chat, check, sources, evaluate = _chat_tab(), _check_tab(), _sources_tab(), _evaluate_tab()
        cite_key = gr.Textbox(visible="hidden", elem_id="fb-cite-key", show_label=False)
        _api_endpoints(v)
        _wire_chat(v, chat)
        _wire_check(v, check)
        on(cite_key.change, v.clicked, [cite_key, chat.marks, check.marks],
           [chat.pick, chat.panel, check.pick, check.panel], "ui_clicked").then(None, js=SCROLL_JS)
        _wire_sources(v, demo, sources, chat, check)
        on(evaluate.run.click, v.evaluate, [evaluate.choice, evaluate.file, evaluate.limit],
           [evaluate.out, evaluate.plots, evaluate.files], "ui_evaluate", concurrency_limit=1)
    demo.queue(default_concurrency_limit=CONCURRENCY, max_size=QUEUE_SIZE)
    return demo


# -- the layout: one function a tab, each returning the components its events use -------------


@dataclass(frozen=True)
class ChatTab:
    chatbot: gr.Chatbot
    question: gr.Textbox
    ask: gr.Button
    doc: gr.Dropdown
    clear: gr.Button
    pick: gr.Radio  # the answer's citations
    panel: gr.HTML  # the cited document, its sentence highlighted
    previous: gr.State  # the question as last read (follow-ups build on it)
    marks: gr.State  # every kept turn's citation marks


@dataclass(frozen=True)
class CheckTab:
    claim: gr.Textbox
    doc: gr.Dropdown
    check: gr.Button
    verdict: gr.HTML
    pick: gr.Radio
    panel: gr.HTML
    marks: gr.State


@dataclass(frozen=True)
class SourcesTab:
    table: gr.HTML
    name: gr.Textbox
    text: gr.Textbox
    file: gr.File
    add: gr.Button
    delete_doc: gr.Dropdown
    delete: gr.Button
    status: gr.HTML


@dataclass(frozen=True)
class EvaluateTab:
    choice: gr.Radio
    limit: gr.Number
    file: gr.File
    run: gr.Button
    out: gr.HTML
    plots: gr.Gallery
    files: gr.File


def _chat_tab() -> ChatTab:
    with gr.Tab("Chat", id="chat"):
        with gr.Row(equal_height=False):
            with gr.Column(scale=5):
                chatbot = gr.Chatbot(label="Conversation", height=540, latex_delimiters=[],
                                     buttons=["copy"], elem_id="fb-chat", feedback_options=None)
                with gr.Row():
                    question = gr.Textbox(placeholder="Ask a question (English or Arabic)…", show_label=False,
                                          scale=6, elem_id="fb-question", rtl=False)
                    ask_btn = gr.Button("Ask", variant="primary", scale=1, elem_id="fb-ask")
                with gr.Row():
                    ask_doc = gr.Dropdown(choices=[ALL_DOCS], value="", label="Search in", scale=3)
                    clear_btn = gr.Button("New conversation", scale=1, size="sm")
                gr.Examples(EXAMPLE_QUESTIONS, inputs=[question], label="Examples")
            with gr.Column(scale=4):
                pick = gr.Radio(label="Citations: pick one to highlight it", choices=[], visible=False,
                                elem_id="fb-ask-pick")
                panel = gr.HTML(render.document_html(None), elem_id="fb-ask-panel")
        return ChatTab(chatbot, question, ask_btn, ask_doc, clear_btn, pick, panel, gr.State(""), gr.State([]))


def _check_tab() -> CheckTab:
    with gr.Tab("Check", id="check"):
        with gr.Row(equal_height=False):
            with gr.Column(scale=5):
                claim = gr.Textbox(label="Claim or paragraph", lines=3,
                                   placeholder="A claim to verify, e.g. About 5,000 US troops remain in Iraq.",
                                   elem_id="fb-claim")
                with gr.Row():
                    doc = gr.Dropdown(choices=[ALL_DOCS], value="", label="Check against", scale=3)
                    check_btn = gr.Button("Check", variant="primary", scale=1, elem_id="fb-check")
                gr.Examples(EXAMPLE_CLAIMS, inputs=[claim], label="Examples")
                verdict = gr.HTML(elem_id="fb-verdict")
            with gr.Column(scale=4):
                # The verdict's own [n] markers are clickable; the full list stays folded.
                with gr.Accordion("All evidence: pick one to highlight it", open=False):
                    pick = gr.Radio(show_label=False, choices=[], visible=False, elem_id="fb-check-pick")
                panel = gr.HTML(render.document_html(None), elem_id="fb-check-panel")
        return CheckTab(claim, doc, check_btn, verdict, pick, panel, gr.State([]))


def _sources_tab() -> SourcesTab:
    with gr.Tab("Sources", id="sources"):
        table = gr.HTML(elem_id="fb-sources")
        with gr.Row(equal_height=False):
            with gr.Column():
                gr.Markdown(f"**Add documents**: paste text or upload .txt, .md or .html files "
                            f"(at most {MAX_DOCUMENT_BYTES // 1_000_000} MB each; several at once). They are "
                            "indexed at once, each under its file's name; a name already in use replaces "
                            "that document.")
                name = gr.Textbox(label="Name (becomes its id)", info="for pasted text or a single file", max_length=100)
                text = gr.Textbox(label="Text", lines=6, elem_id="fb-add-text")
                file = gr.File(label="…or files", file_types=list(SUFFIXES), type="filepath", file_count="multiple",
                               elem_id="fb-add-files")
                add_btn = gr.Button("Add and index", variant="primary")
            with gr.Column():
                gr.Markdown("**Delete a document** from the index (its file, if any, is untouched).")
                del_doc = gr.Dropdown(label="Document", choices=[])
                del_btn = gr.Button("Delete", variant="stop")
        return SourcesTab(table, name, text, file, add_btn, del_doc, del_btn, gr.HTML())


def _evaluate_tab() -> EvaluateTab:
    with gr.Tab("Evaluate", id="evaluate"):
        gr.Markdown("Run a labelled set through the bot and see its headline metrics. Bundled sets are "
                    "about the bundled article; an uploaded JSONL uses the same format (evalsets/README.md).")
        with gr.Row():
            choice = gr.Radio([*BUNDLED_SETS, "upload"], value=BUNDLED_SETS[0], label="Dataset")
            limit = gr.Number(0, label="Only the first N items (0: all)", precision=0, minimum=0)
        file = gr.File(label="JSONL to evaluate (with 'upload')", file_types=[".jsonl", ".json"], type="filepath")
        run = gr.Button("Run evaluation", variant="primary")
        out = gr.HTML()
        plots = gr.Gallery(label="Plots", columns=2, height=420, object_fit="contain", preview=False)
        files = gr.File(label="metrics.json, predictions.jsonl, report.md", file_count="multiple")
        return EvaluateTab(choice, limit, file, run, out, plots, files)


# -- the endpoints and the events ----------------------------------------------------------------


def _api_endpoints(v: Views) -> None:
    """Named API endpoints (gradio_client: Client(url).predict(..., api_name="/ask"))."""
    for name, fn in (("ask", v.api_ask), ("check", v.api_check), ("search", v.api_search),
                     ("documents", v.api_documents), ("add_document", v.api_add_document),
                     ("delete_document", v.api_delete_document)):
        gr.api(user_errors(fn), api_name=name)


def private(name: str) -> dict:
    """An event of the page's own, hidden from the API page (clients use the endpoints)."""
    return dict(api_name=name, api_visibility="private")


def on(event, fn, inputs, outputs, name: str, **kw):
    """Wire a page event: a user error shows one toast and leaves every output as it was
    (views.page_errors)."""
    return event(page_errors(fn, len(outputs)), inputs, outputs, **private(name), **kw)


def _wire_chat(v: Views, chat: ChatTab) -> None:
    chat_in = [chat.question, chat.chatbot, chat.previous, chat.doc, chat.marks]
    chat_out = [chat.chatbot, chat.question, chat.previous, chat.marks, chat.pick, chat.panel]
    on(chat.question.submit, v.chat, chat_in, chat_out, "ui_chat_submit").then(None, js=SCROLL_JS)
    on(chat.ask.click, v.chat, chat_in, chat_out, "ui_chat").then(None, js=SCROLL_JS)
    on(chat.pick.input, v.focus, [chat.pick, chat.marks], [chat.panel], "ui_ask_focus").then(None, js=SCROLL_JS)
    chat.clear.click(v.clear_chat, None, chat_out, **private("ui_clear"))


def _wire_check(v: Views, check: CheckTab) -> None:
    check_out = [check.verdict, check.marks, check.pick, check.panel]
    on(check.check.click, v.check, [check.claim, check.doc], check_out, "ui_check").then(None, js=SCROLL_JS)
    on(check.claim.submit, v.check, [check.claim, check.doc], check_out, "ui_check_submit").then(None, js=SCROLL_JS)
    on(check.pick.input, v.focus, [check.pick, check.marks], [check.panel], "ui_check_focus") \
        .then(None, js=SCROLL_JS)


def _wire_sources(v: Views, demo: gr.Blocks, sources: SourcesTab, chat: ChatTab, check: CheckTab) -> None:
    """Adding or deleting a document refreshes the table and every document picker."""
    outputs = [sources.table, sources.delete_doc, chat.doc, check.doc]
    on(sources.add.click, v.add, [sources.name, sources.text, sources.file],
       [sources.status, sources.name, sources.text, sources.file, *outputs], "ui_add")
    on(sources.delete.click, v.delete, [sources.delete_doc], [sources.status, *outputs], "ui_delete")
    on(demo.load, v.sources, None, outputs, "ui_sources")
