"""Reading numerals: Arabic, Chinese, mixed, scale words, consecutive-digit ranges, discounts."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from functools import lru_cache

from five_star.store.extraction.figures.rules import (
    CN_SCALES,
    DIGIT_VALUE,
    MAX_NUMERAL,
    SCALE_VALUE,
)

# --- numbers ---------------------------------------------------------------------------------------------

SPACES = re.compile(r"\s+")
URL = re.compile(r"(?:https?://|www\.)[^\s，。；！？、“”（）《》<>]+", re.IGNORECASE)
_ARABIC = re.compile(r"([0-9]+(?:[,，][0-9]{3})*(?:\.[0-9]+)?)([十百千万亿兆]*)")


def scale_of(scales: str) -> Decimal:
    """10000 for 万, 1e12 for 万亿: scale words multiply."""
    value = Decimal(1)
    for ch in scales:
        value *= SCALE_VALUE[ch]
    return value


def cn2an_value(numeral: str) -> Decimal | None:
    """cn2an's reading of a Chinese or mixed numeral, or None when it is not a well-formed number."""
    import cn2an  # lazy for start-up time (~0.12 s): the app imports the search and pipeline modules at launch

    try:
        result = cn2an.cn2an(numeral, "smart")
    except Exception:  # cn2an signals malformed input with assorted exceptions; none of them is ours
        return None
    try:
        return Decimal(str(result))
    except (InvalidOperation, ValueError):
        return None


def _consecutive_range(numeral: str) -> tuple[str, str] | None:
    """四五万 → (四万, 五万), 二三十 → (二十, 三十), 十二三 → (十二, 十三): two adjacent digits, one apart."""
    pairs = [
        i
        for i in range(len(numeral) - 1)
        if numeral[i] in DIGIT_VALUE and numeral[i + 1] in DIGIT_VALUE
    ]
    if len(pairs) != 1:
        return None
    i = pairs[0]
    low, high = DIGIT_VALUE[numeral[i]], DIGIT_VALUE[numeral[i + 1]]
    if not (high == low + 1 or (low, high) == (3, 5)) or low == 0:
        return None
    return numeral[: i + 1] + numeral[i + 2 :], numeral[:i] + numeral[i + 1 :]


@lru_cache(maxsize=4096)
def parse_number(numeral: str) -> Decimal | None:
    """The value of one folded numeral without spaces (``12.6万``, ``一百二十八万``, ``2,954``), or None."""
    if not numeral or all(ch in "零〇" for ch in numeral):
        return None  # 零件, 零距离: a zero alone is a word, not a count
    if len(numeral) > MAX_NUMERAL:
        return None  # an order number or a code; also keeps values printable and Decimal in range
    arabic = _ARABIC.fullmatch(numeral)
    if arabic:
        digits = arabic.group(1).replace(",", "").replace("，", "")
        return Decimal(digits) * scale_of(arabic.group(2))
    if _has_adjacent_digits(numeral.split("点")[0]):
        return None  # 一二三, 二〇二三: lists, codes and years, not amounts (digits after 点 are decimals)
    if numeral[0] == "兆":
        return None  # 预兆, 好兆头: 兆 opens no number
    if numeral[0] in CN_SCALES and numeral[0] != "十":
        numeral = "一" + numeral  # 百余, 千万 read as 一百, 一千万
    if "兆" in numeral:
        return _with_zhao(numeral)
    return cn2an_value(numeral)


def _with_zhao(numeral: str) -> Decimal | None:
    """四十九兆九千五百九十二亿 → 49 × 10^12 + 9592 × 10^8; cn2an does not know 兆."""
    high, _, low = numeral.partition("兆")
    high_value = parse_number(high)
    low_value = parse_number(low.lstrip("零")) if low.lstrip("零") else Decimal(0)
    if high_value is None or low_value is None or low_value >= SCALE_VALUE["兆"]:
        return None
    return high_value * SCALE_VALUE["兆"] + low_value


def _has_adjacent_digits(numeral: str) -> bool:
    """一二三, 二〇二三; not 一百零五, where 零 only holds an empty place."""
    return any(
        numeral[i] in DIGIT_VALUE and numeral[i] != "零" and numeral[i + 1] in DIGIT_VALUE for i in range(len(numeral) - 1)
    )


def parse_numeral(numeral: str) -> tuple[Decimal, Decimal | None] | None:
    """(value, value_max) of a numeral that may be a consecutive-digit range (四五万), or None."""
    numeral = SPACES.sub("", numeral)
    span = _consecutive_range(numeral)
    if span:
        low, high = parse_number(span[0]), parse_number(span[1])
        return (low, high) if low is not None and high is not None else None
    value = parse_number(numeral)
    return (value, None) if value is not None else None


def trailing_scale(numeral: str) -> str:
    """The scale words after the last digit: 三万 → 万, 九百亿 → 百亿, 一百五十万 → 十万."""
    match = re.search(rf"[{CN_SCALES}]+$", numeral)
    return match.group(0) if match else ""


def big_scale(numeral: str) -> str:
    """The trailing 万/亿/兆 run: 一百五十万 → 万, 九千亿 → 亿."""
    match = re.search(r"[万亿兆]+$", numeral)
    return match.group(0) if match else ""


def range_low(first: str, second: str) -> str:
    """Give the first number of a range the scale the second one carries: 3至5万 → 3万, 十八至三十万 → 十八万."""
    if any(ch in CN_SCALES for ch in first):
        if not any(ch in "万亿兆" for ch in first):
            return first + big_scale(second)
        return first
    return first + trailing_scale(second)


def discount_tenths(numeral: str) -> tuple[Decimal, None] | None:
    """八折 → 8, 八五折 and 85折 → 8.5, 9.9折 → 9.9: a price in tenths of the full price, where two digits
    in a row are one number, not a range; ten tenths or more (十折) is no discount."""
    numeral = SPACES.sub("", numeral)
    if len(numeral) == 2 and all(ch in DIGIT_VALUE or "0" <= ch <= "9" for ch in numeral):
        tens, units = (int(ch) if "0" <= ch <= "9" else DIGIT_VALUE[ch] for ch in numeral)
        return (Decimal(tens) + Decimal(units) / 10, None) if tens else None
    value = parse_number(numeral)
    return (value, None) if value is not None and 0 < value < 10 else None


def as_number(value: Decimal) -> int | float:
    """JSON-friendly: 52300 rather than 52300.00, 73.39 as a float."""
    if value == value.to_integral_value():
        return int(value)
    return float(value)
