"""The main screen: the library tree on the left, the highlighted article on the right.

It owns what is being looked at — grouping, search query and hits, selection — the keys that act on
it, and exporting it. Its state lives in reactives bound (``data_bind``) to the status bar.

The app hands it the library as it loads: ``show_progress`` while the library is read, ``index``
(article summaries, perhaps from the cache) to draw the tree, then ``open_library`` with the articles
and ``open_search`` with the query service. Slow work runs in worker threads that report back by message
(``SearchDone``; an export's ``ExportDone`` comes from its ``ExportProgressLine``), handled here on the UI thread.
"""

from __future__ import annotations

import gc
from collections.abc import Callable
from datetime import datetime
from functools import partial
from pathlib import Path
from typing import ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
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
from five_star.tui.screens.commands import BrowseCommands
from five_star.tui.screens.dashboard import DashboardScreen
from five_star.tui.screens.export import ExportDialog, ExportRequest
from five_star.tui.screens.figures import FigureExplorer
from five_star.tui.widgets.article_detail import ArticleDetail
from five_star.tui.widgets.article_tree import ArticleTree, NodeRef, TreeView
from five_star.tui.widgets.export_progress import ExportDone, ExportProgressLine
from five_star.tui.widgets.search_bar import SearchBar
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

    BINDINGS: ClassVar[list[BindingType]] = [
        # Handled before the search box sees it, so keys typed right after Enter already reach the tree.
        Binding("enter", "submit_search", "Go to the first hit", show=False, priority=True,
                tooltip="In the search box: go to the first hit", id="browse.first-hit"),
        Binding("slash", "search", "Search",
                tooltip='Filter the tree as you type: words, "a phrase", -word, city: county: program: star: '
                'tier:5 (五星) tier:planned author: source: kind:photo unit: value>=N date:2023-05 date>=2023-05-01 '
                '(as `five-star-tui search`)',
                id="browse.search"),
        Binding("n", "next_hit", "Next hit", show=False, tooltip="Go to the next search hit", id="browse.next-hit"),
        Binding("N", "previous_hit", "Previous hit", show=False, tooltip="Go to the previous search hit",
                id="browse.previous-hit"),
        # Before the search box sees it too (its own Escape answers by a message, after keys typed meanwhile
        # had gone into the box), so keys typed right after Escape already reach the tree.
        Binding("escape", "clear_search", "Clear search", show=False, priority=True,
                tooltip="Clear the search and show every article again", id="browse.clear-search"),
        Binding("t", "toggle_grouping", "Cities⇄programs",
                tooltip="Group the tree by cities → programs, or by programs → cities", id="browse.toggle-grouping"),
        Binding("A", "select_shown", "Select all shown", show=False,
                tooltip="Select every article shown (the whole library, or the search hits)", id="browse.select-shown"),
        Binding("U", "clear_selection", "Clear selection", show=False, tooltip="Unselect everything",
                id="browse.clear-selection"),
        Binding("e", "export", "Export",
                tooltip="Export the selection (or, with nothing selected, what is shown) to CSV or JSON Lines",
                id="browse.export"),
        Binding("d", "dashboard", "Dashboard",
                tooltip="Star tallies per city and county, articles per city and per month, for the selection "
                "(or what is shown)", id="browse.dashboard"),
        Binding("f", "figures", "Figures",
                tooltip="Every figure of the selection (or what is shown): filter, sort, sum and export them; "
                "Enter opens one", id="browse.figures"),
        Binding("right_square_bracket", "next_figure", "Next figure", show=False,
                tooltip="Highlight the next figure in the article and scroll to it", id="browse.next-figure"),
        Binding("left_square_bracket", "previous_figure", "Previous figure", show=False,
                tooltip="Highlight the previous figure in the article and scroll to it", id="browse.previous-figure"),
    ]

    COMMANDS: ClassVar = {BrowseCommands}
    AUTO_FOCUS = "#tree"  # never the search box, which stays hidden until `/`

    # What the status bar shows, bound to it in compose().
    total: var[int] = var(0)
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
        self, *, export_dir: Path, clock: Callable[[], datetime], export_format: ExportFormat = FORMATS[0]
    ) -> None:
        super().__init__()
        self.export_dir = export_dir
        self._figure_to_show: tuple[str, int] | None = None  # chosen in the figure explorer, until its article shows
        self.export_format = export_format  # what the export dialog offers first: the last one chosen
        self.clock = clock
        self.articles: dict[str, Article] = {}  # empty until the library has been read
        self.service: QueryService | None = None  # likewise
        self.answer: Answer = read_query("")  # what the tree shows: everything, or a query's hits
        self.hit_by_id: dict[str, Hit] = {}
        self.shown: set[str] | None = None  # the articles the tree shows: the hits, or None for all
        self._first_hit_pending = False

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
            yield ArticleDetail(id="detail")
        yield ExportProgressLine(id="export-progress")
        yield StatusBar(id="status").data_bind(
            BrowseScreen.total,
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
        cursor = tree.cursor_node.data if old is not None and tree.cursor_node is not None else None
        self.query_one("#loading").display = False
        self.note = ""
        self.total = len(index)
        tree.keep_selected(index.articles)
        self._show_tree()
        if cursor is not None and cursor.article_id is not None:
            self.go_to_article(cursor.article_id)
        elif cursor is not None and cursor.top is not None:
            tree.expand_path(cursor.top)
        if not self.query_one(SearchBar).display:
            tree.focus()

    def open_library(self, articles: dict[str, Article]) -> None:
        """The articles have been read: the detail pane shows whole articles, and export works."""
        self.articles = articles
        self.reading = False
        # The articles live as long as the app. Out of the collector's sight, a full collection (set off
        # by any burst of allocation: an export, typing a query) no longer scans their half a million
        # objects at 20,000 articles, 300 ms with the interpreter lock held: a key answered that late.
        gc.freeze()
        node = self.query_one(ArticleTree).cursor_node
        if node is not None and node.data is not None and node.data.is_article:
            self._show_detail(node.data)

    def open_search(self, service: QueryService) -> None:
        """Search works: a query typed meanwhile (or answered from stale summaries) runs now."""
        self.service = service
        query = self.query_one(SearchBar).value
        if query.strip():
            self.run_search(service, query)

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
        chosen, self._figure_to_show = self._figure_to_show, None
        if chosen is not None and chosen[0] == ref.article_id:
            self.call_after_refresh(detail.go_to_figure, chosen[1])  # once the article is laid out

    def _summary(self, ref: NodeRef) -> Text:
        """What the detail pane says about a group node (or the empty tree's message)."""
        text = Text()
        if not ref.ids or self.index is None or ref.top is None:
            node = self.query_one(ArticleTree).cursor_node
            text.append(str(node.label) if node is not None else "")
            return text
        name = " → ".join(one_line(n) for n in (ref.top, ref.middle) if n)
        text.append(name, "bold")
        selected = self.selected  # once: it is a query for the tree
        chosen = sum(1 for i in ref.ids if i in selected)
        text.append(f"\n{len(ref.ids):,} articles · {chosen:,} selected\n")
        if ref.middle is None:  # the city's programs among the hits too, though the tree leaves them out
            grouping = self.tree_grouping()
            groups = self.index.middle(grouping, ref.top, self.shown)
            for group in groups:
                text.append(f"\n  {one_line(group.name)}  {group.count:,}")
            text.append("\n")
            total = sum(group.count for group in groups)
            if total > len(ref.ids):  # an article naming several programs is counted under each of them
                several = "programs" if grouping is Grouping.CITY else "cities"
                text.append(
                    f"\nThese add up to {total:,}, more than {len(ref.ids):,}: "
                    f"an article in several {several} is counted under each.\n",
                    "italic",
                )
        text.append("\nspace selects or unselects all of them · enter or → opens the group", "dim")
        return text

    # ---- search -----------------------------------------------------------------------------

    def action_search(self) -> None:
        if self.index is None:  # nothing to search until the tree is up
            self.app.bell()
            return
        bar = self.query_one(SearchBar)
        bar.display = True
        bar.focus()

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
        if message.answer.text == self.query_one(SearchBar).value:  # else a newer keystroke is on its way
            self._show_answer(message.answer)

    def _show_answer(self, answer: Answer) -> None:
        # Back to everything (Esc, or the query erased): keep the place the search led to, not line 0.
        tree = self.query_one(ArticleTree)
        place = tree.cursor_node.data if answer.everything and tree.cursor_node is not None else None
        self.answer = answer
        self.hit_by_id = {hit.article_id: hit for hit in answer.hits}
        # A refused query shows nothing, never everything: it must not look like a match for all.
        self.shown = None if answer.everything else set(self.hit_by_id)
        self.search_text = answer.text
        self.hit_count = None if answer.everything or answer.refused else len(answer.hits)
        self.hit_position = None
        self.problem = answer.problem or ""
        self._show_tree()
        if place is not None and place.article_id is not None:
            self.go_to_article(place.article_id, focus=False)  # the search box may still have the focus
        elif place is not None and place.top is not None:
            tree.expand_path(place.top, place.middle)
        if self._first_hit_pending:
            self._first_hit_pending = False
            if answer.hits:
                self._go_to_hit(0)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "submit_search":
            return self.query_one(SearchBar).has_focus
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

    # ---- views over the selection (or what is shown) -------------------------------------------

    def _scope_articles(self) -> tuple[list[Article], str] | None:
        """The articles a view shows, as an export would write them, and a few words saying which."""
        if self.reading:
            self.notify("The library is still being read; try again in a moment.", severity="warning")
            return None
        ids, _ = self.export_scope()
        if not ids:
            self.notify("Nothing to show: no articles are shown.", severity="warning")
            return None
        if self.selected:
            scope = f"{len(ids):,} selected"
        elif self.shown is None:
            scope = f"all {len(ids):,} articles"
        else:
            scope = f"{len(ids):,} matching “{one_line(self.answer.text)}”"
        return [self.articles[i] for i in ids], scope

    def action_dashboard(self) -> None:
        chosen = self._scope_articles()
        if chosen is not None:
            articles, scope = chosen
            screen = DashboardScreen(articles, scope=scope, export_dir=self.export_dir, clock=self.clock)
            self.app.push_screen(screen, self._open_from_dashboard)

    def _open_from_dashboard(self, article_id: str | None) -> None:
        # A selected article outside the current search's hits is not in the tree.
        if article_id is not None and not self.go_to_article(article_id):
            self.notify("That article is not in the tree as it is now; Esc clears the search.", severity="warning",
                        markup=False)

    def action_figures(self) -> None:
        chosen = self._scope_articles()
        if chosen is not None:
            screen = FigureExplorer(chosen[0], export_dir=self.export_dir, clock=self.clock)
            self.app.push_screen(screen, self._open_figure)

    def _open_figure(self, chosen: tuple[str, int] | None) -> None:
        if chosen is None:
            return
        tree = self.query_one(ArticleTree)
        before = tree.cursor_node
        if not self.go_to_article(chosen[0]):
            self.notify("That article is not in the tree as it is now; Esc clears the search.", severity="warning",
                        markup=False)
            return
        if tree.cursor_node is before:  # already open: no highlight message will come to show it again
            self.query_one(ArticleDetail).go_to_figure(chosen[1])
        else:
            self._figure_to_show = chosen  # shown by _show_detail once the tree's highlight has opened the article

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

    def on_export_done(self, message: ExportDone) -> None:
        self.notify(message.report, title="Export", severity="error" if message.failed else "information", markup=False)
