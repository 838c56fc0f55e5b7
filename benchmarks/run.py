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
import json
import shutil
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script: make `factbot` and `benchmarks` importable
    sys.path.insert(0, str(ROOT))

from benchmarks.bench import DATASETS, FULL, GUARDED, QUICK, Bench, Sizes, log, machine, peak_rss_mb  # noqa: E402
from benchmarks.readme import replace_figures  # noqa: E402
from benchmarks.stages_quality import stage_answers, stage_arcd, stage_corpora, stage_reader, stage_stance  # noqa: E402
from benchmarks.stages_speed import (stage_app, stage_ask, stage_check, stage_ingest, stage_scale,  # noqa: E402
                                     stage_search)

README = ROOT / "benchmarks" / "README.md"
STAGES = ("ingest", "search", "ask", "check", "arcd", "answers", "reader", "stance", "scale", "app")
# Long stages a run includes only when asked (--corpora or --only): a quick run stays quick.
OPTIONAL_STAGES = ("corpora",)
FIELDS = ("ingest_sentences_per_s", "embedder_sentences_per_s", "ingest_vs_embedder", "reingest_unchanged_s",
          "search_p50_ms", "search_p95_ms", "ask_p50_ms", "ask_p95_ms", "ask_mixed_p50_ms", "ask_mixed_p95_ms",
          "ask_mixed_vs_ask", "check_p50_ms", "check_p95_ms",
          "search_claims_p50_ms", "search_claims_p95_ms", "arcd_retrieval", "arcd_answers",
          "reader_pairs_per_s", "onnxruntime_pairs_per_s", "reader_vs_onnxruntime", "ask_reader_p50_ms",
          "ask_reader_p95_ms", "arcd_answers_reader", "ans_stance", "scale_search_ms", "app_ready_s",
          "cli_ask_cold_s", "python_e5_cold_s", "cli_ask_vs_e5", "app_ready_vs_e5", "python_gradio_import_s",
          "app_ready_vs_gradio", "corpora", "peak_rss_mb")


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
