"""The app keeps up with the person at the keys: keys typed in a burst act in order on what they see,
an export runs in a worker with a progress bar while keys go on working, and selecting everything
repaints every mark. (How fast is measured by benchmarks/interaction_bench.py, not asserted here.)"""

from __future__ import annotations

import csv
import threading

import pytest
from textual import events
from textual.widgets import ProgressBar

from five_star.store.export import writers
from five_star.store.library.ingest import ingest
from five_star.store.library.library import Library
from five_star.tui.screens.export import ExportDialog
from five_star.tui.widgets.search_bar import SearchBar
from helpers.app import APP_SIZE, make_app, settle, status_of, toasts, tree_of, type_query, wait_until
from helpers.library import library_generator

pytestmark = pytest.mark.slow  # drives the real app through a pilot


async def burst(pilot, *keys: str) -> None:
    """Keys as a terminal delivers a fast typist's (or a paste's): all queued before the first is handled.

    ``pilot.press`` waits for the app to go idle after each key, which hides what goes wrong when keys
    arrive together; here every key is in the app's queue at once, then the app is left to work.
    """
    for key in keys:
        character = {"space": " ", "slash": "/"}.get(key, key if len(key) == 1 else None)
        pilot.app.post_message(events.Key(key, character))
    await settle(pilot)


@pytest.fixture(scope="module")
def generated_db(tmp_path_factory):
    """A library of a few hundred generated articles (seed pages with places, numbers, programs varied)."""
    folder = tmp_path_factory.mktemp("generated")
    pages = library_generator().write_pages(400, folder / "pages", seed=5)
    db = folder / "library.json"
    with Library.open(db) as library:
        ingest(library, pages)
    return db


@pytest.fixture
def generated_copy(generated_db, tmp_path):
    target = tmp_path / "library.json"
    target.write_bytes(generated_db.read_bytes())
    return target


# ---- keys in a burst ----------------------------------------------------------------------------


@pytest.mark.parametrize("opening_key", ["enter", "l"])
async def test_keys_typed_in_a_burst_act_on_the_group_they_opened(db, tmp_path, opening_key):
    app = make_app(db, tmp_path)
    async with app.run_test(size=APP_SIZE) as pilot:
        await settle(pilot)
        tree = tree_of(app)
        await pilot.press("j", "j")  # somewhere else first, so that `g` has work to do
        first_city = tree.root.children[0]
        await burst(pilot, "g", opening_key, "j", "space")
        program = tree.cursor_node
        assert first_city.is_expanded
        assert program.parent is first_city and program is first_city.children[0]
        assert tree.selected == set(program.data.ids)
        assert f"{len(program.data.ids):,} selected" in status_of(app)


async def test_enter_in_a_burst_closes_the_open_group_before_the_next_key_moves(db, tmp_path):
    app = make_app(db, tmp_path)
    async with app.run_test(size=APP_SIZE) as pilot:
        await settle(pilot)
        tree = tree_of(app)
        cities = list(tree.root.children)
        await pilot.press("l")  # the first city open, the cursor still on it
        assert cities[0].is_expanded
        await burst(pilot, "enter", "j", "space")
        assert not cities[0].is_expanded
        assert tree.cursor_node is cities[1]
        assert tree.selected == set(cities[1].data.ids)


async def test_keys_typed_in_a_burst_after_escape_act_on_the_whole_tree(db, tmp_path):
    app = make_app(db, tmp_path)
    async with app.run_test(size=APP_SIZE) as pilot:
        await settle(pilot)
        await type_query(pilot, "红色物业")  # the search box keeps the focus
        tree = tree_of(app)
        hits = set(app.screen.shown)
        await burst(pilot, "escape", "g", "j", "space")
        second = tree.root.children[1]
        assert app.screen.shown is None  # everything again
        assert tree.cursor_node is second
        assert tree.selected == set(second.data.ids) != hits
        assert app.screen.query_one(SearchBar).value == ""  # none of the keys went into the box


async def test_a_query_typed_in_the_same_burst_as_the_slash_goes_into_the_box(db, tmp_path):
    """`/` and the query right behind it (a fast typist, a script): the keys after `/` were dispatched while
    the tree still had the focus, and were lost."""
    app = make_app(db, tmp_path)
    async with app.run_test(size=APP_SIZE) as pilot:
        await settle(pilot)
        tree = tree_of(app)
        before = tree.cursor_line
        await burst(pilot, "slash", "漯", "河", "j")
        bar = app.screen.query_one(SearchBar)
        assert bar.has_focus and bar.value == "漯河j"
        assert tree.selected == set() and tree.cursor_line == before  # none of them acted on the tree
        await burst(pilot, "slash", "x")
        assert bar.value == "漯河j/x"  # in the box, `/` is part of the query


async def test_text_typed_in_a_burst_after_an_editing_key_stays_in_the_box(db, tmp_path):
    """ctrl+u (erase the query) and the next query behind it at once: the new query is what stays."""
    app = make_app(db, tmp_path)
    async with app.run_test(size=APP_SIZE) as pilot:
        await settle(pilot)
        await type_query(pilot, "红色物业")
        await burst(pilot, "ctrl+u", "漯", "河")
        assert app.screen.query_one(SearchBar).value == "漯河"
        await burst(pilot, "backspace", "市", "left", "ctrl+k", "x")
        assert app.screen.query_one(SearchBar).value == "漯x"


# ---- selection repaints ---------------------------------------------------------------------------


def drawn_lines(tree) -> list[str]:
    """What the tree has painted on screen, line by line (its cached lines, not labels made afresh)."""
    return [tree.render_line(y).text for y in range(tree.size.height)]


async def test_select_all_and_clear_repaint_every_open_line(generated_copy, tmp_path):
    app = make_app(generated_copy, tmp_path)
    async with app.run_test(size=APP_SIZE) as pilot:
        await settle(pilot)
        tree = tree_of(app)
        await pilot.press("l", "j", "l")  # the biggest city, its biggest program, open
        await pilot.pause()
        articles_drawn = [line for line in drawn_lines(tree) if "○ " in line]
        assert len(articles_drawn) > 10
        await pilot.press("A")
        await pilot.pause()
        lines = drawn_lines(tree)
        assert not [line for line in lines if "○ " in line]
        assert sum("● " in line for line in lines) >= len(articles_drawn)
        city = tree.root.children[0]
        assert f"● {len(city.data.ids):,}" in lines[0]  # the group's count of selected articles too
        await pilot.press("G", "g")  # lines drawn before the selection changed are drawn anew
        await pilot.press("U")
        await pilot.pause()
        lines = drawn_lines(tree)
        assert not [line for line in lines if "● " in line]
        assert sum("○ " in line for line in lines) == len(articles_drawn)


# ---- export in a worker ---------------------------------------------------------------------------


async def test_a_big_export_runs_in_a_worker_with_progress_while_keys_work(generated_copy, tmp_path, monkeypatch):
    with Library.open(generated_copy) as library:
        stored = library.articles()
    figures = sum(len(a.figures) for a in stored)
    assert figures > 2 * writers.CHUNK_ROWS  # written in several pieces

    # Hold the export halfway through its rows until the test has pressed a key and seen it answered:
    # an export on the UI thread could never see that key, and would time out here.
    halfway, resume = threading.Event(), threading.Event()
    written: list[str] = []
    real_row = writers.figure_row

    def held_row(article, figure):
        written.append(threading.current_thread().name)
        if len(written) == figures // 2:
            halfway.set()
            assert resume.wait(30), "the key pressed during the export was never answered"
        return real_row(article, figure)

    monkeypatch.setattr(writers, "figure_row", held_row)
    out = tmp_path / "figures.csv"
    app = make_app(generated_copy, tmp_path)
    async with app.run_test(size=APP_SIZE, notifications=True) as pilot:
        await settle(pilot)
        screen = app.screen
        tree = tree_of(app)
        await pilot.press("e")
        await wait_until(pilot, lambda: isinstance(app.screen, ExportDialog))
        await pilot.press("shift+tab", "down", "space", "tab")  # the figures format, back to the path
        app.screen.query_one("#export-path").value = str(out)
        await pilot.press("enter")
        await wait_until(pilot, halfway.is_set)

        assert screen.exporting  # the progress line is up, partway
        bar = screen.query_one("#export-progress-bar", ProgressBar)
        await wait_until(pilot, lambda: (bar.progress or 0) > 0)
        assert bar.progress < bar.total == len(stored)
        line = tree.cursor_line
        await pilot.press("j")  # answered while the export waits halfway
        assert tree.cursor_line == line + 1
        assert not out.exists()
        resume.set()

        await wait_until(pilot, lambda: not screen.exporting)
        await settle(pilot)
        assert bar.progress == bar.total
        assert any(f"Exported {figures:,} figures" in toast for toast in toasts(app))
    assert threading.main_thread().name not in set(written)
    with out.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == figures
    assert [(r["article_id"], r["figure"]) for r in rows] == [(a.id, writers.cell(f.text)) for a in stored for f in a.figures]


async def test_a_second_export_waits_for_the_first(generated_copy, tmp_path, monkeypatch):
    started, resume = threading.Event(), threading.Event()
    real_row = writers.article_row

    def held_row(article):
        started.set()
        assert resume.wait(30)
        return real_row(article)

    monkeypatch.setattr(writers, "article_row", held_row)
    app = make_app(generated_copy, tmp_path)
    async with app.run_test(size=APP_SIZE, notifications=True) as pilot:
        await settle(pilot)
        await pilot.press("e")
        await wait_until(pilot, lambda: isinstance(app.screen, ExportDialog))
        app.screen.query_one("#export-path").value = str(tmp_path / "first.csv")
        await pilot.press("enter")
        await wait_until(pilot, started.is_set)
        await pilot.press("e")
        await wait_until(pilot, lambda: any("export is being written" in toast for toast in toasts(app)))
        assert not isinstance(app.screen, ExportDialog)
        resume.set()
        await settle(pilot)
    assert (tmp_path / "first.csv").exists()
