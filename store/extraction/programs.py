"""Programs, star categories and star-tier tallies in an article.

Programs are labels from a fixed, user-extendable set (``data/programs.json``): each has weighted
trigger words and a threshold, so an article that describes the work gets the label and one that
names it in passing does not. Star categories (产业兴旺星) and tier tallies (“五星”支部70个) are read
with rules kept in the same file.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib.resources import files

from five_star.store.model import StarCount

_DATA = files("five_star.store") / "data"
# Quotes and spaces say nothing about a program and break words apart (“红色 物业”, PDF text).
_NOISE = re.compile(r"[\s“”\"‘’'「」『』]")
_QUOTES = r"[“”\"‘’「」『』\s]*"
_CJK = "\u3400-\u9fff"


@lru_cache(maxsize=1)
def rules() -> dict:
    return json.loads((_DATA / "programs.json").read_text(encoding="utf-8"))


def _longest_first(words) -> str:
    return "|".join(map(re.escape, sorted(words, key=len, reverse=True)))


@dataclass(frozen=True)
class Program:
    label: str
    threshold: float
    weights: dict[str, float]
    triggers: re.Pattern
    excepts: re.Pattern | None

    def score(self, text: str) -> float:
        """Summed weight of trigger occurrences, longest trigger first, none inside an 'except' phrase."""
        if self.excepts is not None:
            text = self.excepts.sub("\0", text)
        return sum(self.weights[m.group()] for m in self.triggers.finditer(text))


@lru_cache(maxsize=1)
def programs() -> tuple[Program, ...]:
    out = []
    for spec in rules()["programs"]:
        excepts = spec.get("except") or []
        out.append(
            Program(
                label=spec["label"],
                threshold=spec["threshold"],
                weights=dict(spec["triggers"]),
                triggers=re.compile(_longest_first(spec["triggers"])),
                excepts=re.compile(_longest_first(excepts)) if excepts else None,
            )
        )
    return tuple(out)


def labels() -> list[str]:
    """Every program label, in reporting order."""
    return [p.label for p in programs()]


def trigger_words() -> list[str]:
    """Every trigger word, for jieba's dictionary (keywords keep them whole)."""
    return sorted({word for p in programs() for word in p.weights})


def program_scores(text: str, title: str | None = None) -> dict[str, float]:
    """Each label's weighted trigger count; the title counts ``title_weight`` times."""
    body, head = _NOISE.sub("", text or ""), _NOISE.sub("", title or "")
    title_weight = rules()["title_weight"]
    return {p.label: title_weight * p.score(head) + p.score(body) for p in programs()}


def find_programs(text: str, title: str | None = None) -> list[str]:
    """Program labels the article is about, in the order of ``labels()``."""
    spec = rules()
    size = len(_NOISE.sub("", text or "")) + len(_NOISE.sub("", title or ""))
    short = size < spec["short_text_chars"]
    scores = program_scores(text, title)
    return [
        p.label
        for p in programs()
        if scores[p.label] > 0 and scores[p.label] >= (spec["short_text_threshold"] if short else p.threshold)
    ]


# ---------------------------------------------------------------------------------------------------
# Star categories


@lru_cache(maxsize=1)
def _star_patterns() -> tuple[re.Pattern, re.Pattern, re.Pattern]:
    spec = rules()["stars"]
    known = re.compile(_longest_first(spec["known"]))
    quoted = re.compile(rf"[“\"‘「『]([{_CJK}]{{4}})星[”\"’」』]")
    after = re.compile(rf"(?:{_longest_first(spec['after'])})[“\"‘「『]?([{_CJK}]{{4}})星")
    return known, quoted, after


def find_stars(text: str) -> list[str]:
    """Star categories named (产业兴旺星, 宜业兴业星), in order of first appearance; not tiers or honours."""
    known, quoted, after = _star_patterns()
    excluded = set(rules()["stars"]["not_in_stem"])
    first: dict[str, int] = {}
    for m in known.finditer(text or ""):
        first.setdefault(m.group(), m.start())
    for pattern in (quoted, after):
        for m in pattern.finditer(text or ""):
            stem = m.group(1)
            if not excluded & set(stem):
                first.setdefault(stem + "星", m.start(1))
    return sorted(first, key=first.get)


# ---------------------------------------------------------------------------------------------------
# Star-tier tallies


@lru_cache(maxsize=1)
def _tally_patterns() -> tuple[re.Pattern, re.Pattern, re.Pattern]:
    spec = rules()["star_counts"]
    q = _QUOTES
    tier = r"(?P<tier>[" + "".join(spec["tiers"]) + r"])"
    units = "(?:" + _longest_first(spec["units"]) + ")"
    count = r"(?P<count>\d+|[零〇一二两三四五六七八九十百千]+)"
    # Gaps never cross another 星 or a clause break, so one tally never spans two tiers or sentences.
    gap = "[^，。；！？\n星]"
    tier_first = re.compile(
        rf"[“\"‘「『]?\s*{tier}{q}星{q}(?:级)?(?:及?以上)?{q}{units}{q}(?:{_longest_first(spec['linking'])})?{q}{count}\s*个"
    )
    count_first = re.compile(
        rf"{count}\s*个{q}{units}?{q}{gap}{{0,12}}?(?:{_longest_first(spec['awarded'])})"
        rf"{gap}{{0,10}}?[“\"‘「『]?\s*{tier}{q}星{q}(?:级)?{q}{units}"
    )
    # “五星”、“四星”支部共120个 counts two tiers together: not a tally of either.
    joined = re.compile(rf"星{q}[、和与及]{q}$")
    return tier_first, count_first, joined


def _number(digits: str) -> int | None:
    if digits.isdigit():
        return int(digits)
    import cn2an

    try:
        value = cn2an.cn2an(digits, "smart")
    except (ValueError, KeyError):
        return None
    return int(value) if float(value).is_integer() else None


def find_star_counts(text: str) -> list[StarCount]:
    """Statements of how many branches hold or were created at a tier, in order; ``text`` is a substring."""
    text = text or ""
    tier_first, count_first, joined = _tally_patterns()
    spec = rules()["star_counts"]
    tiers = spec["tiers"]
    candidates = []
    for pattern in (tier_first, count_first):
        for m in pattern.finditer(text):
            if joined.search(text, max(0, m.start() - 8), m.start()) or any(w in m.group() for w in spec["striving"]):
                continue
            count = _number(m.group("count"))
            if count is None:
                continue
            start = m.start() + len(m.group()) - len(m.group().lstrip())
            candidates.append((start, m.end(), StarCount(tier=tiers[m.group("tier")], count=count, text=text[start : m.end()])))
    candidates.sort(key=lambda c: (c[0], -c[1]))
    out, end = [], -1
    for start, stop, tally in candidates:
        if start >= end:
            out.append(tally)
            end = stop
    return out
