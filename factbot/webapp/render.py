"""HTML for the web app, from factbot's typed results. Pure functions: no gradio, no I/O.

Every piece of text that comes from a document, a question or a result goes through
`esc` (html.escape), so a document holding `<script>` or `<img onerror=…>` shows as text.
Highlights are placed by offsets (`document[start:end]`), never by searching for text.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from factbot.text.matching import language
from factbot.types import Answer, Document, Evidence, Hit, Label, ParagraphVerdict, Verdict

# Local fonts only (nothing is fetched): Arabic faces first where installed, then faces that
# carry Arabic glyphs on most systems (DejaVu Sans on Linux, Arial/Tahoma on Windows and macOS).
ARABIC_FONTS = '"Noto Naskh Arabic", "Amiri", "DejaVu Sans", "Arial", "Tahoma", sans-serif'
SNIPPET = 160  # characters of a sentence shown in a citation picker label

# Everything HTML, Markdown or LaTeX would act on, as numeric entities; newlines as <br> (a blank
# line would end the chat's HTML block and let Markdown parse what follows).
_MD_SAFE = str.maketrans({**{c: f"&#{ord(c)};" for c in "&<>\"'\\`*_{}[]()#+-!|~$="},
                          "\n": "<br>", "\r": ""})


def esc(text: object) -> str:
    """Text as inert HTML (quotes included, so it is safe inside attributes too)."""
    return html.escape(str(text), quote=True)


def md_safe(text: object) -> str:
    """Text as inert HTML for a Markdown-rendered place (the chat): HTML escaped, and the
    characters Markdown or LaTeX would act on ([link](…), *, _, $, `) written as entities."""
    return str(text).translate(_MD_SAFE)


def text_dir(text: str, lang: str = "") -> str:
    return "rtl" if (lang or language(text)) == "ar" else "ltr"


def snippet(text: str, limit: int = SNIPPET) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


# --- highlights -----------------------------------------------------------------------

@dataclass(frozen=True)
class Mark:
    """One highlighted span of a document. `key` is the <mark> element's id on the page."""

    key: str
    doc_id: str
    start: int
    end: int
    text: str  # what the span must hold; a mark whose document changed is not drawn
    label: str  # shown before the span, e.g. "1"
    kind: str  # cite | context | supports | refutes | neutral
    group: str = ""  # the result it belongs to (a chat turn): the panel shows one group at a time

    def picker_label(self) -> str:
        return f"[{self.label}] {snippet(self.text)}"


def answer_marks(answer: Answer, group: str = "ask") -> list[Mark]:
    """Citations, or when the bot abstained, the closest context sentences."""
    if answer.citations:
        return [Mark(f"{group}-{c.n}", c.doc_id, c.start, c.end, c.text, str(c.n), "cite", group)
                for c in answer.citations]
    return [Mark(f"{group}-c{i}", h.doc_id, h.start, h.end, h.text, f"~{i}", "context", group)
            for i, h in enumerate(answer.context, 1)]


def verdict_list(result: Verdict | ParagraphVerdict) -> list[Verdict]:
    return list(result.claims) if isinstance(result, ParagraphVerdict) else [result]


def verdict_marks(result: Verdict | ParagraphVerdict, group: str = "check") -> list[Mark]:
    """Evidence of every checked claim; labels are n (one claim) or claim.n (a paragraph)."""
    verdicts = verdict_list(result)
    out = []
    for i, v in enumerate(verdicts, 1):
        for e in v.evidence:
            label = str(e.n) if len(verdicts) == 1 else f"{i}.{e.n}"
            out.append(Mark(f"{group}-{label.replace('.', '-')}", e.doc_id, e.start, e.end, e.text, label,
                            e.stance.value, group))
    return out


def _placeable(text: str, marks: Iterable[Mark]) -> list[list[Mark]]:
    """Marks that fit the text, one group per distinct span (the same sentence cited twice is
    one highlight with two labels), in document order; spans overlapping an earlier one dropped."""
    groups: dict[tuple[int, int], list[Mark]] = {}
    for m in marks:
        if 0 <= m.start < m.end <= len(text) and text[m.start:m.end] == m.text:
            groups.setdefault((m.start, m.end), []).append(m)
    out, cursor = [], 0
    for (start, _end), group in sorted(groups.items()):
        if start >= cursor:
            out.append(group)
            cursor = group[0].end
    return out


def highlighted(text: str, marks: Iterable[Mark], focus: str | None = None) -> str:
    """The text as HTML with each mark's span wrapped in <mark id=key>; the focused one gets
    the class `focus` (the app scrolls it into view)."""
    parts, cursor = [], 0
    for group in _placeable(text, marks):
        m = group[0]
        parts.append(esc(text[cursor:m.start]))
        classes = " ".join(["fb-hl", *sorted({g.kind for g in group}),
                            *(["focus"] if any(g.key == focus for g in group) else [])])
        labels = ",".join(g.label for g in group)
        parts.append(f'<mark id="{esc(m.key)}" class="{esc(classes)}" data-label="{esc(labels)}">'
                     f'<sup class="fb-n">{esc(labels)}</sup>{esc(text[m.start:m.end])}</mark>')
        cursor = m.end
    parts.append(esc(text[cursor:]))
    return "".join(parts)


def document_html(doc: Document | None, marks: Sequence[Mark] = (), focus: str | None = None,
                  sentences: int | None = None) -> str:
    """The source panel: the document right-to-left when Arabic, its marks highlighted."""
    if doc is None:
        return ('<div class="fb-doc fb-empty">The source document appears here, with the cited '
                'sentences highlighted.</div>')
    direction = text_dir(doc.text, doc.lang)
    lang = doc.lang or language(doc.text)
    own = [m for m in marks if m.doc_id == doc.doc_id]
    facts = [esc(doc.doc_id), esc(lang)] + ([f"{sentences} sentences"] if sentences is not None else [])
    drawn = sum(len(g) for g in _placeable(doc.text, own))
    stale = ('<div class="fb-warn">Some highlights are not shown: the document changed since this '
             'result.</div>') if drawn < len(own) else ""
    return (f'<div class="fb-doc" dir="{direction}" lang="{esc(lang)}">'
            f'<div class="fb-doc-head"><div class="fb-doc-title" dir="auto">{esc(doc.title or doc.doc_id)}</div>'
            f'<div class="fb-doc-facts" dir="ltr">{" · ".join(facts)}</div></div>{stale}'
            f'<div class="fb-doc-body">{highlighted(doc.text, own, focus)}</div></div>')


# --- chat answers -------------------------------------------------------------------

def confidence_html(confidence: float) -> str:
    level = "high" if confidence >= 0.7 else "medium" if confidence >= 0.4 else "low"
    return f'<span class="fb-conf {level}">confidence {confidence:.2f}</span>'


def _ref(label: str, key: str, tag: str = "span") -> str:
    """A citation marker; clicking it (see ui.CLICK_JS) highlights sentence `key` in the panel.
    The key rides in a class (fbk-<key>): the chat's sanitizer drops data-* attributes."""
    return f'<{tag} class="fb-ref fbk-{esc(key)}" title="show in the source">[{md_safe(label)}]</{tag}>'


def _sentence_item(label: str, key: str, text: str, doc_id: str, start: int, end: int, cls: str = "") -> str:
    return (f'<li class="{cls}">{_ref(label, key)} '
            f'<span class="fb-quote" dir="auto">{md_safe(text)}</span> '
            f'<span class="fb-where" dir="ltr">{md_safe(doc_id)}:{start}–{end}</span></li>')


_MARKER = re.compile(r"&#91;(\d+)&#93;")  # "[n]" after md_safe


def answer_html(answer: Answer, read_as: str = "", group: str = "ask") -> str:
    """One chat reply: the answer with citation markers, confidence and the cited sentences
    (or, when the bot abstained, a clearly styled abstention with the closest sentences).
    One line of HTML: the chat renders Markdown, where indented lines become code."""
    text = md_safe(answer.answer)
    cited = {str(c.n) for c in answer.citations}
    if re.search(r"\[\d+\]", answer.answer):  # the answer carries its markers: make them clickable
        text = _MARKER.sub(lambda m: _ref(m[1], f"{group}-{m[1]}", "sup") if m[1] in cited else m[0], text)
    elif answer.citations:
        text += " " + "".join(_ref(str(c.n), f"{group}-{c.n}", "sup") for c in answer.citations)
    meta = [confidence_html(answer.confidence)]
    if answer.mode != "extractive":
        meta.append(f'<span class="fb-mode">{md_safe(answer.mode)}</span>')
    if answer.note:
        meta.append(f'<span class="fb-note">{md_safe(answer.note)}</span>')
    if read_as:
        meta.append(f'<span class="fb-readas" dir="auto">read as: {md_safe(read_as)}</span>')
    if answer.abstained:
        head = '<div class="fb-abstain-label">Not answered: the sources do not say</div>'
        items = "".join(_sentence_item(f"~{i}", f"{group}-c{i}", h.text, h.doc_id, h.start, h.end, "context")
                        for i, h in enumerate(answer.context, 1))
        listing = (f'<div class="fb-list-head">Closest sentences (not citations):</div><ol class="fb-cites">'
                   f'{items}</ol>') if items else ""
        return (f'<div class="fb-answer fb-abstain">{head}<p class="fb-text" dir="auto">{text}</p>'
                f'<div class="fb-meta">{" ".join(meta)}</div>{listing}</div>')
    items = "".join(_sentence_item(str(c.n), f"{group}-{c.n}", c.text, c.doc_id, c.start, c.end)
                    for c in answer.citations)
    return (f'<div class="fb-answer"><p class="fb-text" dir="auto">{text}</p>'
            f'<div class="fb-meta">{" ".join(meta)}</div><ol class="fb-cites">{items}</ol></div>')


# --- verdicts -------------------------------------------------------------------------

BADGE = {Label.SUPPORTED: ("supported", "SUPPORTED"), Label.REFUTED: ("refuted", "REFUTED"),
         Label.NOT_ENOUGH_INFO: ("nei", "NOT ENOUGH INFO")}


def badge_html(label: Label) -> str:
    cls, text = BADGE[label]
    return f'<span class="fb-badge {cls}">{text}</span>'


def _evidence_item(label: str, e: Evidence, group: str) -> str:
    key = f"{group}-{label.replace('.', '-')}"
    return (f'<li class="{esc(e.stance.value)}">{_ref(label, key)} '
            f'<span class="fb-stance {esc(e.stance.value)}">{esc(e.stance.value)}</span> '
            f'<span class="fb-quote" dir="auto">{esc(e.text)}</span> '
            f'<span class="fb-where" dir="ltr">{esc(e.doc_id)}:{e.start}–{e.end}{_match(e.match)}</span></li>')


def _match(value: float | None) -> str:
    """The claim–sentence match (cosine), labelled; the stance model's own score is not shown:
    next to a stance it reads as that stance's certainty, which the rules may have overruled."""
    return "" if value is None else f' · <span class="fb-match" title="cosine of claim and sentence">match {value:.2f}</span>'



def _one_verdict(v: Verdict, prefix: str = "", group: str = "check") -> str:
    items = "".join(_evidence_item(f"{prefix}{e.n}", e, group) for e in v.evidence)
    evidence = f'<ol class="fb-evidence">{items}</ol>' if items else '<div class="fb-none">No evidence sentences.</div>'
    note = f'<div class="fb-note">{esc(v.note)}</div>' if v.note else ""
    mode = f' <span class="fb-mode">{esc(v.mode)}</span>' if v.mode != "offline" else ""  # an LLM or NLI decided
    cited = {str(e.n) for e in v.evidence}  # the reason's own markers ("[1]") become clickable
    reason = re.sub(r"\[(\d+)\]", lambda m: _ref(f"{prefix}{m[1]}", f"{group}-{prefix.replace('.', '-')}{m[1]}")
                    if m[1] in cited else m[0], esc(v.reason))
    return (f'<div class="fb-verdict {BADGE[v.verdict][0]}"><div class="fb-verdict-head">{badge_html(v.verdict)} '
            f'{confidence_html(v.confidence)}{mode}</div><p class="fb-claim" dir="auto">{esc(v.claim)}</p>'
            f'<p class="fb-reason" dir="auto">{reason}</p>{note}{evidence}</div>')


def verdict_html(result: Verdict | ParagraphVerdict, group: str = "check") -> str:
    if isinstance(result, ParagraphVerdict):
        body = "".join(_one_verdict(v, f"{i}.", group) for i, v in enumerate(result.claims, 1))
        return f'<div class="fb-paragraph"><div class="fb-summary">{esc(result.summary)}</div>{body}</div>'
    return _one_verdict(result, group=group)


# --- search, sources, evaluation ----------------------------------------------------------

def hits_html(hits: Sequence[Hit]) -> str:
    if not hits:
        return '<div class="fb-none">No matching sentences.</div>'
    rows = "".join(f'<li><span class="fb-quote" dir="auto">{esc(h.text)}</span> <span class="fb-where" dir="ltr">'
                   f'{esc(h.doc_id)}:{h.start}–{h.end} · match {h.dense:.2f}</span></li>' for h in hits)
    return f'<ol class="fb-cites">{rows}</ol>'


def sources_html(rows: Sequence[dict]) -> str:
    """The documents table: rows of {doc_id, title, lang, sentences, source}."""
    if not rows:
        return ('<div class="fb-none">No documents indexed. Run <code>factbot ingest</code> or add one '
                'below.</div>')
    body = "".join(
        f'<tr><td dir="ltr"><code>{esc(r["doc_id"])}</code></td><td dir="auto">{esc(r["title"])}</td>'
        f'<td>{esc(r["lang"])}</td><td class="num">{int(r["sentences"])}</td>'
        f'<td dir="ltr" class="fb-where">{esc(r.get("source", ""))}</td></tr>' for r in rows)
    return (f'<table class="fb-table"><thead><tr><th>id</th><th>title</th><th>language</th>'
            f'<th>sentences</th><th>source</th></tr></thead><tbody>{body}</tbody></table>')


def metrics_html(rows: Sequence[tuple[str, str, int, str]], header: dict, warnings: Sequence[str] = ()) -> str:
    """Headline metrics: (label, value, n, ci95) rows, the run's header and any warnings."""
    body = "".join(f'<tr><td>{esc(label)}</td><td class="num"><b>{esc(value)}</b></td><td class="num">{n}</td>'
                   f'<td class="num">{esc(ci)}</td></tr>' for label, value, n, ci in rows)
    ds = header.get("dataset", {})
    facts = (f'{esc(ds.get("name", ""))} · {int(header.get("evaluated", 0))} evaluated · '
             f'{int(header.get("rejected", 0))} rejected · {int(header.get("skipped", 0))} skipped')
    if "corpus" in header:
        from factbot.evaluate.report import corpus_line

        facts += f'<div class="fb-corpus">{esc(corpus_line(header["corpus"]))}</div>'
    warn = ""
    if warnings:
        items = "".join(f"<li>{esc(w)}</li>" for w in warnings[:20])
        more = f"<li>… and {len(warnings) - 20} more</li>" if len(warnings) > 20 else ""
        warn = f'<details class="fb-warn"><summary>{len(warnings)} warnings</summary><ul>{items}{more}</ul></details>'
    return (f'<div class="fb-metrics"><div class="fb-doc-facts">{facts}</div><table class="fb-table"><thead><tr>'
            f'<th>metric</th><th>value</th><th>n</th><th>95% CI</th></tr></thead><tbody>{body}</tbody></table>'
            f'{warn}</div>')


def message_html(text: str, kind: str = "error") -> str:
    return f'<div class="fb-msg {esc(kind)}">{esc(text)}</div>'


CSS = """
.fb-doc { font-family: %(ar)s; font-size: 1.08rem; line-height: 1.9; max-height: 70vh; overflow-y: auto;
  border: 1px solid var(--border-color-primary); border-radius: 8px; padding: 0.9rem 1.1rem;
  background: var(--background-fill-primary); }
.fb-doc.fb-empty { color: var(--body-text-color-subdued); font-style: italic; }
.fb-doc-head { border-bottom: 1px solid var(--border-color-primary); margin-bottom: 0.6rem; padding-bottom: 0.4rem;
  position: sticky; top: -0.9rem; margin-top: -0.9rem; padding-top: 0.9rem; z-index: 1;
  background: var(--background-fill-primary); }
.fb-doc-title { font-weight: 700; font-size: 1.15rem; }
.fb-doc-facts { font-size: 0.8rem; color: var(--body-text-color-subdued); font-family: ui-monospace, monospace; }
.fb-doc-body { white-space: pre-wrap; }
mark.fb-hl { background: #fff3b0; color: #111; padding: 0.05em 0.15em; border-radius: 4px; }
mark.fb-hl.context { background: #e8e8e8; }
mark.fb-hl.supports { background: #c9f2d0; }
mark.fb-hl.refutes { background: #ffd0d0; }
mark.fb-hl.neutral, mark.fb-hl.unrelated { background: #ececec; }
mark.fb-hl.focus { outline: 3px solid #f59e0b; background: #ffe066; }
mark.fb-hl.supports.focus { background: #8ee09c; }
mark.fb-hl.refutes.focus { background: #ff9d9d; }
.fb-n { font-family: ui-monospace, monospace; font-size: 0.7em; color: #7a5c00; margin-inline-end: 0.2em; }
.fb-answer .fb-text { font-size: 1.05rem; margin: 0 0 0.3rem 0; }
.fb-answer, .fb-verdict, .fb-cites, .fb-evidence { font-family: inherit; }
.fb-quote { font-family: %(ar)s; }
.fb-ref { font-family: ui-monospace, monospace; color: #1d4ed8; font-weight: 600; }
.fb-ref[class*="fbk-"] { cursor: pointer; }
.fb-ref[class*="fbk-"]:hover { text-decoration: underline; }
.fb-where { font-family: ui-monospace, monospace; font-size: 0.75rem; color: var(--body-text-color-subdued); }
.fb-cites, .fb-evidence { margin: 0.3rem 0 0 0; padding-inline-start: 1.1rem; font-size: 0.92rem; list-style: none; }
.fb-cites li, .fb-evidence li { margin: 0.25rem 0; }
.fb-meta { display: flex; gap: 0.5rem; flex-wrap: wrap; align-items: center; font-size: 0.8rem; }
.fb-conf { border-radius: 999px; padding: 0.05rem 0.55rem; font-weight: 600; border: 1px solid; }
.fb-conf.high { color: #166534; border-color: #86efac; background: #f0fdf4; }
.fb-conf.medium { color: #854d0e; border-color: #fde047; background: #fefce8; }
.fb-conf.low { color: #6b7280; border-color: #d1d5db; background: #f9fafb; }
.fb-note, .fb-readas, .fb-mode { color: var(--body-text-color-subdued); font-style: italic; }
.fb-abstain { border-inline-start: 4px solid #9ca3af; padding-inline-start: 0.6rem; }
.fb-abstain .fb-text { color: #4b5563; }
.fb-abstain .fb-conf { color: #4b5563; border-color: #d1d5db; background: #f9fafb; }
.fb-abstain-label { font-weight: 700; color: #6b7280; text-transform: uppercase; font-size: 0.75rem; letter-spacing: 0.05em; }
.fb-list-head { font-size: 0.8rem; color: var(--body-text-color-subdued); margin-top: 0.3rem; }
.fb-badge { display: inline-block; border-radius: 6px; padding: 0.2rem 0.7rem; font-weight: 800; letter-spacing: 0.04em;
  color: #fff; font-family: ui-sans-serif, system-ui, sans-serif; }
.fb-badge.supported { background: #15803d; }
.fb-badge.refuted { background: #b91c1c; }
.fb-badge.nei { background: #6b7280; }
.fb-verdict { border: 1px solid var(--border-color-primary); border-radius: 8px; padding: 0.7rem 0.9rem; margin-bottom: 0.7rem; }
.fb-verdict.supported { border-inline-start: 6px solid #15803d; }
.fb-verdict.refuted { border-inline-start: 6px solid #b91c1c; }
.fb-verdict.nei { border-inline-start: 6px solid #6b7280; }
.fb-verdict-head { display: flex; gap: 0.6rem; align-items: center; }
.fb-claim { font-weight: 600; margin: 0.5rem 0 0.2rem 0; }
.fb-reason { margin: 0 0 0.3rem 0; color: var(--body-text-color); font-size: 1rem; }
.fb-stance { font-size: 0.72rem; font-weight: 700; text-transform: uppercase; border-radius: 4px; padding: 0 0.35rem; }
.fb-stance.supports { background: #dcfce7; color: #166534; }
.fb-stance.refutes { background: #fee2e2; color: #991b1b; }
.fb-stance.neutral { background: #f3f4f6; color: #4b5563; }
.fb-stance.unrelated { background: #f9fafb; color: #4b5563; border: 1px solid #e5e7eb; }
.fb-evidence li.unrelated .fb-quote { color: #4b5563; }
.fb-summary { font-weight: 700; margin-bottom: 0.5rem; }
.fb-table, .fb-table tr, .fb-table thead, .fb-table tbody { border: 0 !important; }
.fb-table { border-collapse: collapse; width: 100%%; font-size: 0.9rem; }
.fb-table th, .fb-table td { border: 0 !important; border-bottom: 1px solid var(--border-color-primary) !important;
  padding: 0.3rem 0.5rem; text-align: start; }
.fb-table th { font-weight: 600; color: var(--body-text-color-subdued); }
.fb-table td.num { text-align: end; font-variant-numeric: tabular-nums; }
.fb-msg { border-radius: 6px; padding: 0.5rem 0.8rem; }
.fb-msg.error { background: #fef2f2; color: #991b1b; border: 1px solid #fecaca; }
.fb-msg.ok { background: #f0fdf4; color: #166534; border: 1px solid #bbf7d0; }
.fb-warn { color: #92400e; font-size: 0.85rem; }
.fb-none { color: var(--body-text-color-subdued); font-style: italic; }
""" % {"ar": ARABIC_FONTS}
