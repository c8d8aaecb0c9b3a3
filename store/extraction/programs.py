"""Programs, star categories and star-tier tallies in an article.

Programs are labels from a fixed, user-extendable set (``data/programs.json``): each has weighted
trigger words, a threshold and a least number of mentions, so an article that describes the work gets
the label and one that names it in passing does not; a clause that only frames the work (以…为抓手,
照亮乡村振兴路) counts for nothing. Star categories (产业兴旺星, 生态宜居“星”) and tier tallies
(“五星”支部70个, …其中我市86个; planned ones such as 拟创建“五星”支部的6个村 marked ``plan``) are read
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
class Evidence:
    """What an article says under one program: summed trigger weight, and how many times it names it."""

    score: float = 0.0
    mentions: int = 0

    def __add__(self, other: Evidence) -> Evidence:
        return Evidence(self.score + other.score, self.mentions + other.mentions)

    def times(self, weight: float) -> Evidence:
        return Evidence(self.score * weight, self.mentions)


@dataclass(frozen=True)
class Program:
    label: str
    threshold: float
    min_mentions: int  # one passing mention never earns a label that needs two
    weights: dict[str, float]
    triggers: re.Pattern[str]
    excepts: re.Pattern[str] | None

    def evidence(self, text: str) -> Evidence:
        """Trigger occurrences, longest trigger first, none inside an 'except' phrase."""
        if self.excepts is not None:
            text = self.excepts.sub("\0", text)
        found = [self.weights[m.group()] for m in self.triggers.finditer(text)]
        return Evidence(sum(found), len(found))


@dataclass(frozen=True)
class Labelling:
    """How an article earns a label: the programs, how much its title counts, how many mentions make
    more than a passing one, which clauses only frame the work, and the one-trigger threshold that
    short texts (captions) get instead of each program's own."""

    programs: tuple[Program, ...]
    title_weight: float
    frames: re.Pattern[str]
    short_text_chars: int
    short_text_threshold: float


def _program(spec: Spec, min_mentions: int) -> Program:
    triggers = spec.section("triggers")
    weights = {word: triggers.number(word) for word in triggers}
    excepts = spec.strings("except") if "except" in spec else []
    return Program(
        label=spec.text("label"),
        threshold=spec.number("threshold"),
        min_mentions=spec.integer("min_mentions") if "min_mentions" in spec else min_mentions,
        weights=weights,
        triggers=re.compile(_alternation_longest_first(weights)),
        excepts=re.compile(_alternation_longest_first(excepts)) if excepts else None,
    )


@derived
def labelling() -> Labelling:
    data = program_rules()
    return Labelling(
        programs=tuple(_program(spec, data.integer("min_mentions")) for spec in data.sections("programs")),
        title_weight=data.number("title_weight"),
        frames=re.compile(_alternation_longest_first(data.strings("frames"))),
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


# A clause runs to its break; a trigger never spans one, so a framing clause can be blanked whole.
_CLAUSE = re.compile(r"[^，。；！？,;!?]*[，。；！？,;!?]*")


def _unframed(text: str) -> str:
    """``text`` without quotes and spaces, each framing clause (以“五星”支部创建为抓手, 照亮乡村振兴路)
    blanked: such a clause names a program as a banner or an aim, not as work done."""
    frames = labelling().frames
    return "\0".join(c for c in _CLAUSE.findall(_NOISE.sub("", text or "")) if c and not frames.search(c))


def program_evidence(text: str, title: str | None = None) -> dict[str, Evidence]:
    """Each label's evidence outside framing clauses; the title's weight counts ``title_weight`` times."""
    body, head = _unframed(text), _unframed(title or "")
    title_weight = labelling().title_weight
    return {p.label: p.evidence(head).times(title_weight) + p.evidence(body) for p in programs()}


def find_programs(text: str, title: str | None = None) -> list[str]:
    """Program labels the article is about, in the order of ``labels()``: enough weight, from more than
    one passing mention (a short text needs only one trigger)."""
    spec = labelling()
    size = len(_NOISE.sub("", text or "")) + len(_NOISE.sub("", title or ""))
    short = size < spec.short_text_chars
    found = program_evidence(text, title)

    def earned(program: Program) -> bool:
        evidence = found[program.label]
        if short:
            return evidence.score > 0 and evidence.score >= spec.short_text_threshold
        return evidence.score >= program.threshold and evidence.mentions >= program.min_mentions

    return [p.label for p in spec.programs if earned(p)]


# ---------------------------------------------------------------------------------------------------
# Star categories


@dataclass(frozen=True)
class _StarPatterns:
    known: re.Pattern[str]  # listed names, quotes allowed before 星: 产业兴旺星, 生态宜居“星”, “平安法治”星
    quoted: re.Pattern[str]  # any four characters and 星 in quotes: “宜业兴业星”
    after: re.Pattern[str]  # four characters and 星 after a cue word: 争创产业兴旺星
    not_in_stem: frozenset[str]  # characters that make a stem a count or a phrase, not a name


def _stems(names: Iterable[str]) -> list[str]:
    return [name.removesuffix("星") for name in names]


@derived
def _star_patterns() -> _StarPatterns:
    spec = program_rules().section("stars")
    return _StarPatterns(
        known=re.compile(rf"(?P<stem>{_alternation_longest_first(_stems(spec.strings('known')))})[“”\"‘’「」『』\s]{{0,2}}星"),
        quoted=re.compile(rf"[“\"‘「『]([{_CJK}]{{4}})星[”\"’」』]"),
        after=re.compile(rf"(?:{_alternation_longest_first(spec.strings('after'))})[“\"‘「『]?([{_CJK}]{{4}})星"),
        not_in_stem=frozenset(spec.text("not_in_stem")),
    )


def find_stars(text: str) -> list[str]:
    """Star categories named (产业兴旺星, 宜业兴业星), in order of first appearance; not tiers or honours."""
    patterns = _star_patterns()
    first: dict[str, int] = {}
    for m in patterns.known.finditer(text or ""):
        first.setdefault(m.group("stem") + "星", m.start())
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
    subset_lead: re.Pattern[str]  # ，其中 right after a tally: what follows counts part of it, at its tier
    subset_item: re.Pattern[str]  # 我市86个 / 城市社区9个
    subset_more: re.Pattern[str]  # 、 before another part
    clause_start: re.Pattern[str]  # the break that opens the clause a tally is in
    tiers: dict[str, int]  # how a tier is written -> the tier
    planned: tuple[str, ...]  # words that make a tally a goal, not an achievement


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
    gap = "[^，。；！？,;!?\n星]"
    linking = _alternation_longest_first(spec.strings("linking"))
    # “五星”支部的6个村: after 的 the count must name branches or villages (not “五星”支部的5个方面).
    tier_first = re.compile(
        rf"[“\"‘「『]?\s*{tier}{q}星{q}(?:级)?(?:及?以上)?{q}{units}{q}"
        rf"(?:{linking}|(?P<of>的))?{q}{count}\s*个(?(of)(?={q}{units}))"
    )
    count_first = re.compile(
        rf"{count}\s*个{q}{units}?{q}{gap}{{0,12}}?(?:{_alternation_longest_first(spec.strings('awarded'))})"
        rf"{gap}{{0,10}}?[“\"‘「『]?\s*{tier}{q}星{q}(?:级)?{q}{units}"
    )
    joined = re.compile(rf"星{q}[、和与及]{q}$")
    subsets = _alternation_longest_first(spec.strings("subset"))
    subset_lead = re.compile(rf"[\s，,；;。（(]{{0,2}}(?:{subsets})[：:]?")
    # The part named before its count (我市, 城市社区) holds no digits, 星 or break: it is a place or kind.
    subset_item = re.compile(rf"[^，。；！？,;!?\n星个\d]{{0,10}}?{count}\s*个")
    subset_more = re.compile(r"[、和及与]")
    clause_start = re.compile(r"[，。；！？,;!?\n：:][^，。；！？,;!?\n：:]*$")
    return _TallyPatterns(
        tier_first, count_first, joined, subset_lead, subset_item, subset_more, clause_start, tiers,
        tuple(spec.strings("planned")),
    )


def _number(digits: str) -> int | None:
    if digits.isdigit():
        return int(digits)
    value = cn2an_value(digits)
    return int(value) if value is not None and value == value.to_integral_value() else None


def _clause_before(text: str, start: int) -> str:
    """The clause a tally starting at ``start`` is in, up to the tally: where 拟创建 or 计划 would be."""
    head = text[max(0, start - 40) : start]
    opened = _tally_patterns().clause_start.search(head)
    return head[opened.start() + 1 :] if opened else head


def _is_planned(text: str, start: int, written: str) -> bool:
    clause = _clause_before(text, start) + written
    return any(word in clause for word in _tally_patterns().planned)


def _subsets(text: str, end: int, parent: StarCount) -> list[tuple[int, int, StarCount]]:
    """Parts of the tally ending at ``end`` (…“五星”支部1200个，其中我市86个、郑州市60个): each is a tally of
    the parent's tier, a goal when the parent is one, quoting only its own words."""
    patterns = _tally_patterns()
    lead = patterns.subset_lead.match(text, end)
    if lead is None:
        return []
    found, at = [], lead.end()
    while item := patterns.subset_item.match(text, at):
        count = _number(item.group("count"))
        if count is None:
            break
        start = item.start() + len(item.group()) - len(item.group().lstrip())
        found.append((start, item.end(), StarCount(parent.tier, count, text[start : item.end()], parent.plan)))
        more = patterns.subset_more.match(text, item.end())
        if more is None:
            break
        at = more.end()
    return found


def _stated(text: str) -> list[tuple[int, int, StarCount]]:
    """Tallies that write their tier, with the parts that follow them; may overlap."""
    patterns = _tally_patterns()
    candidates: list[tuple[int, int, StarCount]] = []
    for pattern in (patterns.tier_first, patterns.count_first):
        for m in pattern.finditer(text):
            if patterns.joined.search(text, max(0, m.start() - 8), m.start()):
                continue
            count = _number(m.group("count"))
            if count is None:
                continue
            start = m.start() + len(m.group()) - len(m.group().lstrip())
            tally = StarCount(
                tier=patterns.tiers[m.group("tier")],
                count=count,
                text=text[start : m.end()],
                plan=_is_planned(text, start, m.group()),
            )
            candidates.append((start, m.end(), tally))
            candidates += _subsets(text, m.end(), tally)
    return candidates


def find_star_counts(text: str) -> list[StarCount]:
    """Statements of how many branches hold, were created or are planned at a tier, in order; each ``text``
    is a substring of ``text``. Goals are marked ``plan``, so they are never added to what was achieved."""
    candidates = sorted(_stated(text or ""), key=lambda c: (c[0], -c[1]))
    out, end = [], -1
    for start, stop, tally in candidates:
        if start >= end:
            out.append(tally)
            end = stop
    return out
