"""The web app's behaviour, apart from its layout: one method per page event or API endpoint,
over one `FactBot`.

API endpoints are wrapped by `user_errors`: a user error (FactbotError, empty or oversize
input) becomes a `gr.Error` with one clear line — API clients get it as an error message —
never a traceback or an HTTP 500. Page events are wrapped by `page_errors` instead: the
message is one toast where the user acted, and every output keeps what it showed (a raised
gr.Error would mark each output component of the event with an error badge).
"""

from __future__ import annotations

import functools
import logging
import shutil
import tempfile
import threading
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import gradio as gr

from factbot.defaults import DEFAULT_K
from factbot.ingest.documents import MAX_DOCUMENT_BYTES, SUFFIXES, content_hash, decode
from factbot.types import Document, FactbotError, TextDocument
from factbot.webapp import render
from factbot.ask.followup import retrieval_question

log = logging.getLogger("factbot.webapp")

MAX_K = 50  # as the CLI's -k
MAX_KEPT_MARKS = 500  # marks of earlier chat turns kept per session, so old markers still work
ALL_DOCS = ("All documents", "")  # the document filter's "no filter" choice
BUNDLED_SETS = ("questions.jsonl", "claims.jsonl")  # under evalsets/


class SerialBot:
    """The bot, one call at a time. The app serves several requests at once, and neither the
    embedder's C engine nor the corpus index rebuild is known to be thread-safe."""

    def __init__(self, bot) -> None:
        self._bot, self._lock = bot, threading.RLock()

    def __getattr__(self, name: str):
        attr = getattr(self._bot, name)
        if not callable(attr):
            return attr

        @functools.wraps(attr)
        def call(*args, **kwargs):
            with self._lock:
                return attr(*args, **kwargs)

        return call


def user_errors(fn: Callable) -> Callable:
    """FactbotError → gr.Error(its message); a missing component or a bug → gr.Error naming
    it, with the traceback in the server log only."""

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except gr.Error:
            raise
        except FactbotError as exc:
            raise gr.Error(str(exc), print_exception=False) from None
        except ImportError as exc:
            log.exception("component missing")
            raise gr.Error(f"this feature is not available in this build ({exc})", print_exception=False) from None
        except Exception as exc:  # the page must show a message, not a 500
            log.exception("unexpected error in %s", fn.__name__)
            raise gr.Error(f"internal error ({type(exc).__name__}); see the server log", print_exception=False) \
                from None

    return wrapper


def page_errors(fn: Callable, outputs: int) -> Callable:
    """`user_errors` for a page event with `outputs` output components: the message becomes a
    toast (gr.Warning) and the outputs are left as they were (gr.skip), so the error shows
    once and the rest of the page — the conversation, the source panel — keeps working."""
    checked = user_errors(fn)

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        try:
            return checked(*args, **kwargs)
        except gr.Error as exc:
            gr.Warning(exc.message)
            return gr.skip() if outputs == 1 else tuple(gr.skip() for _ in range(outputs))

    return wrapper


def _k(k: object) -> int:
    try:
        k = int(k)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise FactbotError(f"k must be a whole number from 1 to {MAX_K}") from None
    if not 1 <= k <= MAX_K:
        raise FactbotError(f"k must be from 1 to {MAX_K}, not {k}")
    return k


def _doc_rows(bot) -> list[dict]:
    counts: dict[str, int] = {}
    for s in bot.sentences():
        counts[s.doc_id] = counts.get(s.doc_id, 0) + 1
    return [{"doc_id": d.doc_id, "title": d.title, "lang": d.lang, "source": d.source,
             "sentences": counts.get(d.doc_id, 0)} for d in sorted(bot.documents(), key=lambda d: d.doc_id)]


@dataclass(frozen=True)
class Upload:
    """A document to add, as the user gave it: its raw text (HTML still marked up when `is_html`),
    its name and where it came from (the file's name, or "pasted")."""

    raw: str
    name: str
    is_html: bool
    source: str


def _read_upload(path: str | None, text: str | None, name: str | None) -> Upload:
    """The document in an uploaded file or pasted text; errors name the fix."""
    text = text or ""
    if path and text.strip():
        raise FactbotError("give pasted text or a file, not both")
    if path:
        p = Path(path)
        if p.suffix.lower() not in SUFFIXES:
            raise FactbotError(f"{p.name}: unsupported file type; use {', '.join(SUFFIXES)}")
        size = p.stat().st_size
        if size > MAX_DOCUMENT_BYTES:
            raise FactbotError(f"{p.name}: {size:,} bytes is over the {MAX_DOCUMENT_BYTES:,}-byte limit")
        stem = p.name[: -len(p.suffix)]
        return Upload(decode(p.read_bytes(), p.name), (name or "").strip() or stem,
                      p.suffix.lower() in (".html", ".htm"), p.name)
    if not text.strip():
        raise FactbotError("paste a text or choose a file (.txt, .md, .html) to add")
    size = len(text.encode("utf-8"))
    if size > MAX_DOCUMENT_BYTES:
        raise FactbotError(f"the text is {size:,} bytes; the limit is {MAX_DOCUMENT_BYTES:,}")
    return Upload(text, (name or "").strip() or f"pasted-{content_hash(text)[:8]}", False, "pasted")


class Views:
    """The app's behaviour, free of layout: each method is one event or API endpoint."""

    def __init__(self, bot, evalsets: Path | None = None, open_bot: Callable | None = None) -> None:
        self.bot = SerialBot(bot)
        self.evalsets, self.open_bot = evalsets, open_bot
        self._write = threading.Lock()
        self._eval_dirs: deque[Path] = deque()  # report folders of recent Evaluate runs, oldest first

    # -- shared pieces -----------------------------------------------------------------

    def documents_by_id(self) -> dict[str, Document]:
        return {d.doc_id: d for d in self.bot.documents()}

    def panel(self, marks: list[render.Mark], focus: str | None) -> str:
        """The source panel: the focused mark's document (else the last result's first mark's),
        with the marks of that mark's result highlighted."""
        if not marks:
            return render.document_html(None)
        chosen = _chosen(marks, focus)
        doc = self.documents_by_id().get(chosen.doc_id)
        if doc is None:
            return render.message_html(f"document {chosen.doc_id!r} is no longer indexed")
        return render.document_html(doc, [m for m in marks if m.group == chosen.group], chosen.key)

    @staticmethod
    def picker(marks: list[render.Mark], focus: str | None = None):
        """The citation picker for the focused mark's result."""
        if not marks:
            return gr.Radio(choices=[], value=None, visible=False)
        chosen = _chosen(marks, focus)
        choices = [(m.picker_label(), m.key) for m in marks if m.group == chosen.group]
        return gr.Radio(choices=choices, value=chosen.key, visible=True)

    def doc_choices(self) -> list[tuple[str, str]]:
        return [ALL_DOCS] + [(f"{d.doc_id} — {render.snippet(d.title, 50)}", d.doc_id)
                             for d in sorted(self.bot.documents(), key=lambda d: d.doc_id)]

    # -- API endpoints (plain data; same dicts as the CLI's --json) --------------------------

    def api_ask(self, question: str, k: int = DEFAULT_K) -> dict:
        """Answer a question from the indexed documents: exactly `factbot ask --json`."""
        return self.bot.ask(question, k=_k(k)).to_dict()

    def api_check(self, claim: str) -> dict:
        """Verify a claim (or a paragraph of claims): exactly `factbot check --json`."""
        return self.bot.check(claim).to_dict()

    def api_search(self, query: str, k: int = DEFAULT_K) -> dict:
        """Hybrid search: exactly `factbot search --json`."""
        return {"query": query, "hits": [h.to_dict() for h in self.bot.search(query, k=_k(k))]}

    def api_documents(self) -> list[dict]:
        """The indexed documents (the rows of `factbot documents --json`), sorted by id."""
        return _doc_rows(self.bot)

    def api_add_document(self, text: str, name: str = "", html: bool = False) -> dict:
        """Add (or replace) a document from its text; it is searchable at once."""
        if not isinstance(text, str):
            raise FactbotError("the document must be text")
        upload = _read_upload(None, text, name)
        with self._write:
            doc = self.bot.add_text(upload.raw, upload.name, html=bool(html), source=upload.source)
        return {"doc_id": doc.doc_id, "title": doc.title, "lang": doc.lang, "source": doc.source,
                "sentences": len(self.bot.sentences(doc.doc_id))}

    def api_delete_document(self, doc_id: str) -> dict:
        """Remove a document from the index."""
        with self._write:
            self.bot.delete_document(str(doc_id))
        return {"deleted": doc_id}

    # -- Chat ---------------------------------------------------------------------------------

    def chat(self, message: str, history: list, previous: str, doc: str | None, marks: list[render.Mark]):
        """One turn. Each turn's marks are kept (group ask-t<turn>) so that a marker clicked in
        an earlier answer still finds its sentence."""
        effective = retrieval_question(message or "", previous or None)
        answer = self.bot.ask(effective, k=DEFAULT_K, doc=doc or None)
        read_as = effective if effective != (message or "").strip() else ""
        group = f"ask-t{sum(1 for m in history or [] if m.get('role') == 'user') + 1}"
        history = list(history or []) + [
            {"role": "user", "content": f'<div dir="auto">{render.md_safe(message.strip())}</div>'},
            {"role": "assistant", "content": render.answer_html(answer, read_as, group)},
        ]
        new = render.answer_marks(answer, group)
        marks = [*(marks or []), *new][-MAX_KEPT_MARKS:]
        focus = new[0].key if new else None
        if not new:  # nothing to show for this turn: clear the panel rather than show an old turn
            return history, "", effective, marks, self.picker([]), self.panel([], None)
        return history, "", effective, marks, self.picker(marks, focus), self.panel(marks, focus)

    def focus(self, key: str | None, marks: list[render.Mark]) -> str:
        return self.panel(marks or [], key)

    def clicked(self, value: str | None, ask_marks: list[render.Mark], check_marks: list[render.Mark]):
        """A citation marker was clicked (CLICK_JS): highlight its sentence in its tab's panel and
        show its result's picker. Outputs: ask picker, ask panel, check picker, check panel."""
        key = (value or "").split("|")[0]
        for marks, tab in ((ask_marks or [], 0), (check_marks or [], 1)):
            if any(m.key == key for m in marks):
                update = [self.picker(marks, key), self.panel(marks, key)]
                return (*update, gr.skip(), gr.skip()) if tab == 0 else (gr.skip(), gr.skip(), *update)
        return gr.skip(), gr.skip(), gr.skip(), gr.skip()  # a result no longer kept: nothing to show

    @staticmethod
    def clear_chat():
        return [], "", "", [], gr.Radio(choices=[], value=None, visible=False), render.document_html(None)

    # -- Check ----------------------------------------------------------------------------------

    def check(self, claim: str, doc: str | None):
        result = self.bot.check(claim or "", doc=doc or None)
        marks = render.verdict_marks(result)
        focus = marks[0].key if marks else None
        return render.verdict_html(result), marks, self.picker(marks, focus), self.panel(marks, focus)

    # -- Sources ------------------------------------------------------------------------------------

    def sources(self):
        rows = _doc_rows(self.bot)
        choices = self.doc_choices()
        return (render.sources_html(rows), gr.Dropdown(choices=choices[1:], value=None),
                gr.Dropdown(choices=choices, value=""), gr.Dropdown(choices=choices, value=""))

    def add(self, name: str, text: str, files: str | list[str] | None):
        """Add pasted text, or one or more uploaded files at once (all or none: every file is
        read and checked before any is indexed)."""
        paths = [files] if isinstance(files, str) else list(files or [])
        if len(paths) > 1 and (name or "").strip():
            raise FactbotError(f"a name is for one document; clear it to add the {len(paths)} files under "
                               "their own names")
        uploads = [_read_upload(p, text, name) for p in paths] or [_read_upload(None, text, name)]
        with self._write:
            existed = set(self.documents_by_id())
            docs = self.bot.add_texts([TextDocument(u.raw, u.name, u.is_html, u.source) for u in uploads])
        done = []
        for doc in docs:
            n = len(self.bot.sentences(doc.doc_id))
            done.append(f"{'Replaced' if doc.doc_id in existed else 'Added'} {doc.doc_id} ({doc.lang}, {n} "
                        f"sentence{'' if n == 1 else 's'})")
        status = render.message_html(f"{'; '.join(done)}: searchable now in Chat and Check.", "ok")
        return (status, "", "", None, *self.sources())

    def delete(self, doc_id: str | None):
        if not doc_id:
            raise FactbotError("choose a document to delete")
        with self._write:
            self.bot.delete_document(doc_id)
        return (render.message_html(f"Deleted {doc_id}.", "ok"), *self.sources())

    # -- Evaluate --------------------------------------------------------------------------------------

    def evaluate(self, choice: str, upload: str | None, limit: float | None,
                 progress=gr.Progress(track_tqdm=True)):  # noqa: B008 - gradio reads this default
        """Run a set with a progress bar (the harness's tqdm bar, items done / total, shown in
        the page by gr.Progress)."""
        from factbot.evaluate import evaluate
        from factbot.evaluate.report import fmt_ci, fmt_value, headline_rows

        if choice == "upload":
            if not upload:
                raise FactbotError("choose a JSONL file to upload, or pick a bundled set")
            path = Path(upload)
            if path.stat().st_size > MAX_DOCUMENT_BYTES:
                raise FactbotError(f"{path.name} is over the {MAX_DOCUMENT_BYTES:,}-byte limit")
        elif choice in BUNDLED_SETS and self.evalsets is not None:  # never a path from the page
            path = self.evalsets / choice
        else:
            raise FactbotError(f"no bundled evaluation set {choice!r}; choose one of {', '.join(BUNDLED_SETS)}")
        n = int(limit) if limit else None
        out = self._new_eval_dir()
        warnings: list[str] = []
        open_bot = self.open_bot and (lambda collection=None: self.bot if collection is None
                                      else SerialBot(self.open_bot(collection)))
        progress(0, desc="loading the set")
        result = evaluate(self.bot, path, limit=n, out=out, progress=True, open_bot=open_bot,
                          warn=warnings.append)
        rows = [(label, fmt_value(m), m.get("n", 0), fmt_ci(m)) for label, m in headline_rows(result.metrics)]
        plots = [str(f) for f in result.files if f.suffix == ".png"]
        files = [str(f) for f in result.files if f.suffix in (".json", ".jsonl", ".md")]
        return render.metrics_html(rows, result.metrics, warnings), plots, files

    def _new_eval_dir(self) -> Path:
        """A folder for this run's report. Gradio copies the files it serves into its own
        cache once the run returns, so only the last few folders (other users' runs that may
        still be returning) are kept; older ones would pile up in /tmp for the app's life."""
        with self._write:
            while len(self._eval_dirs) >= EVAL_DIRS_KEPT:
                shutil.rmtree(self._eval_dirs.popleft(), ignore_errors=True)
            out = Path(tempfile.mkdtemp(prefix="factbot-eval-"))
            self._eval_dirs.append(out)
            return out


EVAL_DIRS_KEPT = 4


def _chosen(marks: list[render.Mark], focus: str | None) -> render.Mark:
    """The mark with key `focus`, else the first mark of the latest result."""
    for m in marks:
        if m.key == focus:
            return m
    return next(m for m in marks if m.group == marks[-1].group)
