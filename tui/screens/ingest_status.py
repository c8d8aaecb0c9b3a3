"""An ingest from the app: asked for (``screens/ingest.py``), run in a worker thread, shown under the tree
while it runs (counts, then a bar), and reported in a notice when it ends.

The ingest is the store's own (``store/library/ingest.py``), as ``five-star-tui ingest`` runs it: it takes
the library's writer lock and commits in batches, each an atomic replace of the library file, which the
app's watch (``tui/live.py``) notices and shows. Stopping is a clean stop: the progress callback raises
between two pages, and the store commits the whole pages it had staged before letting go of the lock.
"""

from __future__ import annotations

import threading
from pathlib import Path

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.notifications import SeverityLevel
from textual.widgets import Label, ProgressBar
from textual.worker import get_current_worker

from five_star.store.errors import FiveStarError
from five_star.store.library.ingest import ingest
from five_star.store.library.jsonl import split_inputs
from five_star.store.library.library import IngestReport, Library
from five_star.store.reading.read import find_pages
from five_star.store.sanitize import one_line, path_text
from five_star.tui.screens.commands import keys_for
from five_star.tui.screens.ingest import IngestDialog

PROGRESS_EVERY = 0.1
"""Seconds between looks at the worker's counts: unchanged pages go by in thousands a second, the bar needs a few."""

SKIPPED_LISTED = 8
"""Skipped files named one by one in the closing notice; the rest are counted."""


class IngestDone(Message):
    """An ingest has ended (finished, stopped or failed)."""

    def __init__(self, report: str, *, failed: bool = False, warning: bool = False) -> None:
        super().__init__()
        self.report = report
        self.failed, self.warning = failed, warning


class StopIngest(Exception):
    """Raised from the progress callback to stop between two pages."""


def count_files(paths: list[Path]) -> int | None:
    """Files the ingest will read, or None when it cannot be known beforehand (JSON Lines rows are pages)."""
    pages, rows = split_inputs(paths)
    return None if rows else sum(1 for item in find_pages(pages) if isinstance(item, Path))


def _count(number: int, noun: str) -> str:
    return f"{number:,} {noun}{'s' if number != 1 else ''}"


def summary(report: IngestReport, what: str, *, stopped: bool) -> tuple[str, bool]:
    """The closing notice, and whether it warns: counts, then each skipped file with its reason, one line each."""
    verb = "Stopped ingesting" if stopped else "Ingested"
    lines = [
        f"{verb} {what}: {_count(report.files_read, 'file')} read ({report.files_unchanged:,} unchanged), "
        f"{_count(report.articles_added, 'article')} added, {report.articles_updated:,} updated, "
        f"{report.articles_removed:,} removed."
    ]
    if stopped:
        lines.append("The pages stored before the stop are kept; ingest the same again to add the rest.")
    if report.skipped:
        lines.append(f"{len(report.skipped):,} skipped:")
        lines += [one_line(path_text(f"{path}: {reason}")) for path, reason in report.skipped[:SKIPPED_LISTED]]
        if len(report.skipped) > SKIPPED_LISTED:
            lines.append(f"… and {len(report.skipped) - SKIPPED_LISTED:,} more")
    return "\n".join(lines), stopped or bool(report.skipped) or not report.files_read


class IngestStatus(Vertical):
    """While an ingest runs: two lines under the tree, how far it has got (the counts first, so a narrow tree
    cuts the path rather than them) and a bar as wide as the tree."""

    DEFAULT_CSS = """
    IngestStatus {
        dock: bottom;
        height: 2;
        padding: 0 1;
        display: none;
        &.-running { display: block; }
        & > Label { width: 100%; text-wrap: nowrap; text-overflow: ellipsis; }
        & > ProgressBar { width: 100%; }
        & > ProgressBar Bar { width: 1fr; }
    }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.what = ""
        self._stop = threading.Event()
        # Written by the worker, read by a timer: a message per page would flood the UI with unchanged pages,
        # and a throttled one would leave the line behind while a long page is read.
        self._total: int | None = None
        self._counts: tuple[int, int] | None = None  # files, articles; None while counting the files

    def on_mount(self) -> None:
        self._timer = self.set_interval(PROGRESS_EVERY, self._show_progress, pause=True)

    def compose(self) -> ComposeResult:
        yield Label(id="ingest-status-label")
        yield ProgressBar(id="ingest-status-bar", show_eta=False)

    @property
    def running(self) -> bool:
        return self.has_class("-running")

    def ask(self, library: Path) -> None:
        """Ask for a file or folder (relative to the working folder) and ingest it into the library at ``library``."""
        if self.running:
            self.notify(f"An ingest of {self.what} is running; wait for it to end, or stop it "
                        f"{keys_for(self.screen, 'stop_ingest')}.", title="Ingest", severity="warning", markup=False)
            return

        def chosen(path: Path | None) -> None:
            if path is not None:
                self.start([path], library, one_line(path_text(path)))

        self.app.push_screen(IngestDialog(Path.cwd()), chosen)

    def start(self, paths: list[Path], library: Path, what: str) -> None:
        """Ingest ``paths`` (files or folders; ``what`` names them for a person) into the library at ``library``."""
        self.what = what
        self._stop.clear()
        self.query_one(Label).update(Text(f"Counting the files to ingest in {what}…"))
        self.query_one(ProgressBar).update(total=None, progress=0)
        self._counts = None
        self.add_class("-running")
        self._timer.resume()
        self._ingest(paths, library)

    def stop(self) -> None:
        """Stop after the page being read; the pages stored by then are kept."""
        if not self.running:
            self.app.bell()
            return
        self._stop.set()
        self.query_one(Label).update(Text(f"Stopping the ingest of {self.what}…"))

    @work(thread=True, group="ingest", description="ingest")
    def _ingest(self, paths: list[Path], library: Path) -> None:
        worker = get_current_worker()
        self._total = count_files(paths)
        self._counts = (0, 0)
        seen: list[IngestReport] = []  # the store's running totals, which a stop would otherwise take with it
        stopping = False

        def progress(report: IngestReport) -> None:
            nonlocal stopping
            self._counts = (report.files, report.articles)
            if not seen:
                seen.append(report)
            if stopping:  # the store's commit of the staged pages, after the stop, reports too
                return
            # The app quitting cancels the worker: stop as cleanly as the person's own stop.
            if self._stop.is_set() or worker.is_cancelled:
                stopping = True
                raise StopIngest

        try:
            with Library.open(library, read=False) as opened:
                report = ingest(opened, paths, progress=progress)
        except StopIngest:
            report, stopped = seen[0], True
        except (FiveStarError, OSError) as exc:
            self.post_message(IngestDone(f"Ingest of {self.what} failed: {one_line(path_text(str(exc)))}", failed=True))
            return
        else:
            stopped = False
        text, warning = summary(report, self.what, stopped=stopped)
        self.post_message(IngestDone(text, warning=warning))

    def _show_progress(self) -> None:
        counts, total = self._counts, self._total
        if counts is None or self._stop.is_set():  # still counting, or saying it is stopping
            return
        files = f"{counts[0]:,}/{total:,}" if total is not None else f"{counts[0]:,}"
        self.query_one(Label).update(Text(f"{files} files, {counts[1]:,} articles · ingesting {self.what}"))
        self.query_one(ProgressBar).update(total=total, progress=counts[0])

    def on_ingest_done(self, message: IngestDone) -> None:
        message.stop()
        self._timer.pause()
        self.remove_class("-running")
        severity: SeverityLevel = "error" if message.failed else "warning" if message.warning else "information"
        self.notify(message.report, title="Ingest", severity=severity, markup=False, timeout=15)
