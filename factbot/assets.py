"""The files that ship inside the package: trained models (`models/*.json`) and the LLM
prompts (`prompts/*.md`). Both are package data, so a plain (non-editable) install has them."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
MODELS_DIR = PACKAGE_DIR / "models"
PROMPTS_DIR = PACKAGE_DIR / "prompts"


@lru_cache(maxsize=8)
def load_prompt(name: str):
    """The LangChain prompt in `prompts/<name>.md`; its {placeholders} are its variables."""
    from langchain_core.prompts import PromptTemplate

    return PromptTemplate.from_file(PROMPTS_DIR / f"{name}.md", encoding="utf-8")
