"""The views the browse screen opens over what it shows (the selection, else the tree's articles): the
dashboard (``d``) and the figure explorer (``f``), and going back to the article chosen in them."""

from __future__ import annotations

from typing import TYPE_CHECKING

from five_star.store.model import Article
from five_star.store.sanitize import one_line
from five_star.tui.screens.dashboard import DashboardScreen
from five_star.tui.screens.figures import FigureExplorer
from five_star.tui.widgets.article_detail import ArticleDetail
from five_star.tui.widgets.article_tree import ArticleTree

if TYPE_CHECKING:
    from five_star.tui.screens.browse import BrowseScreen

_NOT_IN_TREE = "That article is not in the tree as it is now; Esc clears the search."


class ScopeViews:
    def __init__(self, screen: BrowseScreen) -> None:
        self.screen = screen

    def scope(self) -> tuple[list[Article], str] | None:
        """The articles a view shows, as an export would write them, and a few words saying which."""
        screen = self.screen
        if screen.reading:
            screen.notify("The library is still being read; try again in a moment.", severity="warning")
            return None
        ids, _ = screen.export_scope()
        if not ids:
            screen.notify("Nothing to show: no articles are shown.", severity="warning")
            return None
        if screen.selected:
            told = f"{len(ids):,} selected"
        elif screen.shown is None:
            told = f"all {len(ids):,} articles"
        else:
            told = f"{len(ids):,} matching “{one_line(screen.answer.text)}”"
        return [screen.articles[i] for i in ids], told

    def dashboard(self) -> None:
        chosen = self.scope()
        if chosen is not None:
            articles, told = chosen
            view = DashboardScreen(articles, scope=told, export_dir=self.screen.export_dir, clock=self.screen.clock)
            self.screen.app.push_screen(view, self._open_from_dashboard)

    def _open_from_dashboard(self, article_id: str | None) -> None:
        # A selected article outside the current search's hits is not in the tree.
        if article_id is not None and not self.screen.go_to_article(article_id):
            self.screen.notify(_NOT_IN_TREE, severity="warning", markup=False)

    def figures(self) -> None:
        chosen = self.scope()
        if chosen is not None:
            view = FigureExplorer(chosen[0], export_dir=self.screen.export_dir, clock=self.screen.clock)
            self.screen.app.push_screen(view, self._open_figure)

    def _open_figure(self, chosen: tuple[str, int] | None) -> None:
        if chosen is None:
            return
        screen = self.screen
        tree = screen.query_one(ArticleTree)
        before = tree.cursor_node
        if not screen.go_to_article(chosen[0]):
            screen.notify(_NOT_IN_TREE, severity="warning", markup=False)
            return
        if tree.cursor_node is before:  # already open: no highlight message will come to show it again
            screen.query_one(ArticleDetail).go_to_figure(chosen[1])
        else:
            screen.figure_to_show = chosen  # shown by _show_detail once the tree's highlight has opened the article
