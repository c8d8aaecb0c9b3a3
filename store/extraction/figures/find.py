"""From candidates to figures: value, unit, kind, qualifier; ``find_figures`` over a text."""

from __future__ import annotations

import re
from decimal import Decimal

from five_star.store.extraction.figures.context import (
    Candidate,
    SpanSet,
    counted_noun_fits,
    ends_with_any,
    is_bare_scale_idiom,
    is_clock_minutes,
    is_comparison,
    is_discount_word,
    is_indefinite_one,
    is_numeral_slogan,
    is_ordinal,
    is_reduplicated,
    is_time_frame,
    is_vague,
    is_year,
    n_da_fits,
    next_char,
    short_quotes,
    starts_with_any,
)
from five_star.store.extraction.figures.numerals import (
    SPACES,
    URL,
    as_number,
    discount_tenths,
    parse_numeral,
    range_low,
    scale_of,
)
from five_star.store.extraction.figures.rules import (
    CLAUSE_BREAKS,
    CN_NUMERAL,
    CN_SCALES,
    SIGNED_KINDS,
    FigureRules,
    Unit,
    figure_rules,
)
from five_star.store.model import Figure

# --- candidates to figures -------------------------------------------------------------------------------


def _prefix_qualifier(folded: str, start: int, rules: FigureRules) -> tuple[str | None, int]:
    """A qualifier written before the number (近10万人次, 不少于1次) and where the figure then starts."""
    for surface in rules.before_words:
        begin = start - len(surface)
        if begin < 0 or not folded.startswith(surface, begin):
            continue
        qualifier, not_after = rules.before[surface]
        if begin > 0 and folded[begin - 1] in not_after:
            continue
        return qualifier, begin
    return None, start


def _sign(folded: str, start: int, rules: FigureRules) -> tuple[int, int]:
    """-1 and the new start for 负3.9%, 零下4摄氏度, 增长-2.1%; a hyphen after a number or a unit
    (2.5亿年-6500万年, 3-5) joins a range instead."""
    word = ends_with_any(folded, start, rules.context.get("negative", ()))
    if word is None:
        return 1, start
    begin = start - len(word)
    if word == "-" and begin > 0:
        before = folded[begin - 1]
        if (before.isascii() and before.isalnum()) or before in CN_NUMERAL or before in rules.unit_final:
            return 1, start
    return -1, begin


def _quantity_value(c: Candidate, unit: Unit, first: str) -> tuple[Decimal, Decimal | None] | None:
    """(value, value_max) in the base unit, scale words and the unit's factor applied."""
    value: Decimal
    value_max: Decimal | None
    second = c.group("num2")
    if second:
        if c.group("u1") and SPACES.sub("", c.group("u1")) != c.unit_surface:
            return None
        low = parse_numeral(range_low(SPACES.sub("", first), SPACES.sub("", second)))
        high = parse_numeral(second)
        if low is None or high is None or low[1] is not None or high[1] is not None:
            return None
        value, value_max = low[0], high[0]
        if value_max <= value or (unit.discount and value_max >= 10):
            return None
    else:
        if c.group("u1"):
            return None
        parsed = discount_tenths(first) if unit.discount else parse_numeral(first)
        if parsed is None:
            return None
        value, value_max = parsed
    factor = scale_of(SPACES.sub("", c.group("scale"))) * unit.factor
    if c.group("half"):
        value += Decimal("0.5")
    value *= factor
    if value_max is not None:
        value_max *= factor
    return value, value_max


def _scale_led_unit(c: Candidate, rules: FigureRules) -> Unit | None:
    """12千米, 2.3千克, 3百分点: the number's last scale word begins a unit of its own."""
    numeral = c.group("num")
    if len(numeral) < 2 or numeral[-1] not in CN_SCALES or c.group("scale") or c.group("num2"):
        return None
    if c.group("inner") or c.group("da"):
        return None
    pos = c.match.start("unit")
    for surface in rules.scale_led.get(numeral[-1], ()):
        if c.folded.startswith(surface[1:], pos):
            return rules.units[surface]
    return None


def _time_after_classifier(c: Candidate, rules: FigureRules) -> tuple[Unit, str, int] | None:
    """3个多小时, 一个多月: 多/余 sits between 个 and the unit of time it belongs to."""
    if c.unit_surface != "个" or c.group("after") or c.group("half"):
        return None
    pos = c.match.end("unit")
    qualifier = rules.inner.get(next_char(c, pos))
    if qualifier is None:
        return None
    for surface in rules.timed_classifier:
        if c.folded.startswith(surface[1:], pos + 1):
            return rules.units[surface], qualifier, pos + len(surface)
    return None


def _unit_and_end(c: Candidate, rules: FigureRules) -> tuple[Unit, str | None, int]:
    """The unit, a qualifier written after it (以上, 左右, 两年多), and where the figure ends."""
    split = _time_after_classifier(c, rules)
    if split is not None:
        return split
    unit = _scale_led_unit(c, rules)
    if unit is None:
        unit = rules.units[c.unit_surface]
        end = c.match.end()
        suffix = c.group("after")
    else:
        end = c.match.start("unit") + len(unit.surface) - 1
        suffix = starts_with_any(c.folded, end, rules.after_words) or ""
        end += len(suffix)
    qualifier = rules.after.get(suffix) if suffix else None
    if unit.kind == "duration" and not suffix and next_char(c, end) in rules.inner:
        qualifier = rules.inner[c.folded[end]]  # 两年多, 一个小时多
        end += 1
    if unit.money_alone and next_char(c, end) in CLAUSE_BREAKS + "\0”":
        unit = rules.units["元"]  # 卖了三五百块。: no noun follows, so 块 is money, not a measure word
    return unit, qualifier, end


def _not_a_quantity(c: Candidate, unit: Unit, rules: FigureRules, end: int) -> bool:
    """The context rules, cheapest first; any one of them is enough to drop the candidate."""
    return (
        unit.kind == "none"
        or (unit.arabic_only and c.is_chinese)
        or (bool(c.group("half")) and not unit.takes_half)
        or not counted_noun_fits(c, unit)
        or not n_da_fits(c, unit)
        or is_year(c, unit)
        or is_clock_minutes(c, unit, rules)
        or is_reduplicated(c, unit)
        or is_bare_scale_idiom(c, unit)
        or is_indefinite_one(c, unit, rules)
        or is_numeral_slogan(c)
        or is_comparison(c)
        or is_time_frame(c, unit, rules, end)
        or is_discount_word(c, unit, rules, end)
    )


def _lost_digit(c: Candidate) -> bool:
    """?0余万元: a ? or U+FFFD where the leading digit was destroyed — a number never starts with 0."""
    num = c.group("num")
    return bool(c.group("lost")) and num.startswith("0") and not num.startswith("0.")


def _quantity(c: Candidate, rules: FigureRules, text: str) -> Figure | None:
    unit, qualifier_after, end = _unit_and_end(c, rules)
    if _not_a_quantity(c, unit, rules, end):
        return None
    lost = _lost_digit(c)
    value = value_max = None
    if not lost:
        numeral = c.group("num")[:-1] if _scale_led_unit(c, rules) else c.group("num")
        values = _quantity_value(c, unit, numeral)
        if values is None:
            return None
        value, value_max = values
        if unit.kind in ("people", "count") and value != value.to_integral_value():
            return None  # 2.2本计划: a section number, not two-point-two books
    start = c.match.start("lost") if lost else c.num_start
    if unit.kind in SIGNED_KINDS and value is not None and value_max is None:
        sign, start = _sign(c.folded, start, rules)
        value *= sign
    prefix, start = _prefix_qualifier(c.folded, start, rules)
    inner = c.group("inner") or c.group("inner2")
    # 多/余 inside the figure says most; then a qualifier in front; then one behind
    qualifier = (rules.inner.get(inner) if inner else None) or prefix or qualifier_after
    return Figure(
        text=text[start:end],
        value=None if value is None else as_number(value),
        unit=unit.unit,
        qualifier=qualifier,
        kind=unit.kind,
        start=start,
        end=end,
        value_max=None if value_max is None else as_number(value_max),
    )


def _longest_numeral_prefix(numeral: str, start: int) -> tuple[tuple | None, int]:
    """百分之七十百分位: the number runs into the next word; keep its longest readable beginning."""
    for length in range(len(numeral) - 1, 0, -1):
        parsed = parse_numeral(numeral[:length])
        if parsed is not None:
            return parsed, start + len(numeral[:length].rstrip())
    return None, start


def _percent(c: Candidate, rules: FigureRules, text: str) -> Figure | None:
    """百分之五十, 千分之2.4, 百分之五到百分之十: the value is in %."""
    factor = {"百": Decimal(1), "千": Decimal("0.1"), "万": Decimal("0.01")}[c.group("pfx")]
    end = c.match.end()
    suffix = c.group("pafter")
    low = parse_numeral(c.group("pnum"))
    if low is None and not c.group("pnum2"):
        low, end = _longest_numeral_prefix(c.group("pnum"), c.match.start("pnum"))
        suffix = ""
    if low is None:
        return None
    value, value_max = low
    if c.group("pnum2"):
        high = parse_numeral(c.group("pnum2"))
        if high is None or value_max is not None or high[1] is not None or high[0] <= value:
            return None
        value_max = high[0]
    sign, start = _sign(c.folded, c.match.start(), rules) if value_max is None else (1, c.match.start())
    prefix, start = _prefix_qualifier(c.folded, start, rules)
    return Figure(
        text=text[start:end],
        value=as_number(sign * value * factor),
        unit="%",
        qualifier=prefix or (rules.after.get(suffix) if suffix else None),
        kind="percent",
        start=start,
        end=end,
        value_max=None if value_max is None else as_number(value_max * factor),
    )


def _interpret(c: Candidate, rules: FigureRules, text: str) -> Figure | None:
    if is_ordinal(c, rules) or is_vague(c, rules):
        return None
    if c.is_percent:
        return _percent(c, rules, text)
    return _quantity(c, rules, text)


def _excluded_spans(folded: str, rules: FigureRules) -> list[tuple[int, int]]:
    """Phrases from figure_exclusions.txt, and web addresses (their %28 and 2020% are escapes)."""
    return [m.span() for m in URL.finditer(folded)] + [m.span() for m in rules.exclusions.finditer(folded)]


def find_figures(text: str) -> list[Figure]:
    """Every figure in ``text``, in order, never overlapping; ``text[f.start:f.end] == f.text``."""
    if not isinstance(text, str) or not text:
        return []
    r = figure_rules()
    folded = text.translate(r.plain_table)
    match = r.pattern.search(folded)
    if match is None:
        return []
    excluded = SpanSet(_excluded_spans(folded, r))
    quoted = SpanSet(short_quotes(folded))
    figures: list[Figure] = []
    while match is not None:
        figure, resume = _figure_at(match, folded, text, r, excluded, quoted)
        if figure is not None and not (figures and figure.start < figures[-1].end):
            figures.append(figure)  # (a prefix qualifier may not reach back into the previous figure)
        match = r.pattern.search(folded, resume)
    return figures


def _figure_at(
    match: re.Match[str], folded: str, text: str, r: FigureRules, excluded: SpanSet, quoted: SpanSet
) -> tuple[Figure | None, int]:
    """The figure a match stands for, and where to look for the next one.

    A range that does not read as one (2.5亿年~6500万年 runs backwards) is two figures: the first
    part is read on its own and the search resumes at the second number."""
    figure = _accepted(Candidate(match, folded), r, text, excluded, quoted)
    if figure is not None or not match.group("sep"):
        return figure, match.end()
    first = r.pattern.match(folded, match.start(), match.start("sep"))
    if first is not None and not first.group("sep"):
        figure = _accepted(Candidate(first, folded), r, text, excluded, quoted)
    return figure, match.start("num2")


def _accepted(c: Candidate, r: FigureRules, text: str, excluded: SpanSet, quoted: SpanSet) -> Figure | None:
    if c.num_start in excluded or c.num_start in quoted:
        return None
    return _interpret(c, r, text)
