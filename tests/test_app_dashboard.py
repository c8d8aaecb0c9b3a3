"""The dashboard screen in the real app, key by key (Textual's pilot), and as it looks (SVG snapshots).

The screen is pushed as the browse screen's `d` does: over the real app on the seed library, with the
articles shown, and its result (an article id, or None) handed to ``BrowseScreen.go_to_article``.
Update the snapshots after an intended change with
``pytest tests/test_app_dashboard.py --snapshot-update`` and look at the SVGs before committing them.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from textual.widgets import DataTable

from five_star.store.query.dashboard import city_rows, dashboard_header
from five_star.tui.app import FiveStarApp
from five_star.tui.screens.browse import BrowseScreen
from five_star.tui.screens.dashboard import DashboardScreen, TallyNote
from helpers.app import FIXED_NOW, library_copy, make_app, settle, toasts, tree_of, type_query

pytestmark = pytest.mark.slow  # the real app under a pilot

SIZE = (160, 45)


def open_dashboard(app, articles) -> list[str | None]:
    """Push the dashboard as the browse screen does; what it is dismissed with lands in the list returned,
    after the browse screen has gone to that article."""
    results: list[str | None] = []

    def opened(article_id: str | None) -> None:
        results.append(article_id)
        if article_id is not None:
            app.browse.go_to_article(article_id)

    app.push_screen(DashboardScreen(list(articles)), opened)
    return results


def table(app) -> DataTable:
    return app.screen.query_one(DataTable)


def first_cells(app) -> list[str]:
    grid = table(app)
    return [grid.get_row_at(row)[0].plain for row in range(grid.row_count)]


def note(app) -> str:
    return app.screen.query_one(TallyNote).render().plain


async def cursor_to(pilot, place: str, column: int) -> None:
    """Walk the table's cursor with the arrow keys to ``place``'s row and ``column``, as a reader would."""
    grid = table(pilot.app)
    row = first_cells(pilot.app).index(place)
    for key, steps in (("down", row - grid.cursor_row), ("up", grid.cursor_row - row),
                       ("right", column - grid.cursor_column), ("left", grid.cursor_column - column)):
        for _ in range(max(steps, 0)):
            await pilot.press(key)
    await settle(pilot)
    assert (grid.cursor_row, grid.cursor_column) == (row, column)


async def test_the_city_table_lists_every_shown_article_and_the_seed_tallies(db, articles, tmp_path):
    app = make_app(db, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        open_dashboard(app, articles)
        await settle(pilot)
        assert isinstance(app.screen, DashboardScreen)
        assert first_cells(app) == [row.place for row in city_rows(articles)]
        grid = table(app)
        zhumadian = [cell.plain for cell in grid.get_row_at(first_cells(app).index("驻马店市"))]
        assert zhumadian[2:5] == ["70", "387", "1,095"]
        assert [cell.plain for cell in grid.get_row_at(first_cells(app).index("漯河市"))][2] == "16"


async def test_a_tally_cell_shows_its_sentence_date_and_article(db, articles, tmp_path):
    app = make_app(db, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        open_dashboard(app, articles)
        await settle(pilot)
        await cursor_to(pilot, "驻马店市", 2)
        shown = note(app)
        assert "驻马店市 · 五星 70" in shown and "undated" in shown
        assert "全市创建“五星”支部70个" in shown
        source = next(a for a in articles if any(t.count == 70 for t in a.star_counts))
        assert source.label in shown


async def test_enter_drills_into_a_city_and_escape_comes_back_then_closes(db, articles, tmp_path):
    app = make_app(db, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        results = open_dashboard(app, articles)
        await settle(pilot)
        await cursor_to(pilot, "驻马店市", 0)
        await pilot.press("enter")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, DashboardScreen) and screen.city == "驻马店市"
        assert first_cells(app)[0] == "驻马店市 (whole city)"
        assert [cell.plain for cell in table(app).get_row_at(0)][2:5] == ["70", "387", "1,095"]
        assert "by county" in screen.sub_title
        await pilot.press("escape")
        await settle(pilot)
        assert screen.city is None and table(app).cursor_row == first_cells(app).index("驻马店市")
        await pilot.press("enter")  # and backspace goes back up too
        await pilot.press("backspace")
        await settle(pilot)
        assert screen.city is None and app.screen is screen
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, BrowseScreen) and results == [None]


async def test_o_closes_the_dashboard_with_the_tally_s_article_and_the_tree_goes_there(db, articles, tmp_path):
    app = make_app(db, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        results = open_dashboard(app, articles)
        await settle(pilot)
        await cursor_to(pilot, "漯河市", 2)
        await pilot.press("o")
        await settle(pilot)
        source = next(a for a in articles if a.city == "漯河市" and a.star_counts)
        assert results == [source.id]
        assert isinstance(app.screen, BrowseScreen)
        node = tree_of(app).cursor_node
        assert node is not None and node.data is not None and node.data.article_id == source.id


async def test_enter_on_a_tally_cell_opens_its_article_and_o_elsewhere_only_warns(db, articles, tmp_path):
    app = make_app(db, tmp_path)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        results = open_dashboard(app, articles)
        await settle(pilot)
        await cursor_to(pilot, "周口市", 3)  # no 四星 tally there
        await pilot.press("o")
        await settle(pilot)
        assert isinstance(app.screen, DashboardScreen) and results == []
        assert any("No tally here" in toast for toast in toasts(app))
        await cursor_to(pilot, "驻马店市", 4)
        await pilot.press("enter")
        await settle(pilot)
        assert results == [next(a.id for a in articles if a.city == "驻马店市" and a.star_counts)]


async def test_x_writes_the_table_as_shown_to_the_export_folder(db, articles, tmp_path):
    exports = tmp_path / "exports"
    exports.mkdir()
    app = make_app(db, exports)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        open_dashboard(app, articles)
        await settle(pilot)
        await pilot.press("x")
        await settle(pilot)
        (written,) = exports.glob("five-star-dashboard-*.csv")
        with written.open(encoding="utf-8-sig", newline="") as handle:
            header, *body = list(csv.reader(handle))
        assert header == dashboard_header("city")
        assert [line[0] for line in body] == first_cells(app)
        assert any(str(written) in toast for toast in toasts(app))
        await cursor_to(pilot, "驻马店市", 0)
        await pilot.press("enter", "x")
        await settle(pilot)
        (county_file,) = exports.glob("five-star-dashboard-驻马店市-*.csv")
        with county_file.open(encoding="utf-8-sig", newline="") as handle:
            header, *body = list(csv.reader(handle))
        assert header[0] == "county" and body[0][:4] == ["驻马店市", "2", "70", ""]
        assert body[0][4] in {a.id for a in articles if a.city == "驻马店市"}
        assert len(body) == table(app).row_count


async def test_a_search_narrows_the_dashboard(db, articles, tmp_path):
    app = make_app(db, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await type_query(pilot, "city:漯河")
        await pilot.press("enter")
        await settle(pilot)
        shown = [app.browse.articles[i] for i in app.browse.shown_ids()]
        open_dashboard(app, shown)
        await settle(pilot)
        assert first_cells(app) == ["漯河市"]
        assert app.screen.sub_title == f"{len(shown)} articles"


async def test_with_nothing_shown_the_dashboard_says_so(db, tmp_path):
    app = make_app(db, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        open_dashboard(app, [])
        await settle(pilot)
        assert table(app).row_count == 0 and app.screen.sub_title == "0 articles"
        await pilot.press("enter", "o")
        await settle(pilot)
        assert isinstance(app.screen, DashboardScreen)


# ---- snapshots ---------------------------------------------------------------------------------------


@pytest.fixture
def snapshot_app(tmp_path_factory, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # the export folder and the library path, shown relative, are the same every run
    (tmp_path / "exports").mkdir()
    app = FiveStarApp(library_copy(tmp_path_factory, tmp_path), export_dir=Path("exports"), clock=lambda: FIXED_NOW)
    app.animation_level = "none"
    return app


def dashboard_after(theme: str, *keys: str):
    """A run_before hook: the library loaded, the theme set, the dashboard open, then ``keys`` pressed."""

    async def run_before(pilot) -> None:
        await settle(pilot)
        pilot.app.theme = theme
        open_dashboard(pilot.app, pilot.app.browse.articles.values())
        await settle(pilot)
        for key in keys:
            await pilot.press(key)
        await settle(pilot)

    return run_before


# The cursor on 驻马店市's 五星 cell: the note under the table shows the tally's sentence and article.
ON_ZHUMADIAN_FIVE_STAR = ("down", "right", "right")


@pytest.mark.parametrize("theme", ["textual-dark", "textual-light"])
@pytest.mark.parametrize("size", [(160, 45), (80, 24)], ids=["160x45", "80x24"])
def test_dashboard_snapshot(snap_compare, snapshot_app, theme, size):
    assert snap_compare(snapshot_app, terminal_size=size, run_before=dashboard_after(theme, *ON_ZHUMADIAN_FIVE_STAR))


@pytest.mark.parametrize("theme", ["textual-dark", "textual-light"])
def test_county_drill_down_snapshot(snap_compare, snapshot_app, theme):
    assert snap_compare(snapshot_app, terminal_size=SIZE, run_before=dashboard_after(theme, "down", "enter"))


async def test_d_on_the_browse_screen_opens_the_dashboard_of_the_selection(db, articles, tmp_path):
    """The real wiring: ``d`` shows what an export would write (the selection here); Escape comes back."""
    app = make_app(db, tmp_path)
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        await pilot.press("A")  # every article selected
        await settle(pilot)
        await pilot.press("d")
        await settle(pilot)
        assert isinstance(app.screen, DashboardScreen)
        assert len(app.screen.shown_articles) == len(articles)  # every selected article
        assert app.screen.scope == f"{len(articles):,} selected"
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, BrowseScreen)
