"""scripts/train_reader.py's listwise option: whole questions per batch, and a softmax loss over
each question's candidates (torch: the test extras install it; the default install has none)."""

from __future__ import annotations

import random

import pytest

torch = pytest.importorskip("torch", reason="training needs torch (the test extras install it)")

from tests.conftest import load_script  # noqa: E402

train_reader = load_script("train_reader")


def _row(query: str, label: int, n: int = 5, task: str = "qa") -> dict:
    return {"ids": list(range(n)), "task": task, "label": label, "query": query}


def test_question_batches_keep_each_question_whole_and_cover_every_row():
    rows = [_row(f"q{i // 4}", int(i % 4 == 0), n=3 + i % 7) for i in range(400)] + \
           [_row(f"claim {i}", 2, task="stance") for i in range(50)]
    batches = train_reader.question_batches(rows, random.Random(0))
    assert sorted(i for b in batches for i in b) == list(range(len(rows)))
    where = {}
    for b_i, b in enumerate(batches):
        assert len(b) <= train_reader.BATCH
        for i in b:
            if rows[i]["task"] == "qa":
                where.setdefault(rows[i]["query"], set()).add(b_i)
    assert all(len(v) == 1 for v in where.values())   # no question split across batches
    assert batches == train_reader.question_batches(rows, random.Random(0))   # seeded


def test_listwise_loss_rewards_ranking_the_answering_candidate_first():
    label = torch.tensor([1, 0, 0, 0, 1, 2])
    qid = torch.tensor([0, 0, 0, 1, 1, -1])   # question 0: 3 candidates; question 1: 2; a stance row
    good = torch.tensor([4.0, -1.0, -1.0, -2.0, 3.0, 0.0])
    bad = torch.tensor([-1.0, 4.0, -1.0, 3.0, -2.0, 0.0])
    assert train_reader.listwise_loss(good, label, qid) < 0.05 < 3.0 < train_reader.listwise_loss(bad, label, qid)
    # a question whose answering pair is not in the batch, or is alone, teaches no ranking
    assert train_reader.listwise_loss(good, torch.tensor([0, 0, 0, 0, 0, 2]), qid) is None
    assert train_reader.listwise_loss(good[:1], label[:1], torch.tensor([0])) is None
