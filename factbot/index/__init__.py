"""Sentences -> vectors -> the store, kept in line with the documents; hybrid retrieval over it."""
