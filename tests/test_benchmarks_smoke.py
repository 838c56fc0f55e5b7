"""benchmarks/run.py cannot rot: its pure pieces with hand-computed values, and a tiny real run."""

import json
import subprocess
import sys
from dataclasses import replace

import pytest

from benchmarks import readme, synthetic
from benchmarks.measure import gold_rank, mrr, percentile_ms, rate, ratio, recall_at
from benchmarks.run import QUICK, STAGES, merge, parse_only, run
from tests.conftest import DATASETS, ROOT


def test_percentiles_are_linear_interpolated_milliseconds():
    # 0.01..0.05 s: p50 is the middle one, 30 ms; p95 lies at position 0.95*4 = 3.8 between
    # 40 and 50 ms: 40 + 0.8*10 = 48 ms
    seconds = [0.05, 0.01, 0.03, 0.02, 0.04]
    assert percentile_ms(seconds, 50) == 30.0
    assert percentile_ms(seconds, 95) == 48.0
    assert percentile_ms([], 50) is None


def test_rates_and_ratios():
    assert rate(900, 30.0) == 30.0 and rate(5, 0.0) is None
    # embedder 20 s vs ingest 25 s for the same sentences: ingest runs at 0.8 of the embedder's pace
    assert ratio(20.0, 25.0) == 0.8 and ratio(None, 3.0) is None and ratio(1.0, 0.0) is None


def test_gold_rank_matches_in_the_matching_form():
    ranked = ["لا شيء هنا", "وصل حوالي ٢٬٥٠٠ جُنْدِيٍّ", "2500 جندي"]
    # diacritics, Arabic-Indic digits and the thousands separator are normalised away: rank 2
    assert gold_rank(ranked, ["2500 جندي"]) == 2
    assert gold_rank(ranked, ["غائب"]) is None
    assert gold_rank(ranked, ["", "  "]) is None  # empty golds never match everything


def test_recall_and_mrr_hand_computed():
    ranks = [1, 2, None, 4, 11]
    # r@1: {1} = 1/5; r@3: {1,2} = 2/5; r@5 and r@10: {1,2,4} = 3/5 (rank 11 is beyond 10)
    assert recall_at(ranks) == {"r@1": 0.2, "r@3": 0.4, "r@5": 0.6, "r@10": 0.6}
    # (1 + 1/2 + 0 + 1/4 + 1/11) / 5 = 1.840909 / 5 = 0.368182
    assert mrr(ranks) == 0.3682


def test_only_names_stages_in_run_order_and_rejects_unknown_ones():
    assert parse_only("scale,ingest") == ("ingest", "scale")
    assert parse_only(None) == STAGES
    with pytest.raises(SystemExit, match="unknown --only serch; expected names from: ingest, search"):
        parse_only("serch")


def test_synthetic_documents_slice_exactly():
    words = synthetic.vocabulary(50)
    texts = synthetic.sentences(7, words)
    doc, sents = synthetic.document("synthetic-00000", texts)
    assert [doc.text[s.start:s.end] for s in sents] == texts
    assert len(set(words)) == 50 and len({s.sentence_id for s in sents}) == 7


def test_readme_figures_are_replaced_between_the_markers_only():
    result = {"meta": {"date": "2026-01-01 00:00 UTC", "machine": {"summary": "2 cores"}, "command": "c",
                       "total_s": 1.0},
              "search_p50_ms": 12.5, "ask_p50_ms": None, "scale_search_ms": {"1000": 3.5, "100000": None},
              "reasons": {"ask_p50_ms": "no answer module", "scale_search_ms.100000": "too many SQL variables"},
              "arcd_retrieval": {"hybrid": {"r@1": 0.7}, "questions_with_gold_in_corpus": 701}}
    before = "# Title\n\nintro\n\n" + readme.START + "\nstale table\n" + readme.END + "\n\n## After\n"
    after = readme.replace_figures(before, result)
    assert after.startswith("# Title\n\nintro\n\n") and after.endswith("\n\n## After\n")
    assert "stale table" not in after and after.count(readme.START) == 1
    assert "| `search_p50_ms` | 12.5 |" in after
    assert "| `ask_p50_ms` | — (no answer module) |" in after
    assert "| `arcd_retrieval.hybrid` | r@1: 0.7 |" in after
    # a failed size shows its reason next to the sizes that were measured
    assert "| `scale_search_ms` | 1000: 3.5, 100000: — (100000: too many SQL variables) |" in after
    assert readme.replace_figures(after, result) == after  # idempotent


def test_merge_takes_each_field_from_the_run_that_measured_it():
    a = {"meta": {"date": "d1", "machine": {"cores": 2}, "command": "run.py --only ingest", "stages": ["ingest"],
                  "total_s": 10.0},
         "ingest_vs_embedder": 0.9, "ask_p50_ms": None, "peak_rss_mb": 300.0, "reasons": {"ask_p50_ms": "absent"}}
    b = {"meta": {"date": "d2", "machine": {"cores": 2}, "command": "run.py --only ask,scale", "stages": ["ask", "scale"],
                  "total_s": 30.0},
         "ask_p50_ms": 12.0, "scale_search_ms": {"1000": 2.0, "100000": None}, "peak_rss_mb": 900.0,
         "reasons": {"scale_search_ms.100000": "too many SQL variables"}}
    m = merge([a, b])
    # fields in the canonical order; the measured ask wins over the null; the larger peak RSS
    assert list(m) == ["meta", "ingest_vs_embedder", "ask_p50_ms", "scale_search_ms", "peak_rss_mb", "reasons"]
    assert (m["ask_p50_ms"], m["peak_rss_mb"]) == (12.0, 900.0)
    # the reason of a field a run measured is dropped; a failed size keeps its reason
    assert m["reasons"] == {"scale_search_ms.100000": "too many SQL variables"}
    assert m["meta"]["stages"] == ["ingest", "ask", "scale"] and m["meta"]["total_s"] == 30.0
    assert m["meta"]["command"] == "run.py --only ingest ; run.py --only ask,scale"


def test_tiny_real_run(tmp_path):
    """ingest, search, ARCD retrieval (two articles, when the datasets exist) and scale, for real."""
    sizes = replace(QUICK, scale=(50, 120), scale_queries=2, latency_queries=3)
    out = run(("ingest", "search", "arcd", "scale"), sizes, DATASETS, work=tmp_path)
    json.dumps(out)  # one JSON object, serialisable as is
    corpus = out["meta"]["corpus"]
    assert corpus["reingest_embedded"] == 0  # unchanged documents are never embedded twice
    assert out["ingest_vs_embedder"] > 0 and out["search_p50_ms"] > 0
    assert set(out["scale_search_ms"]) == {"50", "120"}
    if DATASETS.is_dir():
        # the first two articles of arcd-test.json hold 18 questions (counted in the file)
        arcd = out["arcd_retrieval"]
        for mode in ("dense", "bm25", "hybrid"):
            r = arcd[mode]
            assert r["n"] == 18 and r["r@1"] <= r["r@3"] <= r["r@5"] <= r["r@10"] <= 1.0
    else:
        assert out["arcd_retrieval"] is None and "absent" in out["reasons"]["arcd_retrieval"]


def test_cli_prints_one_json_object_and_refuses_a_partial_readme(tmp_path):
    cmd = [sys.executable, str(ROOT / "benchmarks" / "run.py")]
    bad = subprocess.run(cmd + ["--quick", "--write-readme"], capture_output=True, text=True, cwd=ROOT)
    assert bad.returncode == 2 and "--write-readme needs a full run" in bad.stderr
    done = subprocess.run(cmd + ["--quick", "--json", "--only", "scale"], capture_output=True, text=True,
                          cwd=ROOT, timeout=600)
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)  # stdout is exactly one JSON document; progress went to stderr
    assert set(out["scale_search_ms"]) == {"200", "1000"} and "scale: growing" in done.stderr
