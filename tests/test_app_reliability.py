"""The running web app as an attack surface and as one more input channel.

Complements tests/test_app.py (which refuses /etc/passwd and ../ variants on the file
routes, and a raw upload over the size limit): here, URLs and SSRF through the file and
proxy routes (checked against a loopback canary server that must receive nothing), the
index files themselves, odd path encodings, an upload whose file name climbs out of the
upload folder, an oversize document through the API, no public share link; and the bad
questions of tests/test_reliability_input.py sent through the app's API.
"""

from __future__ import annotations

import http.client
import http.server
import json
import threading
import uuid
from pathlib import Path

import pytest

from tests.conftest import CORPUS, ROOT, load_script
from tests.test_reliability_input import EMPTY, HUGE, LIMIT, METHODS, ODD, TROOPS, WHAT

pytestmark = pytest.mark.slow


def _app_ready():
    return load_script("app_ready")


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    import subprocess
    import sys

    home = tmp_path_factory.mktemp("app-reliability") / "home"
    done = subprocess.run([sys.executable, "-m", "factbot", "--home", str(home), "ingest", str(CORPUS)],
                          cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    app_ready = _app_ready()
    log = home.parent / "app.log"
    proc, url, _ = app_ready.start_app(home, log=log)
    try:
        yield {"url": url, "home": home, "log": log}
    finally:
        app_ready.stop_app(proc)


@pytest.fixture(scope="module")
def client(app):
    from gradio_client import Client

    return Client(app["url"], verbose=False)


@pytest.fixture(scope="module")
def article(app):
    return (CORPUS / "us-iraq-coalition-talks.ar.txt").read_text(encoding="utf-8")


def raw(url: str, method: str, path: str, body: bytes | None = None, headers: dict | None = None):
    """The request sent exactly as written: no client-side normalisation of '..' or '%2e'."""
    host, port = url.removeprefix("http://").split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=30)
    conn.request(method, path, body=body, headers=headers or {})
    resp = conn.getresponse()
    return resp.status, resp.read()


# -- bad questions through the app's API --------------------------------------------------------

@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("text", [*EMPTY.values(), *HUGE.values()], ids=[*EMPTY, *HUGE])
def test_app_bad_input_is_a_clear_error(client, method, text):
    from gradio_client.exceptions import AppError

    message = f"the {WHAT[method]} is empty" if text in EMPTY.values() else \
        f"the {WHAT[method]} is {len(text):,} characters; the limit is {LIMIT[method]}"
    with pytest.raises(AppError, match=f"^{message}$"):
        client.predict(text, api_name=f"/{method}")


@pytest.mark.parametrize("text, troops", ODD.values(), ids=ODD.keys())
def test_app_odd_search_is_answered(client, article, text, troops):
    result = client.predict(text, 5, api_name="/search")
    for h in result["hits"]:
        assert article[h["start"]:h["end"]] == h["text"]
    if troops:
        assert TROOPS in result["hits"][0]["text"]


def test_app_lone_surrogates_over_raw_json(app, article):
    # gradio_client cannot even encode them; a raw JSON client can ("\\ud800" is valid JSON)
    status, body = raw(app["url"], "POST", "/gradio_api/call/search",
                       json.dumps({"data": ["\ud800 2500 جندي \udfff", 3]}).encode(),
                       {"Content-Type": "application/json"})
    assert status == 200, body[:300]
    _, stream = raw(app["url"], "GET", f"/gradio_api/call/search/{json.loads(body)['event_id']}")
    event, _, data = stream.decode("utf-8").partition("\ndata: ")
    assert event == "event: complete", stream[:300]
    hits = json.loads(data)[0]["hits"]
    assert TROOPS in hits[0]["text"] and all(article[h["start"]:h["end"]] == h["text"] for h in hits)


@pytest.mark.parametrize("method", [m for m in METHODS if m != "search"])
@pytest.mark.parametrize("text", ["2500\x00 جندي\x07", "<script>alert(1)</script> 2500 جندي", "🇮🇶🪖 2500 جندي"],
                         ids=["controls", "script", "emoji"])
def test_app_odd_ask_and_check_are_answered(client, article, method, text):
    result = client.predict(text, api_name=f"/{method}")
    items = result.get("citations", []) + result.get("context", []) + result.get("evidence", []) + \
        [e for c in result.get("claims", []) for e in c["evidence"]]
    for item in items:
        assert article[item["start"]:item["end"]] == item["text"]


# -- file routes: URLs, SSRF, the index itself, odd encodings ---------------------------------------------

class Canary(http.server.BaseHTTPRequestHandler):
    hits: list[str] = []

    def do_GET(self):  # noqa: N802 - the stdlib's name
        Canary.hits.append(self.path)
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b"CANARY-SECRET")

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def canary():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Canary)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"127.0.0.1:{server.server_address[1]}"
    server.shutdown()


SSRF = ["/gradio_api/file=http://{c}/secret", "/gradio_api/file=http%3A%2F%2F{c}%2Fsecret",
        "/gradio_api/proxy=http://{c}/secret", "/proxy=http://{c}/secret", "/gradio_api/file=//{c}/secret",
        "/gradio_api/file=file:///etc/passwd", "/file=http://{c}/secret"]


@pytest.mark.parametrize("template", SSRF)
def test_file_and_proxy_routes_fetch_no_url(app, canary, template):
    Canary.hits.clear()
    status, body = raw(app["url"], "GET", template.format(c=canary))
    assert Canary.hits == []  # the app never requested the canary URL
    assert b"CANARY-SECRET" not in body and b"root:x:0:0" not in body
    assert status in (400, 403, 404, 405)


def test_the_index_and_app_files_are_not_downloadable(app):
    home = app["home"]
    sqlite = next((home / "chroma").glob("*.sqlite3"))
    for path in [f"/gradio_api/file={sqlite}", f"/gradio_api/file={home}/factbot.write.lock",
                 f"/gradio_api/file={ROOT}/factbot/index/store.py", f"/gradio_api/file={ROOT}/corpus/../app.py",
                 "/gradio_api/file=/proc/self/environ", "/gradio_api/file=/proc/self/cmdline",
                 "/gradio_api/file=%2e%2e/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
                 "/gradio_api/file=....//....//....//....//etc/passwd",
                 "/gradio_api/file=%c0%ae%c0%ae/%c0%ae%c0%ae/%c0%ae%c0%ae/etc/passwd",
                 "/gradio_api/file=/etc/passwd%00.txt", "/gradio_api/file=..\\..\\..\\..\\etc\\passwd",
                 "/gradio_api/file=~/.bashrc", "/gradio_api/file=/root/.bashrc"]:
        status, body = raw(app["url"], "GET", path)
        assert status in (400, 403, 404), (path, status)
        for secret in (b"SQLite format", b"root:x:0:0", b"PATH=", b"go_offline", b"import "):
            assert secret not in body, (path, secret)


def test_upload_file_name_cannot_climb_out(app, tmp_path):
    target = Path("/tmp") / f"factbot-escape-{uuid.uuid4().hex}.txt"
    boundary = "fbboundary"
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"files\"; "
            f"filename=\"../../../../../..{target}\"\r\nContent-Type: text/plain\r\n\r\nA short text.\r\n"
            f"--{boundary}--\r\n").encode()
    status, _ = raw(app["url"], "POST", "/gradio_api/upload", body,
                    {"Content-Type": f"multipart/form-data; boundary={boundary}"})
    assert status < 500
    assert not target.exists()


def test_oversize_document_through_the_api_is_refused(client):
    from gradio_client.exceptions import AppError

    from factbot.ingest.documents import MAX_DOCUMENT_BYTES

    text = "ج" * (MAX_DOCUMENT_BYTES // 2 + 1)  # 2 bytes each in UTF-8: one byte over the limit
    with pytest.raises(AppError, match=f"^the text is {MAX_DOCUMENT_BYTES + 2:,} bytes; the limit is "
                                       f"{MAX_DOCUMENT_BYTES:,}$"):
        client.predict(text, "big", False, api_name="/add_document")
    assert [d["doc_id"] for d in client.predict(api_name="/documents")] == ["us-iraq-coalition-talks.ar"]


def test_no_public_share_link(app):
    log = app["log"].read_text(encoding="utf-8", errors="replace")
    assert "gradio.live" not in log and "public URL" not in log
    assert "127.0.0.1" in log or log == ""  # local URL only (if gradio printed one at all)
