"""Helpers for the app tests: a real seed library, pilot waits, what the tree and status line show."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from rich.style import Style
from textual.widgets._toast import Toast

from five_star.store.library.ingest import ingest
from five_star.tui.widgets.article_detail import ArticleHeader
from five_star.tui.widgets.article_tree import ArticleTree
from five_star.tui.widgets.status_bar import StatusBar
from helpers.library import copy_library, seeds_library

FIXED_NOW = datetime(2024, 5, 4, 12, 30, 15)
APP_SIZE = (140, 40)

def library_copy(tmp_path_factory, folder: Path) -> Path:
    """A private copy of the seed library for one test, so nothing one test does reaches another."""
    return copy_library(seeds_library(tmp_path_factory), folder)


def library_of_page(folder: Path, name: str, text: str):
    """A new library holding one page written to ``folder/name``: its path and the stored articles."""
    from five_star.store.library.library import Library

    page = folder / name
    page.write_text(text, encoding="utf-8")
    db = folder / "library.json"
    with Library.open(db) as library:
        ingest(library, [page])
        return db, library.articles()


def read_articles(path: Path):
    from five_star.store.library.library import Library

    with Library.open(path) as library:
        return library.articles()


def make_app(db: Path, export_dir: Path):
    from five_star.tui.app import FiveStarApp

    return FiveStarApp(db, export_dir=export_dir, clock=lambda: FIXED_NOW)


async def settle(pilot) -> None:
    """Let workers (library load, search, export) finish and the screen catch up."""
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def wait_until(pilot, condition: Callable[[], object], timeout: float = 10) -> None:
    """Let the app run until ``condition()`` holds (the palette, for one, searches in the background)."""
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out waiting for the app"
        await pilot.pause(0.02)


def tree_of(app) -> ArticleTree:
    return app.screen.query_one(ArticleTree)


def status_of(app) -> str:
    return app.screen.query_one(StatusBar).render().plain


def label_of(tree, node) -> str:
    return tree.render_label(node, Style(), Style()).plain


def visible_nodes(tree, node=None, depth: int = 0):
    """(depth, node) for every line the tree shows, top to bottom."""
    node = node or tree.root
    for child in node.children:
        yield depth, child
        if child.is_expanded:
            yield from visible_nodes(tree, child, depth + 1)


def top_labels(tree) -> list[str]:
    return [label_of(tree, node) for node in tree.root.children]


def shown_article_ids(tree) -> set[str]:
    """Every article the tree lists: those under its top-level groups, open or not."""
    ids: set[str] = set()
    for node in tree.root.children:
        if node.data is not None and node.data.ids:
            ids.update(node.data.ids)
    return ids


def toasts(app) -> list[str]:
    return [toast.render().plain for toast in app.screen.query(Toast)]


async def type_query(pilot, query: str) -> None:
    await pilot.press("slash")
    await pilot.press(*query)
    await settle(pilot)


def pane_text(app) -> str:
    """What the detail pane's header says (an article's title and facts, or a group's summary)."""
    return app.screen.query_one(ArticleHeader).render().plain
