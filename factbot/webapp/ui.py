"""The Gradio layout of the web app: tabs Chat, Check, Sources and Evaluate, their events, and
the named API endpoints /ask, /check, /search, /documents, /add_document, /delete_document.
What each event does lives in `views`; here is only what goes where.
"""

from __future__ import annotations

from collections.abc import Callable
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
    """The Blocks app over `bot`. Launch it with `demo.launch(**launch_options(host, port))`."""
    v = Views(bot, Path(evalsets) if evalsets else None, open_bot)
    def private(name: str) -> dict:
        return dict(api_name=name, api_visibility="private")

    with gr.Blocks(title="factbot — ask and check, with citations", analytics_enabled=False) as demo:
        gr.Markdown("## factbot\nAsk questions of the indexed articles and check claims against them. "
                    "Every answer cites its source sentences; when the sources do not say, factbot says so.")
        with gr.Tabs():
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
                        ask_pick = gr.Radio(label="Citations: pick one to highlight it", choices=[], visible=False,
                                            elem_id="fb-ask-pick")
                        ask_panel = gr.HTML(render.document_html(None), elem_id="fb-ask-panel")
                previous = gr.State("")
                ask_marks = gr.State([])
            with gr.Tab("Check", id="check"):
                with gr.Row(equal_height=False):
                    with gr.Column(scale=5):
                        claim = gr.Textbox(label="Claim or paragraph", lines=3,
                                           placeholder="A claim to verify, e.g. About 5,000 US troops remain in Iraq.",
                                           elem_id="fb-claim")
                        with gr.Row():
                            check_doc = gr.Dropdown(choices=[ALL_DOCS], value="", label="Check against", scale=3)
                            check_btn = gr.Button("Check", variant="primary", scale=1, elem_id="fb-check")
                        gr.Examples(EXAMPLE_CLAIMS, inputs=[claim], label="Examples")
                        verdict = gr.HTML(elem_id="fb-verdict")
                    with gr.Column(scale=4):
                        # The verdict's own [n] markers are clickable; the full list stays folded.
                        with gr.Accordion("All evidence: pick one to highlight it", open=False):
                            check_pick = gr.Radio(show_label=False, choices=[], visible=False, elem_id="fb-check-pick")
                        check_panel = gr.HTML(render.document_html(None), elem_id="fb-check-panel")
                check_marks = gr.State([])
            with gr.Tab("Sources", id="sources"):
                sources_table = gr.HTML(elem_id="fb-sources")
                with gr.Row(equal_height=False):
                    with gr.Column():
                        gr.Markdown(f"**Add a document**: paste text or upload a .txt, .md or .html file "
                                    f"(at most {MAX_DOCUMENT_BYTES // 1_000_000} MB). It is indexed at once; a "
                                    "name already in use replaces that document.")
                        add_name = gr.Textbox(label="Name (becomes its id)", max_length=100)
                        add_text = gr.Textbox(label="Text", lines=6, elem_id="fb-add-text")
                        add_file = gr.File(label="…or a file", file_types=list(SUFFIXES), type="filepath")
                        add_btn = gr.Button("Add and index", variant="primary")
                    with gr.Column():
                        gr.Markdown("**Delete a document** from the index (its file, if any, is untouched).")
                        del_doc = gr.Dropdown(label="Document", choices=[])
                        del_btn = gr.Button("Delete", variant="stop")
                source_status = gr.HTML()
            with gr.Tab("Evaluate", id="evaluate"):
                gr.Markdown("Run a labelled set through the bot and see its headline metrics. Bundled sets are "
                            "about the bundled article; an uploaded JSONL uses the same format (evalsets/README.md).")
                with gr.Row():
                    eval_choice = gr.Radio([*BUNDLED_SETS, "upload"], value=BUNDLED_SETS[0],
                                           label="Dataset")
                    eval_limit = gr.Number(0, label="Only the first N items (0: all)", precision=0, minimum=0)
                eval_file = gr.File(label="JSONL to evaluate (with 'upload')", file_types=[".jsonl", ".json"],
                                    type="filepath")
                eval_btn = gr.Button("Run evaluation", variant="primary")
                eval_out = gr.HTML()
                eval_plots = gr.Gallery(label="Plots", columns=2, height=420, object_fit="contain", preview=False)
                eval_files = gr.File(label="metrics.json, predictions.jsonl, report.md", file_count="multiple")

        cite_key = gr.Textbox(visible="hidden", elem_id="fb-cite-key", show_label=False)

        # -- named API endpoints (gradio_client: Client(url).predict(..., api_name="/ask")) ------
        for name, fn in (("ask", v.api_ask), ("check", v.api_check), ("search", v.api_search),
                         ("documents", v.api_documents), ("add_document", v.api_add_document),
                         ("delete_document", v.api_delete_document)):
            gr.api(user_errors(fn), api_name=name)

        # -- events (private: the page's own; clients use the endpoints above) ----------------
        # A user error shows one toast and leaves every output as it was (views.page_errors).
        def on(event, fn, inputs, outputs, name: str, **kw):
            return event(page_errors(fn, len(outputs)), inputs, outputs, **private(name), **kw)

        chat_in = [question, chatbot, previous, ask_doc, ask_marks]
        chat_out = [chatbot, question, previous, ask_marks, ask_pick, ask_panel]
        on(question.submit, v.chat, chat_in, chat_out, "ui_chat_submit").then(None, js=SCROLL_JS)
        on(ask_btn.click, v.chat, chat_in, chat_out, "ui_chat").then(None, js=SCROLL_JS)
        on(ask_pick.input, v.focus, [ask_pick, ask_marks], [ask_panel], "ui_ask_focus").then(None, js=SCROLL_JS)
        clear_btn.click(v.clear_chat, None, [chatbot, question, previous, ask_marks, ask_pick, ask_panel],
                        **private("ui_clear"))

        check_out = [verdict, check_marks, check_pick, check_panel]
        on(check_btn.click, v.check, [claim, check_doc], check_out, "ui_check").then(None, js=SCROLL_JS)
        on(claim.submit, v.check, [claim, check_doc], check_out, "ui_check_submit").then(None, js=SCROLL_JS)
        on(check_pick.input, v.focus, [check_pick, check_marks], [check_panel], "ui_check_focus") \
            .then(None, js=SCROLL_JS)

        on(cite_key.change, v.clicked, [cite_key, ask_marks, check_marks],
           [ask_pick, ask_panel, check_pick, check_panel], "ui_clicked").then(None, js=SCROLL_JS)

        source_outputs = [sources_table, del_doc, ask_doc, check_doc]
        on(add_btn.click, v.add, [add_name, add_text, add_file],
           [source_status, add_name, add_text, add_file, *source_outputs], "ui_add")
        on(del_btn.click, v.delete, [del_doc], [source_status, *source_outputs], "ui_delete")
        on(demo.load, v.sources, None, source_outputs, "ui_sources")

        on(eval_btn.click, v.evaluate, [eval_choice, eval_file, eval_limit], [eval_out, eval_plots, eval_files],
           "ui_evaluate", concurrency_limit=1)

    demo.queue(default_concurrency_limit=CONCURRENCY, max_size=QUEUE_SIZE)
    return demo
