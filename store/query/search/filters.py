"""Field filters and figure tests, answered from per-field maps and a value-ordered figure list."""

from __future__ import annotations

from array import array
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Iterator
from functools import lru_cache
from operator import itemgetter
from typing import TypeGuard

from five_star.store.model import Article
from five_star.store.query.search.fold import fold
from five_star.store.query.search.language import (
    FIELDS,
    NO_CITY,
    PLANNED,
    DateTest,
    FieldFilter,
    FigureTest,
)
from five_star.store.query.search.sets import Bits

# Fields whose value is one of a few names, matched whole: kind:photo, tier:5 (never tier:5 inside 15).
_WHOLE_VALUE_FIELDS = ("kind", "tier")


@lru_cache(maxsize=65536)
def fold_label(label: str) -> str:
    """Field values (cities, units, names) repeat across thousands of articles: fold each once."""
    return fold(label)


class Facets:
    """Article fields for filters: folded value -> the articles holding it."""

    def __init__(self, articles: list[Article], bits: Bits) -> None:
        self.bits = bits
        values: dict[str, dict[str, list[int]]] = {name: {} for name in FIELDS}
        no_city = []
        for number, article in enumerate(articles):
            if article.city is None:
                no_city.append(number)
            for name, found in self._fields(article):
                for value in dict.fromkeys(found):
                    values[name].setdefault(fold_label(value), []).append(number)
        self.values = {name: {v: bits.compact(ns) for v, ns in groups.items()} for name, groups in values.items()}
        self.no_city = bits.of(no_city)
        # Published dates in order, so a period is two bisections; ISO dates sort as strings.
        dated = sorted((a.published, n) for n, a in enumerate(articles) if a.published)
        self.dates = [date for date, _ in dated]
        self.dated = [n for _, n in dated]
        self.undated = bits.of([n for n, a in enumerate(articles) if not a.published])

    @staticmethod
    def _fields(article: Article) -> Iterator[tuple[str, list[str]]]:
        yield "city", [article.city] if article.city else []
        yield "county", article.counties
        yield "program", article.programs
        yield "star", article.stars
        yield "author", article.authors
        yield "source", [article.source]
        yield "kind", [article.kind]
        yield "tier", _tiers(article)

    def matching(self, test: FieldFilter) -> int:
        if test.field == "city" and test.value in NO_CITY:
            return self.no_city
        values = self.values[test.field]
        if test.field in _WHOLE_VALUE_FIELDS:
            return self.bits.mask(values.get(test.value, 0))
        return self.bits.union(found for value, found in values.items() if test.value in value)


    def published(self, test: DateTest) -> int:
        if not test.first:
            return self.undated
        low, high = 0, len(self.dates)
        if test.op in ("=", ">="):
            low = bisect_left(self.dates, test.first)
        elif test.op == ">":
            low = bisect_right(self.dates, test.last)
        if test.op in ("=", "<="):
            high = bisect_right(self.dates, test.last)
        elif test.op == "<":
            high = bisect_left(self.dates, test.first)
        return self.bits.of(self.dated[low:high]) if low < high else 0


def _tiers(article: Article) -> list[str]:
    """The tiers the article counts branches at, planned tallies included, and ``planned`` if it has any."""
    tiers = [str(tally.tier) for tally in article.star_counts]
    return [*tiers, PLANNED] if any(tally.plan for tally in article.star_counts) else tiers


def _is_number(value: object) -> TypeGuard[int | float]:
    """A value that orders with the others (NaN, which a hand-edited library could hold, would unsort them)."""
    return isinstance(value, (int, float)) and value == value


class FigureSets:
    """Every figure of the library, numbered in order of value so that a comparison is a range of numbers."""

    def __init__(self, articles: list[Article], bits: Bits) -> None:
        valued: list[tuple[float, float, int, str, str]] = []  # (low, high, article, unit, kind)
        unvalued: list[tuple[int, str, str]] = []
        for number, article in enumerate(articles):
            for figure in article.figures:
                unit = fold_label(figure.unit or "")
                if _is_number(figure.value):
                    top = figure.value_max if _is_number(figure.value_max) else figure.value
                    valued.append((float(figure.value), float(max(top, figure.value)), number, unit, figure.kind))
                else:
                    unvalued.append((number, unit, figure.kind))
        valued.sort(key=itemgetter(0))  # stable: equal values keep library order
        self.articles_bits = bits
        self.bits = Bits(len(valued) + len(unvalued))
        self.valued = len(valued)
        self.lows = array("d", [row[0] for row in valued])
        # Ranges (四五万) are rare: the few whose top reaches past their bottom are checked one by one.
        self.ranges = [(row[1], index) for index, row in enumerate(valued) if row[1] > row[0]]
        self.owners = [row[2] for row in valued] + [row[0] for row in unvalued]
        by_unit: dict[str, list[int]] = {}
        by_kind: dict[str, list[int]] = {}
        for index, (unit, kind) in enumerate([row[3:] for row in valued] + [row[1:] for row in unvalued]):
            by_unit.setdefault(unit, []).append(index)
            by_kind.setdefault(kind, []).append(index)
        self.by_unit = {unit: self.bits.of(found) for unit, found in by_unit.items()}
        self.by_kind = {kind: self.bits.of(found) for kind, found in by_kind.items()}

    def figures(self, test: FigureTest) -> int:
        if isinstance(test.value, str):  # a unit or a kind; a value test holds a number
            return (self.by_unit if test.attribute == "unit" else self.by_kind).get(test.value, 0)
        return self._compared(test.op, test.value)

    def _compared(self, op: str, bound: float) -> int:
        # A range [low, high] satisfies a comparison when some value in it does.
        def below(end: int) -> int:
            return (1 << end) - 1

        if op == "<=":
            return below(bisect_right(self.lows, bound))
        if op == "<":
            return below(bisect_left(self.lows, bound))
        if op in (">=", ">"):
            start = bisect_left(self.lows, bound) if op == ">=" else bisect_right(self.lows, bound)
            reaching = [i for high, i in self.ranges if i < start and (high >= bound if op == ">=" else high > bound)]
            return (below(self.valued) ^ below(start)) | self.bits.of(reaching)
        return self._compared("<=", bound) & self._compared(">=", bound)

    def articles(self, tests: Iterable[FigureTest]) -> int:
        """Articles with one figure passing every test."""
        chosen: int | None = None
        for test in tests:
            found = self.figures(test)
            chosen = found if chosen is None else chosen & found
        return self.articles_bits.of(self.bits.members(chosen or 0, self.owners))
