"""Reading files into documents and labelled sentences."""

import codecs

import pytest

from factbot.ingest.documents import decode, doc_id_for, find_files, make_document, read_document, sentences_of
from factbot.types import FactbotError, Role
from tests.conftest import ARTICLE, CORPUS


def test_bundled_article_roles_and_duplicates(article_text):
    doc = read_document(ARTICLE)
    assert doc.text == article_text  # no front matter: offsets slice the file itself
    assert doc.doc_id == "us-iraq-coalition-talks.ar" and doc.lang == "ar"
    sents = sentences_of(doc)
    roles = [s.role for s in sents]
    assert roles[:2] == [Role.HEADLINE, Role.BYLINE]
    assert roles[-2:] == [Role.CHROME, Role.CHROME]  # "شارك المقال", "اترك تعليقك"
    assert [sents[-2].text, sents[-1].text] == ["شارك المقال", "اترك تعليقك"]
    assert all(r is Role.BODY for r in roles[2:-2])
    # the troops sentence appears in paragraphs 1 and 6: the second links to the first
    troops = [s for s in sents if "2500" in s.text]
    assert len(troops) == 2 and troops[1].dup_of == troops[0].sentence_id and troops[0].dup_of == ""
    assert sum(bool(s.dup_of) for s in sents) == 1
    for s in sents:
        assert article_text[s.start:s.end] == s.text


def test_sentence_ids_are_content_derived(article_text):
    a = sentences_of(make_document(article_text, name="x"))
    b = sentences_of(make_document(article_text, name="x"))
    c = sentences_of(make_document(article_text.replace("2500", "2600"), name="x"))
    assert [s.sentence_id for s in a] == [s.sentence_id for s in b]
    changed = {s.sentence_id for s in a} - {s.sentence_id for s in c}
    assert len(changed) == 2  # the two troops sentences, and nothing else


def test_front_matter_and_html():
    doc = make_document("---\ntitle: Talks\nsource: https://example.org/a\nlanguage: en\n---\nBody one. Body two.",
                        name="talks")
    assert (doc.title, doc.source, doc.lang, doc.text) == ("Talks", "https://example.org/a", "en",
                                                           "Body one. Body two.")
    html = make_document("<html><head><title>t</title><script>alert(1)</script></head>"
                         "<body><p>First para.</p><p>Second <b>bold</b> para.</p></body></html>",
                         name="page", html=True)
    assert "alert" not in html.text and "First para." in html.text and "Second \nbold\n para." not in html.text


@pytest.mark.parametrize("data, message", [
    (b"\xff\xfe\x00", None),             # UTF-16 LE BOM: decoded
    (b"caf\xe9", "not UTF-8"),           # Latin-1
    (b"a\x00b", "NUL"),
])
def test_decode(data, message):
    if message is None:
        assert decode(codecs.BOM_UTF16_LE + "نص".encode("utf-16-le"), "f") == "نص"
    else:
        with pytest.raises(FactbotError, match=message):
            decode(data, "f")


def test_read_rejects_empty_and_unknown(tmp_path):
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "x.pdf").write_bytes(b"%PDF")
    with pytest.raises(FactbotError, match="empty document"):
        read_document(tmp_path / "empty.txt")
    with pytest.raises(FactbotError, match="unsupported file type"):
        read_document(tmp_path / "x.pdf")


def test_find_files_and_ids(tmp_path):
    assert find_files([CORPUS]) == [ARTICLE]
    with pytest.raises(FactbotError, match="no such file"):
        find_files([tmp_path / "missing"])
    assert doc_id_for(ARTICLE) == "us-iraq-coalition-talks.ar"


def test_a_title_is_the_first_line_or_its_first_words_never_a_cut_word():
    from factbot.ingest.documents import title_from

    assert title_from("\n  US and Iraq begin talks  \nBody.") == "US and Iraq begin talks"
    pasted = ("Hassan Nasrallah said on Friday that the group would keep attacking until the war in Gaza "
              "ends, according to a statement read by Kawann Smith.")
    # character 60 falls inside "attacking" (58-66): cut before it, at the last whole word
    assert title_from(pasted) == "Hassan Nasrallah said on Friday that the group would keep…"
    assert title_from("x" * 300) == "x" * 60 + "…"  # one endless word: cut, and said so
    doc = make_document(pasted, name="pasted")
    assert doc.title == "Hassan Nasrallah said on Friday that the group would keep…"
