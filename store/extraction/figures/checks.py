"""The checks that drop a candidate which is not a quantity: one named registry, ``CHECKS``, in order.

Each check is a small predicate over a ``Reading``; the first that holds drops the candidate and names
why (``five-star-tui figures --explain`` prints that name). Word lists live in ``figure_context.tsv``
and ``figure_exclusions.txt``; the checks only say how the words are used.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from five_star.store.extraction.figures.context import (
    Candidate,
    clause_after,
    clause_before,
    ends_with_any,
    next_char,
    skip_spaces_back,
    starts_with_any,
)
from five_star.store.extraction.figures.numerals import parse_number
from five_star.store.extraction.figures.reading import CLAUSE_ENDS, Reading, has_money_cue, prefix_qualifier
from five_star.store.extraction.figures.rules import (
    BARE_SCALE_KINDS,
    CN_DIGITS,
    CN_NUMERAL,
    CN_SCALES,
    HAN,
    Words,
)


@dataclass(frozen=True)
class Check:
    name: str
    drops: Callable[[Reading], bool]


def words(r: Reading, role: str) -> Words:
    return r.rules.context[role]


# --- where the number stands ----------------------------------------------------------------------------


def in_web_address(r: Reading) -> bool:
    """https://…?q=30%25: the escapes of a web address are no percentages."""
    return r.c.num_start in r.scan.web


def in_exclusion_list(r: Reading) -> bool:
    """Idioms, slogans and place names that read like counts (figure_exclusions.txt, the gazetteer)."""
    return r.c.num_start in r.scan.excluded


def in_short_quote(r: Reading) -> bool:
    """“五星”, “三零”, “五大楼宇”: a short quotation is a name, not a count."""
    return r.c.num_start in r.scan.quoted


def is_ordinal(r: Reading) -> bool:
    """第一, 第 61 个, 第四期."""
    c = r.c
    return ends_with_any(c.folded, skip_spaces_back(c.folded, c.num_start), words(r, "ordinal")) is not None


def is_vague(r: Reading) -> bool:
    """数十名, 上万人, 成千: a scale word with no digit before it, led by 数/上/成."""
    c = r.c
    return c.numeral[:1] in CN_SCALES and ends_with_any(c.folded, c.num_start, words(r, "vague")) is not None


# --- the unit --------------------------------------------------------------------------------------------


def is_time_point(r: Reading) -> bool:
    """3月, 2022年度, 114周年: a unit row of kind none is a label or a time point."""
    return r.unit.kind == "none"


def needs_arabic_digits(r: Reading) -> bool:
    """十分重要, 三方: a unit flagged arabic follows only Arabic digits (80分, 3方)."""
    return r.unit.arabic_only and r.c.is_chinese


def is_share_counter(r: Reading) -> bool:
    """12⏎分享至: page chrome; an arabic-only unit never sits on the line after its number."""
    c = r.c
    return r.unit.arabic_only and c.form == "quantity" and "\n" in c.folded[c.match.end("num") : c.match.start("unit")]


def is_not_alone(r: Reading) -> bool:
    """三两句: a unit flagged alone (二两) is one only with no Chinese character after it."""
    return r.unit.alone and bool(re.match(f"[{HAN}]", next_char(r.c, r.end)))


def takes_no_half(r: Reading) -> bool:
    """三个半: 半 after a unit that does not take it."""
    return bool(r.c.group("half")) and not r.unit.takes_half


def counted_noun_misfits(r: Reading) -> bool:
    """两群众, 三片区: a counted noun after a number it does not follow (see counted_nouns.tsv)."""
    c, unit = r.c, r.unit
    if unit.use in ("unit", "set"):
        return False
    scaled = not c.is_chinese or any(ch in c.numeral + c.group("scale") for ch in "百千万亿")
    return not (scaled or (unit.use == "nda" and c.group("da")))


def n_da_misfits(r: Reading) -> bool:
    """五大片区, 六大惠民工程, 15大类 count an enumerated set; 一大批, 二十大 and 五大名 do not."""
    c, da = r.c, r.c.group("da")
    if not da:
        return False
    if c.group("sep") or c.group("scale") or c.group("inner") or c.group("inner2"):
        return True
    if len(da) > 1 and not r.unit.head:
        return True  # a qualifying word before a measure word: not this form
    if any(ch in c.numeral for ch in "百千万亿兆"):
        return True
    value = parse_number(c.numeral)
    return value is None or not 2 <= value < 100 or not (r.unit.head or r.unit.kind == "count")


# --- dates and times -------------------------------------------------------------------------------------


def is_year(r: Reading) -> bool:
    """2023年, 2021-2023年: a four-digit number of 年 is a date, whatever follows."""
    c = r.c
    if r.unit.unit != "年":
        return False
    return any(re.fullmatch(r"[12][0-9]{3}", n) for n in (c.group("num"), c.group("num2")) if n)


def is_date_fraction(r: Reading) -> bool:
    """3/4日, 于3/4, 12/25: a date written with a slash, not a share; a share is a proper fraction."""
    c = r.c
    if c.form != "fraction":
        return False
    if int(c.group("fnum")) >= int(c.group("fden")):
        return True
    return bool(starts_with_any(c.folded, r.end, words(r, "date_after")) or ends_with_any(c.folded, c.num_start, words(r, "date_before")))


def is_clock_minutes(r: Reading) -> bool:
    """8时30分, 6点15分: minutes of a clock time, not a score."""
    c = r.c
    if r.unit.surface != "分":
        return False
    start = skip_spaces_back(c.folded, c.num_start)
    word = ends_with_any(c.folded, start, words(r, "clock"))
    if word is None or start - len(word) <= 0:
        return False
    return c.folded[start - len(word) - 1] in "0123456789" + CN_NUMERAL


def _is_measured(r: Reading, lead_start: int) -> bool:
    """用了近两个月时间, 照顾老人近1年半。: a length of time, not the frame 近三年,全县…."""
    c = r.c
    if c.group("half"):
        return True
    if ends_with_any(c.folded, lead_start, words(r, "measured_before")):
        return True
    if starts_with_any(c.folded, r.end, words(r, "measured_after")):
        return True
    return bool(clause_before(c.folded, lead_start).strip()) and next_char(c, r.end) in CLAUSE_ENDS


def is_time_frame(r: Reading) -> bool:
    """两年来, 过去的一年, 去年一年, 近三年, 五天后: a duration that places events in time."""
    c = r.c
    if r.unit.kind != "duration":
        return False
    start = c.match.start()
    if ends_with_any(c.folded, start, words(r, "timeframe_before")):
        return True
    if starts_with_any(c.folded, r.end, words(r, "timeframe_after")):
        return True
    lead = ends_with_any(c.folded, start, words(r, "timeframe_unless_measured"))
    return lead is not None and not _is_measured(r, start - len(lead))


# --- a lone 一 -------------------------------------------------------------------------------------------


def _lone_one(c: Candidate) -> bool:
    return c.numeral == "一" and not (c.group("sep") or c.group("scale") or c.group("half"))


def _has_one_cue(r: Reading) -> bool:
    """每 earlier in the clause (每月召开一次, 每个支部确定一名)."""
    return any(cue in r.clause for cue in words(r, "one_cue"))


def _one_counts_by_cue(r: Reading) -> bool:
    """仅一家, 各一名; 从一家增加到10余家, 从原来的一个人拓展到13人: the context makes 一 a count."""
    c = r.c
    if ends_with_any(c.folded, c.num_start, words(r, "one_cue_before")):
        return True
    if not ends_with_any(c.folded, c.num_start, words(r, "one_change_from")):
        return False
    rest = clause_after(c.folded, r.end)
    return any(word in rest for word in words(r, "one_change_to"))


def is_distributive_one(r: Reading) -> bool:
    """每走访一户,都…; 每到一处,…; 每评上一颗“星”: "whenever", not a count."""
    c = r.c
    if not _lone_one(c):
        return False
    if not _has_one_cue(r):
        return False
    verb = ends_with_any(c.folded, c.num_start, words(r, "whenever_verb"))
    if verb and c.folded.endswith("每", 0, c.num_start - len(verb)):
        return True
    pos = r.end + 1 if next_char(c, r.end) in ",，" else r.end
    return starts_with_any(c.folded, pos, words(r, "whenever_after")) is not None


def is_rate_denominator(r: Reading) -> bool:
    """一亩地一年能收3000多斤, 一斤卖三块: 一 is what another number is per, not a count."""
    c = r.c
    if not _lone_one(c) or _one_counts_by_cue(r):
        return False
    if r.unit.kind in ("count", "people") and _has_one_cue(r):
        return False  # 每个村明确一名网格员负责…: counted by 每
    if starts_with_any(c.folded, r.end, words(r, "measured_after")):
        return False  # 利用一天时间完成3项
    return any(ch.isdigit() or ch in CN_DIGITS for ch in clause_after(c.folded, r.end))


def is_indefinite_one(r: Reading) -> bool:
    """一辆, 一幅, 一名“最美志愿者”: 一 with a measure word of things is an article. It counts after 每
    in its clause (每月召开一次, 每个支部确定一名), after 仅/各/至少 and the like, in a change (从一家
    增加到…), at the end of a clause (新建污水处理站一处。), and for durations (利用一天时间), unless it is
    part of a word (每一户, 统一, 之一)."""
    c = r.c
    if not _lone_one(c) or r.unit.kind not in ("count", "people", "duration"):
        return False  # 一吨, 一公里, 一元 are amounts: only measure words of things can be articles
    if ends_with_any(c.folded, c.num_start, words(r, "one_not_after")):
        return True
    if r.unit.kind == "duration" or _one_counts_by_cue(r):
        return False
    if r.clause.strip() and next_char(c, r.end) in CLAUSE_ENDS and not r.unit.verbal:
        return False  # 新建污水处理站一处。: the count of what the clause named (回来过一趟, is no count)
    return not _has_one_cue(r)


# --- figures of speech -----------------------------------------------------------------------------------


def is_reduplicated(r: Reading) -> bool:
    """一个个, 一件件, 一串串: rhetoric, not a count."""
    c = r.c
    return c.form == "quantity" and c.is_chinese and next_char(c, c.match.end("unit")) == r.unit.surface[-1]


def is_numeral_slogan(r: Reading) -> bool:
    """一人一档, 七个一, 两个一百年: a Chinese count followed straight by another numeral is a formula,
    unless that numeral starts a word of its own (四个一等奖, 三个一站式窗口) or goes on with a sum."""
    c = r.c
    if not c.is_chinese or c.form != "quantity" or next_char(c, c.match.end()) not in CN_NUMERAL:
        return False
    if r.unit.kind == "money":
        return False  # 五元三毛, 六十四万零一百四十三元一角: the next numeral goes on with the sum
    return starts_with_any(c.folded, c.match.end(), words(r, "numeral_word")) is None


def is_comparison(r: Reading) -> bool:
    """一天比一天高, 一年比一年好: a figure of speech on both sides of 比."""
    c = r.c
    if not c.is_chinese:
        return False
    written = c.folded[c.num_start : c.match.end()]
    return c.folded.startswith("比" + written, c.match.end()) or c.folded.endswith(written + "比", 0, c.num_start)


def is_bare_scale_name(r: Reading) -> bool:
    """百个, 千名, 近千万元, 近千亩, 超过千年 are amounts; 千家万户, 千年古镇, 万亩良田, （单位：万元） are not:
    a number of scale words alone needs a word that sizes it, except before people and things."""
    c, unit = r.c, r.unit
    numeral = c.numeral
    if c.form not in ("quantity", "implicit-money") or numeral[:1] not in CN_SCALES[1:]:
        return False
    if any(ch not in CN_SCALES for ch in numeral):
        return False
    sized = bool(c.group("scale") or c.group("after") or c.group("bafter"))
    sized = sized or prefix_qualifier(c.folded, c.num_start, r.rules)[0] is not None
    if unit.kind not in BARE_SCALE_KINDS or (unit.kind == "money" and len(numeral) == 1):
        return not sized
    return next_char(c, c.match.end()) in CN_NUMERAL


def is_discount_word(r: Reading) -> bool:
    """这一折腾, 三折叠: 折 begins another word, it is no discount."""
    return r.unit.discount and starts_with_any(r.c.folded, r.end, words(r, "discount_word_after")) is not None


def lacks_money_cue(r: Reading) -> bool:
    """全年接待游客5万多: a number with 万/亿 and no unit is money only after a money word (卖了十五六万,
    分红也有30多万), and only where no other noun follows it (20万收入 and 100多万增长到… are fine)."""
    c = r.c
    if c.form != "implicit-money":
        return False
    if not has_money_cue(c, r.rules):
        return True
    return next_char(c, r.end) not in CLAUSE_ENDS and starts_with_any(c.folded, r.end, words(r, "bare_money_after")) is None


# --- the value -------------------------------------------------------------------------------------------


def is_unreadable(r: Reading) -> bool:
    """一二三, 二〇二三, 3万-5个: no number, or a range of two different units."""
    return r.values is None


def is_backwards_range(r: Reading) -> bool:
    """5-3个, 七到十二折: a range must go up (and a discount stay under ten tenths)."""
    values = r.values
    if values is None or values.value is None or values.value_max is None:
        return False
    return values.value_max <= values.value or (r.unit.discount and values.value_max >= 100)


def is_fractional_count(r: Reading) -> bool:
    """2.2本计划: a section number, not two-point-two books."""
    values = r.values
    if values is None or values.value is None or r.unit.kind not in ("people", "count"):
        return False
    return values.value != values.value.to_integral_value()


def overlaps_previous(r: Reading) -> bool:
    """A qualifier in front may not reach back into the figure before it."""
    return r.start < r.scan.previous_end


CHECKS: tuple[Check, ...] = (
    Check("web-address", in_web_address),
    Check("exclusion-list", in_exclusion_list),
    Check("short-quote-name", in_short_quote),
    Check("ordinal", is_ordinal),
    Check("vague-amount", is_vague),
    Check("time-point", is_time_point),
    Check("arabic-only-unit", needs_arabic_digits),
    Check("share-counter", is_share_counter),
    Check("unit-not-alone", is_not_alone),
    Check("no-half", takes_no_half),
    Check("counted-noun-misfit", counted_noun_misfits),
    Check("n-da-misfit", n_da_misfits),
    Check("year", is_year),
    Check("date-fraction", is_date_fraction),
    Check("clock-minutes", is_clock_minutes),
    Check("reduplication", is_reduplicated),
    Check("numeral-slogan", is_numeral_slogan),
    Check("comparison", is_comparison),
    Check("bare-scale-name", is_bare_scale_name),
    Check("distributive-one", is_distributive_one),
    Check("rate-denominator", is_rate_denominator),
    Check("indefinite-one", is_indefinite_one),
    Check("time-frame", is_time_frame),
    Check("discount-word", is_discount_word),
    Check("no-money-cue", lacks_money_cue),
    Check("unreadable-number", is_unreadable),
    Check("backwards-range", is_backwards_range),
    Check("fractional-count", is_fractional_count),
    Check("overlaps-previous", overlaps_previous),
)


_IN_ORDER = tuple((check.name, check.drops) for check in CHECKS)


def failing_check(r: Reading) -> str | None:
    """The name of the first check that drops the reading, or None when it is a figure."""
    for name, drops in _IN_ORDER:
        if drops(r):
            return name
    return None

