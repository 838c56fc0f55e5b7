"""The web app: a Gradio UI and API over one `FactBot`.

render (pure HTML from typed results) · followup (reading a follow-up question) · views
(what each page event and API endpoint does) · ui (the Gradio layout and its wiring).
`build_app` is imported lazily so the pure modules work without importing gradio (~2 s).
"""

from __future__ import annotations

__all__ = ["build_app"]


def __getattr__(name: str):
    if name == "build_app":
        from factbot.webapp.ui import build_app

        return build_app
    raise AttributeError(name)
