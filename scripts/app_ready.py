"""How long `python app.py` takes from process start to its first HTTP 200 (app_ready_s).

    python scripts/app_ready.py [--home DIR] [--runs 3] [--json]

The index under --home (default: FACTBOT_HOME, else the user data folder) should already hold
the corpus (`factbot ingest`); the app is started on a free loopback port, polled, then stopped.
`start_app` is also what tests/test_app.py uses to run the real app.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
POLL_S = 0.02  # polling interval: well below the ~0.1 s between launch and the first 200
DEFAULT_TIMEOUT_S = 120.0  # a loaded 2-core machine can take tens of seconds to import gradio


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_app(home: str | Path | None = None, port: int | None = None, *, env: dict | None = None,
              timeout: float = DEFAULT_TIMEOUT_S, log: Path | None = None) -> tuple[subprocess.Popen, str, float]:
    """Start `python app.py` on 127.0.0.1:`port` and wait for HTTP 200 on its page.
    Returns (process, url, seconds from spawn to the first 200). The caller stops the process."""
    port = port or free_port()
    url = f"http://127.0.0.1:{port}"
    run_env = {**os.environ, "GRADIO_SERVER_PORT": str(port), "GRADIO_SERVER_NAME": "127.0.0.1",
               "GRADIO_ANALYTICS_ENABLED": "False", **(env or {})}
    if home is not None:
        run_env["FACTBOT_HOME"] = str(home)
    out = open(log, "wb") if log else subprocess.DEVNULL
    t0 = time.perf_counter()
    proc = subprocess.Popen([sys.executable, str(ROOT / "app.py")], cwd=ROOT, env=run_env, stdout=out,
                            stderr=subprocess.STDOUT)
    deadline = t0 + timeout
    while time.perf_counter() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"app.py exited with status {proc.returncode} before serving"
                               + (f"; see {log}" if log else ""))
        try:
            with urllib.request.urlopen(url + "/", timeout=2) as r:
                if r.status == 200:
                    return proc, url, time.perf_counter() - t0
        except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
            pass
        time.sleep(POLL_S)
    stop_app(proc)
    raise RuntimeError(f"app.py did not answer on {url} within {timeout:.0f} s")


def stop_app(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(10)


def measure(home: str | Path | None = None, runs: int = 3) -> dict:
    """app_ready_s over `runs` cold starts: each run a new process on a new port."""
    times = []
    for _ in range(runs):
        proc, _url, seconds = start_app(home)
        stop_app(proc)
        times.append(seconds)
    return {"app_ready_s": round(statistics.median(times), 3), "runs": [round(t, 3) for t in times]}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--home", help="FACTBOT_HOME holding the ingested corpus")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    result = measure(args.home or os.environ.get("FACTBOT_HOME"), args.runs)
    print(json.dumps(result) if args.json else f"app_ready_s {result['app_ready_s']} (runs: {result['runs']})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
