"""Running datasets through a bot: the metrics of a small designed run, determinism, the files
written, the three formats' wiring, and the `factbot eval` command's exits.

`ScriptedBot` is a fake with the FactBot interface returning real `Answer`/`Verdict`
objects from a script, so every expected metric can be worked out by hand.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from factbot.evaluate import evaluate
from factbot.evaluate.command import bars_failed, eval_command
from factbot.evaluate.report import worst_failures
from factbot.evaluate.summary import without_latency
from factbot.types import Answer, Citation, Document, Evidence, FactbotError, Label, Stance, Verdict

ROOT = Path(__file__).resolve().parent.parent
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"

S_2014 = "The coalition was formed in 2014."
S_TROOPS = "About 2500 US troops remain in Iraq."
S_SAT = "Talks began on Saturday."
CORPUS = f"{S_2014} {S_TROOPS} {S_SAT}"


def cite(n: int, text: str) -> Citation:
    start = CORPUS.index(text)
    return Citation(n, "doc", f"s{start}", text, start, start + len(text), 0.5)


def ev(n: int, text: str, stance=Stance.SUPPORTS) -> Evidence:
    start = CORPUS.index(text)
    return Evidence(n, "doc", f"s{start}", text, start, start + len(text), stance, 0.5)


ANSWERS = {
    # answerable, right, right evidence first
    "How many troops?": Answer("How many troops?", S_TROOPS, False, 0.9, citations=(cite(1, S_TROOPS),)),
    # answerable, wrong answer, right evidence only second
    "When was it formed?": Answer("When was it formed?", S_SAT, False, 0.8,
                                  citations=(cite(1, S_SAT), cite(2, S_2014))),
    # unanswerable, abstained: right
    "Who pays?": Answer("Who pays?", "", True, 0.2),
    # unanswerable, answered: wrong
    "متى الانسحاب؟": Answer("متى الانسحاب؟", S_2014, False, 0.6, citations=(cite(1, S_2014),)),
    # answerable, abstained: wrong, a miss
    "أي يوم؟": Answer("أي يوم؟", "", True, 0.1),
}
VERDICTS = {
    "2500 troops remain.": Verdict("2500 troops remain.", Label.SUPPORTED, 0.9, "stated", (ev(1, S_TROOPS),)),
    "It was formed in 2016.": Verdict("It was formed in 2016.", Label.SUPPORTED, 0.7, "?", (ev(1, S_SAT),)),
    "It cost a billion.": Verdict("It cost a billion.", Label.NOT_ENOUGH_INFO, 0.5, "unstated"),
    "Talks began on Monday.": Verdict("Talks began on Monday.", Label.REFUTED, 0.6, "weekday",
                                      (ev(1, S_SAT, Stance.REFUTES),)),
}
ITEMS = [
    {"id": "q1", "kind": "question", "text": "How many troops?", "lang": "en", "answer_any": ["2500"],
     "evidence_any": ["2500 US troops"]},
    {"id": "q2", "kind": "question", "text": "When was it formed?", "lang": "en", "answer_any": ["2014"],
     "evidence_any": ["formed in 2014"]},
    {"id": "q3", "kind": "question", "text": "Who pays?", "lang": "en", "unanswerable": True},
    {"id": "q4", "kind": "question", "text": "متى الانسحاب؟", "lang": "ar", "unanswerable": True},
    {"id": "q5", "kind": "question", "text": "أي يوم؟", "lang": "ar", "answer_any": ["Saturday"],
     "evidence_any": ["on Saturday"]},
    {"id": "c1", "kind": "claim", "text": "2500 troops remain.", "lang": "en", "label": "SUPPORTED",
     "evidence_any": ["2500 US troops"]},
    {"id": "c2", "kind": "claim", "text": "It was formed in 2016.", "lang": "en", "label": "REFUTED",
     "evidence_any": ["formed in 2014"], "tags": ["year"]},
    {"id": "c3", "kind": "claim", "text": "It cost a billion.", "lang": "en", "label": "NOT_ENOUGH_INFO"},
    {"id": "c4", "kind": "claim", "text": "Talks began on Monday.", "lang": "en", "label": "REFUTED",
     "tags": ["weekday"]},
]


class ScriptedBot:
    """The FactBot interface the harness uses, answering from the scripts above."""

    def __init__(self, corpus: str = CORPUS) -> None:
        self.corpus = corpus
        self.added: list[tuple[str, str]] = []
        self.against: list[tuple[str, str]] = []

    def documents(self) -> list[Document]:
        return [Document("doc", self.corpus)] if self.corpus else []

    def ask(self, question: str, k: int = 5, doc=None) -> Answer:
        return ANSWERS[question]

    def check(self, claim: str, doc=None) -> Verdict:
        if claim == "boom":
            raise FactbotError("the claim is 20,000 characters; the limit is 2,000")
        return VERDICTS[claim]

    def check_against(self, claim: str, evidence: str) -> Verdict:
        self.against.append((claim, evidence))
        label = Label.REFUTED if "not" in claim else Label.SUPPORTED
        return Verdict(claim, label, 0.75, "given", (Evidence(1, "evidence", "evidence-0", evidence, 0,
                                                              len(evidence), Stance.SUPPORTS, 0.75),))

    def ingest(self, paths, *, prune: bool = False, reset: bool = False, progress: bool = False):
        for folder in paths:
            self.added += sorted((f.name, f.read_text(encoding="utf-8")) for f in Path(folder).iterdir())


def write_jsonl(path: Path, records) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    return path


@pytest.fixture
def dataset(tmp_path) -> Path:
    return write_jsonl(tmp_path / "mixed.jsonl", ITEMS)


def test_metrics_of_a_designed_run(dataset):
    m = evaluate(ScriptedBot(), dataset, progress=False).metrics
    assert (m["lines"], m["evaluated"], m["rejected"], m["skipped"], m["warnings"]) == (9, 9, 0, 0, 0)
    qm, cm = m["questions"], m["claims"]
    # right: q1 (2500 in answer), q3 (abstained, unanswerable) -> 2 of 5
    assert (qm["answer_accuracy"]["value"], qm["answer_accuracy"]["n"]) == (0.4, 5)
    # items with evidence: q1, q2, q5; first citation right only for q1; any citation for q1, q2
    assert (qm["evidence_hit_at_1"]["value"], qm["evidence_hit_at_1"]["n"]) == (0.3333, 3)
    assert (qm["evidence_hit_at_k"]["value"], qm["evidence_hit_at_k"]["n"]) == (0.6667, 3)
    # citations judged: q1 1 (right), q2 2 (1 right), q5 none (abstained) -> 2 of 3
    assert (qm["citation_precision"]["value"], qm["citation_precision"]["n"]) == (0.6667, 3)
    # abstained: q3, q5; unanswerable: q3, q4; both: q3 -> precision 1/2, recall 1/2
    assert (qm["abstention_precision"]["value"], qm["abstention_precision"]["n"]) == (0.5, 2)
    assert (qm["abstention_recall"]["value"], qm["abstention_recall"]["n"]) == (0.5, 2)
    assert "token_f1" not in qm  # SQuAD only
    # claims: c1, c3, c4 right -> 3/4
    assert cm["accuracy"]["value"] == 0.75
    # rows gold S, R, N: S -> [S]; R -> [S (c2), R (c4)]; N -> [N]
    assert cm["confusion"]["matrix"] == [[1, 0, 0], [1, 1, 0], [0, 0, 1]]
    # F1: S 2·1/(2+1) = 2/3, R 2·1/(1+2) = 2/3, N 1 -> macro (2/3 + 2/3 + 1)/3 = 0.7778
    assert cm["macro_f1"]["value"] == 0.7778
    assert cm["per_class"]["SUPPORTED"] == {"precision": 0.5, "recall": 1.0, "f1": 0.6667, "support": 1,
                                            "predicted": 2}
    # S/R claims with evidence_any: c1 (cites the troops sentence: hit), c2 (cites Saturday: miss)
    assert (cm["evidence_hit"]["value"], cm["evidence_hit"]["n"]) == (0.5, 2)
    # by language: Arabic questions q4 (wrong), q5 (wrong) -> 0/2; English q1, q2, q3 -> 2/3
    assert m["by_lang"]["ar"]["questions"]["answer_accuracy"]["value"] == 0.0
    assert m["by_lang"]["en"]["questions"]["answer_accuracy"]["value"] == 0.6667
    assert "claims" not in m["by_lang"]["ar"]  # every claim is English
    # tags: c2 "year" (wrong), c4 "weekday" (right)
    assert m["by_tag"] == {"weekday": {"value": 1.0, "n": 1, "ci95": [0.2065, 1.0]},  # Wilson 1/1: 1/(1+z²)
                           "year": {"value": 0.0, "n": 1, "ci95": [0.0, 0.7935]}}
    assert set(m["latency"]) == {"question", "claim"} and m["latency"]["question"]["n"] == 5


def test_worst_failures_are_wrong_items_most_confident_first(dataset):
    preds = evaluate(ScriptedBot(), dataset, progress=False).predictions
    # wrong: q2 0.8, c2 0.7, q4 0.6, q5 0.1
    assert [p.item.id for p in worst_failures(preds)] == ["q2", "c2", "q4", "q5"]


def test_two_runs_write_identical_predictions_and_metrics(dataset, tmp_path):
    a = evaluate(ScriptedBot(), dataset, out=tmp_path / "a", progress=False)
    b = evaluate(ScriptedBot(), dataset, out=tmp_path / "b", progress=False)
    assert (tmp_path / "a" / "predictions.jsonl").read_bytes() == (tmp_path / "b" / "predictions.jsonl").read_bytes()
    ma = json.loads((tmp_path / "a" / "metrics.json").read_text(encoding="utf-8"))
    mb = json.loads((tmp_path / "b" / "metrics.json").read_text(encoding="utf-8"))
    assert without_latency(ma) == without_latency(mb)
    assert ma == a.metrics and mb == b.metrics  # the file is the object the API returns


def test_files_written(dataset, tmp_path):
    out = tmp_path / "out"
    result = evaluate(ScriptedBot(), dataset, out=out, progress=False)
    names = sorted(p.name for p in out.iterdir())
    assert names == ["confusion.png", "latency.png", "metrics.json", "predictions.jsonl", "reliability.png",
                     "report.md"]
    assert sorted(p.name for p in result.files) == names
    for png in ("confusion.png", "latency.png", "reliability.png"):
        data = (out / png).read_bytes()
        assert data[:8] == PNG_MAGIC and len(data) > 5000  # a real image, not an empty file
    lines = (out / "predictions.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(lines) == 9  # one per item, in dataset order
    first = json.loads(lines[0])
    assert first == {"id": "q1", "kind": "question",
                     "gold": {"lang": "en", "answer_any": ["2500"], "evidence_any": ["2500 US troops"]},
                     "result": ANSWERS["How many troops?"].to_dict(), "correct": True}
    assert json.loads(lines[6])["result"] == VERDICTS["It was formed in 2016."].to_dict()
    report = (out / "report.md").read_text(encoding="utf-8")
    assert "| answer accuracy | 0.400 | [" in report  # headline table
    assert "| ar | answer accuracy | 0.000 |" in report  # per-language table
    # Arabic: q4 answered an unanswerable question, q5 abstained on an answerable one
    assert "| ar | abstention precision | 0.000 | [0.000, 0.793] | 1 |" in report  # q5 abstained wrongly: Wilson 0/1
    assert "| ar | claim accuracy" not in report  # no Arabic claim: a row with n = 0 is left out
    assert report.index("### q2") < report.index("### c2") < report.index("### q4")  # worst first
    assert "  - [2] doc" in report  # the failure shows its citations


def test_question_only_run_has_no_confusion_plot(tmp_path):
    ds = write_jsonl(tmp_path / "q.jsonl", ITEMS[:5])
    evaluate(ScriptedBot(), ds, out=tmp_path / "out", progress=False)
    assert not (tmp_path / "out" / "confusion.png").exists()
    assert (tmp_path / "out" / "reliability.png").read_bytes()[:8] == PNG_MAGIC


def test_kind_and_limit_count_skipped(dataset):
    m = evaluate(ScriptedBot(), dataset, kind="claim", limit=3, progress=False).metrics
    # 9 read: 4 claims, first 3 run; 6 skipped (5 questions + c4)
    assert (m["lines"], m["evaluated"], m["rejected"], m["skipped"]) == (9, 3, 0, 6)
    assert "questions" not in m and m["config"]["kind"] == "claim" and m["config"]["limit"] == 3


def test_rejected_lines_and_missing_evidence_are_warned(tmp_path):
    records = ITEMS[:2] + [{**ITEMS[0]}, {"id": "q9", "kind": "question", "text": "How many troops?",
                                          "answer_any": ["2500"], "evidence_any": ["3000 troops"]}]
    ds = write_jsonl(tmp_path / "w.jsonl", records)
    warnings: list[str] = []
    r = evaluate(ScriptedBot(), ds, progress=False, warn=warnings.append)
    assert warnings == ["w.jsonl line 3: rejected: duplicate id 'q1' (first on line 1)",
                        "line 4 (q9): evidence '3000 troops' is not in the corpus"]
    # lines = evaluated + rejected: 4 = 3 + 1
    assert (r.metrics["lines"], r.metrics["evaluated"], r.metrics["rejected"], r.metrics["warnings"]) == (4, 3, 1, 2)


def test_empty_corpus_is_warned(dataset):
    warnings: list[str] = []
    evaluate(ScriptedBot(corpus=""), dataset, progress=False, warn=warnings.append)
    assert warnings == ["the corpus is empty: every question will be unanswered (run `factbot ingest` first)"]


def test_a_bot_error_is_a_wrong_item_not_a_crash(tmp_path):
    ds = write_jsonl(tmp_path / "e.jsonl", [ITEMS[5], {"id": "c9", "kind": "claim", "text": "boom",
                                                        "label": "SUPPORTED"}])
    r = evaluate(ScriptedBot(), ds, progress=False)
    assert r.predictions[1].to_dict() == {"id": "c9", "kind": "claim", "gold": {"label": "SUPPORTED"},
                                          "result": {"error": "the claim is 20,000 characters; the limit is 2,000"},
                                          "correct": False}
    c = r.metrics["claims"]
    # accuracy 1/2 (the error is wrong); the matrix holds only c1, which has a predicted label
    assert (c["accuracy"]["value"], c["errors"], c["confusion"]["matrix"]) == (0.5, 1, [[1, 0, 0], [0, 0, 0],
                                                                                          [0, 0, 0]])


def test_stance_pairs_are_checked_against_their_sentence_only(tmp_path):
    p = tmp_path / "pairs.csv"
    p.write_text("s1,s2,stance\nthe sky is blue,the sky is blue today,agree\n"
                 "the sky is blue,the sky is not blue,disagree\nthe sky is blue,cats purr,other\n", encoding="utf-8")
    bot = ScriptedBot()
    m = evaluate(bot, p, progress=False).metrics
    assert bot.against == [("the sky is blue today", "the sky is blue"), ("the sky is not blue", "the sky is blue"),
                           ("cats purr", "the sky is blue")]
    # predicted S, R, S against gold S, R, N -> 2/3; matrix rows S [1,0,0], R [0,1,0], N [1,0,0]
    assert m["claims"]["accuracy"]["value"] == 0.6667
    assert m["claims"]["confusion"]["matrix"] == [[1, 0, 0], [0, 1, 0], [1, 0, 0]]


def test_squad_indexes_contexts_in_their_own_collection(tmp_path):
    p = tmp_path / "mini.json"
    p.write_text(json.dumps({"data": [{"title": "Troops", "paragraphs": [
        {"context": S_TROOPS, "qas": [{"id": "s1", "question": "How many troops?",
                                       "answers": [{"text": "2500 US troops", "answer_start": 6}]}]}]}]}),
                 encoding="utf-8")
    main, opened = ScriptedBot(), {}

    def open_bot(collection=None):
        opened[collection] = ScriptedBot()
        return opened[collection]

    with pytest.raises(FactbotError, match="own collection 'eval-squad-"):
        evaluate(main, p, progress=False)  # never into the user's corpus
    r = evaluate(main, p, progress=False, open_bot=open_bot)
    (name, squad_bot), = opened.items()
    assert name.startswith("eval-squad-") and r.metrics["config"]["collection"] == name
    assert main.added == [] and squad_bot.added == [("squad-000-00.txt", S_TROOPS)]
    q = r.metrics["questions"]
    # answer S_TROOPS contains "2500 us troops" -> right; its citation too -> hit
    assert (q["answer_accuracy"]["value"], q["evidence_hit_at_1"]["value"]) == (1.0, 1.0)
    # token F1: answer tokens about 2500 us troops remain in iraq (7), gold 2500 us troops (3), overlap 3:
    # P 3/7, R 1 -> F1 = 2·(3/7)/(3/7 + 1) = 0.6
    assert q["token_f1"]["value"] == 0.6


# --- the command ------------------------------------------------------------------------------

def run_cli(args, bot=None):
    bot = bot or ScriptedBot()
    return CliRunner().invoke(eval_command, [str(a) for a in args], obj={"open_bot": lambda collection=None: bot})


def test_cli_prints_a_table_and_json(dataset):
    plain = run_cli([dataset])
    assert plain.exit_code == 0, plain.output
    assert "answer accuracy         0.400  [" in plain.output
    as_json = run_cli([dataset, "--json"])
    assert json.loads(as_json.stdout)["claims"]["accuracy"]["value"] == 0.75


@pytest.mark.parametrize("args, code", [
    (["--min-accuracy", "0.4"], 0),  # question accuracy 0.4 and claim accuracy 0.75 meet 0.4
    (["--min-accuracy", "0.5"], 1),  # 0.4 < 0.5
    (["--min-macro-f1", "0.77"], 0),  # 0.7778
    (["--min-macro-f1", "0.78"], 1),
])
def test_cli_bars(dataset, args, code):
    result = run_cli([dataset, *args])
    assert result.exit_code == code, result.output
    if code:
        assert "factbot eval: below the bar: " in result.stderr


def test_bars_failed_messages():
    m = {"questions": {"answer_accuracy": {"value": 0.4}}, "claims": {"accuracy": {"value": 0.75},
                                                                       "macro_f1": {"value": 0.7778}}}
    assert bars_failed(m, 0.5, 0.8) == ["answer accuracy 0.4000 < 0.5", "claim macro-F1 0.7778 < 0.8"]
    with pytest.raises(FactbotError, match="--min-macro-f1 needs claims"):
        bars_failed({"questions": {}}, None, 0.5)


def test_cli_user_errors_are_factbot_errors(tmp_path, dataset):
    empty = tmp_path / "empty.jsonl"
    empty.write_text("", encoding="utf-8")
    result = run_cli([empty])
    assert isinstance(result.exception, FactbotError) and "empty dataset file" in str(result.exception)
    result = run_cli([dataset, "--kind", "question", "--min-macro-f1", "0.5"])
    assert isinstance(result.exception, FactbotError) and "needs claims" in str(result.exception)
    assert run_cli([dataset, "--format", "xml"]).exit_code == 2  # click's own usage error


# --- end to end: the real FactBot (hash embedder, real Chroma) through `factbot eval` --------------

QUESTIONS = ROOT / "evalsets" / "questions.jsonl"


def factbot_cli(home: Path, *args):
    from factbot.cli import main

    return CliRunner().invoke(main, ["--home", str(home), "--embedder", "hash", *[str(a) for a in args]])


@pytest.mark.skipif(not QUESTIONS.exists(), reason="evalsets/questions.jsonl not written")
def test_end_to_end_questions_with_the_real_factbot(tmp_path):
    from factbot.pipeline import FactBot

    home = tmp_path / "home"
    assert factbot_cli(home, "ingest", ROOT / "corpus").exit_code == 0
    for out in ("a", "b"):
        r = factbot_cli(home, "eval", QUESTIONS, "--limit", 6, "--out", tmp_path / out, "--json")
        assert r.exit_code == 0, r.output
    m = json.loads((tmp_path / "a" / "metrics.json").read_text(encoding="utf-8"))
    # 50 questions in the file, the first 6 run
    assert (m["lines"], m["evaluated"], m["rejected"], m["skipped"], m["warnings"]) == (50, 6, 0, 44, 0)
    assert m["questions"]["answer_accuracy"]["n"] == 6 and m["config"]["embedder"] == "hash:64"
    a = (tmp_path / "a" / "predictions.jsonl").read_bytes()
    assert a == (tmp_path / "b" / "predictions.jsonl").read_bytes()  # the same run twice, the same bytes
    b = json.loads((tmp_path / "b" / "metrics.json").read_text(encoding="utf-8"))
    assert without_latency(m) == without_latency(b)
    bot = FactBot.open(home=home, embedder="hash")
    text = {d.doc_id: d.text for d in bot.documents()}
    preds = [json.loads(line) for line in a.decode().splitlines()]
    assert [p["id"] for p in preds] == [f"q-en-0{i}" for i in range(1, 7)]
    for p in preds:
        assert p["result"]["question"] and {"answer", "abstained", "confidence", "citations"} <= set(p["result"])
        for c in p["result"]["citations"]:  # offsets are the truth: each citation is a slice of its document
            assert text[c["doc_id"]][c["start"]:c["end"]] == c["text"]


def test_end_to_end_squad_stays_out_of_the_main_corpus(tmp_path):
    from factbot.pipeline import FactBot

    home = tmp_path / "home"
    assert factbot_cli(home, "ingest", ROOT / "corpus").exit_code == 0
    squad = tmp_path / "mini.json"
    squad.write_text(json.dumps({"data": [{"title": "Alpha club", "paragraphs": [
        {"context": "The Alpha club was founded in 1990 in Cairo. It has thirty members today.",
         "qas": [{"id": "a1", "question": "When was the Alpha club founded?",
                  "answers": [{"text": "1990", "answer_start": 30}]}]}]}]}), encoding="utf-8")
    r = factbot_cli(home, "eval", squad, "--out", tmp_path / "out")
    assert r.exit_code == 0, r.output
    m = json.loads((tmp_path / "out" / "metrics.json").read_text(encoding="utf-8"))
    collection = m["config"]["collection"]
    assert m["evaluated"] == 1 and "token_f1" in m["questions"]
    main_docs = [d.doc_id for d in FactBot.open(home=home, embedder="hash").documents()]
    squad_docs = [d.doc_id for d in FactBot.open(home=home, embedder="hash", collection=collection).documents()]
    assert main_docs == ["us-iraq-coalition-talks.ar"] and squad_docs == ["squad-000-00"]


def test_end_to_end_stance_pairs(tmp_path):
    pairs = tmp_path / "pairs.csv"
    pairs.write_text("s1,s2,stance\nاستقرار الذهب مع ضعف الدولار,ضعف الدولار يدعم استقرار الذهب,agree\n"
                     "توقف الاحتجاجات في الأردن,استمرار الاحتجاجات في الأردن,disagree\n", encoding="utf-8")
    r = factbot_cli(tmp_path / "home", "eval", pairs, "--out", tmp_path / "out")  # an empty home: no corpus needed
    assert r.exit_code == 0, r.output
    preds = [json.loads(x) for x in (tmp_path / "out" / "predictions.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [(p["id"], p["gold"]) for p in preds] == [("pairs:2", {"label": "SUPPORTED"}), ("pairs:3", {"label": "REFUTED"})]
    # each claim was verified against its own s1 only: that sentence is its one evidence item
    assert [[e["text"] for e in p["result"]["evidence"]] for p in preds] == [
        ["استقرار الذهب مع ضعف الدولار"], ["توقف الاحتجاجات في الأردن"]]
    assert [p["result"]["claim"] for p in preds] == ["ضعف الدولار يدعم استقرار الذهب", "استمرار الاحتجاجات في الأردن"]


def test_the_report_names_the_index_and_documents_and_the_cli_shows_progress(tmp_path):
    home = tmp_path / "home"
    assert factbot_cli(home, "ingest", ROOT / "corpus").exit_code == 0
    r = factbot_cli(home, "eval", QUESTIONS, "--limit", 3, "--out", tmp_path / "out")
    assert r.exit_code == 0, r.output
    m = json.loads((tmp_path / "out" / "metrics.json").read_text(encoding="utf-8"))
    # the bundled corpus: one document of 18 sentences, in collection "factbot" under --home
    assert m["corpus"] == {"collection": "factbot", "location": str(home), "documents": 1, "sentences": 18,
                           "shown": [{"doc_id": "us-iraq-coalition-talks.ar", "title": m["corpus"]["shown"][0]["title"],
                                      "sentences": 18}]}
    line = (f"Scored against: index `factbot` at {home}, 1 document, 18 sentences: "
            "us-iraq-coalition-talks.ar (18 sentences).")
    assert line in (tmp_path / "out" / "report.md").read_text(encoding="utf-8")
    assert line in r.stdout
    assert "evaluating: 100%" in r.stderr and "3/3" in r.stderr  # tqdm: items done / total


def test_a_stance_run_says_it_used_no_index(tmp_path):
    stance = tmp_path / "pairs.csv"
    stance.write_text("s1,s2,stance\nThe sky is blue today.,The sky is blue.,agree\n", encoding="utf-8")
    r = factbot_cli(tmp_path / "home", "eval", stance, "--json")
    assert r.exit_code == 0, r.output
    assert json.loads(r.stdout)["corpus"] is None
