"""The query language: any string parsed into a ``Query``, with warnings for what was ignored."""

from __future__ import annotations

import calendar
import re
import threading
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache

from five_star.store.extraction.figures import CN_SCALES, parse_number, unit_table
from five_star.store.extraction.gazetteer import dictionary_words
from five_star.store.extraction.programs import trigger_words
from five_star.store.model import ARTICLE_KINDS, FIGURE_KINDS, TIER_NAMES
from five_star.store.query.search.fold import fold, fold_table
from five_star.store.resources import derived
from five_star.store.segment import compact_tokenizer

# ---- queries ---------------------------------------------------------------------------------------------

FIELDS = ("city", "county", "program", "star", "author", "source", "kind", "tier")
NO_CITY = ("未定位", "none")
PLANNED = "planned"  # ``tier:planned``: articles with a goal among their tallies (拟创建“五星”支部的6个村)
_PLANNED_WORDS = (PLANNED, "plan", "计划", "拟建")
COMPARISONS = (">=", "<=", ">", "<", "=")
_QUOTES = {'"': '"', "“": "”", "「": "」", "『": "』"}
_FILTER = re.compile(r"([a-z]+):(.*)", re.S)
_COMPARISON = re.compile(r"value(>=|<=|>|<|=|:)(.*)", re.S)
_DATE_TEST = re.compile(r"date(>=|<=|>|<|=|:)(.*)", re.S)
_PERIOD = re.compile(r"((?:19|20)\d{2})(?:\s*[-/.年]\s*(\d{1,2})\s*月?(?:\s*[-/.]\s*(\d{1,2})\s*日?|\s*(\d{1,2})\s*日)?)?\s*年?")
NO_DATE = ("none", "unknown", "未知")
_CJK = re.compile(r"[\u2e80-\u9fff\uf900-\ufaff\U00020000-\U0003ffff]")


@dataclass(frozen=True)
class FieldFilter:
    field: str  # one of FIELDS
    value: str  # folded
    negated: bool = False


@dataclass(frozen=True)
class FigureTest:
    attribute: str  # "unit" | "kind" | "value"
    op: str  # "=" for unit and kind; one of COMPARISONS for value
    value: str | float
    negated: bool = False


@dataclass(frozen=True)
class DateTest:
    """``date:2023-05`` and the like: a test of ``Article.published``, an ISO date, against a period."""

    op: str  # one of COMPARISONS; "=" for ``date:``
    first: str  # the period's first and last day, ISO; both "" for ``date:none``
    last: str
    negated: bool = False

    def holds(self, published: str | None) -> bool:
        if not self.first:
            return published is None
        if published is None:
            return False
        return {
            "=": self.first <= published <= self.last,
            ">=": published >= self.first,
            ">": published > self.last,
            "<=": published <= self.last,
            "<": published < self.first,
        }[self.op]


@dataclass(frozen=True)
class Query:
    """A parsed query; all text is already folded."""

    words: tuple[str, ...] = ()  # each must occur in the title or the text
    runs: tuple[str, ...] = ()  # plain runs jieba split into several words: unbroken ones rank higher
    phrases: tuple[str, ...] = ()  # quoted: must occur as written
    excluded: tuple[str, ...] = ()  # none may occur
    filters: tuple[FieldFilter, ...] = ()
    figure: tuple[FigureTest, ...] = ()  # the non-negated ones must all hold for one figure
    dates: tuple[DateTest, ...] = ()
    warnings: tuple[str, ...] = ()  # parts that were ignored, and why

    @property
    def needles(self) -> tuple[str, ...]:
        """What a hit highlights."""
        return self.words + self.phrases

    @property
    def is_empty(self) -> bool:
        return not (self.words or self.phrases or self.excluded or self.filters or self.figure or self.dates)


@dataclass
class _Draft:
    words: list[str] = field(default_factory=list)
    runs: list[str] = field(default_factory=list)
    phrases: list[str] = field(default_factory=list)
    excluded: list[str] = field(default_factory=list)
    filters: list[FieldFilter] = field(default_factory=list)
    figure: list[FigureTest] = field(default_factory=list)
    dates: list[DateTest] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def query(self) -> Query:
        return Query(
            words=tuple(dict.fromkeys(self.words)),
            runs=tuple(dict.fromkeys(self.runs)),
            phrases=tuple(dict.fromkeys(self.phrases)),
            excluded=tuple(dict.fromkeys(self.excluded)),
            filters=tuple(dict.fromkeys(self.filters)),
            figure=tuple(dict.fromkeys(self.figure)),
            dates=tuple(dict.fromkeys(self.dates)),
            warnings=tuple(self.warnings),
        )


@dataclass(frozen=True)
class _Token:
    text: str  # quotes removed
    head: str  # the part before the first quote (all of it when unquoted)
    quoted: bool
    negated: bool


def _tokens(q: str) -> Iterator[_Token]:
    """Whitespace-separated tokens; a quoted part may hold spaces; an unclosed quote runs to the end."""
    i, n = 0, len(q)
    while i < n:
        if q[i].isspace():
            i += 1
            continue
        if q[i] in "-－" and (i + 1 == n or q[i + 1].isspace()):
            i += 1  # a lone minus is a half-typed exclusion, not a search for "-"
            continue
        negated = q[i] in "-－"
        i += negated
        parts: list[str] = []
        head: str | None = None
        quoted = False
        while i < n and not q[i].isspace():
            if q[i] in _QUOTES:
                if head is None:
                    head = "".join(parts)
                close = q.find(_QUOTES[q[i]], i + 1)
                if q[i] == "“" and close < 0:
                    close = q.find('"', i + 1)
                end = n if close < 0 else close
                parts.append(q[i + 1 : end])
                quoted = True
                i = end + 1
            else:
                parts.append(q[i])
                i += 1
        text = "".join(parts)
        yield _Token(text, text if head is None else head, quoted, negated)


def parse_query(q: str) -> Query:
    """Parse any string into a ``Query``; malformed parts are ignored with a warning, never an exception."""
    draft = _Draft()
    for token in _tokens(q if isinstance(q, str) else str(q)):
        if not _take_filter(token, draft):
            _take_text(token, draft)
    return draft.query()


def _take_filter(token: _Token, draft: _Draft) -> bool:
    head = unicodedata.normalize("NFKC", token.head)
    text = unicodedata.normalize("NFKC", token.text)
    if match := _COMPARISON.match(head.lower()):
        _take_comparison(match.group(1), text[len("value") + len(match.group(1)) :], token.negated, draft)
        return True
    if match := _DATE_TEST.match(head.lower()):
        _take_date(match.group(1), text[len("date") + len(match.group(1)) :], token.negated, draft)
        return True
    match = _FILTER.match(head.lower())
    key = match.group(1).lower() if match else ""
    if key not in FIELDS and key != "unit":
        return False
    value = fold(text[len(key) + 1 :])
    if not value:
        draft.warnings.append(f"{key}: needs a value")
    elif key == "unit":
        draft.figure.append(FigureTest("unit", "=", base_unit(value), token.negated))
    elif key == "kind" and value in FIGURE_KINDS:
        draft.figure.append(FigureTest("kind", "=", value, token.negated))
    elif key == "kind" and value not in ARTICLE_KINDS:
        draft.warnings.append(f"kind:{value}: expected {', '.join((*ARTICLE_KINDS, *FIGURE_KINDS))}")
    elif key == "tier":
        _take_tier(value, token.negated, draft)
    elif key == "star" and tier_of(value) is not None:
        # 五星 is a tier, never a star category: star:五星 asks for the tallies tier:5 finds.
        draft.filters.append(FieldFilter("tier", str(tier_of(value)), token.negated))
    else:
        draft.filters.append(FieldFilter(key, value, token.negated))
    return True


def tier_of(written: str) -> int | None:
    """The tier a folded value names: 5, 五, 五星, 5星 (also 五星级) → 5; None for anything else."""
    stem = written.removesuffix("级").removesuffix("星")
    for tier, name in TIER_NAMES.items():
        if stem in (str(tier), name.removesuffix("星")):
            return tier
    return None


def _take_tier(value: str, negated: bool, draft: _Draft) -> None:
    if value in _PLANNED_WORDS:
        draft.filters.append(FieldFilter("tier", PLANNED, negated))
    elif (tier := tier_of(value)) is not None:
        draft.filters.append(FieldFilter("tier", str(tier), negated))
    else:
        draft.warnings.append(f"tier:{value}: expected a tier 1-5 (5, 五星) or planned")


def _take_comparison(op: str, written: str, negated: bool, draft: _Draft) -> None:
    # The figures' own numeral reading: 1000000, 1,000,000, 100万, 1.2亿, and Chinese numerals (一百万) too.
    number = parse_number(fold(written))
    if number is None:
        draft.warnings.append(f"value{op}{written}: not a number")
        return
    draft.figure.append(FigureTest("value", "=" if op == ":" else op, float(number), negated))


def _take_date(typed_op: str, written: str, negated: bool, draft: _Draft) -> None:
    op = "=" if typed_op == ":" else typed_op
    period = written.strip()
    if period.lower() in NO_DATE and op == "=":
        draft.dates.append(DateTest("=", "", "", negated))
        return
    span = date_period(period)
    if span is None:
        draft.warnings.append(f"date{typed_op}{written}: expected a year, month or day such as 2023, 2023-05 or 2023-05-01")
        return
    draft.dates.append(DateTest(op, *span, negated))


def date_period(written: str) -> tuple[str, str] | None:
    """'2023' → (2023-01-01, 2023-12-31); '2023-05' and '2023年5月' → that month; '2023-05-01' → that day."""
    match = _PERIOD.fullmatch(written)
    if not match:
        return None
    year = int(match.group(1))
    month = int(match.group(2)) if match.group(2) else None
    day_written = match.group(3) or match.group(4)
    day = int(day_written) if day_written else None
    if month is None:
        return f"{year}-01-01", f"{year}-12-31"
    if not 1 <= month <= 12:
        return None
    last_day = calendar.monthrange(year, month)[1]
    if day is None:
        return f"{year}-{month:02d}-01", f"{year}-{month:02d}-{last_day:02d}"
    if not 1 <= day <= last_day:
        return None
    return (f"{year}-{month:02d}-{day:02d}",) * 2


@derived
def _stored_units() -> dict[str, str]:
    """Written unit -> stored unit, folded, from the figures' own unit table."""
    return {fold(surface): fold(unit.unit) for surface, unit in unit_table().items()}


def base_unit(written: str) -> str:
    """The unit a figure stores for ``written``: scale words belong to the number (万元 → 元, 千米 → 公里)."""
    units = _stored_units()
    unscaled = written.lstrip(CN_SCALES) or written
    return units.get(written) or units.get(unscaled) or unscaled


def _take_text(token: _Token, draft: _Draft) -> None:
    folded = fold(token.text)
    if not folded:
        return
    if token.negated:
        draft.excluded.append(folded)
    elif token.quoted:
        draft.phrases.append(folded)
    else:
        words = segment(folded)
        draft.words.extend(words)
        if len(words) > 1:
            draft.runs.append(folded)


_SEGMENTER_LOCK = threading.Lock()


def segmenter():
    """jieba with the place and program words, for queries (``segment.compact_tokenizer``: a query's few
    lookups need not keep jieba's whole table in memory), loaded once even when several threads ask at once."""
    with _SEGMENTER_LOCK:
        return _query_tokenizer()


@lru_cache(maxsize=1)
def _query_tokenizer():
    return compact_tokenizer([*dictionary_words(), *trigger_words()])


def segment(run: str) -> list[str]:
    """The words of a folded run; punctuation-only pieces are dropped unless nothing else is left."""
    if len(run) < 3 or not _CJK.search(run):
        return [run]
    pieces = [p for p in segmenter().cut(run, HMM=False) if p]
    words = [p for p in pieces if any(ch.isalnum() for ch in p)]
    return list(dict.fromkeys(words or pieces))


def warm_up() -> None:
    """Load jieba's dictionary and the folding table now, so no later query pays for them (~1 s together)."""
    segmenter()
    fold_table()
