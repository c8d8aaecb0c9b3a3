"""Reprints: which stored articles are one story (``Article.story``), found by near-duplicate text.

The same report reaches the library from several sites: with another site's chrome, in traditional
characters, under a different headline line, with a sentence added or a word changed. The library gives
every copy the ``story`` of the first copy it stored, so counts can count the story once.

**Method: bottom-k MinHash over character 4-grams of the folded text.** The text (never the title: a
reprint often has another headline) is folded as search folds it for comparison — NFKC, traditional →
simplified with the pipeline's OpenCC converter, lower case — and everything but letters and digits is
dropped, so punctuation, spacing and line breaks (what sites change most) do not count. Chinese has no
spaces to make words of, and word segmentation would add a slow, version-dependent step; overlapping
4-character shingles capture the wording, and a one-character edit changes only the four that cover it.
Each shingle is hashed with CRC-32 of its UTF-8 (``zlib.crc32``: the same on every machine and process,
unlike ``hash()`` of a str, which is salted per process); the sketch keeps the 64 smallest hashes. The
64 smallest of two sketches' union estimate the Jaccard resemblance of the two shingle sets (the share
of them found in both sketches), exactly when both texts have fewer than 64 shingles. Measured against
exact Jaccard on the development corpus with random edits, CRC-32 estimates as well as BLAKE2 or a
MurmurHash finaliser (bias below 0.003, spread 0.05, the theoretical spread for 64 samples) at a third
of BLAKE2's cost.

**Finding candidates** without comparing each new article to every stored one: each article is posted
under its ``probe`` smallest hashes. Two texts of resemblance J share at least one of those with
probability about 1 − (1 − J)^probe (at J = 0.3 and probe 12: 0.986), and their sketches are then
compared. A posting holds at most ``posting_cap`` articles: a hash that many articles share is a
boilerplate phrase, which tells nothing about which story an article is (and a full posting still
leads to that many copies of a story repeated that often).

**Short texts** (photo captions, one-liners) share generic phrases by chance (图为活动现场), so they
need more than their words. A text of fewer than ``short_shingles`` shingles is one story with another
at ``short_threshold``, or at ``threshold`` when their pages already share a story (another article of
each is one story: the page is a reprint, and the caption is its copy); one of fewer than
``min_shingles`` (about 20 characters) only when its words are the same and it stands beside a copy.
``assign_page`` therefore gives a page's long articles first.

**Facts.** A reprint keeps the report's figures and places; a report written from another's template
(one county's 推进会 with the next county's names and numbers) does not, though most of its wording is
the same. An article's facts are its distinct numbers (years left out) and the places it is about (its
city, counties and resolved places). Two articles of different cities are never one story, and when
both have at least ``min_facts`` facts, they are one story only if at least ``facts_share`` of the fewer
facts are the other's too. The sketch keeps the city's hash and the ``max_facts`` smallest of the facts'.

**Thresholds** (``data/stories.json``) were chosen with ``benchmarks/stories_report.py``: true reprints
resemble each other at 0.52 or more (the corpus's rewritten 宝丰 report is the lowest; copies of the
seeds with chrome, headline, traditional characters and edits are higher), different stories of the
development corpus at 0.08 at most, so ``threshold`` 0.3 sits in the middle of the gap, low enough for
a copy that keeps only part of a page (a truncated mirror).

**Why not a library.** datasketch (MinHash LSH) needs numpy and scipy, which the project does not
otherwise install; the simhash packages work on word features and 64-bit fingerprints that are poor at
the short texts of this corpus and give no resemblance to set a threshold on. What is needed here is a
hash, a sort and a dictionary: a few hundred lines with nothing to install, and about 0.35 ms of CPU
per article (``benchmarks/stories_bench.py``: 7–8 s for 20,000).

The library's write path keeps a ``StoryIndex`` of the stored articles (rows of its ``stories`` table:
id, story, sketch, page) and asks it for each page's articles as it stores them.
"""

from __future__ import annotations

import base64
import binascii
import re
import struct
import sys
import unicodedata
import zlib
from array import array
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

from five_star.store.reading.repair import to_simplified
from five_star.store.resources import derived, json_rules

_NOT_LETTER_OR_DIGIT = re.compile(r"[\W_]+")
_NUMBER = re.compile(r"\d+")
_YEAR = re.compile(r"(?:19|20)\d\d")


class Sketch(NamedTuple):
    """What an article's text is compared by: hashes, ascending (tuples as made, arrays as kept)."""

    shingles: Sequence[int]  # the smallest ``sketch_size`` of its shingles' (all of them for a short text)
    facts: Sequence[int] = ()  # the smallest ``max_facts`` of its facts' (numbers and places)
    city: int = 0  # its city's, 0 for none


@dataclass(frozen=True)
class StoryRules:
    """``data/stories.json``: how texts are sketched and when two are one story."""

    shingle_chars: int
    sketch_size: int
    max_chars: int  # of an article's text: a page of megabytes costs no more than this
    threshold: float  # estimated resemblance at or above which two texts are one story
    min_shingles: int  # below this, an article is grouped only by its very words, beside a copy
    short_shingles: int  # below this (either text), ``short_threshold`` applies
    short_threshold: float
    min_facts: int  # both articles have this many facts: ``facts_share`` of them must agree
    facts_share: float
    max_facts: int
    probe: int  # smallest hashes an article is posted under, to be found as a candidate
    posting_cap: int
    verify: int  # candidates whose sketches are compared, those sharing the most probe hashes first

    @property
    def tag(self) -> str:
        """Written before every sketch: sketches made with other shingles or sizes are not comparable."""
        return f"m{self.shingle_chars}.{self.sketch_size}.{self.max_facts}:"


_COUNTS = ("shingle_chars", "sketch_size", "max_chars", "min_shingles", "short_shingles", "min_facts", "max_facts",
           "probe", "posting_cap", "verify")
_SHARES = ("threshold", "short_threshold", "facts_share")


@derived
def story_rules() -> StoryRules:
    spec = json_rules("stories.json")
    counts = {name: spec.integer(name) for name in _COUNTS}
    shares = {name: spec.number(name) for name in _SHARES}
    for name, count in counts.items():
        if count < 1:
            raise spec.fault(name, "should be at least 1")
    for name, share in shares.items():
        if not 0 < share <= 1:
            raise spec.fault(name, "should be a share above 0 and at most 1")
    if counts["probe"] > counts["sketch_size"] or counts["short_shingles"] > counts["sketch_size"]:
        raise spec.fault("sketch_size", "should be at least probe and short_shingles")
    return StoryRules(
        shingle_chars=counts["shingle_chars"], sketch_size=counts["sketch_size"], max_chars=counts["max_chars"],
        threshold=shares["threshold"], min_shingles=counts["min_shingles"], short_shingles=counts["short_shingles"],
        short_threshold=shares["short_threshold"], min_facts=counts["min_facts"], facts_share=shares["facts_share"],
        max_facts=counts["max_facts"], probe=counts["probe"], posting_cap=counts["posting_cap"], verify=counts["verify"],
    )


def story_text(text: str) -> str:
    """The form texts are compared in: NFKC, simplified characters, lower case, letters and digits only."""
    kept = _NOT_LETTER_OR_DIGIT.sub("", text)  # first: most of what NFKC would change is punctuation
    if not unicodedata.is_normalized("NFKC", kept):
        kept = _NOT_LETTER_OR_DIGIT.sub("", unicodedata.normalize("NFKC", kept))
    simplified, _ = to_simplified(kept.lower())
    return simplified


def sketch_of(text: str, rules: StoryRules | None = None, places: Iterable[str] = (), city: str | None = None) -> Sketch:
    """The sketch of an article's text, and of the ``places`` it is about (``city`` among them)."""
    rules = rules or story_rules()
    folded = story_text(text[: rules.max_chars])
    count = len(folded) - rules.shingle_chars + 1
    # map() all the way down: no Python code runs per shingle (a third faster than a comprehension).
    shingles = map(folded.__getitem__, map(slice, range(count), range(rules.shingle_chars, len(folded) + 1)))
    hashes = set(map(zlib.crc32, map(str.encode, shingles))) if count > 0 else set()
    facts = {number for number in _NUMBER.findall(folded) if not _YEAR.fullmatch(number)}
    facts.update(places)  # the gazetteer's names, simplified already; a name never reads as a number
    return Sketch(_smallest(hashes, rules.sketch_size),
                  tuple(sorted(zlib.crc32(fact.encode()) for fact in facts if fact)[: rules.max_facts]),
                  zlib.crc32(city.encode()) if city else 0)


def _smallest(hashes: set[int], count: int) -> tuple[int, ...]:
    """The ``count`` smallest, ascending. Hashes are spread evenly over 32 bits, so those below four times
    the expected ``count``-th are nearly always enough: sorting them alone is twice as fast at 700."""
    if len(hashes) > 8 * count:
        below = sorted(filter((4 * count * (1 << 32) // len(hashes)).__gt__, hashes))
        if len(below) >= count:
            return tuple(below[:count])
    return tuple(sorted(hashes)[:count])


def places_of(row: Mapping[str, Any]) -> list[str]:
    """The names of the places an article row is about: its city, counties and resolved places."""
    names = [row.get("city"), *(row.get("counties") or ())]
    names += [place.get("name") for place in row.get("places") or () if isinstance(place, Mapping)]
    return [name for name in names if isinstance(name, str)]


def resemblance(a: Sequence[int], b: Sequence[int], size: int) -> float:
    """Estimated Jaccard resemblance of the shingle sets two bottom-``size`` sketches were made from.

    A hash among the ``size`` smallest of both sketches together is in both sets exactly when it is in
    both sketches (each sketch holds every hash of its set up to that one).
    """
    return _resemblance(set(a), set(b), size)


def _resemblance(a: set[int], b: set[int], size: int) -> float:
    both = a & b
    if not both:
        return 0.0
    union = sorted(a | b)
    cutoff = union[min(size, len(union)) - 1]
    return sum(1 for value in both if value <= cutoff) / min(size, len(union))


def _at_most(a: set[int], b: Sequence[int], size: int) -> float:
    """An upper bound of ``resemblance`` that costs a set intersection: most candidates fail it."""
    shared = len(a.intersection(b))
    return shared / min(size, len(a) + len(b) - shared) if shared else 0.0


def facts_agree(a: Sequence[int], b: Sequence[int], rules: StoryRules) -> bool:
    """Whether two articles' facts allow them to be one story (see the module docstring)."""
    if min(len(a), len(b)) < rules.min_facts:
        return True
    # A capped list holds every fact hash up to its last: compare below the lower of the two caps.
    cutoff = min(a[-1] if len(a) >= rules.max_facts else 1 << 32, b[-1] if len(b) >= rules.max_facts else 1 << 32)
    kept_a, kept_b = {v for v in a if v <= cutoff}, {v for v in b if v <= cutoff}
    fewer = min(len(kept_a), len(kept_b))
    return not fewer or len(kept_a & kept_b) >= rules.facts_share * fewer


def _matching(a: Sketch, a_set: set[int], b: Sketch, rules: StoryRules, beside_copy: bool) -> float | None:
    """The resemblance of two sketches when they are one story, else None (cheapest tests first).
    ``a_set``: ``a``'s shingles as a set, made once for all candidates; ``beside_copy``: the two pages
    already share a story."""
    fewest = min(len(a.shingles), len(b.shingles))
    if not fewest or (a.city and b.city and a.city != b.city):
        return None
    if fewest < rules.min_shingles:  # a one-liner: only its very words, and only beside a copy
        return 1.0 if beside_copy and tuple(a.shingles) == tuple(b.shingles) else None
    needed = rules.short_threshold if fewest < rules.short_shingles and not beside_copy else rules.threshold
    if _at_most(a_set, b.shingles, rules.sketch_size) < needed or not facts_agree(a.facts, b.facts, rules):
        return None
    score = _resemblance(a_set, set(b.shingles), rules.sketch_size)
    return score if score >= needed else None


def encode_sketch(sketch: Sketch, rules: StoryRules) -> str:
    """Compact text for the library file: the rules' tag, then the shingle hashes, the fact hashes and the
    city's hash as base64, apart (about 460 characters for a long article)."""
    if not sketch.shingles:
        return ""
    parts = (struct.pack(f">{len(sketch.shingles)}I", *sketch.shingles),
             struct.pack(f">{len(sketch.facts)}I", *sketch.facts), struct.pack(">I", sketch.city))
    return rules.tag + ",".join(base64.b64encode(part).decode("ascii") for part in parts)


def decode_sketch(text: object, rules: StoryRules) -> Sketch | None:
    """A stored sketch (its hashes as arrays, as the index keeps them); None when there is none, or it was
    made under other rules, or is damaged. Read for every stored article when an ingest starts: kept lean."""
    if not isinstance(text, str) or not text.startswith(rules.tag):
        return None
    parts = text[len(rules.tag) :].split(",")
    if len(parts) != 3:
        return None
    try:
        shingles, facts, city = (binascii.a2b_base64(part, strict_mode=True) for part in parts)
    except (binascii.Error, ValueError):
        return None
    if not shingles or any(len(part) % 4 for part in (shingles, facts)) or len(city) != 4:
        return None
    if len(shingles) // 4 > rules.sketch_size or len(facts) // 4 > rules.max_facts:
        return None
    return Sketch(_hashes(shingles), _hashes(facts), int.from_bytes(city, "big"))


def _hashes(data: bytes) -> array:
    """Big-endian 32-bit hashes (as ``encode_sketch`` packs them) as an array."""
    hashes = array("I")
    hashes.frombytes(data)
    if sys.byteorder == "little":
        hashes.byteswap()
    return hashes


class StoryIndex:
    """The stored articles' sketches and stories, and which new article is a copy of which story."""

    def __init__(self, rules: StoryRules | None = None) -> None:
        self.rules = rules or story_rules()
        self._story: dict[str, str] = {}  # article id -> story
        self._sketch: dict[str, Sketch] = {}  # articles with a text to compare
        self._page: dict[str, str] = {}  # article id -> page key, when known
        self._anchors: dict[str, dict[str, str]] = {}  # page -> {id: story} of its articles long enough to tell
        self._postings: dict[int, list[str]] = {}

    @classmethod
    def from_rows(cls, rows: Iterable[Mapping[str, Any]]) -> StoryIndex:
        """From the library's ``stories`` rows. A row whose sketch cannot be read (damaged, or made under
        other rules) keeps its story but is not found as a copy until ``reindex`` sketches it again."""
        index = cls()
        for row in rows:
            article_id, story, page = row.get("id"), row.get("story"), row.get("page")
            if not isinstance(article_id, str) or not article_id:
                continue
            index._add(article_id, story if isinstance(story, str) and story else article_id,
                       decode_sketch(row.get("sketch"), index.rules), page if isinstance(page, str) else None)
        return index

    def __len__(self) -> int:
        return len(self._story)

    def story_of(self, article_id: str) -> str | None:
        return self._story.get(article_id)

    def assign(self, row: Mapping[str, Any]) -> dict[str, str]:
        """The ``stories`` row of a stored article row (``Article.to_dict()`` and ``page``), added to the index:
        ``{"id", "story", "sketch", "page"}``.

        Its story is that of the most resembling indexed copy, else its own id. An article indexed
        already (a page stored again) is first forgotten, so it never finds itself. A short text is
        matched with the help of the articles of its page given before it: ``assign_page`` gives the
        long ones first.
        """
        return self._assign(row, self._sketch_row(row))

    def assign_page(self, rows: Iterable[Mapping[str, Any]]) -> list[dict[str, str]]:
        """``assign`` for the rows of one page, in their order; the articles long enough to tell a story by
        their own words go first, so that every caption of a reprinted page is matched beside them."""
        rows = list(rows)
        for row in rows:
            self.forget(row["id"])
        sketches = [self._sketch_row(row) for row in rows]
        order = sorted(range(len(rows)), key=lambda n: len(sketches[n].shingles) < self.rules.short_shingles)
        stored = {n: self._assign(rows[n], sketches[n]) for n in order}
        return [stored[n] for n in range(len(rows))]

    def _sketch_row(self, row: Mapping[str, Any]) -> Sketch:
        text = row.get("text")
        city = row.get("city")
        return sketch_of(text if isinstance(text, str) else "", self.rules, places_of(row),
                         city if isinstance(city, str) else None)

    def _assign(self, row: Mapping[str, Any], sketch: Sketch) -> dict[str, str]:
        article_id, page = row["id"], row.get("page")
        page = page if isinstance(page, str) else None
        self.forget(article_id)
        story = self._copy_of(sketch, page) or article_id
        self._add(article_id, story, sketch, page)
        stored = {"id": article_id, "story": story, "sketch": encode_sketch(sketch, self.rules)}
        if page is not None:
            stored["page"] = page
        return stored

    def forget(self, article_id: str) -> None:
        """The article was removed or replaced. Copies that took their story from it keep it: a story id
        is a name for the group, and the copies still hold it between them."""
        self._story.pop(article_id, None)
        page = self._page.pop(article_id, None)
        if page is not None and page in self._anchors:
            self._anchors[page].pop(article_id, None)
            if not self._anchors[page]:
                del self._anchors[page]
        sketch = self._sketch.pop(article_id, None)
        for value in sketch.shingles[: self.rules.probe] if sketch else ():
            posted = self._postings.get(value)
            if posted is not None and article_id in posted:
                posted.remove(article_id)
                if not posted:
                    del self._postings[value]

    def _add(self, article_id: str, story: str, sketch: Sketch | None, page: str | None) -> None:
        self._story[article_id] = story
        if page is not None:
            self._page[article_id] = page
        if sketch is None or not sketch.shingles:
            return
        # Arrays take a tenth of a tuple's memory: 7 MB at 20,000 articles.
        if not isinstance(sketch.shingles, array):
            sketch = Sketch(array("I", sketch.shingles), array("I", sketch.facts), sketch.city)
        self._sketch[article_id] = sketch
        if page is not None and len(sketch.shingles) >= self.rules.short_shingles:
            self._anchors.setdefault(page, {})[article_id] = story
        cap = self.rules.posting_cap
        for value in sketch.shingles[: self.rules.probe]:
            posted = self._postings.setdefault(value, [])
            if len(posted) < cap:
                posted.append(article_id)

    def _beside_copy(self, page: str | None, other: str) -> bool:
        """Whether ``page`` and the page of article ``other`` (another page) already share a story."""
        other_page = self._page.get(other)
        if page is None or other_page is None or other_page == page:
            return False
        mine = set(self._anchors.get(page, {}).values())
        return bool(mine) and not mine.isdisjoint(self._anchors.get(other_page, {}).values())

    def _copy_of(self, sketch: Sketch, page: str | None) -> str | None:
        """The story of the indexed article most like ``sketch``, if one is like it enough."""
        if not sketch.shingles:
            return None
        shared: Counter[str] = Counter()
        for value in sketch.shingles[: self.rules.probe]:
            shared.update(self._postings.get(value, ()))
        best, best_score = None, 0.0
        rules = self.rules
        short = len(sketch.shingles) < rules.short_shingles
        mine = set(sketch.shingles)
        for candidate, _ in shared.most_common(rules.verify):
            if best is not None and self._story[candidate] == best:
                continue  # a story found already: its other copies could only name it again
            other = self._sketch[candidate]
            beside = (short or len(other.shingles) < rules.short_shingles) and self._beside_copy(page, candidate)
            score = _matching(sketch, mine, other, rules, beside)
            if score is not None and score > best_score:
                best, best_score = self._story[candidate], score
        return best
