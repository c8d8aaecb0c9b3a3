"""The five-star-tui terminal app: opens the library and hosts the browse screen.

The app owns the library (opened, and seeded on a first run, in a worker thread so the screen draws
at once), the search index, export writing, and the keys that work on every screen.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from textual import work
from textual.app import App
from textual.binding import Binding
from textual.reactive import var

from five_star.store.errors import FiveStarError
from five_star.store.export.formats import export_format
from five_star.store.library.ingest import ensure_seeded
from five_star.store.library.library import IngestReport, Library
from five_star.store.locations import default_library_path
from five_star.store.model import Article
from five_star.store.query.browse import (
    BrowseIndex,
    Summary,
    library_stamp,
    read_cached_summaries,
    write_cached_summaries,
)
from five_star.tui.screens.browse import BrowseScreen
from five_star.tui.screens.commands import BrowseCommands
from five_star.tui.screens.export import ExportRequest
from five_star.tui.screens.help import HelpScreen


def display_path(path: Path) -> str:
    """A path as short as it can be said: relative to the working directory, else with ``~``."""
    path = path.expanduser().absolute()
    for base, prefix in ((Path.cwd(), ""), (Path.home(), "~/")):
        if path.is_relative_to(base):
            return prefix + str(path.relative_to(base))
    return str(path)


class FiveStarApp(App[None]):
    CSS_PATH = Path(__file__).with_name("app.tcss")  # absolute, so subclasses elsewhere find it too
    TITLE = "five-star-tui"
    SUB_TITLE = "“五星”支部创建 news browser"
    COMMANDS = App.COMMANDS | {BrowseCommands}
    BINDINGS = [
        Binding("q", "quit", "Quit"),
        Binding("ctrl+q", "quit", "Quit", show=False, priority=True, tooltip="Quit, even from the search box"),
        Binding("question_mark", "help", "Help", tooltip="This list of every key"),
    ]

    index: var[BrowseIndex | None] = var(None)
    loaded: var[bool] = var(False)  # every article read (the tree may show earlier, from cached summaries)
    load_progress: var[tuple[str, int, int | None] | None] = var(None)

    def __init__(
        self,
        db_path: Path,
        *,
        export_dir: Path | None = None,
        clock: Callable[[], datetime] = datetime.now,
    ) -> None:
        super().__init__()
        self.db_path = db_path
        self.export_dir = export_dir if export_dir is not None else Path.cwd()
        self.clock = clock
        self.error: str | None = None
        self.articles: dict[str, Article] = {}
        self._loaded = threading.Event()
        self._search_index = None
        self._search_lock = threading.Lock()

    def get_default_screen(self) -> BrowseScreen:
        return BrowseScreen()

    def on_mount(self) -> None:
        self.sub_title = display_path(self.db_path)
        self.load_library()

    # ---- library ----------------------------------------------------------------------------

    @work(thread=True, exclusive=True, group="library")
    def load_library(self) -> None:
        # The tree needs only article summaries; when the cached ones still match the library file,
        # it is drawn at once and the library itself is read behind it.
        cached = read_cached_summaries(self.db_path)
        if cached is not None:
            self.call_from_thread(setattr, self, "index", BrowseIndex(cached))
            # Reading the library competes for the interpreter; let the tree reach the screen first.
            painted = threading.Event()
            self.call_from_thread(self.call_after_refresh, painted.set)
            painted.wait(timeout=2)
        try:
            articles, stamp = self._read_library()
        except (FiveStarError, OSError) as exc:
            self.call_from_thread(self._fail, str(exc))
            return
        summaries = [Summary.of(a) for a in articles]
        self.articles = {a.id: a for a in articles}
        if summaries != cached:
            self.call_from_thread(setattr, self, "index", BrowseIndex(summaries))
            write_cached_summaries(self.db_path, stamp, summaries)
        self._loaded.set()
        self.call_from_thread(setattr, self, "loaded", True)

    def watch_loaded(self, loaded: bool) -> None:
        if loaded:
            # Build the search index while the person looks at the tree, so the first `/` is instant.
            self.prepare_search()

    @work(thread=True, group="search-index")
    def prepare_search(self) -> None:
        self.search("")

    def _read_library(self) -> tuple[list[Article], list[int] | None]:
        """Every article, and the identity of the library file they were read from."""
        from five_star.seeds import seed_paths

        self._progress("opening library…", 0, None)
        stamp = library_stamp(self.db_path)
        with Library.open(self.db_path) as library:
            if library.is_empty():
                total = len(seed_paths())

                def report(done: IngestReport) -> None:
                    note = f"first run: read {done.files} of the {total} bundled seed pages…"
                    self._progress(note, done.files, total)

                self._progress(f"first run: reading the {total} bundled seed pages…", 0, total)
                ensure_seeded(library, progress=report)
                stamp = library_stamp(self.db_path)
            self._progress("loading articles…", 0, None)
            return library.articles(), stamp

    def _progress(self, note: str, done: int, total: int | None) -> None:
        self.call_from_thread(setattr, self, "load_progress", (note, done, total))

    def _fail(self, message: str) -> None:
        self.error = message
        self.exit(return_code=1)

    def search(self, query: str) -> list:
        """Run a query (from a worker thread); the search index is built once, on first use.

        Waits for the library to be read. An empty query only makes sure the index exists.
        """
        self._loaded.wait()
        with self._search_lock:
            if self._search_index is None:
                from five_star.store.query.search import SearchIndex

                self._search_index = SearchIndex(self.articles.values())
            index = self._search_index
        return index.search(query) if query.strip() else []

    # ---- export -----------------------------------------------------------------------------

    @work(thread=True, group="export")
    def write_export(self, articles: list, request: ExportRequest) -> None:
        fmt = export_format(request.format)
        try:
            rows = fmt.writer(articles, request.path)
        except (FiveStarError, OSError) as exc:
            self.call_from_thread(self.notify, f"Export failed: {exc}", severity="error", markup=False)
            return
        self.call_from_thread(
            self.notify, f"Exported {fmt.rows(rows)} to {request.path}", title="Export", markup=False
        )

    # ---- keys -------------------------------------------------------------------------------

    def action_help(self) -> None:
        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())


def run_app(args) -> int:
    """Entry point from ``five-star-tui`` with no command: browse the library at ``args.db``."""
    path = Path(args.db).expanduser() if getattr(args, "db", None) else default_library_path()
    app = FiveStarApp(path)
    app.run()
    if app.error:
        raise FiveStarError(app.error)
    return app.return_code or 0
