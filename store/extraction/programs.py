"""Programs, star categories and star-tier tallies in an article.

Programs are labels from a fixed, user-extendable set (``data/programs.json``): each has weighted
trigger words and a threshold, so an article that describes the work gets the label and one that
names it in passing does not. Star categories (产业兴旺星) and tier tallies (“五星”支部70个) are read
with rules kept in the same file.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from five_star.store.extraction.figures.numerals import cn2an_value
from five_star.store.model import StarCount
from five_star.store.resources import Spec, derived, program_rules

# Quotes and spaces say nothing about a program and break words apart (“红色 物业”, PDF text).
_NOISE = re.compile(r"[\s“”\"‘’'「」『』]")
_QUOTES = r"[“”\"‘’「」『』\s]*"
_CJK = "\u3400-\u9fff"


def _alternation_longest_first(words: Iterable[str]) -> str:
    return "|".join(map(re.escape, sorted(words, key=len, reverse=True)))


@dataclass(frozen=True)
class Program:
    label: str
    threshold: float
    weights: dict[str, float]
    triggers: re.Pattern[str]
    excepts: re.Pattern[str] | None

    def score(self, text: str) -> float:
        """Summed weight of trigger occurrences, longest trigger first, none inside an 'except' phrase."""
        if self.excepts is not None:
            text = self.excepts.sub("\0", text)
        return sum(self.weights[m.group()] for m in self.triggers.finditer(text))


@dataclass(frozen=True)
class Labelling:
    """How an article earns a label: the programs, how much its title counts, and the one-trigger
    threshold that short texts (captions) get instead of each program's own."""

    programs: tuple[Program, ...]
    title_weight: float
    short_text_chars: int
    short_text_threshold: float


def _program(spec: Spec) -> Program:
    triggers = spec.section("triggers")
    weights = {word: triggers.number(word) for word in triggers}
    excepts = spec.strings("except") if "except" in spec else []
    return Program(
        label=spec.text("label"),
        threshold=spec.number("threshold"),
        weights=weights,
        triggers=re.compile(_alternation_longest_first(weights)),
        excepts=re.compile(_alternation_longest_first(excepts)) if excepts else None,
    )


@derived
def labelling() -> Labelling:
    data = program_rules()
    return Labelling(
        programs=tuple(_program(spec) for spec in data.sections("programs")),
        title_weight=data.number("title_weight"),
        short_text_chars=data.integer("short_text_chars"),
        short_text_threshold=data.number("short_text_threshold"),
    )


def programs() -> tuple[Program, ...]:
    return labelling().programs


def labels() -> list[str]:
    """Every program label, in reporting order."""
    return [p.label for p in programs()]


def trigger_words() -> list[str]:
    """Every trigger word, for jieba's dictionary (keywords keep them whole)."""
    return sorted({word for p in programs() for word in p.weights})


def program_scores(text: str, title: str | None = None) -> dict[str, float]:
    """Each label's weighted trigger count; the title counts ``title_weight`` times."""
    body, head = _NOISE.sub("", text or ""), _NOISE.sub("", title or "")
    title_weight = labelling().title_weight
    return {p.label: title_weight * p.score(head) + p.score(body) for p in programs()}


def find_programs(text: str, title: str | None = None) -> list[str]:
    """Program labels the article is about, in the order of ``labels()``."""
    spec = labelling()
    size = len(_NOISE.sub("", text or "")) + len(_NOISE.sub("", title or ""))
    short = size < spec.short_text_chars
    scores = program_scores(text, title)
    return [
        p.label
        for p in spec.programs
        if scores[p.label] > 0 and scores[p.label] >= (spec.short_text_threshold if short else p.threshold)
    ]


# ---------------------------------------------------------------------------------------------------
# Star categories


@dataclass(frozen=True)
class _StarPatterns:
    known: re.Pattern[str]  # listed names: 产业兴旺星
    quoted: re.Pattern[str]  # any four characters and 星 in quotes: “宜业兴业星”
    after: re.Pattern[str]  # four characters and 星 after a cue word: 争创产业兴旺星
    not_in_stem: frozenset[str]  # characters that make a stem a count or a phrase, not a name


@derived
def _star_patterns() -> _StarPatterns:
    spec = program_rules().section("stars")
    return _StarPatterns(
        known=re.compile(_alternation_longest_first(spec.strings("known"))),
        quoted=re.compile(rf"[“\"‘「『]([{_CJK}]{{4}})星[”\"’」』]"),
        after=re.compile(rf"(?:{_alternation_longest_first(spec.strings('after'))})[“\"‘「『]?([{_CJK}]{{4}})星"),
        not_in_stem=frozenset(spec.text("not_in_stem")),
    )


def find_stars(text: str) -> list[str]:
    """Star categories named (产业兴旺星, 宜业兴业星), in order of first appearance; not tiers or honours."""
    patterns = _star_patterns()
    first: dict[str, int] = {}
    for m in patterns.known.finditer(text or ""):
        first.setdefault(m.group(), m.start())
    for pattern in (patterns.quoted, patterns.after):
        for m in pattern.finditer(text or ""):
            stem = m.group(1)
            if not patterns.not_in_stem & set(stem):
                first.setdefault(stem + "星", m.start(1))
    return sorted(first, key=first.__getitem__)


# ---------------------------------------------------------------------------------------------------
# Star-tier tallies


@dataclass(frozen=True)
class _TallyPatterns:
    tier_first: re.Pattern[str]  # “五星”支部70个
    count_first: re.Pattern[str]  # 70个支部被评为“五星”支部
    joined: re.Pattern[str]  # “五星”、“四星”支部共120个 counts two tiers together: not a tally of either
    tiers: dict[str, int]  # how a tier is written -> the tier
    striving: tuple[str, ...]  # words that make a tally a goal, not a count


@derived
def _tally_patterns() -> _TallyPatterns:
    spec = program_rules().section("star_counts")
    tiers_spec = spec.section("tiers")
    tiers = {written: tiers_spec.integer(written) for written in tiers_spec}
    q = _QUOTES
    tier = r"(?P<tier>[" + "".join(map(re.escape, tiers)) + r"])"
    units = "(?:" + _alternation_longest_first(spec.strings("units")) + ")"
    count = r"(?P<count>\d+|[零〇一二两三四五六七八九十百千]+)"
    # Gaps never cross another 星 or a clause break, so one tally never spans two tiers or sentences.
    gap = "[^，。；！？\n星]"
    tier_first = re.compile(
        rf"[“\"‘「『]?\s*{tier}{q}星{q}(?:级)?(?:及?以上)?{q}{units}{q}(?:{_alternation_longest_first(spec.strings('linking'))})?{q}{count}\s*个"
    )
    count_first = re.compile(
        rf"{count}\s*个{q}{units}?{q}{gap}{{0,12}}?(?:{_alternation_longest_first(spec.strings('awarded'))})"
        rf"{gap}{{0,10}}?[“\"‘「『]?\s*{tier}{q}星{q}(?:级)?{q}{units}"
    )
    joined = re.compile(rf"星{q}[、和与及]{q}$")
    return _TallyPatterns(tier_first, count_first, joined, tiers, tuple(spec.strings("striving")))


def _number(digits: str) -> int | None:
    if digits.isdigit():
        return int(digits)
    value = cn2an_value(digits)
    return int(value) if value is not None and value == value.to_integral_value() else None


def find_star_counts(text: str) -> list[StarCount]:
    """Statements of how many branches hold or were created at a tier, in order; ``text`` is a substring."""
    text = text or ""
    patterns = _tally_patterns()
    candidates: list[tuple[int, int, StarCount]] = []
    for pattern in (patterns.tier_first, patterns.count_first):
        for m in pattern.finditer(text):
            if patterns.joined.search(text, max(0, m.start() - 8), m.start()) or any(
                w in m.group() for w in patterns.striving
            ):
                continue
            count = _number(m.group("count"))
            if count is None:
                continue
            start = m.start() + len(m.group()) - len(m.group().lstrip())
            tally = StarCount(tier=patterns.tiers[m.group("tier")], count=count, text=text[start : m.end()])
            candidates.append((start, m.end(), tally))
    candidates.sort(key=lambda c: (c[0], -c[1]))
    out, end = [], -1
    for start, stop, tally in candidates:
        if start >= end:
            out.append(tally)
            end = stop
    return out
