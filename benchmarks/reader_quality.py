"""Quality with and without the reader, side by side, from one retrieval per question.

    .venv/bin/python benchmarks/reader_quality.py FILE.json [FILE.json ...] [--home DIR] [--sample N]
    .venv/bin/python benchmarks/reader_quality.py FILE.json [FILE.json ...] --gold-sentence [--sample N]

For each SQuAD file: its paragraphs in their own collection (as `factbot eval FILE` builds it,
same name, so an index built by `factbot eval` is reused), then for every question one search
(k=16, as `FactBot.ask`: the answerer picks among 8 of them, all 16 across languages) and four
answers from the same hits: the answerer without the reader
(FACTBOT_READER=off), with the reader giving only the phrase from the reranker's sentence
(`reader_on_span_only`), as `ask` with FACTBOT_READER=pick (`reader_pick`: the fused pick, the
rules' answer or, for a question that is not a yes/no one, in the sentence's
language, the reader's phrase: `reading.Phrases.ASKED`), and as `ask` with FACTBOT_READER=on (`reader_on`: the reader's answer
logit fused with the reranker's score picks the sentence, factbot/models/reader_fusion.json). All are judged by `factbot.evaluate.judge.judge_answer`,
the function `factbot eval` uses: first citation holds a gold answer, answer token-F1
(abstentions score 0), abstentions. Retrieval dominates the cost; this halves it against two
`factbot eval` runs and keeps the comparison exact (the same hits for both).

With `--gold-sentence`, no retrieval: the reader reads each question's gold sentence (the one
holding its first answer whole, cut by factbot's splitter, with the sentence before it as
context, as at run time) and the figure is its span's token-F1 beside the whole sentence's.
It separates the reader's comprehension from retrieval and the pick.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def figures(js: list) -> dict:
    import numpy as np

    return {"first_citation_has_answer": round(float(np.mean([bool(j.hit_at_1) for j in js])), 3),
            "token_f1": round(float(np.mean([j.f1 or 0.0 for j in js])), 3),
            "abstained": round(float(np.mean([bool(j.abstained) for j in js])), 3),
            "answer_contains_gold": round(float(np.mean([bool(j.correct) for j in js])), 3)}


def compare(path: Path, home: Path | None, sample: int | None = None, held_out: bool = False) -> dict:
    from factbot.ask.answerer import Answerer
    from factbot.ask.reading import Phrases
    from factbot.defaults import DEFAULT_ASK_HITS
    from factbot.evaluate.datasets import Kind, load_dataset
    from factbot.evaluate.harness import index_contexts, squad_collection
    from factbot.evaluate.judge import judge_answer
    from factbot.pipeline import FactBot
    from factbot.reader.model import load

    from benchmarks.corpora import held_out as odd_articles

    ds = load_dataset(path)
    asked = odd_articles(ds) if held_out else ds   # XQuAD's odd articles; the collection keeps every paragraph
    bot = FactBot.open(home=home, collection=squad_collection(ds), reader=False)
    index_contexts(bot, ds, progress=sys.stderr.isatty())
    off = Answerer(bot.embedder)
    reader = load()
    # the reader gives the phrase; the reranker alone picks the sentence (the mode before fusion)
    span_only = Answerer(bot.embedder, reader=reader, context_of=bot.previous_text, fusion=False)
    # as `ask` with FACTBOT_READER=on: the reader's answer logit joins the reranker's pick
    # (factbot/models/reader_fusion.json), then gives the phrase
    on = Answerer(bot.embedder, reader=reader, context_of=bot.previous_text)
    # FACTBOT_READER=pick (the default): the same pick; the answer the rules' value, the phrase
    # where the question asks for one in the sentence's language, or the sentence
    pick = Answerer(bot.embedder, reader=reader, context_of=bot.previous_text, phrases=Phrases.ASKED)
    items = [i for i in asked.items if i.kind is Kind.QUESTION]
    if sample and sample < len(items):   # spread over the whole file: every article, not the first few
        items = [items[int(k * len(items) / sample)] for k in range(sample)]
    variants = ("reader_off", "reader_on_span_only", "reader_pick", "reader_on")
    answerers = {"reader_off": off, "reader_on_span_only": span_only, "reader_pick": pick, "reader_on": on}
    judged: dict[str, list] = {v: [] for v in variants}
    kinds: dict[str, int] = {}
    t0 = time.perf_counter()
    for n, item in enumerate(items, 1):
        hits = bot.retriever.search(item.text, k=DEFAULT_ASK_HITS)   # as FactBot.ask
        for v in variants:
            a = answerers[v].answer(item.text, hits)
            judged[v].append(judge_answer(item, a))
            if v == "reader_on" and not a.abstained:
                kinds[a.answer_kind] = kinds.get(a.answer_kind, 0) + 1
        if n % 25 == 0:
            print(f"{path.name}: {n}/{len(items)} ({time.perf_counter() - t0:.0f} s) "
                  + json.dumps({v: figures(judged[v]) for v in variants}), file=sys.stderr, flush=True)
    return {"file": path.name, "questions": len(items), **{v: figures(judged[v]) for v in variants},
            "answer_kind_on": kinds}


def gold_sentence(path: Path, sample: int | None = None, reader_path: Path | None = None,
                  held_out: bool = False) -> dict:
    """Span token-F1 of the reader given the gold sentence, beside the whole sentence's.
    `reader_path`: another reader file (e.g. a training run's) instead of the shipped one;
    `held_out`: only the odd-numbered articles (XQuAD's even ones are fitted on)."""
    import numpy as np

    from factbot.evaluate.datasets import gold_sentences
    from factbot.evaluate.judge import best_token_f1
    from factbot.reader.model import load

    reader = load(str(reader_path)) if reader_path else load()
    rows = [(g.question, g.sentence, g.previous, list(g.answers)) for g in gold_sentences(path)
            if not (held_out and g.article % 2 == 0)]
    if sample and sample < len(rows):
        rows = [rows[int(k * len(rows) / sample)] for k in range(sample)]
    span_f1, sentence_f1 = [], []
    for q, sent, prev, golds in rows:
        r = reader.read(q, [sent], [prev])[0]
        span_f1.append(best_token_f1(r.span.text if r.span else "", golds))
        sentence_f1.append(best_token_f1(sent, golds))
    return {"file": path.name, **({"articles": "odd only"} if held_out else {}),
            "questions": len(rows), "span_token_f1": round(float(np.mean(span_f1)), 3),
            "span_no_overlap": round(float(np.mean([f == 0 for f in span_f1])), 3),
            "span_exact": round(float(np.mean([f == 1 for f in span_f1])), 3),
            "sentence_token_f1": round(float(np.mean(sentence_f1)), 3)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("files", type=Path, nargs="+")
    ap.add_argument("--sample", type=int, help="only N questions of each file, spread evenly over it")
    ap.add_argument("--home", type=Path, default=os.environ.get("FACTBOT_HOME") or None,
                    help="the index folder (env FACTBOT_HOME; default: your user data folder)")
    ap.add_argument("--gold-sentence", action="store_true",
                    help="no retrieval: the reader's span F1 given each question's gold sentence")
    ap.add_argument("--reader", type=Path, help="with --gold-sentence: this reader file instead of the shipped one")
    ap.add_argument("--held-out", action="store_true",
                    help="odd-numbered articles' questions only (those no fit reads: XQuAD)")
    args = ap.parse_args()
    for f in args.files:
        out = (gold_sentence(f, args.sample, args.reader, args.held_out) if args.gold_sentence
               else compare(f, args.home, args.sample, args.held_out))
        print(json.dumps(out, ensure_ascii=False), flush=True)


if __name__ == "__main__":
    main()
