"""The XQuAD split between fitting and measuring: fits read the even articles
(scripts/fitting.py), `benchmarks/corpora.py run --xquad-held-out` reports the odd ones."""

from factbot.evaluate.datasets import Dataset, Format, Item, Kind

from benchmarks.corpora import article_of, held_out
from tests.conftest import load_script


def _item(a: int, q: int) -> Item:
    return Item(f"q{a}-{q}", Kind.QUESTION, "Who?", f"data[{a}].paragraphs[0].qas[{q}]")


def test_held_out_keeps_the_odd_articles_only_and_the_collection_whole():
    items = tuple(_item(a, q) for a in (0, 1, 2, 3, 10, 11) for q in (0, 1))
    ds = Dataset("x.json", Format.SQUAD, "", len(items), items, ())
    kept = held_out(ds)
    assert [article_of(i) for i in kept.items] == [1, 1, 3, 3, 11, 11]
    assert kept.contexts == ds.contexts and kept.lines == ds.lines


def test_fits_read_exactly_the_articles_the_measurement_leaves_out():
    fitting = load_script("fitting")
    for a in range(16):
        # every article is either fitted on or measured, never both
        assert fitting.fit_article(a) != bool(held_out(Dataset("x", Format.SQUAD, "", 1, (_item(a, 0),), ())).items)


def test_count_swaps_exchange_two_counts_of_different_things(tmp_path):
    import json

    from benchmarks.corpora import count_swap_items
    from factbot.types import Label

    ctx = ("The storm's path was 219 miles (352 km) long, the longest on record. "
           "It killed 12 people and 12 cattle in one town. The line has 14 stops.[2] Nothing else.")
    path = tmp_path / "f.json"
    path.write_text(json.dumps({"data": [{"paragraphs": [{"context": ctx, "qas": []}]}]}), encoding="utf-8")
    swaps, controls = count_swap_items(path, "en")
    # one sentence qualifies: the second has one value twice, the third a footnote marker and one count
    assert [i.text for i in swaps] == ["The storm's path was 352 miles (219 km) long, the longest on record."]
    assert [i.text for i in controls] == ["The storm's path was 219 miles (352 km) long, the longest on record."]
    assert swaps[0].label is Label.REFUTED and controls[0].label is Label.SUPPORTED
