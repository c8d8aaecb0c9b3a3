"""The five-star-tui terminal app: opens the library and hosts the browse screen.

The app owns the library: it is opened (and seeded on a first run) in worker threads, which report by
message — ``LoadProgress``, ``SummariesRead``, ``LibraryLoaded``, ``SearchReady``, ``LibraryFailed`` — handled here on the
UI thread and handed down to the browse screen; from then on ``LibraryWatch`` (tui/live.py) shows what
other writers (another ``ingest``, or the app's own) change in the file. It also owns the keys that work
on every screen, the user's keymap file, which remaps any binding by its id, and the settings kept between
launches (theme, grouping, last export folder and format; store/settings.py).
"""

from __future__ import annotations

import gc
import tomllib
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import replace
from datetime import datetime
from functools import partial
from pathlib import Path
from typing import Any, ClassVar

from textual import work
from textual.app import App, SystemCommand
from textual.binding import Binding, BindingType
from textual.dom import DOMNode
from textual.message import Message
from textual.screen import Screen

from five_star.seeds import seed_paths
from five_star.store.errors import FiveStarError
from five_star.store.export.formats import FORMAT_NAMES, FORMATS, ExportFormat, export_format
from five_star.store.library.corrections import corrections_path
from five_star.store.library.library import IngestReport, Library
from five_star.store.library.storage import freeze_after
from five_star.store.locations import config_dir, default_library_path
from five_star.store.model import Article
from five_star.store.query.browse import (
    BrowseIndex,
    Grouping,
    Summary,
    library_stamp,
    read_cached_summaries,
    read_stored_summaries,
    write_cached_summaries,
)
from five_star.store.query.search.saved import SavedIndex, saved_index_path
from five_star.store.query.service import QueryService
from five_star.store.settings import read_settings, settings_path, write_settings
from five_star.tui.live import LibraryReread, LibraryUnreadable, LibraryWatch
from five_star.tui.screens.browse import BrowseReady, BrowseScreen, ExportChosen
from five_star.tui.screens.commands import keys_for
from five_star.tui.screens.correct import CorrectionDialog
from five_star.tui.screens.dashboard import DashboardScreen
from five_star.tui.screens.export import ConfirmOverwrite, ExportDialog
from five_star.tui.screens.figures import FigureExplorer, FigureGrid
from five_star.tui.screens.help import HelpScreen
from five_star.tui.screens.ingest import IngestDialog, PathInput
from five_star.tui.widgets.article_tree import ArticleTree
from five_star.tui.widgets.search_bar import SearchBar

KEYMAP_FILE = "keymap.toml"


def display_path(path: Path) -> str:
    """A path as short as it can be said: relative to the working directory, else with ``~``."""
    path = path.expanduser().absolute()
    for base, prefix in ((Path.cwd(), ""), (Path.home(), "~/")):
        if path.is_relative_to(base):
            return prefix + str(path.relative_to(base))
    return str(path)


# ---- messages from the loading workers ----------------------------------------------------------


class LoadProgress(Message):
    def __init__(self, note: str, done: int, total: int | None) -> None:
        super().__init__()
        self.note, self.done, self.total = note, done, total


class SummariesRead(Message):
    """The article summaries (cached, or the library file's own; ``cached`` says which), or None when there
    are none that match the library file."""

    def __init__(self, summaries: list[Summary] | None, index: BrowseIndex | None, *, cached: bool) -> None:
        super().__init__()
        self.summaries, self.index, self.cached = summaries, index, cached


class LibraryLoaded(Message):
    """Every article has been read; ``index`` is None when the cached summaries were right; ``stamp`` is the
    identity of the file read (``library_stamp``), which the watch for changes starts from."""

    def __init__(self, articles: dict[str, Article], index: BrowseIndex | None, stamp: list[int] | None) -> None:
        super().__init__()
        self.articles, self.index, self.stamp = articles, index, stamp


class SearchReady(Message):
    """The query service over the loaded articles can answer (``early``: the saved index's, before them)."""

    def __init__(self, service: QueryService, *, early: bool = False) -> None:
        super().__init__()
        self.service, self.early = service, early


class LibraryFailed(Message):
    def __init__(self, reason: str) -> None:
        super().__init__()
        self.reason = reason


# ---- the keymap file --------------------------------------------------------------------------


def _entries(table: Mapping[str, Any], prefix: str = "") -> Iterator[tuple[str, object]]:
    """(binding id, value) for a keymap table; ``[browse] search = "f"`` and ``browse.search = "f"`` alike."""
    for name, value in table.items():
        if isinstance(value, dict):
            yield from _entries(value, f"{prefix}{name}.")
        else:
            yield f"{prefix}{name}", value


def _valid_keys(value: object) -> bool:
    return isinstance(value, str) and all(key.strip() and " " not in key.strip() for key in value.split(","))


def read_keymap(path: Path, binding_ids: Iterable[str]) -> tuple[dict[str, str], list[str]]:
    """The keymap in ``path`` (binding id → keys) and what was wrong with it; no file is an empty keymap.

    A file that cannot be read or parsed gives no keymap; otherwise every good entry is kept and every
    bad one reported.
    """
    try:
        table = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}, []
    except (OSError, UnicodeDecodeError) as exc:
        return {}, [f"cannot be read ({exc})"]
    except tomllib.TOMLDecodeError as exc:
        return {}, [f"is not valid TOML ({exc})"]
    known = set(binding_ids)
    keymap: dict[str, str] = {}
    problems = []
    for binding_id, keys in _entries(table):
        if binding_id not in known:
            problems.append(f"no key binding has the id {binding_id!r}")
        elif not _valid_keys(keys):
            problems.append(f'{binding_id}: expected keys as text, such as "ctrl+f" or "f3,ctrl+f", not {keys!r}')
        else:
            keymap[binding_id] = str(keys)
    return keymap, problems


class FiveStarApp(App[None]):
    CSS_PATH = Path(__file__).with_name("app.tcss")  # absolute, so subclasses elsewhere find it too
    TITLE = "five-star-tui"
    SUB_TITLE = "“五星”支部创建 news browser"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("q", "quit", "Quit", id="app.quit"),
        Binding("ctrl+q", "quit", "Quit", show=False, priority=True, tooltip="Quit, even from the search box",
                id="app.quit-anywhere"),
        Binding("question_mark", "help", "Help", tooltip="This list of every key", id="app.help"),
    ]
    # Every class whose bindings a keymap file may remap by id.
    KEYMAP_CLASSES: ClassVar[tuple[type[DOMNode], ...]] = (
        BrowseScreen, ArticleTree, SearchBar, ExportDialog, ConfirmOverwrite, HelpScreen, DashboardScreen,
        FigureExplorer, FigureGrid, IngestDialog, PathInput, CorrectionDialog,
    )

    def __init__(
        self,
        db_path: Path,
        *,
        export_dir: Path | None = None,
        clock: Callable[[], datetime] = datetime.now,
    ) -> None:
        super().__init__()
        self.db_path = db_path
        self.settings, self.settings_problems = read_settings(settings_path())
        self.settings_saved = True  # until a write fails: then said once, not at every change
        self.export_dir = export_dir if export_dir is not None else self._saved_export_dir()
        self.error: str | None = None
        self._early_service: QueryService | None = None  # the one answering before the articles are read
        self.user_keymap: dict[str, str] = {}
        self.browse = BrowseScreen(export_dir=self.export_dir, clock=clock, export_format=self._saved_export_format(),
                                   library_path=db_path)
        self.browse.grouping = self._saved_grouping()
        self.live = LibraryWatch(self, db_path, self.browse)  # another ingest's writes show as they land

    def deliver_screenshot(
        self, filename: str | None = None, path: str | None = None, time_format: str | None = None
    ) -> str | None:
        # Textual saves into the Downloads folder, which many machines (servers, fresh accounts) lack, and the
        # save then fails: screenshots go where exports go, a folder that exists, and the toast says where.
        return super().deliver_screenshot(filename, path or str(self.export_dir), time_format)

    def get_default_screen(self) -> BrowseScreen:
        return self.browse

    def on_mount(self) -> None:
        self.sub_title = display_path(self.db_path)
        self.load_keymap()
        self._apply_saved_theme()
        if self.settings_problems:
            self.notify(f"{display_path(settings_path())}: {'; '.join(self.settings_problems)} (the defaults apply "
                        "instead)", title="Settings", severity="warning", markup=False, timeout=20)
        # Watched only now, so putting back the saved theme and grouping is not taken for a new choice.
        self.theme_changed_signal.subscribe(self, lambda theme: self.remember(theme=theme.name))
        self.watch(self.browse, "grouping", lambda grouping: self.remember(grouping=grouping.value), init=False)

    def on_export_chosen(self, message: ExportChosen) -> None:
        self.export_dir = message.request.path.parent  # screenshots go there too
        self.remember(export_folder=str(self.export_dir), export_format=message.request.format.name)

    def on_browse_ready(self, message: BrowseReady) -> None:
        # Only now is the browse screen there to be told what the workers find.
        self.read_summaries()

    # ---- library ----------------------------------------------------------------------------

    @work(thread=True, group="summaries")
    def read_summaries(self) -> None:
        """The tree needs only article summaries: when the cached ones still match the library file (or,
        without them, the file's own summaries table can be read), it is drawn from them at once, and the
        library itself is read behind it."""
        summaries = read_cached_summaries(self.db_path)
        cached = summaries is not None
        if summaries is None:
            summaries = read_stored_summaries(self.db_path)
        index = BrowseIndex(summaries, self.browse.grouping) if summaries is not None else None
        self.post_message(SummariesRead(summaries, index, cached=cached))

    def on_summaries_read(self, message: SummariesRead) -> None:
        if message.index is None:
            self.read_library(None, cached=False)
            return
        self.browse.index = message.index
        # Reading the library competes for the interpreter; let the tree reach the screen first.
        self.call_after_refresh(partial(self.read_library, message.summaries, cached=message.cached))

    # A description of our own: Textual would otherwise describe the worker by repr() of its arguments, on
    # the UI thread, which for 20,000 summaries is ~40 ms of a frozen screen.
    @work(thread=True, group="library", description="read the library")
    def read_library(self, shown: list[Summary] | None, *, cached: bool) -> None:
        if shown is not None:
            self._search_early(shown)
        try:
            with freeze_after():
                articles, stamp = self._read_library()
        except (FiveStarError, OSError) as exc:
            self.post_message(LibraryFailed(str(exc)))
            return
        summaries = [Summary.of(a) for a in articles]
        index = None
        if summaries != shown:
            index = BrowseIndex(summaries, self.browse.grouping)
        if summaries != shown or not cached:  # the cache is a quicker read than the file's summaries table
            write_cached_summaries(self.db_path, stamp, summaries)
        self.post_message(LibraryLoaded({a.id: a for a in articles}, index, stamp))
        # Folding every title and text for search takes ~0.5 s at 20,000 articles: the tree and the articles
        # are shown first (the index itself is then read from where the last launch saved it, or built in
        # a thread of the service's own and saved there).
        saved = SavedIndex(saved_index_path(self.db_path), stamp)
        early, self._early_service = self._early_service, None
        self.post_message(SearchReady(QueryService(articles, saved=saved, early=early)))

    def _search_early(self, shown: list[Summary]) -> None:
        """Words and phrases can be searched from the index the last launch saved, before the articles are
        read (seconds at 100,000); once the tree is up, since loading it competes with drawing the tree. Not
        with corrections: they change titles the index holds."""
        if corrections_path(self.db_path).exists():
            return
        saved = SavedIndex(saved_index_path(self.db_path), library_stamp(self.db_path))
        early = QueryService.before_articles([summary.id for summary in shown], saved)
        if early is not None:
            self._early_service = early  # for read_library to take its index over
            self.post_message(SearchReady(early, early=True))

    def _read_library(self) -> tuple[list[Article], list[int] | None]:
        """Every article, and the identity of the library file they were read from."""
        self._progress("opening library…", 0, None)
        stamp = library_stamp(self.db_path)
        with Library.open(self.db_path) as library:
            if library.is_empty():
                # Lazy for start-up time (~0.1 s): only a first run extracts, so only it loads the pipeline.
                from five_star.store.library.ingest import ensure_seeded

                total = len(seed_paths())

                def report(done: IngestReport) -> None:
                    self._progress(f"first run: read {done.files} of the {total} bundled seed pages…", done.files, total)

                self._progress(f"first run: reading the {total} bundled seed pages…", 0, total)
                ensure_seeded(library, progress=report)
                gc.collect()  # the extraction's garbage (a first run's: small), before ``freeze_after`` keeps the rest
                stamp = library_stamp(self.db_path)
            self._progress("loading articles…", 0, None)
            return library.articles(), stamp

    def _progress(self, note: str, done: int, total: int | None) -> None:
        self.post_message(LoadProgress(note, done, total))

    def on_load_progress(self, message: LoadProgress) -> None:
        self.browse.show_progress(message.note, message.done, message.total)

    def on_library_loaded(self, message: LibraryLoaded) -> None:
        if message.index is not None:
            self.browse.index = message.index
        self.browse.open_library(message.articles)
        self.live.start(message.stamp)

    def on_library_reread(self, message: LibraryReread) -> None:
        self.live.reread(message)

    def on_library_unreadable(self, message: LibraryUnreadable) -> None:
        self.live.unreadable(message)

    def on_search_ready(self, message: SearchReady) -> None:
        if message.early and self.browse.service is not None:
            return  # the articles were read first: their service is in use already
        self.browse.open_search(message.service)

    def on_library_failed(self, message: LibraryFailed) -> None:
        self.error = message.reason
        self.exit(return_code=1)

    # ---- settings kept between launches (store/settings.py) ---------------------------------

    def _saved_export_dir(self) -> Path:
        # A folder since removed (an unplugged drive) would make every export ask to create it again.
        folder = self.settings.export_folder
        if folder is not None and Path(folder).is_dir():
            return Path(folder)
        return Path.cwd()

    def _saved_export_format(self) -> ExportFormat:
        name = self.settings.export_format
        if name is None:
            return FORMATS[0]
        if name not in FORMAT_NAMES:
            self.settings_problems.append(f"export_format: no format {name!r}")
            return FORMATS[0]
        return export_format(name)

    def _saved_grouping(self) -> Grouping:
        value = self.settings.grouping
        if value is None:
            return Grouping.CITY
        try:
            return Grouping(value)
        except ValueError:
            self.settings_problems.append(f"grouping: no grouping {value!r}")
            return Grouping.CITY

    def _apply_saved_theme(self) -> None:
        name = self.settings.theme
        if name is None:
            return
        if name in self.available_themes:
            self.theme = name
        else:
            self.settings_problems.append(f"theme: no theme {name!r}")

    def remember(self, **changes: str) -> None:
        """Save a choice for the next launch; a folder that cannot be written to is said once, then borne."""
        settings = replace(self.settings, **changes)
        if settings == self.settings:
            return
        self.settings = settings
        try:
            write_settings(settings_path(), settings)
        except OSError as exc:
            if self.settings_saved:
                self.notify(f"Settings will not be kept: {display_path(settings_path())} cannot be written "
                            f"({exc.strerror or exc})", title="Settings", severity="warning", markup=False)
            self.settings_saved = False
        else:
            self.settings_saved = True

    # ---- keys -------------------------------------------------------------------------------

    @property
    def keymap_path(self) -> Path:
        return config_dir() / KEYMAP_FILE

    @classmethod
    def binding_ids(cls) -> list[str]:
        """The id of every binding a keymap file may remap."""
        ids = (binding.id for owner in (cls, *cls.KEYMAP_CLASSES) for binding in owner.BINDINGS
               if isinstance(binding, Binding))
        return [i for i in dict.fromkeys(ids) if i is not None]

    def load_keymap(self) -> None:
        path = self.keymap_path
        self.user_keymap, problems = read_keymap(path, self.binding_ids())
        self.set_keymap(self.user_keymap)
        if problems:
            self.notify(f"{display_path(path)}: {'; '.join(problems)}", title="Keymap", severity="error",
                        markup=False, timeout=20)

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        yield SystemCommand("Help: list every key", f"Open the key reference {keys_for(screen, 'help')}",
                            self.action_help)

    def action_help(self) -> None:
        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(self.user_keymap))


def run_app(args) -> int:
    """Entry point from ``five-star-tui`` with no command: browse the library at ``args.db``."""
    path = Path(args.db).expanduser() if getattr(args, "db", None) else default_library_path()
    app = FiveStarApp(path)
    app.run()
    if app.error:
        raise FiveStarError(app.error)
    return app.return_code or 0
