"""Hits and the spans that say where a query matched an article."""

from __future__ import annotations

from collections.abc import Iterable
from itertools import repeat
from operator import itemgetter
from typing import Protocol

from five_star.store.extraction.figures.context import merged_spans
from five_star.store.query.search.fold import fold_origins

# ---- hits ------------------------------------------------------------------------------------------------

Span = tuple[str, int, int]


class SpanFinder(Protocol):
    """What ``SpanSource`` asks of the index: ``SearchIndex`` imports this module to build hits, so this
    module names the two methods it needs rather than importing it back."""

    def position(self, article_id: str) -> int: ...

    def spans(self, number: int, needles: tuple[str, ...]) -> list[Span]: ...
_new_tuple = tuple.__new__


class Hit(tuple):
    """One matching article: its id, its rank score and the (field, start, end) spans of the match in the
    article's original title/text.

    A broad query hits most of the library, so a hit is a tuple (built at C speed, thousands per millisecond)
    and its spans are worked out on first access: only the articles a person actually looks at need them.
    """

    __slots__ = ()

    def __new__(cls, article_id: str, score: float, spans: list[Span] | None = None) -> Hit:
        return _new_tuple(cls, (article_id, score, [] if spans is None else spans))

    article_id = property(itemgetter(0))
    score = property(itemgetter(1))

    @property
    def spans(self) -> list[Span]:
        spans = self[2]  # the spans, or what finds them
        return spans if isinstance(spans, list) else spans.spans(self[0])

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Hit):
            return NotImplemented
        # Defining __eq__ leaves Hit unhashable, as it should be: equality looks at the spans, worked out late.
        return (self.article_id, self.score, self.spans) == (other.article_id, other.score, other.spans)

    def __ne__(self, other: object) -> bool:
        equal = self.__eq__(other)
        return equal if equal is NotImplemented else not equal

    def __repr__(self) -> str:
        return f"Hit({self.article_id!r}, {self.score!r}, {self.spans!r})"


class SpanSource:
    """The spans of one search's hits, each article's found once, when first asked for."""

    __slots__ = ("found", "index", "needles")

    def __init__(self, index: SpanFinder, needles: tuple[str, ...]) -> None:
        self.index, self.needles = index, needles
        self.found: dict[str, list[Span]] = {}

    def spans(self, article_id: str) -> list[Span]:
        spans = self.found.get(article_id)
        if spans is None:
            number = self.index.position(article_id)
            spans = self.found[article_id] = self.index.spans(number, self.needles) if self.needles else []
        return spans


def packed(strings: list[str]) -> list[str]:
    """Equal strings, allocated one after another.

    Every hit holds its article's id: copies made in one go sit together in memory, where the originals
    are scattered through the loaded library, and a broad query would otherwise wait on a cache miss for
    nearly every hit (measured at 20,000 articles: a third of the time of a query hitting most of them).
    """
    joined = "".join(strings)
    out, start = [], 0
    for string in strings:
        out.append(joined[start : start + len(string)])
        start += len(string)
    return out


def make_hits(groups: Iterable[tuple[float, Iterable[str]]], source: SpanSource) -> list[Hit]:
    """Hits for (score, article ids) groups, in order."""
    hits: list[Hit] = []
    for score, ids in groups:
        hits += map(_new_tuple, repeat(Hit), zip(ids, repeat(score), repeat(source)))
    return hits


def find_spans(original: str, folded: str, needles: Iterable[str], field_name: str) -> list[Span]:
    """Every occurrence of every needle in ``folded``, merged where they overlap, as offsets into ``original``."""
    found = []
    for needle in needles:
        start = folded.find(needle)
        while start >= 0:
            found.append((start, start + len(needle)))
            start = folded.find(needle, start + 1)
    if not found:
        return []
    origins = fold_origins(original)
    spans: list[Span] = []
    for start, end in merged_spans(found):
        spans.append((field_name, origins[start], origins[end - 1] + 1))
    return spans

