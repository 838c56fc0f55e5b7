"""Sentence spans, the matching form and tokens, for Arabic and English."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from factbot.text.matching import language, normalize, split_sentences, stem, terms, tokens


def pieces(text):
    return [text[s.start:s.end] for s in split_sentences(text)]


@pytest.mark.parametrize("text, expected", [
    # Arabic terminators . ؟ ! ؛ and the Arabic comma, which does not end a sentence
    ("قال المسؤول، إن المحادثات بدأت. هل انتهت؟ لا! بل استمرت؛ ثم توقفت",
     ["قال المسؤول، إن المحادثات بدأت.", "هل انتهت؟", "لا!", "بل استمرت؛", "ثم توقفت"]),
    # decimals, abbreviations and initials do not end sentences
    ("The U.S. sent 2.5 thousand troops. J. Smith agreed. Mr. Brown did not.",
     ["The U.S. sent 2.5 thousand troops.", "J. Smith agreed.", "Mr. Brown did not."]),
    # closing quotes stay with their sentence
    ("وقال إن “الجولة بدأت.” وأضاف «نعم.» ثم غادر.", ["وقال إن “الجولة بدأت.”", "وأضاف «نعم.»", "ثم غادر."]),
    # a date with a slash is not a boundary
    ("تم اتخاذه قبل 7 أكتوبر/تشرين الأول، فقد نسب.", ["تم اتخاذه قبل 7 أكتوبر/تشرين الأول، فقد نسب."]),
    # line breaks are hard boundaries (headlines have no full stop)
    ("العنوان هنا\n\nالجملة الأولى. الثانية هنا.", ["العنوان هنا", "الجملة الأولى.", "الثانية هنا."]),
    # a stray full stop leaving a one-word tail is merged, as in the bundled article
    ("ووعدوا بمواصلة ذلك. هجماتها.\nسطر آخر", ["ووعدوا بمواصلة ذلك. هجماتها.", "سطر آخر"]),
])
def test_split_sentences(text, expected):
    assert pieces(text) == expected


def test_article_sentences_slice_exactly(article_text):
    spans = split_sentences(article_text)
    # 16 content sentences + headline, byline... = 18 pieces (counted by hand from the file)
    assert len(spans) == 18
    for s in spans:
        piece = article_text[s.start:s.end]
        assert piece == piece.strip() and piece
    # spans are ordered and disjoint, and only white space lies between them
    gaps = [article_text[a.end:b.start] for a, b in zip(spans, spans[1:])]
    assert all(not g.strip() for g in gaps)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("ab جملة.؟!؛،\n “”«»2.5U.S") + [" ", "\u200f"]), max_size=200))
def test_spans_never_lose_a_character(text):
    spans = split_sentences(text)
    # every non-space character is in exactly one span, in order: nothing lost, nothing doubled
    covered = [c for s in spans for c in text[s.start:s.end] if not c.isspace()]
    assert covered == [c for c in text if not c.isspace()]
    for a, b in zip(spans, spans[1:]):
        assert a.end <= b.start
    for s in spans:
        assert text[s.start:s.end].strip() == text[s.start:s.end] != ""


@pytest.mark.parametrize("raw, matching", [
    ("٢٥٠٠", "2500"),               # Arabic-Indic digits
    ("۲۵۰۰", "2500"),               # Persian digits
    ("2,500", "2500"), ("2٬500", "2500"),  # thousands separators
    ("2.5", "2.5"),                 # decimals kept
    ("الـــعراق", "العراق"),          # tatweel
    ("جُنْدِيٌّ", "جندي"),            # diacritics
    ("أإآٱ", "اااا"),               # alef/hamza variants
    ("مستشفى", "مستشفي"),           # alef maqsura
    ("الحكومة", "الحكومه"),          # teh marbuta
    ("بغ\u200bد\u200fاد", "بغداد"),   # zero-width and bidi controls
    ("ﻻ", "لا"),                    # NFKC presentation forms
    ("The  U.S.\tArmy", "the u.s. army"),
])
def test_normalize(raw, matching):
    assert normalize(raw) == matching


def test_terms_stem_arabic_clitics_and_drop_function_words():
    assert terms("كم عدد الجنود الأمريكيين في العراق؟") == ["عدد", "جنود", "امريك", "عراق"]
    assert stem("والعراق") == "عراق" and stem("بالعراق") == "عراق"
    assert stem("2500") == "2500"
    assert tokens("حوالي ٢٥٠٠ جندي") == ["حوالي", "2500", "جندي"]


def test_english_past_tenses_meet_their_verbs_but_short_words_keep_apart():
    # "What did the council promise?" is answered by "has promised them compensation"
    assert stem("promised") == stem("promise") == stem("promises")
    assert stem("operated") == stem("operate") == stem("operates")
    assert stem("killed") == stem("kill")
    assert stem("aired") != stem("air") and stem("used") != stem("us")


@pytest.mark.parametrize("text, lang", [("كم عدد الجنود؟", "ar"), ("How many troops?", "en"),
                                         ("Is داعش defeated in Iraq now?", "en")])
def test_language(text, lang):
    assert language(text) == lang
