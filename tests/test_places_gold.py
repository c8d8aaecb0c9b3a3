"""Places against the hand-made gold annotations of the seed pages (skips cleanly without ../shared).

``gold_articles`` runs the real pipeline (``extract_text``) on each seed page and pairs every gold item
with the extracted article whose span starts within one line of it. tests/test_programs_gold.py uses it
too.
"""

from __future__ import annotations

from five_star.store.extraction.places import resolve_page_places, rules
from five_star.store.pipeline import extract_text


def _pages(gold, shared_dir) -> dict[str, list]:
    sources = dict.fromkeys(item["source"] for item in gold)
    return {s: extract_text((shared_dir / "seeds" / s).read_text(encoding="utf-8"), s).articles for s in sources}


def _pair(item: dict, articles: list):
    matches = [a for a in articles if abs(a.first_line - item["first_line"]) <= 1]
    assert matches, f"no extracted article for {item['source']} line {item['first_line']}"
    return matches[0]


def gold_articles(gold: list[dict], shared_dir) -> list[tuple[dict, str | None, str]]:
    """(gold item, title, text) for every gold item, in gold order, as the pipeline extracts them."""
    pages = _pages(gold, shared_dir)
    pairs = [(item, _pair(item, pages[item["source"]])) for item in gold]
    return [(item, article.title, article.text) for item, article in pairs]


def resolved(gold, shared_dir):
    """(gold item, PlaceResult): each page resolved together, so captions get the page's city."""
    out = []
    for source, articles in _pages(gold, shared_dir).items():
        results = dict(zip((id(a) for a in articles), resolve_page_places([(a.text, a.title) for a in articles])))
        for item in (i for i in gold if i["source"] == source):
            out.append((item, results[id(_pair(item, articles))]))
    return out


def test_city_right_for_at_least_24_of_26(gold, shared_dir):
    pairs = resolved(gold, shared_dir)
    wrong = [(i["source"], i["first_line"], r.city, i["city"]) for i, r in pairs if r.city != i["city"]]
    assert len(pairs) == 26
    assert len(wrong) <= 2, wrong


def test_counties_match_gold(gold, shared_dir):
    # Gold lists 源汇新区 as written; places gives the official 源汇区 (places.json county_aliases).
    official = {k: v for k, v in rules()["county_aliases"].items() if not k.startswith("_")}
    pairs = resolved(gold, shared_dir)
    wrong = [
        (i["source"], i["first_line"], r.counties, i["counties"])
        for i, r in pairs
        if r.counties != [official.get(c, c) for c in i["counties"]]
    ]
    assert len(wrong) <= 1, wrong


def test_places_of_each_article_lie_in_its_city_or_are_named_counties(gold, shared_dir):
    # Every township and village resolved lies in a county the article named or in its city.
    for item, result in resolved(gold, shared_dir):
        for place in result.places:
            if place.level in ("township", "village"):
                assert place.county in result.counties or place.city == result.city, (item["first_line"], place)
