"""The main screen: the library tree on the left, the highlighted article on the right.

It owns what is being looked at — grouping, search query and hits, selection — and the keys that act
on it. The app hands it the loaded library as a ``BrowseIndex`` and a search function.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Footer, Header, Label, ProgressBar, Tree
from textual.worker import get_current_worker

from five_star.store.export.formats import FORMATS
from five_star.store.query.browse import BrowseIndex, Grouping
from five_star.store.sanitize import one_line
from five_star.tui.screens.export import ExportDialog, ExportRequest
from five_star.tui.widgets.article_detail import ArticleDetail
from five_star.tui.widgets.article_tree import ArticleTree, NodeRef, TreeView
from five_star.tui.widgets.search_bar import SearchBar
from five_star.tui.widgets.status_bar import StatusBar

if TYPE_CHECKING:
    from five_star.tui.app import FiveStarApp

# A search with this many hits or fewer opens every group, so the hits are visible at once.
EXPAND_ALL_HITS = 40


class BrowseScreen(Screen):
    BINDINGS = [
        # Handled before the search box sees it, so keys typed right after Enter already reach the tree.
        Binding("enter", "submit_search", "Go to the first hit", show=False, priority=True,
                tooltip="In the search box: go to the first hit"),
        Binding("slash", "search", "Search",
                tooltip='Filter the tree as you type: words, "a phrase", -word, city: county: program: star: '
                'author: source: kind:photo unit: value>=N (as `five-star-tui search`)'),
        Binding("n", "next_hit", "Next hit", show=False, tooltip="Go to the next search hit"),
        Binding("N", "previous_hit", "Previous hit", show=False, tooltip="Go to the previous search hit"),
        Binding("escape", "clear_search", "Clear search", show=False,
                tooltip="Clear the search and show every article again"),
        Binding("t", "toggle_grouping", "Cities⇄programs",
                tooltip="Group the tree by cities → programs, or by programs → cities"),
        Binding("A", "select_shown", "Select all shown", show=False,
                tooltip="Select every article shown (the whole library, or the search hits)"),
        Binding("U", "clear_selection", "Clear selection", show=False, tooltip="Unselect everything"),
        Binding("e", "export", "Export",
                tooltip="Export the selection (or, with nothing selected, what is shown) to CSV or JSON Lines"),
        Binding("right_square_bracket", "next_figure", "Next figure", show=False,
                tooltip="Highlight the next figure in the article and scroll to it"),
        Binding("left_square_bracket", "previous_figure", "Previous figure", show=False,
                tooltip="Highlight the previous figure in the article and scroll to it"),
    ]

    AUTO_FOCUS = "#tree"  # never the search box, which stays hidden until `/`

    app: FiveStarApp

    def __init__(self) -> None:
        super().__init__()
        self.index: BrowseIndex | None = None
        self.grouping = Grouping.CITY
        self.search_query = ""
        self.hits: list = []  # ranked search hits, empty when no search is active
        self.hit_by_id: dict[str, object] = {}
        self.shown: set[str] | None = None  # the articles the tree shows: the search hits, or None for all
        self.hit_position: int | None = None
        self._first_hit_pending = False

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
        yield StatusBar(id="status")
        yield Footer()

    def on_mount(self) -> None:
        self.watch(self.app, "index", self._index_loaded)
        self.watch(self.app, "load_progress", self._load_progress)
        self.watch(self.app, "loaded", self._articles_loaded)

    # ---- loading ----------------------------------------------------------------------------

    def _load_progress(self, progress: tuple[str, int, int | None] | None) -> None:
        if progress is None or self.index is not None:
            return
        note, done, total = progress
        self.query_one("#loading-label", Label).update(Text(note))
        self.query_one(ProgressBar).update(total=total, progress=done)
        self.query_one(StatusBar).note = note

    def _index_loaded(self, index: BrowseIndex | None) -> None:
        """Show the tree; called again if the library turned out to differ from the cached summaries."""
        if index is None:
            return
        tree = self.query_one(ArticleTree)
        cursor = tree.cursor_node.data if self.index is not None and tree.cursor_node is not None else None
        self.index = index
        self.query_one("#loading").display = False
        status = self.query_one(StatusBar)
        status.note = ""
        status.total = len(index)
        tree.selected &= set(index.articles)
        self._show_tree()
        if self.search_query.strip():
            self.run_search(self.search_query)
        if cursor is not None and cursor.article_id is not None:
            self.go_to_article(cursor.article_id)
        elif cursor is not None and cursor.top is not None:
            tree.expand_path(cursor.top)
        if not self.query_one(SearchBar).display:
            tree.focus()

    def _articles_loaded(self, loaded: bool) -> None:
        """The full articles have arrived: fill in the detail of whatever the cursor is on."""
        self.query_one(StatusBar).reading = not loaded
        node = self.query_one(ArticleTree).cursor_node
        if loaded and node is not None and node.data is not None and node.data.is_article:
            self._show_detail(node.data)

    # ---- the tree ---------------------------------------------------------------------------

    def shown_ids(self) -> list[str]:
        """Shown articles in library order."""
        if self.index is None:
            return []
        shown = self.shown
        return [i for i in self.index.order if shown is None or i in shown]

    def _show_tree(self) -> None:
        if self.index is None:
            return
        tree = self.query_one(ArticleTree)
        shown = self.shown
        message = f"No hits for “{one_line(self.search_query)}”" if shown is not None else "The library is empty."
        view = TreeView(self.index, self.grouping, shown, empty_message=message)
        tree.show_view(view, expand_all=shown is not None and len(shown) <= EXPAND_ALL_HITS)

    @on(Tree.NodeHighlighted, "#tree")
    def _node_highlighted(self, event: Tree.NodeHighlighted[NodeRef]) -> None:
        ref = event.node.data
        if ref is None or self.index is None:
            return
        self._show_detail(ref)

    def _show_detail(self, ref: NodeRef) -> None:
        detail = self.query_one(ArticleDetail)
        if not ref.is_article:
            detail.show_summary(self._summary(ref))
            return
        article = self.app.articles.get(ref.article_id)
        if article is None:  # the tree came from cached summaries; the library is still being read
            summary = self.index.articles[ref.article_id]
            detail.show_summary(Text.assemble((one_line(summary.label), "bold"), "\n\nreading the library…"))
            return
        hit = self.hit_by_id.get(article.id)
        detail.show_article(article, hit.spans if hit is not None else [])  # spans are worked out on demand

    def _summary(self, ref: NodeRef) -> Text:
        """What the detail pane says about a group node."""
        assert self.index is not None
        text = Text()
        if not ref.ids:
            text.append(str(self.query_one(ArticleTree).cursor_node.label))
            return text
        name = " → ".join(one_line(n) for n in (ref.top, ref.middle) if n)
        text.append(name, "bold")
        chosen = sum(1 for i in ref.ids if i in self.selected)
        text.append(f"\n{len(ref.ids):,} articles · {chosen:,} selected\n")
        if ref.middle is None:
            for group in self.index.middle(self.grouping, ref.top, self.shown):
                text.append(f"\n  {one_line(group.name)}  {group.count:,}")
            text.append("\n")
        text.append("\nspace selects or unselects all of them · enter or → opens the group", "dim")
        return text

    # ---- search -----------------------------------------------------------------------------

    def action_search(self) -> None:
        if self.index is None:  # nothing to search until the library has loaded
            self.app.bell()
            return
        bar = self.query_one(SearchBar)
        bar.display = True
        bar.focus()

    @on(SearchBar.Changed, "#search")
    def _query_changed(self, event: SearchBar.Changed) -> None:
        self.run_search(event.value)

    @work(thread=True, exclusive=True, group="search")
    def run_search(self, query: str) -> None:
        hits = self.app.search(query) if query.strip() else []
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self._apply_search, query, hits)

    def _apply_search(self, query: str, hits: list) -> None:
        if query != self.query_one(SearchBar).value:
            return  # a newer keystroke is on its way
        self.search_query, self.hits = query, hits
        self.hit_by_id = {hit.article_id: hit for hit in hits}
        self.shown = set(self.hit_by_id) if query.strip() else None
        self.hit_position = None
        status = self.query_one(StatusBar)
        status.query = query
        status.hit_count = len(hits) if query.strip() else None
        status.hit_position = None
        self._show_tree()
        if self._first_hit_pending:
            self._first_hit_pending = False
            if hits:
                self._go_to_hit(0)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "submit_search":
            return self.query_one(SearchBar).has_focus
        return True

    def action_submit_search(self) -> None:
        self.set_focus(self.query_one(ArticleTree))
        if self.search_query != self.query_one(SearchBar).value:
            self._first_hit_pending = True  # typed faster than the search ran: go there when it lands
        elif self.hits:
            self._go_to_hit(0)

    @on(SearchBar.Cleared, "#search")
    def action_clear_search(self) -> None:
        self._first_hit_pending = False
        bar = self.query_one(SearchBar)
        was_open = bar.display
        bar.value = ""
        bar.display = False
        self.query_one(ArticleTree).focus()
        if not was_open and not self.search_query:
            return
        self._apply_search("", [])

    def action_next_hit(self) -> None:
        self._step_hit(1)

    def action_previous_hit(self) -> None:
        self._step_hit(-1)

    def _step_hit(self, delta: int) -> None:
        if not self.hits:
            self.app.bell()
            return
        position = self.hit_position
        if position is None:
            position = 0 if delta > 0 else len(self.hits) - 1
        else:
            position = (position + delta) % len(self.hits)
        self._go_to_hit(position)

    def _go_to_hit(self, position: int) -> None:
        self.hit_position = position
        self.query_one(StatusBar).hit_position = position
        self.go_to_article(self.hits[position].article_id)

    def go_to_article(self, article_id: str) -> bool:
        """Open the tree down to the article's first place in it and put the cursor there."""
        if self.index is None or article_id not in self.index.articles:
            return False
        article = self.index.articles[article_id]
        tree = self.query_one(ArticleTree)
        for top, middle in self.index.paths(self.grouping, article):
            if tree.expand_path(top, middle, article_id):
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
        self.query_one(StatusBar).grouping = self.grouping
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
        self.query_one(StatusBar).selected = event.count
        node = self.query_one(ArticleTree).cursor_node
        if node is not None and node.data is not None and not node.data.is_article:
            self.query_one(ArticleDetail).show_summary(self._summary(node.data))

    # ---- figures ----------------------------------------------------------------------------

    def action_next_figure(self) -> None:
        self.query_one(ArticleDetail).step_figure(1)

    def action_previous_figure(self) -> None:
        self.query_one(ArticleDetail).step_figure(-1)

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
            f"matching “{one_line(self.search_query)}”."
        )

    def action_export(self) -> None:
        if not self.app.loaded:
            self.notify("The library is still being read; export in a moment.", severity="warning")
            return
        ids, scope = self.export_scope()
        if not ids:
            self.notify("Nothing to export: no articles are shown.", severity="warning")
            return
        default = self.app.export_dir / FORMATS[0].default_name(self.app.clock())
        self.app.push_screen(ExportDialog(scope, default), lambda request: self._export(ids, request))

    def _export(self, ids: list[str], request: ExportRequest | None) -> None:
        if request is not None and self.index is not None:
            # After the dialog has gone, so the notification lands on this screen, not the closing dialog.
            articles = [self.app.articles[i] for i in ids]
            self.call_after_refresh(self.app.write_export, articles, request)
