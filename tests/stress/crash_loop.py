"""Crash safety: `kill -9` a real `factbot ingest` at random moments, then check the store.

Each kill lands at a random moment after the process has begun writing (imports, opening
and planning done), within the time a whole-corpus replacement spends writing. After each kill, a fresh process opens the store and checks that every committed document
is complete (no half-indexed document is visible); then `factbot ingest` runs again and a
fresh process checks that the store holds exactly the expected entries, each found by id
and by a search with its own text.

Two synthetic corpora (hash embedder, so many runs fit in minutes):
  large: 12 documents x 200 sentences = 2,400 entries, past Chroma's HNSW sync threshold
         (hnsw:sync_threshold, default 1,000), so kills land during index flushes too;
  small: 3 documents x 15 sentences = 45 entries, under one HNSW batch (hnsw:batch_size 100).

    .venv/bin/python tests/stress/crash_loop.py --runs 10 --size both --race 4 --json out.json
    .venv/bin/python tests/stress/crash_loop.py verify --home H --corpus C   (used internally)

tests/test_crash_safety.py runs a short version (3 kills) in `make test`.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SIZES = {"large": (12, 200), "small": (3, 15),  # documents, sentences per document
         "medium": (6, 200)}  # 1,200: just past the sync threshold, for the fast test
ENV = {**os.environ, "FACTBOT_EMBEDDER": "hash", "HF_HUB_OFFLINE": "1", "ANONYMIZED_TELEMETRY": "False"}
_LETTERS = "bcdfghjklmnpqrstvwxz"


def make_corpus(folder: Path, docs: int, per_doc: int, seed: int = 0) -> Path:
    """Documents of distinct sentences: each has six pseudo-words of its own, so its own text
    finds it first in search, and no two share enough terms to be linked as duplicates."""
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    seen: set[str] = set()

    def word() -> str:
        while True:
            w = "".join(rng.choice(_LETTERS) + rng.choice("aeiou") for _ in range(4))
            if w not in seen:
                seen.add(w)
                return w

    for d in range(docs):
        lines = [f"Report {d} of the synthetic corpus about {word()} {word()}"]
        lines += [f"The {word()} {word()} met the {word()} {word()} near {word()} {word()} today."
                  for _ in range(per_doc - 1)]
        (folder / f"doc-{d:03d}.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder


def expected_entries(corpus: Path) -> dict[str, dict[str, str]]:
    """doc_id -> {sentence_id: text}, as a correct ingest must store them."""
    from factbot.ingest.documents import find_files, read_document, sentences_of

    out = {}
    for f in find_files([corpus]):
        doc = read_document(f)
        out[doc.doc_id] = {s.sentence_id: s.text for s in sentences_of(doc)}
    return out


def factbot(home: Path, *args: str) -> list[str]:
    return [sys.executable, "-m", "factbot", "--home", str(home), "--embedder", "hash", *args]


def ingest(home: Path, corpus: Path, timeout: float = 600) -> subprocess.CompletedProcess:
    return subprocess.run(factbot(home, "ingest", str(corpus), "--json"), capture_output=True, text=True,
                          cwd=ROOT, env=ENV, timeout=timeout)


def verify(home: Path, corpus: Path, *, complete: bool, sample: int | None = None, seed: int = 0,
           older: tuple[Path, ...] = ()) -> dict:
    """In this process (call it in a fresh one): is the store consistent?

    complete=False (after a kill): every visible document is whole, in the version of `corpus`
    or of one of the `older` corpora; nothing else is searchable.
    complete=True (after a finished ingest): exactly the expected entries, each found by id and
    by a search with its own text (all of them, or `sample` of them)."""
    from factbot.ingest.documents import sentences_of
    from factbot.pipeline import FactBot

    want = expected_entries(corpus)
    versions = [want] + [expected_entries(c) for c in older]
    bot = FactBot.open(home=home, embedder="hash")
    problems: list[str] = []
    committed = bot.store.documents()
    if complete and set(committed) != set(want):
        problems.append(f"documents {sorted(set(want) ^ set(committed))} missing or extra")
    visible = {}
    for s in bot.sentences():
        visible.setdefault(s.doc_id, {})[s.sentence_id] = s.text
    for doc_id, doc in committed.items():
        whole = {s.sentence_id: s.text for s in sentences_of(doc)}
        if visible.get(doc_id, {}) != whole:
            problems.append(f"{doc_id}: {len(visible.get(doc_id, {}))} of {len(whole)} sentences visible "
                            "(half-indexed)")
        if not any(v.get(doc_id) == whole for v in versions):
            problems.append(f"{doc_id}: committed text is no version of the corpus")
    stored_ids = set(bot.store.sentence_ids())
    all_ids = {sid for doc in want.values() for sid in doc}
    if complete and stored_ids != all_ids:
        problems.append(f"{len(stored_ids - all_ids)} extra and {len(all_ids - stored_ids)} missing sentence records")
    checked_by_id = checked_by_query = 0
    if complete and not problems:
        texts = {sid: t for doc in want.values() for sid, t in doc.items()}
        got = bot.store.sentences.get(ids=sorted(texts), include=["documents"])
        by_id = dict(zip(got["ids"], got["documents"]))
        checked_by_id = sum(by_id.get(sid) == t for sid, t in texts.items())
        if checked_by_id != len(texts):
            problems.append(f"only {checked_by_id} of {len(texts)} found by id with their text")
        ids = sorted(texts)
        if sample is not None and sample < len(ids):
            ids = random.Random(seed).sample(ids, sample)
        for sid in ids:
            top = bot.search(texts[sid], k=1)
            if top and top[0].sentence_id == sid:
                checked_by_query += 1
            else:
                problems.append(f"search for its own text did not find {sid} first")
                break
    return {"documents": len(committed), "visible_sentences": sum(len(v) for v in visible.values()),
            "stored_records": len(stored_ids), "found_by_id": checked_by_id, "found_by_query": checked_by_query,
            "problems": problems}


def verify_in_fresh_process(home: Path, corpus: Path, *, complete: bool, sample: int | None = None,
                            older: tuple[Path, ...] = ()) -> dict:
    cmd = [sys.executable, str(Path(__file__).resolve()), "verify", "--home", str(home), "--corpus", str(corpus)]
    cmd += [a for c in older for a in ("--older", str(c))]
    cmd += ["--complete"] if complete else []
    cmd += ["--sample", str(sample)] if sample is not None else []
    proc = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT, env=ENV, timeout=900)
    if proc.returncode != 0:
        return {"problems": [f"verify process failed ({proc.returncode}): {proc.stderr.strip()[-2000:]}"]}
    return json.loads(proc.stdout)


def _db_state(home: Path) -> tuple:
    db = home / "chroma" / "chroma.sqlite3"
    return tuple((st.st_mtime_ns, st.st_size) for f in (db, db.with_name(db.name + "-wal")) if f.exists()
                 for st in [f.stat()])


def wait_for_first_write(home: Path, proc: subprocess.Popen, timeout: float = 120) -> float | None:
    """Seconds until the process first writes data: the second change of the database (the
    first is Chroma opening it, after the imports; then come factbot's reads and planning), or
    None if it exited first. Polled every 5 ms."""
    before, t0, changes = _db_state(home), time.perf_counter(), 0
    while time.perf_counter() - t0 < timeout and proc.poll() is None:
        now = _db_state(home)
        if now != before:
            changes, before = changes + 1, now
            if changes == 2:
                return time.perf_counter() - t0
        time.sleep(0.005)
    return None


def kill_during_ingest(home: Path, corpus: Path, delay: float) -> dict:
    """Start `factbot ingest`; once it has begun writing, SIGKILL it `delay` seconds later."""
    proc = subprocess.Popen(factbot(home, "ingest", str(corpus), "--json"), stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, cwd=ROOT, env=ENV)
    started = wait_for_first_write(home, proc)
    try:
        proc.wait(delay)
        killed = False
    except subprocess.TimeoutExpired:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        killed = True
    return {"delay": round(delay, 2), "killed": killed, "was_writing": started is not None}


def crash_runs(size: str, runs: int, seed: int = 0, sample: int | None = None, workdir: Path | None = None,
               log=print) -> dict:
    """`runs` kill/re-ingest/verify cycles on one home, each kill at a random moment of an
    ingest that has work to do (the home is emptied with a changed corpus every other run)."""
    rng = random.Random(seed)
    base = Path(workdir or tempfile.mkdtemp(prefix=f"crash-{size}-"))
    docs, per_doc = SIZES[size]
    corpus_a = make_corpus(base / "corpus-a", docs, per_doc, seed)
    corpus_b = make_corpus(base / "corpus-b", docs, per_doc, seed + 1)  # same ids, all text changed
    home = base / "home"
    first = ingest(home, corpus_a)
    assert first.returncode == 0, first.stderr
    # how long the writing lasts: replace the whole corpus once, timed from its first write
    proc = subprocess.Popen(factbot(home, "ingest", str(corpus_b), "--json"), stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True, cwd=ROOT, env=ENV)
    t0 = time.perf_counter()
    began = wait_for_first_write(home, proc)
    assert proc.wait(600) == 0, proc.stderr.read()
    full_seconds = time.perf_counter() - t0 - (began or 0.0)
    results = []
    attempt = 0
    while sum(r["killed"] for r in results) < runs and attempt < 3 * runs:  # `runs` kills, not attempts
        corpus = corpus_a if attempt % 2 == 0 else corpus_b  # every attempt has a whole corpus to replace
        attempt += 1
        # a random moment of the work (its length varies with the machine's load: an ingest that
        # finishes first is recorded as not killed, and one more attempt is made)
        delay = rng.uniform(0.0, 0.9 * full_seconds)
        kill = kill_during_ingest(home, corpus, delay)
        other = corpus_a if corpus is corpus_b else corpus_b
        after_kill = verify_in_fresh_process(home, corpus, complete=False, older=(other,))
        redo = ingest(home, corpus)
        report = json.loads(redo.stdout) if redo.returncode == 0 else {"error": redo.stderr.strip()[-500:]}
        final = verify_in_fresh_process(home, corpus, complete=True, sample=sample)
        row = {"run": attempt, **kill, "visible_after_kill": after_kill.get("documents"),
               "reingest_added": report.get("added"), "reingest_error": report.get("error"),
               "rebuilt": "rebuilt it from" in redo.stderr,
               **{k: final.get(k) for k in ("documents", "stored_records", "found_by_id", "found_by_query")},
               "problems": after_kill["problems"] + final["problems"] + ([report["error"]] if "error" in report else [])}
        results.append(row)
        log(json.dumps(row, ensure_ascii=False))
    entries = docs * per_doc
    return {"size": size, "documents": docs, "entries": entries, "work_seconds": round(full_seconds, 2),
            "runs": len(results), "killed_mid_ingest": sum(r["killed"] for r in results),
            "index_rebuilt_after_kill": sum(r["rebuilt"] for r in results),
            # where the kills landed, told by how much the next ingest had to redo
            "killed_before_first_commit": sum(r["killed"] and r["reingest_added"] == entries for r in results),
            "killed_mid_corpus": sum(r["killed"] and 0 < (r["reingest_added"] or 0) < entries for r in results),
            "killed_after_last_commit": sum(r["killed"] and r["reingest_added"] == 0 for r in results),
            "failed_runs": sum(bool(r["problems"]) for r in results),
            "entries_verified": sum(r["found_by_id"] or 0 for r in results),
            "queries_verified": sum(r["found_by_query"] or 0 for r in results), "results": results}


def race_runs(runs: int, seed: int = 0, workdir: Path | None = None, log=print) -> dict:
    """Two real `factbot ingest` processes on one home at once (different texts, same ids):
    each must finish or be refused with the lock message; the store must stay whole, and one
    more ingest must make it exact."""
    base = Path(workdir or tempfile.mkdtemp(prefix="race-"))
    docs, per_doc = SIZES["large"]
    a = make_corpus(base / "a", docs, per_doc, seed + 10)
    b = make_corpus(base / "b", docs, per_doc, seed + 11)
    results = []
    for run in range(runs):
        home = base / f"home-{run}"
        if run % 2:  # odd runs: the store already holds version a
            assert ingest(home, a).returncode == 0
        procs = [subprocess.Popen(factbot(home, "ingest", str(c), "--json"), stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE, text=True, cwd=ROOT, env=ENV) for c in (a, b)]
        outcomes = [(p.wait(600), p.stderr.read()) for p in procs]
        problems = [err.strip()[-300:] for code, err in outcomes
                    if not (code == 0 or (code == 2 and "another factbot process is writing to" in err))]
        if not any(code == 0 for code, _ in outcomes):
            problems.append("neither ingest finished")
        whole = verify_in_fresh_process(home, b, complete=False, older=(a,))
        redo = ingest(home, b)
        final = verify_in_fresh_process(home, b, complete=True, sample=50)
        row = {"run": run + 1, "exit_codes": [c for c, _ in outcomes], "found_by_id": final.get("found_by_id"),
               "problems": problems + whole["problems"] + final["problems"] +
               ([] if redo.returncode == 0 else [redo.stderr.strip()[-300:]])}
        results.append(row)
        log(json.dumps(row))
    return {"size": "race", "runs": runs, "refused": sum(r["exit_codes"].count(2) for r in results),
            "failed_runs": sum(bool(r["problems"]) for r in results),
            "entries_verified": sum(r["found_by_id"] or 0 for r in results), "results": results}


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="cmd")
    v = sub.add_parser("verify")
    v.add_argument("--home", type=Path, required=True)
    v.add_argument("--corpus", type=Path, required=True)
    v.add_argument("--complete", action="store_true")
    v.add_argument("--sample", type=int)
    v.add_argument("--older", type=Path, action="append", default=[])
    p.add_argument("--runs", type=int, default=10)
    p.add_argument("--size", choices=["large", "medium", "small", "both"], default="both")
    p.add_argument("--sample", type=int, help="search for only this many sentences per check (default: all)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--race", type=int, default=0, help="also race two ingests on one home this many times")
    p.add_argument("--json", type=Path, help="write the summary here")
    args = p.parse_args(argv)
    if args.cmd == "verify":
        print(json.dumps(verify(args.home, args.corpus, complete=args.complete, sample=args.sample,
                                older=tuple(args.older))))
        return 0
    sizes = ["large", "small"] if args.size == "both" else [args.size]
    summaries = [crash_runs(s, args.runs, args.seed, args.sample, log=lambda m: print(m, file=sys.stderr))
                 for s in sizes]
    if args.race:
        race = race_runs(args.race, args.seed, log=lambda m: print(m, file=sys.stderr))
        print(f"race: {race['runs']} runs of two concurrent ingests, {race['refused']} refused by the lock, "
              f"failed runs: {race['failed_runs']}, entries verified by id: {race['entries_verified']}")
    for s in summaries:
        print(f"{s['size']}: {s['runs']} runs ({s['killed_mid_ingest']} killed mid-ingest, {s['index_rebuilt_after_kill']} "
              f"left an unreadable index, rebuilt), {s['documents']} documents, "
              f"{s['entries']} entries; failed runs: {s['failed_runs']}; entries verified by id: "
              f"{s['entries_verified']}, by own-text search: {s['queries_verified']}; "
              f"kills before the first commit / mid-corpus / after the last: {s['killed_before_first_commit']} / "
              f"{s['killed_mid_corpus']} / {s['killed_after_last_commit']}; "
              f"writing time of a full replacement {s['work_seconds']}s")
    if args.race:
        summaries.append(race)
    if args.json:
        args.json.write_text(json.dumps(summaries, indent=2, ensure_ascii=False), encoding="utf-8")
    return 1 if any(s["failed_runs"] for s in summaries) else 0


if __name__ == "__main__":
    sys.exit(main())
