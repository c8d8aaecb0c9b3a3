"""A candidate read: its unit, where it ends, its value and qualifier — what the checks judge and what
becomes a ``Figure``. The value is read only when a check or the figure asks for it."""

from __future__ import annotations

from decimal import Decimal
from typing import NamedTuple

from five_star.store.extraction.figures.context import (
    Candidate,
    SpanSet,
    clause_before,
    ends_with_any,
    next_char,
    starts_with_any,
)
from five_star.store.extraction.figures.numerals import (
    SPACES,
    as_number,
    discount_tenths,
    parse_number,
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
)
from five_star.store.model import Figure

# What may follow an amount that closes its clause: a break, the end, a closing quote or bracket.
CLAUSE_ENDS = CLAUSE_BREAKS + "\0”’」』)）"
_PERCENT_FACTORS = {"百": Decimal(1), "千": Decimal("0.1"), "万": Decimal("0.01")}
_CENT = Decimal("0.01")


class Scan:
    """One text being scanned: the spans some checks look up, and where the last figure ended."""

    __slots__ = ("excluded", "folded", "previous_end", "quoted", "rules", "text", "web")

    def __init__(self, text: str, folded: str, rules: FigureRules, web: SpanSet, excluded: SpanSet, quoted: SpanSet):
        self.text, self.folded, self.rules = text, folded, rules
        self.web, self.excluded, self.quoted = web, excluded, quoted
        self.previous_end = 0


class Values(NamedTuple):
    value: Decimal | None  # None only for a lost leading digit (?0余万元)
    value_max: Decimal | None
    end: int  # a percentage running into the next word ends earlier (百分之七十百分位)


def has_money_cue(c: Candidate, rules: FigureRules) -> bool:
    """A money verb or noun earlier in the clause (卖了, 分红, 固定资产): an amount without a unit is money."""
    clause = clause_before(c.folded, c.num_start)
    return any(cue in clause for cue in rules.context["money_cue"])


def _sold(c: Candidate, rules: FigureRules) -> bool:
    """卖了三五百块, 三五百块 on its own: money; 制作宣传展板40余块: the noun before it is what 块 counts."""
    return not clause_before(c.folded, c.num_start).strip() or has_money_cue(c, rules)


def prefix_qualifier(folded: str, start: int, rules: FigureRules) -> tuple[str | None, int]:
    """A qualifier written before the number (近10万人次, 不少于1次) and where the figure then starts."""
    for length in rules.before_words.lengths:
        begin = start - length
        surface = folded[begin:start]
        if begin < 0 or surface not in rules.before:
            continue
        qualifier, not_after = rules.before[surface]
        if begin > 0 and folded[begin - 1] in not_after:
            continue
        return qualifier, begin
    return None, start


def _sign(folded: str, start: int, rules: FigureRules) -> tuple[int, int]:
    """-1 and the new start for 负3.9%, 零下4摄氏度, 增长-2.1%; a hyphen after a number or a unit
    (2.5亿年-6500万年, 3-5) joins a range instead."""
    word = ends_with_any(folded, start, rules.context["negative"])
    if word is None:
        return 1, start
    begin = start - len(word)
    if word == "-" and begin > 0:
        before = folded[begin - 1]
        if (before.isascii() and before.isalnum()) or before in CN_NUMERAL or before in rules.unit_final:
            return 1, start
    return -1, begin


def scale_led_unit(c: Candidate, rules: FigureRules) -> Unit | None:
    """12千米, 2.3千克, 3百分点: the number's last scale word begins a unit of its own."""
    numeral = c.group("num")
    if c.form != "quantity" or len(numeral) < 2 or numeral[-1] not in CN_SCALES:
        return None
    if c.group("scale") or c.group("num2") or c.group("inner") or c.group("da"):
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


def _quantity_unit(c: Candidate, rules: FigureRules) -> tuple[Unit, str | None, int, bool]:
    """The unit, a qualifier written after it (以上, 左右, 两年多), where the figure ends, and whether the
    number's last scale word was the start of the unit (12千米)."""
    split = _time_after_classifier(c, rules)
    if split is not None:
        return *split, False
    unit = scale_led_unit(c, rules)
    led = unit is not None
    if unit is None:
        unit = rules.units[c.unit_surface]
        end = c.match.end()
        suffix = c.group("after")
    else:
        end = c.match.start("unit") + len(unit.surface) - 1
        suffix = starts_with_any(c.folded, end, rules.after_words) or ""
        end += len(suffix)
    qualifier = rules.after.get(suffix) if suffix else None
    frame_word = starts_with_any(c.folded, end, rules.context["timeframe_after"])  # 两年来, 两年多来
    if unit.kind == "duration" and not suffix and next_char(c, end) in rules.inner and not frame_word:
        qualifier = rules.inner[c.folded[end]]  # 两年多, 一个小时多
        end += 1
    if unit.money_alone and next_char(c, end) in CLAUSE_ENDS and _sold(c, rules):
        unit = rules.units["元"]  # 一斤卖三块。: with no noun after it, 块 is money (展板40余块 counts)
    return unit, qualifier, end, led


class Reading:
    """A candidate with its unit read; the value, start and figure are worked out when first asked for."""

    __slots__ = ("_clause", "_start", "_values", "c", "end", "led", "qualifier_after", "rules", "scan", "unit")

    def __init__(self, c: Candidate, scan: Scan):
        self.c, self.scan, self.rules = c, scan, scan.rules
        self.led = False
        self._values: Values | bool | None = False  # False: not read yet
        self._start: tuple[int, int, str | None] | None = None
        self._clause: str | None = None
        units = self.rules.units
        if c.form == "quantity":
            self.unit, self.qualifier_after, self.end, self.led = _quantity_unit(c, self.rules)
            return
        self.end = c.match.end()
        suffix = {"percent": "pafter", "fraction": "fafter", "implicit-money": "bafter"}.get(c.form)
        self.qualifier_after = self.rules.after.get(c.group(suffix)) if suffix and c.group(suffix) else None
        if c.form == "currency-symbol":
            self.unit = self.rules.symbols[c.group("sym")]
        elif c.form == "implicit-money":
            self.unit = units["元"]
        else:
            self.unit = units["%"]

    @property
    def clause(self) -> str:
        """The clause up to the number (see ``clause_before``)."""
        if self._clause is None:
            self._clause = clause_before(self.c.folded, self.c.num_start)
        return self._clause

    @property
    def values(self) -> Values | None:
        """The value and range in the base unit, or None when the number cannot be read."""
        if self._values is False:
            self._values = _read_values(self)
        return self._values  # type: ignore[return-value]

    @property
    def lost_digit(self) -> bool:
        """?0余万元: a ? or U+FFFD where the leading digit was destroyed — a number never starts with 0."""
        num = self.c.group("num")
        return self.c.form == "quantity" and bool(self.c.group("lost")) and num.startswith("0") and not num.startswith("0.")

    def start_and_qualifier(self) -> tuple[int, int, str | None]:
        """(sign, start, qualifier written before) — the figure starts at a sign or a qualifier word."""
        if self._start is None:
            self._start = self._read_start()
        return self._start

    def _read_start(self) -> tuple[int, int, str | None]:
        c, values = self.c, self.values
        start = c.match.start("lost") if self.lost_digit else c.num_start
        sign = 1
        signed = self.unit.kind in SIGNED_KINDS and c.form in ("quantity", "percent")
        if signed and values is not None and values.value is not None and values.value_max is None:
            sign, start = _sign(c.folded, start, self.rules)
        prefix, start = prefix_qualifier(c.folded, start, self.rules)
        return sign, start, prefix

    @property
    def start(self) -> int:
        return self.start_and_qualifier()[1]

    def figure(self) -> Figure:
        """The figure, once every check has passed (so the value is readable)."""
        values = self.values
        assert values is not None
        sign, start, prefix = self.start_and_qualifier()
        c = self.c
        inner = c.group("inner") or c.group("inner2")
        # 多/余 inside the figure says most; then a qualifier in front; then one behind
        after = self.qualifier_after if values.end == self.end else None  # cut short: its suffix is gone
        qualifier = (self.rules.inner.get(inner) if inner else None) or prefix or after
        value = None if values.value is None else as_number(sign * values.value)
        return Figure(
            text=self.scan.text[start : values.end],
            value=value,
            unit=self.unit.unit,
            qualifier=qualifier,
            kind=self.unit.kind,
            start=start,
            end=values.end,
            value_max=None if values.value_max is None else as_number(values.value_max),
        )


def _read_values(r: Reading) -> Values | None:
    c = r.c
    if c.form == "percent":
        return _percent_values(r)
    if c.form == "fraction":
        numerator, denominator = Decimal(c.group("fnum")), Decimal(c.group("fden"))
        if not denominator:
            return None
        return Values((numerator * 100 / denominator).quantize(_CENT), None, r.end)
    if c.form == "currency-symbol":
        value = parse_number(c.group("snum").replace(",", ""))
        return None if value is None else Values(value * scale_of(c.group("sscale")), None, r.end)
    if r.lost_digit:
        return Values(None, None, r.end)
    numeral = c.group("num")[:-1] if r.led else c.group("num")
    pair = _quantity_value(c, r.unit, numeral)
    return None if pair is None else Values(*pair, r.end)


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


def _longest_numeral_prefix(numeral: str, start: int) -> tuple[tuple | None, int]:
    """百分之七十百分位: the number runs into the next word; keep its longest readable beginning."""
    for length in range(len(numeral) - 1, 0, -1):
        parsed = parse_numeral(numeral[:length])
        if parsed is not None:
            return parsed, start + len(numeral[:length].rstrip())
    return None, start


def _power_of_ten(value: Decimal) -> bool:
    digits = f"{value:f}"
    return digits.startswith("1") and set(digits[1:]) <= {"0"}


def _percent_values(r: Reading) -> Values | None:
    """百分之五十, 千分之2.4, 百分之五到百分之十 in %; 三分之一 as 33.33 %."""
    c = r.c
    denominator = SPACES.sub("", c.group("pfx"))
    factor = _PERCENT_FACTORS.get(denominator)
    exact = factor is not None
    if factor is None:
        parsed_denominator = parse_number(denominator)
        if not parsed_denominator:
            return None
        factor = Decimal(100) / parsed_denominator
        exact = _power_of_ten(parsed_denominator)  # 百万分之五 is exact; 三分之一 is rounded to 33.33
    end = c.match.end()
    low = parse_numeral(c.group("pnum"))
    if low is None and not c.group("pnum2"):
        low, end = _longest_numeral_prefix(c.group("pnum"), c.match.start("pnum"))
    if low is None:
        return None
    value, value_max = low
    if c.group("pnum2"):
        high = parse_numeral(c.group("pnum2"))
        if high is None or value_max is not None or high[1] is not None:
            return None
        value_max = high[0]

    def share(amount: Decimal) -> Decimal:
        return amount * factor if exact else (amount * factor).quantize(_CENT)

    return Values(share(value), None if value_max is None else share(value_max), end)
