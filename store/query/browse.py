"""How the app's tree groups articles: city → program → article, or program → city → article.

Textual-free so the grouping is testable on its own. The tree needs only a small summary of each
article, bucketed once; each tree level is then a lookup filtered by the set of articles currently
shown (a search narrows it). Reprints (articles sharing a ``story``) count once: a group's count is its
stories, and its leaves are each story's first article, the copies one level below (``leads``,
``copies_of``). The summaries are also cached beside the user's other caches, keyed by
the library file's identity, so that the tree of a 20,000-article library can be drawn before the
library itself (a file of ~100 MB) has been read.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Collection, Iterable
from contextlib import suppress
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import NamedTuple

from five_star.store.errors import FiveStarError
from five_star.store.library.corrections import corrections_path
from five_star.store.library.library import Library, read_summaries
from five_star.store.library.rows import summary_fields
from five_star.store.library.storage import dumps, gc_paused, loads
from five_star.store.locations import cache_dir
from five_star.store.model import REGIONS, Article, Place

UNLOCATED = REGIONS["unknown"]
"""Group for articles whose city could not be resolved."""
PROVINCE_WIDE = REGIONS["province"]
"""Group for province-wide articles (region ``province``): no one city."""
OUTSIDE_HENAN = REGIONS["outside"]
"""Group for articles about places outside Henan (region ``outside``)."""
NO_PROGRAM = "其他"
"""Group for articles that name no program."""

_REGION_GROUPS = {"province": PROVINCE_WIDE, "outside": OUTSIDE_HENAN}
# After the cities (rank 0), in this order: where an article without a city still has a known place.
_GROUP_RANK = {PROVINCE_WIDE: 1, OUTSIDE_HENAN: 2, UNLOCATED: 3, NO_PROGRAM: 3}


class Grouping(StrEnum):
    CITY = "city"  # city → program → article
    PROGRAM = "program"  # program → city → article

    def flipped(self) -> Grouping:
        return Grouping.PROGRAM if self is Grouping.CITY else Grouping.CITY


@dataclass(frozen=True)
class Group:
    name: str
    count: int


class Summary(NamedTuple):
    """What the tree shows of an article (a tuple: 20,000 of them load in a blink)."""

    id: str
    city: str | None
    programs: tuple[str, ...]
    label: str
    kind: str
    source: str
    region: str = "unknown"
    story: str = ""  # "" for the article's own id (a story seen once)

    @classmethod
    def of(cls, article: Article) -> Summary:
        return cls(*summary_fields(article))


def contradicting_places(article: Article) -> list[Place]:
    """County-level places (counties, districts, county-level cities, zones) in another city than the
    article's: a study tour to 兰考 is fine, but the reader should see it next to the city it contradicts."""
    if article.city is None:
        return []
    return [p for p in article.places if p.level == "county" and p.city != article.city]


def city_key(article: Article | Summary) -> str:
    """The article's city; without one, 全省 or 河南省外 when its region says so, else 未定位."""
    return article.city or _REGION_GROUPS.get(article.region, UNLOCATED)


def program_keys(article: Article | Summary) -> list[str]:
    """An article under several programs belongs to each; one under none to the ``其他`` group."""
    return list(dict.fromkeys(article.programs)) or [NO_PROGRAM]


def ranked_groups(counts: Iterable[tuple[str, int]]) -> list[Group]:
    """Most articles first; then 全省 and 河南省外, and the catch-all groups last, whatever their size; ties by name."""
    groups = [Group(name, count) for name, count in counts if count]
    return sorted(groups, key=lambda g: (_GROUP_RANK.get(g.name, 0), -g.count, g.name))


def _keep(ids: list[str], shown: Collection[str] | None) -> list[str]:
    if shown is None:
        return list(ids)
    return [article_id for article_id in ids if article_id in shown]


class BrowseIndex:
    """Article summaries bucketed by grouping, ids kept in library order within every bucket.

    A grouping's buckets are made the first time it is asked for, so launching pays for one; ``grouping``
    makes its buckets at once, where the index is made (a worker), not where the tree is first drawn (the UI
    thread: 0.3 s at 100,000 articles). Counts (``len``, the groups') are of stories: the articles of one
    story count once.
    """

    def __init__(self, summaries: Iterable[Summary], grouping: Grouping | None = None) -> None:
        self.articles: dict[str, Summary] = {}
        for summary in summaries:
            self.articles.setdefault(summary.id, summary)
        self.order: list[str] = list(self.articles)
        # Only stories told more than once: most libraries have few, and the counts skip this when none.
        members: dict[str, list[str]] = {}
        for article_id, summary in self.articles.items():
            if summary.story and summary.story != article_id:
                members.setdefault(summary.story, []).append(article_id)
        for story, ids in members.items():
            if story in self.articles and story not in ids:  # the story's first copy keeps its own id as story
                ids.insert(0, story)
        order = {article_id: n for n, article_id in enumerate(self.order)}
        self.reprinted: dict[str, tuple[str, ...]] = {
            story: tuple(sorted(ids, key=order.__getitem__)) for story, ids in members.items() if len(ids) > 1
        }
        self.story_of: dict[str, str] = {article_id: story for story, ids in self.reprinted.items() for article_id in ids}
        self._buckets: dict[Grouping, tuple[dict[str, list[str]], dict[str, dict[str, list[str]]]]] = {}
        if grouping is not None:
            self._tables(grouping)

    @classmethod
    def of(cls, articles: Iterable[Article], grouping: Grouping | None = None) -> BrowseIndex:
        return cls((Summary.of(a) for a in articles), grouping)

    def _tables(self, grouping: Grouping) -> tuple[dict[str, list[str]], dict[str, dict[str, list[str]]]]:
        """(top group → distinct ids, top group → middle group → ids) for ``grouping``."""
        if grouping not in self._buckets:
            top: dict[str, list[str]] = {}
            nested: dict[str, dict[str, list[str]]] = {}
            with gc_paused():  # tens of thousands of small containers: no point scanning them midway
                for article_id, summary in self.articles.items():
                    city, programs = city_key(summary), program_keys(summary)
                    if grouping is Grouping.CITY:
                        top.setdefault(city, []).append(article_id)
                        inner = nested.setdefault(city, {})
                        for program in programs:
                            inner.setdefault(program, []).append(article_id)
                    else:
                        for program in programs:
                            top.setdefault(program, []).append(article_id)
                            nested.setdefault(program, {}).setdefault(city, []).append(article_id)
            self._buckets[grouping] = (top, nested)
        return self._buckets[grouping]

    def __len__(self) -> int:
        """The stories: articles less the reprints of another."""
        return len(self.order) - sum(len(ids) - 1 for ids in self.reprinted.values())

    def stories(self, ids: Iterable[str]) -> int:
        """How many stories the articles ``ids`` tell."""
        if not self.reprinted:
            return len(ids) if isinstance(ids, Collection) else sum(1 for _ in ids)
        story_of = self.story_of
        return len({story_of.get(article_id, article_id) for article_id in ids})

    def leads(self, ids: Iterable[str]) -> list[str]:
        """``ids`` with only the first of each story's articles: what the tree lists, the copies under it."""
        if not self.reprinted:
            return list(ids)
        story_of, seen, kept = self.story_of, set(), []
        for article_id in ids:
            story = story_of.get(article_id, article_id)
            if story not in seen:
                seen.add(story)
                kept.append(article_id)
        return kept

    def copies_of(self, article_id: str) -> list[str]:
        """The other articles of the article's story, in library order (shown or not: the same story)."""
        story = self.story_of.get(article_id)
        return [other for other in self.reprinted[story] if other != article_id] if story is not None else []

    def _count(self, ids: list[str], shown: Collection[str] | None) -> int:
        return self.stories(ids if shown is None else (article_id for article_id in ids if article_id in shown))

    def top(self, grouping: Grouping, shown: Collection[str] | None = None) -> list[Group]:
        """First tree level: cities (or programs) with the number of shown stories under each."""
        return ranked_groups((name, self._count(ids, shown)) for name, ids in self._tables(grouping)[0].items())

    def middle(self, grouping: Grouping, top: str, shown: Collection[str] | None = None) -> list[Group]:
        """Second level under ``top``: its programs (or cities) with counts of stories."""
        inner = self._tables(grouping)[1].get(top, {})
        return ranked_groups((name, self._count(ids, shown)) for name, ids in inner.items())

    def leaves(
        self, grouping: Grouping, top: str, middle: str, shown: Collection[str] | None = None
    ) -> list[str]:
        """Article ids under ``top`` → ``middle``, in library order."""
        return _keep(self._tables(grouping)[1].get(top, {}).get(middle, []), shown)

    def under(
        self,
        grouping: Grouping,
        top: str,
        middle: str | None = None,
        shown: Collection[str] | None = None,
    ) -> list[str]:
        """Every distinct article id under a group node, in library order."""
        if middle is not None:
            return self.leaves(grouping, top, middle, shown)
        return _keep(self._tables(grouping)[0].get(top, []), shown)

    def paths(self, grouping: Grouping, article: Summary) -> list[tuple[str, str]]:
        """Every (top, middle) pair the article appears under, in the article's own program order."""
        city = city_key(article)
        pairs = [(city, program) for program in program_keys(article)]
        if grouping is Grouping.PROGRAM:
            pairs = [(program, city) for city, program in pairs]
        return pairs


# ---- the summary cache ------------------------------------------------------------------------

_CACHE_VERSION = 3  # 2: summaries carry the region; 3: and the story


def library_stamp(library: Path) -> list[int] | None:
    """The library file's identity: it is replaced atomically on every write, so any change alters it."""
    try:
        st = library.stat()
    except OSError:
        return None
    return [st.st_size, st.st_mtime_ns, st.st_ino]


def summary_cache_path(library: Path) -> Path:
    key = hashlib.sha256(os.fsencode(library.expanduser().resolve())).hexdigest()[:24]  # any name, even not UTF-8
    return cache_dir() / "browse" / f"{key}.json"


def read_cached_summaries(library: Path) -> list[Summary] | None:
    """The summaries saved for this very library file, or None when there are none or they are out of date."""
    try:
        with gc_paused():
            data = loads(summary_cache_path(library).read_bytes())
            if data["version"] != _CACHE_VERSION or data["stamp"] != library_stamp(library):
                return None
            return [
                Summary(i, c, tuple(p), label, kind, source, region, story)
                for i, c, p, label, kind, source, region, story in data["articles"]
            ]
    except (OSError, ValueError, KeyError, TypeError):
        return None  # a cache is only ever a shortcut


def write_cached_summaries(library: Path, stamp: list[int] | None, summaries: Iterable[Summary]) -> None:
    """Save summaries read from the library file as it was at ``stamp`` (taken before reading it)."""
    if stamp is None:
        return
    data = {"version": _CACHE_VERSION, "stamp": stamp, "articles": list(summaries)}
    temp: Path | None = None
    try:  # finding the cache folder may fail too (it cannot be made): the data is saved, the cache optional
        path = summary_cache_path(library)
        path.parent.mkdir(parents=True, exist_ok=True)
        temp = path.with_suffix(f".{os.getpid()}.tmp")
        temp.write_bytes(dumps(data))
        os.replace(temp, path)
    except OSError:  # no cache next time; nothing else depends on it
        if temp is not None:
            with suppress(OSError):
                temp.unlink()


def read_stored_summaries(library: Path) -> list[Summary] | None:
    """The summaries the library file keeps beside its articles (``library.read_summaries``), read without
    the articles; None when the file has none, or when the person has corrections (which the file's
    summaries, written by ingest, do not show: then the articles are read, corrected)."""
    if corrections_path(library).exists():
        return None
    try:
        stored = read_summaries(library)
    except (FiveStarError, OSError):
        return None  # the full read that follows says what is wrong
    if stored is None:
        return None
    return [Summary(i, c, tuple(p), label, kind, source, region, story) for i, c, p, label, kind, source, region, story in stored]


def refresh_cached_summaries(library: Path) -> None:
    """Rebuild the summaries after a command changed the library, so the next launch draws at once."""
    stamp = library_stamp(library)
    if stamp is None or read_cached_summaries(library) is not None:
        return  # nothing was ever written, or the cache already matches this very file
    summaries = read_stored_summaries(library)
    if summaries is None:
        with Library.open(library, create=False) as opened:
            summaries = [Summary.of(article) for article in opened.articles()]
    write_cached_summaries(library, stamp, summaries)
