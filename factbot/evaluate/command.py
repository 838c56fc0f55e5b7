"""`factbot eval`: the click command. Thin: parse options, call the harness, print, apply bars.

The group passes `ctx.obj["open_bot"](collection=None)`, a FactBot factory holding the
group's --home/--embedder/--llm options. Exit status: 0 ran, 1 below a --min-* bar,
2 user error (a FactbotError, mapped by the group).
"""

from __future__ import annotations

import json
from pathlib import Path

import click

from factbot.evaluate.datasets import Format, Kind, load_dataset
from factbot.evaluate.harness import evaluate_dataset, select
from factbot.evaluate.report import corpus_line, fmt_ci, fmt_value, headline_rows
from factbot.types import FactbotError


def bars_failed(metrics: dict, min_accuracy: float | None, min_macro_f1: float | None) -> list[str]:
    """One message per bar the metrics fall below. A bar whose metric the run lacks is a user error."""
    failed = []
    checks = []
    if min_accuracy is not None:
        checks += [(s, k, label, min_accuracy) for s, k, label in
                   (("questions", "answer_accuracy", "answer accuracy"), ("claims", "accuracy", "claim accuracy"))
                   if s in metrics]
        if not checks:
            raise FactbotError("--min-accuracy: this run has no questions or claims")
    if min_macro_f1 is not None:
        if "claims" not in metrics:
            raise FactbotError("--min-macro-f1 needs claims; this run has none")
        checks.append(("claims", "macro_f1", "claim macro-F1", min_macro_f1))
    for section, key, label, bar in checks:
        value = metrics[section][key]["value"]
        if value is None:
            raise FactbotError(f"cannot compare {label} with the bar: no item has what it needs")
        if value < bar:
            failed.append(f"{label} {value:.4f} < {bar}")
    return failed


def plain_summary(metrics: dict) -> str:
    ds = metrics["dataset"]
    lines = [f"{ds['name']} ({ds['format']}): {metrics['evaluated']} evaluated, {metrics['rejected']} rejected, "
             f"{metrics['skipped']} skipped, {metrics['warnings']} warnings",
             corpus_line(metrics.get("corpus", None)),
             f"{'metric':<22} {'value':>6}  {'95% CI':<16} {'n':>5}"]
    for label, m in headline_rows(metrics):
        lines.append(f"{label:<22} {fmt_value(m):>6}  {fmt_ci(m):<16} {m['n']:>5}")
    for kind, s in metrics.get("latency", {}).items():
        lines.append(f"latency {kind}: p50 {s['p50_ms']} ms, p95 {s['p95_ms']} ms (n={s['n']})")
    return "\n".join(lines)


@click.command("eval")
@click.argument("dataset", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--out", type=click.Path(file_okay=False, path_type=Path),
              help="Write metrics.json, predictions.jsonl, report.md and PNG plots here.")
@click.option("--format", "fmt", type=click.Choice([f.value for f in Format]),
              help="Dataset format (default: detected): factbot JSONL, SQuAD v1.1 JSON, stance CSV s1,s2,stance.")
@click.option("--kind", type=click.Choice([k.value for k in Kind]), help="Only questions, or only claims.")
@click.option("--limit", type=click.IntRange(min=1), help="Only the first N items (after --kind).")
@click.option("--with", "with_paths", multiple=True, type=click.Path(exists=True, path_type=Path), metavar="PATH",
              help="Also index these documents (files or folders; repeatable) beside the set's corpus, in a "
                   "collection of their own: does factbot hold up when the index holds other articles too?")
@click.option("--json", "as_json", is_flag=True, help="Print the metrics object as JSON.")
@click.option("--min-accuracy", type=click.FloatRange(0, 1), metavar="X",
              help="Exit 1 when answer or claim accuracy is below X.")
@click.option("--min-macro-f1", type=click.FloatRange(0, 1), metavar="X",
              help="Exit 1 when claim macro-F1 is below X.")
@click.pass_context
def eval_command(ctx, dataset, out, fmt, kind, limit, with_paths, as_json, min_accuracy, min_macro_f1):
    """Run a labelled dataset and report accuracy, evidence and abstention metrics with 95% intervals.

    \b
    DATASET formats:
      factbot JSONL   questions and claims about your corpus (evalsets/*.jsonl)
      SQuAD v1.1      its contexts are indexed in a separate collection, never your corpus
      stance CSV      s1,s2,stance: s2 is checked against s1 alone (agree/disagree/other)

    \b
    With other documents beside the corpus (indexed apart, your index is untouched):
      factbot eval evalsets/questions.jsonl --with distractors/ --with more.txt
    """
    data = load_dataset(dataset, fmt)  # a bad file fails here, before any model loads
    items = select(data, kind, limit)
    if min_macro_f1 is not None and not any(i.kind is Kind.CLAIM for i in items):
        raise FactbotError("--min-macro-f1 needs claims; this dataset (after --kind/--limit) has none")
    result = evaluate_dataset(None, data, kind=kind, limit=limit, out=out, open_bot=ctx.obj["open_bot"],
                              with_paths=with_paths, warn=lambda msg: click.echo(f"factbot eval: {msg}", err=True))
    if as_json:
        click.echo(json.dumps(result.metrics, ensure_ascii=False, indent=2))
    else:
        click.echo(plain_summary(result.metrics))
        if out is not None:
            click.echo(f"wrote {', '.join(str(f) for f in result.files)}")
    failed = bars_failed(result.metrics, min_accuracy, min_macro_f1)
    if failed:
        click.echo(f"factbot eval: below the bar: {'; '.join(failed)}", err=True)
        ctx.exit(1)
