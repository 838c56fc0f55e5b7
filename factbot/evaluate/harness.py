"""`evaluate()`: load → check the corpus → run → summarise → write. The one entry point the
CLI (`factbot eval`) and the web app's Evaluate tab share.

Where each format's corpus comes from:
  - jsonl: the bot's current corpus (evidence strings missing from it are warned about);
  - squad: the file's contexts, indexed in their own collection `eval-squad-<content hash>`
    so they never mix with the user's corpus;
  - stance: none: each claim is checked against its given sentence only.

`with_paths` (`factbot eval SET --with DIR`) adds documents beside that corpus, e.g. hundreds of
unrelated paragraphs in both languages: the set's corpus and those documents are indexed
together in a collection of their own, named by their content (`eval-with-<hash>`), so the
user's index is never touched and a re-run embeds nothing.
"""

from __future__ import annotations

import hashlib
import sys
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from factbot.evaluate.datasets import Dataset, Format, Kind, load_dataset
from factbot.evaluate.judge import match_form
from factbot.evaluate.report import write_all
from factbot.evaluate.runner import Prediction, run_items
from factbot.evaluate.summary import summarise
from factbot.types import FactbotError

OpenBot = Callable[[str | None], object]  # open_bot(collection name or None) -> FactBot


@dataclass(frozen=True)
class EvalResult:
    metrics: dict
    predictions: tuple[Prediction, ...]
    warnings: tuple[str, ...] = ()
    files: tuple[Path, ...] = field(default=())  # what was written under --out

    def predictions_dicts(self) -> list[dict]:
        return [p.to_dict() for p in self.predictions]


def squad_collection(dataset: Dataset) -> str:
    """The separate collection a SQuAD file's contexts are indexed in, named by their content."""
    return f"eval-squad-{dataset.corpus_hash()}"


def with_collection(docs) -> str:
    """The collection holding a set's corpus and the --with documents, named by their content."""
    h = hashlib.sha256()
    for d in sorted(docs, key=lambda d: d.doc_id):
        h.update(f"{d.doc_id}\x00{d.content_hash}\x01".encode())
    return f"eval-with-{h.hexdigest()[:12]}"


def read_with(paths: Sequence[Path | str], note: Callable[[str], None]) -> list:
    """The documents under --with paths; unreadable files are warned about and left out."""
    from factbot.ingest.documents import find_files, read_document

    docs = []
    for f in find_files([Path(p) for p in paths]):
        try:
            docs.append(read_document(f))
        except FactbotError as exc:
            note(f"--with: skipped {exc}")
    if not docs:
        raise FactbotError(f"--with: no readable documents under {', '.join(str(p) for p in paths)}")
    return docs


def index_with(open_bot: OpenBot, base_docs, extra_docs, progress: bool = False):
    """A bot on a collection holding exactly `base_docs` and `extra_docs` (ids must not clash)."""
    from factbot.index.sync import sync

    ids = {d.doc_id for d in base_docs}
    clash = sorted(ids & {d.doc_id for d in extra_docs})
    if clash:
        raise FactbotError(f"--with: document ids already in the set's corpus: {', '.join(clash[:5])}; rename them")
    docs = list(base_docs) + list(extra_docs)
    name = with_collection(docs)
    bot = open_bot(name)
    sync(bot.store, bot.embedder, docs, prune=True, progress=progress)
    return bot, name


def select(dataset: Dataset, kind: Kind | str | None = None, limit: int | None = None):
    """The items to run: of `kind` if given, the first `limit` of them if given."""
    kind = Kind.from_str(kind) if isinstance(kind, str) else kind
    items = [i for i in dataset.items if kind is None or i.kind is kind]
    if limit is not None:
        if limit < 1:
            raise FactbotError(f"--limit must be at least 1, not {limit}")
        items = items[:limit]
    return items


def index_contexts(bot, dataset: Dataset, progress: bool = False):
    """Make the bot's (separate) collection hold exactly the SQuAD file's paragraphs, one
    document each, text verbatim (offsets slice the context as answer_start does). One
    `ingest` of a temporary folder: unchanged paragraphs are skipped by content hash, so a
    re-run embeds nothing."""
    with tempfile.TemporaryDirectory(prefix="factbot-squad-") as tmp:
        for c in dataset.contexts:
            (Path(tmp) / f"{c.doc_id}.txt").write_text(c.text, encoding="utf-8")
        return bot.ingest([tmp], prune=True, progress=progress)


def missing_evidence(items, documents_text: list[str]) -> list[str]:
    """Warnings for evidence_any strings found in no document (compared as the judge does)."""
    corpus = [match_form(t) for t in documents_text]
    out = []
    for item in items:
        for s in item.evidence_any:
            if not any(match_form(s) in doc for doc in corpus):
                out.append(f"{item.where} ({item.id}): evidence {s!r} is not in the corpus")
    return out


CORPUS_IDS_SHOWN = 20  # document ids a report lists; a SQuAD file's hundreds are counted only


def corpus_facts(bot, dataset: Dataset) -> dict | None:
    """What the set was scored against: the index (collection, where it lives) and its
    documents. None for a stance file, whose claims are checked against their given sentence."""
    if dataset.format is Format.STANCE:
        return None
    store = getattr(bot, "store", None)
    docs = sorted(bot.documents(), key=lambda d: d.doc_id) if hasattr(bot, "documents") else []
    counts: dict[str, int] = {}
    for s in bot.sentences() if hasattr(bot, "sentences") else ():
        counts[s.doc_id] = counts.get(s.doc_id, 0) + 1
    return {"collection": getattr(store, "name", None), "location": getattr(bot, "location", None) or None,
            "documents": len(docs), "sentences": sum(counts.values()),
            "shown": [{"doc_id": d.doc_id, "title": d.title, "sentences": counts.get(d.doc_id, 0)}
                      for d in docs[:CORPUS_IDS_SHOWN]]}


def _bot_for(dataset: Dataset, bot, open_bot: OpenBot | None):
    """The bot to run: the given one, opened lazily by `open_bot` when None, and for SQuAD
    always one on the dataset's own collection."""
    if dataset.format is not Format.SQUAD:
        if bot is None:
            if open_bot is None:
                raise FactbotError("evaluate needs a bot or open_bot")
            return open_bot(None)  # positional: the group names it collection_name
        return bot
    name = squad_collection(dataset)
    if open_bot is not None:
        return open_bot(name)
    if getattr(getattr(bot, "store", None), "name", None) == name:
        return bot
    raise FactbotError(f"SQuAD contexts are indexed in their own collection {name!r}: pass open_bot "
                       "(collection name -> FactBot) or a bot opened on that collection")


def evaluate(bot, dataset_path: str | Path, fmt: Format | str | None = None, kind: Kind | str | None = None,
             limit: int | None = None, out: str | Path | None = None, progress: bool = True, *,
             open_bot: OpenBot | None = None, warn: Callable[[str], None] | None = None,
             with_paths: Sequence[Path | str] = ()) -> EvalResult:
    """Evaluate `bot` on a dataset file. For SQuAD files, pass `open_bot` (the contexts get their
    own collection); `bot` may be None when `open_bot` is given (opened only once the file is valid). Warnings (rejected records, missing evidence) go to `warn` (default stderr)."""
    return evaluate_dataset(bot, load_dataset(dataset_path, fmt), kind=kind, limit=limit, out=out,
                            progress=progress, open_bot=open_bot, warn=warn, with_paths=with_paths)


def evaluate_dataset(bot, dataset: Dataset, *, kind: Kind | str | None = None, limit: int | None = None,
                     out: str | Path | None = None, progress: bool = True, open_bot: OpenBot | None = None,
                     warn: Callable[[str], None] | None = None,
                     with_paths: Sequence[Path | str] = ()) -> EvalResult:
    warn = warn or (lambda msg: print(f"factbot eval: {msg}", file=sys.stderr))
    warnings: list[str] = []

    def note(msg: str) -> None:
        warnings.append(msg)
        warn(msg)

    for p in dataset.problems:
        note(f"{dataset.name} {p.where}: rejected: {p.message}")
    for p in dataset.notes:
        note(f"{dataset.name} {p.where}: {p.message}")
    items = select(dataset, kind, limit)
    if not items:
        what = f" of kind {Kind(kind).value!r}" if kind else ""
        raise FactbotError(f"{dataset.path}: no valid items{what} to evaluate "
                           f"({len(dataset.problems)} of {dataset.lines} records rejected)")
    if with_paths and dataset.format is Format.STANCE:
        raise FactbotError("--with adds documents to a corpus; a stance file has none (each pair is checked alone)")
    if with_paths and open_bot is None:
        raise FactbotError("--with needs open_bot (collection name -> FactBot): its documents get their own collection")
    extra = read_with(with_paths, note) if with_paths else []
    bot = _bot_for(dataset, bot, open_bot)
    collection = None
    if dataset.format is Format.SQUAD:
        collection = squad_collection(dataset)
        if extra:
            from factbot.ingest.documents import make_document

            base = [make_document(c.text, name=c.doc_id, source=dataset.name) for c in dataset.contexts]
            bot, collection = index_with(open_bot, base, extra, progress)
        else:
            index_contexts(bot, dataset, progress)
    elif extra:
        bot, collection = index_with(open_bot, bot.documents(), extra, progress)
    elif dataset.format is Format.JSONL and any(i.evidence_any for i in items):
        docs = bot.documents()
        if not docs:
            note("the corpus is empty: every question will be unanswered (run `factbot ingest` first)")
        else:
            for msg in missing_evidence(items, [d.text for d in docs]):
                note(msg)
    preds = run_items(bot, items, progress=progress)
    embedder = getattr(getattr(bot, "embedder", None), "name", None)
    header = {
        "dataset": {"name": dataset.name, "format": dataset.format.value, "sha256": dataset.sha256},
        "config": {"kind": None if kind is None else Kind(kind).value, "limit": limit,
                   "collection": collection, "embedder": embedder},
        "corpus": corpus_facts(bot, dataset),
        # lines == evaluated + rejected + skipped; skipped are valid items left out by kind/limit.
        "lines": dataset.lines,
        "evaluated": len(preds),
        "rejected": len(dataset.problems),
        "skipped": len(dataset.items) - len(preds),
        "warnings": len(warnings),
    }
    metrics = summarise(preds, header=header, token_f1=dataset.format is Format.SQUAD)
    files: tuple[Path, ...] = ()
    if out is not None:
        files = tuple(write_all(Path(out), metrics, preds))
    return EvalResult(metrics, tuple(preds), tuple(warnings), files)
