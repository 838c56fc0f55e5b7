"""Fit how much the reader's answer logit counts beside the reranker's score in picking the
sentence `ask` answers from (factbot/models/reader_fusion.json, used only with FACTBOT_READER=on).

    .venv/bin/python scripts/fit_reader_fusion.py --home DIR [--per-file 300] [--write]

Data: TyDi ar-dev and en-dev questions *outside* the samples benchmarks/reader_quality.py
measures (`--sample 150` there: every int(k * n / 150)-th question), `--per-file` of them spread
over the rest of each file; each one searched as `FactBot.ask` searches (its first 8 hits the candidates) in its file's own
collection, as that benchmark does. For every candidate: whether it holds a gold answer; for
every weight: its pick by reranker logit + weight x reader answer logit, and whether the
shipped abstention models (`judge`: the model of the question's and the sentence's
languages) answer from it. The weight w of score = rerank + w * reader is the one of a grid that maximises
the share of questions answered (not abstained) from a sentence holding the gold, the first
citation figure of `factbot eval`; ties go to the smaller w. The abstention model judges each
weight's pick as `ask` does, its margin feature read on the fused scores. Deterministic: no
sampling, no seed.

Across languages (`cross_weight`, English questions over Arabic sentences): XQuAD dev
en-q-ar-ctx, its even articles' questions (`fitting.fit_article`; the odd ones are the
measuring set, `benchmarks.corpora --xquad-held-out`), searched in the collection of all its
paragraphs, the same objective, with 8 candidates; then, at that weight, the number of
candidates across languages (`cross_candidates_curve`, written as `cross_candidates`; the
shipped `rerank.CROSS_CANDIDATES` in factbot/defaults.py is that count): the one maximising the
share answered from the gold minus the share answered when the gold is not indexed (ties: the
fewer), since more candidates raise both. There the abstention model keeps the
reranker's margin (`answerer.decide`). The reader was trained on those even articles, so it
reads them better than it reads new text: the fitted cross weight errs high, if anything.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

DATASETS = ROOT.parent / "shared" / "datasets"
FILES = ("tydiqa/tydiqa-goldp-ar-dev.json", "tydiqa/tydiqa-goldp-en-dev.json")
BENCH_SAMPLE = 150     # the benchmark's sample of each file, left out here
GRID = tuple(round(x, 2) for x in np.arange(0.0, 3.01, 0.05))
CROSS_FILE = "xquad/xquad-dev-en-q-ar-ctx.json"
CROSS_GRID = tuple(round(x, 2) for x in np.arange(0.0, 2.01, 0.1))
CROSS_CANDIDATES_GRID = (8, 16, 24, 32)


def held_out(n: int, sample: int = BENCH_SAMPLE) -> set[int]:
    """The positions benchmarks/reader_quality.py --sample `sample` measures."""
    return {int(k * n / sample) for k in range(sample)} if sample < n else set(range(n))


def collect(path: Path, home: Path, per_file: int, reader, keep=None, grid=GRID, cross: bool = False,
            cross_candidates: int | None = None) -> list[dict]:
    """Per question: its candidates' gold flags and, per weight, the pick and whether it is
    answered. `keep(item)`: the questions to use (default: those outside the benchmark sample,
    `per_file` of them); `cross`: the grid is of the cross-language weight; `cross_candidates`:
    how many hits are candidates across languages (default: `rerank.CROSS_CANDIDATES`, as `ask`)."""
    from factbot.ask import abstain, rerank
    from factbot.ask.answerer import decide, ranked
    from factbot.ask.questions import question_type
    from factbot.ask.reading import Fusion
    from factbot.defaults import DEFAULT_ASK_HITS
    from factbot.evaluate.datasets import Kind, load_dataset
    from factbot.evaluate.harness import index_contexts, squad_collection
    from factbot.evaluate.judge import contains_any
    from factbot.pipeline import FactBot
    from factbot.text.matching import language

    ds = load_dataset(path)
    bot = FactBot.open(home=home, collection=squad_collection(ds), reader=False)
    index_contexts(bot, ds)
    items = [i for i in ds.items if i.kind is Kind.QUESTION]
    if keep is not None:
        rest = [it for it in items if keep(it)]
    else:
        skip = held_out(len(items))
        rest = [it for k, it in enumerate(items) if k not in skip]
        if per_file < len(rest):
            rest = [rest[int(k * len(rest) / per_file)] for k in range(per_file)]
    models = abstain.load_models(cross=abstain.CROSS_LINGUAL)
    reranker = rerank.load_model()
    out = []
    for item in rest:
        q = item.text
        qtype, lang = question_type(q), language(q)
        hits = bot.retriever.search(q, k=max(DEFAULT_ASK_HITS, cross_candidates or 0))   # as FactBot.ask
        hits = hits[:rerank.pool_size(lang, hits, cross_candidates)]
        if not hits:
            continue
        values, scores = ranked(q, hits, qtype, lang, reranker)
        readings = reader.read(q, [h.text for h in hits], [bot.previous_text(h) for h in hits])
        picks = {}   # weight -> (the pick, answered), decided as `ask` decides (Answerer.choose)
        for w in grid:
            c = decide(q, hits, qtype, lang, models, values, scores, readings,
                       Fusion(weight=0.0, cross_weight=w) if cross else Fusion(weight=w, cross_weight=0.0))
            picks[w] = (c.index, c.probability >= c.threshold)
        out.append({"picks": picks, "gold": [contains_any(h.text, item.evidence_any) for h in hits]})
    return out


def first_citation(rows: list[dict], w: float) -> float:
    """Share of questions answered from a sentence holding the gold when picking by rerank + w * reader."""
    good = 0
    for r in rows:
        i, answered = r["picks"][w]
        good += bool(answered and r["gold"][i])
    return good / max(1, len(rows))


def fit(rows: list[dict], grid=GRID) -> tuple[float, dict[float, float]]:
    curve = {w: first_citation(rows, w) for w in grid}
    top = max(curve.values())
    return min(w for w, v in curve.items() if v == top), curve


def cross_candidates_curve(home: Path, reader, weight: float, keep) -> dict[int, dict[str, float]]:
    """For each candidate count across languages, on the cross file's `keep` questions at the
    fitted cross weight: the share answered from a sentence holding the gold with its paragraph
    indexed, the share answered (wrongly) with the paragraphs holding the gold left out
    (`benchmarks.absent_answers`), and `net`, the first minus the second. The count moves both:
    more candidates hold the gold more often, and give a wrong sentence that looks right more
    chances when the answer is not indexed."""
    from benchmarks.absent_answers import absent_figures

    curve = {}
    for k in CROSS_CANDIDATES_GRID:
        rows = collect(DATASETS / CROSS_FILE, home, 0, reader, keep, (weight,), cross=True, cross_candidates=k)
        gold = first_citation(rows, weight)
        without = absent_figures(DATASETS / CROSS_FILE, home, reader=True, keep=keep,
                                 cross_candidates=k)["answered_without"]
        curve[k] = {"first_citation": round(gold, 4), "answered_without": round(without, 4),
                    "net": round(gold - without, 4)}
    return curve


def main() -> None:
    from factbot.reader.model import SHIPPED, Reader

    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--home", type=Path, required=True, help="index folder (the benchmark's, to reuse its indexes)")
    ap.add_argument("--per-file", type=int, default=300)
    ap.add_argument("--model", type=Path, default=SHIPPED, help="the reader file the weights are for")
    ap.add_argument("--write", action="store_true", help="write factbot/models/reader_fusion.json")
    args = ap.parse_args()
    t0 = time.time()
    reader = Reader(args.model).warm()
    rows, per = [], {}
    for rel in FILES:
        got = collect(DATASETS / rel, args.home, args.per_file, reader)
        per[Path(rel).stem] = got
        rows += got
        print(f"{rel}: {len(got)} questions ({time.time() - t0:.0f} s)", file=sys.stderr, flush=True)
    w, curve = fit(rows)
    from benchmarks.corpora import article_of
    from fitting import fit_article

    from factbot.ask import rerank

    even = lambda it: fit_article(article_of(it))  # noqa: E731
    # The cross weight is fitted with 8 candidates, then the number of candidates at that weight
    # (the shipped rerank.CROSS_CANDIDATES is read off `cross_candidates_curve`). Refitted at 24
    # candidates the weight rises to ~1.1: the reader was trained on these articles and reads them
    # with more confidence than new text (held-out odd articles at 24: 0.614 at 0.6, 0.594 at 1.1).
    cross_rows = collect(DATASETS / CROSS_FILE, args.home, 0, reader, even, CROSS_GRID, cross=True,
                         cross_candidates=rerank.CANDIDATES)
    print(f"{CROSS_FILE}: {len(cross_rows)} questions ({time.time() - t0:.0f} s)", file=sys.stderr, flush=True)
    cw, cross_curve = fit(cross_rows, CROSS_GRID)
    candidates_curve = cross_candidates_curve(args.home, reader, cw, even)
    for k, v in candidates_curve.items():
        print(f"{CROSS_FILE}: {k} candidates across languages: {v}", file=sys.stderr)
    best_k = max(candidates_curve, key=lambda k: (candidates_curve[k]["net"], -k))
    cross_name = Path(CROSS_FILE).stem + " (even articles)"
    report = {"weight": w, "cross_weight": cw,
              "fitted_on": {**{k: len(v) for k, v in per.items()}, cross_name: len(cross_rows)},
              "first_citation_reranker_alone": {**{k: round(first_citation(v, 0.0), 3) for k, v in per.items()},
                                                cross_name: round(first_citation(cross_rows, 0.0), 3)},
              "first_citation_fused": {**{k: round(first_citation(v, w), 3) for k, v in per.items()},
                                       cross_name: round(first_citation(cross_rows, cw), 3)},
              "curve": {str(k): round(v, 4) for k, v in curve.items()},
              "cross_curve": {str(k): round(v, 4) for k, v in cross_curve.items()},
              "cross_candidates_curve": {str(k): v for k, v in candidates_curve.items()},
              "cross_candidates": best_k,
              "reader_sha256": hashlib.sha256(Path(args.model).read_bytes()).hexdigest(),
              "fitted_by": "scripts/fit_reader_fusion.py"}
    print(json.dumps({k: v for k, v in report.items() if k != "curve"}, indent=1))
    if args.write:
        from factbot.ask.reading import FUSION_PATH

        FUSION_PATH.write_text(json.dumps(report, indent=1, sort_keys=True) + "\n", encoding="utf-8")
        print(f"wrote {FUSION_PATH}", file=sys.stderr)
    print(f"took {time.time() - t0:.0f} s", file=sys.stderr)


if __name__ == "__main__":
    main()
