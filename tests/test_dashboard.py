"""The dashboard's numbers (store/query/dashboard.py): latest tally statements per place and tier, never sums;
planned apart; the county drill-down's rule; the timeline; the CSV as a spreadsheet reads it."""

from __future__ import annotations

import csv
import dataclasses
import time

import pytest

from five_star.store.model import Article, Place, StarCount
from five_star.store.query.browse import OUTSIDE_HENAN, PROVINCE_WIDE, UNLOCATED
from five_star.store.query.dashboard import (
    COLUMNS,
    PlaceRow,
    articles_of,
    city_rows,
    county_of,
    county_rows,
    dashboard_header,
    tally_sentence,
    timeline,
    write_dashboard_csv,
)
from helpers.library import generated_articles


def article(
    article_id: str,
    city: str | None = "漯河市",
    published: str | None = None,
    tallies: tuple[StarCount, ...] = (),
    counties: tuple[str, ...] = (),
    region: str = "henan",
    places: tuple[Place, ...] = (),
) -> Article:
    text = "。".join(t.text for t in tallies) + "。"
    return Article(
        id=article_id, source="t.txt", first_line=1, last_line=1, title=f"标题{article_id}", published=published,
        city=city, region=region, counties=list(counties), places=list(places), star_counts=list(tallies), text=text,
    )


def five(count: int, *, plan: bool = False) -> StarCount:
    return StarCount(5, count, f"拟创建“五星”支部{count}个" if plan else f"“五星”支部{count}个", plan)


def row_of(rows: list[PlaceRow], place: str) -> PlaceRow:
    return next(row for row in rows if row.place == place)


def achieved(row: PlaceRow, tier: int = 5) -> int | None:
    latest = row.latest(False, tier)
    return latest.statement.count if latest is not None else None


# ---- acceptance on the seeds ----------------------------------------------------------------------------


def test_the_seeds_tallies_per_city_each_traceable_to_its_sentence_and_article(articles):
    by_id = {a.id: a for a in articles}
    rows = city_rows(articles)
    expected = {("驻马店市", 5): 70, ("驻马店市", 4): 387, ("驻马店市", 3): 1095, ("漯河市", 5): 16}
    for (city, tier), count in expected.items():
        latest = row_of(rows, city).latest(False, tier)
        assert latest is not None and latest.statement.count == count
        source = by_id[latest.statement.article_id]
        assert source.city == city
        assert latest.statement.text in source.text
        sentence = tally_sentence(source, latest.statement.text)
        assert latest.statement.text in sentence and len(sentence) < len(source.text)
    zhumadian = row_of(rows, "驻马店市").latest(False, 3)
    assert zhumadian is not None
    assert "全市创建“五星”支部70个" in tally_sentence(by_id[zhumadian.statement.article_id], zhumadian.statement.text)
    assert row_of(rows, "漯河市").latest(False, 4) is None


def test_the_seeds_cities_come_ranked_by_articles_and_add_up(articles):
    rows = city_rows(articles)
    assert sum(row.articles for row in rows) == len(articles)
    counts = [row.articles for row in rows]
    assert counts == sorted(counts, reverse=True)
    assert rows[0].place == "周口市"


# ---- the latest statement, never a sum --------------------------------------------------------------------


def test_the_later_published_statement_wins_whatever_the_library_order():
    later, earlier = article("b", published="2023-06-01", tallies=(five(12),)), article("a", published="2023-01-05", tallies=(five(10),))
    for order in ([earlier, later], [later, earlier]):
        latest = city_rows(order)[0].latest(False, 5)
        assert latest is not None
        assert (latest.statement.count, latest.statement.article_id, latest.statement.published) == (12, "b", "2023-06-01")
        assert latest.statements == 2


def test_statements_restating_a_count_are_never_added_up():
    rows = city_rows([article(str(n), published=f"2023-0{n}-01", tallies=(five(16),)) for n in range(1, 4)])
    assert achieved(rows[0]) == 16


def test_an_undated_statement_ranks_below_any_dated_one():
    dated = article("dated", published="2019-01-01", tallies=(five(3),))
    undated = article("undated", tallies=(five(99),))
    assert achieved(city_rows([dated, undated])[0]) == 3
    assert achieved(city_rows([undated, dated])[0]) == 3


def test_ties_go_to_the_later_article_in_library_order():
    first, second = article("1", published="2023-05-05", tallies=(five(7),)), article("2", published="2023-05-05", tallies=(five(8),))
    assert achieved(city_rows([first, second])[0]) == 8
    assert achieved(city_rows([second, first])[0]) == 7
    assert achieved(city_rows([article("u1", tallies=(five(1),)), article("u2", tallies=(five(2),))])[0]) == 2


def test_planned_tallies_stand_apart_from_achieved_ones():
    done = article("done", published="2023-01-01", tallies=(five(12),))
    goal = article("goal", published="2024-01-01", tallies=(five(30, plan=True),))
    row = city_rows([done, goal])[0]
    assert achieved(row) == 12
    planned = row.latest(True, 5)
    assert planned is not None and (planned.statement.count, planned.statement.article_id) == (30, "goal")


def test_a_search_subset_narrows_every_number():
    everything = [
        article("old", published="2022-01-01", tallies=(five(5),)),
        article("new", published="2024-01-01", tallies=(five(9),)),
        article("other", city="许昌市"),
    ]
    subset = [everything[0]]
    rows = city_rows(subset)
    assert [(row.place, row.articles, achieved(row)) for row in rows] == [("漯河市", 1, 5)]
    assert [row.place for row in city_rows(everything)] == ["漯河市", "许昌市"]


def test_cities_first_then_province_outside_and_unlocated():
    items = [
        article("u1", city=None, region="unknown"), article("u2", city=None, region="unknown"),
        article("u3", city=None, region="unknown"),
        article("p", city=None, region="province"), article("o", city=None, region="outside"),
        article("x", city="许昌市"), article("l1"), article("l2"),
    ]
    assert [(row.place, row.articles) for row in city_rows(items)] == [
        ("漯河市", 2), ("许昌市", 1), (PROVINCE_WIDE, 1), (OUTSIDE_HENAN, 1), (UNLOCATED, 3),
    ]


# ---- counties ---------------------------------------------------------------------------------------------


def test_a_tally_belongs_to_a_county_only_when_its_article_names_that_county_alone():
    lankao = Place("兰考县", "county", "410225", "开封市", "兰考县")  # a study tour: another city's county
    items = [
        article("one", counties=("舞阳县",), published="2023-01-01", tallies=(five(4),)),
        article("two", counties=("舞阳县", "郾城区"), published="2024-01-01", tallies=(five(16),)),
        article("none", published="2022-01-01", tallies=(five(15),)),
        article("tour", counties=("兰考县", "郾城区"), places=(lankao,), tallies=(five(2),)),
        article("elsewhere", city="许昌市", counties=("舞阳县",), tallies=(five(50),)),
    ]
    assert [county_of(a) for a in items[:4]] == ["舞阳县", None, None, "郾城区"]
    rows = county_rows(items, "漯河市")
    assert [(row.place, row.articles, achieved(row)) for row in rows] == [
        ("漯河市", 2, 16), ("舞阳县", 1, 4), ("郾城区", 1, 2),
    ]
    assert sum(row.articles for row in rows) == len(articles_of(items, "漯河市")) == 4


def test_the_seeds_drill_down_keeps_zhumadian_tallies_with_the_city(articles):
    rows = county_rows(articles, "驻马店市")
    assert rows[0].place == "驻马店市"
    assert (achieved(rows[0], 5), achieved(rows[0], 4), achieved(rows[0], 3)) == (70, 387, 1095)
    assert sum(row.articles for row in rows) == row_of(city_rows(articles), "驻马店市").articles


# ---- timeline ---------------------------------------------------------------------------------------------


def test_timeline_counts_articles_per_month_with_empty_months_and_the_undated_apart():
    items = [
        article("a", published="2023-11-03"), article("b", published="2023-11-30"),
        article("c", published="2024-02-01"), article("d"), article("e"),
    ]
    line = timeline(items)
    assert line.months == [("2023-11", 2), ("2023-12", 0), ("2024-01", 0), ("2024-02", 1)]
    assert line.undated == 2


def test_the_seeds_timeline_counts_every_article(articles):
    line = timeline(articles)
    assert sum(count for _, count in line.months) + line.undated == len(articles)


# ---- CSV --------------------------------------------------------------------------------------------------


def test_the_csv_reads_back_with_the_rows_shown(articles, tmp_path):
    path = tmp_path / "dashboard.csv"
    rows = city_rows(articles)
    assert write_dashboard_csv(rows, path) == len(rows)
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")  # Excel reads UTF-8 only with the BOM
    with path.open(encoding="utf-8-sig", newline="") as handle:
        table = list(csv.reader(handle))
    header, body = table[0], table[1:]
    assert header == dashboard_header()
    assert header[:6] == ["city", "articles", "五星", "五星 date", "五星 article", "五星 statement"]
    assert len(header) == 2 + 4 * len(COLUMNS) and "planned 五星" in header
    assert [line[0] for line in body] == [row.place for row in rows]
    zhumadian = dict(zip(header, body[[line[0] for line in body].index("驻马店市")], strict=True))
    assert (zhumadian["五星"], zhumadian["四星"], zhumadian["三星"]) == ("70", "387", "1095")
    assert zhumadian["五星 date"] == ""  # the seed page states no date
    assert zhumadian["五星 statement"] == "“五星”支部70个"
    assert zhumadian["五星 article"] in {a.id for a in articles if a.city == "驻马店市"}


def test_csv_cells_are_neutralised_like_every_export(tmp_path):
    hostile = StarCount(5, 3, "=HYPERLINK(\"http://x\")\x1b[31m“五星”支部3个")
    path = tmp_path / "counties.csv"
    write_dashboard_csv(county_rows([article("h", tallies=(hostile,))], "漯河市"), path, "county")
    with path.open(encoding="utf-8-sig", newline="") as handle:
        header, line = list(csv.reader(handle))
    assert header[0] == "county"
    statement = dict(zip(header, line, strict=True))["五星 statement"]
    assert statement.startswith("'=") and "\x1b" not in statement


# ---- speed ------------------------------------------------------------------------------------------------


@pytest.mark.slow
def test_twenty_thousand_articles_aggregate_at_interactive_speed():
    """About 50 ms in all where it was measured (store/query/dashboard.py); the bound leaves room for a
    loaded CI machine."""
    base = generated_articles()
    # Each its own story: the same article repeated would be one story told many times, counted once.
    many = [dataclasses.replace(base[n % len(base)], id=f"g{n}", story="") for n in range(20_000)]
    started = time.perf_counter()
    rows = city_rows(many)
    county_rows(many, rows[0].place)
    timeline(many)
    assert time.perf_counter() - started < 0.5
    assert sum(row.articles for row in rows) == 20_000
