"""Places: Henan cities, counties, townships and villages named in an article, resolved against the gazetteer.

The gazetteer (``data/henan_divisions.csv``, NBS 2023 codes; attribution in its README) is read once,
lazily. City, county, zone, alias and township names go into one index keyed by their first two
characters, so an article is scanned in a single pass whatever the size of the gazetteer; villages are
looked up inside the townships and counties an article has already settled, because half of all
village names repeat across counties, and elsewhere only when the name is Henan's only one. Short forms (漯河, 舞阳, 天中) are
taken only where they stand as words of their own (jieba decides on a small window), never inside 示范县,
构建安全 or across an official's title (部长葛某某).

Besides the city, an article gets a region: Henan, outside Henan (the other provinces of
``data/china_prefectures.csv`` outweigh every Henan city), province-wide (no city holds most of the
weight, or the title names the province and no city) or unknown. Site banners never decide either.

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
    other_provinces,
    village_short_name,
)
from five_star.store.extraction.place_rules import mention_rules
from five_star.store.extraction.vocabulary import domain_tokenizer
from five_star.store.model import Place

_CJK_GAP = re.compile(r"(?<=[\u3400-\u9fff])[ \t\u3000]+(?=[\u3400-\u9fff])")
# Mentions are ordered by (piece, offset) packed in one number: a piece may run to the longest page a
# reader accepts (8 MiB of text on one line), so an offset never reaches into the next piece.
_PIECE_SPAN = 10**9


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
    """A site's banner or navigation (short lines only), or its own promotion (an app, 官微: any length)."""
    spec = mention_rules()
    if spec.banner_any_length.search(line):
        return True
    return len(line) <= spec.banner_max_chars and bool(spec.banner_patterns.search(line))


def _is_caption(line: str) -> bool:
    return bool(mention_rules().caption_patterns.search(line))


@dataclass
class _Piece:
    """One line of the article, compacted, with what a mention on it weighs."""

    view: str
    kind: str  # title | banner | caption | text
    offset: int  # characters of article text before this line (for the opening weight)

    def weight(self, start: int) -> float:
        spec = mention_rules()
        if self.kind == "title":
            return spec.title_weight
        if self.kind == "banner":
            return 0.0
        if self.kind == "caption":
            return spec.body_weight
        return spec.opening_weight if self.offset + start < spec.opening_chars else spec.body_weight


def _pieces(text: str, title: str | None) -> list[_Piece]:
    """The title and the lines; a photo caption before any text is no opening (新华社发, 摄)."""
    pieces = [_Piece(_CJK_GAP.sub("", title.strip()), "title", 0)] if title else []
    seen = 0
    for line in text.split("\n"):
        line = _CJK_GAP.sub("", line.strip())
        if not line:
            continue
        if _is_banner(line):
            pieces.append(_Piece(line, "banner", 0))
        elif not seen and _is_caption(line):
            pieces.append(_Piece(line, "caption", 0))
        else:
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


def _after_title(view: str, start: int) -> bool:
    """The name's first character ends an official's title (部长葛某某): a title and a surname, not 长葛."""
    return any(view[: start + 1].endswith(word) for word in mention_rules().title_words)


def _weak(written: str, surfaces: list[Surface]) -> bool:
    """Short forms, aliases and two-character full names (范县, 新县) can hide inside ordinary words."""
    return any(s.kind in ("short", "alias") for s in surfaces) or len(written) <= 2


# Enough for a province, a city and a county before the name (安徽省池州市青阳县蓉城镇).
_ELSEWHERE_WINDOW = 24


def _elsewhere_before(view: str, start: int, gaz: Gazetteer) -> bool:
    """A place outside Henan, and perhaps its units, written right before ``start`` (福建省鼓楼区)."""
    return bool(gaz.outside.search(view[max(0, start - _ELSEWHERE_WINDOW) : start]))


def _scan(view: str, gaz: Gazetteer) -> Iterator[tuple[int, int, str]]:
    """Yield (start, end, written) for place names in one compacted line, leftmost-longest, filtered.

    A rejected name (示范县's 范县) lets scanning go on from its next character.
    """
    pos = 0
    for start, written in gaz.index.longest(view):
        if start < pos:
            continue
        end = start + len(written)
        surfaces = gaz.surfaces[written]
        accepted = not _elsewhere_before(view, start, gaz)
        if accepted and _weak(written, surfaces) and surfaces[0].kind != "province":
            accepted = not _after_title(view, start) and _stands_alone(view, start, end)
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


def _resolve_townships(
    mentions: list[Mention], counties: set[str], cities: set[str], gaz: Gazetteer
) -> tuple[list[_Found], list[_Found]]:
    """Townships in a county, else a city, the article names (城关镇 needs 嵩县), and apart from them
    townships whose name is Henan's only one (西夏亭镇) lying elsewhere."""
    settled, lone = [], []
    for m in mentions:
        rows = gaz.township_rows(m.written)
        for scope, key in ((counties, gaz.county_of), (cities, gaz.city_of)):
            fits = [code for code in rows if key(code) in scope]
            if len(fits) == 1:
                settled.append(_Found(fits[0], m.weight, m.banner, m.order))
                break
            if len(fits) > 1:
                break
        else:
            if len(rows) == 1:
                lone.append(_Found(rows[0], m.weight, m.banner, m.order))
    return settled, lone


@dataclass
class _VillageRun:
    """The village names written before one anchor (村, 社区) of a piece, longest first."""

    piece: int
    starts: list[int]
    end: int
    anchor: str


def _village_names(pieces: list[_Piece], gaz: Gazetteer) -> list[_VillageRun]:
    """Every anchor with a village name before it, found once for both passes over villages."""
    spec = mention_rules()
    names = gaz.village_names()
    runs = []
    for index, piece in enumerate(pieces):
        view = piece.view
        for match in spec.village_anchors.finditer(view):
            end = match.end()
            starts = [start for start in range(max(0, end - spec.village_max_chars), match.start()) if view[start:end] in names]
            if starts:
                runs.append(_VillageRun(index, starts, end, match.group()))
    return runs


def _village_codes(name: str, townships: set[str], counties: set[str], gaz: Gazetteer) -> list[str]:
    """Rows a village name can be: in the settled townships first, else anywhere in the settled counties."""
    codes = [gaz.villages_in(t)[name] for t in townships if name in gaz.villages_in(t)]
    if codes:
        return codes
    return [code for c in counties for code in gaz.villages_of_county(c).get(name, ())]


def _resolve_villages(
    pieces: list[_Piece], runs: list[_VillageRun], townships: set[str], counties: set[str], gaz: Gazetteer
) -> list[_Found]:
    """Villages of the settled townships; a village unique in a settled county also counts.

    The name must start where a word can start (after a township, a line start, punctuation or a
    listed function character): 南石庄村 is not 石庄村.
    """
    if not townships and not counties:
        return []
    spec = mention_rules()
    found = []
    for run in runs:
        piece = pieces[run.piece]
        for start in run.starts:
            codes = _village_codes(piece.view[start : run.end], townships, counties, gaz)
            if len(codes) == 1 and _village_starts_here(
                piece.view, start, run.end - len(run.anchor), codes[0], gaz, spec.village_min_core
            ):
                found.append(_Found(codes[0], piece.weight(start), piece.kind == "banner", run.piece * _PIECE_SPAN + start))
                break
    return found


def _village_starts_here(view: str, start: int, core_end: int, code: str, gaz: Gazetteer, min_core: int) -> bool:
    spec = mention_rules()
    before = view[:start]
    if before.endswith(gaz.units[code[:9]].name):
        return True
    if core_end - start < min_core:
        return False
    return not before or not re.match(r"[\u3400-\u9fff]", before[-1]) or before[-1] in spec.village_preceded_by


def _ordinary_village_name(name: str, anchor: str) -> bool:
    """五星村, 幸福社区: a star title or an ordinary word with 村 after it, whatever village bears it."""
    spec = mention_rules()
    core = name[: -len(anchor)]
    return name in spec.not_villages or domain_tokenizer().FREQ.get(core, 0) >= spec.ordinary_core_freq


def _unique_villages(pieces: list[_Piece], runs: list[_VillageRun], gaz: Gazetteer) -> list[_Found]:
    """Villages whose short name (with 村/社区) is Henan's only one, standing as a word of their own.

    The longest village name ending at an anchor is the one written: when it repeats (张庄村) nothing is
    taken, not even a shorter unique name inside it.
    """
    spec = mention_rules()
    found = []
    for run in runs:
        piece, start = pieces[run.piece], run.starts[0]
        name = piece.view[start : run.end]
        code = gaz.unique_village(name)
        if (
            code is not None
            and not _ordinary_village_name(name, run.anchor)
            and _village_starts_here(piece.view, start, run.end - len(run.anchor), code, gaz, spec.unique_village_min_core)
            and not _elsewhere_before(piece.view, start, gaz)
        ):
            found.append(_Found(code, piece.weight(start), piece.kind == "banner", run.piece * _PIECE_SPAN + start))
    return found


# ---------------------------------------------------------------------------------------------------
# The city and the region


def _city_scores(found: list[_Found], gaz: Gazetteer) -> tuple[dict[str, float], dict[str, int]]:
    """Weight per city, and where each city is first mentioned (ties go to the first)."""
    scores: dict[str, float] = defaultdict(float)
    first: dict[str, int] = {}
    for f in found:
        city = gaz.city_of(f.code)
        scores[city] += f.weight
        first.setdefault(city, f.order)
    return scores, first


def _top_city(scores: dict[str, float], first: dict[str, int]) -> str | None:
    return max(scores, key=lambda c: (scores[c], -first[c])) if scores else None


def _elsewhere_weights(pieces: list[_Piece], mentions: list[Mention]) -> dict[str, float]:
    """Weight per other province, its places weighed like Henan's (title, opening, body; banners not at all)."""
    other = other_provinces()
    henan_spans: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for m in mentions:
        henan_spans[m.segment].append((m.start, m.end))
    weights: dict[str, float] = defaultdict(float)
    for index, piece in enumerate(pieces):
        if piece.kind == "banner":
            continue
        view = piece.view
        for start, end, written in other.scan(view):
            henan = any(start < e and s < end for s, e in henan_spans[index])
            if henan or _inside_phrase(view, start, written, other.not_in):
                continue
            form = other.forms[written]
            if form.full or _stands_alone(view, start, end):
                weights[form.province] += piece.weight(start)
    return weights


def _inside_phrase(view: str, start: int, written: str, phrases: list[str]) -> bool:
    """北京 in 北京时间 says nothing about where the article is."""
    for phrase in phrases:
        at = phrase.find(written)
        if 0 <= at <= start and view.startswith(phrase, start - at):
            return True
    return False


def _province_title(pieces: list[_Piece], found: list[_Found]) -> bool:
    """The title names the province (河南, 全省) and no Henan place: 河南：“五星”支部建设两年见实效."""
    if not pieces or pieces[0].kind != "title":
        return False
    in_title = any(f.order < _PIECE_SPAN for f in found)
    return not in_title and any(word in pieces[0].view for word in mention_rules().province_title_words)


def _locate(
    found: list[_Found], lone: list[_Found], elsewhere: dict[str, float], pieces: list[_Piece], gaz: Gazetteer
) -> tuple[str | None, str]:
    """(city, region) from Henan places (those the text settles; lone townships and villages only when
    nothing else names a city) and the other provinces' places."""
    spec = mention_rules()
    scores, first = _city_scores(found, gaz)
    if not scores:
        scores, first = _city_scores(lone, gaz)
    top = _top_city(scores, first)
    top_weight = scores[top] if top else 0.0
    outside = max(elsewhere.values(), default=0.0)
    if outside >= spec.min_outside_weight and outside > top_weight:
        return None, "outside"
    if _province_title(pieces, found):
        return None, "province"
    if top is None:
        return None, "unknown"
    if len(scores) >= 2 and top_weight < spec.min_top_share * sum(scores.values()):
        return None, "province"
    return top, "henan"


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


@dataclass
class _Reading:
    """What an article says of itself, before any context: read once, settled once or twice."""

    pieces: list[_Piece]
    mentions: list[Mention]
    found: list[_Found]  # cities, counties and townships the text settles
    counties: set[str]
    lone_townships: list[_Found]
    lone: list[_Found]  # lone townships and unique villages, for the city when nothing else names one
    villages: list[_VillageRun]
    city: str | None
    region: str


def _read(text: str, title: str | None, gaz: Gazetteer) -> _Reading:
    pieces = _pieces(text or "", title)
    mentions: list[Mention] = []
    for index, piece in enumerate(pieces):
        for start, end, written in _scan(piece.view, gaz):
            mentions.append(
                Mention(index, start, end, written, piece.weight(start), piece.kind == "banner", index * _PIECE_SPAN + start)
            )

    found, waiting = _resolve_city_county(mentions, gaz)
    named_cities = {gaz.city_of(f.code) for f in found}
    found += _resolve_waiting(waiting, named_cities, gaz)
    counties = {f.code for f in found if len(f.code) == 6}
    townships, lone_townships = _resolve_townships(mentions, counties, named_cities, gaz)
    found += townships
    settled = {f.code for f in found}
    villages = _village_names(pieces, gaz)
    lone = lone_townships + [f for f in _unique_villages(pieces, villages, gaz) if f.code not in settled]

    # Banners never decide the city: the text does.
    city, region = _locate(
        [f for f in found if not f.banner],
        [f for f in lone if not f.banner],
        _elsewhere_weights(pieces, mentions),
        pieces,
        gaz,
    )
    return _Reading(pieces, mentions, found, counties, lone_townships, lone, villages, city, region)


def _settle(reading: _Reading, context_city: str | None, gaz: Gazetteer) -> PlaceResult:
    city, region = reading.city, reading.region
    if region == "unknown":
        city = _context_city(context_city, gaz)
        region = "henan" if city else "unknown"
    # A lone village in another city than the one the text settles is more likely a word than that
    # village; a township name with its suffix is not a word, so it stays wherever it lies.
    found = reading.found + reading.lone_townships
    found += [f for f in reading.lone if len(f.code) > 9 and (city is None or gaz.city_of(f.code) == city)]
    by_order = {f.order: f for f in found}
    found += _resolve_zones(reading.mentions, by_order, city, gaz)
    townships = {f.code for f in found if len(f.code) == 9}
    found += _resolve_villages(reading.pieces, reading.villages, townships, reading.counties, gaz)

    found.sort(key=lambda f: f.order)
    places: list[Place] = []
    seen: set[str] = set()
    for f in found:
        if f.code not in seen and not f.banner:
            seen.add(f.code)
            places.append(_place(f.code, gaz))
    county_names = [p.name for p in places if p.level == "county" and not is_zone(p.code)]
    return PlaceResult(places=places, counties=county_names, city=gaz.units[city].name if city else None, region=region)


def resolve_places(text: str, title: str | None = None, *, context_city: str | None = None) -> PlaceResult:
    """Places the article names, its county-level units, the one city it is about and its region.

    ``context_city`` (say, the city the rest of the page is about) is used only when the article itself
    says nothing about where it is (region ``unknown``).
    """
    gaz = gazetteer()
    return _settle(_read(text, title, gaz), context_city, gaz)


def resolve_page_places(items: Iterable[tuple[str, str | None]]) -> list[PlaceResult]:
    """``resolve_places`` for every ``(text, title)`` of one page, in order: what the pipeline runs.

    The page's city is the one most of its items are about (ties: the first). Pages are usually one
    city's paper or special issue, so it is the context for items that say nothing of where they are,
    such as photo captions. Only those items (region ``unknown``) are settled again, from what was read
    of them the first time: the context counts only there, and any other item would come out the same.
    """
    gaz = gazetteer()
    readings = [_read(text, title, gaz) for text, title in items]
    first = [_settle(reading, None, gaz) for reading in readings]
    votes = Counter(result.city for result in first if result.city)
    if not votes:
        return first
    context = votes.most_common(1)[0][0]
    return [
        result if result.region != "unknown" else _settle(reading, context, gaz)
        for result, reading in zip(first, readings, strict=True)
    ]


# ---------------------------------------------------------------------------------------------------
# Checking an article's places against its city
