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

The index is a character-bigram inverted index over the folded title and text. It proposes candidates;
every candidate is then checked by substring search, so the result is exactly the brute-force result.
Bigrams are taken over UTF-16 code units, so that each is a plain integer (cheap to hash and store)
and characters outside the BMP still match correctly. Costs at 20,000 articles (benchmarks/library_bench.py):
``SearchIndex(articles)`` returns in ~0.6 s, the index is ready ~3 s later (built in the background),
it holds ~100 MB; a query takes ~1 ms when it matches a few hundred articles, ~10-20 ms when it matches
most of the library (every hit has to be produced and ranked).
"""

from __future__ import annotations

import re
import threading
import unicodedata
from array import array
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from importlib.resources import files

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


class Hit:
    """One matching article: its id, its rank score and the (field, start, end) spans of the match in the
    article's original title/text.

    Spans are worked out on first access: a broad query can hit most of the library, and only the
    articles a person actually looks at need them.
    """

    __slots__ = ("article_id", "score", "_spans", "_source")

    def __init__(self, article_id: str, score: float, spans: list[Span] | None = None, *, source=None) -> None:
        self.article_id = article_id
        self.score = score
        self._spans = spans
        self._source = source  # (index, article number, needles) to find the spans from

    @property
    def spans(self) -> list[Span]:
        if self._spans is None:
            index, number, needles = self._source
            self._spans = index.spans(number, needles)
            self._source = None
        return self._spans

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Hit):
            return NotImplemented
        return (self.article_id, self.score, self.spans) == (other.article_id, other.score, other.spans)

    def __repr__(self) -> str:
        return f"Hit({self.article_id!r}, {self.score!r}, {self.spans!r})"


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


# ---- the index -------------------------------------------------------------------------------------------


def _pair_keys(text: str) -> set[int]:
    """Every pair of adjacent UTF-16 code units of ``text``, each as one 32-bit integer."""
    data = text.encode("utf-16-le")
    even, odd = array("I"), array("I")
    even.frombytes(data[: len(data) // 4 * 4])
    odd.frombytes(data[2 : 2 + (len(data) - 2) // 4 * 4])
    keys = set(even)
    keys.update(odd)
    return keys


def _units(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def _typecode(count: int) -> str:
    """Article and figure numbers in 2 bytes each while they fit: postings are most of the index's memory."""
    return "H" if count <= 0xFFFF else "I"


@lru_cache(maxsize=65536)
def _fold_label(label: str) -> str:
    """Field values (cities, units, names) repeat across thousands of articles: fold each once."""
    return fold(label)


def _frozen(groups: dict[str, list[int]], typecode: str) -> dict[str, array]:
    return {key: array(typecode, numbers) for key, numbers in groups.items()}


class _Facets:
    """Article fields for filters: folded value -> numbers of the articles holding it."""

    def __init__(self, articles: list[Article]) -> None:
        typecode = _typecode(len(articles))
        values: dict[str, dict[str, list[int]]] = {name: {} for name in FIELDS}
        no_city = []
        for number, article in enumerate(articles):
            if article.city is None:
                no_city.append(number)
            for name, found in self._fields(article):
                for value in dict.fromkeys(found):
                    values[name].setdefault(_fold_label(value), []).append(number)
        self.values = {name: _frozen(groups, typecode) for name, groups in values.items()}
        self.no_city = array(typecode, no_city)

    @staticmethod
    def _fields(article: Article) -> Iterator[tuple[str, list[str]]]:
        yield "city", [article.city] if article.city else []
        yield "county", article.counties
        yield "program", article.programs
        yield "star", article.stars
        yield "author", article.authors
        yield "source", [article.source]
        yield "kind", [article.kind]

    def matching(self, test: FieldFilter) -> set[int]:
        if test.field == "city" and test.value in NO_CITY:
            return set(self.no_city)
        values = self.values[test.field]
        if test.field == "kind":
            return set(values.get(test.value, ()))
        out: set[int] = set()
        for value, numbers in values.items():
            if test.value in value:
                out.update(numbers)
        return out


class _Figures:
    """Every figure of the library in flat columns, with value orders for range tests."""

    def __init__(self, articles: list[Article]) -> None:
        by_unit: dict[str, list[int]] = {}
        by_kind: dict[str, list[int]] = {}
        owners: list[int] = []
        lows: list[tuple[float, int]] = []
        highs: list[tuple[float, int]] = []
        for number, article in enumerate(articles):
            for figure in article.figures:
                index = len(owners)
                owners.append(number)
                by_unit.setdefault(_fold_label(figure.unit or ""), []).append(index)
                by_kind.setdefault(figure.kind, []).append(index)
                if isinstance(figure.value, (int, float)):
                    top = figure.value_max if isinstance(figure.value_max, (int, float)) else figure.value
                    lows.append((float(figure.value), index))
                    highs.append((float(max(top, figure.value)), index))
        typecode = _typecode(len(owners))
        self.article = array(_typecode(len(articles)), owners)
        self.by_unit, self.by_kind = _frozen(by_unit, typecode), _frozen(by_kind, typecode)
        lows.sort()
        highs.sort()
        self.lows, self.by_low = array("d", [v for v, _ in lows]), array(typecode, [i for _, i in lows])
        self.highs, self.by_high = array("d", [v for v, _ in highs]), array(typecode, [i for _, i in highs])

    def figures(self, test: FigureTest) -> set[int]:
        if test.attribute == "unit":
            return set(self.by_unit.get(test.value, ()))
        if test.attribute == "kind":
            return set(self.by_kind.get(test.value, ()))
        return self._compared(test.op, test.value)

    def _compared(self, op: str, bound: float) -> set[int]:
        # A range [low, high] satisfies a comparison when some value in it does.
        if op == ">=":
            return set(self.by_high[bisect_left(self.highs, bound) :])
        if op == ">":
            return set(self.by_high[bisect_right(self.highs, bound) :])
        if op == "<=":
            return set(self.by_low[: bisect_right(self.lows, bound)])
        if op == "<":
            return set(self.by_low[: bisect_left(self.lows, bound)])
        return self._compared("<=", bound) & self._compared(">=", bound)

    def articles(self, tests: Iterable[FigureTest]) -> set[int]:
        """Articles with one figure passing every test."""
        chosen: set[int] | None = None
        for test in tests:
            found = self.figures(test)
            chosen = found if chosen is None else chosen & found
        return {self.article[index] for index in chosen or ()}


_EMPTY = array("H")


def _narrow(candidates: set[int] | None, found: set[int]) -> set[int]:
    return found if candidates is None else candidates & found


def build_postings(docs: list[str]) -> dict[int, array]:
    """Bigram -> numbers of the documents holding it, ascending."""
    typecode = _typecode(len(docs))
    postings: dict[int, array] = {}
    with gc_paused():
        for number, doc in enumerate(docs):
            for key in _pair_keys(doc):
                posting = postings.get(key)
                if posting is None:
                    posting = postings[key] = array(typecode)
                posting.append(number)
    return postings


class SearchIndex:
    """Search over a fixed list of articles (build a new index when the library changes).

    Construction folds every title and text (about 0.5 s at 20,000 articles). The bigram index then takes
    about 2-3 s more at that size: by default it is built in a background thread and used as soon as it
    is ready; until then a query checks every article (the same answers, tens of milliseconds at 20,000).
    ``background=False`` builds it before returning; ``indexed=False`` never builds it (the cheaper choice
    for a single query, as on the command line). Safe to query from several threads at once.
    """

    def __init__(self, articles: Iterable[Article], *, indexed: bool = True, background: bool = True) -> None:
        self.articles = list(articles)
        self._ids = [a.id for a in self.articles]
        with gc_paused():
            self._titles = [fold(a.title or "") for a in self.articles]
            # "\n" never survives folding, so a query can never match across the title/text seam.
            self._docs = [title + "\n" + fold(a.text) for title, a in zip(self._titles, self.articles)]
            self._facets = _Facets(self.articles)
            self._figures = _Figures(self.articles)
        self._postings: dict[int, array] | None = None
        self._ready = threading.Event()
        if not indexed:
            return
        if background:
            threading.Thread(target=self._build, name="search-index", daemon=True).start()
        else:
            self._build()

    def _build(self) -> None:
        warm_up()  # an index serves many queries: none of them should wait for jieba
        self._postings = build_postings(self._docs)
        self._ready.set()

    def wait_until_indexed(self, timeout: float | None = None) -> bool:
        """Block until the bigram index is in use (False on timeout, or if none is being built)."""
        return self._ready.wait(timeout)

    @property
    def indexed(self) -> bool:
        return self._ready.is_set()

    def __len__(self) -> int:
        return len(self.articles)

    # ---- matching --------------------------------------------------------------------------------------

    def matching(self, query: Query) -> list[int]:
        """Positions (in ``articles``) of the matching articles, in library order, unranked."""
        postings = self._postings
        if postings is None:
            return self.scan(query)
        candidates = self._filtered(query)
        # The rarest needle first: every later one is then checked only against its few articles.
        positive = sorted(query.needles, key=lambda needle: self._estimate(postings, needle))
        for needle in positive:
            candidates = self._containing(postings, needle, candidates)
        for needle in query.excluded:
            pool = candidates if candidates is not None else set(range(len(self.articles)))
            candidates = pool - self._containing(postings, needle, pool)
        if candidates is None:
            return list(range(len(self.articles)))
        return sorted(candidates)

    def _filtered(self, query: Query) -> set[int] | None:
        candidates: set[int] | None = None
        for test in query.filters:
            if not test.negated:
                candidates = _narrow(candidates, self._facets.matching(test))
        together = [t for t in query.figure if not t.negated]
        if together:
            candidates = _narrow(candidates, self._figures.articles(together))
        negated = [self._facets.matching(t) for t in query.filters if t.negated]
        negated += [self._figures.articles([t]) for t in query.figure if t.negated]
        if negated:
            candidates = candidates if candidates is not None else set(range(len(self.articles)))
            for found in negated:
                candidates -= found
        return candidates

    def _estimate(self, postings: dict[int, array], needle: str) -> int:
        """At most this many articles contain ``needle``: its rarest bigram's count."""
        keys = _pair_keys(needle)
        return min(len(postings.get(key, _EMPTY)) for key in keys) if keys else len(self._docs)

    def _containing(self, postings: dict[int, array], needle: str, within: set[int] | None) -> set[int]:
        """The articles (of ``within``, or of all) whose title or text contains ``needle``."""
        docs = self._docs
        keys = _pair_keys(needle)
        if not keys:  # a single character: no bigram to look up
            pool = within if within is not None else range(len(docs))
            return {number for number in pool if needle in docs[number]}
        lists = sorted((postings.get(key, _EMPTY) for key in keys), key=len)
        candidates = set(lists[0]) if within is None else within.intersection(lists[0])
        for posting in lists[1:]:
            if len(candidates) * 8 < len(posting):
                break  # checking the few candidates directly is now cheaper than another intersection
            candidates.intersection_update(posting)
        if _units(needle) == 2:
            return candidates  # the needle is its own bigram: the posting is the exact answer
        return {number for number in candidates if needle in docs[number]}

    def scan(self, query: Query) -> list[int]:
        """The same answer as the index by checking every article: the fallback, and the reference it is tested against."""
        allowed = self._filtered(query)
        pool = list(range(len(self._docs))) if allowed is None else sorted(allowed)
        docs = self._docs
        for needle in query.needles:
            pool = [n for n in pool if needle in docs[n]]
        for needle in query.excluded:
            pool = [n for n in pool if needle not in docs[n]]
        return pool

    # ---- ranking ---------------------------------------------------------------------------------------

    def search(self, query: str | Query) -> list[Hit]:
        """Ranked hits for ``query`` (a string in the query language, or a parsed ``Query``)."""
        if not isinstance(query, Query):
            query = parse_query(query)
        numbers = self.matching(query)
        needles = query.needles
        ids = self._ids
        # Thousands of short-lived hits: collecting in the middle would only promote them to older generations,
        # and the full collections that follow rescan the whole loaded library (hundreds of ms at 20,000).
        with gc_paused():
            if not needles:
                return [Hit(ids[n], 0.0, []) for n in numbers]
            return [Hit(ids[n], score, source=(self, n, needles)) for n, score in self._ranked(numbers, query)]

    def _ranked(self, numbers: list[int], query: Query) -> list[tuple[int, float]]:
        """Query words in the title count 10 (shared among the words), each unbroken run 1 (shared)."""
        titles, docs = self._titles, self._docs
        scores: dict[int, float] = {}
        for weight, texts, needles in ((10.0, titles, query.needles), (1.0, docs, query.runs)):
            share = weight / len(needles) if needles else 0.0
            for needle in needles:
                for n in [n for n in numbers if needle in texts[n]]:
                    scores[n] = scores.get(n, 0.0) + share
        # sorted() is stable: equal scores keep library order, and unscored hits follow in library order.
        ranked = sorted(scores, key=lambda n: (-scores[n], n))
        return [(n, scores[n]) for n in ranked] + [(n, 0.0) for n in numbers if n not in scores]

    def spans(self, number: int, needles: tuple[str, ...]) -> list[Span]:
        """Where ``needles`` occur in article ``number``'s original title and text."""
        article = self.articles[number]
        title = self._titles[number]
        text = self._docs[number][len(title) + 1 :]
        return find_spans(article.title or "", title, needles, "title") + find_spans(article.text, text, needles, "text")
