"""Command palette (ctrl+p) entries of the browse screen: export, grouping, jump to a city or an article.

The browse screen lists this provider in its ``COMMANDS``; the provider sees that screen only through
``Browsing``, so neither module has to import the other's class.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from functools import partial
from typing import Protocol, cast

from textual.command import DiscoveryHit, Hit, Hits, Matcher, Provider
from textual.content import Content
from textual.markup import escape
from textual.screen import Screen

from five_star.store.export.formats import FORMATS
from five_star.store.query.browse import BrowseIndex, Grouping
from five_star.store.sanitize import one_line

# Article titles listed per search; more would only slow the palette down.
MAX_ARTICLE_HITS = 50


class Browsing(Protocol):
    """What the palette needs of the screen it was opened on."""

    @property
    def index(self) -> BrowseIndex | None: ...

    @property
    def grouping(self) -> Grouping: ...

    @property
    def shown(self) -> set[str] | None: ...

    def shown_ids(self) -> list[str]: ...

    def go_to_article(self, article_id: str) -> bool: ...

    def go_to_group(self, top: str) -> bool: ...

    def action_export(self, format_name: str = ...) -> None: ...

    def action_toggle_grouping(self) -> None: ...

    def action_search(self) -> None: ...

    def action_dashboard(self) -> None: ...

    def action_figures(self) -> None: ...

    def action_select_shown(self) -> None: ...

    def action_clear_selection(self) -> None: ...


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


def keys_for(screen: Screen, action: str) -> str:
    """The keys that run ``action`` on ``screen`` now (the user's keymap applied) as palette help text,
    which is markup: "(e)", or "" if no key does."""
    keys = dict.fromkeys(
        screen.app.get_key_display(active.binding)
        for active in screen.active_bindings.values()
        if active.binding.action == action
    )
    return escape(f"({', '.join(keys)})") if keys else ""


class BrowseCommands(Provider):
    def _browse(self) -> Browsing | None:
        browse = cast(Browsing, self.screen)
        return browse if browse.index is not None else None

    def _actions(self) -> Iterator[tuple[str, Callable[[], object], str]]:
        browse = self._browse()
        if browse is None:
            return
        keys = partial(keys_for, self.screen)
        for fmt in FORMATS:
            yield (f"Export: {fmt.label}", partial(browse.action_export, fmt.name),
                   f"Write the selection (or what is shown) to a {fmt.suffix} file {keys('export')}")
        other = "programs → cities" if browse.grouping is Grouping.CITY else "cities → programs"
        yield f"Group by {other}", browse.action_toggle_grouping, f"Switch the tree's grouping {keys('toggle_grouping')}"
        yield "Search…", browse.action_search, f"Filter the tree with a query {keys('search')}"
        yield (
            "Dashboard: star tallies per city and county, articles per month",
            browse.action_dashboard,
            f"For the selection, or what is shown {keys('dashboard')}",
        )
        yield (
            "Figures: every figure of the shown articles",
            browse.action_figures,
            f"Filter, sort, summarise and export them {keys('figures')}",
        )
        yield "Select everything shown", browse.action_select_shown, keys("select_shown")
        yield "Clear the selection", browse.action_clear_selection, keys("clear_selection")

    def _cities(self) -> Iterator[tuple[str, Callable[[], object], str]]:
        browse = self._browse()
        if browse is None or browse.index is None:
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
            yield DiscoveryHit(Content(text), callback, help=help_text)  # a city name is data, not markup

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for text, callback, help_text in [*self._actions(), *self._cities()]:
            score = matcher.match(text)
            if score > 0:
                yield Hit(score, highlighted(matcher, text), callback, text=text, help=help_text)
        browse = self._browse()
        if browse is None or browse.index is None:
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
