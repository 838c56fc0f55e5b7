"""Start the factbot web app: `python app.py` (or `make run`, which indexes corpus/ first).

Settings come from the environment (see factbot/config.py): FACTBOT_HOME, FACTBOT_CHROMA_URL,
FACTBOT_EMBEDDER, FACTBOT_LLM; GRADIO_SERVER_NAME (default 127.0.0.1: this machine only) and
GRADIO_SERVER_PORT (default 7860). Never shared publicly; no analytics.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from factbot.config import go_offline

go_offline()  # before gradio is imported: analytics off, model hubs offline

ROOT = Path(__file__).resolve().parent
DEFAULT_HOST = "127.0.0.1"  # local only unless GRADIO_SERVER_NAME says otherwise
DEFAULT_PORT = 7860


def main() -> int:
    from concurrent.futures import ThreadPoolExecutor

    from factbot.config import Settings, load_chat_model
    from factbot.types import FactbotError

    settings = Settings.from_env()
    host = os.environ.get("GRADIO_SERVER_NAME") or DEFAULT_HOST
    try:
        port = int(os.environ.get("GRADIO_SERVER_PORT") or DEFAULT_PORT)
    except ValueError:
        return _fail(f"GRADIO_SERVER_PORT={os.environ['GRADIO_SERVER_PORT']!r} is not a port number")

    def open_bot(collection: str | None = None):
        from factbot.pipeline import FactBot

        kw = {"collection": collection} if collection else {}
        return FactBot.open(home=settings.home, chroma_url=settings.chroma_url, embedder=settings.embedder,
                            llm=load_chat_model(settings.llm), nli=settings.nli,
                            reader=settings.reader, **kw)

    # Open the index (chromadb, the embedder: ~1 s) while gradio imports (~2-4 s): the app
    # serves its first page about a second sooner, with the corpus already open.
    with ThreadPoolExecutor(1) as pool:
        opening = pool.submit(open_bot)
        from factbot.webapp.ui import build_app, launch_options
        try:
            bot = opening.result()
        except FactbotError as exc:
            return _fail(str(exc))
    demo = build_app(bot, evalsets=ROOT / "evalsets", open_bot=open_bot)
    try:
        demo.launch(**launch_options(host, port))
    except OSError as exc:  # e.g. the port is taken
        return _fail(f"cannot serve on {host}:{port}: {exc}")
    return 0


def _fail(message: str) -> int:
    print(f"factbot app: {message}", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
