"""Command palette (ctrl+p) entries: export, grouping, help, jump to a city, jump to an article by title."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Matcher, Provider
from textual.content import Content
from textual.markup import escape

from five_star.store.query.browse import Grouping
from five_star.store.sanitize import one_line

# Article titles listed per search; more would only slow the palette down.
MAX_ARTICLE_HITS = 50


def highlighted(matcher: Matcher, candidate: str) -> Content:
    """Like ``Matcher.highlight`` but the candidate (an article title) is never parsed as markup."""
    content = Content(candidate)
    score, offsets = matcher.fuzzy_search.match(matcher.query, candidate)
    if score:
        for offset in offsets:
            if not candidate[offset].isspace():
                content = content.stylize(matcher.match_style, offset, offset + 1)
    return content


def _could_match(query: str, candidate: str) -> bool:
    """Cheap pre-check: fuzzy matching needs every query character somewhere in the candidate."""
    folded = candidate.lower()
    return all(ch in folded for ch in query.lower() if not ch.isspace())


class BrowseCommands(Provider):
    def _browse(self):
        from five_star.tui.screens.browse import BrowseScreen

        screen = self.screen
        return screen if isinstance(screen, BrowseScreen) and screen.index is not None else None

    def _actions(self) -> Iterator[tuple[str, Callable[[], object], str]]:
        browse = self._browse()
        yield "Help: list every key", self.app.action_help, "Open the key reference (?)"
        if browse is None:
            return
        yield "Export…", browse.action_export, "Write the selection (or what is shown) to CSV or JSON Lines (e)"
        other = "programs → cities" if browse.grouping is Grouping.CITY else "cities → programs"
        yield f"Group by {other}", browse.action_toggle_grouping, "Switch the tree's grouping (t)"
        yield "Search…", browse.action_search, "Filter the tree with a query (/)"
        yield "Select everything shown", browse.action_select_shown, "(A)"
        yield "Clear the selection", browse.action_clear_selection, "(U)"

    def _cities(self) -> Iterator[tuple[str, Callable[[], object], str]]:
        browse = self._browse()
        if browse is None:
            return
        for group in browse.index.top(Grouping.CITY, browse.shown):
            name = one_line(group.name)
            yield f"Jump to city: {name}", partial(self._jump_to_city, group.name), f"{group.count:,} articles"

    def _jump_to_city(self, city: str) -> None:
        browse = self._browse()
        if browse is None:
            return
        if browse.grouping is not Grouping.CITY:
            browse.action_toggle_grouping()
        browse.go_to_group(city)

    async def discover(self) -> Hits:
        for text, callback, help_text in [*self._actions(), *self._cities()]:
            yield DiscoveryHit(text, callback, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for text, callback, help_text in [*self._actions(), *self._cities()]:
            score = matcher.match(text)
            if score > 0:
                yield Hit(score, highlighted(matcher, text), callback, text=text, help=help_text)
        browse = self._browse()
        if browse is None:
            return
        found = 0
        for article_id in browse.shown_ids():
            article = browse.index.articles[article_id]
            title = f"Jump to article: {one_line(article.label)}"
            if not _could_match(query, title):
                continue
            score = matcher.match(title)
            if score > 0:
                # The palette parses help text as markup, and a file name may hold brackets.
                where = escape(" · ".join(p for p in (article.city, one_line(article.source)) if p))
                yield Hit(score, highlighted(matcher, title), partial(browse.go_to_article, article_id),
                          text=title, help=where)
                found += 1
                if found >= MAX_ARTICLE_HITS:
                    return
