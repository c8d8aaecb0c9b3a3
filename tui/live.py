"""A live library: the app notices when the library file changes on disk and shows the new contents.

Another process (``five-star-tui ingest`` in another terminal, or the app's own ingest, which writes like
any other) replaces the file atomically at every commit, so its identity (size, mtime, inode: the
target's, for a symbolic link) changes with every write. Polling that costs one ``stat`` a second on the
UI thread; when it changes, the library is read again in a worker thread (about a second at 20,000
articles), together with everything the browse screen needs to show it: the tree's summaries, a query
service and the current search re-run, so that swapping it in on the UI thread is quick and happens at once.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from textual.app import App
from textual.message import Message
from textual.timer import Timer

from five_star.store.errors import FiveStarError
from five_star.store.library.library import Library
from five_star.store.library.storage import freeze_after
from five_star.store.model import Article
from five_star.store.query.browse import BrowseIndex, Grouping, Summary, library_stamp, write_cached_summaries
from five_star.store.query.search.saved import SavedIndex, saved_index_path
from five_star.store.query.service import Answer, QueryService
from five_star.store.sanitize import one_line, path_text

if TYPE_CHECKING:
    from five_star.tui.screens.browse import BrowseScreen
    from five_star.tui.widgets.article_tree import ArticleTree

POLL_SECONDS = 1.0
"""How often the library file's identity is looked at: a change shows within about this long plus a read."""

Stamp = list[int] | None


@dataclass(frozen=True)
class Change:
    """What a new reading of the library holds that the one shown does not."""

    added: int
    changed: int
    removed: int

    def __bool__(self) -> bool:
        return bool(self.added or self.changed or self.removed)

    def describe(self) -> str:
        """One line for a notice: ``Library updated: +12 articles, 3 changed, 1 removed``."""
        parts = [f"+{self.added:,} article{'s' if self.added != 1 else ''}"] if self.added else []
        if self.changed:
            parts.append(f"{self.changed:,} changed")
        if self.removed:
            parts.append(f"{self.removed:,} removed")
        return "Library updated: " + ", ".join(parts)


def changes(before: Mapping[str, Article], after: Mapping[str, Article]) -> Change:
    added = sum(1 for article_id in after if article_id not in before)
    changed = sum(1 for article_id, article in after.items() if article_id in before and before[article_id] != article)
    return Change(added, changed, sum(1 for article_id in before if article_id not in after))


@dataclass(frozen=True)
class Reading:
    """The library as read again, ready to be shown."""

    stamp: Stamp  # of the file read, taken before reading it: a write during the read is seen next time
    articles: dict[str, Article]
    index: BrowseIndex
    service: QueryService
    answer: Answer | None  # the search as it was typed when the reading began, answered; None with no search
    change: Change


def read_again(
    path: Path, shown: Mapping[str, Article], query: str, grouping: Grouping, *, junk: bool = False
) -> Reading:
    """Read the library at ``path`` (with the items marked as junk if ``junk``: the tree shows them) and
    compare it with the ``shown`` articles; raises ``FiveStarError`` or ``OSError`` when it cannot be read."""
    stamp = library_stamp(path)
    with Library.open(path, create=False) as library:
        articles = library.articles(junk=junk)
    summaries = [Summary.of(article) for article in articles]
    if not junk:  # the next launch draws the tree at once from these; it shows no junk
        write_cached_summaries(path, stamp, summaries)
    by_id = {article.id: article for article in articles}
    # Junk is never a hit. Saved as the launch saves its index, so the next launch finds this one.
    saved = SavedIndex(saved_index_path(path), stamp)
    service = QueryService([article for article in articles if not article.junk], saved=saved)
    answer = service.answer(query) if query.strip() else None
    return Reading(stamp, by_id, BrowseIndex(summaries, grouping), service, answer, changes(shown, by_id))


def cursor_place(tree: ArticleTree) -> tuple[str | None, str | None, str | None]:
    """Where the cursor is, as (top, middle, article id): an article with the group it is under, since it
    is listed under each of its programs."""
    node = tree.cursor_node
    ref = node.data if node is not None else None
    if node is None or ref is None:
        return None, None, None
    if ref.article_id is None:
        return ref.top, ref.middle, None
    above = node.parent.data if node.parent is not None else None
    return (above.top, above.middle, ref.article_id) if above is not None else (None, None, ref.article_id)


def open_groups(tree: ArticleTree) -> list[tuple[str, str | None]]:
    """(top, middle) of every open group, outer ones first: what to open again once the tree is redrawn."""
    opened: list[tuple[str, str | None]] = []
    for node in tree.root.children:
        if node.is_expanded and node.data is not None and node.data.top is not None:
            opened.append((node.data.top, None))
            opened += [(node.data.top, child.data.middle) for child in node.children
                       if child.is_expanded and child.data is not None and child.data.middle is not None]
    return opened


def reopen_groups(tree: ArticleTree, opened: list[tuple[str, str | None]]) -> None:
    """Open again the groups ``open_groups`` listed, those still there (this moves the cursor)."""
    for top, middle in opened:
        # expand_path opens the groups above its target and puts the cursor on it; the target itself is opened
        # here, its children added when the tree handles the expansion, as for a group opened by hand.
        if tree.expand_path(top, middle) and tree.cursor_node is not None:
            tree.cursor_node.expand()


class LibraryReread(Message):
    def __init__(self, reading: Reading) -> None:
        super().__init__()
        self.reading = reading


class LibraryUnreadable(Message):
    def __init__(self, stamp: Stamp, reason: str) -> None:
        super().__init__()
        self.stamp, self.reason = stamp, reason


class LibraryWatch:
    """Polls the library file and has it read again when it changes; the app routes the worker's
    messages (``LibraryReread``, ``LibraryUnreadable``) back to ``reread`` and ``unreadable``."""

    def __init__(self, app: App, path: Path, browse: BrowseScreen) -> None:
        self.app, self.path, self.browse = app, path, browse
        self.shown: Stamp = None  # the identity of the file whose articles are shown
        self.reading = False
        self.timer: Timer | None = None
        # What a reading began from: if the screen showed other articles by the time it is done (a correction
        # saved, junk shown or hidden), it is read again rather than undo that.
        self._basis: tuple[dict[str, Article], bool] = ({}, False)

    def start(self, stamp: Stamp) -> None:
        """Watch from now on; ``stamp`` is the file the shown articles were read from."""
        self.shown = stamp
        if self.timer is None:
            self.timer = self.app.set_interval(POLL_SECONDS, self.poll, name="library-watch")

    def poll(self) -> None:
        if self.reading:  # a change meanwhile is seen once this reading is shown
            return
        stamp = library_stamp(self.path)
        if stamp == self.shown:
            return
        if stamp is None:  # deleted, or moved away: what was read stays on screen
            self.shown = None
            self.app.notify(f"The library file {path_text(self.path)} is gone; the articles read before are still "
                            "shown.", title="Library", severity="warning", markup=False)
            return
        self.reading = True
        shown, query, junk = self.browse.articles, self.browse.search_query, self.browse.corrections.show_junk
        grouping = self.browse.grouping
        self._basis = shown, junk
        self.app.run_worker(
            lambda: self._read(shown, query, grouping, junk), thread=True, group="library-watch",
            description="read the library again",
        )

    def _read(self, shown: dict[str, Article], query: str, grouping: Grouping, junk: bool) -> None:
        stamp = library_stamp(self.path)
        try:
            with freeze_after():
                reading = read_again(self.path, shown, query, grouping, junk=junk)
        except (FiveStarError, OSError) as exc:
            self.app.post_message(LibraryUnreadable(stamp, one_line(path_text(str(exc)))))
            return
        self.app.post_message(LibraryReread(reading))

    def reread(self, message: LibraryReread) -> None:
        reading = message.reading
        self.reading = False
        articles, junk = self._basis
        if articles is not self.browse.articles or junk != self.browse.corrections.show_junk:
            return  # the next poll reads it again, from what is shown now
        self.shown = reading.stamp
        self.browse.reload_library(reading.articles, reading.index, reading.service, reading.answer)
        if reading.change:
            self.app.notify(reading.change.describe(), title="Library", markup=False)

    def unreadable(self, message: LibraryUnreadable) -> None:
        self.reading = False
        self.shown = message.stamp  # not read again until it changes again
        self.app.notify(f"The library changed but cannot be read: {message.reason}. The articles read before are still "
                        "shown.", title="Library", severity="error", markup=False, timeout=20)
