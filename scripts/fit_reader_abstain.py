"""Fit how the reader's answer logit joins the abstention decision with FACTBOT_READER=on
(factbot/models/reader_abstain.json; `reading.ReaderJudge`).

    .venv/bin/python scripts/fit_reader_abstain.py --home DIR [--per-file 300] [--write]

The abstention model (factbot/models/abstain.json) judges a sentence by cheap features: it
cannot read that "who heads the US delegation?" is not answered by a sentence about the talks,
nor that an encyclopaedia's "founded in 1919" is another thing's founding. The reader can. With
the reader on, the probability that answering is right becomes

    p' = sigmoid(a * logit(p) + b * reader answer logit + c)

for a question in its sentence's language (across languages the reader saw few pairs in
training: p stays, as the fusion's cross weight is 0), and `ask` abstains below the threshold
fitted with a, b, c.

Data the reader never trained on, one row per question and search, as `ask` meets it (k=8, the
fused pick of `Answerer.pick`):
  1. TyDi ar-dev and en-dev questions outside the benchmark samples (as fit_reader_fusion.py),
     each searched twice in its file's collection:
     a. as is: right when the picked sentence holds a gold answer;
     b. with the gold paragraph's sentences removed from the hits (the sources do not say): 0.
  2. scripts/abstain_questions.jsonl: questions written for the bundled article (not evalsets/,
     which is held out), searched over the article: right as scripts/train_abstain.py judges.
     Only the Arabic ones are same-language rows. They get ARTICLE_SHARE of the weight.
a, b, c: weighted logistic regression (Newton, no randomness). The threshold: of those at which
the rows get no more wrong answers (weighted) than the abstention model alone gives them at its
own threshold, the one that answers most of them right (ties: the lower). So the reader may only
trade wrong answers for right ones, never buy right answers with wrong ones: the question's
sources may not say (the silent rows), and a confident wrong answer is the failure users judge
hardest. ~2 min on 2 cores with the indexes built.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from fit_reader_fusion import FILES, held_out  # noqa: E402

DATASETS = ROOT.parent / "shared" / "datasets"
ARTICLE_SHARE = 0.5  # share of the weight of the questions about the bundled article (as train_abstain.py)
K = 8                # hits `ask` answers from
SILENT_K = 24        # hits searched for the silent rows, before the gold paragraph's are removed


def _row(answerer, q: str, hits, right) -> dict | None:
    """The fused pick among `hits`, the abstention model's p of it, the reader's answer logit,
    whether answering from it is right (`right(hit, value)`)."""
    from factbot.ask.answerer import choose
    from factbot.ask.questions import question_type
    from factbot.ask.reading import answer_logit
    from factbot.ask.rerank import CANDIDATES
    from factbot.text.matching import language

    if not hits:
        return None
    n = min(CANDIDATES, len(hits))
    readings = answerer.reader.read(q, [h.text for h in hits[:n]], [answerer.context_of(h) for h in hits[:n]])
    qtype, lang = question_type(q), language(q)
    c = choose(q, hits, qtype, lang, answerer.model, answerer.reranker, readings=readings, fusion=answerer.fusion)
    return {"p": c.probability, "threshold": c.threshold, "reader": answer_logit(readings[c.index]),
            "same": language(hits[c.index].text) == lang, "right": bool(right(hits[c.index], c.value))}


def tydi_rows(path: Path, home: Path, per_file: int) -> list[dict]:
    from factbot.evaluate.datasets import Kind, load_dataset
    from factbot.evaluate.harness import index_contexts, squad_collection
    from factbot.evaluate.judge import contains_any
    from factbot.pipeline import FactBot

    ds = load_dataset(path)
    bot = FactBot.open(home=home, collection=squad_collection(ds), reader=True)
    index_contexts(bot, ds)
    answerer = bot.answerer
    items = [i for i in ds.items if i.kind is Kind.QUESTION]
    skip = held_out(len(items))
    rest = [it for k, it in enumerate(items) if k not in skip]
    if per_file < len(rest):
        rest = [rest[int(k * len(rest) / per_file)] for k in range(per_file)]
    out = []
    for item in rest:
        a, p = (int(x) for x in item.where.replace("]", "[").split("[")[1:4:2])
        gold_doc = f"squad-{a:03d}-{p:02d}"
        hits = bot.retriever.search(item.text, k=SILENT_K)
        natural = _row(answerer, item.text, hits[:K], lambda h, v: contains_any(h.text, item.evidence_any))
        silent = _row(answerer, item.text, [h for h in hits if h.doc_id != gold_doc][:K],
                      lambda h, v: contains_any(h.text, item.evidence_any))
        for kind, r in (("natural", natural), ("silent", silent)):
            if r is not None:
                out.append(dict(r, source=f"{path.stem}:{kind}"))
    return out


def article_rows(home: Path) -> list[dict]:
    from fitting import ARTICLE_QUESTIONS, article_right

    from factbot.pipeline import FactBot

    bot = FactBot.open(home=home, collection="bench-article", reader=True)
    bot.ingest([ROOT / "corpus"])
    answerer = bot.answerer
    out = []
    for line in ARTICLE_QUESTIONS.read_text(encoding="utf-8").splitlines():
        if line.strip():
            item = json.loads(line)
            r = _row(answerer, item["text"], bot.retriever.search(item["text"], k=K),
                     lambda h, v, item=item: article_right(item, h, v))
            if r is not None:
                out.append(dict(r, source="article"))
    return out


def _logit(p: float) -> float:
    p = min(max(p, 1e-6), 1 - 1e-6)
    return math.log(p / (1 - p))


def design(rows: list[dict]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(X = [logit p, reader logit, 1], y, weights): the article rows weigh ARTICLE_SHARE in all."""
    x = np.array([[_logit(r["p"]), r["reader"], 1.0] for r in rows])
    y = np.array([float(r["right"]) for r in rows])
    art = np.array([r["source"] == "article" for r in rows])
    w = np.where(art, ARTICLE_SHARE / max(1, art.sum()), (1 - ARTICLE_SHARE) / max(1, (~art).sum()))
    return x, y, w * len(rows)


def fit_logistic(x: np.ndarray, y: np.ndarray, w: np.ndarray, l2: float = 1e-3, steps: int = 50) -> np.ndarray:
    """Weighted logistic regression by Newton's method (a small ridge keeps it finite)."""
    beta = np.zeros(x.shape[1])
    for _ in range(steps):
        p = 1 / (1 + np.exp(-x @ beta))
        grad = x.T @ (w * (p - y)) + l2 * beta
        hess = (x * (w * p * (1 - p))[:, None]).T @ x + l2 * np.eye(x.shape[1])
        step = np.linalg.solve(hess, grad)
        beta -= step
        if np.abs(step).max() < 1e-10:
            break
    return beta


def rates(answered: np.ndarray, y: np.ndarray, w: np.ndarray) -> tuple[float, float]:
    """(weighted share answered right, weighted share answered wrong)."""
    return float((answered & (y > 0)) @ w / w.sum()), float((answered & (y == 0)) @ w / w.sum())


def pick_threshold(p: np.ndarray, y: np.ndarray, w: np.ndarray, base: np.ndarray) -> tuple[float, dict]:
    """The threshold answering most rows right among those answering no more rows wrong than
    `base` (the abstention model's own decisions) does."""
    _, wrong_limit = rates(base, y, w)
    grid = [round(t, 3) for t in np.arange(0.05, 0.951, 0.025)]
    curve = {t: rates(p >= t, y, w) for t in grid}
    ok = {t: right for t, (right, wrong) in curve.items() if wrong <= wrong_limit + 1e-12}
    if not ok:
        raise SystemExit("no threshold answers as few rows wrong as the abstention model alone")
    top = max(ok.values())
    return min(t for t, v in ok.items() if v == top), curve


def summary(rows: list[dict], p: np.ndarray, t: float) -> dict:
    """Per source: answered right, answered wrong, abstained, with the stacked p against t
    beside the abstention model alone (p against its own threshold)."""
    out: dict = {}
    for src in sorted({r["source"] for r in rows}):
        idx = [i for i, r in enumerate(rows) if r["source"] == src]
        def shares(ans):
            n = len(idx)
            return {"answered_right": round(sum(ans[i] and rows[i]["right"] for i in idx) / n, 3),
                    "answered_wrong": round(sum(ans[i] and not rows[i]["right"] for i in idx) / n, 3),
                    "n": n}
        out[src] = {"reader": shares([p[i] >= t for i in range(len(rows))]),
                    "abstain_model_alone": shares([r["p"] >= r["threshold"] for r in rows])}
    return out


def main() -> None:
    from factbot.reader.model import SHIPPED

    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--home", type=Path, required=True, help="index folder (the benchmark's, to reuse its indexes)")
    ap.add_argument("--per-file", type=int, default=300)
    ap.add_argument("--rows", type=Path, help="development: JSON of the rows, reused when present")
    ap.add_argument("--write", action="store_true", help="write factbot/models/reader_abstain.json")
    args = ap.parse_args()
    t0 = time.time()
    if args.rows and args.rows.is_file():
        rows = json.loads(args.rows.read_text())
    else:
        rows = []
        for rel in FILES:
            rows += tydi_rows(DATASETS / rel, args.home, args.per_file)
            print(f"{rel}: {len(rows)} rows ({time.time() - t0:.0f} s)", file=sys.stderr, flush=True)
        rows += article_rows(args.home)
        if args.rows:
            args.rows.write_text(json.dumps(rows))
    same = [r for r in rows if r["same"]]
    x, y, w = design(same)
    beta = fit_logistic(x, y, w)
    p = 1 / (1 + np.exp(-x @ beta))
    base = np.array([r["p"] >= r["threshold"] for r in same])
    t, curve = pick_threshold(p, y, w, base)
    report = {"weights": {"abstain_logit": round(float(beta[0]), 6), "reader_logit": round(float(beta[1]), 6)},
              "bias": round(float(beta[2]), 6), "threshold": t,
              "rows": {"same_language": len(same), "cross_language_left_out": len(rows) - len(same)},
              "answered": {"right": round(curve[t][0], 4), "wrong": round(curve[t][1], 4),
                           "abstain_model_alone": [round(x, 4) for x in rates(base, y, w)]},
              "by_source": summary(same, p, t),
              "curve": {str(k): [round(x, 4) for x in v] for k, v in curve.items()},
              "reader_sha256": hashlib.sha256(SHIPPED.read_bytes()).hexdigest(),
              "fitted_by": "scripts/fit_reader_abstain.py"}
    print(json.dumps({k: v for k, v in report.items() if k != "curve"}, indent=1))
    if args.write:
        from factbot.ask.reading import READER_ABSTAIN_PATH

        READER_ABSTAIN_PATH.write_text(json.dumps(report, indent=1, sort_keys=True) + "\n", encoding="utf-8")
        print(f"wrote {READER_ABSTAIN_PATH}", file=sys.stderr)
    print(f"took {time.time() - t0:.0f} s", file=sys.stderr)


if __name__ == "__main__":
    main()
