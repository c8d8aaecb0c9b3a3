"""The figure rules: units, qualifiers, context words and exclusions from the data files, compiled once.

Each table is checked as it is read: a row with an unknown kind, flag, position or role, or a factor
that is not a number, stops the run with the file and line, rather than silently never matching.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from contextlib import suppress
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path

from five_star.store.extraction.gazetteer import village_short_name
from five_star.store.locations import config_dir
from five_star.store.model import FIGURE_KINDS
from five_star.store.resources import Row, derived, divisions, table, user_words, word_list

# --- data ------------------------------------------------------------------------------------------------

CN_DIGITS = "零〇一二三四五六七八九两"
CN_SCALES = "十百千万亿兆"
CN_NUMERAL = CN_DIGITS + CN_SCALES
DIGIT_VALUE = {ch: i for i, ch in enumerate("〇一二三四五六七八九")} | {"零": 0, "两": 2}
# 兆 as a numeral is 10^12 (万亿): see the package docstring for why not 10^6.
SCALE_VALUE = {"十": 10, "百": 100, "千": 1000, "万": 10_000, "亿": 100_000_000, "兆": 10**12}
# Financial (大写) numerals read as the everyday ones, one character for one (叁拾万 = 三十万). 萬 and 億
# are folded with the other traditional forms.
FINANCIAL_NUMERALS = {
    "壹": "一", "贰": "二", "貳": "二", "叁": "三", "肆": "四", "伍": "五", "陆": "六", "陸": "六",
    "柒": "七", "捌": "八", "玖": "九", "拾": "十", "佰": "百", "仟": "千",
}
# A number made of scale words alone counts things (百个, 千名, 万名, 近千万元) but, in front of
# other units, starts an idiom or an adjective (千年古镇, 万亩良田), so only these kinds accept it
# without a word in front that sizes it (近千亩, 超过千年, 逾万亩: see ``is_bare_scale_name``).
BARE_SCALE_KINDS = {"people", "count", "money"}
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
# A Chinese character: what must not follow a unit flagged ``alone``; what a modifier inside an N大
# form is made of.
HAN = "\u4e00-\u9fff"


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
    symbol: bool = False
    alone: bool = False
    verbal: bool = False
    use: str = "unit"  # "unit" for measure words; "set" / "nda" / "scaled" for counted nouns

    @property
    def minor(self) -> bool:
        """毛, 角, 美分: a fraction of a currency's unit, which joins an amount written just before it."""
        return self.kind == "money" and self.factor < 1

    @property
    def head(self) -> bool:
        """Whether the noun can head an N大 form (五大片区, 六大惠民工程)."""
        return self.use in ("set", "nda")


@dataclass(frozen=True)
class FigureRules:
    units: dict[str, Unit]
    before: dict[str, tuple[str, str]]  # surface -> (qualifier, characters it must not follow)
    inner: dict[str, str]
    after: dict[str, str]
    context: dict[str, Words]  # role -> words, longest first
    symbols: dict[str, Unit]  # currency symbols written before the number ($, ￥)
    scale_led: dict[str, Words]  # scale word -> units written with it (千米, 百分点)
    timed_classifier: Words  # 个月, 个小时 …: units of time led by 个
    before_words: Words  # the ``before`` qualifiers
    after_words: Words
    unit_final: frozenset[str]  # last characters of units: a hyphen after one joins a range
    exclusions: re.Pattern[str]
    pattern: re.Pattern[str]
    plain_table: dict[int, str]  # for ``str.translate``: see ``plain_forms``


# What each column may hold; anything else is a typo that would otherwise never match.
_KINDS = (*FIGURE_KINDS, "none")
_UNIT_FLAGS = ("arabic", "half", "money_alone", "discount", "symbol", "alone", "verbal")
_COUNTED_USES = ("set", "nda", "scaled")
_POSITIONS = ("before", "inner", "after")
_QUALIFIERS = ("多", "余", "近", "约", "以上", "超过", "左右", "以下")
_CONTEXT_ROLES = (
    "ordinal", "vague", "clock", "negative", "timeframe_before", "timeframe_after", "discount_word_after",
    "one_cue", "one_cue_before", "one_not_after", "timeframe_unless_measured", "measured_before",
    "measured_after", "one_change_from", "one_change_to", "whenever_after", "numeral_word", "money_cue",
    "bare_money_after", "date_after", "date_before", "whenever_verb",
)


def _checked(row: Row, index: int, what: str, allowed: Iterable[str]) -> str:
    value = row[index]
    if value not in allowed:
        raise row.fault(f"unknown {what} “{value}” (expected one of {', '.join(allowed)})")
    return value


def _factor(row: Row) -> Decimal:
    try:
        factor = Decimal(row[3])
    except InvalidOperation:
        factor = Decimal("NaN")
    if not factor.is_finite():
        raise row.fault(f"the factor “{row[3]}” is not a number")
    return factor


@derived
def unit_table() -> dict[str, Unit]:
    """Measure words (``units.tsv``) and counted nouns (``counted_nouns.tsv``) by written form.

    Search reads the stored unit of a written one here too (``unit:万元`` is 元), so both agree.
    """
    units: dict[str, Unit] = {}
    for row in table("units.tsv", 4, 5):
        flags = {flag.strip() for flag in row.cell(4).split(",") if flag.strip()}
        unknown = sorted(flags - set(_UNIT_FLAGS))
        if unknown:
            raise row.fault(f"unknown flag “{unknown[0]}” (expected one of {', '.join(_UNIT_FLAGS)})")
        units[row[0]] = Unit(
            row[0],
            row[1],
            _checked(row, 2, "kind", _KINDS),
            _factor(row),
            arabic_only="arabic" in flags,
            takes_half="half" in flags,
            money_alone="money_alone" in flags,
            discount="discount" in flags,
            symbol="symbol" in flags,
            alone="alone" in flags,
            verbal="verbal" in flags,
        )
    for row in table("counted_nouns.tsv", 3, 3):
        noun, kind, use = row[0], _checked(row, 1, "kind", _KINDS), _checked(row, 2, "use", _COUNTED_USES)
        # a measure word of the same spelling wins: it is the more general reading
        units.setdefault(noun, Unit(noun, noun, kind, Decimal(1), use=use))
    return units


def _load_qualifiers() -> tuple[dict[str, tuple[str, str]], dict[str, str], dict[str, str]]:
    before: dict[str, tuple[str, str]] = {}
    inner: dict[str, str] = {}
    after: dict[str, str] = {}
    for row in table("qualifiers.tsv", 3, 4):
        surface, qualifier = row[0], _checked(row, 1, "qualifier", _QUALIFIERS)
        position = _checked(row, 2, "position", _POSITIONS)
        if position == "before":
            before[surface] = (qualifier, row.cell(3))
        elif position == "inner":
            if len(surface) != 1:
                raise row.fault(f"an inner qualifier is one character, not “{surface}”")
            inner[surface] = qualifier
        else:
            after[surface] = qualifier
    return before, inner, after


def _load_context() -> dict[str, Words]:
    roles: dict[str, list[str]] = {}
    for row in table("figure_context.tsv", 2, 2):
        roles.setdefault(_checked(row, 1, "role", _CONTEXT_ROLES), []).append(row[0])
    return {role: Words(roles.get(role, ())) for role in _CONTEXT_ROLES}


def user_exclusions_path() -> Path:
    """Where a user adds phrases of their own, in the same format as the bundled figure_exclusions.txt."""
    return config_dir() / "figure_exclusions.txt"


def _load_exclusions() -> set[str]:
    phrases = set(word_list("figure_exclusions.txt"))
    with suppress(OSError):  # no file of one's own is the usual case
        phrases |= user_words(user_exclusions_path().read_text(encoding="utf-8", errors="replace"))
    return phrases


_PLACE_SUFFIXES = ("村", "镇", "乡", "社区", "街道", "区", "县", "市")


def _gazetteer_look_alikes(pattern: re.Pattern[str]) -> set[str]:
    """Henan place names that read like counts (三家店镇, 四棵树乡, 八十亩地村, 张千村), as written in news
    (a village without its committee ending, ``village_short_name``), the 村/镇/乡 kept, so that
    种了四棵树 still counts trees."""
    names = set()
    for division in divisions():
        name = division.name
        if not any(ch in CN_NUMERAL for ch in name) or not pattern.search(name):
            continue
        if division.level == "village":
            name = village_short_name(name)
        if name.endswith(_PLACE_SUFFIXES):
            names.add(name)
    return names


def _alternation(words: Iterable[str], gap: str = "") -> str:
    """A regex alternation of ``words`` as a character trie, so the longest word wins and matching stays
    fast; ``gap`` is allowed between the characters of a word (OCR spaces: 个 百 分 点)."""
    trie: dict[str, dict] = {}
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
    not_inside = rf"(?<![0-9A-Za-z._%/{CN_NUMERAL}几])"
    approx = re.escape("".join(inner))
    # 二十来|万人, 十多|万人: a scale word after "numeral + 多/余/来" is the tail of that number, whether or
    # not the number was read, never a number of its own
    not_a_tail = rf"(?<![0-9{CN_NUMERAL}][{approx}])"
    sep = r"(?:至|到|~|-{1,2}|—{1,2}|–)"
    unit_re = _alternation((u for u in units if not units[u].symbol), gap="[ \t]{0,4}")
    head_re = _alternation(u for u in units if units[u].head)
    inner_re = _alternation(inner)
    after_re = _alternation(after)
    quantity = (
        rf"(?P<lost>[?\ufffd])?(?=[0-9{CN_NUMERAL}]){not_inside}{not_a_tail}(?P<num>{num})"
        # 1万(含)-5万元: tender and subsidy notices mark an inclusive bound
        rf"(?:(?:{ws}(?P<u1>{unit_re}))?(?:{ws}[(（]含[)）])?{ws}(?P<sep>{sep}){ws}(?P<num2>{num}))?"
        rf"(?:{ws}(?P<inner>{inner_re}))?"
        # a scale word of its own only after 多/余/来 (二十多万) or after an Arabic number and spaces or a
        # line break (1.7  万, 1.7\n万): otherwise the number has taken it already (letting both try every
        # split of 万万万… costs quadratic time), or it is the start of another number (三十 十人)
        rf"(?:(?:(?<=[{approx}])|(?<=[0-9])(?={ws}[百千万亿])){ws}(?<=[{approx}\s])(?P<scale>[{CN_SCALES}]+))?"
        rf"(?:{ws}(?P<inner2>{inner_re}))?"
        # N大 with up to four characters qualifying its head noun (六大惠民工程); the shortest wins, so
        # 四大支柱产业 counts 支柱
        rf"(?:{ws}(?P<da>大(?:[{HAN}]{{1,4}}?(?={head_re}))??)?(?P<unit>{unit_re})"
        rf"(?P<half>半)?"
        rf"(?P<after>{after_re})?"
        # or no unit at all after 万/亿 (卖了十五六万, 亩产值能到1万2): money if the context says so
        rf"|(?:(?<=[万亿])|(?<=[万亿][1-9一二三四五六七八九]))(?P<bare>)(?P<bafter>{after_re})?)"
    )
    # 百分之五十, 千分之2.4, 三分之一: a denominator of one to eight numerals
    percent = (
        rf"(?=[0-9{CN_NUMERAL}]){not_inside}(?P<pfx>[0-9{CN_NUMERAL}]{{1,8}}?)[ \t]*分[ \t]*之{ws}(?P<pnum>{num})"
        rf"(?:{ws}(?P<psep>{sep}){ws}(?:[百千万][ \t]*分[ \t]*之{ws})?(?P<pnum2>{num}))?"
        rf"(?P<pafter>{after_re})?"
    )
    # 2/3, 超过1/3: a share written as a fraction (a date such as 3/4 is dropped by its context)
    fraction = rf"(?<![0-9A-Za-z./%])(?P<fnum>[0-9]{{1,3}})/(?P<fden>[0-9]{{1,3}})(?![0-9/])(?P<fafter>{after_re})?"
    symbol_re = _alternation(u for u in units if units[u].symbol)
    # $20, ￥300: only Arabic digits and ASCII thousands commas, so $20，300 stays two amounts
    symbol = rf"(?P<sym>{symbol_re})[ \t]?(?P<snum>[0-9]+(?:,[0-9]{{3}})*(?:\.[0-9]+)?)(?![0-9])(?P<sscale>[万亿]?)"
    # every alternative starts with one of these: checking it first lets the matcher skip the rest of a
    # text in C, which halves the time spent searching
    first = re.escape("".join({u[0] for u in units if units[u].symbol}) + "?\ufffd")
    return re.compile(rf"(?=[0-9{CN_NUMERAL}{first}])(?:{percent}|{fraction}|{symbol}|{quantity})")


class Words(tuple[str, ...]):
    """Words, longest first, with their lengths and a set, so that finding the one that ends or starts
    at a position costs a slice per length rather than a comparison per word."""

    lengths: tuple[int, ...]
    members: frozenset[str]

    def __new__(cls, words: Iterable[str]) -> Words:
        self = super().__new__(cls, sorted(set(words), key=len, reverse=True))
        self.lengths = tuple(sorted({len(word) for word in self}, reverse=True))
        self.members = frozenset(self)
        return self

    def ending_at(self, text: str, end: int) -> str | None:
        """The longest word that ``text`` has just before ``end``."""
        for length in self.lengths:
            if length <= end and text[end - length : end] in self.members:
                return text[end - length : end]
        return None

    def starting_at(self, text: str, start: int) -> str | None:
        """The longest word that ``text`` has at ``start``."""
        for length in self.lengths:
            if text[start : start + length] in self.members:
                return text[start : start + length]
        return None



@derived
def figure_rules() -> FigureRules:
    """All data files, loaded and compiled once per process."""
    units = unit_table()
    before, inner, after = _load_qualifiers()
    context = _load_context()
    exclusions = _load_exclusions()
    pattern = _compile(units, inner, after)
    words = [*units, *before, *inner, *after, *exclusions, *(w for ws in context.values() for w in ws)]
    vocabulary = set(CN_NUMERAL + "点几分之".join(words))
    return FigureRules(
        units=units,
        before=before,
        inner=inner,
        symbols={surface: unit for surface, unit in units.items() if unit.symbol},
        after=after,
        context=context,
        scale_led={ch: Words(u for u in units if u[0] == ch and len(u) > 1) for ch in CN_SCALES},
        timed_classifier=Words(u for u in units if u[0] == "个" and units[u].kind == "duration"),
        before_words=Words(before),
        after_words=Words(after),
        unit_final=frozenset(surface[-1] for surface in units),
        exclusions=re.compile(_alternation(exclusions | _gazetteer_look_alikes(pattern))),
        pattern=pattern,
        plain_table=_plain_table(vocabulary),
    )


# --- plain forms ---------------------------------------------------------------------------------------------

# １２％．: the full-width comma stays, as it separates a list after an amount ($20，300美圆) where the
# ASCII one groups thousands
_FULL_WIDTH = {code: chr(code - 0xFEE0) for code in range(0xFF01, 0xFF5F) if code != 0xFF0C}
_SPACES_AND_DASHES = {0x3000: " ", 0xA0: " ", 0x2212: "-", 0xFE6A: "%"}


def _plain_table(vocabulary: set[str]) -> dict[int, str]:
    """Full-width ASCII to ASCII, and the traditional form of every character the data files use to
    its simplified form, where both are one character (萬→万, 個→个, 兩→两). The pipeline already
    converts to simplified; this keeps ``find_figures`` right on text that did not go through it."""
    from opencc import OpenCC  # lazy for start-up time: only compiling the rules needs it

    to_traditional = OpenCC("s2t")
    table = dict(_FULL_WIDTH) | _SPACES_AND_DASHES | {ord(ch): plain for ch, plain in FINANCIAL_NUMERALS.items()}
    for ch in vocabulary:
        traditional = to_traditional.convert(ch)
        if len(traditional) == 1 and traditional != ch:
            table[ord(traditional)] = ch
    return table


def plain_forms(text: str) -> str:
    """Plain forms for matching; always the same length as ``text`` (unlike search's ``fold``)."""
    return text.translate(figure_rules().plain_table)
