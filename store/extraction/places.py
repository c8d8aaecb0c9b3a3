"""Places: Henan cities, counties, townships and villages named in an article, resolved against the gazetteer.

The gazetteer (``data/henan_divisions.csv``, NBS 2023 codes; attribution in its README) is read once,
lazily. City, county, zone, alias and township names go into one index keyed by first character, so an
article is scanned in a single pass whatever the size of the gazetteer; villages are looked up only
inside the townships and counties an article has already settled, because half of all village names
repeat across counties. Short forms (漯河, 舞阳, 天中) are taken only where they stand as words of their
own (jieba decides on a small window), never inside 示范县 or 构建安全.

Rules and word lists live in ``data/places.json``.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from five_star.store.extraction.gazetteer import (
    Gazetteer,
    Surface,
    gazetteer,
    is_zone,
    village_short_name,
)
from five_star.store.extraction.vocabulary import domain_tokenizer
from five_star.store.model import Place
from five_star.store.resources import derived, place_rules

_CJK_GAP = re.compile(r"(?<=[\u3400-\u9fff])[ \t\u3000]+(?=[\u3400-\u9fff])")


@dataclass(frozen=True)
class MentionRules:
    """The parts of ``places.json`` read per article: banner lines, what a mention weighs, villages."""

    banner_max_chars: int
    banner_patterns: list[re.Pattern[str]]
    title_weight: float
    opening_weight: float
    body_weight: float
    opening_chars: int
    village_anchors: re.Pattern[str]
    village_min_core: int
    village_max_chars: int
    village_preceded_by: str


@derived
def mention_rules() -> MentionRules:
    data = place_rules()
    banner, weights, villages = data.section("banner_lines"), data.section("weights"), data.section("villages")
    return MentionRules(
        banner_max_chars=banner.integer("max_chars"),
        banner_patterns=banner.regexes("patterns"),
        title_weight=weights.number("title"),
        opening_weight=weights.number("opening"),
        body_weight=weights.number("body"),
        opening_chars=weights.integer("opening_chars"),
        village_anchors=re.compile("|".join(map(re.escape, villages.strings("anchors")))),
        village_min_core=villages.integer("min_core"),
        village_max_chars=villages.integer("max_chars"),
        village_preceded_by=villages.text("preceded_by"),
    )


@dataclass
class PlaceResult:
    places: list[Place] = field(default_factory=list)
    counties: list[str] = field(default_factory=list)
    city: str | None = None
    region: str = "unknown"


# ---------------------------------------------------------------------------------------------------
# Scanning an article


@dataclass
class Mention:
    segment: int
    start: int
    end: int
    written: str
    weight: float
    banner: bool
    order: int  # sorts mentions in reading order across lines


def _is_banner(line: str) -> bool:
    spec = mention_rules()
    return len(line) <= spec.banner_max_chars and any(p.search(line) for p in spec.banner_patterns)


@dataclass
class _Piece:
    """One line of the article, compacted, with what a mention on it weighs."""

    view: str
    kind: str  # title | banner | text
    offset: int  # characters of article text before this line (for the opening weight)

    def weight(self, start: int) -> float:
        spec = mention_rules()
        if self.kind == "title":
            return spec.title_weight
        if self.kind == "banner":
            return 0.0
        return spec.opening_weight if self.offset + start < spec.opening_chars else spec.body_weight


def _pieces(text: str, title: str | None) -> list[_Piece]:
    pieces = [_Piece(_CJK_GAP.sub("", title.strip()), "title", 0)] if title else []
    seen = 0
    for line in text.split("\n"):
        line = _CJK_GAP.sub("", line.strip())
        if not line:
            continue
        if _is_banner(line):
            pieces.append(_Piece(line, "banner", 0))
            continue
        pieces.append(_Piece(line, "text", seen))
        seen += len(line)
    return pieces


def _stands_alone(view: str, start: int, end: int) -> bool:
    """A short form counts only where jieba cuts the text around it (not 示范县, 构建安全, 今天中午)."""
    tok = domain_tokenizer()
    left = view[start - 1 : start + 1] if start > 0 else ""
    right = view[end - 1 : end + 1] if end < len(view) else ""
    if not (tok.FREQ.get(left) or tok.FREQ.get(right)):
        return True  # no dictionary word crosses either edge: nothing to decide
    lo = max(0, start - 3)
    cuts, pos = {0}, 0
    for token in tok.cut(view[lo : end + 3], HMM=False):
        pos += len(token)
        cuts.add(pos)
    return (start - lo) in cuts and (end - lo) in cuts


def _weak(written: str, surfaces: list[Surface]) -> bool:
    """Short forms, aliases and two-character full names (范县, 新县) can hide inside ordinary words."""
    return any(s.kind in ("short", "alias") for s in surfaces) or len(written) <= 2


def _longest_at(view: str, start: int, gaz: Gazetteer) -> str | None:
    for size in gaz.lengths[view[start]]:
        written = view[start : start + size]
        if written in gaz.surfaces:
            return written
    return None


def _scan(view: str, gaz: Gazetteer) -> Iterator[tuple[int, int, str]]:
    """Yield (start, end, written) for place names in one compacted line, leftmost-longest, filtered.

    A rejected name (示范县's 范县) lets scanning go on from its next character.
    """
    pos = 0
    for candidate in gaz.starts.finditer(view):
        start = candidate.start()
        if start < pos:
            continue
        written = _longest_at(view, start, gaz)
        if written is None:
            continue
        end = start + len(written)
        surfaces = gaz.surfaces[written]
        accepted = not gaz.outside.search(view[max(0, start - 12) : start])
        if accepted and _weak(written, surfaces) and surfaces[0].kind != "province":
            accepted = _stands_alone(view, start, end)
        if accepted:
            yield start, end, written
            pos = end


# ---------------------------------------------------------------------------------------------------
# Resolving mentions to units


@dataclass
class _Found:
    code: str
    weight: float
    banner: bool
    order: int


def _resolve_city_county(mentions: list[Mention], gaz: Gazetteer) -> tuple[list[_Found], list[tuple[Mention, list[Surface]]]]:
    """Cities and counties settled by the text itself, plus district short forms waiting for their city."""
    found: list[_Found] = []
    waiting: list[tuple[Mention, list[Surface]]] = []
    for m in mentions:
        surfaces = [s for s in gaz.surfaces[m.written] if s.kind in ("full", "short", "alias") and len(s.code) <= 6]
        if not surfaces:
            continue
        # A city beats a county of the same short name (濮阳 is 濮阳市, not 濮阳县).
        cities = [s for s in surfaces if len(s.code) == 4]
        chosen = cities or surfaces
        free = [s for s in chosen if not s.needs_city]
        if len(free) == 1:
            found.append(_Found(free[0].code, m.weight, m.banner, m.order))
        elif not free:
            waiting.append((m, chosen))
    return found, waiting


def _resolve_waiting(
    waiting: list[tuple[Mention, list[Surface]]], cities: set[str], gaz: Gazetteer
) -> list[_Found]:
    found = []
    for m, surfaces in waiting:
        fits = [s for s in surfaces if gaz.city_of(s.code) in cities]
        if len(fits) == 1:
            found.append(_Found(fits[0].code, m.weight, m.banner, m.order))
    return found


def _resolve_zones(mentions: list[Mention], by_order: dict[int, _Found], city: str | None, gaz: Gazetteer) -> list[_Found]:
    """`漯河市城乡一体化示范区` takes the city written before it; a bare `市…示范区` takes the article's city."""
    found = []
    previous: dict[int, Mention] = {}
    for m in mentions:
        if any(s.kind == "zone" for s in gaz.surfaces[m.written]):
            before = previous.get(m.segment)
            owner = None
            if before is not None and before.end == m.start and before.order in by_order:
                owner = gaz.city_of(by_order[before.order].code)
            elif city is not None:
                owner = city
            code = gaz.zone_rows.get((owner, gaz.zone_forms[m.written])) if owner else None
            if code:
                found.append(_Found(code, m.weight, m.banner, m.order))
        previous[m.segment] = m
    return found


def _resolve_townships(mentions: list[Mention], counties: set[str], cities: set[str], gaz: Gazetteer) -> list[_Found]:
    """A township name is taken only when one of its rows lies in a county, else a city, the article names."""
    found = []
    for m in mentions:
        rows = [s.code for s in gaz.surfaces[m.written] if s.kind == "full" and len(s.code) == 9]
        if not rows:
            continue
        for scope, key in ((counties, gaz.county_of), (cities, gaz.city_of)):
            fits = [code for code in rows if key(code) in scope]
            if len(fits) == 1:
                found.append(_Found(fits[0], m.weight, m.banner, m.order))
                break
            if len(fits) > 1:
                break
    return found


def _village_codes(name: str, townships: set[str], counties: set[str], gaz: Gazetteer) -> list[str]:
    """Rows a village name can be: in the settled townships first, else anywhere in the settled counties."""
    if not gaz.is_village_name(name):
        return []
    codes = [gaz.villages_in(t)[name] for t in townships if name in gaz.villages_in(t)]
    if codes:
        return codes
    return [code for c in counties for code in gaz.villages_of_county(c).get(name, ())]


def _resolve_villages(pieces: list[_Piece], townships: set[str], counties: set[str], gaz: Gazetteer) -> list[_Found]:
    """Villages of the settled townships; a village unique in a settled county also counts.

    The name must start where a word can start (after a township, a line start, punctuation or a
    listed function character): 南石庄村 is not 石庄村.
    """
    if not townships and not counties:
        return []
    spec = mention_rules()
    found = []
    for index, piece in enumerate(pieces):
        view = piece.view
        for match in spec.village_anchors.finditer(view):
            end, anchor = match.end(), match.group()
            for start in range(max(0, end - spec.village_max_chars), match.start()):
                codes = _village_codes(view[start:end], townships, counties, gaz)
                if len(codes) == 1 and _village_starts_here(view, start, end - len(anchor), codes[0], gaz):
                    found.append(_Found(codes[0], piece.weight(start), piece.kind == "banner", index * 10**5 + start))
                    break
    return found


def _village_starts_here(view: str, start: int, core_end: int, code: str, gaz: Gazetteer) -> bool:
    spec = mention_rules()
    before = view[:start]
    if before.endswith(gaz.units[code[:9]].name):
        return True
    if core_end - start < spec.village_min_core:
        return False
    return not before or not re.match(r"[\u3400-\u9fff]", before[-1]) or before[-1] in spec.village_preceded_by


def _choose_city(found: list[_Found], gaz: Gazetteer) -> str | None:
    """The city with the most weight; a tie goes to the city mentioned first."""
    scores: dict[str, float] = defaultdict(float)
    first: dict[str, int] = {}
    for f in found:
        city = gaz.city_of(f.code)
        scores[city] += f.weight
        first.setdefault(city, f.order)
    if not scores:
        return None
    return max(scores, key=lambda c: (scores[c], -first[c]))


def _context_city(name: str | None, gaz: Gazetteer) -> str | None:
    if not name:
        return None
    code = gaz.city_by_name.get(name) or gaz.city_by_name.get(name + "市")
    return code


def _place(code: str, gaz: Gazetteer) -> Place:
    unit = gaz.units[code]
    city = gaz.units[gaz.city_of(code)].name
    county_code = gaz.county_of(code)
    county = gaz.units[county_code].name if county_code else None
    # Villages go by the name news writes (王庄村), not the committee's (王庄村村民委员会).
    name = village_short_name(unit.name) if unit.level == "village" else unit.name
    return Place(name=name, level=unit.level, code=code, city=city, county=county)


def resolve_places(text: str, title: str | None = None, *, context_city: str | None = None) -> PlaceResult:
    """Places the article names, its county-level units and the one city it is about.

    ``context_city`` (say, the city the rest of the page is about) is used only when the article itself
    names no Henan place.
    """
    gaz = gazetteer()
    pieces = _pieces(text or "", title)
    mentions: list[Mention] = []
    for index, piece in enumerate(pieces):
        for start, end, written in _scan(piece.view, gaz):
            mentions.append(
                Mention(index, start, end, written, piece.weight(start), piece.kind == "banner", index * 10**5 + start)
            )

    found, waiting = _resolve_city_county(mentions, gaz)
    named_cities = {gaz.city_of(f.code) for f in found}
    found += _resolve_waiting(waiting, named_cities, gaz)
    counties = {f.code for f in found if len(f.code) == 6}
    townships = _resolve_townships(mentions, counties, named_cities, gaz)
    found += townships

    article = [f for f in found if not f.banner]
    city = _choose_city(article, gaz) or _choose_city(found, gaz) or _context_city(context_city, gaz)
    by_order = {f.order: f for f in found}
    found += _resolve_zones(mentions, by_order, city, gaz)
    found += _resolve_villages(pieces, {t.code for t in townships}, counties, gaz)

    found.sort(key=lambda f: f.order)
    places: list[Place] = []
    seen: set[str] = set()
    for f in found:
        if f.code not in seen and not f.banner:
            seen.add(f.code)
            places.append(_place(f.code, gaz))
    county_names = [p.name for p in places if p.level == "county" and not is_zone(p.code)]
    return PlaceResult(
        places=places,
        counties=county_names,
        city=gaz.units[city].name if city else None,
        region="henan" if city else "unknown",
    )


def resolve_page_places(items: Iterable[tuple[str, str | None]]) -> list[PlaceResult]:
    """``resolve_places`` for every ``(text, title)`` of one page, in order: what the pipeline runs.

    The page's city is the one most of its items are about (ties: the first). Pages are usually one
    city's paper or special issue, so it is the context for items that name no place at all, such as
    photo captions. Only items without a city of their own are resolved again: the context counts only
    where an item names no Henan place, and any other item would come out the same.
    """
    items = list(items)
    first = [resolve_places(text, title) for text, title in items]
    votes = Counter(result.city for result in first if result.city)
    if not votes:
        return first
    context = votes.most_common(1)[0][0]
    return [
        result if result.city is not None else resolve_places(text, title, context_city=context)
        for result, (text, title) in zip(first, items, strict=True)
    ]
