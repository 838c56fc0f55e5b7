"""The web app's pure HTML rendering and follow-up reading, on hand-made results."""

from __future__ import annotations

import html
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from factbot.types import (Answer, Citation, Document, Evidence, Hit, Label, ParagraphVerdict, Stance,
                           Verdict)
from factbot.webapp import render
from factbot.ask.followup import content_words, is_followup, retrieval_question

AR_TEXT = "عنوان الخبر\n\nلا يزال هناك حوالي 2500 جندي أمريكي في العراق. تم تشكيل التحالف في عام 2014."
TROOPS = "لا يزال هناك حوالي 2500 جندي أمريكي في العراق."
FORMED = "تم تشكيل التحالف في عام 2014."
EVIL = '<script>alert(1)</script> <img src=x onerror=alert(2)> [x](javascript:alert(3)) $5$'


def doc(text: str, doc_id: str = "d", lang: str = "", title: str = "") -> Document:
    return Document(doc_id=doc_id, text=text, title=title or text.split("\n")[0], lang=lang)


def cite(n: int, text: str, full: str = AR_TEXT, doc_id: str = "d") -> Citation:
    start = full.index(text)
    return Citation(n, doc_id, f"s{n}", text, start, start + len(text), 0.5)


def visible_text(fragment: str) -> str:
    """What a reader sees: labels and tags removed, entities decoded."""
    fragment = re.sub(r'<sup class="fb-n">.*?</sup>', "", fragment)
    return html.unescape(re.sub(r"<[^>]+>", "", fragment))


# -- highlights by offsets ------------------------------------------------------------------

def test_highlight_wraps_exactly_the_offsets():
    text = "abc def ghi"
    m = render.Mark("ask-1", "d", 4, 7, "def", "1", "cite")
    # text[4:7] == "def": only it is wrapped, with its id, kind and label.
    assert render.highlighted(text, [m], focus="ask-1") == (
        'abc <mark id="ask-1" class="fb-hl cite focus" data-label="1"><sup class="fb-n">1</sup>def</mark> ghi')


def test_cited_arabic_sentence_is_marked_in_an_rtl_panel():
    answer = Answer("How many US troops remain in Iraq?", "About 2,500", False, 0.8,
                    citations=(cite(1, TROOPS),))
    marks = render.answer_marks(answer)
    out = render.document_html(doc(AR_TEXT, lang="ar"), marks, focus=marks[0].key)
    assert '<div class="fb-doc" dir="rtl" lang="ar">' in out
    # The one <mark> holds exactly the cited sentence, found by its offsets.
    assert re.findall(r'<mark id="ask-1"[^>]*><sup class="fb-n">1</sup>(.*?)</mark>', out) == [TROOPS]
    assert 'class="fb-hl cite focus"' in out
    assert visible_text(out.split('<div class="fb-doc-body">')[1]) == AR_TEXT  # no character lost or added


def test_english_document_is_left_to_right():
    out = render.document_html(doc("The coalition was formed in 2014.", lang="en"))
    assert '<div class="fb-doc" dir="ltr" lang="en">' in out


def test_mark_whose_document_changed_is_not_drawn_and_is_reported():
    stale = render.Mark("ask-1", "d", 0, 5, "other", "1", "cite")  # AR_TEXT[0:5] is not "other"
    out = render.document_html(doc(AR_TEXT), [stale])
    assert "<mark" not in out
    assert "the document changed since this result" in out


def test_same_sentence_twice_is_one_highlight_with_both_labels():
    s = AR_TEXT.index(FORMED)
    marks = [render.Mark("check-1-1", "d", s, s + len(FORMED), FORMED, "1.1", "supports"),
             render.Mark("check-2-1", "d", s, s + len(FORMED), FORMED, "2.1", "refutes")]
    out = render.highlighted(AR_TEXT, marks)
    assert out.count("<mark") == 1
    assert 'class="fb-hl refutes supports"' in out and 'data-label="1.1,2.1"' in out


def test_overlapping_span_is_dropped_not_nested():
    text = "one two three"
    marks = [render.Mark("a", "d", 0, 7, "one two", "1", "cite"), render.Mark("b", "d", 4, 13, "two three", "2", "cite")]
    out = render.highlighted(text, marks)
    assert out.count("<mark") == 1 and 'id="a"' in out  # the earlier span wins
    assert visible_text(out) == text


def test_marks_of_other_documents_are_ignored():
    other = render.Mark("ask-1", "other-doc", 0, 5, AR_TEXT[:5], "1", "cite")
    assert "<mark" not in render.document_html(doc(AR_TEXT), [other])


@given(st.text(alphabet=st.sampled_from(list("ab <>&\"'\nعر\u200f")), max_size=60), st.data())
def test_highlighting_never_loses_or_injects_text(text, data):
    spans = data.draw(st.lists(st.tuples(st.integers(0, len(text)), st.integers(0, len(text))), max_size=4))
    marks = [render.Mark(f"k{i}", "d", a, b, text[a:b], str(i), "cite") for i, (a, b) in enumerate(spans) if a < b]
    out = render.highlighted(text, marks)
    assert visible_text(out) == text
    assert "<" not in re.sub(r"</?(mark|sup)\b[^>]*>", "", out)  # the only tags are ours


# -- escaping: documents and results are text, never markup --------------------------------------

def test_hostile_document_renders_as_text():
    evil_doc = Document("evil", f"{EVIL}\n\nsecond line", title=EVIL, lang="en")
    m = render.Mark("ask-1", "evil", 0, len(EVIL), EVIL, "1", "cite")
    out = render.document_html(evil_doc, [m], "ask-1")
    assert "<script" not in out and "<img" not in out
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in out and "&lt;img src=x onerror=alert(2)&gt;" in out


def test_hostile_answer_and_citation_render_as_text_in_the_chat():
    c = Citation(1, "evil", "s1", EVIL, 0, len(EVIL), 0.9)
    out = render.answer_html(Answer(EVIL, EVIL, False, 0.9, citations=(c,), note=EVIL), read_as=EVIL)
    assert "<script" not in out and "<img" not in out
    # Markdown and LaTeX characters are entities: no link, no math can form.
    assert "](" not in out and "$" not in out and "<a " not in out
    assert "&#60;script&#62;" in out and "&#91;x&#93;&#40;javascript:alert&#40;3&#41;&#41;" in out
    assert "\n" not in out  # one line: a blank line would end the chat's HTML block


def test_hostile_verdict_and_sources_render_as_text():
    e = Evidence(1, "evil", "s1", EVIL, 0, len(EVIL), Stance.REFUTES, 0.7)
    out = render.verdict_html(Verdict(EVIL, Label.REFUTED, 0.7, EVIL, (e,), note=EVIL))
    out += render.sources_html([{"doc_id": EVIL, "title": EVIL, "lang": "en", "sentences": 2, "source": EVIL}])
    out += render.hits_html([Hit("evil", "s1", 0, len(EVIL), EVIL, 0.1)])
    out += render.metrics_html([(EVIL, "0.5", 3, EVIL)], {"dataset": {"name": EVIL}}, [EVIL])
    assert "<script" not in out and "<img" not in out


def test_md_safe_keeps_arabic_and_digits_verbatim():
    assert render.md_safe(TROOPS) == TROOPS  # nothing in the sentence is special
    assert render.md_safe("a*b_c") == "a&#42;b&#95;c"


def test_styles_load_nothing_from_outside():
    assert "url(" not in render.CSS and "@import" not in render.CSS and "http" not in render.CSS
    assert '"Noto Naskh Arabic", "Amiri"' in render.ARABIC_FONTS


# -- answers --------------------------------------------------------------------------------------

def test_answer_shows_markers_confidence_and_cited_sentences():
    a = Answer("q", "About 2,500", False, 0.83, citations=(cite(1, TROOPS), cite(2, FORMED)))
    out = render.answer_html(a)
    # Each marker names the mark it shows (clicked, it highlights that sentence in the panel).
    assert ('About 2,500 <sup class="fb-ref fbk-ask-1" title="show in the source">[1]</sup>'
            '<sup class="fb-ref fbk-ask-2" title="show in the source">[2]</sup>') in out
    assert '<span class="fb-conf high">confidence 0.83</span>' in out  # 0.83 >= 0.7: high
    s = AR_TEXT.index(TROOPS)
    assert f'<span class="fb-quote" dir="auto">{TROOPS}</span> <span class="fb-where" dir="ltr">d:{s}–{s + len(TROOPS)}' \
        in out
    assert "fb-abstain" not in out


def test_answer_already_carrying_markers_gets_no_second_set():
    a = Answer("q", "About 2,500 [1] [7]", False, 0.5, citations=(cite(1, TROOPS),))
    out = render.answer_html(a)
    # Its own [1] becomes the clickable marker; [7] cites nothing and stays text.
    assert ('<p class="fb-text" dir="auto">About 2,500 <sup class="fb-ref fbk-ask-1" title="show in the source">'
            '[1]</sup> &#91;7&#93;</p>') in out
    assert out.count("[1]") == 2  # the answer's marker and the list's; no second set appended


def test_abstention_is_styled_and_shows_the_closest_sentences():
    s = AR_TEXT.index(FORMED)
    ctx = (Hit("d", "s2", s, s + len(FORMED), FORMED, 0.01),)
    a = Answer("What is the weather?", "The sources do not say.", True, 0.12, context=ctx)
    out = render.answer_html(a)
    assert out.startswith('<div class="fb-answer fb-abstain">')
    assert "Not answered: the sources do not say" in out and "Closest sentences (not citations)" in out
    assert FORMED in out and '<span class="fb-conf low">confidence 0.12</span>' in out
    marks = render.answer_marks(a)
    assert [(m.key, m.kind, m.start) for m in marks] == [("ask-c1", "context", s)]
    assert '<span class="fb-ref fbk-ask-c1" title="show in the source">[&#126;1]</span>' in out  # ~ as an entity (Markdown strike)


def test_follow_up_reading_is_shown():
    a = Answer("q", "2014", False, 0.6, citations=(cite(1, FORMED),))
    assert '<span class="fb-readas" dir="auto">read as: troops — and when?</span>' in render.answer_html(
        a, read_as="troops — and when?")


# -- verdicts ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("label, cls, text", [(Label.SUPPORTED, "supported", "SUPPORTED"),
                                              (Label.REFUTED, "refuted", "REFUTED"),
                                              (Label.NOT_ENOUGH_INFO, "nei", "NOT ENOUGH INFO")])
def test_verdict_badge(label, cls, text):
    out = render.verdict_html(Verdict("c", label, 0.55, "because"))
    assert f'<span class="fb-badge {cls}">{text}</span>' in out
    assert '<span class="fb-conf medium">confidence 0.55</span>' in out  # 0.4 <= 0.55 < 0.7
    assert "No evidence sentences." in out


def test_verdict_evidence_shows_stance_and_is_highlighted():
    s = AR_TEXT.index(TROOPS)
    e = Evidence(1, "d", "s1", TROOPS, s, s + len(TROOPS), Stance.REFUTES, 0.81, match=0.847)
    v = Verdict("About 5,000 US troops remain in Iraq.", Label.REFUTED, 0.9, "2,500, not 5,000 [1] [4]", (e,))
    out = render.verdict_html(v)
    # the number beside a stance is the labelled claim-sentence match, not the stance model's 0.81
    assert '<span class="fb-stance refutes">refutes</span>' in out and ">match 0.85</span>" in out
    assert "0.81" not in out
    marks = render.verdict_marks(v)
    assert [(m.key, m.label, m.kind, m.group) for m in marks] == [("check-1", "1", "refutes", "check")]
    # The reason's [1] is the evidence's marker; [4] names no evidence and stays text.
    assert ('<p class="fb-reason" dir="auto">2,500, not 5,000 <span class="fb-ref fbk-check-1" '
            'title="show in the source">[1]</span> [4]</p>') in out
    assert out.count('<span class="fb-ref fbk-check-1" title="show in the source">[1]</span>') == 2
    panel = render.document_html(doc(AR_TEXT, lang="ar"), marks, "check-1")
    assert re.findall(r'<mark id="check-1" class="fb-hl refutes focus"[^>]*><sup[^>]*>1</sup>(.*?)</mark>',
                      panel) == [TROOPS]


def test_every_number_shown_with_a_verdict_has_a_label():
    s = AR_TEXT.index(TROOPS)
    ev = (Evidence(1, "d", "s1", TROOPS, s, s + len(TROOPS), Stance.REFUTES, 0.96, match=0.85),
          Evidence(2, "d", "s2", "Soleimani.", 0, 10, Stance.UNRELATED, 0.17, match=0.80))
    v = Verdict("About 5,000 US troops remain in Iraq.", Label.REFUTED, 0.9984, "about 2500 [1]", ev)
    text = re.sub(r"<[^>]+>", "", render.verdict_html(v))  # what the page shows
    numbers = re.findall(r"(\w+)? ?(\d\.\d+)", text)
    assert numbers == [("confidence", "1.00"), ("match", "0.85"), ("match", "0.80")]
    assert "unrelated" in text


def test_verdict_says_when_an_llm_decided_it():
    v = Verdict("About 5,000 US troops remain in Iraq.", Label.REFUTED, 0.9, "2,500 [1]", (), mode="llm",
                note="LLM failed: timeout; offline verdict shown")
    out = render.verdict_html(v)
    assert '<span class="fb-mode">llm</span>' in out and "LLM failed: timeout; offline verdict shown" in out
    assert "fb-mode" not in render.verdict_html(Verdict("x y z", Label.REFUTED, 0.9, "r"))


def test_paragraph_verdict_labels_evidence_by_claim():
    s = AR_TEXT.index(FORMED)
    e = Evidence(1, "d", "s2", FORMED, s, s + len(FORMED), Stance.SUPPORTS, 0.7)
    pv = ParagraphVerdict((Verdict("a", Label.NOT_ENOUGH_INFO, 0.3, "r"), Verdict("b", Label.SUPPORTED, 0.8, "r", (e,))),
                          "2 claims: 1 supported, 1 not enough info")
    out = render.verdict_html(pv)
    assert out.count('class="fb-verdict ') == 2 and "2 claims: 1 supported, 1 not enough info" in out
    assert [(m.key, m.label) for m in render.verdict_marks(pv)] == [("check-2-1", "2.1")]


# -- follow-up questions --------------------------------------------------------------------------------

PREV_EN = "How many US troops remain in Iraq?"
PREV_AR = "كم عدد الجنود الأمريكيين في العراق؟"


@pytest.mark.parametrize("question, expected", [
    ("and when was it formed?", True),
    ("What about Syria?", True),
    ("ومتى تم تشكيله؟", True),  # و written onto متى: "and when"
    ("وماذا عن سوريا؟", True),
    ("When was the coalition formed?", False),  # a new question, not a continuation
    ("وزير الخارجية قال ماذا؟", False),  # starts with و, but the word is وزير (minister)
    ("and " + "word " * 10, False),  # longer than MAX_FOLLOWUP_WORDS: stands on its own
])
def test_is_followup(question, expected):
    assert is_followup(question) is expected


def test_followup_carries_the_previous_topic_words():
    # "how", "in" are stopwords and "many" a form word; the topic words remain, in matching form.
    assert content_words(PREV_EN) == ["us", "troops", "remain", "iraq"]
    assert retrieval_question("and when was it formed?", PREV_EN) == "us troops remain iraq — and when was it formed?"
    assert retrieval_question("ومتى تم تشكيله؟", PREV_AR) == "الجنود الامريكيين العراق — ومتى تم تشكيله؟"


def test_new_question_or_first_question_is_asked_as_typed():
    assert retrieval_question("When was the coalition formed?", PREV_EN) == "When was the coalition formed?"
    assert retrieval_question("and when was it formed?", None) == "and when was it formed?"
