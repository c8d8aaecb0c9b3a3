"""Context rules: each small named check that drops a candidate that is not a quantity."""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable

from five_star.store.extraction.figures.numerals import SPACES
from five_star.store.extraction.figures.rules import (
    BARE_MONEY_LEADS,
    BARE_SCALE_KINDS,
    CLAUSE_BREAKS,
    CLAUSE_MAX,
    CN_NUMERAL,
    CN_SCALES,
    QUOTES,
    SHORT_QUOTE_MAX,
    FigureRules,
    Unit,
)

# --- context rules ---------------------------------------------------------------------------------------


def ends_with_any(text: str, end: int, words: tuple[str, ...]) -> str | None:
    """The first of ``words`` that ``text`` has just before ``end``."""
    for word in words:
        if end - len(word) >= 0 and text.startswith(word, end - len(word)):
            return word
    return None


def starts_with_any(text: str, start: int, words: tuple[str, ...]) -> str | None:
    for word in words:
        if text.startswith(word, start):
            return word
    return None


def skip_spaces_back(text: str, pos: int) -> int:
    while pos > 0 and text[pos - 1] in " \t\r\n":
        pos -= 1
    return pos


def clause_before(text: str, pos: int) -> str:
    """The text from the start of the clause to ``pos`` (a lone 一 is judged by its own clause), at most
    CLAUSE_MAX characters, so that text without punctuation costs no more than text with it."""
    start = pos
    while start > 0 and pos - start < CLAUSE_MAX and text[start - 1] not in CLAUSE_BREAKS:
        start -= 1
    return text[start:pos]


def short_quotes(text: str) -> list[tuple[int, int]]:
    """Spans of short quotations: “五星”, “三零”, “五大楼宇” are names, not counts."""
    spans = []
    for open_, close in QUOTES.items():
        pos = text.find(open_)
        while pos != -1:
            end = text.find(close, pos + 1)
            if end == -1:
                break
            inner = SPACES.sub("", text[pos + 1 : end])  # hard-wrapped lines may split a name
            if len(inner) <= SHORT_QUOTE_MAX and not any(ch in inner for ch in "。！？；，"):
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
    """One pattern match, with the folded text it came from; the parts the rules ask for, read once."""

    __slots__ = ("folded", "groups", "is_chinese", "is_percent", "match", "num_start", "numeral", "unit_surface")

    def __init__(self, match: re.Match, folded: str):
        self.match = match
        self.folded = folded
        self.groups = match.groupdict("")
        self.is_percent = bool(self.groups["pfx"])
        # where the number begins: 百分之 counts as part of it
        self.num_start = match.start("pfx") if self.is_percent else match.start("num")
        self.numeral = self.groups["pnum"] if self.is_percent else self.groups["num"]
        self.unit_surface = SPACES.sub("", self.groups["unit"])
        self.is_chinese = not any(ch in "0123456789" for ch in self.numeral)

    def group(self, name: str) -> str:
        return self.groups[name]


def is_ordinal(c: Candidate, rules: FigureRules) -> bool:
    """第一, 第 61 个, 第四期."""
    start = skip_spaces_back(c.folded, c.num_start)
    return ends_with_any(c.folded, start, rules.context.get("ordinal", ())) is not None


def is_vague(c: Candidate, rules: FigureRules) -> bool:
    """数十名, 上万人, 成千: a scale word with no digit before it, led by 数/上/成."""
    if c.numeral[:1] not in CN_SCALES:
        return False
    return ends_with_any(c.folded, c.num_start, rules.context.get("vague", ())) is not None


def is_year(c: Candidate, unit: Unit) -> bool:
    """2023年, 2021-2023年: a four-digit number of 年 is a date, whatever follows."""
    if unit.unit != "年":
        return False
    return any(re.fullmatch(r"[12][0-9]{3}", n) for n in (c.group("num"), c.group("num2")) if n)


def is_clock_minutes(c: Candidate, unit: Unit, rules: FigureRules) -> bool:
    """8时30分, 6点15分: minutes of a clock time, not a score."""
    if unit.surface != "分":
        return False
    start = skip_spaces_back(c.folded, c.num_start)
    word = ends_with_any(c.folded, start, rules.context.get("clock", ()))
    if word is None or start - len(word) <= 0:
        return False
    return c.folded[start - len(word) - 1] in "0123456789" + CN_NUMERAL


def is_time_frame(c: Candidate, unit: Unit, rules: FigureRules, end: int) -> bool:
    """两年来, 过去的一年, 近三年, 五天后: a duration that places events in time rather than measuring."""
    if unit.kind != "duration":
        return False
    if ends_with_any(c.folded, c.match.start(), rules.context.get("timeframe_before", ())):
        return True
    return starts_with_any(c.folded, end, rules.context.get("timeframe_after", ())) is not None


def is_discount_word(c: Candidate, unit: Unit, rules: FigureRules, end: int) -> bool:
    """这一折腾, 三折叠: 折 begins another word, it is no discount."""
    return unit.discount and starts_with_any(c.folded, end, rules.context.get("discount_word_after", ())) is not None


def next_char(c: Candidate, pos: int) -> str:
    """The character at ``pos``, or NUL at the end, so that ``in`` tests never see an empty string."""
    return c.folded[pos] if pos < len(c.folded) else "\0"


def is_reduplicated(c: Candidate, unit: Unit) -> bool:
    """一个个, 一件件, 一串串: rhetoric, not a count."""
    end = c.match.end("unit")
    return c.is_chinese and next_char(c, end) == unit.surface[-1]


def is_numeral_slogan(c: Candidate) -> bool:
    """一人一档, 七个一, 两个一百年: a Chinese count followed straight by another numeral is a formula."""
    return c.is_chinese and next_char(c, c.match.end()) in CN_NUMERAL


def is_comparison(c: Candidate) -> bool:
    """一天比一天高, 一年比一年好: a figure of speech on both sides of 比."""
    if not c.is_chinese:
        return False
    written = c.folded[c.num_start : c.match.end()]
    end, start = c.match.end(), c.num_start
    return c.folded.startswith("比" + written, end) or c.folded.endswith(written + "比", 0, start)


def is_bare_scale_idiom(c: Candidate, unit: Unit) -> bool:
    """百个, 千名, 万名, 近千万元 count things; 千家万户, 千年古镇, 百米冲刺 do not."""
    numeral = c.numeral
    if numeral[:1] not in "百千万亿" or any(ch not in CN_SCALES for ch in numeral):
        return False
    if unit.kind not in BARE_SCALE_KINDS:
        return True
    sized = c.group("scale") or c.group("after") or c.folded[c.num_start - 1 : c.num_start] in BARE_MONEY_LEADS
    if unit.kind == "money" and len(numeral) == 1 and not sized:
        return True  # 单位：万元, （单位：亿元）: a table's unit label, not an amount; 近万元 is one
    return next_char(c, c.match.end()) in CN_NUMERAL


def is_indefinite_one(c: Candidate, unit: Unit, rules: FigureRules) -> bool:
    """一辆, 一幅, 一名“最美志愿者”: 一 with a measure word of things is an article. It counts after 每
    in its clause (每月召开一次, 每个支部确定一名), after 仅/各/至少 and the like, and for durations
    (利用一天时间), unless it is part of a word (每一户, 统一, 之一)."""
    if c.numeral != "一" or c.group("sep") or c.group("scale"):
        return False
    if unit.kind not in ("count", "people", "duration"):
        return False  # 一吨, 一公里, 一元 are amounts: only measure words of things can be articles
    start = c.num_start
    if ends_with_any(c.folded, start, rules.context.get("one_not_after", ())):
        return True
    if unit.kind == "duration":
        return False
    if ends_with_any(c.folded, start, rules.context.get("one_cue_before", ())):
        return False
    clause = clause_before(c.folded, start)
    return not any(cue in clause for cue in rules.context.get("one_cue", ()))


def counted_noun_fits(c: Candidate, unit: Unit) -> bool:
    """Whether a counted noun may follow this number (see counted_nouns.tsv for the uses)."""
    if unit.use == "unit":
        return True
    scaled = not c.is_chinese or any(ch in c.numeral + c.group("scale") for ch in "百千万亿")
    if unit.use == "scaled":
        return scaled
    if unit.use == "nda":
        return scaled or bool(c.group("da"))
    return True  # "set"


def n_da_fits(c: Candidate, unit: Unit) -> bool:
    """五大片区, 两大优势, 六大专项行动: a small count of an enumerated set (not 一大批, not 二十大)."""
    if not c.group("da"):
        return True
    if c.group("sep") or c.group("scale") or c.group("inner") or c.group("inner2"):
        return False
    numeral = c.numeral
    small = (len(numeral) == 1 and numeral in "两二三四五六七八九十") or re.fullmatch(r"[2-9]", numeral)
    return bool(small) and (unit.use in ("set", "nda") or unit.kind == "count")
