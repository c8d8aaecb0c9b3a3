"""`i` ingests a file or folder from the app: a path dialog with completion, progress under the tree, keys answering
meanwhile, a notice at the end, and the tree showing the new articles (issue 14, deliverable 3)."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from textual.widgets import Input, Label, ProgressBar

from five_star.store import pipeline
from five_star.store.library.library import Library
from five_star.tui.screens.ingest import IngestDialog, complete_path
from five_star.tui.screens.ingest_status import IngestStatus
from helpers.app import APP_SIZE, make_app, settle, toasts, tree_of, wait_until
from helpers.library import library_generator

RUN_TIMEOUT = 120  # seconds for an ingest of a couple of hundred generated articles on a loaded machine


@pytest.fixture
def pages(tmp_path):
    """A folder of pages holding a couple of hundred articles the seed library lacks (seed pages, places and
    numbers varied)."""
    folder = tmp_path / "incoming"
    library_generator().write_pages(200, folder, seed=11)
    return folder


@pytest.fixture
def tree_files(tmp_path):
    folder = tmp_path / "pages"
    (folder / "sub").mkdir(parents=True)
    for name in ("report-2023.txt", "report-2024.md", "notes.pdf", ".hidden.txt", "rows.jsonl"):
        (folder / name).write_text("x", encoding="utf-8")
    return folder


# ---- completion ---------------------------------------------------------------------------------------


def test_completion_offers_folders_and_the_files_ingest_reads(tree_files, tmp_path):
    assert complete_path("pa", tmp_path) == "pages/"
    assert complete_path("pages/s", tmp_path) == "pages/sub/"
    assert complete_path("pages/re", tmp_path) == "pages/report-202"  # what the two reports have in common
    assert complete_path("pages/report-2023", tmp_path) == "pages/report-2023.txt"
    assert complete_path("pages/ro", tmp_path) == "pages/rows.jsonl"
    assert complete_path("pages/n", tmp_path) is None  # a .pdf is not offered
    assert complete_path("pages/.h", tmp_path) == "pages/.hidden.txt"  # hidden ones when asked for
    assert complete_path("pages/", tmp_path) == "pages/report-2023.txt"  # nothing shared: the first
    assert complete_path("nowhere/x", tmp_path) is None
    assert complete_path(str(tree_files / "su"), tmp_path / "elsewhere") == str(tree_files / "sub") + "/"


def test_completion_keeps_a_tilde_as_typed(tree_files, tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path))
    assert complete_path("~/pag", tmp_path / "elsewhere") == "~/pages/"


async def test_tab_takes_the_completion_and_bad_paths_are_said_in_the_dialog(db, tmp_path, tree_files, monkeypatch):
    monkeypatch.chdir(tmp_path)
    app = make_app(db, tmp_path)
    async with app.run_test(size=APP_SIZE, notifications=True) as pilot:
        await settle(pilot)
        await pilot.press("i")
        await settle(pilot)
        assert isinstance(app.screen, IngestDialog)
        field = app.screen.query_one(Input)
        await pilot.press(*"pa")
        await wait_until(pilot, lambda: field.render_line(0).text.strip() == "pages/")  # "pa", and "ges/" suggested
        await pilot.press("tab")
        assert field.value == "pages/"
        await pilot.press(*"notes.pdf", "enter")
        await settle(pilot)
        error = str(app.screen.query_one("#ingest-error", Label).render())
        assert "notes.pdf is not a page ingest reads" in error
        await pilot.press("ctrl+u", *"missing.txt", "enter")
        await settle(pilot)
        assert "missing.txt: no such file or folder" in str(app.screen.query_one("#ingest-error", Label).render())
        await pilot.press("escape")
        await settle(pilot)
        assert not isinstance(app.screen, IngestDialog)
        assert not app.screen.query_one(IngestStatus).running
        await pilot.press("i")  # and a dialog closed does not count as an ingest running
        await settle(pilot)
        assert isinstance(app.screen, IngestDialog)


# ---- running it --------------------------------------------------------------------------------------


@pytest.fixture
def held(monkeypatch):
    """Hold the app's (real) ingest before it extracts page ``HOLD_AFTER + 1`` until the test lets it go
    on: keys pressed meanwhile can only be answered if the ingest runs off the UI thread."""
    halfway, resume = threading.Event(), threading.Event()
    real = pipeline.extract_text
    extracted = 0

    def held_extract(*args, **options):
        nonlocal extracted
        if extracted == HOLD_AFTER:
            halfway.set()
            assert resume.wait(60), "the test never let the ingest go on"
        extracted += 1
        return real(*args, **options)

    monkeypatch.setattr(pipeline, "extract_text", held_extract)
    yield halfway, resume
    resume.set()  # whatever happened, the worker thread is not left waiting


HOLD_AFTER = 10


def notice(app, words: str) -> str:
    """The notice on screen that says ``words``; "" while there is none."""
    return next((toast for toast in toasts(app) if words in toast), "")


async def start_ingest(pilot, folder, halfway) -> IngestStatus:
    await pilot.press("i")
    await settle(pilot)
    await pilot.press(*str(folder), "enter")
    status = pilot.app.screen.query_one(IngestStatus)
    await wait_until(pilot, halfway.is_set)
    await wait_until(pilot, lambda: f"{HOLD_AFTER}/" in str(status.query_one(Label).render()))
    return status


async def test_an_ingest_runs_while_keys_answer_and_its_articles_appear(db, tmp_path, pages, held):
    halfway, resume = held
    files = len(list(pages.iterdir()))
    app = make_app(db, tmp_path)
    async with app.run_test(size=APP_SIZE, notifications=True) as pilot:
        await settle(pilot)
        before = app.screen.total
        tree = tree_of(app)
        status = await start_ingest(pilot, pages, halfway)
        assert status.running and status.region.height == 2 and status.region.y > tree.region.y  # under the tree
        assert str(status.query_one(Label).render()).startswith(f"{HOLD_AFTER}/{files} files, ")
        bar = status.query_one(ProgressBar)
        assert bar.total == files and bar.progress == HOLD_AFTER

        at = tree.cursor_line
        await pilot.press("j")  # answered while the ingest is held halfway
        assert tree.cursor_line == at + 1
        await pilot.press("i")
        await wait_until(pilot, lambda: notice(app, f"An ingest of {pages} is running"))
        assert not isinstance(app.screen, IngestDialog)
        resume.set()

        await wait_until(pilot, lambda: not status.running, RUN_TIMEOUT)
        await wait_until(pilot, lambda: notice(app, "Ingested"))
        done = notice(app, "Ingested")
        with Library.open(db) as library:
            stored = len(library.articles())
        assert stored - before > 100
        assert f"{files:,} files read (0 unchanged), {stored - before:,} articles added" in done
        await wait_until(pilot, lambda: len(app.screen.articles) == stored, 15)  # the watch shows them
        assert set(app.screen.index.articles) == set(app.screen.articles)


async def test_stopping_an_ingest_keeps_the_pages_stored_until_then(db, tmp_path, pages, held):
    halfway, resume = held
    files = len(list(pages.iterdir()))
    app = make_app(db, tmp_path)
    async with app.run_test(size=APP_SIZE, notifications=True) as pilot:
        await settle(pilot)
        status = await start_ingest(pilot, pages, halfway)
        await pilot.press("I")
        assert "Stopping" in str(status.query_one(Label).render())
        resume.set()
        await wait_until(pilot, lambda: not status.running, RUN_TIMEOUT)
        await wait_until(pilot, lambda: notice(app, "Stopped ingesting"))
        stopped = notice(app, "Stopped ingesting")
        assert "The pages stored before the stop are kept" in stopped
        with Library.open(db) as library:
            stored = library.articles()
            from_folder = [p for p in library.pages() if Path(p.path).parent == pages]
        # The pages read before the stop (the held one among them), none after it.
        assert HOLD_AFTER <= len(from_folder) <= HOLD_AFTER + 1 < files
        assert f"{len(from_folder)} files read" in stopped
        await wait_until(pilot, lambda: len(app.screen.articles) == len(stored), 15)
        await pilot.press("I")  # nothing to stop now: a bell, nothing else
        assert not status.running
