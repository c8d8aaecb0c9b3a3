"""The main screen: the library tree on the left, the highlighted article on the right.

It owns what is being looked at — grouping, search query and hits, selection — the keys that act on
it, and exporting it. Its state lives in reactives bound (``data_bind``) to the status bar.

The app hands it the library as it loads: ``show_progress`` while the library is read, ``index``
(article summaries, perhaps from the cache) to draw the tree, then ``open_library`` with the articles
and ``open_search`` with the query service. Slow work runs in worker threads that report back by message
(``SearchDone``; an export's ``ExportDone`` comes from its ``ExportProgressLine``), handled here on the UI thread.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from functools import partial
from pathlib import Path
from typing import ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.reactive import var
from textual.screen import Screen
from textual.widgets import Footer, Header, Label, ProgressBar, Tree
from textual.worker import get_current_worker

from five_star.store.export.formats import FORMATS, ExportFormat, export_format
from five_star.store.model import Article
from five_star.store.query.browse import BrowseIndex, Grouping, city_key
from five_star.store.query.search import Hit
from five_star.store.query.service import Answer, QueryService, read_query
from five_star.store.sanitize import one_line
from five_star.tui.live import cursor_place, open_groups, reopen_groups
from five_star.tui.screens.browse_keys import BROWSE_BINDINGS
from five_star.tui.screens.commands import BrowseCommands
from five_star.tui.screens.correct import Corrections
from five_star.tui.screens.export import ExportDialog, ExportRequest
from five_star.tui.screens.ingest_status import IngestStatus
from five_star.tui.screens.views import ScopeViews
from five_star.tui.widgets.article_detail import ArticleDetail
from five_star.tui.widgets.article_tree import ArticleTree, NodeRef, TreeView
from five_star.tui.widgets.export_progress import ExportDone, ExportProgressLine
from five_star.tui.widgets.group_summary import group_summary
from five_star.tui.widgets.search_bar import SearchBar
from five_star.tui.widgets.source_view import library_page_reader
from five_star.tui.widgets.status_bar import StatusBar

# A search with this many hits or fewer opens every group, so the hits are visible at once.
EXPAND_ALL_HITS = 40


class SearchDone(Message):
    """A query has been answered (in a worker thread)."""

    def __init__(self, answer: Answer) -> None:
        super().__init__()
        self.answer = answer


class BrowseReady(Message):
    """The browse screen's widgets exist: the app may start handing it the library."""


class ExportChosen(Message):
    """The person has chosen where and how to export: the app remembers it for the next export and launch."""

    def __init__(self, request: ExportRequest) -> None:
        super().__init__()
        self.request = request


class BrowseScreen(Screen[None]):
    DEFAULT_CSS = """
    BrowseScreen {
        layers: default export-progress;
        #main { height: 1fr; }
        #left {
            width: 42%;
            min-width: 32;
        }
        #loading {
            height: auto;
            padding: 1 2;
        }
        #loading-label {
            width: 100%;
            margin-bottom: 1;
        }
        #tree { height: 1fr; }
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = BROWSE_BINDINGS

    COMMANDS: ClassVar = {BrowseCommands}
    AUTO_FOCUS = "#tree"  # never the search box, which stays hidden until `/`

    # What the status bar shows, bound to it in compose().
    total: var[int] = var(0)
    reprints: var[int] = var(0)
    grouping: var[Grouping] = var(Grouping.CITY)
    selected_count: var[int] = var(0)
    search_text: var[str] = var("")  # the query whose answer the tree shows
    hit_count: var[int | None] = var(None)
    hit_position: var[int | None] = var(None)
    problem: var[str] = var("")
    note: var[str] = var("opening library…")
    reading: var[bool] = var(True)

    index: var[BrowseIndex | None] = var(None)  # set by the app; the tree follows it

    def __init__(
        self,
        *,
        export_dir: Path,
        clock: Callable[[], datetime],
        export_format: ExportFormat = FORMATS[0],
        library_path: Path,
    ) -> None:
        super().__init__()
        self.library_path = library_path  # where `i` ingests
        self.corrections = Corrections(self)  # E, C, X, H: the person's titles, cities and junk
        self.views = ScopeViews(self)  # d, f: the dashboard and the figure explorer
        self.export_dir = export_dir
        self.figure_to_show: tuple[str, int] | None = None  # chosen in the figure explorer, until its article shows
        self.export_format = export_format  # what the export dialog offers first: the last one chosen
        self.clock = clock
        self.articles: dict[str, Article] = {}  # empty until the library has been read
        self.service: QueryService | None = None  # likewise
        self.answer: Answer = read_query("")  # what the tree shows: everything, or a query's hits
        self.hit_by_id: dict[str, Hit] = {}
        self.shown: set[str] | None = None  # the articles the tree shows: the hits, or None for all
        self._first_hit_pending = False
        self._stay: tuple[str, tuple[str | None, str | None, str | None], list] | None = None  # see open_search

    def on_mount(self) -> None:
        # Before the first paint, so the library is read while the empty screen is drawn.
        self.post_message(BrowseReady())

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="main"):
            with Vertical(id="left"):
                yield SearchBar(id="search")
                with Vertical(id="loading"):
                    yield Label("Opening library…", id="loading-label")
                    yield ProgressBar(id="loading-progress", show_eta=False)
                yield ArticleTree(id="tree")
                yield IngestStatus(id="ingest-status")
            yield ArticleDetail(id="detail")
        yield ExportProgressLine(id="export-progress")
        yield StatusBar(id="status").data_bind(
            BrowseScreen.total,
            BrowseScreen.reprints,
            BrowseScreen.grouping,
            BrowseScreen.search_text,
            BrowseScreen.hit_count,
            BrowseScreen.hit_position,
            BrowseScreen.problem,
            BrowseScreen.note,
            BrowseScreen.reading,
            selected=BrowseScreen.selected_count,
        )
        yield Footer()

    # ---- loading ----------------------------------------------------------------------------

    def show_progress(self, note: str, done: int, total: int | None) -> None:
        """How far reading the library has got; once the tree is up, the status bar says enough."""
        if self.index is not None:
            return
        self.note = note
        self.query_one("#loading-label", Label).update(Text(note))
        self.query_one("#loading-progress", ProgressBar).update(total=total, progress=done)

    def watch_index(self, old: BrowseIndex | None, index: BrowseIndex | None) -> None:
        """Show the tree; again if the library turned out to differ from the cached summaries."""
        if index is None:
            return
        tree = self.query_one(ArticleTree)
        place = cursor_place(tree) if old is not None else (None, None, None)
        self.query_one("#loading").display = False
        self.note = ""
        self.total = len(index)
        self.reprints = len(index.order) - self.total
        tree.keep_selected(index.articles)
        self._show_tree()
        self._return_to(place)
        if not self.query_one(SearchBar).display:
            tree.focus()

    def open_library(self, articles: dict[str, Article]) -> None:
        """The articles have been read: the detail pane shows whole articles, and export works."""
        self.articles = articles
        self.reading = False
        node = self.query_one(ArticleTree).cursor_node
        if node is not None and node.data is not None and node.data.is_article:
            self._show_detail(node.data)
        self.corrections.check_file()

    def open_search(self, service: QueryService) -> None:
        """Search works: a query typed meanwhile runs now; one answered before the articles were read is asked
        again (for spans and filters), the tree staying where the person got to."""
        self.service = service
        query = self.query_one(SearchBar).value
        if query.strip():
            tree = self.query_one(ArticleTree)
            self._stay = (query, cursor_place(tree), open_groups(tree)) if query == self.answer.text else None
            self.run_search(service, query)

    @property
    def search_query(self) -> str:
        """The search as typed; "" when there is none."""
        return self.query_one(SearchBar).value

    def reload_library(
        self, articles: dict[str, Article], index: BrowseIndex, service: QueryService, answer: Answer | None
    ) -> None:
        """The library file changed on disk (tui/live.py): show what it holds now, in place. The cursor stays on
        its article or group, the open groups stay open, the selection keeps what is still there, and the
        search stays as typed, answered anew (``answer``, worked out with the reading, unless typed on since)."""
        tree, detail = self.query_one(ArticleTree), self.query_one(ArticleDetail)
        place, opened = cursor_place(tree), open_groups(tree)
        position = self.hit_position  # the hit n/N last went to: the same article's place among the new hits
        last_hit = self.answer.hits[position].article_id if position is not None else None
        focused, was_open = self.focused, detail.article
        self.articles, self.service, self.reading = articles, service, False
        query = self.search_query
        if answer is not None and answer.text == query:
            self._take_answer(answer)
        with tree.prevent(Tree.NodeHighlighted):  # the rebuilt tree's passing cursor moves are no news to the pane
            self.index = index  # redraws the tree
            reopen_groups(tree, opened)
            self._return_to(place)
        ref = tree.cursor_node.data if tree.cursor_node is not None else None
        if ref is not None and (was_open is None or ref.article_id is None or articles.get(ref.article_id) != was_open):
            self._show_detail(ref)  # else the pane keeps its scroll and its current figure
        if last_hit is not None and last_hit in self.hit_by_id:
            self.hit_position = [hit.article_id for hit in self.answer.hits].index(last_hit)
        if focused is not None and focused is not self.focused:
            self.set_focus(focused)
        if query.strip() and (answer is None or answer.text != query):  # typed while the library was read
            self.run_search(service, query)

    def _return_to(self, place: tuple[str | None, str | None, str | None]) -> None:
        """Put the cursor back where ``cursor_place`` found it in the tree as it was drawn before."""
        top, middle, article_id = place
        tree = self.query_one(ArticleTree)
        if top is not None and tree.expand_path(top, middle, article_id):
            return
        if article_id is not None:
            self.go_to_article(article_id, focus=False)  # its group is gone: the article's first place
        elif top is not None:
            tree.expand_path(top)  # a group under it is gone: the group above

    # ---- the tree ---------------------------------------------------------------------------

    def shown_ids(self) -> list[str]:
        """Shown articles in library order."""
        if self.index is None:
            return []
        shown = self.shown
        return [i for i in self.index.order if shown is None or i in shown]

    @property
    def searching(self) -> bool:
        """A query narrows the tree (its hits, none, or a refused query's nothing)."""
        return self.shown is not None

    def tree_grouping(self) -> Grouping:
        """How the tree groups what it shows now: by city alone while searching (see ``_show_tree``)."""
        return Grouping.CITY if self.searching else self.grouping

    def _show_tree(self) -> None:
        if self.index is None:
            return
        if self.shown is None:
            message = "The library is empty."
        elif self.answer.refused:
            message = self.answer.problem or ""
        else:
            message = f"No hits for “{one_line(self.answer.text)}”"
        # While a search is active the hits are grouped by city alone (city → article), whichever grouping
        # is chosen: an article has one city but may name many programs, so under city → program → article
        # (or program → city → article) it showed once per program. City-only rather than a flat ranked
        # list keeps what the tree gives: where the hits are and how many in each city, a whole city's hits
        # selected with space, the pane's summary of a city; n/N still walk the hits in rank order, and
        # Enter goes to the best one. The chosen grouping (`t`) applies again once the search is cleared.
        view = TreeView(
            self.index,
            self.tree_grouping(),
            self.shown,
            empty_message=one_line(message),
            middle_level=not self.searching,
            junk=self.corrections.junk_ids(),
        )
        expand_all = self.shown is not None and len(self.shown) <= EXPAND_ALL_HITS
        self.query_one(ArticleTree).show_view(view, expand_all=expand_all)

    @on(Tree.NodeHighlighted, "#tree")
    def _node_highlighted(self, event: Tree.NodeHighlighted[NodeRef]) -> None:
        if event.node.data is not None:
            self._show_detail(event.node.data)

    def _show_detail(self, ref: NodeRef) -> None:
        detail = self.query_one(ArticleDetail)
        if ref.article_id is None:
            detail.show_summary(self._summary(ref))
            return
        article = self.articles.get(ref.article_id)
        if article is None:  # the tree came from cached summaries; the library is still being read
            label = self.index.articles[ref.article_id].label if self.index is not None else ""
            detail.show_summary(Text.assemble((one_line(label), "bold"), "\n\nreading the library…"))
            return
        hit = self.hit_by_id.get(article.id)
        detail.show_article(article, hit.spans if hit is not None else [])  # spans are worked out on demand
        chosen, self.figure_to_show = self.figure_to_show, None
        if chosen is not None and chosen[0] == ref.article_id:
            self.call_after_refresh(detail.go_to_figure, chosen[1])  # once the article is laid out

    def _summary(self, ref: NodeRef) -> Text:
        """What the detail pane says about a group node (or the empty tree's message)."""
        if not ref.ids or self.index is None or ref.top is None:
            node = self.query_one(ArticleTree).cursor_node
            return Text(str(node.label) if node is not None else "")
        return group_summary(ref, self.index, self.tree_grouping(), self.selected, self.shown)

    # ---- search -----------------------------------------------------------------------------

    def action_search(self) -> None:
        if self.index is None:  # nothing to search until the tree is up
            self.app.bell()
            return
        bar = self.query_one(SearchBar)
        bar.display = True
        # Now, not after the next refresh (``focus()``): what is typed right after `/` goes into the box.
        self.set_focus(bar)

    @on(SearchBar.Changed, "#search")
    def _query_changed(self, event: SearchBar.Changed) -> None:
        if not event.value.strip():
            self._show_everything(event.value)
        elif self.service is not None:  # else open_search runs it once the service is ready
            self.run_search(self.service, event.value)

    @work(thread=True, exclusive=True, group="search", description="search")
    def run_search(self, service: QueryService, text: str) -> None:
        answer = service.answer(text)
        if not get_current_worker().is_cancelled:
            self.post_message(SearchDone(answer))

    def on_search_done(self, message: SearchDone) -> None:
        # Not an answer still to come (a newer keystroke is on its way), nor one left for when the articles
        # are read (filters: ``open_search`` asks again then).
        if message.answer.text == self.query_one(SearchBar).value and not message.answer.pending:
            self._show_answer(message.answer)

    def _show_answer(self, answer: Answer) -> None:
        # Back to everything (Esc, or the query erased): keep the place the search led to, not line 0.
        tree = self.query_one(ArticleTree)
        place = tree.cursor_node.data if answer.everything and tree.cursor_node is not None else None
        stay, self._stay = self._stay, None
        self._take_answer(answer)
        self._show_tree()
        if stay is not None and stay[0] == answer.text:  # the same query, asked again: the same place
            reopen_groups(tree, stay[2])
            self._return_to(stay[1])
        elif place is not None and place.article_id is not None:
            self.go_to_article(place.article_id, focus=False)  # the search box may still have the focus
        elif place is not None and place.top is not None:
            tree.expand_path(place.top, place.middle)
        if self._first_hit_pending:
            self._first_hit_pending = False
            if answer.hits:
                self._go_to_hit(0)

    def _take_answer(self, answer: Answer) -> None:
        """What the tree (once redrawn) and the status bar show from now on: ``answer``'s hits."""
        self.answer = answer
        self.hit_by_id = {hit.article_id: hit for hit in answer.hits}
        # A refused query shows nothing, never everything: it must not look like a match for all.
        self.shown = None if answer.everything else set(self.hit_by_id)
        self.search_text = answer.text
        self.hit_count = None if answer.everything or answer.refused else len(answer.hits)
        self.hit_position = None
        self.problem = answer.problem or ""

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "submit_search":
            return self.query_one(SearchBar).has_focus
        if action == "search":  # a priority key: typed in the box, `/` is part of the query
            return not self.query_one(SearchBar).has_focus
        return True

    def action_submit_search(self) -> None:
        self.set_focus(self.query_one(ArticleTree))
        if self.answer.text != self.query_one(SearchBar).value:
            self._first_hit_pending = True  # typed faster than the search ran: go there when it lands
        elif self.answer.hits:
            self._go_to_hit(0)

    @on(SearchBar.Cleared, "#search")
    def action_clear_search(self) -> None:
        self._first_hit_pending = False
        bar = self.query_one(SearchBar)
        bar.value = ""
        bar.display = False
        # The whole tree, and the focus on it, now rather than when the box's Changed message comes round:
        # keys typed right after Esc (``escape g j space``) act on the tree the person is going back to.
        self.set_focus(self.query_one(ArticleTree))
        self._show_everything("")

    def _show_everything(self, text: str) -> None:
        """The whole library, at once (there is nothing to search for); unless the tree shows it already."""
        if not (self.answer.everything and self.answer.text == text):
            self._show_answer(read_query(text))

    def action_next_hit(self) -> None:
        self._step_hit(1)

    def action_previous_hit(self) -> None:
        self._step_hit(-1)

    def _step_hit(self, delta: int) -> None:
        hits = self.answer.hits
        if not hits:
            self.app.bell()
            return
        position = self.hit_position
        if position is None:
            position = 0 if delta > 0 else len(hits) - 1
        else:
            position = (position + delta) % len(hits)
        self._go_to_hit(position)

    def _go_to_hit(self, position: int) -> None:
        self.hit_position = position
        self.go_to_article(self.answer.hits[position].article_id)

    def go_to_article(self, article_id: str, *, focus: bool = True) -> bool:
        """Open the tree down to the article's first place in it and put the cursor there."""
        if self.index is None or article_id not in self.index.articles:
            return False
        article = self.index.articles[article_id]
        tree = self.query_one(ArticleTree)
        paths: list[tuple[str, str | None]] = (
            [(city_key(article), None)] if self.searching else list(self.index.paths(self.grouping, article))
        )
        for top, middle in paths:
            if tree.expand_path(top, middle, article_id):
                if focus:
                    self.set_focus(tree)
                return True
        return False

    def go_to_group(self, top: str) -> bool:
        tree = self.query_one(ArticleTree)
        found = tree.expand_path(top)
        if found:
            self.set_focus(tree)
        return found

    # ---- grouping ---------------------------------------------------------------------------

    def action_toggle_grouping(self) -> None:
        tree = self.query_one(ArticleTree)
        cursor = tree.cursor_node
        article_id = cursor.data.article_id if cursor is not None and cursor.data is not None else None
        self.grouping = self.grouping.flipped()
        if self.searching:  # the hits stay grouped by city; the tree changes when the search is cleared
            self.notify(f"Search hits stay grouped by city; Esc shows the tree by {self.grouping.value}.",
                        markup=False)
            return
        self._show_tree()
        if article_id is not None:
            self.go_to_article(article_id)

    # ---- selection --------------------------------------------------------------------------

    @property
    def selected(self) -> set[str]:
        return self.query_one(ArticleTree).selected

    def action_select_shown(self) -> None:
        self.query_one(ArticleTree).select(self.shown_ids())

    def action_clear_selection(self) -> None:
        self.query_one(ArticleTree).clear_selection()

    @on(ArticleTree.SelectionChanged)
    def _selection_changed(self, event: ArticleTree.SelectionChanged) -> None:
        self.selected_count = event.count
        node = self.query_one(ArticleTree).cursor_node
        if node is not None and node.data is not None and not node.data.is_article:
            self.query_one(ArticleDetail).show_summary(self._summary(node.data))

    # ---- figures ----------------------------------------------------------------------------

    def action_next_figure(self) -> None:
        self.query_one(ArticleDetail).step_figure(1)

    def action_previous_figure(self) -> None:
        self.query_one(ArticleDetail).step_figure(-1)

    def action_toggle_source(self) -> None:
        self.query_one(ArticleDetail).toggle_source(library_page_reader(self.library_path))

    def action_copy_article(self) -> None:
        self.query_one(ArticleDetail).copy_article()

    def action_copy_figure(self) -> None:
        self.query_one(ArticleDetail).copy_figure(library_page_reader(self.library_path))

    # ---- views over the selection (or what is shown) -------------------------------------------

    def action_dashboard(self) -> None:
        self.views.dashboard()

    def action_figures(self) -> None:
        self.views.figures()

    # ---- export -----------------------------------------------------------------------------

    def export_scope(self) -> tuple[list[str], str]:
        """What an export writes now, and a plain sentence saying so."""
        if self.index is None:
            return [], "The library is still loading."
        if self.selected:
            ids = [i for i in self.index.order if i in self.selected]
            return ids, f"The {len(ids):,} selected article{'s' if len(ids) != 1 else ''}."
        ids = self.shown_ids()
        if self.shown is None:
            return ids, f"Nothing is selected, so all {len(ids):,} articles in the library."
        return ids, (
            f"Nothing is selected, so the {len(ids):,} article{'s' if len(ids) != 1 else ''} "
            f"matching “{one_line(self.answer.text)}”."
        )

    def action_export(self, format_name: str | None = None) -> None:
        if self.exporting:  # one at a time: two writers racing for one file would leave either
            self.notify("An export is being written; export again when it is done.", severity="warning")
            return
        if self.reading:
            self.notify("The library is still being read; export in a moment.", severity="warning")
            return
        ids, scope = self.export_scope()
        if not ids:
            self.notify("Nothing to export: no articles are shown.", severity="warning")
            return
        scope += self.corrections.junk_note(ids)
        fmt = export_format(format_name) if format_name is not None else self.export_format
        default = self.export_dir / fmt.default_name(self.clock())
        self.app.push_screen(ExportDialog(scope, default, fmt), partial(self._export, ids))

    def _export(self, ids: list[str], request: ExportRequest | None) -> None:
        if request is not None:
            self.export_dir, self.export_format = request.path.parent, request.format
            self.post_message(ExportChosen(request))
            self.write_export([self.articles[i] for i in ids], request)

    @property
    def exporting(self) -> bool:
        return self.query_one(ExportProgressLine).running

    def write_export(self, articles: list[Article], request: ExportRequest) -> None:
        self.query_one(ExportProgressLine).start(articles, request.path, request.format)

    # ---- ingest (the file changes, and the app's watch shows it: tui/live.py) ---------------------------------

    def action_ingest(self) -> None:
        self.query_one(IngestStatus).ask(self.library_path)

    def action_stop_ingest(self) -> None:
        self.query_one(IngestStatus).stop()

    # ---- the person's corrections (tui/screens/correct.py) -------------------------------------------------

    def action_edit_title(self) -> None:
        self.corrections.edit_title()

    def action_set_city(self) -> None:
        self.corrections.set_city()

    def action_toggle_junk(self) -> None:
        self.corrections.toggle_junk()

    def action_toggle_shown_junk(self) -> None:
        self.corrections.toggle_shown_junk()

    def on_export_done(self, message: ExportDone) -> None:
        self.notify(message.report, title="Export", severity="error" if message.failed else "information", markup=False)
