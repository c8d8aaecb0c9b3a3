"""The figure explorer's rows (store/query/figure_rows.py): built, filtered, sorted, summarised and exported."""

from __future__ import annotations

import csv
from statistics import median

import pytest

from five_star.store.export.writers import cell
from five_star.store.model import Article, Figure
from five_star.store.query.figure_rows import COLUMN_NAMES, SUM_WARNING, FigureRows, summarize, sums_with_warning
from five_star.store.query.search import SearchIndex, parse_query
from helpers.library import generated_articles

SEED_FIGURES = 121


def figure(value, unit="元", kind="money", value_max=None, text="") -> Figure:
    return Figure(text or f"{value}{unit}", value, unit, None, kind, 0, 0, value_max)


def article(number: int, figures: list[Figure], **fields) -> Article:
    """An article whose text holds each figure as a sentence of its own, at the offsets the figure says."""
    text, placed = "", []
    for f in figures:
        start = len(text)
        text += f"报道{f.text}。"
        placed.append(Figure(f.text, f.value, f.unit, f.qualifier, f.kind, start + 2, start + 2 + len(f.text), f.value_max))
    return Article(id=f"a{number}", source=f"s{number}", first_line=1, last_line=1, text=text, figures=placed, **fields)


# ---- rows -----------------------------------------------------------------------------------------------


def test_every_seed_figure_is_a_row_with_its_value_and_sentence(articles):
    rows = FigureRows(articles)
    assert len(rows) == SEED_FIGURES == sum(len(a.figures) for a in articles)
    listed = [(r.article_id, r.figure_index) for r in rows.selected(range(len(rows)))]
    assert listed == [(a.id, i) for a in articles for i in range(len(a.figures))]  # library order, text order
    for row in rows.selected(range(len(rows))):
        assert row.figure is row.article.figures[row.figure_index]
        assert row.sentence == row.article.sentence_of(row.figure)
        assert row.figure.text in row.sentence
    assert any(r.figure.value == 29540000 and "2954万元" in r.sentence for r in rows.selected(range(len(rows))))


def test_sentences_filled_at_once_are_sentence_of():
    articles = generated_articles(60)
    rows = FigureRows(articles)
    rows.fill_sentences()
    for row in rows.selected(range(len(rows))):
        assert row.sentence == row.article.sentence_of(row.figure)


# ---- sorting --------------------------------------------------------------------------------------------


def test_sorting_by_value_puts_figures_without_one_last_either_way():
    articles = [
        article(0, [figure(5), figure(None, text="若干元"), figure(7)]),
        article(1, [figure(5, text="五元"), figure(1)]),
    ]
    rows = FigureRows(articles)
    everything = rows.filter("").numbers
    values = lambda order: [rows.row(n).figure.value for n in order]  # noqa: E731
    assert values(rows.sort(everything, "value")) == [1, 5, 5, 7, None]
    assert values(rows.sort(everything, "value", descending=True)) == [7, 5, 5, 1, None]
    # Equal values keep row order in both directions (stable).
    fives = [n for n in rows.sort(everything, "value", descending=True) if rows.row(n).figure.value == 5]
    assert [rows.row(n).figure.text for n in fives] == ["5元", "五元"]
    # A subset keeps only its own rows.
    subset = [1, 3, 4]
    assert values(rows.sort(subset, "value")) == [1, 5, None]


def test_sorting_the_seeds_by_value_and_by_date(articles):
    rows = FigureRows(articles)
    order = rows.sort(rows.filter("").numbers, "value", descending=True)
    values = [rows.row(n).figure.value for n in order]
    valued = [v for v in values if v is not None]
    assert valued == sorted(valued, reverse=True) and valued[0] == 29540000
    assert values[len(valued):] == [None] * (len(values) - len(valued))
    dates = [rows.row(n).article.published for n in rows.sort(rows.filter("").numbers, "published")]
    known = [d for d in dates if d]
    assert known == sorted(known)
    assert dates == known + [None] * (len(dates) - len(known))  # undated last


def test_every_column_sorts(articles):
    rows = FigureRows(articles)
    for name in COLUMN_NAMES:
        order = rows.sort(range(len(rows)), name)
        assert sorted(order) == list(range(len(rows)))


def test_an_unknown_column_is_refused(articles):
    with pytest.raises(Exception, match="no figure column"):
        FigureRows(articles).sort([0], "colour")


# ---- filtering ------------------------------------------------------------------------------------------


def test_money_of_a_million_or_more(articles):
    rows = FigureRows(articles)
    kept = rows.filter("unit:元 value>=1000000")
    assert kept.problem is None and not kept.refused
    found = rows.selected(kept.numbers)
    assert sorted(r.figure.value for r in found) == [1340000, 9850000, 29540000]
    assert all(r.figure.unit == "元" for r in found)
    # Both tests hold for one and the same figure: never a big count beside a small amount of money.
    assert all(r.figure.value >= 1000000 for r in found)


def test_kind_city_and_words(articles):
    rows = FigureRows(articles)
    people = rows.selected(rows.filter("kind:people").numbers)
    assert len(people) == sum(f.kind == "people" for a in articles for f in a.figures) == 33
    in_luohe = rows.selected(rows.filter("city:漯河").numbers)
    assert in_luohe and len(in_luohe) == sum(len(a.figures) for a in articles if a.city and "漯河" in a.city)
    assert {r.article.city for r in in_luohe} == {"漯河市"}
    collective = rows.selected(rows.filter("集体经济").numbers)
    assert collective and all("集体经济" in r.sentence for r in collective)
    not_percent = rows.selected(rows.filter("-kind:percent").numbers)
    assert len(not_percent) == SEED_FIGURES - sum(f.kind == "percent" for a in articles for f in a.figures)


def test_a_refused_filter_keeps_nothing_and_says_why(articles):
    rows = FigureRows(articles)
    refused = rows.filter("value>=abc")
    assert refused.refused and refused.numbers == []
    assert "not a number" in (refused.problem or "")
    partly = rows.filter("kind:banana kind:people")
    assert not partly.refused and len(partly.numbers) == 33 and "kind:banana" in (partly.problem or "")
    assert rows.filter("").numbers == list(range(SEED_FIGURES))
    assert rows.filter("   ").problem is None


@pytest.mark.parametrize(
    "query",
    ["unit:元 value>=1000000", "kind:people", "city:漯河", "program:乡村振兴", "value<10", "unit:人 value<=100",
     "county:舞阳 kind:money", "date:none", "-city:驻马店 unit:个", "tier:5", "value>=一百万"],
)
def test_a_filter_keeps_the_figures_of_the_articles_a_search_finds(query):
    """The same language, read the same way: the articles owning the kept rows are the search's hits."""
    articles = generated_articles(120)
    rows = FigureRows(articles)
    owners = {rows.row(n).article_id for n in rows.filter(query).numbers}
    index = SearchIndex(articles, indexed=False)
    hits = {articles[n].id for n in index.matching(parse_query(query))}
    assert owners == {a.id for a in articles if a.id in hits and a.figures}
    assert owners or query == "date:none"  # each query keeps some rows, so the comparison says something


def test_date_filters_read_the_articles_published_date():
    articles = [
        article(0, [figure(1)], published="2023-05-04"),
        article(1, [figure(2), figure(3)], published="2024-01-02"),
        article(2, [figure(4)]),
    ]
    rows = FigureRows(articles)
    kept = lambda query: [rows.row(n).figure.value for n in rows.filter(query).numbers]  # noqa: E731
    assert kept("date:2023-05") == [1]
    assert kept("date>=2024") == [2, 3]
    assert kept("date:none") == [4]
    assert kept("-date:none unit:元") == [1, 2, 3]
    dates = [rows.row(n).article.published for n in rows.sort(range(len(rows)), "published", descending=True)]
    assert dates == ["2024-01-02", "2024-01-02", "2023-05-04", None]  # undated last, descending too


def test_a_range_passes_a_comparison_some_value_of_it_passes():
    rows = FigureRows([article(0, [figure(150000, value_max=160000, text="十五六万元"), figure(100000)])])
    assert [rows.row(n).figure.text for n in rows.filter("value>=155000").numbers] == ["十五六万元"]
    assert [rows.row(n).figure.text for n in rows.filter("value=155000").numbers] == ["十五六万元"]
    assert len(rows.filter("value<=150000").numbers) == 2


# ---- summary and sums -----------------------------------------------------------------------------------


def test_summary_per_unit_checked_by_hand():
    articles = [
        article(0, [figure(100), figure(300), figure(12, "人", "people")]),
        article(1, [figure(200), figure(1000), figure(None, text="若干元"), figure(8, "人", "people")]),
        article(2, [figure(150000, value_max=160000, text="十五六万元")]),
    ]
    summary = summarize(FigureRows(articles).figures)
    assert summary.count == 8
    money, people = summary.units
    # 元: 100, 300, 200, 1000, and the range counted as its lower value 150000; 若干元 has no value.
    assert (money.unit, money.count, money.low, money.median, money.high) == ("元", 5, 100, 300, 150000)
    assert (people.unit, people.count, people.low, people.median, people.high) == ("人", 2, 8, 10, 12)
    assert summarize([]).count == 0 and summarize([]).units == []


def test_seed_summary_matches_the_values(articles):
    rows = FigureRows(articles)
    money = rows.selected(rows.filter("unit:元").numbers)
    summary = summarize(r.figure for r in money)
    values = [r.figure.value for r in money if r.figure.value is not None]
    (only,) = summary.units
    assert (only.low, only.median, only.high) == (min(values), median(values), max(values))


def test_sums_come_only_with_the_warning():
    rows = FigureRows([article(0, [figure(100), figure(50, "人")]), article(1, [figure(100)])])
    sums = sums_with_warning(rows.figures)
    assert sums.totals == {"元": 200, "人": 50}
    assert sums.warning == SUM_WARNING and "several articles" in sums.warning


# ---- CSV ------------------------------------------------------------------------------------------------


def read_back(path):
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.reader(handle))


def test_csv_of_the_filtered_sorted_rows_reads_back(articles, tmp_path):
    rows = FigureRows(articles)
    order = rows.sort(rows.filter("unit:元").numbers, "value", descending=True)
    out = tmp_path / "figures.csv"
    assert rows.export(order, out) == len(order)
    assert out.read_bytes().startswith(b"\xef\xbb\xbf")  # Excel reads UTF-8 only with the BOM
    header, *lines = read_back(out)
    assert header == list(COLUMN_NAMES)
    assert len(lines) == len(order)
    first = dict(zip(header, lines[0], strict=True))
    top = rows.row(order[0])
    assert first["value"] == "29540000" and first["unit"] == "元"
    assert first["sentence"] == top.sentence and first["article_id"] == top.article_id
    assert int(first["figure_index"]) == top.figure_index
    assert first["title"] == (top.article.title or "") and first["city"] == (top.article.city or "")
    assert [line[header.index("article_id")] for line in lines] == [rows.row(n).article_id for n in order]


def test_csv_cells_are_neutralised_like_the_other_exports(tmp_path):
    hostile = "=HYPERLINK(\"http://x\")\x1b[31m"
    articles = [article(0, [figure(-5, text="-5元")], title=hostile, city="@城")]
    out = tmp_path / "hostile.csv"
    FigureRows(articles).export([0], out)
    header, line = read_back(out)
    row = dict(zip(header, line, strict=True))
    assert row["title"] == cell(hostile) and row["title"].startswith("'=") and "\x1b" not in row["title"]
    assert row["city"] == cell("@城")
    assert row["value"] == cell("-5") == "'-5"
    assert row["figure"] == cell("-5元")


def test_an_export_to_a_missing_folder_fails_cleanly(articles, tmp_path):
    with pytest.raises(Exception, match="does not exist"):
        FigureRows(articles).export([0], tmp_path / "no" / "such.csv")
