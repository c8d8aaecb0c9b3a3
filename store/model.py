"""The one JSON shape, end to end: extract output, library rows and JSON Lines export.

Every concept is one dataclass with ``to_dict``/``from_dict``; the dict form is exactly the shape
documented in ``article-json.md`` (plus a few added fields, which the document allows).
"""

from __future__ import annotations

import datetime
import hashlib
import sys
from dataclasses import asdict, dataclass, field, fields
from functools import cache
from pathlib import Path
from typing import Any

ARTICLE_KINDS: tuple[str, ...] = ("article", "photo")
"""``Article.kind``: a news item, or a standalone photo with its caption."""

FIGURE_KINDS: dict[str, str] = {
    "money": "money 金额",
    "people": "people 人数",
    "count": "count 数量",
    "area": "area 面积",
    "percent": "percent 比例",
    "length": "length 长度",
    "duration": "duration 时长",
    "age": "age 年龄",
    "other": "other 其他",
}
"""``Figure.kind``, each with a label for people (legend order)."""

REGIONS: dict[str, str] = {
    "henan": "河南",
    "outside": "河南省外",
    "province": "全省",
    "unknown": "未定位",
}
"""``Article.region``: where the article is when ``city`` alone cannot say (it is null outside Henan and for
province-wide pieces), with the label the tree and the header show for articles without a city."""

TIER_NAMES: dict[int, str] = {1: "一星", 2: "二星", 3: "三星", 4: "四星", 5: "五星"}
"""``StarCount.tier`` and how Chinese writes it."""


def tier_name(tier: int) -> str:
    return TIER_NAMES.get(tier, f"{tier}星")


@cache
def _field_names(cls) -> frozenset[str]:
    return frozenset(f.name for f in fields(cls))


def _known(cls, data: dict[str, Any]) -> dict[str, Any]:
    """Keep only the keys ``cls`` declares, so older or newer rows still load."""
    names = _field_names(cls)
    return {k: v for k, v in data.items() if k in names}


# Units, kinds, qualifiers, place names, keywords, file names recur across a library's articles: a loaded
# row shares one copy of each (``_shared``), which at 100,000 articles saves hundreds of MB. The classes
# loaded by the hundred thousand read their fields directly: a missing one fails as ``_known`` would not.
_shared = sys.intern


def _shared_or_none(value: str | None) -> str | None:
    return None if value is None else _shared(value)


@dataclass(slots=True)
class Figure:
    text: str
    value: float | int | None
    unit: str
    qualifier: str | None
    kind: str
    start: int
    end: int
    value_max: float | int | None = None

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        if data["value_max"] is None:
            del data["value_max"]
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Figure:
        return cls(data["text"], data["value"], _shared(data["unit"]), _shared_or_none(data["qualifier"]),
                   _shared(data["kind"]), data["start"], data["end"], data.get("value_max"))


@dataclass(slots=True)
class Place:
    name: str
    level: str  # "city" | "county" | "township" | "village"
    code: str
    city: str | None
    county: str | None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Place:
        return cls(_shared(data["name"]), _shared(data["level"]), _shared(data["code"]),
                   _shared_or_none(data["city"]), _shared_or_none(data["county"]))


@dataclass(slots=True)
class DateMention:
    text: str
    year: int | None
    month: int | None
    day: int | None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> DateMention:
        return cls(_shared(data["text"]), data["year"], data["month"], data["day"])


@dataclass(slots=True)
class StarCount:
    tier: int
    count: int
    text: str
    plan: bool = False  # a goal (拟创建“五星”支部的6个村), never to be added to what was achieved

    def to_dict(self) -> dict[str, Any]:
        # Written only when true: an achieved tally keeps the documented {tier, count, text} shape.
        data = asdict(self)
        if not self.plan:
            del data["plan"]
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> StarCount:
        return cls(data["tier"], data["count"], data["text"], data.get("plan", False))


_SHARED_FIELDS = ("source", "kind", "city", "region", "published")
_SHARED_LISTS = ("authors", "counties", "programs", "stars", "keywords", "repairs")

_SENTENCE_MARKS = ("。", "！", "？", "!", "?", "；", "\n")


@dataclass(slots=True)
class Article:
    id: str
    source: str
    first_line: int
    last_line: int
    kind: str = "article"  # "article" | "photo"
    title: str | None = None
    kicker: str | None = None  # an overline or unit's name printed with the headline, not part of it
    authors: list[str] = field(default_factory=list)
    published: str | None = None  # ISO YYYY-MM-DD: the page's own date, never one from the body
    dates: list[DateMention] = field(default_factory=list)
    city: str | None = None
    region: str = "unknown"  # one of REGIONS
    counties: list[str] = field(default_factory=list)
    places: list[Place] = field(default_factory=list)
    programs: list[str] = field(default_factory=list)
    stars: list[str] = field(default_factory=list)
    star_counts: list[StarCount] = field(default_factory=list)
    figures: list[Figure] = field(default_factory=list)
    keywords: list[str] = field(default_factory=list)
    repairs: list[str] = field(default_factory=list)
    captions: list[str] = field(default_factory=list)  # the article's own photo captions, apart from its text
    text: str = ""
    story: str = ""  # the id shared by every copy of one story (reprints); this article's own id when seen once
    # The person's corrections, applied where the library is read (store/library/corrections.py), never by
    # extraction and never in ``to_dict``, whose values they replace: what extraction gave for each field set
    # by hand (``title``; ``city`` with its ``region``), and whether the item is marked as junk.
    extracted: dict[str, Any] = field(default_factory=dict)
    junk: bool = False

    def __post_init__(self) -> None:
        if not self.story or self.story == self.id:
            self.story = self.id  # one string, not two equal ones

    @property
    def corrected(self) -> list[str]:
        """The fields the person set (``title``, ``city``), and ``junk`` when marked so: an export's column."""
        return [name for name in ("title", "city") if name in self.extracted] + (["junk"] if self.junk else [])

    @property
    def label(self) -> str:
        """What a list shows for this article: its title, or its opening words when untitled."""
        if self.title:
            return self.title
        opening = self.text.strip().split("\n", 1)[0]
        return opening[:24] + ("…" if len(opening) > 24 else "")

    def sentence_of(self, figure: Figure) -> str:
        """The sentence of the text a figure stands in: what tells 近10万元 from exactly 100,000, and a
        figure of this article from the same number restated by another."""
        start = max(self.text.rfind(mark, 0, figure.start) for mark in _SENTENCE_MARKS) + 1
        ends = [at for at in (self.text.find(mark, figure.end) for mark in _SENTENCE_MARKS) if at >= 0]
        end = min(ends) + 1 if ends else len(self.text)
        return self.text[start:end].strip()

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "source": self.source,
            "first_line": self.first_line,
            "last_line": self.last_line,
            "kind": self.kind,
            "title": self.title,
            "kicker": self.kicker,
            "authors": list(self.authors),
            "published": self.published,
            "dates": [d.to_dict() for d in self.dates],
            "city": self.city,
            "region": self.region,
            "counties": list(self.counties),
            "places": [p.to_dict() for p in self.places],
            "programs": list(self.programs),
            "stars": list(self.stars),
            "star_counts": [s.to_dict() for s in self.star_counts],
            "figures": [f.to_dict() for f in self.figures],
            "keywords": list(self.keywords),
            "repairs": list(self.repairs),
            "captions": list(self.captions),
            "text": self.text,
            "story": self.story,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Article:
        data = _known(cls, data)
        get = data.get
        for name in _SHARED_FIELDS:
            value = get(name)
            if value is not None:
                data[name] = _shared(value)
        for name in _SHARED_LISTS:
            if get(name):
                data[name] = list(map(_shared, data[name]))
        data["dates"] = list(map(DateMention.from_dict, get("dates", ())))
        data["places"] = list(map(Place.from_dict, get("places", ())))
        data["star_counts"] = list(map(StarCount.from_dict, get("star_counts", ())))
        data["figures"] = list(map(Figure.from_dict, get("figures", ())))
        return cls(**data)


@dataclass
class Removed:
    """A raw line that belongs to no item, and why it was dropped."""

    line: int
    text: str
    reason: str

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Removed:
        return cls(**_known(cls, data))


@dataclass
class Page:
    """One source file: its raw text (kept so extraction can re-run) and what came out of it."""

    source: str
    path: str
    sha256: str
    encoding: str
    raw: str
    articles: list[Article] = field(default_factory=list)
    removed: list[Removed] = field(default_factory=list)

    def to_dict(self, *, with_articles: bool = True) -> dict[str, Any]:
        data = {
            "source": self.source,
            "path": self.path,
            "sha256": self.sha256,
            "encoding": self.encoding,
            "raw": self.raw,
            "removed": [r.to_dict() for r in self.removed],
        }
        if with_articles:
            data["articles"] = [a.to_dict() for a in self.articles]
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Page:
        data = _known(cls, data)
        data["articles"] = [Article.from_dict(a) for a in data.get("articles", [])]
        data["removed"] = [Removed.from_dict(r) for r in data.get("removed", [])]
        return cls(**data)


def stable_id(source: str, first_line: int, span_text: str) -> str:
    """Same source text gives the same id on every run and machine."""
    digest = hashlib.sha256(f"{source}\n{first_line}\n{span_text}".encode())
    return digest.hexdigest()[:16]


def iso_date(year: int, month: int, day: int) -> str | None:
    """``YYYY-MM-DD`` for a real day of a plausible news year (``Article.published``), else None."""
    if not 1900 <= year <= 2100:
        return None
    try:
        return datetime.date(year, month, day).isoformat()
    except ValueError:
        return None


def text_sha256(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


@dataclass
class Skipped:
    """A file that could not be read or processed, and why: reported, never fatal to the rest."""

    path: Path
    reason: str

    def message(self) -> str:
        return f"skipped {self.path}: {self.reason}"


@dataclass
class Unchanged:
    """A page whose text hashes to what the caller already holds for that path: not extracted again."""

    path: str  # the page's key (``library.page_key``)
    sha256: str
    bytes: int
