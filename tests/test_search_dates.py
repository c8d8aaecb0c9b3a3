"""``date:`` filters on ``Article.published``: every written period, every comparison, against a scan."""

from __future__ import annotations

import random

import pytest

from five_star.store.model import Article
from five_star.store.query.search import SearchIndex, parse_query
from five_star.store.query.search.language import date_period
from five_star.store.query.service import QueryService


def article(n: int, published: str | None) -> Article:
    return Article(id=f"a{n}", source=f"p{n}.txt", first_line=1, last_line=2, title=f"标题{n}", published=published, text="五星支部")


@pytest.fixture(scope="module")
def dated() -> list[Article]:
    chooser = random.Random(7)
    days = [f"{y}-{m:02d}-{d:02d}" for y in (2022, 2023, 2024) for m in (1, 4, 5, 12) for d in (1, 15, 30, 31) if not (m == 4 and d == 31)]
    return [article(n, chooser.choice([*days, None])) for n in range(400)]


@pytest.mark.parametrize(
    ("written", "period"),
    [
        ("2023", ("2023-01-01", "2023-12-31")),
        ("2023-05", ("2023-05-01", "2023-05-31")),
        ("2024-02", ("2024-02-01", "2024-02-29")),
        ("2023年5月", ("2023-05-01", "2023-05-31")),
        ("2023/5/1", ("2023-05-01", "2023-05-01")),
        ("2023年5月1日", ("2023-05-01", "2023-05-01")),
        ("2023-05-01", ("2023-05-01", "2023-05-01")),
    ],
)
def test_periods_are_read_from_every_usual_form(written, period):
    assert date_period(written) == period


@pytest.mark.parametrize("written", ["date:2023-13", "date:2023-02-30", "date:abc", "date:", "date>=05-01", "date<1899"])
def test_dates_that_are_not_dates_are_warned_about(written):
    query = parse_query(written)
    assert not query.dates
    assert query.warnings and query.warnings[0].startswith("date")


@pytest.mark.parametrize(
    "q", ["date:2023", "date:2023-05", "date:2023-05-15", "date>=2023-05-01", "date>2023-05", "date<2024", "date<=2023-04", "date=2022", "-date:2023", "date:none", "date:2023 date<2023-06"]
)
def test_each_filter_matches_exactly_what_a_scan_of_published_finds(dated, q):
    query = parse_query(q)
    assert query.dates and not query.warnings
    expected = [a.id for a in dated if all(t.holds(a.published) != t.negated for t in query.dates)]
    found = [hit.article_id for hit in SearchIndex(dated, background=False).search(query)]
    assert sorted(found) == sorted(expected)
    assert expected  # the fixture holds articles on both sides of every period tested


def test_bounds_hold_at_the_edges_of_a_period():
    articles = [article(1, "2023-04-30"), article(2, "2023-05-01"), article(3, "2023-05-31"), article(4, "2023-06-01"), article(5, None)]
    index = SearchIndex(articles, background=False)

    def found(q: str) -> list[str]:
        return sorted(hit.article_id for hit in index.search(q))

    assert found("date:2023-05") == ["a2", "a3"]
    assert found("date>=2023-05") == ["a2", "a3", "a4"]
    assert found("date>2023-05") == ["a4"]
    assert found("date<2023-05") == ["a1"]
    assert found("date<=2023-05") == ["a1", "a2", "a3"]
    assert found("date:none") == ["a5"]


def test_a_query_of_only_an_unreadable_date_is_refused_not_answered_with_everything():
    service = QueryService([article(1, "2023-05-01"), article(2, None)])
    answer = service.answer("date:2023-13")
    assert answer.refused
    assert "date:2023-13" in answer.warnings[0]
