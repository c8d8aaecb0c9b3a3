"""The campaign at a glance: per city (or per county of one city) the article count and the star tallies
the articles report, a timeline of articles per month, and the table as CSV.

Textual-free and one pass over the articles, so the dashboard follows a search or a selection at
once: at 20,000 generated articles (80 % of them dated) the city rows take about 20 ms, the timeline
10 ms and one city's counties 30 ms.

**Tallies are statements, never sums.** Articles restate the same count ("驻马店市共有“五星”支部70个"
in one report, again in the next), so adding them up would count one set of branches many times. For
each place and tier the dashboard shows the *latest* statement: the one with the most recent
``published``; an undated statement ranks below every dated one; ties go to the later article in
library order (the order the articles are given in), and within one article to the later statement.
Goals (``StarCount.plan``, 拟创建…) are kept apart from what was achieved, with a latest of their own.

**Reprints count once.** Articles sharing a ``story`` (the same report on several sites) are one item:
a place counts the story once, only its first article there states its tallies, and the timeline puts
it in the month of its earliest dated copy. So "articles" in the rows and charts counts stories.

**Places.** Cities are ``browse.city_key``: the article's city, else 全省, 河南省外 or 未定位, ranked as the
tree ranks them. Within a city an article belongs to a county when it names exactly one county of that
city (a county of another city, such as a study tour to 兰考, does not count); an article naming none,
or several, belongs to the city itself. So every article of the city is in exactly one row of the
drill-down, its tallies go with it, and the rows' article counts add up to the city's.
"""

from __future__ import annotations

import csv
import io
import os
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from five_star.store.errors import FiveStarError
from five_star.store.library.storage import remove_stale_temps, write_atomically
from five_star.store.model import Article, Figure, StarCount, tier_name
from five_star.store.query.browse import city_key, contradicting_places, ranked_groups
from five_star.store.sanitize import neutralise_formula, strip_controls

TIERS: tuple[int, ...] = (5, 4, 3)
"""The tiers the dashboard shows, highest first (the campaign reports 一星 and 二星 rarely)."""

COLUMNS: tuple[tuple[bool, int], ...] = tuple((plan, tier) for plan in (False, True) for tier in TIERS)
"""The tally columns as (planned, tier): achieved 五星 四星 三星, then planned ones."""

STALE_TEMP_SECONDS = 600.0
"""As for the other exports: a temporary file this old is a killed export's leftover."""


def column_label(plan: bool, tier: int) -> str:
    return f"planned {tier_name(tier)}" if plan else tier_name(tier)


@dataclass(frozen=True)
class Statement:
    """One tally as one article states it."""

    tier: int
    count: int
    text: str  # the words of the tally, as StarCount.text
    plan: bool
    published: str | None
    article_id: str


@dataclass(frozen=True)
class Latest:
    """The statement shown for a place and tier, and how many statements of that tier the place has."""

    statement: Statement
    statements: int


@dataclass
class PlaceRow:
    place: str
    articles: int
    achieved: dict[int, Latest] = field(default_factory=dict)  # tier → latest achieved tally
    planned: dict[int, Latest] = field(default_factory=dict)  # tier → latest planned tally

    def latest(self, plan: bool, tier: int) -> Latest | None:
        return (self.planned if plan else self.achieved).get(tier)


# (dated, published, position in library order, position in the article): the largest is the latest.
_Rank = tuple[bool, str, int, int]


class _Tallies:
    """Latest statement per place and (plan, tier), kept as the rank and the raw tally until rows are made."""

    def __init__(self) -> None:
        self.best: dict[str, dict[tuple[bool, int], tuple[_Rank, Article, StarCount]]] = {}
        self.statements: Counter[tuple[str, bool, int]] = Counter()

    def add(self, place: str, position: int, article: Article) -> None:
        best = self.best.setdefault(place, {})
        dated = article.published is not None
        for order, tally in enumerate(article.star_counts):
            key = (tally.plan, tally.tier)
            rank = (dated, article.published or "", position, order)
            self.statements[place, tally.plan, tally.tier] += 1
            known = best.get(key)
            if known is None or rank > known[0]:
                best[key] = (rank, article, tally)

    def row(self, place: str, articles: int) -> PlaceRow:
        row = PlaceRow(place, articles)
        for (plan, tier), (_, article, tally) in self.best.get(place, {}).items():
            statement = Statement(tier, tally.count, tally.text, plan, article.published, article.id)
            (row.planned if plan else row.achieved)[tier] = Latest(statement, self.statements[place, plan, tier])
        return row


def city_rows(articles: Sequence[Article]) -> list[PlaceRow]:
    """One row per city, most stories first, then 全省, 河南省外 and 未定位."""
    counts: Counter[str] = Counter()
    tallies = _Tallies()
    told: set[tuple[str, str]] = set()  # (place, story) counted already: a reprint adds nothing
    for position, article in enumerate(articles):
        place = city_key(article)
        if (place, article.story) in told:
            continue
        told.add((place, article.story))
        counts[place] += 1
        if article.star_counts:
            tallies.add(place, position, article)
    return [tallies.row(group.name, group.count) for group in ranked_groups(counts.items())]


def county_of(article: Article) -> str | None:
    """The one county of its own city the article names, or None when it names none or several."""
    elsewhere = {place.name for place in contradicting_places(article)}
    counties = [name for name in dict.fromkeys(article.counties) if name not in elsewhere]
    return counties[0] if len(counties) == 1 else None


def county_rows(articles: Sequence[Article], city: str) -> list[PlaceRow]:
    """The articles of ``city`` (a ``city_key``) by county: the city itself first (articles naming no county
    or several), then its counties, most articles first."""
    counts: Counter[str] = Counter()
    tallies = _Tallies()
    told: set[tuple[str, str]] = set()
    for position, article in enumerate(articles):
        if city_key(article) != city:
            continue
        place = county_of(article) or city
        if (place, article.story) in told:
            continue
        told.add((place, article.story))
        counts[place] += 1
        if article.star_counts:
            tallies.add(place, position, article)
    names = sorted(counts, key=lambda name: (name != city, -counts[name], name))
    return [tallies.row(name, counts[name]) for name in names]


def articles_of(articles: Iterable[Article], city: str) -> list[Article]:
    """The articles under ``city`` in the dashboard (a ``city_key``)."""
    return [article for article in articles if city_key(article) == city]


# ---- the timeline ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Timeline:
    months: list[tuple[str, int]]  # (YYYY-MM, articles), every month from the first to the last, gaps as 0
    undated: int


def _month_after(month: str) -> str:
    year, number = int(month[:4]), int(month[5:7])
    return f"{year + number // 12:04d}-{number % 12 + 1:02d}"


def timeline(articles: Iterable[Article]) -> Timeline:
    """Stories per month of ``published`` (a story's earliest dated copy); the undated counted apart rather
    than guessed."""
    earliest: dict[str, str | None] = {}
    for article in articles:
        known = earliest.get(article.story, "")  # "": not seen yet (no date is empty)
        if known == "" or (article.published is not None and (known is None or article.published < known)):
            earliest[article.story] = article.published
    counts: Counter[str] = Counter()
    undated = 0
    for published in earliest.values():
        if published is None:
            undated += 1
        else:
            counts[published[:7]] += 1
    months: list[tuple[str, int]] = []
    if counts:
        # Empty months are shown as such: a chart that skipped them would make a lull look like a steady run.
        month, last = min(counts), max(counts)
        while month <= last:
            months.append((month, counts[month]))
            month = _month_after(month)
    return Timeline(months, undated)


# ---- tracing a tally to its sentence ------------------------------------------------------------------


def tally_sentence(article: Article, text: str) -> str:
    """The sentence of the article in which the tally's words stand (the words alone if not found)."""
    start = article.text.find(text)
    if start < 0:
        return text
    # A tally is a counted figure: going through Article.sentence_of keeps one rule for where a sentence ends.
    return article.sentence_of(Figure(text, None, "", None, "count", start, start + len(text)))


# ---- CSV -------------------------------------------------------------------------------------------


def _cell(value: object) -> str:
    # As store/export/writers.cell (this stage may not import that one): no control characters, no formulas.
    return "" if value is None else neutralise_formula(strip_controls(str(value)))


def dashboard_header(place_column: str = "city") -> list[str]:
    header = [place_column, "articles"]
    for plan, tier in COLUMNS:
        label = column_label(plan, tier)
        header += [label, f"{label} date", f"{label} article", f"{label} statement"]
    return header


def dashboard_row(row: PlaceRow) -> list[str]:
    cells: list[object] = [row.place, row.articles]
    for plan, tier in COLUMNS:
        latest = row.latest(plan, tier)
        if latest is None:
            cells += [None, None, None, None]
        else:
            s = latest.statement
            cells += [s.count, s.published, s.article_id, s.text]
    return [_cell(value) for value in cells]


def dashboard_csv(rows: Iterable[PlaceRow], place_column: str = "city") -> bytes:
    """The table as CSV: UTF-8 with a BOM (Excel reads Chinese right), a header row, one row per place."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer)
    writer.writerow(dashboard_header(place_column))
    writer.writerows(dashboard_row(row) for row in rows)
    return buffer.getvalue().encode("utf-8-sig")


def write_dashboard_csv(rows: Sequence[PlaceRow], path: str | os.PathLike, place_column: str = "city") -> int:
    """Write the table to ``path`` atomically, as every export is; returns the number of rows."""
    target = Path(path).expanduser()
    if not target.parent.is_dir():
        raise FiveStarError(f"cannot export to {target}: folder {target.parent} does not exist")
    try:
        remove_stale_temps(target, older_than=STALE_TEMP_SECONDS)
        write_atomically(target, dashboard_csv(rows, place_column))
    except OSError as exc:
        raise FiveStarError(f"cannot export to {target}: {exc.strerror or exc}") from None
    return len(rows)
