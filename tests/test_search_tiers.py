"""``tier:`` and tier-valued ``star:`` filters: articles by the tiers their star tallies count, planned
tallies included and findable apart, through the one query service the command line and the app share."""

from __future__ import annotations

import pytest

from five_star.store.model import Article, StarCount
from five_star.store.query.search import SearchIndex, parse_query
from five_star.store.query.service import QueryService


def article(n: int, tallies: list[StarCount], stars: list[str] | None = None) -> Article:
    return Article(
        id=f"a{n}", source=f"p{n}.txt", first_line=1, last_line=2, title=f"标题{n}", text="“五星”支部创建",
        star_counts=tallies, stars=stars or [],
    )


ARTICLES = [
    article(0, [StarCount(5, 70, "“五星”支部70个"), StarCount(4, 387, "“四星”支部387个")]),
    article(1, [StarCount(5, 6, "“五星”支部的6个", plan=True)]),
    article(2, [StarCount(4, 15, "“四星”支部15个")], stars=["产业兴旺星"]),
    article(3, [], stars=["幸福和谐星", "生态宜居星"]),
    article(4, [StarCount(1, 15, "“一星”支部15个"), StarCount(3, 4, "“三星”支部4个", plan=True)]),
]


def found(q: str) -> set[str]:
    index = SearchIndex(ARTICLES, background=False)
    query = parse_query(q)
    by_index = {hit.article_id for hit in index.search(query)}
    by_scan = {ARTICLES[n].id for n in index.scanning().scan(query)}
    assert by_index == by_scan, q
    return by_index


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("tier:5", {"a0", "a1"}),
        ("tier:五星", {"a0", "a1"}),
        ("tier:五", {"a0", "a1"}),
        ("tier:5星", {"a0", "a1"}),
        ("tier：四星", {"a0", "a2"}),
        ("tier:1", {"a4"}),  # whole tiers only: 15 is a count, not tier 1
        ("tier:planned", {"a1", "a4"}),
        ("tier:5 -tier:planned", {"a0"}),
        ("-tier:5", {"a2", "a3", "a4"}),
        ("star:五星", {"a0", "a1"}),  # a tier, never a star category
        ("star:四星级", {"a0", "a2"}),
        ("star:产业兴旺星", {"a2"}),
        ("star:产业兴旺", {"a2"}),
        ("star:幸福和谐星", {"a3"}),
        ("star:生态宜居“星”", {"a3"}),
        ("tier:4 star:产业兴旺星", {"a2"}),
    ],
)
def test_tier_and_star_filters(q, expected):
    assert found(q) == expected


@pytest.mark.parametrize("q", ["tier:6", "tier:abc", "tier:0"])
def test_a_tier_that_is_none_is_refused_with_the_reason(q):
    answer = QueryService(ARTICLES, indexed=False).answer(q)
    assert answer.refused and answer.hits == []
    assert answer.problem is not None and "tier:" in answer.problem and "1-5" in answer.problem


def test_the_service_answers_tier_queries_as_the_index_does():
    service = QueryService(ARTICLES, indexed=False)
    for q in ("tier:5", "star:五星", "tier:planned 五星"):
        assert {hit.article_id for hit in service.answer(q).hits} == found(q)
