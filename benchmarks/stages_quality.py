"""The quality stages: ARCD retrieval and answers, the reader, ANS stance, corpora nobody tuned on."""

from __future__ import annotations

import time

from benchmarks.bench import GUARDED, QUICK, ROOT, Bench, latency, spread, log, module_missing
from benchmarks.measure import RECALL_AT, gold_rank, mrr, rate, ratio, recall_at


def stage_arcd(b: Bench) -> None:
    """Recall@k of a sentence containing a gold answer, per ranker, over the same index."""
    ds = b.arcd()
    if ds is None:
        b.null("arcd_retrieval", f"{b.datasets / 'arcd'} is absent")
        return
    from factbot.index.retrieval import SearchMode

    bot = b.bot()
    depth = max(RECALL_AT)
    out = {}
    for mode in (SearchMode.DENSE, SearchMode.LEXICAL, SearchMode.HYBRID):
        log(f"arcd: {len(ds.items)} questions, {mode.value}")
        ranks = []
        t = time.perf_counter()
        for item in ds.items:
            hits = bot.retriever.search(item.text, k=depth, mode=mode)
            ranks.append(gold_rank([h.text for h in hits], item.answer_any))
        name = "bm25" if mode is SearchMode.LEXICAL else mode.value
        out[name] = {**recall_at(ranks), "mrr@10": mrr(ranks), "n": len(ranks),
                     "seconds": round(time.perf_counter() - t, 1)}
    corpus = [h.text for h in bot.sentences()]
    out["questions_with_gold_in_corpus"] = sum(gold_rank(corpus, i.answer_any) is not None for i in ds.items)
    b.result["arcd_retrieval"] = out


def stage_answers(b: Bench) -> None:
    """`factbot.evaluate.arcd.arcd_answer_figures` over ARCD test: first citation holding a gold answer,
    answer token-F1, abstentions. It ingests the paragraphs (into the benchmark's bot, which
    holds them already under the same ids), then asks every question over all of them."""
    path = b.datasets / "arcd" / "arcd-test.json"
    if not path.is_file():
        b.null("arcd_answers", f"{path.parent} is absent")
        return
    if b.sizes.arcd_articles is not None:
        b.null("arcd_answers", "not in --quick: it ingests and asks the whole of arcd-test.json")
        return
    if (why := module_missing("factbot.evaluate.arcd")):
        b.null("arcd_answers", why)
        return
    from factbot.evaluate.arcd import arcd_answer_figures

    log("answers: factbot.evaluate.arcd.arcd_answer_figures on arcd-test.json")
    b.result["arcd_answers"] = arcd_answer_figures(b.bot, path)  # same paragraphs, same ids: nothing re-embedded


def stage_reader(b: Bench) -> None:
    """The trained reader (factbot/reader): its throughput against bare onnxruntime on the same
    batches (each question with its 8 retrieved sentences and their previous sentences), `ask`
    latency with FACTBOT_READER=on over the same index and questions as `ask`, and (not in
    --quick) ARCD test answers with the reader beside `arcd_answers` without it."""
    from factbot.reader.model import SHIPPED

    if not SHIPPED.exists():
        for key in GUARDED["reader"]:
            b.null(key, f"{SHIPPED.name} not built (scripts/train_reader.py)")
        return
    from factbot.pipeline import FactBot
    from factbot.reader import inputs
    from factbot.reader.model import load

    bot = b.bot()
    reader = load().warm()
    qs = spread(b.queries(), b.sizes.warmup_queries + b.sizes.latency_queries)
    log(f"reader: {len(qs)} questions x 8 sentences, reader.read and bare onnxruntime on the same batches")
    work = []
    for q in qs:
        hits = bot.search(q, k=8)
        work.append((q, [h.text for h in hits], [bot.previous_text(h) for h in hits]))
    batches = [inputs.build(reader.tokenizer, [q] * len(t), t, c) for q, t, c in work]
    feeds = [{"inputs_embeds": reader.e5file.word_rows(x.ids), "attention_mask": x.mask,
              "sentence_mask": inputs.sentence_mask(x)} for x in batches]
    pairs = sum(len(t) for _, t, _ in work)

    def bare() -> float:
        t0 = time.perf_counter()
        for f in feeds:
            reader.session.run(None, f)
        return time.perf_counter() - t0

    before = bare()
    reader.forget()   # `ask` read these questions already: time the reading, not the memory of it
    t0 = time.perf_counter()
    for q, t, c in work:
        reader.read(q, t, c)
    full = time.perf_counter() - t0
    bare_s = (before + bare()) / 2  # before and after, averaged: a load change mid-run evens out
    b.result["reader_pairs_per_s"] = rate(pairs, full)
    b.result["onnxruntime_pairs_per_s"] = rate(pairs, bare_s)
    b.result["reader_vs_onnxruntime"] = ratio(bare_s, full)
    b.result["meta"]["reader_pairs"] = pairs
    with_reader = FactBot.open(home=b.work / "home", embedder=b.embedder, collection="bench-corpus", reader=True)
    log(f"reader: {len(qs)} questions through FactBot.ask with the reader")
    latency(b, lambda q: with_reader.ask(q, k=5), qs, "ask_reader")
    path = b.datasets / "arcd" / "arcd-test.json"
    if b.sizes.arcd_articles is not None or not path.is_file():
        b.null("arcd_answers_reader", "not in --quick, or ARCD absent: it asks the whole of arcd-test.json")
        return
    from factbot.evaluate.arcd import arcd_answer_figures

    log("reader: arcd_answer_figures on arcd-test.json with the reader")
    b.result["arcd_answers_reader"] = arcd_answer_figures(lambda: with_reader, path)


def stage_stance(b: Bench) -> None:
    if not (b.datasets / "ans" / "stance-test.csv").is_file():
        b.null("ans_stance", f"{b.datasets / 'ans'} is absent")
        return
    if (why := module_missing("factbot.check.stance")):
        b.null("ans_stance", why)
        return
    from factbot.check import stance
    from factbot.evaluate.ans import evaluate_ans

    if not stance.MODEL_PATH.is_file():
        b.null("ans_stance", f"no trained stance model at {stance.MODEL_PATH.relative_to(ROOT)} yet")
        return
    log("stance: ANS stance-test.csv")
    report = evaluate_ans(b.datasets, "test", embedder=b.embedder)
    b.result["ans_stance"] = report.to_dict()


# Stages measuring other work in progress: a failure there becomes null fields with the error
# as the reason, so the figures of the rest still come out. Failures of the others are raised.
def stage_corpora(b: Bench) -> None:
    """benchmarks/corpora.py: the article sets beside 240 distractor paragraphs of both
    languages, XQuAD dev, TyDi dev open retrieval, entity-swap claims and their true controls."""
    if not (b.datasets / "xquad").is_dir() or not (b.datasets / "tydiqa").is_dir():
        b.null("corpora", f"{b.datasets} lacks xquad/ or tydiqa/")
        return
    if b.sizes is QUICK:
        b.null("corpora", "not in --quick: it indexes thousands of paragraphs")
        return
    from benchmarks.corpora import run_corpora

    b.result["corpora"] = run_corpora(b.datasets, b.work, b.embedder, log=log)
