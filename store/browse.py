"""How the app's tree groups articles: city → program → article, or program → city → article.

Pure and Textual-free so the grouping is testable on its own. Articles are bucketed once; each tree
level is then a lookup filtered by the set of articles currently shown (a search narrows it), which is
what lets a lazy tree open a 20,000-article library as fast as five.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from enum import Enum

from five_star.store.model import Article

UNLOCATED = "未定位"
"""Group for articles whose city could not be resolved."""
NO_PROGRAM = "其他"
"""Group for articles that name no program."""


class Grouping(str, Enum):
    CITY = "city"  # city → program → article
    PROGRAM = "program"  # program → city → article

    def flipped(self) -> Grouping:
        return Grouping.PROGRAM if self is Grouping.CITY else Grouping.CITY


@dataclass(frozen=True)
class Group:
    name: str
    count: int


def city_key(article: Article) -> str:
    return article.city or UNLOCATED


def program_keys(article: Article) -> list[str]:
    """An article under several programs belongs to each; one under none to the ``其他`` group."""
    return list(dict.fromkeys(article.programs)) or [NO_PROGRAM]


def _catch_all(name: str) -> bool:
    return name in (UNLOCATED, NO_PROGRAM)


def _ranked(counts: Iterable[tuple[str, int]]) -> list[Group]:
    """Most articles first; the catch-all groups last whatever their size; ties by name."""
    groups = [Group(name, count) for name, count in counts if count]
    return sorted(groups, key=lambda g: (_catch_all(g.name), -g.count, g.name))


def _count(ids: list[str], shown: Collection[str] | None) -> int:
    if shown is None:
        return len(ids)
    return sum(1 for article_id in ids if article_id in shown)


def _keep(ids: list[str], shown: Collection[str] | None) -> list[str]:
    if shown is None:
        return list(ids)
    return [article_id for article_id in ids if article_id in shown]


class BrowseIndex:
    """Articles bucketed both ways, ids kept in library order within every bucket."""

    def __init__(self, articles: Iterable[Article]) -> None:
        self.articles: dict[str, Article] = {}
        self.order: list[str] = []
        self._nested: dict[Grouping, dict[str, dict[str, list[str]]]] = {
            Grouping.CITY: {},
            Grouping.PROGRAM: {},
        }
        # Distinct ids per top-level group: an article under two programs counts once for its city.
        self._top: dict[Grouping, dict[str, list[str]]] = {Grouping.CITY: {}, Grouping.PROGRAM: {}}
        for article in articles:
            self._add(article)

    def _add(self, article: Article) -> None:
        if article.id in self.articles:
            return
        self.articles[article.id] = article
        self.order.append(article.id)
        city = city_key(article)
        self._top[Grouping.CITY].setdefault(city, []).append(article.id)
        for program in program_keys(article):
            self._top[Grouping.PROGRAM].setdefault(program, []).append(article.id)
            self._nested[Grouping.CITY].setdefault(city, {}).setdefault(program, []).append(article.id)
            self._nested[Grouping.PROGRAM].setdefault(program, {}).setdefault(city, []).append(article.id)

    def __len__(self) -> int:
        return len(self.order)

    def top(self, grouping: Grouping, shown: Collection[str] | None = None) -> list[Group]:
        """First tree level: cities (or programs) with the number of shown articles under each."""
        return _ranked((name, _count(ids, shown)) for name, ids in self._top[grouping].items())

    def middle(self, grouping: Grouping, top: str, shown: Collection[str] | None = None) -> list[Group]:
        """Second level under ``top``: its programs (or cities) with counts."""
        inner = self._nested[grouping].get(top, {})
        return _ranked((name, _count(ids, shown)) for name, ids in inner.items())

    def leaves(
        self, grouping: Grouping, top: str, middle: str, shown: Collection[str] | None = None
    ) -> list[str]:
        """Article ids under ``top`` → ``middle``, in library order."""
        return _keep(self._nested[grouping].get(top, {}).get(middle, []), shown)

    def under(
        self,
        grouping: Grouping,
        top: str,
        middle: str | None = None,
        shown: Collection[str] | None = None,
    ) -> list[str]:
        """Every distinct article id under a group node, in library order."""
        if middle is not None:
            return self.leaves(grouping, top, middle, shown)
        return _keep(self._top[grouping].get(top, []), shown)

    def paths(self, grouping: Grouping, article: Article) -> list[tuple[str, str]]:
        """Every (top, middle) pair the article appears under, in the article's own program order."""
        city = city_key(article)
        pairs = [(city, program) for program in program_keys(article)]
        if grouping is Grouping.PROGRAM:
            pairs = [(program, city) for city, program in pairs]
        return pairs
