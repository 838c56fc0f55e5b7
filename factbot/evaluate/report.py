"""Writing an evaluation out: metrics.json, predictions.jsonl, report.md and PNG plots.

Plots use matplotlib's object API (`Figure` + Agg canvas), never pyplot's global state,
so the web app can render them from any thread.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

from factbot.evaluate.datasets import Kind
from factbot.evaluate.runner import Prediction

WORST_FAILURES = 10  # wrong items shown in report.md, most confident first
SNIPPET = 300  # characters of a long text shown in report.md

# (section, key, label) in the order the headline table shows them.
HEADLINE = (
    ("questions", "answer_accuracy", "answer accuracy"),
    ("questions", "token_f1", "token F1"),
    ("questions", "evidence_hit_at_1", "evidence hit@1"),
    ("questions", "evidence_hit_at_k", "evidence hit@k"),
    ("questions", "citation_precision", "citation precision"),
    ("questions", "abstention_precision", "abstention precision"),
    ("questions", "abstention_recall", "abstention recall"),
    ("claims", "accuracy", "claim accuracy"),
    ("claims", "macro_f1", "claim macro-F1"),
    ("claims", "evidence_hit", "claim evidence hit"),
)


def headline_rows(metrics: dict) -> list[tuple[str, dict]]:
    """(label, {"value", "n", "ci95"}) for each headline metric the run has items for (abstention
    recall on SQuAD v1.1, which has no unanswerable question, stays in metrics.json only)."""
    return [(label, metrics[section][key]) for section, key, label in HEADLINE
            if key in metrics.get(section, {}) and metrics[section][key]["n"]]


def fmt_value(m: dict) -> str:
    return "—" if m["value"] is None else f"{m['value']:.3f}"


def fmt_ci(m: dict) -> str:
    return "—" if m["ci95"] is None else f"[{m['ci95'][0]:.3f}, {m['ci95'][1]:.3f}]"


# --- files ------------------------------------------------------------------------

def write_json(path: Path, obj: dict) -> None:
    path.write_text(json.dumps(obj, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def write_predictions(path: Path, preds: Sequence[Prediction]) -> None:
    with path.open("w", encoding="utf-8") as f:
        for p in preds:
            f.write(json.dumps(p.to_dict(), ensure_ascii=False) + "\n")


def write_all(out: Path, metrics: dict, preds: Sequence[Prediction]) -> list[Path]:
    """Everything into `out` (created); returns the files written."""
    out.mkdir(parents=True, exist_ok=True)
    write_json(out / "metrics.json", metrics)
    write_predictions(out / "predictions.jsonl", preds)
    plots = write_plots(out, metrics, preds)
    (out / "report.md").write_text(report_markdown(metrics, preds, [p.name for p in plots]), encoding="utf-8")
    return [out / "metrics.json", out / "predictions.jsonl", out / "report.md", *plots]


# --- report.md ------------------------------------------------------------------------

def _snip(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= SNIPPET else text[:SNIPPET - 1] + "…"


def _lang_table(metrics: dict) -> list[str]:
    by_lang = metrics.get("by_lang")
    if not by_lang:
        return ["No item declares a `lang`."]
    lines = ["| lang | metric | value | 95% CI | n |", "|---|---|---:|---|---:|"]
    for lang, sub in by_lang.items():
        for label, m in headline_rows(sub):
            lines.append(f"| {lang} | {label} | {fmt_value(m)} | {fmt_ci(m)} | {m['n']} |")
    return lines


def worst_failures(preds: Sequence[Prediction], n: int = WORST_FAILURES) -> list[Prediction]:
    """Wrong items, most confident first (ties in dataset order)."""
    wrong = [p for p in preds if p.judgement.correct is False]
    return sorted(wrong, key=lambda p: -p.judgement.confidence)[:n]


def _failure(p: Prediction) -> list[str]:
    item, j = p.item, p.judgement
    out = [f"### {item.id} ({item.kind.value}, {item.where})", "", f"- {item.kind.value}: {_snip(item.text)}"]
    gold = item.gold()
    if item.evidence_text:
        out.append(f"- given evidence: {_snip(item.evidence_text)}")
    out.append(f"- expected: `{json.dumps({k: v for k, v in gold.items() if k != 'tags'}, ensure_ascii=False)}`")
    if p.result is None:
        out.append(f"- bot error: {p.error}")
        return out + [""]
    r = p.result.to_dict()
    if item.kind is Kind.QUESTION:
        shown = "(abstained)" if r["abstained"] else _snip(r["answer"])
        out.append(f"- answer (confidence {r['confidence']:.3f}): {shown}")
        for c in r["citations"][:3]:
            out.append(f"  - [{c['n']}] {c['doc_id']} {c['start']}–{c['end']}: {_snip(c['text'])}")
        for h in r.get("context", [])[:3]:
            out.append(f"  - (context) {h['doc_id']}: {_snip(h['text'])}")
    else:
        out.append(f"- verdict: {j.predicted.value} (confidence {j.confidence:.3f})")
        verdicts = r["claims"] if "claims" in r else [r]
        for v in verdicts:
            if v.get("reason"):
                out.append(f"- reason: {_snip(v['reason'])}")
            for e in v["evidence"][:3]:
                out.append(f"  - [{e['n']}] {e['stance']} ({e['score']:.3f}): {_snip(e['text'])}")
    return out + [""]


def corpus_line(corpus: dict | None) -> str:
    """One sentence naming the index and the documents a run was scored against."""
    if corpus is None:
        return "Scored against: each claim's own given sentence (no index)."
    where = f" at {corpus['location']}" if corpus.get("location") else ""
    shown = ", ".join(f"{d['doc_id']} ({d['sentences']} sentences)" for d in corpus["shown"])
    more = f", and {corpus['documents'] - len(corpus['shown'])} more" if corpus["documents"] > len(corpus["shown"]) else ""
    n = corpus["documents"]
    return (f"Scored against: index `{corpus['collection']}`{where}, {n} document{'s' * (n != 1)}, "
            f"{corpus['sentences']} sentences: {shown or 'none'}{more}.")


def report_markdown(metrics: dict, preds: Sequence[Prediction], plots: Sequence[str]) -> str:
    ds = metrics["dataset"]
    lines = [
        f"# factbot evaluation: {ds['name']}",
        "",
        f"Format `{ds['format']}`, sha256 `{ds['sha256'][:16]}`. Records read {metrics['lines']}: "
        f"evaluated {metrics['evaluated']}, rejected {metrics['rejected']}, skipped {metrics['skipped']} "
        f"(by --kind/--limit). Configuration: `{json.dumps(metrics['config'], ensure_ascii=False)}`.",
        "",
        corpus_line(metrics.get("corpus")),
        "",
        "## Headline",
        "",
        "| metric | value | 95% CI | n |",
        "|---|---:|---|---:|",
    ]
    lines += [f"| {label} | {fmt_value(m)} | {fmt_ci(m)} | {m['n']} |" for label, m in headline_rows(metrics)]
    lines += ["", "Intervals: Wilson for proportions, seeded bootstrap for token F1 and macro-F1.", ""]
    claims = metrics.get("claims")
    if claims:
        lines += ["## Claims by class", "", "| class | precision | recall | F1 | gold | predicted |",
                  "|---|---:|---:|---:|---:|---:|"]
        for lab, s in claims["per_class"].items():
            lines.append(f"| {lab} | {s['precision']:.3f} | {s['recall']:.3f} | {s['f1']:.3f} | "
                         f"{s['support']} | {s['predicted']} |")
        conf = claims["confusion"]
        lines += ["", "Confusion matrix (rows gold, columns predicted):", "",
                  "| gold \\ predicted | " + " | ".join(conf["labels"]) + " |",
                  "|---|" + "---:|" * len(conf["labels"])]
        for lab, row in zip(conf["labels"], conf["matrix"]):
            lines.append(f"| {lab} | " + " | ".join(str(x) for x in row) + " |")
        lines.append("")
    lines += ["## By language", "", *_lang_table(metrics), ""]
    if metrics.get("by_tag"):
        lines += ["## Accuracy by tag", "", "| tag | accuracy | 95% CI | n |", "|---|---:|---|---:|"]
        lines += [f"| {tag} | {fmt_value(m)} | {fmt_ci(m)} | {m['n']} |" for tag, m in metrics["by_tag"].items()]
        lines.append("")
    lines += ["## Latency", "", "| kind | n | p50 ms | p95 ms | mean ms |", "|---|---:|---:|---:|---:|"]
    for kind, s in metrics.get("latency", {}).items():
        lines.append(f"| {kind} | {s['n']} | {s['p50_ms']} | {s['p95_ms']} | {s['mean_ms']} |")
    lines += ["", "## Plots", ""]
    lines += [f"![{Path(name).stem}]({name})" for name in plots] or ["(none)"]
    worst = worst_failures(preds)
    lines += ["", f"## Worst failures (wrong, most confident first; {len(worst)} shown)", ""]
    for p in worst:
        lines += _failure(p)
    if not worst:
        lines.append("No wrong items.")
    return "\n".join(lines).rstrip() + "\n"


# --- plots ---------------------------------------------------------------------------

_PNG_METADATA = {"Software": None}  # no version string: same data, same bytes


def _figure(width: float = 5.0, height: float = 4.0):
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width, height), dpi=100)
    FigureCanvasAgg(fig)
    return fig


def plot_confusion(path: Path, confusion: dict) -> None:
    labels, matrix = confusion["labels"], confusion["matrix"]
    fig = _figure(5.5, 4.5)
    ax = fig.add_subplot()
    image = ax.imshow(matrix, cmap="Blues")
    short = [lab.replace("NOT_ENOUGH_INFO", "NEI") for lab in labels]
    ax.set_xticks(range(len(labels)), short)
    ax.set_yticks(range(len(labels)), short)
    ax.set_xlabel("predicted")
    ax.set_ylabel("gold")
    top = max((max(row) for row in matrix), default=0)
    for i, row in enumerate(matrix):
        for k, value in enumerate(row):
            ax.text(k, i, str(value), ha="center", va="center",
                    color="white" if top and value > top / 2 else "black")
    fig.colorbar(image, ax=ax)
    ax.set_title("claims: confusion matrix")
    fig.tight_layout()
    fig.savefig(path, format="png", metadata=_PNG_METADATA)


def plot_reliability(path: Path, metrics: dict) -> None:
    fig = _figure()
    ax = fig.add_subplot()
    ax.plot([0, 1], [0, 1], linestyle="--", color="grey", label="perfect calibration")
    for section, marker in (("questions", "o"), ("claims", "s")):
        cal = metrics.get(section, {}).get("calibration")
        if not cal:
            continue
        pts = [(b["confidence"], b["accuracy"], b["n"]) for b in cal["bins"] if b["n"]]
        if pts:
            ece = "—" if cal["ece"] is None else f"{cal['ece']:.3f}"
            ax.plot([c for c, _, _ in pts], [a for _, a, _ in pts], marker=marker,
                    label=f"{section} (ECE {ece})")
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    ax.set_xlabel("mean confidence in bin")
    ax.set_ylabel("accuracy in bin")
    ax.set_title("reliability diagram")
    ax.legend(loc="upper left")
    fig.tight_layout()
    fig.savefig(path, format="png", metadata=_PNG_METADATA)


def plot_latency(path: Path, preds: Sequence[Prediction]) -> None:
    fig = _figure()
    ax = fig.add_subplot()
    for kind in Kind:
        ms = [p.seconds * 1000 for p in preds if p.item.kind is kind]
        if ms:
            ax.hist(ms, bins=30, alpha=0.6, label=f"{kind.value} (n={len(ms)})")
    ax.set_xlabel("latency (ms)")
    ax.set_ylabel("items")
    ax.set_title("latency per item")
    ax.legend()
    fig.tight_layout()
    fig.savefig(path, format="png", metadata=_PNG_METADATA)


def write_plots(out: Path, metrics: dict, preds: Sequence[Prediction]) -> list[Path]:
    written = []
    if "claims" in metrics:
        plot_confusion(out / "confusion.png", metrics["claims"]["confusion"])
        written.append(out / "confusion.png")
    plot_reliability(out / "reliability.png", metrics)
    written.append(out / "reliability.png")
    plot_latency(out / "latency.png", preds)
    written.append(out / "latency.png")
    return written
