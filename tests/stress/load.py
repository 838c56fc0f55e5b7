"""Load and soak the running web app through its API, as users would (gradio_client).

Load: `--users` concurrent users each send `--questions` requests back to back (a mix of
/ask, /check and /search with the evalset questions and claims). Every request must be
answered or told the queue is full; anything else is an error. Latency p50/p95 per endpoint.

Soak: requests at a steady `--rate` per second for `--soak-minutes`; the app's resident
memory (RSS, with its child processes) is sampled every `--sample-s` seconds.

    .venv/bin/python tests/stress/load.py                       # starts the app itself on a temp index
    .venv/bin/python tests/stress/load.py --url http://127.0.0.1:7860 --pid 1234
    .venv/bin/python tests/stress/load.py --soak-minutes 10 --json load.json

Not part of `make test`; figures are in docs/reliability.md.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _evalset(name: str) -> list[str]:
    path = ROOT / "evalsets" / name
    return [json.loads(line)["text"] for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def workload(n: int, offset: int, endpoints: list[str]) -> list[tuple[str, tuple]]:
    """n requests for one user: endpoints in turn, questions/claims taken round-robin from
    `offset`, so users do not all ask the same thing at once."""
    questions, claims = _evalset("questions.jsonl"), _evalset("claims.jsonl")
    out = []
    for i in range(n):
        endpoint = endpoints[i % len(endpoints)]
        if endpoint == "/check":
            out.append((endpoint, (claims[(offset + i) % len(claims)],)))
        elif endpoint == "/search":
            out.append((endpoint, (questions[(offset + i) % len(questions)], 5)))
        else:
            out.append((endpoint, (questions[(offset + i) % len(questions)],)))
    return out


def call(client, endpoint: str, args: tuple) -> dict:
    t0 = time.perf_counter()
    try:
        result = client.predict(*args, api_name=endpoint)
        outcome, detail = ("ok", "") if isinstance(result, (dict, list)) else ("error", f"odd result {result!r:.80}")
    except Exception as exc:  # classified below: the point is to count every kind
        text = f"{type(exc).__name__}: {exc}"
        outcome, detail = ("queue_full", text) if "queue is full" in text.lower() else ("error", text[:300])
    return {"endpoint": endpoint, "outcome": outcome, "seconds": time.perf_counter() - t0, "detail": detail}


def percentile(values: list[float], q: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


def _r(x: float | None) -> float | None:
    return None if x is None else round(x, 3)


def summarize(rows: list[dict]) -> dict:
    ok = [r["seconds"] for r in rows if r["outcome"] == "ok"]
    per = {}
    for ep in sorted({r["endpoint"] for r in rows}):
        s = [r["seconds"] for r in rows if r["endpoint"] == ep and r["outcome"] == "ok"]
        per[ep] = {"n": len(s), "p50_s": _r(percentile(s, 0.5)), "p95_s": _r(percentile(s, 0.95))}
    errors = [r["detail"] for r in rows if r["outcome"] == "error"]
    return {"requests": len(rows), "answered": len(ok), "queue_full": sum(r["outcome"] == "queue_full" for r in rows),
            "errors": len(errors), "error_samples": errors[:5], "p50_s": _r(percentile(ok, 0.5)),
            "p95_s": _r(percentile(ok, 0.95)), "max_s": round(max(ok), 3) if ok else None, "per_endpoint": per}


CLIENT_TIMEOUT_S = 60.0  # httpx's default (5 s) fails a request that merely waits its turn in a burst


def load(url: str, users: int, questions: int, endpoints: list[str]) -> dict:
    from gradio_client import Client

    clients = [Client(url, verbose=False, httpx_kwargs={"timeout": CLIENT_TIMEOUT_S})
               for _ in range(users)]  # one session per user
    barrier = threading.Barrier(users)

    def user(i: int) -> list[dict]:
        barrier.wait()  # all users start together
        return [call(clients[i], ep, args) for ep, args in workload(questions, i * 7, endpoints)]

    t0 = time.perf_counter()
    with ThreadPoolExecutor(users) as pool:
        rows = [r for rows in pool.map(user, range(users)) for r in rows]
    wall = time.perf_counter() - t0
    return {"mode": "load", "users": users, "questions_per_user": questions, "wall_s": round(wall, 1),
            "throughput_rps": round(len(rows) / wall, 2), **summarize(rows)}


def rss_mb(pid: int) -> float:
    """Resident memory of a process and its children, from /proc (Linux)."""
    total = 0
    pids = [pid]
    try:
        children = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True).stdout.split()
        pids += [int(p) for p in children]
    except FileNotFoundError:
        pass
    for p in pids:
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except FileNotFoundError:
            continue
    return total / 1024


def soak(url: str, minutes: float, rate: float, endpoints: list[str], pid: int | None, sample_s: float) -> dict:
    from gradio_client import Client

    client = Client(url, verbose=False, httpx_kwargs={"timeout": CLIENT_TIMEOUT_S})
    work = workload(10_000, 0, endpoints)
    rows: list[dict] = []
    rss: list[tuple[float, float]] = []
    stop = threading.Event()

    def sampler():
        t0 = time.perf_counter()
        while not stop.is_set():
            if pid:
                rss.append((round(time.perf_counter() - t0, 1), round(rss_mb(pid), 1)))
            stop.wait(sample_s)

    threading.Thread(target=sampler, daemon=True).start()
    t0, i = time.perf_counter(), 0
    with ThreadPoolExecutor(4) as pool:
        futures = []
        while time.perf_counter() - t0 < minutes * 60:
            ep, args = work[i % len(work)]
            futures.append(pool.submit(call, client, ep, args))
            i += 1
            time.sleep(max(0.0, t0 + i / rate - time.perf_counter()))  # a steady rate, not back-to-back
        rows = [f.result() for f in futures]
    stop.set()
    out = {"mode": "soak", "minutes": minutes, "rate_rps": rate, **summarize(rows)}
    if rss:
        values = [m for _, m in rss]
        first_min = [m for t, m in rss if t <= 60] or values[:1]
        out.update({"rss_start_mb": values[0], "rss_after_1min_mb": first_min[-1], "rss_end_mb": values[-1],
                    "rss_max_mb": max(values), "rss_samples": rss})
    return out


def start_own_app(home: Path | None) -> tuple[subprocess.Popen, str, Path]:
    """The app on a free loopback port over `home` (a temp index of corpus/ when not given)."""
    spec = importlib.util.spec_from_file_location("app_ready", ROOT / "scripts" / "app_ready.py")
    app_ready = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(app_ready)
    if home is None:
        home = Path(tempfile.mkdtemp(prefix="factbot-load-")) / "home"
        done = subprocess.run([sys.executable, "-m", "factbot", "--home", str(home), "ingest", str(ROOT / "corpus")],
                              cwd=ROOT, capture_output=True, text=True)
        if done.returncode:
            raise SystemExit(f"ingest failed: {done.stderr}")
    proc, url, _ = app_ready.start_app(home, log=home.parent / "app.log")
    return proc, url, home


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--url", help="a running app (default: start one)")
    p.add_argument("--pid", type=int, help="the running app's process id, for RSS (known when started here)")
    p.add_argument("--home", type=Path, help="index for the app started here (default: a temp index of corpus/)")
    p.add_argument("--users", type=int, default=8)
    p.add_argument("--questions", type=int, default=25, help="requests per user")
    p.add_argument("--endpoints", default="/ask,/check,/search")
    p.add_argument("--soak-minutes", type=float, default=0.0, help="then soak this long (10 for the full soak)")
    p.add_argument("--rate", type=float, default=1.0, help="soak requests per second")
    p.add_argument("--sample-s", type=float, default=5.0)
    p.add_argument("--json", type=Path)
    args = p.parse_args(argv)
    endpoints = [e if e.startswith("/") else "/" + e for e in args.endpoints.split(",")]
    proc = None
    url, pid = args.url, args.pid
    if not url:
        proc, url, _ = start_own_app(args.home)
        pid = proc.pid
    results = []
    try:
        rss_before = round(rss_mb(pid), 1) if pid else None
        res = load(url, args.users, args.questions, endpoints)
        res["rss_before_mb"], res["rss_after_mb"] = rss_before, round(rss_mb(pid), 1) if pid else None
        results.append(res)
        print(json.dumps({k: v for k, v in res.items()}, ensure_ascii=False))
        if args.soak_minutes:
            res = soak(url, args.soak_minutes, args.rate, endpoints, pid, args.sample_s)
            results.append(res)
            print(json.dumps({k: v for k, v in res.items() if k != "rss_samples"}, ensure_ascii=False))
    finally:
        if proc is not None:
            proc.terminate()
            try:
                proc.wait(15)
            except subprocess.TimeoutExpired:
                proc.kill()
    if args.json:
        args.json.write_text(json.dumps(results, indent=2, ensure_ascii=False), encoding="utf-8")
    return 1 if any(r["errors"] for r in results) else 0


if __name__ == "__main__":
    os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
    sys.exit(main())
