"""The figure explorer (tui/screens/figures.py) in the real app, driven through Textual's pilot, and its
snapshots in a dark and a light theme."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from five_star.store.query.figure_rows import COLUMN_NAMES, FigureRows
from five_star.tui.app import FiveStarApp
from five_star.tui.screens.figures import FigureExplorer, FigureGrid
from five_star.tui.widgets.article_detail import ArticleText, FigureTable, figure_value
from helpers.app import APP_SIZE, FIXED_NOW, library_copy, make_app, settle, toasts, type_query

pytestmark = pytest.mark.slow  # drives the real app through a pilot: a second or more per test

SEED_FIGURES = 121


def open_explorer(app, articles, results: list | None = None, **options) -> FigureExplorer:
    screen = FigureExplorer(list(articles), clock=lambda: FIXED_NOW, **options)
    app.push_screen(screen, results.append if results is not None else None)
    return screen


def table_of(screen: FigureExplorer) -> FigureGrid:
    return screen.query_one(FigureGrid)


def shown_rows(screen: FigureExplorer) -> list[int]:
    """The row numbers (in ``FigureRows``) the table shows, top to bottom."""
    return list(table_of(screen).order)


def drawn(table: FigureGrid, line: int) -> str:
    """What the table draws on a line of the screen (0 is the header)."""
    return "".join(segment.text for segment in table.render_line(line))


def summary_of(screen: FigureExplorer) -> str:
    return str(screen.query_one("#figures-summary").render())


async def test_lists_every_figure_with_a_summary(db, articles, tmp_path):
    app = make_app(db, tmp_path)
    async with app.run_test(size=APP_SIZE) as pilot:
        await settle(pilot)
        screen = open_explorer(app, articles)
        await settle(pilot)
        assert table_of(screen).row_count == SEED_FIGURES
        assert shown_rows(screen) == list(range(SEED_FIGURES))  # library order until sorted
        assert summary_of(screen).startswith(f"{SEED_FIGURES} figures")
        assert "元 " in summary_of(screen) and "max 29,540,000" in summary_of(screen)
        # Values right-aligned with thousands separators, as the article's figure table writes them.
        table = table_of(screen)
        assert drawn(table, 0).split() == ["value", "unit", "qual.", "kind", "sentence", "title", "city", "county"]
        for line in range(1, 6):
            row = screen.rows.row(table.order[line - 1])
            assert drawn(table, line)[:15] == figure_value(row.figure).rjust(15)
            assert row.figure.text in drawn(table, line)


async def test_typing_a_filter_narrows_the_table(db, articles, tmp_path):
    rows = FigureRows(articles)
    app = make_app(db, tmp_path)
    async with app.run_test(size=APP_SIZE) as pilot:
        await settle(pilot)
        screen = open_explorer(app, articles)
        await settle(pilot)
        await pilot.press("slash", *"kind:people")
        await settle(pilot)
        assert shown_rows(screen) == rows.filter("kind:people").numbers
        assert table_of(screen).row_count == 33
        assert summary_of(screen).startswith("33 figures")
        await pilot.press("space", *"city:漯河")
        await settle(pilot)
        assert shown_rows(screen) == rows.filter("kind:people city:漯河").numbers
        assert 0 < table_of(screen).row_count < 33


async def test_a_refused_filter_shows_nothing_and_says_why(db, articles, tmp_path):
    app = make_app(db, tmp_path)
    async with app.run_test(size=APP_SIZE) as pilot:
        await settle(pilot)
        screen = open_explorer(app, articles)
        await settle(pilot)
        await pilot.press("slash", *"value>=abc")
        await settle(pilot)
        assert table_of(screen).row_count == 0
        problem = screen.query_one("#figures-problem")
        assert problem.display and "not a number" in str(problem.render())
        assert summary_of(screen).startswith("0 figures")
        await pilot.press(*["backspace"] * 3, *"100")
        await settle(pilot)
        assert table_of(screen).row_count > 0 and not problem.display


async def test_s_sorts_by_value_and_S_reverses(db, articles, tmp_path):
    app = make_app(db, tmp_path)
    async with app.run_test(size=APP_SIZE) as pilot:
        await settle(pilot)
        screen = open_explorer(app, articles)
        await settle(pilot)
        rows = screen.rows
        await pilot.press("s")
        await settle(pilot)
        values = [rows.row(n).figure.value for n in shown_rows(screen)]
        valued = [v for v in values if v is not None]
        assert valued == sorted(valued) and values[: len(valued)] == valued
        assert "value ▲" in drawn(table_of(screen), 0)
        await pilot.press("S")
        await settle(pilot)
        values = [rows.row(n).figure.value for n in shown_rows(screen)]
        assert values[0] == 29540000
        assert [v for v in values if v is not None] == sorted(valued, reverse=True)
        await pilot.press("s")  # the next column
        await settle(pilot)
        units = [rows.row(n).figure.unit for n in shown_rows(screen)]
        assert units == sorted(units, key=lambda u: (not u, u))


def wired_app(db: Path, export_dir: Path) -> FiveStarApp:
    """The real app: ``f`` on its browse screen opens the explorer on what is shown (or selected)."""
    return make_app(db, export_dir)


async def test_enter_opens_the_article_with_the_figure_highlighted(db, articles, tmp_path):
    """Enter dismisses with (article id, figure index); the browse screen opens the article there and
    highlights that figure."""
    app = wired_app(db, tmp_path)
    async with app.run_test(size=APP_SIZE) as pilot:
        await settle(pilot)
        browse = app.browse
        results: list = []
        original = browse.views._open_figure
        browse.views._open_figure = lambda chosen: results.append(chosen) or original(chosen)  # type: ignore[method-assign]
        await pilot.press("f")
        await settle(pilot)
        assert isinstance(app.screen, FigureExplorer)
        assert len(app.screen.articles) == len(articles)  # every article is shown: all of them
        await pilot.press("S")  # by value, largest first
        await settle(pilot)
        await pilot.press("down", "enter")  # the second largest
        await settle(pilot)
        assert app.screen is browse
        ((article_id, index),) = results
        by_id = {a.id: a for a in articles}
        assert by_id[article_id].figures[index].value == 9850000
        text = browse.query_one(ArticleText)
        assert text.article is not None and text.article.id == article_id
        assert text.current == index
        assert browse.query_one(FigureTable).cursor_row == index
        # Again, on the article already open: the highlight moves to the other figure chosen.
        await pilot.press("f")
        await settle(pilot)
        await pilot.press("S")
        await settle(pilot)
        explorer = app.screen
        other = next(n for n in explorer.order
                     if explorer.rows.row(n).article_id == article_id and explorer.rows.row(n).figure_index != index)
        explorer.query_one(FigureGrid).move_cursor(explorer.order.index(other))
        await pilot.press("enter")
        await settle(pilot)
        other_index = explorer.rows.row(other).figure_index
        assert results[-1] == (article_id, other_index)
        assert text.article.id == article_id and text.current == other_index


async def test_f_takes_the_shown_articles_only(db, articles, tmp_path):
    app = wired_app(db, tmp_path)
    async with app.run_test(size=APP_SIZE) as pilot:
        await settle(pilot)
        await type_query(pilot, "city:漯河")
        await pilot.press("enter", "f")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, FigureExplorer)
        assert {a.id for a in screen.articles} == {a.id for a in articles if a.city == "漯河市"}
        assert table_of(screen).row_count == sum(len(a.figures) for a in articles if a.city == "漯河市")


async def test_escape_closes_without_a_figure(db, articles, tmp_path):
    app = make_app(db, tmp_path)
    results: list = []
    async with app.run_test(size=APP_SIZE) as pilot:
        await settle(pilot)
        open_explorer(app, articles, results)
        await settle(pilot)
        await pilot.press("slash", "a", "escape")  # in the filter box: back to the table first
        await settle(pilot)
        assert isinstance(app.screen, FigureExplorer) and results == []
        await pilot.press("escape")
        await settle(pilot)
        assert results == [None] and not isinstance(app.screen, FigureExplorer)


async def test_x_exports_the_filtered_sorted_rows(db, articles, tmp_path):
    app = make_app(db, tmp_path)
    async with app.run_test(size=APP_SIZE, notifications=True) as pilot:
        await settle(pilot)
        screen = open_explorer(app, articles, export_dir=tmp_path)
        await settle(pilot)
        await pilot.press("slash", *"unit:元", "enter")
        await settle(pilot)
        await pilot.press("S")
        await settle(pilot)
        await pilot.press("x")
        await settle(pilot)
        out = tmp_path / "five-star-figures-20240504-123015.csv"
        assert any(f"Exported 10 figures to {out}" in t for t in toasts(app))
        expected = [screen.rows.row(n) for n in screen.order]
        await pilot.press("x")  # the same second: a new name, never over the first
        await settle(pilot)
        assert (tmp_path / "five-star-figures-20240504-123015-2.csv").is_file()
    with out.open(encoding="utf-8-sig", newline="") as handle:
        header, *lines = list(csv.reader(handle))
    assert header == list(COLUMN_NAMES)
    assert [(line[header.index("article_id")], int(line[header.index("figure_index")])) for line in lines] == [
        (r.article_id, r.figure_index) for r in expected
    ]
    assert lines[0][header.index("value")] == "29540000"
    assert all(line[header.index("unit")] == "元" for line in lines)


async def test_plus_sums_each_unit_only_with_the_warning(db, articles, tmp_path):
    app = make_app(db, tmp_path)
    async with app.run_test(size=APP_SIZE, notifications=True) as pilot:
        await settle(pilot)
        open_explorer(app, articles)
        await settle(pilot)
        await pilot.press("slash", *"unit:元", "enter")
        await settle(pilot)
        await pilot.press("plus")
        await pilot.pause()
        total = sum(f.value for a in articles for f in a.figures if f.unit == "元" and f.value is not None)
        (shown,) = [t for t in toasts(app) if "Sums" in t or f"元 {total:,}" in t]
        assert f"元 {total:,}" in shown and "several articles" in shown


async def test_a_large_table_scrolls_and_sorts_every_row(db, tmp_path):
    """The grid draws only the lines in view, so every row is in it, however many."""
    from five_star.store.model import Article, Figure

    text = "投资5万元。" * 3
    count = 700
    articles = [
        Article(id=f"a{n}", source="s", first_line=1, last_line=1, text=text,
                figures=[Figure("5万元", 50000 + n, "元", None, "money", 2 + 6 * i, 6 + 6 * i) for i in range(3)])
        for n in range(count)
    ]
    app = make_app(db, tmp_path)
    async with app.run_test(size=APP_SIZE) as pilot:
        await settle(pilot)
        screen = open_explorer(app, articles)
        await settle(pilot)
        table = table_of(screen)
        assert table.row_count == 3 * count
        assert summary_of(screen).startswith(f"{3 * count:,} figures")
        await pilot.press("end")
        await pilot.pause()
        assert table.cursor_row == 3 * count - 1
        assert drawn(table, table.scrollable_content_region.height - 1).startswith(f"{50000 + count - 1:,}".rjust(15))
        await pilot.press("pageup", "home")
        await pilot.pause()
        assert table.cursor_row == 0 and table.scroll_y == 0
        await pilot.press("S")
        await settle(pilot)
        assert screen.rows.row(table.order[0]).figure.value == 50000 + count - 1


async def test_clicking_a_header_sorts_and_clicking_the_highlighted_row_chooses(db, articles, tmp_path):
    app = make_app(db, tmp_path)
    results: list = []
    async with app.run_test(size=APP_SIZE) as pilot:
        await settle(pilot)
        screen = open_explorer(app, articles, results)
        await settle(pilot)
        table = table_of(screen)
        await pilot.click(FigureGrid, offset=(2, 0))  # the value header
        await settle(pilot)
        assert screen.sort_by == "value" and not screen.descending
        await pilot.click(FigureGrid, offset=(2, 0))
        await settle(pilot)
        assert screen.descending and screen.rows.row(table.order[0]).figure.value == 29540000
        await pilot.click(FigureGrid, offset=(2, 2))  # the second row: highlighted
        await pilot.pause()
        assert table.cursor_row == 1 and results == []
        await pilot.click(FigureGrid, offset=(2, 2))  # clicked again: chosen
        await settle(pilot)
        second = screen.rows.row(table.order[1])
        assert results == [(second.article_id, second.figure_index)]


# ---- snapshots ------------------------------------------------------------------------------------------


@pytest.fixture
def snapshot_app(tmp_path_factory, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "exports").mkdir()
    app = make_app(library_copy(tmp_path_factory, tmp_path), Path("exports"))
    app.animation_level = "none"
    return app


def explorer_after(theme: str, *keys: str):
    async def run_before(pilot) -> None:
        await settle(pilot)
        pilot.app.theme = theme
        pilot.app.push_screen(FigureExplorer(list(pilot.app.browse.articles.values()), clock=lambda: FIXED_NOW))
        await settle(pilot)
        for key in keys:
            await pilot.press(key)
            await settle(pilot)
        for widget in pilot.app.screen.query("Input"):
            widget.cursor_blink = False
        await pilot.pause()

    return run_before


@pytest.mark.parametrize("theme", ["textual-dark", "textual-light"])
@pytest.mark.parametrize("size", [(160, 45), (80, 24)], ids=["160x45", "80x24"])
def test_explorer_snapshot(snap_compare, snapshot_app, theme, size):
    keys = ("slash", *"unit:元", "enter", "S")  # money, largest first
    assert snap_compare(snapshot_app, terminal_size=size, run_before=explorer_after(theme, *keys))


def test_explorer_snapshot_with_a_refused_filter(snap_compare, snapshot_app):
    keys = ("slash", *"value>=abc")
    assert snap_compare(snapshot_app, terminal_size=(160, 45), run_before=explorer_after("textual-dark", *keys))
