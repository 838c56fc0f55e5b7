"""The hand-written evaluation sets in evalsets/ are well formed and honest to the article.

Standard library only (no factbot imports): these files are data, and their checks must not
depend on the code they are used to evaluate. The article is the only source of truth, so
every evidence string is checked verbatim against it.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
ARTICLE_PATH = ROOT / "corpus" / "us-iraq-coalition-talks.ar.txt"
QUESTIONS_PATH = ROOT / "evalsets" / "questions.jsonl"
CLAIMS_PATH = ROOT / "evalsets" / "claims.jsonl"

LABELS = {"SUPPORTED", "REFUTED", "NOT_ENOUGH_INFO"}
LANGS = {"en", "ar"}
TAGS = {"number", "year", "weekday", "count", "negation", "entity", "place", "antonym", "month"}
# Each kind of contradiction a verifier must catch needs at least one REFUTED claim.
REQUIRED_TAGS = {"number", "year", "weekday", "count", "negation", "entity", "place"}
QUESTION_KEYS = {"id", "kind", "text", "lang", "answer_any", "evidence_any", "unanswerable"}
CLAIM_KEYS = {"id", "kind", "text", "lang", "label", "evidence_any", "tags"}
# Evidence strings are short so that a citation of the right sentence contains them,
# yet long enough not to occur by chance in an unrelated sentence.
EVIDENCE_MIN, EVIDENCE_MAX = 10, 40
MIN_QUESTIONS, MIN_CLAIMS = 40, 45
UNANSWERABLE_SHARE, UNANSWERABLE_TOLERANCE = 1 / 6, 0.05
LABEL_SHARE_MIN, LABEL_SHARE_MAX = 0.28, 0.39
LANG_SHARE_MIN = 0.40
ID_PATTERN = re.compile(r"^(q|c)-(en|ar)-\d{2}$")
ARABIC = re.compile("[\u0600-\u06ff]")
LATIN = re.compile("[A-Za-z]")
# The troop figure is stated twice (paragraphs 1 and 6); this evidence string matches both.
TROOPS_EVIDENCE = "حوالي 2500 جندي أمريكي"


def _load(path: Path) -> list[dict]:
    rows = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        assert line.strip(), f"{path.name}:{number} is blank"
        row = json.loads(line)
        assert isinstance(row, dict), f"{path.name}:{number} is not a JSON object"
        rows.append(row)
    return rows


ARTICLE = ARTICLE_PATH.read_text(encoding="utf-8")
QUESTIONS = _load(QUESTIONS_PATH)
CLAIMS = _load(CLAIMS_PATH)
ALL = QUESTIONS + CLAIMS
PARAGRAPHS = [p for p in ARTICLE.split("\n") if p.strip()]


def _share(rows: list[dict], predicate) -> float:
    return sum(1 for r in rows if predicate(r)) / len(rows)


def _script(text: str) -> str:
    """'ar' when Arabic letters outnumber Latin ones (same rule as factbot.text.matching.language)."""
    return "ar" if len(ARABIC.findall(text)) > len(LATIN.findall(text)) else "en"


# --- shape ------------------------------------------------------------------

def test_ids_are_unique_across_both_files():
    counts = Counter(r["id"] for r in ALL)
    assert [i for i, n in counts.items() if n > 1] == []


def test_texts_are_unique():
    counts = Counter(r["text"].strip() for r in ALL)
    assert [t for t, n in counts.items() if n > 1] == []


@pytest.mark.parametrize("row", ALL, ids=lambda r: r.get("id", "?"))
def test_id_kind_and_lang_agree(row):
    m = ID_PATTERN.match(row["id"])
    assert m, row["id"]
    assert row["kind"] == {"q": "question", "c": "claim"}[m.group(1)]
    assert row["lang"] in LANGS and row["lang"] == m.group(2)
    assert isinstance(row["text"], str) and row["text"].strip()
    # the declared language is the script the text is written in
    assert _script(row["text"]) == row["lang"]


@pytest.mark.parametrize("row", QUESTIONS, ids=lambda r: r["id"])
def test_question_fields(row):
    assert set(row) <= QUESTION_KEYS, set(row) - QUESTION_KEYS
    assert row["kind"] == "question"
    if row.get("unanswerable"):
        assert row["unanswerable"] is True
        assert "answer_any" not in row and "evidence_any" not in row
    else:
        assert "unanswerable" not in row
        assert row["answer_any"] and all(isinstance(a, str) and a.strip() for a in row["answer_any"])
        assert row["evidence_any"]


@pytest.mark.parametrize("row", CLAIMS, ids=lambda r: r["id"])
def test_claim_fields(row):
    assert set(row) <= CLAIM_KEYS, set(row) - CLAIM_KEYS
    assert row["kind"] == "claim"
    assert row["label"] in LABELS
    if row["label"] == "NOT_ENOUGH_INFO":
        # the article is silent, so nothing in it can be the right evidence
        assert "evidence_any" not in row
    else:
        assert row["evidence_any"]
    if "tags" in row:
        assert row["label"] == "REFUTED"
        assert row["tags"] and set(row["tags"]) <= TAGS, row["tags"]


# --- evidence ---------------------------------------------------------------

@pytest.mark.parametrize("row", [r for r in ALL if "evidence_any" in r], ids=lambda r: r["id"])
def test_evidence_occurs_verbatim_in_the_article(row):
    for evidence in row["evidence_any"]:
        assert evidence in ARTICLE, f"{row['id']}: {evidence!r} is not in the article"
        assert EVIDENCE_MIN <= len(evidence) <= EVIDENCE_MAX, (row["id"], evidence, len(evidence))


@pytest.mark.parametrize("row", [r for r in QUESTIONS if "answer_any" in r], ids=lambda r: r["id"])
def test_an_accepted_answer_is_in_the_evidence_paragraph(row):
    """The source sentence itself is a correct answer, so one accepted form must be in it."""
    paragraphs = [p for p in PARAGRAPHS if any(e in p for e in row["evidence_any"])]
    assert any(a in p for a in row["answer_any"] for p in paragraphs), row["id"]


@pytest.mark.parametrize("row", [r for r in QUESTIONS if "answer_any" in r and r["lang"] == "en"],
                         ids=lambda r: r["id"])
def test_english_questions_accept_an_english_or_numeric_answer(row):
    assert any(not ARABIC.search(a) for a in row["answer_any"]), row["answer_any"]


def test_troop_evidence_matches_both_statements_of_the_figure():
    assert ARTICLE.count(TROOPS_EVIDENCE) == 2  # paragraphs 1 and 6 repeat the figure
    troop_questions = [r for r in QUESTIONS if r.get("answer_any") == ["2500"]]
    assert troop_questions and all(TROOPS_EVIDENCE in r["evidence_any"] for r in troop_questions)


# --- balance ----------------------------------------------------------------

def test_question_counts():
    assert len(QUESTIONS) >= MIN_QUESTIONS
    share = _share(QUESTIONS, lambda r: r.get("unanswerable", False))
    assert abs(share - UNANSWERABLE_SHARE) <= UNANSWERABLE_TOLERANCE, share
    # unanswerable questions are asked in both languages
    assert {r["lang"] for r in QUESTIONS if r.get("unanswerable")} == LANGS


def test_claim_counts():
    assert len(CLAIMS) >= MIN_CLAIMS
    for label in LABELS:
        share = _share(CLAIMS, lambda r: r["label"] == label)
        assert LABEL_SHARE_MIN <= share <= LABEL_SHARE_MAX, (label, share)
        assert {r["lang"] for r in CLAIMS if r["label"] == label} == LANGS, label


@pytest.mark.parametrize("rows", [QUESTIONS, CLAIMS], ids=["questions", "claims"])
def test_both_languages_are_well_represented(rows):
    for lang in LANGS:
        assert _share(rows, lambda r: r["lang"] == lang) >= LANG_SHARE_MIN, lang


def test_refuted_claims_cover_every_kind_of_contradiction():
    tags = {t for r in CLAIMS if r["label"] == "REFUTED" for t in r.get("tags", [])}
    assert REQUIRED_TAGS - tags == set()
    # every REFUTED claim says how it contradicts the article
    assert [r["id"] for r in CLAIMS if r["label"] == "REFUTED" and not r.get("tags")] == []
