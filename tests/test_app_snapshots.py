"""Snapshots of what the app looks like (pytest-textual-snapshot) in the states people meet.

Deterministic by construction: a fixed clock, a relative export folder, the library path shown relative
to the working directory, animations off and text cursors that do not blink. The two loading states
are the real app halted inside the real store call it is waiting on (reading the articles; seeding the
bundled pages), released once the screenshot is taken.

Update after an intended change with ``pytest tests/test_app_snapshots.py --snapshot-update`` and look
at the SVGs under tests/__snapshots__/ before committing them.
"""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from textual.widgets import Input, TextArea

from five_star.store.library import ingest as ingest_module
from five_star.store.library.ingest import ingest
from five_star.store.library.library import Library
from five_star.tui.app import FiveStarApp
from helpers.app import FIXED_NOW, library_copy, settle, wait_until

pytestmark = pytest.mark.slow

SIZE = (120, 36)
EXPORT_DIR = Path("exports")  # relative to the test's working directory, so every path shown is the same
GATE_DEADLINE = 60.0  # a held store call gives up after this long even if nothing releases it


class Abandoned(Exception):
    """Raised in a held worker thread once the screenshot is taken: it must not call back into a closed app."""


class Gate:
    """Holds a thread inside a store call until the app exits; ``held`` is set once it is waiting."""

    def __init__(self) -> None:
        self.held = threading.Event()
        self.release = threading.Event()

    def hold(self) -> None:
        self.held.set()
        self.release.wait(GATE_DEADLINE)
        raise Abandoned("the screenshot has been taken")

    def run_before(self):
        async def run_before(pilot) -> None:
            await wait_until(pilot, self.held.is_set)  # the app is inside the held store call
            await pilot.pause()
            pin_cursors(pilot.app)
            await pilot.pause()

        return run_before


class SnapshotApp(FiveStarApp):
    """The real app; on exit it releases a held store call, as the app waits for its worker threads."""

    gate: Gate | None = None

    def exit(self, *args, **kwargs) -> None:
        if self.gate is not None:
            self.gate.release.set()
        super().exit(*args, **kwargs)


def snapshot_app(db: Path, gate: Gate | None = None) -> SnapshotApp:
    app = SnapshotApp(db, export_dir=EXPORT_DIR, clock=lambda: FIXED_NOW)
    app.gate = gate
    app.animation_level = "none"  # e.g. the indeterminate progress bar: drawn still, not mid-sweep
    return app


def pin_cursors(app) -> None:
    """Text cursors shown steadily: a blinking one is on or off depending on when the screenshot lands."""
    for screen in app.screen_stack:
        for widget in screen.query(Input):
            widget.cursor_blink = False
        for widget in screen.query(TextArea):
            widget.cursor_blink = False


def after(*keys: str, theme: str | None = None):
    """A run_before hook: wait for the library, switch theme if asked, press each key and let the app settle
    after it."""

    async def run_before(pilot) -> None:
        await settle(pilot)
        if theme is not None:
            pilot.app.theme = theme
            await settle(pilot)
        for key in keys:
            await pilot.press(key)
            await settle(pilot)
        pin_cursors(pilot.app)
        await pilot.pause()

    return run_before


@pytest.fixture
def workdir(tmp_path, monkeypatch) -> Path:
    monkeypatch.chdir(tmp_path)
    (tmp_path / EXPORT_DIR).mkdir()
    return tmp_path


@pytest.fixture
def app(tmp_path_factory, workdir):
    return snapshot_app(library_copy(tmp_path_factory, workdir))


@pytest.fixture
def gate():
    gate = Gate()
    yield gate
    gate.release.set()  # in case the app never got as far as exiting


# ---- the main view --------------------------------------------------------------------------------------


def test_main_view_with_an_article_open(snap_compare, app):
    assert snap_compare(app, terminal_size=SIZE, run_before=after("l", "l", "l", "j", "right_square_bracket"))


def test_main_view_at_80x24(snap_compare, app):
    # The header takes a line per fact, so the article starts on the first screen.
    assert snap_compare(app, terminal_size=(80, 24), run_before=after("l", "l", "l", "j"))


def test_main_view_at_80x24_scrolled_to_the_facts_cut_short(snap_compare, app):
    async def run_before(pilot) -> None:
        await after("l", "l", "l", "j")(pilot)
        pilot.app.screen.query_one("#detail-scroll").scroll_end(animate=False)
        await settle(pilot)

    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)


def test_main_view_at_60x20(snap_compare, app):
    assert snap_compare(app, terminal_size=(60, 20), run_before=after("l", "l", "l", "j"))


def test_programs_then_cities_after_t(snap_compare, app):
    assert snap_compare(app, terminal_size=SIZE, run_before=after("t", "l"))


# ---- a light theme (the views above are in textual-dark, the default) ---------------------------------


def test_main_view_with_an_article_open_in_textual_light(snap_compare, app):
    keys = ("l", "l", "l", "j", "right_square_bracket")
    assert snap_compare(app, terminal_size=SIZE, run_before=after(*keys, theme="textual-light"))


def test_main_view_at_80x24_in_textual_light(snap_compare, app):
    assert snap_compare(app, terminal_size=(80, 24), run_before=after("l", "l", "l", "j", theme="textual-light"))


def test_search_filters_the_tree_in_textual_light(snap_compare, app):
    keys = ("slash", *"红色物业", "enter")
    assert snap_compare(app, terminal_size=SIZE, run_before=after(*keys, theme="textual-light"))


# ---- search ---------------------------------------------------------------------------------------------


def test_search_filters_the_tree(snap_compare, app):
    assert snap_compare(app, terminal_size=SIZE, run_before=after("slash", *"红色物业", "enter"))


def test_a_search_without_hits(snap_compare, app):
    assert snap_compare(app, terminal_size=SIZE, run_before=after("slash", *"没有这个词组合"))


# ---- export ---------------------------------------------------------------------------------------------


def test_export_dialog(snap_compare, app):
    assert snap_compare(app, terminal_size=SIZE, run_before=after("l", "l", "l", "j", "space", "e"))


def test_export_asks_before_overwriting_a_file(snap_compare, app, workdir):
    (workdir / EXPORT_DIR / "picked.csv").write_text("keep me", encoding="utf-8")
    keys = ("l", "l", "l", "j", "space", "e", "ctrl+u", *"picked.csv", "enter")
    assert snap_compare(app, terminal_size=SIZE, run_before=after(*keys))
    assert (workdir / EXPORT_DIR / "picked.csv").read_text(encoding="utf-8") == "keep me"


# ---- help -----------------------------------------------------------------------------------------------


def test_help_screen(snap_compare, app):
    assert snap_compare(app, terminal_size=SIZE, run_before=after("question_mark"))


# ---- loading, first run, empty --------------------------------------------------------------------------


def test_while_the_library_is_being_read(snap_compare, tmp_path_factory, workdir, gate, monkeypatch):
    db = library_copy(tmp_path_factory, workdir)
    read_articles = Library.articles

    def held_articles(self):
        gate.hold()
        return read_articles(self)

    monkeypatch.setattr(Library, "articles", held_articles)
    assert snap_compare(snapshot_app(db, gate), terminal_size=SIZE, run_before=gate.run_before())


def test_first_run_while_the_seeds_are_read(snap_compare, workdir, gate, monkeypatch):
    db = workdir / "library.json"  # none yet: the app seeds it
    extract_paths = ingest_module.extract_paths

    def held_after_two_pages(paths, known=None):
        for done, result in enumerate(extract_paths(paths, known), start=1):
            yield result
            if done == 2:
                gate.hold()

    monkeypatch.setattr(ingest_module, "extract_paths", held_after_two_pages)
    assert snap_compare(snapshot_app(db, gate), terminal_size=SIZE, run_before=gate.run_before())


def test_an_empty_library(snap_compare, workdir):
    """A library whose only page held no article (so it is not seeded again): what a person sees."""
    db = workdir / "library.json"
    page = workdir / "nothing.txt"
    page.write_text("分享\n", encoding="utf-8")
    with Library.open(db) as library:
        ingest(library, [page])
        assert library.page_count == 1 and library.articles() == []
    assert snap_compare(snapshot_app(db), terminal_size=SIZE, run_before=after())
