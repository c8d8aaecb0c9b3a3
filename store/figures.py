"""Figures: every quantity in an article's text — a number with a unit or measure word, or a percentage.

``find_figures(text)`` returns ``Figure`` objects in text order, with ``text[start:end] == figure.text``.
It reads Arabic and Chinese numerals and their mixtures (``12.6万余人次``, ``一百二十八万``, ``四五万袋``),
ranges (``3至5个``), percentages (``73.39%``, ``百分之五十``, ``三成``, ``八五折``) and qualifiers
(``近``, ``多``, ``以上`` …).

``Figure.qualifier`` takes the values of article-json.md — 多 余 近 约 以上 超过 左右, or None — and one more:
``以下`` for an upper bound (不到1.9万, 不足5%, 小于40万元, 18岁以下, 5公里以内), which the shape has no
value for; 不少于/及以上 are 以上 as before. A space joins numerals only where both sides are clearly one
number (``1.7 万``, ``五十 万元``, ``一 百 五 十``), never two complete ones (``百分之五十 二十多万人``).

How it works, in order:
1. ``fold`` maps full-width and traditional forms to the plain forms the patterns use, one character for
   one character, so offsets in the folded text are offsets in the original text.
2. One precompiled pattern finds every *candidate*: a number (with an optional range, 多/余 and scale word)
   followed by a unit or counted noun from the data files, or a 百分之 percentage.
3. Each candidate goes through small named rules that drop what is not a quantity — dates, ordinals,
   names in short quotes, a lone 一 used as an article, idioms from ``figure_exclusions.txt`` and so on.
4. The survivors get their value, base unit, kind and qualifier.

Everything language-specific lives in ``store/data``: ``units.tsv``, ``counted_nouns.tsv``,
``qualifiers.tsv``, ``figure_context.tsv`` and ``figure_exclusions.txt``. Chinese numerals are read by
cn2an; only scale words, consecutive-digit ranges (四五万) and Arabic decimals are handled here.
"""

from __future__ import annotations

import csv
import re
from bisect import bisect_right
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from importlib.resources import files
from pathlib import Path

import cn2an
from platformdirs import user_config_dir

from five_star.store.model import Figure

# --- data ------------------------------------------------------------------------------------------------

CN_DIGITS = "零〇一二三四五六七八九两"
CN_SCALES = "十百千万亿"
CN_NUMERAL = CN_DIGITS + CN_SCALES
DIGIT_VALUE = {ch: i for i, ch in enumerate("〇一二三四五六七八九")} | {"零": 0, "两": 2}
SCALE_VALUE = {"十": 10, "百": 100, "千": 1000, "万": 10_000, "亿": 100_000_000}
# A number made of scale words alone counts things (百个, 千名, 万名, 近千万元) but, in front of
# other units, starts an idiom or an adjective (千年古镇, 万亩良田), so only these kinds accept it.
BARE_SCALE_KINDS = {"people", "count", "money"}
# A sum of money written as one scale word (万元) is an amount only after a word that sizes it (近万元).
BARE_MONEY_LEADS = set("近约逾超上")
# Kinds that can go below zero (负3.9%, 零下4摄氏度); a count or a sum of money written with a minus is
# more likely a dash or a range.
SIGNED_KINDS = {"percent", "other"}
# Commas and full stops that end the clause a lone 一 is judged in.
CLAUSE_BREAKS = "，。；！？、：,;!?:\n"
CLAUSE_MAX = 80
SHORT_QUOTE_MAX = 10
# Longer "numbers" are identifiers (订单号 A2021…, ID numbers), never quantities.
MAX_NUMERAL = 32
QUOTES = {"“": "”", "‘": "’", "「": "」", "『": "』", "《": "》", "〈": "〉", '"': '"'}


@dataclass(frozen=True)
class Unit:
    surface: str
    unit: str
    kind: str
    factor: Decimal
    arabic_only: bool = False
    takes_half: bool = False
    money_alone: bool = False
    discount: bool = False
    use: str = "unit"  # "unit" for measure words; "set" / "nda" / "scaled" for counted nouns


@dataclass(frozen=True)
class Rules:
    units: dict[str, Unit]
    before: dict[str, tuple[str, str]]  # surface -> (qualifier, characters it must not follow)
    inner: dict[str, str]
    after: dict[str, str]
    context: dict[str, tuple[str, ...]]  # role -> words, longest first
    scale_led: dict[str, tuple[str, ...]]  # scale word -> units written with it (千米, 百分点)
    timed_classifier: tuple[str, ...]  # 个月, 个小时 …: units of time led by 个
    before_words: tuple[str, ...]  # the ``before`` qualifiers, longest first (as all word tuples here)
    after_words: tuple[str, ...]
    unit_final: frozenset[str]  # last characters of units: a hyphen after one joins a range
    exclusions: re.Pattern
    pattern: re.Pattern
    fold: dict[int, str]


def _data_lines(name: str) -> list[list[str]]:
    """Rows of a tab-separated data file, without comments and blank lines."""
    text = (files("five_star.store") / "data" / name).read_text(encoding="utf-8")
    rows = []
    for line in text.splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        rows.append([cell.strip() for cell in line.split("\t")])
    return rows


def _load_units() -> dict[str, Unit]:
    units: dict[str, Unit] = {}
    for row in _data_lines("units.tsv"):
        surface, unit, kind, factor, *rest = row + [""]
        flags = set(filter(None, (rest[0] if rest else "").split(",")))
        units[surface] = Unit(
            surface,
            unit,
            kind,
            Decimal(factor),
            arabic_only="arabic" in flags,
            takes_half="half" in flags,
            money_alone="money_alone" in flags,
            discount="discount" in flags,
        )
    for noun, kind, use in _data_lines("counted_nouns.tsv"):
        # a measure word of the same spelling wins: it is the more general reading
        units.setdefault(noun, Unit(noun, noun, kind, Decimal(1), use=use))
    return units


def _load_qualifiers() -> tuple[dict, dict, dict]:
    before, inner, after = {}, {}, {}
    for row in _data_lines("qualifiers.tsv"):
        surface, qualifier, position, *rest = row
        if position == "before":
            before[surface] = (qualifier, rest[0] if rest else "")
        elif position == "inner":
            inner[surface] = qualifier
        else:
            after[surface] = qualifier
    return before, inner, after


def _load_context() -> dict[str, tuple[str, ...]]:
    roles: dict[str, list[str]] = {}
    for word, role in _data_lines("figure_context.tsv"):
        roles.setdefault(role, []).append(word)
    return {role: _longest_first(words) for role, words in roles.items()}


def user_exclusions_path() -> Path:
    """Where a user adds phrases of their own, in the same format as the bundled figure_exclusions.txt."""
    return Path(user_config_dir("five-star-tui")) / "figure_exclusions.txt"


def _phrases(text: str) -> set[str]:
    return {line.strip() for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")}


def _load_exclusions() -> set[str]:
    bundled = files("five_star.store") / "data" / "figure_exclusions.txt"
    phrases = _phrases(bundled.read_text(encoding="utf-8"))
    try:
        phrases |= _phrases(user_exclusions_path().read_text(encoding="utf-8", errors="replace"))
    except OSError:  # no file of one's own is the usual case
        pass
    return phrases


# How the gazetteer's committee names are written in news: 张千村民委员会 → 张千村.
_COMMITTEE = {"社区居民委员会": "社区", "村民委员会": "村", "居民委员会": "社区", "村委会": "村", "居委会": "社区"}
_COMMITTEE_END = re.compile("(" + "|".join(_COMMITTEE) + ")$")
_PLACE_SUFFIXES = ("村", "镇", "乡", "社区", "街道", "区", "县", "市")


def _gazetteer_look_alikes(pattern: re.Pattern) -> set[str]:
    """Henan place names that read like counts (三家店镇, 四棵树乡, 八十亩地村, 张千村), as written in news:
    the committee ending dropped, the 村/镇/乡 kept, so that 种了四棵树 still counts trees."""
    path = files("five_star.store") / "data" / "henan_divisions.csv"
    if not path.is_file():
        return set()
    names = set()
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            name = row.get("name") or ""
            if not any(ch in CN_NUMERAL for ch in name) or not pattern.search(name):
                continue
            name = _COMMITTEE_END.sub(lambda m: _COMMITTEE[m.group(1)], name)
            if name.endswith(_PLACE_SUFFIXES):
                names.add(name)
    return names


def _alternation(words, gap: str = "") -> str:
    """A regex alternation of ``words`` as a character trie, so the longest word wins and matching stays
    fast; ``gap`` is allowed between the characters of a word (OCR spaces: 个 百 分 点)."""
    trie: dict = {}
    for word in words:
        node = trie
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = {}

    def build(node: dict, lead: str = gap) -> str:
        ends = "" in node
        branches = [lead + re.escape(ch) + build(child) for ch, child in sorted(node.items()) if ch]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return "(?:" + body + ")?" if ends else body

    return build(trie, "")


# Where a space inside a numeral is an OCR split of one number, as (what ends before the space,
# what starts after it), both single characters (regex classes) so they fit fixed-width look-behinds.
# Anything else is two numbers: 百分之五十 二十多万人 is 50 % and 200,000 people, never 五十二.
_NUMERAL_GAPS = (
    (f"[{CN_DIGITS}]", f"[{CN_SCALES}]"),  # 一 百, 二 十多万: a digit takes its scale word
    ("[十百千]", "[万亿]"),  # 五十 万元, 两千 万: a larger scale word multiplies what came before
    ("万", "亿"),
    (f"[{CN_NUMERAL}]", "点"),  # 百分之一 点五
    ("点", f"[{CN_DIGITS}]"),  # 四点 五
    (r"[ \t]" + f"[{CN_SCALES}]", f"[{CN_DIGITS}]"),  # 一 百 五 十: spaced character by character
    ("[0-9]", "[百千万亿]"),  # 1 万(含)-5 万元, 1.7 万: Arabic digits and their scale word
)


def _compile(units: dict[str, Unit], inner: dict[str, str], after: dict[str, str]) -> re.Pattern:
    # Stray spaces and at most one line break, never a blank line; bounded so that runs of spaces
    # cannot make the matcher backtrack without end.
    ws = r"[ \t\r]{0,4}(?:\n[ \t\r]{0,4})?"
    # OCR spaces inside numerals (一 百 五 十, 1.7 万), one at a time and only where the two sides are
    # one number (see _NUMERAL_GAPS); a numeral never starts right after such a space, so a long spaced
    # run is read once, not once from every character.
    gap = r"[ \t]"
    bridged = "|".join(rf"(?<={before}){gap}(?={after})" for before, after in _NUMERAL_GAPS)
    continues = "|".join(rf"(?<={before}{gap}){after}" for before, after in _NUMERAL_GAPS)
    digit_start = rf"(?:[0-9]|(?<!{gap})[{CN_NUMERAL}]|(?!{continues})[{CN_NUMERAL}])"
    num = (
        rf"{digit_start}(?:[0-9{CN_NUMERAL}]"
        rf"|[.点](?=[0-9{CN_DIGITS}])|点(?={gap}[{CN_DIGITS}])"
        rf"|[,，](?=[0-9]{{3}}(?![0-9]))"
        rf"|{bridged})*"
    )
    # 四十九兆九千…: 兆 as a numeral (10^12 or 10^6 by region) is not read, nor the number after it
    not_inside = rf"(?<![0-9A-Za-z._%{CN_NUMERAL}几兆])"
    # 二十来|万人, 十多|万人: a scale word after "numeral + 多/余/来" is the tail of that number, whether or
    # not the number was read, never a number of its own
    not_a_tail = rf"(?<![0-9{CN_NUMERAL}][多余来])"
    sep = r"(?:至|到|~|-{1,2}|—{1,2}|–)"
    unit_re = _alternation(units, gap="[ \t]{0,4}")
    inner_re = _alternation(inner)
    after_re = _alternation(after)
    quantity = (
        rf"(?P<lost>[?\ufffd])?(?=[0-9{CN_NUMERAL}]){not_inside}{not_a_tail}(?P<num>{num})"
        # 1万(含)-5万元: tender and subsidy notices mark an inclusive bound
        rf"(?:(?:{ws}(?P<u1>{unit_re}))?(?:{ws}[(（]含[)）])?{ws}(?P<sep>{sep}){ws}(?P<num2>{num}))?"
        rf"(?:{ws}(?P<inner>{inner_re}))?"
        # a scale word of its own only after 多/余 (二十多万) or after an Arabic number and spaces or a
        # line break (1.7  万, 1.7\n万): otherwise the number has taken it already (letting both try every
        # split of 万万万… costs quadratic time), or it is the start of another number (三十 十人)
        rf"(?:(?:(?<=[多余])|(?<=[0-9])(?={ws}[百千万亿])){ws}(?<=[多余\s])(?P<scale>[{CN_SCALES}]+))?"
        rf"(?:{ws}(?P<inner2>{inner_re}))?"
        rf"{ws}(?P<da>大)?(?P<unit>{unit_re})"
        rf"(?P<half>半)?"
        rf"(?P<after>{after_re})?"
    )
    percent = (
        rf"(?=[百千万]){not_inside}(?P<pfx>[百千万])[ \t]*分[ \t]*之{ws}(?P<pnum>{num})"
        rf"(?:{ws}(?P<psep>{sep}){ws}(?:[百千万][ \t]*分[ \t]*之{ws})?(?P<pnum2>{num}))?"
        rf"(?P<pafter>{after_re})?"
    )
    return re.compile(f"{percent}|{quantity}")


def _longest_first(words) -> tuple[str, ...]:
    return tuple(sorted(words, key=len, reverse=True))


@lru_cache(maxsize=1)
def rules() -> Rules:
    """All data files, loaded and compiled once per process."""
    units = _load_units()
    before, inner, after = _load_qualifiers()
    context = _load_context()
    exclusions = _load_exclusions()
    pattern = _compile(units, inner, after)
    words = [*units, *before, *inner, *after, *exclusions, *(w for ws in context.values() for w in ws)]
    vocabulary = set(CN_NUMERAL + "点几".join(words))
    return Rules(
        units=units,
        before=before,
        inner=inner,
        after=after,
        context=context,
        scale_led={ch: _longest_first(u for u in units if u[0] == ch and len(u) > 1) for ch in CN_SCALES},
        timed_classifier=_longest_first(u for u in units if u[0] == "个" and units[u].kind == "duration"),
        before_words=_longest_first(before),
        after_words=_longest_first(after),
        unit_final=frozenset(surface[-1] for surface in units),
        exclusions=re.compile(_alternation(exclusions | _gazetteer_look_alikes(pattern))),
        pattern=pattern,
        fold=_fold_table(vocabulary),
    )


# --- folding ---------------------------------------------------------------------------------------------

_FULL_WIDTH = {code: chr(code - 0xFEE0) for code in range(0xFF01, 0xFF5F)}  # １２％．，
_SPACES_AND_DASHES = {0x3000: " ", 0xA0: " ", 0x2212: "-", 0xFE6A: "%"}


def _fold_table(vocabulary: set[str]) -> dict[int, str]:
    """Full-width ASCII to ASCII, and the traditional form of every character the data files use to
    its simplified form, where both are one character (萬→万, 個→个, 兩→两). The pipeline already
    converts to simplified; this keeps ``find_figures`` right on text that did not go through it."""
    from opencc import OpenCC

    to_traditional = OpenCC("s2t")
    table = dict(_FULL_WIDTH) | _SPACES_AND_DASHES
    for ch in vocabulary:
        traditional = to_traditional.convert(ch)
        if len(traditional) == 1 and traditional != ch:
            table[ord(traditional)] = ch
    return table


def fold(text: str) -> str:
    """Plain forms for matching; always the same length as ``text``."""
    return text.translate(rules().fold)


# --- numbers ---------------------------------------------------------------------------------------------

_SPACES = re.compile(r"\s+")
URL = re.compile(r"(?:https?://|www\.)[^\s，。；！？、“”（）《》<>]+", re.IGNORECASE)
_ARABIC = re.compile(r"([0-9]+(?:[,，][0-9]{3})*(?:\.[0-9]+)?)([十百千万亿]*)")


def scale_of(scales: str) -> Decimal:
    """10000 for 万, 1e12 for 万亿: scale words multiply."""
    value = Decimal(1)
    for ch in scales:
        value *= SCALE_VALUE[ch]
    return value


def _cn2an(numeral: str) -> Decimal | None:
    """cn2an's reading of a Chinese or mixed numeral, or None when it is not a well-formed number."""
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
    if numeral[0] in CN_SCALES and numeral[0] != "十":
        numeral = "一" + numeral  # 百余, 千万 read as 一百, 一千万
    return _cn2an(numeral)


def _has_adjacent_digits(numeral: str) -> bool:
    return any(numeral[i] in DIGIT_VALUE and numeral[i + 1] in DIGIT_VALUE for i in range(len(numeral) - 1))


def parse_numeral(numeral: str) -> tuple[Decimal, Decimal | None] | None:
    """(value, value_max) of a numeral that may be a consecutive-digit range (四五万), or None."""
    numeral = _SPACES.sub("", numeral)
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
    """The trailing 万/亿 run: 一百五十万 → 万, 九千亿 → 亿."""
    match = re.search(r"[万亿]+$", numeral)
    return match.group(0) if match else ""


def range_low(first: str, second: str) -> str:
    """Give the first number of a range the scale the second one carries: 3至5万 → 3万, 十八至三十万 → 十八万."""
    if any(ch in CN_SCALES for ch in first):
        if not any(ch in "万亿" for ch in first):
            return first + big_scale(second)
        return first
    return first + trailing_scale(second)


def discount_tenths(numeral: str) -> tuple[Decimal, None] | None:
    """八折 → 8, 八五折 and 85折 → 8.5, 9.9折 → 9.9: a price in tenths of the full price, where two digits
    in a row are one number, not a range; ten tenths or more (十折) is no discount."""
    numeral = _SPACES.sub("", numeral)
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
            inner = _SPACES.sub("", text[pos + 1 : end])  # hard-wrapped lines may split a name
            if len(inner) <= SHORT_QUOTE_MAX and not any(ch in inner for ch in "。！？；，"):
                spans.append((pos, end + 1))
            pos = text.find(open_, end + 1)
    return spans


class SpanSet:
    """Positions covered by any of some spans; membership by bisection, as texts may hold thousands."""

    def __init__(self, spans: list[tuple[int, int]]):
        merged: list[list[int]] = []
        for start, end in sorted(spans):
            if merged and start <= merged[-1][1]:
                merged[-1][1] = max(merged[-1][1], end)
            else:
                merged.append([start, end])
        self.starts = [start for start, _ in merged]
        self.ends = [end for _, end in merged]

    def __contains__(self, pos: int) -> bool:
        i = bisect_right(self.starts, pos) - 1
        return i >= 0 and pos < self.ends[i]


class Candidate:
    """One pattern match, with the folded text it came from; the parts the rules ask for, read once."""

    __slots__ = (
        "match", "folded", "groups", "is_percent", "num_start", "numeral", "unit_surface", "is_chinese"
    )

    def __init__(self, match: re.Match, folded: str):
        self.match = match
        self.folded = folded
        self.groups = match.groupdict("")
        self.is_percent = bool(self.groups["pfx"])
        # where the number begins: 百分之 counts as part of it
        self.num_start = match.start("pfx") if self.is_percent else match.start("num")
        self.numeral = self.groups["pnum"] if self.is_percent else self.groups["num"]
        self.unit_surface = _SPACES.sub("", self.groups["unit"])
        self.is_chinese = not any(ch in "0123456789" for ch in self.numeral)

    def group(self, name: str) -> str:
        return self.groups[name]


def is_ordinal(c: Candidate, rules: Rules) -> bool:
    """第一, 第 61 个, 第四期."""
    start = skip_spaces_back(c.folded, c.num_start)
    return ends_with_any(c.folded, start, rules.context.get("ordinal", ())) is not None


def is_vague(c: Candidate, rules: Rules) -> bool:
    """数十名, 上万人, 成千: a scale word with no digit before it, led by 数/上/成."""
    if c.numeral[:1] not in CN_SCALES:
        return False
    return ends_with_any(c.folded, c.num_start, rules.context.get("vague", ())) is not None


def is_year(c: Candidate, unit: Unit) -> bool:
    """2023年, 2021-2023年: a four-digit number of 年 is a date, whatever follows."""
    if unit.unit != "年":
        return False
    return any(re.fullmatch(r"[12][0-9]{3}", n) for n in (c.group("num"), c.group("num2")) if n)


def is_clock_minutes(c: Candidate, unit: Unit, rules: Rules) -> bool:
    """8时30分, 6点15分: minutes of a clock time, not a score."""
    if unit.surface != "分":
        return False
    start = skip_spaces_back(c.folded, c.num_start)
    word = ends_with_any(c.folded, start, rules.context.get("clock", ()))
    if word is None or start - len(word) <= 0:
        return False
    return c.folded[start - len(word) - 1] in "0123456789" + CN_NUMERAL


def is_time_frame(c: Candidate, unit: Unit, rules: Rules, end: int) -> bool:
    """两年来, 过去的一年, 近三年, 五天后: a duration that places events in time rather than measuring."""
    if unit.kind != "duration":
        return False
    if ends_with_any(c.folded, c.match.start(), rules.context.get("timeframe_before", ())):
        return True
    return starts_with_any(c.folded, end, rules.context.get("timeframe_after", ())) is not None


def is_discount_word(c: Candidate, unit: Unit, rules: Rules, end: int) -> bool:
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


def is_indefinite_one(c: Candidate, unit: Unit, rules: Rules) -> bool:
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


# --- candidates to figures -------------------------------------------------------------------------------


def _prefix_qualifier(folded: str, start: int, rules: Rules) -> tuple[str | None, int]:
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


def _sign(folded: str, start: int, rules: Rules) -> tuple[int, int]:
    """-1 and the new start for 负3.9%, 零下4摄氏度, 增长-2.1%; a hyphen after a number or a unit
    (2.5亿年-6500万年, 3-5) joins a range instead."""
    word = ends_with_any(folded, start, rules.context.get("negative", ()))
    if word is None:
        return 1, start
    begin = start - len(word)
    if word == "-" and begin > 0:
        before = folded[begin - 1]
        if before.isascii() and before.isalnum() or before in CN_NUMERAL or before in rules.unit_final:
            return 1, start
    return -1, begin


def _quantity_value(c: Candidate, unit: Unit, first: str) -> tuple[Decimal, Decimal | None] | None:
    """(value, value_max) in the base unit, scale words and the unit's factor applied."""
    second = c.group("num2")
    if second:
        if c.group("u1") and _SPACES.sub("", c.group("u1")) != c.unit_surface:
            return None
        low = parse_numeral(range_low(_SPACES.sub("", first), _SPACES.sub("", second)))
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
    factor = scale_of(_SPACES.sub("", c.group("scale"))) * unit.factor
    if c.group("half"):
        value += Decimal("0.5")
    value *= factor
    if value_max is not None:
        value_max *= factor
    return value, value_max


def _scale_led_unit(c: Candidate, rules: Rules) -> Unit | None:
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


def _time_after_classifier(c: Candidate, rules: Rules) -> tuple[Unit, str, int] | None:
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


def _unit_and_end(c: Candidate, rules: Rules) -> tuple[Unit, str | None, int]:
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


def _not_a_quantity(c: Candidate, unit: Unit, rules: Rules, end: int) -> bool:
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


def _quantity(c: Candidate, rules: Rules, text: str) -> Figure | None:
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


def _percent(c: Candidate, rules: Rules, text: str) -> Figure | None:
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


def _interpret(c: Candidate, rules: Rules, text: str) -> Figure | None:
    if is_ordinal(c, rules) or is_vague(c, rules):
        return None
    if c.is_percent:
        return _percent(c, rules, text)
    return _quantity(c, rules, text)


def _excluded_spans(folded: str, rules: Rules) -> list[tuple[int, int]]:
    """Phrases from figure_exclusions.txt, and web addresses (their %28 and 2020% are escapes)."""
    return [m.span() for m in URL.finditer(folded)] + [m.span() for m in rules.exclusions.finditer(folded)]


def find_figures(text: str) -> list[Figure]:
    """Every figure in ``text``, in order, never overlapping; ``text[f.start:f.end] == f.text``."""
    if not isinstance(text, str) or not text:
        return []
    r = rules()
    folded = text.translate(r.fold)
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


def _figure_at(match, folded, text, r: Rules, excluded, quoted) -> tuple[Figure | None, int]:
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


def _accepted(c: Candidate, r: Rules, text: str, excluded, quoted) -> Figure | None:
    if c.num_start in excluded or c.num_start in quoted:
        return None
    return _interpret(c, r, text)
