"""The package as a user installs it: a wheel built from the repo carries the shipped models
and the LLM prompts, and LLM mode works from that install (not from the source tree).

The wheel is built without build isolation (setuptools is in the test venv; nothing is
fetched) from a copy of the sources, so the checkout gains no build/ or egg-info. It is
installed with --no-deps into a scratch venv that reaches the test venv's dependencies
through a .pth file; factbot itself then comes only from the wheel."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from conftest import ARTICLE, ROOT

pytestmark = pytest.mark.slow

PROMPTS = sorted(p.name for p in (ROOT / "factbot" / "prompts").glob("*.md"))
MODELS = sorted(p.name for p in (ROOT / "factbot" / "models").glob("*.json"))


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    src = tmp_path_factory.mktemp("src")
    shutil.copy(ROOT / "pyproject.toml", src)
    shutil.copy(ROOT / "README.md", src)
    shutil.copytree(ROOT / "factbot", src / "factbot", ignore=shutil.ignore_patterns("__pycache__"))
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
                    "-w", str(out), str(src)], check=True, capture_output=True, timeout=300)
    (built,) = out.glob("factbot-*.whl")
    return built


def test_the_wheel_holds_the_prompts_and_the_models(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    # what the repo ships today: five fitted models (reader_fusion.json: the reader in the pick),
    # the names' English and Arabic word lists, the reader's answer lead words and its phrase
    # threshold, and the language pools' cosine gap
    assert PROMPTS == ["answer.md", "verify.md"] and len(MODELS) == 10 and "answer_lead_words.json" in MODELS
    assert "answer_phrase.json" in MODELS and "pool_gap.json" in MODELS
    assert {f"factbot/prompts/{p}" for p in PROMPTS} <= names
    assert {f"factbot/models/{m}" for m in MODELS} <= names
    assert "factbot/reader/reader.int8.onnx" in names  # the trained reader (FACTBOT_READER)
    # byte for byte: the models are the ones whose sha256 the training scripts reproduce
    z = zipfile.ZipFile(wheel)
    assert all(z.read(f"factbot/models/{m}") == (ROOT / "factbot" / "models" / m).read_bytes() for m in MODELS)


# Run inside the scratch venv: LLM mode of ask and check with LangChain's fake chat model.
_LLM_MODE = """
import json, sys, tempfile
import factbot
from factbot.pipeline import FactBot
from factbot.testing import HashEmbedder, fake_chat_model
article = open(sys.argv[1], encoding="utf-8").read()
bot = FactBot.open(home=tempfile.mkdtemp(), embedder=HashEmbedder())
bot.add_text(article, "article")
q, claim = "كم عدد الجنود الأمريكيين المنتشرين في العراق حاليًا؟", "يوجد حوالي 5000 جندي أمريكي في العراق"
# the number the troops sentence has among the hits each prompt lists (ask: k=5, check: 8)
n = next(i for i, h in enumerate(bot.search(q, k=5), 1) if "2500" in h.text)
m = next(i for i, h in enumerate(bot.search(claim, k=8), 1) if "2500" in h.text)
llm_bot = FactBot(bot.store, bot.embedder, retriever=bot.retriever,
                  llm=fake_chat_model([f"يوجد حوالي 2500 جندي أمريكي في العراق [{n}].",
                                       f"VERDICT: REFUTED\\nEVIDENCE: {m}\\nREASON: the article says about 2500"]))
answer = llm_bot.ask(q)
verdict = llm_bot.check(claim)
print(json.dumps({"file": factbot.__file__, "answer": answer.answer, "mode": answer.mode,
                  "cited": [c.text for c in answer.citations], "verdict": verdict.verdict.value,
                  "check_mode": verdict.mode}))
"""


def test_llm_mode_works_from_the_installed_wheel(wheel, tmp_path):
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True, timeout=120)
    python = venv / "bin" / "python"
    site = Path(subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                               check=True, capture_output=True, text=True).stdout.strip())
    deps = subprocess.run([sys.executable, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                          check=True, capture_output=True, text=True).stdout.strip()
    (site / "test-venv-deps.pth").write_text(deps + "\n", encoding="utf-8")
    subprocess.run([sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps", "-q", str(wheel)],
                   check=True, capture_output=True, timeout=300)
    proc = subprocess.run([str(python), "-c", _LLM_MODE, str(ARTICLE)], capture_output=True, text=True,
                          cwd=tmp_path, timeout=300)
    assert proc.returncode == 0, proc.stderr[-2000:]
    got = json.loads(proc.stdout.strip().splitlines()[-1])
    assert Path(got["file"]).is_relative_to(site)  # the installed copy, not the checkout
    assert (got["answer"], got["mode"]) == ("يوجد حوالي 2500 جندي أمريكي في العراق [1].", "llm")
    assert len(got["cited"]) == 1 and "2500" in got["cited"][0]
    assert (got["verdict"], got["check_mode"]) == ("REFUTED", "llm")
