"""Search: the query language and the index that the app and ``five-star-tui search`` share.

Matching is exact substring matching on *folded* text. ``fold`` maps every character on its own to
NFKC (full width → half width, ① → 1), then traditional → simplified (OpenCC t2s, character by
character), then lower case, and drops whitespace, invisible control/format characters (zero-width
spaces from scraped pages) and quotation marks (so 五星支部 finds “五星”支部). Folding character by
character, rather than phrase by phrase, is what makes it exact: if a query occurs in a text, its
folded form occurs in the folded text, so nothing is missed.

The query language (``parse_query`` accepts any string and never raises):

- ``红色物业 乡村振兴`` — every word must occur in the title or the text.
  A run typed without spaces is segmented with jieba (``漯河红色物业`` → 漯河 · 红色物业), and each word
  must occur, not necessarily next to each other: Chinese is typed without spaces, and people mean the
  words. Articles holding the whole run unbroken rank higher. Runs without CJK characters stay whole.
- ``"五星 支部"`` (also “…” or 「…」) — the phrase exactly, as written (after folding, so spaces do not matter).
- ``-脱贫`` / ``-"…"`` — leave out articles containing it; the literal text, never segmented.
- ``city:漯河  county:舞阳  program:红色物业  star:产业兴旺  author:王远  source:001`` — the value must occur
  in that field (``city:漯河`` matches 漯河市); ``city:未定位`` finds articles with no city.
  ``kind:photo`` / ``kind:article`` filter items; ``kind:money`` (or people, count, area, ...) asks for
  a figure of that kind.
- Figure tests: ``unit:万元`` ``value>=1000000`` (also ``>``, ``<``, ``<=``, ``=``; values may carry a scale:
  ``value>=100万``). All figure tests of a query must hold for one and the same figure: ``unit:元
  value>=1000000`` means a money figure of at least a million, not any amount of money plus any big number.
  Units are compared as stored, without scale: ``unit:万元`` is read as 元 (a figure of 5000元 matches;
  ask ``value>=10000`` for size). A range (四五万) matches a comparison when any value in it satisfies it.
- Any filter can be negated with ``-`` (``-city:郑州``). Keys and colons may be full width (``city：漯河``).
  Unknown keys are plain text (``http://…`` is searched as written).

Ranking: articles with more query words in the title first, then those holding each multi-word run
unbroken, then library order.

The index is an inverted index of single characters and character pairs (UTF-16 code units, so each key
is a plain integer and characters outside the BMP still match) over the folded title and text, plus the
exact sets of the library's frequent words. Sets of articles are bit masks (Python ints) where that is
smaller than a list, so intersecting them runs at C speed. A needle of one or two code units, or a
frequent word, is answered by its set alone; any other needle by intersecting its pairs' sets and then
checking each candidate by substring search. Either way the result is exactly the brute-force result.
Filters are answered from per-field maps, ranking from the same kind of index over titles.
Costs at 20,000 articles (benchmarks/library_bench.py): ``SearchIndex(articles)`` returns in ~0.5 s, the
index is ready ~6 s later (built in the background; until then queries scan), it holds ~25 MB beside
the ~30 MB of folded text; a query takes under 1 ms when it matches a few hundred articles and 2-5 ms
when it matches most of the library (every hit has to be produced), 5-10x faster than scanning.
"""

from __future__ import annotations

import copy
import re
import threading
import unicodedata
from array import array
from bisect import bisect_left, bisect_right
from collections import Counter, defaultdict, deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import lru_cache, partial
from importlib.resources import files
from itertools import chain, compress, groupby, repeat
from operator import itemgetter

from five_star.store.model import Article
from five_star.store.storage import gc_paused

# ---- folding ---------------------------------------------------------------------------------------------

# Chinese news quotes names and slogans (“五星”支部, “红色物业”): a person typing 五星支部 means them too.
_QUOTE_MARKS = frozenset("\"'“”‘’「」『』《》〈〉")
# Where characters that NFKC, lower-casing or dropping can change live (tag characters included) ...
_SCANNED = ((0x0000, 0xD7FF), (0xE000, 0x323AF), (0xE0000, 0xE007F))
# ... and where OpenCC has traditional characters to convert.
_CJK_BLOCKS = ((0x2E80, 0x2FDF), (0x3000, 0x303F), (0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF), (0x20000, 0x323AF))
# Changing characters that nearly every Chinese news text holds: replaced one by one (a C-speed scan each);
# the thousands of others are found by a single regular-expression pass.
_COMMON = "\n \u3000\t\r“”‘’\"'，：；！？（）％《》…"
_ASTRAL = re.compile("[\U00010000-\U0010ffff]")


def _dropped(ch: str) -> bool:
    return ch.isspace() or ch in _QUOTE_MARKS or unicodedata.category(ch) in ("Cc", "Cf")


def _bulk_t2s() -> dict[str, str]:
    """OpenCC t2s for every CJK character on its own (one call, characters kept apart by newlines)."""
    from opencc import OpenCC

    converter = OpenCC("t2s")
    chars = [chr(cp) for low, high in _CJK_BLOCKS for cp in range(low, high + 1)]
    converted = converter.convert("\n".join(chars)).split("\n")
    if len(converted) != len(chars):  # a converter that joined characters: ask one by one instead
        converted = [converter.convert(ch) for ch in chars]
    return {ch: to for ch, to in zip(chars, converted) if to != ch}


def _fold_once(text: str, simplified: dict[str, str]) -> str:
    out = []
    for ch in text:
        for part in unicodedata.normalize("NFKC", ch):
            out.extend(c for c in simplified.get(part, part).lower() if not _dropped(c))
    return "".join(out)


def _fold_char(ch: str, simplified: dict[str, str]) -> str:
    """Repeat until stable, so a folded form never contains a character that folds further.

    That makes the replacements in ``fold`` independent of the order they are applied in.
    """
    folded = ch
    for _ in range(4):
        again = _fold_once(folded, simplified)
        if again == folded:
            break
        folded = again
    return folded


def _char_class(chars: Iterable[str]) -> str:
    """A regex character class of ``chars``, with runs of code points written as ranges."""
    points = sorted(map(ord, chars))
    parts, start = [], 0
    for at in range(1, len(points) + 1):
        if at == len(points) or points[at] != points[at - 1] + 1:
            low, high = chr(points[start]), chr(points[at - 1])
            parts.append(re.escape(low) if low == high else f"{re.escape(low)}-{re.escape(high)}")
            start = at
    return "[" + "".join(parts) + "]"


@dataclass(frozen=True)
class _FoldTable:
    folded: dict[str, str]  # every character that folding changes -> what it becomes
    common: tuple[tuple[str, str], ...]
    # Split by plane: the regex engine tests a class of BMP characters with a bitmap, but a class that
    # also holds astral characters as a list of ranges, one after another, at every position.
    rare: re.Pattern
    rare_astral: re.Pattern


@lru_cache(maxsize=1)
def _fold_table() -> _FoldTable:
    """Built once per process (about 0.2 s): no per-text discovery, and the same answer in every thread."""
    simplified = _bulk_t2s()
    folded: dict[str, str] = {}
    for low, high in _SCANNED:
        for cp in range(low, high + 1):
            ch = chr(cp)
            if ch in simplified or unicodedata.normalize("NFKC", ch) != ch or ch.lower() != ch or _dropped(ch):
                to = _fold_char(ch, simplified)
                if to != ch:
                    folded[ch] = to
    common = tuple((ch, folded[ch]) for ch in _COMMON)
    rare = re.compile(_char_class(ch for ch in folded if ch not in _COMMON and ch <= "\uffff"))
    rare_astral = re.compile(_char_class(ch for ch in folded if ch > "\uffff"))
    return _FoldTable(folded, common, rare, rare_astral)


def fold(text: str) -> str:
    """The form both queries and texts are compared in (see the module docstring)."""
    table = _fold_table()
    for ch, to in table.common:
        if ch in text:
            text = text.replace(ch, to)
    for rare in (table.rare, table.rare_astral) if _ASTRAL.search(text) else (table.rare,):
        if rare.search(text):
            text = rare.sub(lambda match: table.folded[match.group()], text)
    return text


def _origins(text: str) -> list[int]:
    """For each character of ``fold(text)``, the index of the character of ``text`` it came from."""
    folded = _fold_table().folded
    origins: list[int] = []
    for index, ch in enumerate(text):
        to = folded.get(ch)
        if to is None:
            origins.append(index)
        else:
            origins.extend([index] * len(to))
    return origins


# ---- queries ---------------------------------------------------------------------------------------------

FIELDS = ("city", "county", "program", "star", "author", "source", "kind")
ARTICLE_KINDS = ("article", "photo")
FIGURE_KINDS = ("money", "people", "count", "area", "length", "percent", "duration", "age", "other")
NO_CITY = ("未定位", "none")
COMPARISONS = (">=", "<=", ">", "<", "=")
SCALES = {"十": 10, "百": 100, "千": 1000, "万": 10_000, "亿": 100_000_000}
_QUOTES = {'"': '"', "“": "”", "「": "」", "『": "』"}
_FILTER = re.compile(r"([a-z]+):(.*)", re.S)
_COMPARISON = re.compile(r"value(>=|<=|>|<|=|:)(.*)", re.S)
_NUMBER = re.compile(r"([0-9]+(?:\.[0-9]+)?)([十百千万亿]*)")
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
class Query:
    """A parsed query; all text is already folded."""

    words: tuple[str, ...] = ()  # each must occur in the title or the text
    runs: tuple[str, ...] = ()  # plain runs jieba split into several words: unbroken ones rank higher
    phrases: tuple[str, ...] = ()  # quoted: must occur as written
    excluded: tuple[str, ...] = ()  # none may occur
    filters: tuple[FieldFilter, ...] = ()
    figure: tuple[FigureTest, ...] = ()  # the non-negated ones must all hold for one figure
    warnings: tuple[str, ...] = ()  # parts that were ignored, and why

    @property
    def needles(self) -> tuple[str, ...]:
        """What a hit highlights."""
        return self.words + self.phrases

    @property
    def is_empty(self) -> bool:
        return not (self.words or self.phrases or self.excluded or self.filters or self.figure)


@dataclass
class _Draft:
    words: list[str] = field(default_factory=list)
    runs: list[str] = field(default_factory=list)
    phrases: list[str] = field(default_factory=list)
    excluded: list[str] = field(default_factory=list)
    filters: list[FieldFilter] = field(default_factory=list)
    figure: list[FigureTest] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def query(self) -> Query:
        return Query(
            words=tuple(dict.fromkeys(self.words)),
            runs=tuple(dict.fromkeys(self.runs)),
            phrases=tuple(dict.fromkeys(self.phrases)),
            excluded=tuple(dict.fromkeys(self.excluded)),
            filters=tuple(dict.fromkeys(self.filters)),
            figure=tuple(dict.fromkeys(self.figure)),
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
        parts, head, quoted = [], None, False
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
        draft.warnings.append(f"kind:{value}: expected {', '.join(ARTICLE_KINDS + FIGURE_KINDS)}")
    else:
        draft.filters.append(FieldFilter(key, value, token.negated))
    return True


def _take_comparison(op: str, written: str, negated: bool, draft: _Draft) -> None:
    number = parse_number(written)
    if number is None:
        draft.warnings.append(f"value{op}{written}: not a number")
        return
    draft.figure.append(FigureTest("value", "=" if op == ":" else op, number, negated))


def parse_number(written: str) -> float | None:
    """``1000000``, ``1,000,000``, ``100万``, ``1.2亿`` → a number; anything else → None."""
    match = _NUMBER.fullmatch(fold(written).replace(",", ""))
    if not match:
        return None
    try:
        value = Decimal(match.group(1))
    except InvalidOperation:
        return None
    for scale in match.group(2):
        value *= SCALES[scale]
    return float(value)


@lru_cache(maxsize=1)
def _unit_table() -> dict[str, str]:
    """Written unit -> stored unit, from the figures' own unit table (first two columns of units.tsv)."""
    text = (files("five_star.store") / "data" / "units.tsv").read_text(encoding="utf-8")
    rows = (line.split("\t") for line in text.splitlines() if line.strip() and not line.startswith("#"))
    return {fold(row[0].strip()): fold(row[1].strip()) for row in rows if len(row) >= 2}


def base_unit(written: str) -> str:
    """The unit a figure stores for ``written``: scale words belong to the number (万元 → 元, 千米 → 公里)."""
    units = _unit_table()
    unscaled = written.lstrip("".join(SCALES)) or written
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


def _segmenter():
    """jieba with the place and program words, loaded once even when several threads ask at once."""
    from five_star.store.keywords import domain_tokenizer

    with _SEGMENTER_LOCK:
        return domain_tokenizer()


def segment(run: str) -> list[str]:
    """The words of a folded run; punctuation-only pieces are dropped unless nothing else is left."""
    if len(run) < 3 or not _CJK.search(run):
        return [run]
    pieces = [p for p in _segmenter().cut(run, HMM=False) if p]
    words = [p for p in pieces if any(ch.isalnum() for ch in p)]
    return list(dict.fromkeys(words or pieces))


def warm_up() -> None:
    """Load jieba's dictionary and the folding table now, so no later query pays for them (~1 s together)."""
    _segmenter()
    _fold_table()


# ---- hits ------------------------------------------------------------------------------------------------

Span = tuple[str, int, int]
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
        return (self.article_id, self.score, self.spans) == (other.article_id, other.score, other.spans)

    def __ne__(self, other: object) -> bool:
        equal = self.__eq__(other)
        return equal if equal is NotImplemented else not equal

    __hash__ = None  # equality looks at the spans, which are worked out late

    def __repr__(self) -> str:
        return f"Hit({self.article_id!r}, {self.score!r}, {self.spans!r})"


class _SpanSource:
    """The spans of one search's hits, each article's found once, when first asked for."""

    __slots__ = ("index", "needles", "found")

    def __init__(self, index: SearchIndex, needles: tuple[str, ...]) -> None:
        self.index, self.needles, self.found = index, needles, {}

    def spans(self, article_id: str) -> list[Span]:
        spans = self.found.get(article_id)
        if spans is None:
            number = self.index.position(article_id)
            spans = self.found[article_id] = self.index.spans(number, self.needles) if self.needles else []
        return spans


def _packed(strings: list[str]) -> list[str]:
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


def _hits(groups: Iterable[tuple[float, Iterable[str]]], source: _SpanSource) -> list[Hit]:
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
    origins = _origins(original)
    spans: list[Span] = []
    for start, end in _merged(found):
        spans.append((field_name, origins[start], origins[end - 1] + 1))
    return spans


def _merged(intervals: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[list[int]] = []
    for start, end in sorted(intervals):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return [(start, end) for start, end in merged]


# ---- sets of articles ------------------------------------------------------------------------------------

_FLAGS = bytes.maketrans(b"01", b"\x00\x01")


class _Bits:
    """Sets of numbers below ``size`` as Python ints, bit n standing for number n.

    And, or and not then run at C speed over the whole library (a few microseconds at 20,000 articles),
    and converting to and from lists of numbers takes a few C-level passes, no Python loop.
    """

    __slots__ = ("size", "all", "_numbers")

    def __init__(self, size: int) -> None:
        self.size = size
        self.all = (1 << size) - 1
        self._numbers = list(range(size))  # made once: listing members then allocates no integers

    def of(self, numbers: Iterable[int]) -> int:
        flags = bytearray(b"0" * self.size)
        deque(map(flags.__setitem__, numbers, repeat(ord("1"))), maxlen=0)
        flags.reverse()  # int() reads the highest bit first
        return int(flags, 2) if flags else 0

    def flags(self, mask: int) -> bytes:
        """One byte per number, 1 for the members (trailing non-members left out)."""
        return format(mask, "b").encode("ascii")[::-1].translate(_FLAGS)

    def members(self, mask: int, labels: list | None = None) -> list:
        """The members, ascending (or ``labels[n]`` for each member n)."""
        if not mask:
            return []
        return list(compress(self._numbers if labels is None else labels, self.flags(mask)))

    def mask(self, found: int | array) -> int:
        return found if isinstance(found, int) else self.of(found)

    def compact(self, found: int | list[int] | array) -> int | array:
        """The smaller form: a bit mask for a large set, an array of numbers for a small one."""
        typecode = _typecode(self.size)
        large = _size(found) * array(typecode).itemsize * 8 >= self.size
        if isinstance(found, int):
            return found if large else array(typecode, self.members(found))
        if large:
            return self.of(found)
        return found if isinstance(found, array) else array(typecode, found)

    def union(self, sets: Iterable[int | array]) -> int:
        masks, listed = 0, []
        for found in sets:
            if isinstance(found, int):
                masks |= found
            else:
                listed.append(found)
        return masks | (self.of(chain.from_iterable(listed)) if listed else 0)


def _typecode(count: int) -> str:
    """Article and figure numbers in 2 bytes each while they fit."""
    return "H" if count <= 0xFFFF else "I"


def _size(found: int | list[int] | array) -> int:
    return found.bit_count() if isinstance(found, int) else len(found)


@lru_cache(maxsize=65536)
def _fold_label(label: str) -> str:
    """Field values (cities, units, names) repeat across thousands of articles: fold each once."""
    return fold(label)


class _Facets:
    """Article fields for filters: folded value -> the articles holding it."""

    def __init__(self, articles: list[Article], bits: _Bits) -> None:
        self.bits = bits
        values: dict[str, dict[str, list[int]]] = {name: {} for name in FIELDS}
        no_city = []
        for number, article in enumerate(articles):
            if article.city is None:
                no_city.append(number)
            for name, found in self._fields(article):
                for value in dict.fromkeys(found):
                    values[name].setdefault(_fold_label(value), []).append(number)
        self.values = {name: {v: bits.compact(ns) for v, ns in groups.items()} for name, groups in values.items()}
        self.no_city = bits.of(no_city)

    @staticmethod
    def _fields(article: Article) -> Iterator[tuple[str, list[str]]]:
        yield "city", [article.city] if article.city else []
        yield "county", article.counties
        yield "program", article.programs
        yield "star", article.stars
        yield "author", article.authors
        yield "source", [article.source]
        yield "kind", [article.kind]

    def matching(self, test: FieldFilter) -> int:
        if test.field == "city" and test.value in NO_CITY:
            return self.no_city
        values = self.values[test.field]
        if test.field == "kind":
            return self.bits.mask(values.get(test.value, 0))
        return self.bits.union(found for value, found in values.items() if test.value in value)


def _is_number(value: object) -> bool:
    """A value that orders with the others (NaN, which a hand-edited library could hold, would unsort them)."""
    return isinstance(value, (int, float)) and value == value


class _Figures:
    """Every figure of the library, numbered in order of value so that a comparison is a range of numbers."""

    def __init__(self, articles: list[Article], bits: _Bits) -> None:
        valued: list[tuple[float, float, int, str, str]] = []  # (low, high, article, unit, kind)
        unvalued: list[tuple[int, str, str]] = []
        for number, article in enumerate(articles):
            for figure in article.figures:
                unit = _fold_label(figure.unit or "")
                if _is_number(figure.value):
                    top = figure.value_max if _is_number(figure.value_max) else figure.value
                    valued.append((float(figure.value), float(max(top, figure.value)), number, unit, figure.kind))
                else:
                    unvalued.append((number, unit, figure.kind))
        valued.sort(key=itemgetter(0))  # stable: equal values keep library order
        self.articles_bits = bits
        self.bits = _Bits(len(valued) + len(unvalued))
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
        if test.attribute == "unit":
            return self.by_unit.get(test.value, 0)
        if test.attribute == "kind":
            return self.by_kind.get(test.value, 0)
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


# ---- the index -------------------------------------------------------------------------------------------


def _code_units(text: str) -> bytes:
    return text.encode("utf-16-le", "surrogatepass")


def _pair_keys(data: bytes) -> set[int]:
    """Every pair of adjacent UTF-16 code units in ``data``, each as one integer: (u, v) is u + (v << 16).

    Code units keep every key a plain integer (cheap to hash and store), and characters outside the BMP
    still match correctly. Folding drops U+0000, so a pair key is never below 65536: single units can
    share the same dictionary as keys 0-65535.
    """
    even, odd = array("I"), array("I")
    even.frombytes(data[: len(data) // 4 * 4])
    odd.frombytes(data[2 : 2 + (len(data) - 2) // 4 * 4])
    keys = set(even)
    keys.update(odd)
    return keys


def _needle_keys(needle: str) -> list[int]:
    """The keys of the postings that together hold every text containing ``needle``.

    For a needle of one or two code units that is a single posting, and it is the exact answer.
    """
    data = _code_units(needle)
    if len(data) <= 4:
        return [int.from_bytes(data, "little")] if data else []
    return list(_pair_keys(data))


PHRASE_SAMPLE = 400
"""Articles segmented to learn which words of the library are frequent (see ``_Postings``)."""


class _Postings:
    """Which of ``texts`` hold each code unit and each pair of code units (an inverted index), and which
    hold each of the library's frequent words.

    Frequent keys are bit masks (at most one bit per text), rare ones arrays of text numbers. A needle of
    one or two code units is answered by its posting alone. A longer one is answered by its pairs' postings,
    which propose candidates, and a substring check of each candidate, which makes the answer exact; that
    check is most of the cost of a query that matches thousands of articles, and such queries are nearly
    always frequent words. So the words that a sample of the texts, segmented as queries are, shows in at
    least ~1.5% of them get their exact sets worked out here, once (~1 s at 20,000 articles).
    """

    def __init__(self, texts: list[str], bits: _Bits, *, words: bool = False) -> None:
        self.texts, self.bits = texts, bits
        self.words: dict[str, int] = {}
        grown: dict[int, array] = defaultdict(partial(array, _typecode(bits.size)))
        with gc_paused():
            for number, text in enumerate(texts):
                data = _code_units(text)
                if data:
                    grown[int.from_bytes(data[-2:], "little")].append(number)  # the last unit (see _add_units)
                for posting in map(grown.__getitem__, _pair_keys(data)):
                    posting.append(number)
            self.postings: dict[int, int | array] = {}
            while grown:  # one by one, so the two forms are never all held at once
                key, numbers = grown.popitem()
                self.postings[key] = bits.compact(numbers)
            self._add_units()
            if words:
                self.words = {word: self.containing(word, bits.all) for word in self._frequent_words()}

    def _add_units(self) -> None:
        """Single code units, from the pairs: every unit of a text but its last starts a pair, and the
        postings already hold each text under its last unit."""
        starting: dict[int, list[int | array]] = defaultdict(list)
        for key, found in self.postings.items():
            if key > 0xFFFF:
                starting[key & 0xFFFF].append(found)
        for unit, found in starting.items():
            last = self.postings.get(unit)
            self.postings[unit] = self.bits.compact(self.bits.union(found if last is None else [*found, last]))

    def _frequent_words(self) -> list[str]:
        texts = self.texts
        sample = texts[:: max(1, len(texts) // PHRASE_SAMPLE)]
        counts: Counter[str] = Counter()
        cut = _segmenter().cut
        for text in sample:
            counts.update({word for word in cut(text, HMM=False) if _needs_check(word)})
        least = max(2, len(sample) // 64)
        return [word for word, count in counts.items() if count >= least]

    def exact(self, needle: str) -> bool:
        """Whether ``candidates`` is the exact answer for ``needle``."""
        return needle in self.words or not _needs_check(needle)

    def estimate(self, needle: str) -> int:
        """At most this many texts contain ``needle``: its rarest key's count."""
        if needle in self.words:
            return self.words[needle].bit_count()
        postings = self.postings
        return min((_size(postings.get(key, 0)) for key in _needle_keys(needle)), default=self.bits.size)

    def candidates(self, needle: str, within: int) -> int:
        """Texts of ``within`` holding every key of ``needle`` (see ``exact``)."""
        known = self.words.get(needle)
        if known is not None:
            return within & known
        postings, bits = self.postings, self.bits
        for found in sorted((postings.get(key, 0) for key in _needle_keys(needle)), key=_size):
            within &= bits.mask(found)
            if not within:
                break
        return within

    def verified(self, needles: Iterable[str], within: int) -> int:
        """Texts of ``within`` containing every one of ``needles``, checked one by one."""
        texts, bits = self.texts, self.bits
        numbers = None
        for needle in needles:
            if numbers is None:
                numbers = bits.members(within)
            numbers = [n for n in numbers if needle in texts[n]]
        return within if numbers is None else bits.of(numbers)

    def containing(self, needle: str, within: int) -> int:
        """Texts of ``within`` containing ``needle``."""
        found = self.candidates(needle, within)
        return found if not found or self.exact(needle) else self.verified([needle], found)


def _needs_check(needle: str) -> bool:
    """Beyond two code units, holding every pair is not yet holding the needle."""
    return len(needle) > 2 or len(_code_units(needle)) > 4


@dataclass(frozen=True)
class _Index:
    docs: _Postings  # over title + "\n" + text
    titles: _Postings


class SearchIndex:
    """Search over a fixed list of articles (build a new index when the library changes).

    Construction folds every title and text (about 0.5 s at 20,000 articles). The index then takes a few
    seconds more at that size: by default it is built in a background thread and used as soon as it is
    ready; until then a query checks every article (the same answers, tens of milliseconds at 20,000).
    ``background=False`` builds it before returning; ``indexed=False`` never builds it (the cheaper choice
    for a single query, as on the command line). Safe to query from several threads at once.
    """

    def __init__(self, articles: Iterable[Article], *, indexed: bool = True, background: bool = True) -> None:
        self.articles = list(articles)
        self._ids = _packed([a.id for a in self.articles])
        self._positions: dict[str, int] | None = None
        self._bits = _Bits(len(self.articles))
        with gc_paused():
            self._titles = [fold(a.title or "") for a in self.articles]
            # "\n" never survives folding, so a query can never match across the title/text seam.
            self._docs = [title + "\n" + fold(a.text) for title, a in zip(self._titles, self.articles)]
            self._facets = _Facets(self.articles, self._bits)
            self._figures = _Figures(self.articles, self._bits)
        self._index: _Index | None = None
        self._ready = threading.Event()
        if not indexed:
            return
        if background:
            threading.Thread(target=self._build, name="search-index", daemon=True).start()
        else:
            self._build()

    def _build(self) -> None:
        warm_up()  # an index serves many queries: none of them should wait for jieba
        self._index = _Index(_Postings(self._docs, self._bits, words=True), _Postings(self._titles, self._bits))
        self._ready.set()

    def scanning(self) -> SearchIndex:
        """The same articles, folded texts and filter maps, without the index: every query checks every
        article. The reference the index is tested and measured against."""
        scanner = copy.copy(self)
        scanner._index, scanner._ready = None, threading.Event()
        return scanner

    def wait_until_indexed(self, timeout: float | None = None) -> bool:
        """Block until the index is in use (False on timeout, or if none is being built)."""
        return self._ready.wait(timeout)

    @property
    def indexed(self) -> bool:
        return self._ready.is_set()

    def __len__(self) -> int:
        return len(self.articles)

    # ---- matching --------------------------------------------------------------------------------------

    def matching(self, query: Query) -> list[int]:
        """Positions (in ``articles``) of the matching articles, in library order, unranked."""
        index = self._index
        if index is None:
            return self.scan(query)
        return self._bits.members(self._matched(index.docs, query))

    def _matched(self, docs: _Postings, query: Query) -> int:
        filtered = self._filtered(query)
        within = self._bits.all if filtered is None else filtered
        # Rarest needle first: the later ones then only narrow a small set.
        positive = sorted(query.needles, key=docs.estimate)
        for needle in positive:
            within = docs.candidates(needle, within)
        if within:
            within = docs.verified([needle for needle in positive if not docs.exact(needle)], within)
        for needle in query.excluded:
            if within:
                within &= ~docs.containing(needle, within)
        return within

    def _filtered(self, query: Query) -> int | None:
        """Articles passing the query's filters (None when it has none)."""
        chosen: int | None = None
        for test in query.filters:
            if not test.negated:
                found = self._facets.matching(test)
                chosen = found if chosen is None else chosen & found
        together = [t for t in query.figure if not t.negated]
        if together:
            found = self._figures.articles(together)
            chosen = found if chosen is None else chosen & found
        negated = [self._facets.matching(t) for t in query.filters if t.negated]
        negated += [self._figures.articles([t]) for t in query.figure if t.negated]
        if negated:
            chosen = self._bits.all if chosen is None else chosen
            for found in negated:
                chosen &= ~found
        return chosen

    def scan(self, query: Query) -> list[int]:
        """The same answer as the index by checking every article: the fallback, and the reference it is tested against."""
        allowed = self._filtered(query)
        pool = list(range(len(self._docs))) if allowed is None else self._bits.members(allowed)
        docs = self._docs
        for needle in query.needles:
            pool = [n for n in pool if needle in docs[n]]
        for needle in query.excluded:
            pool = [n for n in pool if needle not in docs[n]]
        return pool

    # ---- ranking ---------------------------------------------------------------------------------------

    def search(self, query: str | Query) -> list[Hit]:
        """Ranked hits for ``query`` (a string in the query language, or a parsed ``Query``).

        Query words in the title count 10 (shared among the words), each unbroken run 1 (shared); equal
        scores keep library order.
        """
        if not isinstance(query, Query):
            query = parse_query(query)
        index = self._index
        # Thousands of short-lived hits: collecting in the middle would only promote them to older generations,
        # and the full collections that follow rescan the whole loaded library (hundreds of ms at 20,000).
        with gc_paused():
            if index is None:
                ids = self._ids
                groups = [(score, map(ids.__getitem__, numbers)) for score, numbers in self._ranked(self.scan(query), query)]
            else:
                found = self._ranked_by_index(index, self._matched(index.docs, query), query)
                groups = [(score, compress(self._ids, self._bits.flags(mask))) for score, mask in found]
            return _hits(groups, _SpanSource(self, query.needles))

    def _ranked(self, numbers: list[int], query: Query) -> list[tuple[float, list[int]]]:
        """Ranking by checking each hit's title (and text, for runs): (score, articles) groups, best first."""
        titles, docs = self._titles, self._docs
        scores: dict[int, float] = {}
        for weight, texts, needles in ((10.0, titles, query.needles), (1.0, docs, query.runs)):
            share = weight / len(needles) if needles else 0.0
            for needle in needles:
                for n in [n for n in numbers if needle in texts[n]]:
                    scores[n] = scores.get(n, 0.0) + share
        ranked = sorted(scores, key=lambda n: (-scores[n], n))
        groups = [(score, list(group)) for score, group in groupby(ranked, key=scores.__getitem__)]
        unscored = [n for n in numbers if n not in scores]
        return groups + [(0.0, unscored)] if unscored else groups

    def _ranked_by_index(self, index: _Index, result: int, query: Query) -> list[tuple[float, int]]:
        """The same groups as ``_ranked``, as sets, with title and run hits taken from the index."""
        marks = [(10.0 / len(query.needles), index.titles.containing(needle, result)) for needle in query.needles]
        marks += [(1.0 / len(query.runs), index.docs.containing(run, result)) for run in query.runs]
        # Split the hits by which marks they carry, adding shares in the order ``_ranked`` adds them, so that
        # equal sums are equal floats; then merge the parts that score the same.
        parts = [(0.0, result)] if result else []
        for share, marked in marks:
            split = []
            for score, part in parts:
                split += [(score + share, part & marked), (score, part & ~marked)]
            parts = [(score, part) for score, part in split if part]
        merged: dict[float, int] = {}
        for score, part in parts:
            merged[score] = merged.get(score, 0) | part
        return [(score, merged[score]) for score in sorted(merged, reverse=True)]

    def position(self, article_id: str) -> int:
        """Where the article with ``article_id`` is in ``articles``."""
        if self._positions is None:
            self._positions = {article_id: number for number, article_id in reversed(list(enumerate(self._ids)))}
        return self._positions[article_id]

    def spans(self, number: int, needles: tuple[str, ...]) -> list[Span]:
        """Where ``needles`` occur in article ``number``'s original title and text."""
        article = self.articles[number]
        title = self._titles[number]
        text = self._docs[number][len(title) + 1 :]
        return find_spans(article.title or "", title, needles, "title") + find_spans(article.text, text, needles, "text")
