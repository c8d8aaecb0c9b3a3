"""The figure rules: units, qualifiers, context words and exclusions from the data files, compiled once."""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from importlib.resources import files
from pathlib import Path

from five_star.store.locations import config_dir

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
    return config_dir() / "figure_exclusions.txt"


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
