"""Answering a question from retrieved hits: question typing and value extraction, the reranker,
the abstention model, and the `Answerer` that runs them; and reading a chat's follow-up question
(`followup`) before it is searched."""
