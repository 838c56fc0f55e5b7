"""The web app: a Gradio UI and API over one `FactBot`.

render (pure HTML from typed results) · views (what each page event and API endpoint does) ·
ui (the Gradio layout and its wiring). Reading a follow-up question is ask's (`factbot.ask.followup`).
`build_app` is imported lazily so the pure modules work without importing gradio (~2 s).

Gradio reads GRADIO_ANALYTICS_ENABLED when it is imported, so whatever starts the app turns
analytics off first: `app.py` at its top, and `factbot.webapp.build_app` below, before it
imports the layout (and gradio with it). Importing `ui` or `views` directly sets nothing.
"""

from __future__ import annotations

__all__ = ["build_app"]


def __getattr__(name: str):
    if name == "build_app":
        from factbot.config import go_offline

        go_offline()  # before gradio is imported: analytics off, model hubs offline
        from factbot.webapp.ui import build_app

        return build_app
    raise AttributeError(name)
