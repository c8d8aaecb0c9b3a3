"""What the checks read around a candidate: the candidate itself, clauses, quotations, spans."""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable

from five_star.store.extraction.figures.numerals import SPACES
from five_star.store.extraction.figures.rules import (
    CLAUSE_BREAKS,
    CLAUSE_MAX,
    CN_NUMERAL,
    QUOTES,
    SHORT_QUOTE_MAX,
    Words,
)

# --- reading the text around a candidate -----------------------------------------------------------------

_CLAUSE_BREAK = re.compile(f"[{re.escape(CLAUSE_BREAKS)}]")


def ends_with_any(text: str, end: int, words: Words) -> str | None:
    """The longest of ``words`` that ``text`` has just before ``end``."""
    return words.ending_at(text, end)


def starts_with_any(text: str, start: int, words: Words) -> str | None:
    """The longest of ``words`` that ``text`` has at ``start``."""
    return words.starting_at(text, start)


def skip_spaces_back(text: str, pos: int) -> int:
    while pos > 0 and text[pos - 1] in " \t\r\n":
        pos -= 1
    return pos


def clause_before(text: str, pos: int) -> str:
    """The text from the start of the clause to ``pos`` (a lone 一 is judged by its own clause), at most
    CLAUSE_MAX characters, so that text without punctuation costs no more than text with it."""
    window = text[max(0, pos - CLAUSE_MAX) : pos]
    last_break = _CLAUSE_BREAK.search(window[::-1])  # searched backwards, in C
    return window if last_break is None else window[len(window) - last_break.start() :]


def clause_after(text: str, pos: int, most: int = 20) -> str:
    """The rest of the clause from ``pos``, at most ``most`` characters."""
    next_break = _CLAUSE_BREAK.search(text, pos, pos + most)
    return text[pos : pos + most] if next_break is None else text[pos : next_break.start()]


def _numbered_list(inner: str) -> bool:
    """一条底线、五大抓手、一重保障: a quoted list of numbered items is a slogan, however long."""
    items = inner.split("、")
    return len(items) > 1 and all(item[:1].isdigit() or item[:1] in CN_NUMERAL for item in items)


def short_quotes(text: str) -> list[tuple[int, int]]:
    """Spans of quoted names: short quotations (“五星”, “三零”, “五大楼宇”) and numbered slogans."""
    spans = []
    for open_, close in QUOTES.items():
        pos = text.find(open_)
        while pos != -1:
            end = text.find(close, pos + 1)
            if end == -1:
                break
            inner = SPACES.sub("", text[pos + 1 : end])  # hard-wrapped lines may split a name
            short = len(inner) <= SHORT_QUOTE_MAX and not any(ch in inner for ch in "。！？；，")
            if short or _numbered_list(inner):
                spans.append((pos, end + 1))
            pos = text.find(open_, end + 1)
    return spans


def merged_spans(spans: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    """(start, end) spans in order, overlapping or touching ones joined (search's highlights use it too)."""
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


class SpanSet:
    """Positions covered by any of some spans; membership by bisection, as texts may hold thousands."""

    def __init__(self, spans: Iterable[tuple[int, int]]):
        merged = merged_spans(spans)
        self.starts = [start for start, _ in merged]
        self.ends = [end for _, end in merged]

    def __contains__(self, pos: int) -> bool:
        i = bisect_right(self.starts, pos) - 1
        return i >= 0 and pos < self.ends[i]


class Candidate:
    """One pattern match, with the folded text it came from; the parts the rules ask for, read once.

    ``form`` is which part of the pattern matched: ``percent`` (百分之五十, 三分之一), ``fraction`` (2/3),
    ``currency-symbol`` ($20), ``implicit-money`` (a number with 万/亿 and no unit: 卖了十五六万) or ``quantity``."""

    __slots__ = ("folded", "form", "groups", "is_chinese", "match", "num_start", "numeral", "unit_surface")

    def __init__(self, match: re.Match, folded: str):
        self.match = match
        self.folded = folded
        groups = self.groups = match.groupdict("")
        if groups["pfx"]:
            self.form, self.num_start, self.numeral = "percent", match.start("pfx"), groups["pnum"]
        elif groups["fnum"]:
            self.form, self.num_start, self.numeral = "fraction", match.start("fnum"), groups["fnum"]
        elif groups["sym"]:
            self.form, self.num_start, self.numeral = "currency-symbol", match.start("sym"), groups["snum"]
        else:
            self.form = "implicit-money" if match.start("bare") != -1 else "quantity"
            self.num_start, self.numeral = match.start("num"), groups["num"]
        self.unit_surface = SPACES.sub("", groups["unit"])
        self.is_chinese = not any(ch in "0123456789" for ch in self.numeral)

    def group(self, name: str) -> str:
        return self.groups[name]


def next_char(c: Candidate, pos: int) -> str:
    """The character at ``pos``, or NUL at the end, so that ``in`` tests never see an empty string."""
    return c.folded[pos] if pos < len(c.folded) else "\0"
