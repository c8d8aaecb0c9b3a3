"""The line that shows an export being written, and the worker thread that writes it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.message import Message
from textual.widgets import Label, ProgressBar

from five_star.store.errors import FiveStarError
from five_star.store.export.formats import ExportFormat
from five_star.store.library.storage import gc_paused
from five_star.store.model import Article
from five_star.store.sanitize import one_line


class ExportProgress(Message):
    """How many of its articles an export has written (in a worker thread)."""

    def __init__(self, done: int, total: int) -> None:
        super().__init__()
        self.done, self.total = done, total


class ExportDone(Message):
    """An export has been written, or has failed: the screen says so."""

    def __init__(self, report: str, *, failed: bool = False) -> None:
        super().__init__()
        self.report = report
        self.failed = failed


class ExportProgressLine(Horizontal):
    """While an export is written: one line over the foot of the tree and pane, above the status bar.

    On a layer of its own (the screen declares it), so showing it moves nothing else: laying out the
    screen again (and wrapping the open article anew) made the first key during an export wait.
    """

    DEFAULT_CSS = """
    ExportProgressLine {
        layer: export-progress;
        dock: bottom;
        offset-y: -2;
        height: 1;
        padding: 0 1;
        background: $panel;
        display: none;
        &.-running { display: block; }
        & > Label { width: 1fr; }
    }
    """

    def compose(self) -> ComposeResult:
        yield Label(id="export-progress-label")
        yield ProgressBar(id="export-progress-bar")

    @property
    def running(self) -> bool:
        return self.has_class("-running")

    def start(self, articles: list[Article], path: Path, fmt: ExportFormat) -> None:
        """Write ``articles`` to ``path`` as ``fmt`` in a worker thread, the bar following it."""
        count = f"{len(articles):,} article{'s' if len(articles) != 1 else ''}"
        self.query_one(Label).update(Text(f"Exporting {count} to {one_line(str(path))} ({fmt.name})…"))
        self.query_one(ProgressBar).update(total=len(articles), progress=0)
        self.add_class("-running")
        self._write(articles, path, fmt)

    # Not described by repr() of its arguments, which Textual would run on the UI thread for every article.
    @work(thread=True, group="export", description="export")
    def _write(self, articles: list[Article], path: Path, fmt: ExportFormat) -> None:
        total = len(articles)
        step = max(1, total // 50)  # fifty steps move the bar smoothly, with few messages for the UI

        def reporting() -> Iterator[Article]:  # the writers take the articles one by one, as they write
            for done, article in enumerate(articles, 1):
                yield article
                if done % step == 0 or done == total:
                    self.post_message(ExportProgress(done, total))

        try:
            # Its tens of thousands of short-lived rows set off collection after collection, each holding
            # the interpreter lock the UI thread needs to answer keys; none of them would find garbage.
            with gc_paused():
                rows = fmt.writer(reporting(), path)
        except (FiveStarError, OSError) as exc:
            self.post_message(ExportDone(f"Export failed: {exc}", failed=True))
            return
        self.post_message(ExportDone(f"Exported {fmt.rows(rows)} to {path}"))

    def on_export_progress(self, message: ExportProgress) -> None:
        message.stop()
        self.query_one(ProgressBar).update(total=message.total, progress=message.done)

    def on_export_done(self, message: ExportDone) -> None:
        self.remove_class("-running")  # and the message goes on to the screen, which says how it went
