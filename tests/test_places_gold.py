"""Where each article is, as the real pipeline says (``article.city``, ``article.counties``, ``article.places``),
against the gold annotations of the seed pages. Thresholds are the measured scores: 26 of 26."""

from __future__ import annotations

GOLD_ITEMS = 26


def test_every_city_matches_gold(gold_score):
    assert gold_score.cities.wrong == []
    assert gold_score.cities.right == GOLD_ITEMS


def test_every_county_list_matches_gold(gold_score):
    # Gold's 源汇新区 is scored as the official 源汇区 (helpers/gold.py GOLD_COUNTY_OFFICIAL).
    assert gold_score.counties.wrong == []
    assert gold_score.counties.right == GOLD_ITEMS


def test_townships_and_villages_lie_in_a_named_county_or_the_articles_city(seed_pipeline_articles):
    places = [(a, p) for a in seed_pipeline_articles for p in a.places if p.level in ("township", "village")]
    for article, place in places:
        assert place.county in article.counties or place.city == article.city, (article.source, article.first_line, place)


def test_every_seed_item_is_in_henan(seed_pipeline_articles):
    # The seeds are Henan papers: no item is province-wide or outside Henan, none is left unlocated.
    assert {a.region for a in seed_pipeline_articles} == {"henan"}
