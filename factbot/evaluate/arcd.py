"""ARCD (Arabic SQuAD v1.1) as a corpus for `ask`: paragraphs as documents, and the answer
figures the benchmark reports (first citation holds a gold answer; token F1 of the answer).

    from factbot.evaluate.arcd import arcd_answer_figures
    figures = arcd_answer_figures(lambda: FactBot.open(home=tmp, collection="arcd-test"), path)

Used by `scripts/train_abstain.py` on the *train* split; the test split is only reported.
"""

from __future__ import annotations

import json
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from factbot.defaults import DEFAULT_K
from factbot.evaluate.datasets import clean_question
from factbot.evaluate.judge import answer_text, best_token_f1
from factbot.text.matching import normalize


@dataclass(frozen=True)
class QA:
    qid: str
    question: str
    answers: tuple[str, ...]


@dataclass(frozen=True)
class Paragraph:
    doc_id: str
    article: int  # index of the article (title) the paragraph belongs to
    context: str
    qas: tuple[QA, ...]


def read_arcd(path: Path | str) -> list[Paragraph]:
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    out = []
    for a, art in enumerate(data["data"]):
        for p, para in enumerate(art["paragraphs"]):
            qas = tuple(QA(qa["id"], clean_question(qa["question"]), tuple(x["text"] for x in qa["answers"]))
                        for qa in para["qas"] if clean_question(qa["question"]))
            out.append(Paragraph(f"arcd-{a:03d}-{p:02d}", a, para["context"], qas))
    return out


def write_paragraphs(paragraphs: Sequence[Paragraph], folder: Path) -> Path:
    """One .txt file per paragraph, named by its doc_id (the id `ingest` derives from it)."""
    folder.mkdir(parents=True, exist_ok=True)
    for p in paragraphs:
        (folder / f"{p.doc_id}.txt").write_text(p.context, encoding="utf-8")
    return folder


def contains_answer(text: str, answers: Sequence[str]) -> bool:
    t = normalize(text)
    return any(normalize(a) and normalize(a) in t for a in answers)


def arcd_answer_figures(bot_factory: Callable[[], object], path: Path | str, *, restrict_to_paragraph: bool = False,
                        limit: int | None = None) -> dict:
    """Ingest the ARCD file at `path` into the (empty) bot `bot_factory()` returns, ask every
    question, and return the figures:

    - first_citation_has_answer: share of questions whose first citation contains a gold answer
      (abstentions count as misses);
    - token_f1: mean SQuAD token F1 of the answer text (markers removed) against the best gold;
    - abstained: share of questions abstained on;
    - first_sentence_has_answer: share whose first sentence shown holds a gold answer: the
      citation, or on abstention the first context sentence (the one `ask` would have cited):
      how well the sentence is chosen, whatever the abstention decides.

    `restrict_to_paragraph` asks each question of its own paragraph (`ask --doc`), as SQuAD
    does; False asks the whole collection (open retrieval over every paragraph)."""
    paragraphs = read_arcd(path)
    bot = bot_factory()
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        report = bot.ingest([write_paragraphs(paragraphs, Path(tmp) / "arcd")])
        ingest_s = time.perf_counter() - t0
    n = hit = shown = abstained = 0
    f1 = 0.0
    t0 = time.perf_counter()
    for p in paragraphs:
        for qa in p.qas:
            if limit is not None and n >= limit:
                break
            ans = bot.ask(qa.question, k=DEFAULT_K, doc=p.doc_id if restrict_to_paragraph else None)
            n += 1
            abstained += ans.abstained
            if ans.citations and contains_answer(ans.citations[0].text, qa.answers):
                hit += 1
            first = ans.citations[0].text if ans.citations else ans.context[0].text if ans.context else ""
            shown += contains_answer(first, qa.answers)
            if not ans.abstained:
                f1 += best_token_f1(answer_text(ans), qa.answers)
    return {"questions": n, "paragraphs": len(paragraphs), "sentences": report.sentences,
            "restrict_to_paragraph": restrict_to_paragraph,
            "first_citation_has_answer": round(hit / n, 4) if n else 0.0,
            "first_sentence_has_answer": round(shown / n, 4) if n else 0.0,
            "token_f1": round(f1 / n, 4) if n else 0.0,
            "abstained": round(abstained / n, 4) if n else 0.0,
            "ingest_seconds": round(ingest_s, 1), "ask_seconds": round(time.perf_counter() - t0, 1)}
