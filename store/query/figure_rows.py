"""The figure explorer's data: one row per figure of a set of articles, filtered, sorted, summarised, exported.

Rows are built once per set of articles (``FigureRows``); a filter or a sort then works on row numbers,
so neither copies a row. The filter line is the search's own query language (``parse_query``), read for
figures rather than articles:

- ``unit:`` ``kind:`` ``value>=…`` test the row's own figure, all of them the same figure, as in a search;
  a negated one (``-kind:percent``) leaves out the figures it holds for.
- ``city:`` ``county:`` ``program:`` ``star:`` ``tier:`` ``author:`` ``source:`` ``kind:photo`` and ``date:``
  test the figure's article, answered by the search's own field maps (``Facets``).
- Words and phrases must occur in the figure's sentence (folded as the search folds), ``-word`` must not:
  in a table of figures, ``集体经济`` asks for the figures said of collective income.

An empty filter keeps every row; a refused one (``value>=abc``) keeps none and says why, never "all".

Summaries give min / median / max per unit and never a total: the same figure is restated by several
articles, so adding across articles counts it again for each. ``sums_with_warning`` gives totals only
together with that warning.
"""

from __future__ import annotations

import csv
import io
import os
import re
import threading
from bisect import bisect_left
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from itertools import compress, repeat
from pathlib import Path
from statistics import median
from typing import Any, NamedTuple, TypeGuard, cast

from five_star.store.errors import FiveStarError
from five_star.store.library.storage import write_atomically
from five_star.store.model import Article, Figure
from five_star.store.query.search import Query, fold
from five_star.store.query.search.filters import Facets, fold_label
from five_star.store.query.search.language import FigureTest
from five_star.store.query.search.sets import Bits
from five_star.store.query.service import read_query
from five_star.store.sanitize import neutralise_formula, strip_controls

# The marks ``Article.sentence_of`` ends a sentence at; one pass finds them all in an article, rather than a
# search for each mark around each figure (0.95 s of ~1.3 s for the 92,000 figures of 20,000 articles).
_SENTENCE_END = re.compile("[。！？!?；\n]")

SUM_WARNING = (
    "Sums add every row: the same figure is often reported by several articles, so a total counts it once "
    "for each article that restates it. Check the sentences before using a sum."
)


class FigureRow(NamedTuple):
    """One figure, with what the table and the CSV say about it and its article; made when asked for
    (``FigureRows.row``), so that holding 90,000 rows creates no 90,000 objects for the collector to walk."""

    article: Article
    figure_index: int  # the figure's position in ``article.figures``: what ``go_to_figure`` takes
    figure: Figure
    sentence: str  # ``Article.sentence_of(figure)``

    @property
    def article_id(self) -> str:
        return self.article.id

    @property
    def county(self) -> str | None:
        """The article's first county: a row has one place, and the first is the one the text leads with."""
        return self.article.counties[0] if self.article.counties else None


def _is_number(value: object) -> TypeGuard[int | float]:
    """A value that orders with the others (NaN, which a hand-edited library could hold, would unsort them)."""
    return isinstance(value, (int, float)) and value == value


def _sentence(text: str, ends: list[int], figure: Figure) -> str:
    """``Article.sentence_of(figure)``, from the positions of the text's sentence marks."""
    before = bisect_left(ends, figure.start)  # marks at or after the figure's start lie beyond it
    start = ends[before - 1] + 1 if before else 0
    after = bisect_left(ends, figure.end)
    end = ends[after] + 1 if after < len(ends) else len(text)
    return text[start:end].strip()


@dataclass(frozen=True)
class Column:
    name: str  # the CSV header and the sort's name
    # The cell's value from a row's parts (``FigureRow``'s fields, in order), None when the row has none;
    # taking the parts lets a sort read 90,000 rows without making a row object for each.
    get: Callable[[Article, int, Figure, str], object]


def _text_or_none(value: str | None) -> str | None:
    return value or None  # an empty unit or title sorts with the missing ones, last


def _number_or_none(value: float | int | None) -> float | int | None:
    return value if _is_number(value) else None


COLUMNS: tuple[Column, ...] = (
    Column("value", lambda a, i, f, s: _number_or_none(f.value)),
    Column("value_max", lambda a, i, f, s: _number_or_none(f.value_max)),
    Column("unit", lambda a, i, f, s: _text_or_none(f.unit)),
    Column("qualifier", lambda a, i, f, s: _text_or_none(f.qualifier)),
    Column("kind", lambda a, i, f, s: _text_or_none(f.kind)),
    Column("figure", lambda a, i, f, s: _text_or_none(f.text)),
    Column("sentence", lambda a, i, f, s: _text_or_none(s)),
    Column("title", lambda a, i, f, s: _text_or_none(a.title)),
    Column("city", lambda a, i, f, s: _text_or_none(a.city)),
    Column("county", lambda a, i, f, s: a.counties[0] if a.counties else None),
    Column("published", lambda a, i, f, s: _text_or_none(a.published)),
    Column("article_id", lambda a, i, f, s: a.id),
    Column("figure_index", lambda a, i, f, s: i),
)
COLUMN_NAMES: tuple[str, ...] = tuple(c.name for c in COLUMNS)
_COLUMNS = {c.name: c for c in COLUMNS}


def column(name: str) -> Column:
    if name not in _COLUMNS:
        raise FiveStarError(f"no figure column {name!r}; choose one of {', '.join(COLUMN_NAMES)}")
    return _COLUMNS[name]


class _Tested:
    """What a figure test reads, one list per attribute, so that a filter is a pass over plain lists."""

    def __init__(self, figures: list[Figure]) -> None:
        self.units = [fold_label(figure.unit or "") for figure in figures]
        self.kinds = [figure.kind for figure in figures]
        self.lows = [float(v) if _is_number(v := figure.value) else None for figure in figures]
        self.highs = [
            max(float(top), low) if low is not None and _is_number(top := figure.value_max) else low
            for figure, low in zip(figures, self.lows, strict=True)
        ]


@dataclass(frozen=True)
class Filtered:
    """The rows a filter line keeps (row numbers, in library order) and what to tell the person."""

    text: str
    numbers: list[int]
    problem: str | None  # why it was refused, or which parts were ignored; None when all was used
    refused: bool = False


class FigureRows:
    """Every figure of ``articles`` as a row (articles in the order given, figures in text order)."""

    def __init__(self, articles: Iterable[Article]) -> None:
        self.articles = list(articles)
        # Rows are kept as parallel lists of what already exists (articles, figures, numbers): a row object
        # for each would be ~90,000 new objects at 20,000 articles, and the next full collection after
        # them walks the whole loaded library (measured: a 0.4 s pause in the app).
        self._row_articles = [article for article in self.articles for _ in article.figures]
        self.figures = [figure for article in self.articles for figure in article.figures]
        self.indexes = [index for article in self.articles for index in range(len(article.figures))]
        self.owners = [number for number, article in enumerate(self.articles) for _ in article.figures]
        self._sentence_of: list[str | None] = [None] * len(self.figures)
        # Built when first needed, so opening the explorer pays only for the lists above; built once under
        # a lock, as a filter and ``prepare`` may ask from different threads at the same time.
        self._building = threading.RLock()
        self._tested: _Tested | None = None
        self._facets: Facets | None = None
        self._folded_sentences: list[str] | None = None
        self._sort_orders: dict[tuple[str, bool], tuple[list[int], bytes]] = {}

    def row(self, number: int) -> FigureRow:
        return FigureRow(self._row_articles[number], self.indexes[number], self.figures[number], self.sentence(number))

    def sentence(self, number: int) -> str:
        found = self._sentence_of[number]
        if found is None:
            found = self._sentence_of[number] = self._row_articles[number].sentence_of(self.figures[number])
        return found

    def prepare(self) -> None:
        """Build now what the first filter or sentence sort would otherwise wait for (~0.6 s at 20,000 articles)."""
        self._figure_lists()
        self._article_fields()
        self._sentences()

    def _figure_lists(self) -> _Tested:
        with self._building:
            if self._tested is None:
                self._tested = _Tested(self.figures)
            return self._tested

    def _article_fields(self) -> Facets:
        with self._building:
            if self._facets is None:
                self._facets = Facets(self.articles, Bits(len(self.articles)))
            return self._facets

    def fill_sentences(self) -> None:
        """Every row's sentence at once: one pass per article over its sentence marks (~0.15 s at 20,000
        articles, where asking each row alone takes ~1 s)."""
        sentences, figures, at = self._sentence_of, self.figures, 0
        for article in self.articles:
            count = len(article.figures)
            if count and any(s is None for s in sentences[at : at + count]):
                ends = [match.start() for match in _SENTENCE_END.finditer(article.text)]
                for number in range(at, at + count):
                    sentences[number] = _sentence(article.text, ends, figures[number])
            at += count

    def __len__(self) -> int:
        return len(self.figures)

    # ---- filtering -------------------------------------------------------------------------------------

    def filter(self, text: str) -> Filtered:
        """The rows the filter line ``text`` keeps."""
        asked = read_query(text)
        if asked.everything:
            return Filtered(text, list(range(len(self))), None)
        if asked.refused:
            return Filtered(text, [], asked.problem, refused=True)
        return Filtered(text, self._matching(asked.query), asked.problem)

    def _matching(self, query: Query) -> list[int]:
        numbers: Iterable[int] = range(len(self))
        allowed = self._articles_allowed(query)
        if allowed is not None:
            owners = self.owners
            numbers = [n for n in numbers if allowed[owners[n]]]
        for test in query.figure:
            holds = self._figure_test(test)
            numbers = [n for n in numbers if holds(n) != test.negated]
        if query.needles or query.excluded:
            sentences = self._sentences()
            for needle in query.needles:
                numbers = [n for n in numbers if needle in sentences[n]]
            for needle in query.excluded:
                numbers = [n for n in numbers if needle not in sentences[n]]
        return list(numbers)

    def _articles_allowed(self, query: Query) -> bytes | None:
        """One byte per article, 1 for those passing the query's field and date filters (None: no such filters).

        The search's own maps answer each filter, so ``city:漯河`` or ``date:2023`` means here exactly what
        it means in a search.
        """
        if not query.filters and not query.dates:
            return None
        facets = self._article_fields()
        bits = facets.bits
        chosen = bits.all
        for test in query.filters:
            found = facets.matching(test)
            chosen &= ~found if test.negated else found
        for date_test in query.dates:
            found = facets.published(date_test)
            chosen &= ~found if date_test.negated else found
        return bits.flags(chosen).ljust(len(self.articles), b"\x00")

    def _figure_test(self, test: FigureTest) -> Callable[[int], bool]:
        """Whether row n's figure passes ``test``, read as the search reads it (``FigureSets``): units
        compared folded, and a range (四五万) passing a comparison when some value in it does."""
        tested = self._figure_lists()
        if test.attribute == "unit":
            units = tested.units
            return lambda n: units[n] == test.value
        if test.attribute == "kind":
            kinds = tested.kinds
            return lambda n: kinds[n] == test.value
        lows, highs = tested.lows, tested.highs
        bound = float(test.value)
        compare: Callable[[float, float], bool] = {
            ">=": lambda low, high: high >= bound,
            ">": lambda low, high: high > bound,
            "<=": lambda low, high: low <= bound,
            "<": lambda low, high: low < bound,
            "=": lambda low, high: low <= bound <= high,
        }[test.op]

        def holds(n: int) -> bool:
            low, high = lows[n], highs[n]
            return low is not None and high is not None and compare(low, high)

        return holds

    def _sentences(self) -> list[str]:
        with self._building:
            if self._folded_sentences is None:
                self.fill_sentences()
                self._folded_sentences = [fold(sentence or "") for sentence in self._sentence_of]
            return self._folded_sentences

    # ---- sorting ---------------------------------------------------------------------------------------

    def sort(self, numbers: Iterable[int], by: str, *, descending: bool = False) -> list[int]:
        """``numbers`` (ascending, as ``filter`` gives them) ordered by column ``by``; rows without a value
        (an undated article, a figure with no number) last in either direction, equal ones in row order.

        Each column and direction is sorted once for every row; ordering a subset then keeps that order's
        members, a pass at C speed rather than a sort of its own.
        """
        numbers = list(numbers)
        order, present = self._order(by, descending)
        member = bytearray(len(self))
        for n in numbers:
            member[n] = 1
        valued = list(compress(order, map(member.__getitem__, order)))
        return valued + [n for n in numbers if not present[n]]

    def _order(self, by: str, descending: bool) -> tuple[list[int], bytes]:
        """Every row with a value in column ``by``, in order (stable), and one byte per row saying which have one."""
        key = (by, descending)
        if key not in self._sort_orders:
            get = column(by).get
            sentences: Iterable[str] = repeat("")  # only the sentence column reads them
            if by == "sentence":
                self.fill_sentences()
                sentences = cast(list[str], self._sentence_of)  # every one filled just now
            values: list[Any] = list(map(get, self._row_articles, self.indexes, self.figures, sentences))
            present = bytes(value is not None for value in values)
            valued = compress(range(len(values)), present)
            # reverse=True keeps equal rows in row order, as the ascending sort does.
            self._sort_orders[key] = (sorted(valued, key=values.__getitem__, reverse=descending), present)
        return self._sort_orders[key]

    def selected(self, numbers: Iterable[int]) -> list[FigureRow]:
        return [self.row(n) for n in numbers]

    def export(self, numbers: Iterable[int], path: str | os.PathLike) -> int:
        """Write rows ``numbers``, in that order, to a CSV file (see ``write_csv``); returns the row count."""
        self.fill_sentences()
        return write_csv(self.selected(numbers), path)


# ---- summaries -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class UnitSummary:
    unit: str  # as stored ("" for a figure without one)
    count: int  # rows in this unit with a value
    low: float
    median: float
    high: float


@dataclass(frozen=True)
class Summary:
    count: int  # every row, with a value or not
    units: list[UnitSummary]  # most rows first


def summarize(figures: Iterable[Figure]) -> Summary:
    """Count, and min / median / max per unit of the figures' values; no sums (see ``sums_with_warning``).

    A range (十五六万) counts as its lower value, as it sorts.
    """
    values: dict[str, list[float]] = {}
    count = 0
    for figure in figures:
        count += 1
        if _is_number(figure.value):
            values.setdefault(figure.unit or "", []).append(figure.value)
    units = [UnitSummary(unit, len(found), min(found), median(found), max(found)) for unit, found in values.items()]
    units.sort(key=lambda s: -s.count)  # stable: equal counts keep the order first met
    return Summary(count, units)


@dataclass(frozen=True)
class Sums:
    totals: dict[str, float]  # unit -> sum of the values
    warning: str = SUM_WARNING


def sums_with_warning(figures: Iterable[Figure]) -> Sums:
    """Per-unit totals, only ever handed out with the warning that a restated figure is counted again."""
    totals: dict[str, float] = {}
    for figure in figures:
        if _is_number(figure.value):
            unit = figure.unit or ""
            totals[unit] = totals.get(unit, 0) + figure.value
    return Sums(totals)


# ---- CSV -------------------------------------------------------------------------------------------------


def _cell(value: object) -> str:
    """As ``export.writers.cell`` (which this layer may not import): no control characters, no formula,
    and integral numbers without a decimal point (126000, not 126000.0)."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return neutralise_formula(strip_controls(str(value)))


def csv_bytes(rows: Iterable[FigureRow]) -> tuple[bytes, int]:
    """The rows as CSV with every column, UTF-8 with a BOM (so Excel reads the Chinese); and the row count."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer)
    writer.writerow(COLUMN_NAMES)
    getters = [c.get for c in COLUMNS]
    count = 0
    for row in rows:
        writer.writerow([_cell(get(*row)) for get in getters])
        count += 1
    return buffer.getvalue().encode("utf-8-sig"), count


def write_csv(rows: Iterable[FigureRow], path: str | os.PathLike) -> int:
    """Write the rows (in the order given) to ``path`` atomically; returns the number of rows."""
    payload, count = csv_bytes(rows)
    target = Path(path).expanduser()
    if not target.parent.is_dir():
        raise FiveStarError(f"cannot export to {target}: folder {target.parent} does not exist")
    try:
        write_atomically(target, payload)
    except OSError as exc:
        raise FiveStarError(f"cannot export to {target}: {exc.strerror or exc}") from None
    return count
