"""Exports read back with the csv and json modules equal the library; cells are safe for spreadsheets."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from five_star.store.errors import FiveStarError
from five_star.store.export.writers import (
    ARTICLE_COLUMNS,
    FIGURE_COLUMNS,
    LIST_SEPARATOR,
    date_text,
    write_articles_csv,
    write_figures_csv,
    write_jsonl,
)
from five_star.store.library.library import Library
from five_star.store.model import Article, DateMention, Figure, StarCount
from helpers.library import seeds_library


@pytest.fixture(scope="module")
def articles(tmp_path_factory) -> list[Article]:
    with Library.open(seeds_library(tmp_path_factory)) as lib:
        return lib.articles()


def read_csv(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        return reader.fieldnames, list(reader)


def number(text: str):
    return float(text) if text else None


def test_articles_csv_reads_back_as_the_library(articles, tmp_path):
    path = tmp_path / "articles.csv"
    assert write_articles_csv(articles, path) == len(articles)
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")
    header, rows = read_csv(path)
    assert header == ARTICLE_COLUMNS
    assert len(rows) == len(articles)
    for row, a in zip(rows, articles, strict=True):
        assert row["id"] == a.id
        assert row["title"] == (a.title or "")
        assert row["city"] == (a.city or "")
        assert row["counties"] == LIST_SEPARATOR.join(a.counties)
        assert row["programs"].split(LIST_SEPARATOR) == (a.programs or [""])
        assert row["stars"] == LIST_SEPARATOR.join(a.stars)
        assert row["authors"] == LIST_SEPARATOR.join(a.authors)
        assert row["dates"].split(LIST_SEPARATOR) == (list(dict.fromkeys(date_text(d) for d in a.dates)) or [""])
        assert row["source"] == a.source
        assert (int(row["first_line"]), int(row["last_line"])) == (a.first_line, a.last_line)
        assert int(row["figure_count"]) == len(a.figures)
        assert row["figures"] == LIST_SEPARATOR.join(f.text for f in a.figures)
        assert len(row["star_counts"].split(LIST_SEPARATOR)) == len(a.star_counts) or not a.star_counts
        assert row["text"] == a.text


def test_figures_csv_has_one_row_per_figure(articles, tmp_path):
    path = tmp_path / "figures.csv"
    expected = [(a, f) for a in articles for f in a.figures]
    assert write_figures_csv(articles, path) == len(expected) > 0
    header, rows = read_csv(path)
    assert header == FIGURE_COLUMNS
    for row, (a, f) in zip(rows, expected, strict=True):
        assert (row["article_id"], row["title"], row["city"], row["source"]) == (a.id, a.title or "", a.city or "", a.source)
        assert row["figure"] == f.text and a.text[int(row["start"]) : int(row["end"])] == f.text
        assert number(row["value"]) == (None if f.value is None else float(f.value))
        assert number(row["value_max"]) == (None if f.value_max is None else float(f.value_max))
        assert (row["unit"], row["qualifier"] or None, row["kind"]) == (f.unit, f.qualifier, f.kind)
        assert "e+" not in row["value"]  # plain numbers, as a spreadsheet expects


def test_jsonl_is_the_article_shape(articles, tmp_path):
    path = tmp_path / "articles.jsonl"
    assert write_jsonl(articles, path) == len(articles)
    raw = path.read_text(encoding="utf-8")
    assert [json.loads(line) for line in raw.splitlines()] == [a.to_dict() for a in articles]
    assert "漯河" in raw  # ensure_ascii=False


def hostile() -> Article:
    return Article(
        id="x1",
        source="=cmd|'/c calc'!A1.txt",
        first_line=1,
        last_line=3,
        title="=HYPERLINK(\"http://evil\")",
        authors=["+王远", "@李"],
        dates=[DateMention(text="7月1日", year=2023, month=7, day=1), DateMention(text="上月", year=None, month=None, day=None)],
        city="-漯河市",
        counties=["\t舞阳县"],
        programs=["红色物业"],
        star_counts=[StarCount(tier=5, count=70, text="“五星”支部70个")],
        figures=[Figure(text="-5%", value=-5, unit="%", qualifier=None, kind="percent", start=0, end=3)],
        text="-5%的增长\x1b[31m红字\x07\n第二段\x00",
    )


def test_formula_cells_are_neutralised_and_controls_stripped(tmp_path):
    path = tmp_path / "hostile.csv"
    write_articles_csv([hostile()], path)
    _, [row] = read_csv(path)
    assert row["title"] == "'=HYPERLINK(\"http://evil\")"
    assert row["source"].startswith("'=")
    assert row["city"] == "'-漯河市"
    assert row["counties"] == "'\t舞阳县"  # a leading tab can start a formula in some spreadsheets
    assert row["authors"] == "'+王远; @李"
    assert row["text"] == "'-5%的增长红字\n第二段"
    assert row["dates"] == "2023-07-01; 上月"
    assert row["star_counts"] == "五星 70"
    for value in row.values():
        assert not value.startswith(("=", "+", "-", "@", "\t", "\r"))

    figures = tmp_path / "hostile-figures.csv"
    write_figures_csv([hostile()], figures)
    _, [fig] = read_csv(figures)
    assert fig["figure"] == "'-5%" and fig["value"] == "'-5"


def test_articles_csv_lists_each_date_once(tmp_path):
    """Issue 9, item 6: an article that says 2023年 four times is dated 2023年 once, in first-mention order."""
    article = hostile()
    article.dates = [
        DateMention(text="2023年", year=2023, month=None, day=None),
        DateMention(text="7月1日", year=2023, month=7, day=1),
        DateMention(text="2023年", year=2023, month=None, day=None),
        DateMention(text="2023年7月1日", year=2023, month=7, day=1),
        DateMention(text="2023年", year=2023, month=None, day=None),
        DateMention(text="上月", year=None, month=None, day=None),
        DateMention(text="2023年", year=2023, month=None, day=None),
    ]
    path = tmp_path / "dates.csv"
    write_articles_csv([article], path)
    _, [row] = read_csv(path)
    assert row["dates"] == "2023年; 2023-07-01; 上月"


def test_export_replaces_atomically_and_reports_bad_targets(articles, tmp_path):
    path = tmp_path / "out.csv"
    path.write_text("old", encoding="utf-8")
    write_articles_csv(articles[:2], path)
    assert len(read_csv(path)[1]) == 2
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.csv"]  # no temp files, no backup
    with pytest.raises(FiveStarError, match="does not exist"):
        write_articles_csv(articles, tmp_path / "missing" / "out.csv")
    with pytest.raises(FiveStarError, match="is a folder"):
        write_jsonl(articles, tmp_path)


def test_empty_export_has_just_the_header(tmp_path):
    path = tmp_path / "none.csv"
    assert write_figures_csv([], path) == 0
    assert read_csv(path) == (FIGURE_COLUMNS, [])
