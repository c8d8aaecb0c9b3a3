"""Search: the query language and the index that the app and ``five-star-tui search`` share.

Matching is exact substring matching on *folded* text. ``fold`` maps every character on its own to
NFKC (full width → half width, ① → 1), then traditional → simplified (OpenCC t2s, character by
character), then lower case, and drops whitespace and invisible control/format characters (zero-width
spaces from scraped pages) and quotation marks (so 五星支部 finds “五星”支部). Folding character by character, rather than phrase by phrase, is what makes
it exact: if a query occurs in a text, its folded form occurs in the folded text, so nothing is missed.

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
and characters outside the BMP still match correctly.
"""

from __future__ import annotations

import re
import unicodedata
from array import array
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import lru_cache

from five_star.store.model import Article
from five_star.store.storage import gc_paused

# ---- folding ---------------------------------------------------------------------------------------------

_FOLDED: dict[str, str] = {}  # character -> its folded form, only for characters that change
_SEEN: set[str] = set()
_t2s = None


def _t2s_char(ch: str) -> str:
    global _t2s
    if _t2s is None:
        from opencc import OpenCC

        _t2s = OpenCC("t2s")
    return _t2s.convert(ch)


# Chinese news quotes names and slogans (“五星”支部, “红色物业”): a person typing 五星支部 means them too.
_QUOTE_MARKS = frozenset("\"'“”‘’「」『』《》〈〉")


def _dropped(ch: str) -> bool:
    return ch.isspace() or ch in _QUOTE_MARKS or unicodedata.category(ch) in ("Cc", "Cf")


def _fold_once(text: str) -> str:
    out = []
    for ch in text:
        for part in unicodedata.normalize("NFKC", ch):
            out.extend(c for c in _t2s_char(part).lower() if not _dropped(c))
    return "".join(out)


def _fold_char(ch: str) -> str:
    """Repeat until stable, so a folded form never contains a character that folds further.

    That makes the replacements in ``fold`` independent of the order they are applied in.
    """
    folded = ch
    for _ in range(4):
        again = _fold_once(folded)
        if again == folded:
            break
        folded = again
    return folded


def _learn(chars: set[str]) -> None:
    new = chars - _SEEN
    for ch in new:
        folded = _fold_char(ch)
        if folded != ch:
            _FOLDED[ch] = folded
    _SEEN.update(new)


def fold(text: str) -> str:
    """The form both queries and texts are compared in (see the module docstring)."""
    chars = set(text)
    _learn(chars)
    # A handful of distinct characters change in a typical text; one C-speed replace each beats translate.
    for ch in chars.intersection(_FOLDED):
        text = text.replace(ch, _FOLDED[ch])
    return text


def _origins(text: str) -> list[int]:
    """For each character of ``fold(text)``, the index of the character of ``text`` it came from."""
    _learn(set(text))
    origins: list[int] = []
    for index, ch in enumerate(text):
        folded = _FOLDED.get(ch)
        if folded is None:
            origins.append(index)
        else:
            origins.extend([index] * len(folded))
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


def base_unit(written: str) -> str:
    """The unit a figure stores for ``written``: scale words belong to the number (万元 → 元, 千米 → 公里)."""
    from five_star.store.figures import rules

    units = rules().units
    for candidate in (written, written.lstrip("".join(SCALES))):
        if candidate in units:
            return fold(units[candidate].unit)
    return written.lstrip("".join(SCALES)) or written


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


def segment(run: str) -> list[str]:
    """The words of a folded run; punctuation-only pieces are dropped unless nothing else is left."""
    if len(run) < 3 or not _CJK.search(run):
        return [run]
    from five_star.store.keywords import domain_tokenizer

    pieces = [p for p in domain_tokenizer().cut(run, HMM=False) if p]
    words = [p for p in pieces if any(ch.isalnum() for ch in p)]
    return list(dict.fromkeys(words or pieces))


def warm_up() -> None:
    """Load jieba's dictionary and the unit table now, so no later query pays for them (~1 s together)."""
    from five_star.store.figures import rules
    from five_star.store.keywords import domain_tokenizer

    domain_tokenizer()
    rules()


# ---- hits ------------------------------------------------------------------------------------------------

Span = tuple[str, int, int]


class Hit:
    """One matching article: its id, its rank score and the (field, start, end) spans of the match in the
    article's original title/text.

    Spans are worked out on first access: a broad query can hit most of the library, and only the
    articles a person actually looks at need them.
    """

    __slots__ = ("article_id", "score", "_spans", "_locate")

    def __init__(
        self,
        article_id: str,
        score: float,
        spans: list[Span] | None = None,
        *,
        locate: Callable[[], list[Span]] | None = None,
    ) -> None:
        self.article_id = article_id
        self.score = score
        self._spans = spans
        self._locate = locate

    @property
    def spans(self) -> list[Span]:
        if self._spans is None:
            self._spans = self._locate() if self._locate else []
            self._locate = None
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


class _Postings(dict):
    def __missing__(self, key: int) -> array:
        posting = self[key] = array("I")
        return posting


_EMPTY = array("I")


@lru_cache(maxsize=65536)
def _fold_label(label: str) -> str:
    """Field values (cities, units, names) repeat across thousands of articles: fold each once."""
    return fold(label)


class _Facets:
    """Article fields for filters: folded value -> articles holding it."""

    def __init__(self, articles: list[Article]) -> None:
        self.values: dict[str, dict[str, set[int]]] = {name: {} for name in FIELDS}
        self.no_city: set[int] = set()
        for number, article in enumerate(articles):
            if article.city is None:
                self.no_city.add(number)
            for name, values in self._fields(article):
                for value in values:
                    self.values[name].setdefault(_fold_label(value), set()).add(number)

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
                out |= numbers
        return out


class _Figures:
    """Every figure of the library in flat columns, with value orders for range tests."""

    def __init__(self, articles: list[Article]) -> None:
        self.article = array("I")
        self.by_unit: dict[str, set[int]] = {}
        self.by_kind: dict[str, set[int]] = {}
        lows: list[tuple[float, int]] = []
        highs: list[tuple[float, int]] = []
        for number, article in enumerate(articles):
            for figure in article.figures:
                index = len(self.article)
                self.article.append(number)
                self.by_unit.setdefault(_fold_label(figure.unit or ""), set()).add(index)
                self.by_kind.setdefault(figure.kind, set()).add(index)
                if isinstance(figure.value, (int, float)):
                    top = figure.value_max if isinstance(figure.value_max, (int, float)) else figure.value
                    lows.append((float(figure.value), index))
                    highs.append((float(max(top, figure.value)), index))
        lows.sort()
        highs.sort()
        self.lows, self.by_low = [v for v, _ in lows], [i for _, i in lows]
        self.highs, self.by_high = [v for v, _ in highs], [i for _, i in highs]

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


def _narrow(candidates: set[int] | None, found: set[int]) -> set[int]:
    return found if candidates is None else candidates & found


class SearchIndex:
    """Search over a fixed list of articles (build a new index when the library changes).

    Building costs about one pass of Python over every character of the library (roughly 2 s per
    10 million characters, i.e. ~20,000 articles); queries then take milliseconds. Safe to query
    from several threads at once. ``indexed=False`` skips the bigram index and checks every article
    instead: the cheaper choice for a single query (the command line).
    """

    def __init__(self, articles: Iterable[Article], *, indexed: bool = True) -> None:
        self.articles = list(articles)
        if indexed:
            warm_up()  # an index serves many queries: none of them should wait for jieba
        with gc_paused():
            self._titles = [fold(a.title or "") for a in self.articles]
            # "\n" never survives folding, so a query can never match across the title/text seam.
            self._docs = [title + "\n" + fold(a.text) for title, a in zip(self._titles, self.articles)]
            self._postings = self._build_postings(self._docs) if indexed else None
            self._facets = _Facets(self.articles)
            self._figures = _Figures(self.articles)

    @staticmethod
    def _build_postings(docs: list[str]) -> dict[int, array]:
        postings = _Postings()
        for number, doc in enumerate(docs):
            for key in _pair_keys(doc):
                postings[key].append(number)
        return dict(postings)

    def __len__(self) -> int:
        return len(self.articles)

    # ---- matching --------------------------------------------------------------------------------------

    def matching(self, query: Query) -> list[int]:
        """Positions (in ``articles``) of the matching articles, in library order, unranked."""
        candidates = self._filtered(query)
        positive = sorted(query.needles, key=_units, reverse=True)  # long needles prune the most
        for needle in positive:
            candidates = self._containing(needle, candidates)
        for needle in query.excluded:
            pool = candidates if candidates is not None else set(range(len(self.articles)))
            candidates = pool - self._containing(needle, pool)
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

    def _containing(self, needle: str, within: set[int] | None) -> set[int]:
        """The articles (of ``within``, or of all) whose title or text contains ``needle``."""
        docs = self._docs
        keys = _pair_keys(needle)
        if not keys:  # a single character: no bigram to look up
            pool = within if within is not None else range(len(docs))
            return {number for number in pool if needle in docs[number]}
        postings = sorted((self._postings.get(key, _EMPTY) for key in keys), key=len)
        candidates = set(postings[0]) if within is None else within.intersection(postings[0])
        for posting in postings[1:]:
            if len(candidates) * 8 < len(posting):
                break  # checking the few candidates directly is now cheaper than another intersection
            candidates.intersection_update(posting)
        if _units(needle) == 2:
            return candidates  # the needle is its own bigram: the posting is the exact answer
        return {number for number in candidates if needle in docs[number]}

    def scan(self, query: Query) -> list[int]:
        """The same answer as ``matching`` by checking every article: the reference the index is tested against."""
        out = []
        for number, doc in enumerate(self._docs):
            if all(n in doc for n in query.needles) and not any(n in doc for n in query.excluded):
                out.append(number)
        allowed = self._filtered(query)
        return out if allowed is None else [n for n in out if n in allowed]

    # ---- ranking ---------------------------------------------------------------------------------------

    def search(self, query: str | Query) -> list[Hit]:
        """Ranked hits for ``query`` (a string in the query language, or a parsed ``Query``)."""
        if not isinstance(query, Query):
            query = parse_query(query)
        numbers = self.matching(query) if self._postings is not None else self.scan(query)
        scores = [self._score(number, query) for number in numbers]
        # sorted() is stable with reverse=True too: equal scores keep library order.
        ranked = sorted(range(len(numbers)), key=scores.__getitem__, reverse=True)
        needles = query.needles
        return [
            Hit(self.articles[numbers[at]].id, scores[at], None if needles else [], locate=self._locator(numbers[at], needles))
            for at in ranked
        ]

    def _score(self, number: int, query: Query) -> float:
        needles = query.needles
        if not needles:
            return 0.0
        title = self._titles[number]
        score = 10.0 * sum(needle in title for needle in needles) / len(needles)
        if query.runs:
            doc = self._docs[number]
            score += sum(run in doc for run in query.runs) / len(query.runs)
        return score

    def _locator(self, number: int, needles: tuple[str, ...]) -> Callable[[], list[Span]]:
        def locate() -> list[Span]:
            article = self.articles[number]
            title = self._titles[number]
            text = self._docs[number][len(title) + 1 :]
            return find_spans(article.title or "", title, needles, "title") + find_spans(
                article.text, text, needles, "text"
            )

        return locate
