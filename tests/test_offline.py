"""The offline guarantee: the test guard really blocks outside connections (so every other
test proves factbot works offline), and factbot turns off model hubs, Chroma telemetry and
Gradio analytics by default, in a fresh process whose environment says nothing about them."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import textwrap
import urllib.request

import pytest

from tests.conftest import ARTICLE, ROOT

# Reserved/unroutable: even if the guard failed, nothing would answer (and the guard raises
# before any packet is sent, so none is).
OUTSIDE = [("10.255.255.1", 9), ("192.0.2.1", 80), ("factbot.invalid", 443)]


@pytest.mark.parametrize("address", OUTSIDE, ids=[a[0] for a in OUTSIDE])
def test_guard_fails_a_test_that_reaches_outside(address):
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        with pytest.raises(AssertionError, match=rf"test tried to reach \('{address[0]}', {address[1]}\): "
                                                 "factbot must work offline"):
            s.connect(address)


def test_guard_blocks_ipv6_and_libraries():
    with socket.socket(socket.AF_INET6, socket.SOCK_STREAM) as s:
        with pytest.raises(AssertionError, match="factbot must work offline"):
            s.connect(("2001:db8::1", 9, 0, 0))
    with pytest.raises(AssertionError, match=r"'10\.255\.255\.1', 9\): factbot must work offline"):
        socket.create_connection(("10.255.255.1", 9), timeout=1)
    with pytest.raises(AssertionError, match="factbot must work offline"):
        urllib.request.urlopen("http://10.255.255.1:9/", timeout=1)


def test_guard_lets_loopback_through():
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen(1)
        with socket.create_connection(server.getsockname(), timeout=5) as client:
            conn, _ = server.accept()
            client.sendall(b"ok")
            assert conn.recv(2) == b"ok"
            conn.close()


CLEAN_ENV = {k: v for k, v in os.environ.items()
             if k not in ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE", "ANONYMIZED_TELEMETRY", "GRADIO_ANALYTICS_ENABLED")}

PROBE = textwrap.dedent("""
    import json, os, sys
    from click.testing import CliRunner
    from factbot.cli import main
    home, article = sys.argv[1], sys.argv[2]
    # the CLI as a user runs it: ingest, then a search (imports everything it needs)
    r = CliRunner().invoke(main, ["--home", home, "--embedder", "hash", "ingest", article, "--json"])
    assert r.exit_code == 0, r.output
    from factbot.pipeline import FactBot
    bot = FactBot.open(home=home, embedder="hash")
    import huggingface_hub.constants as hub
    import chromadb
    env = {k: os.environ.get(k) for k in ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE", "ANONYMIZED_TELEMETRY",
                                          "GRADIO_ANALYTICS_ENABLED")}
    print(json.dumps({"env": env, "hub_offline": hub.HF_HUB_OFFLINE,
                      "chroma_telemetry": bot.store.client.get_settings().anonymized_telemetry}))
""")


def test_cli_and_store_are_offline_by_default(tmp_path):
    proc = subprocess.run([sys.executable, "-c", PROBE, str(tmp_path / "home"), str(ARTICLE)], capture_output=True,
                          text=True, cwd=ROOT, env=CLEAN_ENV, timeout=120)
    assert proc.returncode == 0, proc.stderr
    got = json.loads(proc.stdout.strip().splitlines()[-1])
    assert got == {"env": {"HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", "ANONYMIZED_TELEMETRY": "False",
                           "GRADIO_ANALYTICS_ENABLED": "False"},
                   "hub_offline": True, "chroma_telemetry": False}


def test_store_disables_chroma_telemetry_even_when_the_environment_enables_it(tmp_path):
    # A user's shell may say ANONYMIZED_TELEMETRY=True; the store's own settings still win.
    code = ("import sys; from factbot.pipeline import FactBot; "
            "print(FactBot.open(home=sys.argv[1], embedder='hash').store.client.get_settings().anonymized_telemetry)")
    proc = subprocess.run([sys.executable, "-c", code, str(tmp_path)], capture_output=True, text=True, cwd=ROOT,
                          env={**CLEAN_ENV, "ANONYMIZED_TELEMETRY": "True"}, timeout=120)
    assert (proc.returncode, proc.stdout.strip()) == (0, "False"), proc.stderr


def test_app_turns_gradio_analytics_off_before_importing_gradio():
    code = textwrap.dedent("""
        import runpy, sys
        runpy.run_path(sys.argv[1], run_name="not_main")  # app.py's module level: go_offline(), no launch
        import gradio.analytics, gradio.utils
        from factbot.webapp.ui import launch_options
        opts = launch_options("127.0.0.1", 7860)
        print(gradio.analytics.analytics_enabled(), opts["share"], opts["server_name"])
    """)
    proc = subprocess.run([sys.executable, "-c", code, str(ROOT / "app.py")], capture_output=True, text=True,
                          cwd=ROOT, env=CLEAN_ENV, timeout=120)
    assert (proc.returncode, proc.stdout.strip()) == (0, "False False 127.0.0.1"), proc.stderr


def test_the_app_builder_turns_gradio_analytics_off_before_importing_gradio():
    # the other edge that starts the app: `factbot.webapp.build_app` (ui and views set nothing)
    code = textwrap.dedent("""
        import sys
        import factbot.webapp
        assert "gradio" not in sys.modules
        factbot.webapp.build_app
        import gradio.analytics
        print(gradio.analytics.analytics_enabled())
    """)
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, env=CLEAN_ENV,
                          timeout=120)
    assert (proc.returncode, proc.stdout.strip()) == (0, "False"), proc.stderr


def test_the_core_leaves_the_environment_alone(tmp_path):
    # Only the edges (cli, app.py, the app builder, config's embedder loader) write os.environ:
    # importing the core and opening, filling and searching an index change nothing in it.
    code = textwrap.dedent("""
        import json, os, sys
        before = dict(os.environ)
        import factbot.index.embeddings, factbot.index.store, factbot.index.sync, factbot.webapp.views
        from factbot.pipeline import FactBot
        bot = FactBot.open(home=sys.argv[1], embedder="hash")
        bot.ingest([sys.argv[2]])
        bot.search("How many US troops remain in Iraq?")
        print(json.dumps(sorted(k for k in set(before) | set(os.environ) if before.get(k) != os.environ.get(k))))
    """)
    proc = subprocess.run([sys.executable, "-c", code, str(tmp_path / "home"), str(ARTICLE)], capture_output=True,
                          text=True, cwd=ROOT, env=CLEAN_ENV, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout.strip().splitlines()[-1]) == []
