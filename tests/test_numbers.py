"""The one reader of numbers, counts and months (`factbot.text.numbers`), as claim analysis and
answer extraction each parametrise it."""

import pytest

from factbot.ask import values
from factbot.text import facts, numbers
from factbot.text.matching import fact_tokens


@pytest.mark.parametrize("text, value, end, qualifier, unit", [
    ("حوالي 2500 جندي", 2500.0, 2, "approx", "troops"),
    ("more than 2.5 million people", 2_500_000.0, 4, "more", "people"),   # the multiplier is taken
    ("خمسه فرق", 5.0, 1, "", "groups"),
])
def test_count_at_reads_multiplier_qualifier_and_unit(text, value, end, qualifier, unit):
    toks = fact_tokens(text)
    i = next(k for k in range(len(toks)) if numbers.number_at(toks, k) is not None)
    assert numbers.count_at(toks, i, numbers.number_at(toks, i)) == numbers.Count(value, end, qualifier, unit)


def test_number_at_takes_whole_numbers_only():
    assert numbers.number_at(["10%"], 0) is None  # a word of ask.values: digits with a sign attached
    assert numbers.number_at(["الف"], 0) is None    # the letter name, unless beside digits
    assert numbers.number_at(["2.5"], 0) == 2.5


@pytest.mark.parametrize("text, claim_months, answer_months", [
    ("they may meet on 7 May", (5, 5), ["date"]),        # facts read "may" always; answers only by a day
    ("they march in protest", (), []),                   # a verb either way
    ("وفي تشرين الأول 2023", (10,), ["month_year"]),
    ("وتشرين الاول 2023", (10,), []),                   # a proclitic: facts read through it, answers do not
])
def test_the_month_reader_as_each_caller_sets_it(text, claim_months, answer_months):
    assert facts.analyze(text).months == claim_months
    ws = list(values.words(text))
    assert [e.kind for e in values.find_times(text, ws, "en") if e.kind != "year"] == answer_months
