"""benchmarks/absent_answers.py: each question is asked with the paragraphs holding its answer and
again as if they were not indexed; the second time no candidate may hold the answer."""

from __future__ import annotations

import json

TROOPS = ("The garrison at Port Lanna holds about 2,500 soldiers. Its commander, Colonel Idris Vale, "
          "took charge in 2019.")
RIVER = ("The Senna river floods every spring. Farmers along its banks grow rice and barley, and a "
         "ferry crosses it at Dunmore.")
HARBOUR = ("Port Lanna's harbour was dredged in 1988. Fishing boats and a weekly ferry use it, and the "
           "old lighthouse is now a museum.")


def _squad(path, paragraphs):
    data = [{"title": f"t{i}", "paragraphs": [p]} for i, p in enumerate(paragraphs)]
    path.write_text(json.dumps({"version": "1", "data": data}), encoding="utf-8")
    return path


def test_without_its_paragraph_no_candidate_holds_the_answer(tmp_path, monkeypatch):
    from benchmarks import absent_answers
    from factbot.ask.answerer import Answerer

    qa = {"id": "q1", "question": "How many soldiers does the garrison at Port Lanna hold?",
          "answers": [{"text": "2,500", "answer_start": TROOPS.index("2,500")}]}
    path = _squad(tmp_path / "set.json", [{"context": TROOPS, "qas": [qa]}, {"context": RIVER, "qas": []},
                                          {"context": HARBOUR, "qas": []}])
    seen = []
    pick = Answerer.pick

    def spy(self, question, hits):
        seen.append([h.text for h in hits])
        return pick(self, question, hits)

    monkeypatch.setattr(Answerer, "pick", spy)
    out = absent_answers.absent_figures(path, tmp_path / "home")
    assert out["n"] == 1 and out["answered_from_gold"] == 1.0, out
    with_it, without = seen
    assert any("2,500" in t for t in with_it)
    assert without and not any("2,500" in t for t in without)
    # only the answering paragraph's sentences are gone: the harbour of the same port stays
    assert any("harbour" in t for t in without) and not any("Idris Vale" in t for t in without)


def test_a_missing_file_is_refused_in_one_line(tmp_path, capsys):
    from benchmarks import absent_answers

    assert absent_answers.main([str(tmp_path / "nope.json")]) == 2
    assert capsys.readouterr().err.strip() == f"absent_answers: no such file: {tmp_path / 'nope.json'}"


def test_with_the_reader_on_the_picks_are_made_as_ask_makes_them_with_it(tmp_path, monkeypatch):
    from benchmarks import absent_answers
    from factbot.ask.answerer import Answerer

    qa = {"id": "q1", "question": "How many soldiers does the garrison at Port Lanna hold?",
          "answers": [{"text": "2,500", "answer_start": TROOPS.index("2,500")}]}
    path = _squad(tmp_path / "set.json", [{"context": TROOPS, "qas": [qa]}, {"context": RIVER, "qas": []}])
    readers = []
    pick = Answerer.pick

    def spy(self, question, hits):
        readers.append((self.reader is not None, bool(self.fusion)))
        return pick(self, question, hits)

    monkeypatch.setattr(Answerer, "pick", spy)
    out = absent_answers.absent_figures(path, tmp_path / "home", reader=True)
    assert out["n"] == 1 and readers and all(r == (True, True) for r in readers), readers
    readers.clear()
    absent_answers.absent_figures(path, tmp_path / "home")
    assert readers and not any(r for r, _ in readers)
