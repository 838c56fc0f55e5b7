"""A claim that restates a sentence but for one span (factbot.text.substitution): found by word
alignment in either language, and whether either side of it is a name. Our own sentences, and
the bundled article's."""

from __future__ import annotations

import json

import pytest

from factbot.text.substitution import name_like, restates, substitution
from tests.conftest import DATASETS, ROOT, load_script, needs_datasets

RUTTE = "The current Dutch Prime Minister is Mark Rutte, in office since 2010."
ARTICLE_SENTENCE = "اجتمع رئيس الوزراء العراقي محمد شياع السوداني ومسؤولون رفيعو المستوى من القوات المسلحة"


def test_a_name_put_in_the_sentences_slot_is_found_with_both_names():
    s = substitution("The current Dutch Prime Minister is Roger Goodell, in office since 2010.", RUTTE)
    assert (s.claim, s.evidence, s.of_names) == ("Roger Goodell", "Mark Rutte", True)


def test_at_the_start_of_the_sentence_too():
    s = substitution("Priya Anand (born 1931) is an American psychiatrist.", "Tomas Reyes (born 1931) is an American psychiatrist.")
    assert (s.claim, s.evidence, s.of_names) == ("Priya Anand", "Tomas Reyes", True)


def test_arabic_names_are_told_by_their_rarity_in_arabic_text():
    s = substitution(ARTICLE_SENTENCE.replace("محمد شياع السوداني", "حيدر العبادي"), ARTICLE_SENTENCE)
    assert (s.claim, s.evidence, s.of_names) == ("حيدر العبادي", "محمد شياع السوداني", True)


@pytest.mark.parametrize("word,name", [
    ("Rutte", True), ("Minister", False), ("office", False), ("Syria", True),  # a place fills a name's slot
    ("كوفاتش", True), ("شياع", True), ("الرئيس", False), ("رواية", False), ("في", False), ("2010", False),
])
def test_name_like_words(word, name):
    assert name_like(word) is name


@pytest.mark.parametrize("claim,evidence", [
    (RUTTE, RUTTE),  # the sentence itself
    ("The current Dutch Prime Minister is Mark Rutte", RUTTE),  # its clause
    ("Roughly 2,500 American soldiers are still deployed in Iraq.", "حوالي 2500 جندي أمريكي"),  # another script
    # a rewording changes more than one stretch
    ("Mark Rutte has led the Dutch government since 2010.", RUTTE),
    # an inflection the stemmer leaves is the same word
    ("تقول الولايات المتحدة إن تشكيل لجنة للتفاوض نوقش لأول مرة العام الماضي",
     "تقول الولايات المتحدة إن تشكيل لجنة للتفاوض نوقشت لأول مرة العام الماضي"),
    # a claim leaving out the sentence's opening clause, with its own verb: no slot of a name
    ("تعرضت القوات الأمريكية في العراق وسوريا لهجمات متكررة",
     "ولكن مع تصاعد الحرب الإسرائيلية على غزة، واجهت القوات الأمريكية في العراق وسوريا هجمات متكررة"),
    # the same name in another spelling
    ("Sabrina Singh said the presence will be part of the talks",
     "Sabreena Singh said the presence will be part of the talks"),
])
def test_no_substitution(claim, evidence):
    assert substitution(claim, evidence) is None


def test_restates_only_without_a_replaced_name():
    assert restates("The current Dutch Prime Minister is Mark Rutte", RUTTE)
    assert not restates("The current Dutch Prime Minister is Roger Goodell, in office since 2010.", RUTTE)
    assert not restates("Roger Goodell is in office since 2010.", RUTTE)


@needs_datasets
def test_the_arabic_common_words_are_fitted_from_train_articles_only():
    """scripts/fit_names.py reproduces the shipped file from ARCD and TyDi Arabic train (no dev or
    test split is read: the swaps are measured on TyDi dev)."""
    fit = load_script("fit_names")
    assert all("train" in p.name for p in fit.ARABIC) and all(p.is_file() for p in fit.ARABIC)
    shipped = json.loads((ROOT / "factbot" / "models" / "arabic_common_words.json").read_text(encoding="utf-8"))
    assert fit.arabic_common_words(fit.arabic_articles(fit.ARABIC)) == shipped["words"]
    assert shipped["min_articles"] == fit.MIN_ARTICLES and DATASETS.is_dir()


def test_arabic_kinship_words_make_a_name_of_common_words():
    # عمر and سفيان are common words of Arabic text; بن and أبو make them names, and a nasab
    # matched only on its بن is one replaced name, not two
    s = substitution("خلفه سليمان ثم الخليفة الزاهد رسول الله الذي يعد من أفضل الخلفاء سيرة",
                     "خلفه سليمان ثم الخليفة الزاهد عمر بن عبد العزيز، الذي يعد من أفضل الخلفاء سيرة")
    assert (s.claim, s.evidence, s.claim_name, s.evidence_name) == ("رسول الله", "عمر بن عبد العزيز", False, True)
    s = substitution("يوسف بن تاشفين (21 أغسطس 1963) ملك المغرب", "محمد بن الحسن (21 أغسطس 1963) ملك المغرب")
    assert (s.claim, s.evidence, s.of_names) == ("يوسف بن تاشفين", "محمد بن الحسن", True)
