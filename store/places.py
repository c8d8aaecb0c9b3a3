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

import csv
import json
import re
from collections import defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from importlib.resources import files

from .model import Place

_DATA = files("five_star.store") / "data"
_CJK_GAP = re.compile(r"(?<=[\u3400-\u9fff])[ \t\u3000]+(?=[\u3400-\u9fff])")


@dataclass(frozen=True)
class Unit:
    code: str
    name: str
    level: str  # city | county | township | village
    parent: str


@dataclass(frozen=True)
class Surface:
    """One way a unit can be written, and how far the written form can be trusted."""

    code: str
    kind: str  # full | short | alias | zone | province
    needs_city: bool = False  # district short forms: only when the article names the district's city


@dataclass
class PlaceResult:
    places: list[Place] = field(default_factory=list)
    counties: list[str] = field(default_factory=list)
    city: str | None = None


# ---------------------------------------------------------------------------------------------------
# The gazetteer, built once


@lru_cache(maxsize=1)
def rules() -> dict:
    return json.loads((_DATA / "places.json").read_text(encoding="utf-8"))


def _read_units() -> dict[str, Unit]:
    with (_DATA / "henan_divisions.csv").open(encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle)
        next(reader)
        return {code: Unit(code, name, level, parent) for code, name, level, parent in reader if level != "province"}


def is_zone(code: str) -> bool:
    """NBS functional zones (开发区, 示范区) carry 7x in digits 5-6; they are statistical units, not counties."""
    return len(code) == 6 and code[4] == "7"


def _is_real_township(unit: Unit, suffixes: tuple[str, ...]) -> bool:
    # Farms, forest parks and 工业园区 (code suffix >= 400) have generic names; 街道 with zone codes are real.
    return unit.name.endswith(suffixes) and (int(unit.code[6:]) < 400 or unit.name.endswith("街道"))


def _short_form(name: str, suffixes: dict[str, str]) -> tuple[str, str] | None:
    for suffix, kind in sorted(suffixes.items(), key=lambda item: -len(item[0])):
        if suffix.startswith("_"):
            continue
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            return name[: -len(suffix)], kind
    return None


class Gazetteer:
    """Henan's divisions with every written form news uses for them."""

    def __init__(self) -> None:
        data = rules()
        self.units = _read_units()
        self.city_by_name = {u.name: u.code for u in self.units.values() if u.level == "city"}
        self.surfaces: dict[str, list[Surface]] = defaultdict(list)
        self.zone_forms = {k: v for k, v in data["zone_forms"].items() if not k.startswith("_")}
        self.zone_rows = self._zone_rows()
        self._add_cities_and_counties(data)
        self._add_townships(data)
        for name in data["province_names"]["names"]:
            self.surfaces[name].append(Surface("41", "province"))
        for form in self.zone_forms:
            self.surfaces[form].append(Surface("", "zone"))
        self.surfaces = dict(self.surfaces)
        # Scanning: a regex finds characters that can start a name (in C), then a dict lookup per
        # possible length, longest first, settles the name: no per-article pass over the gazetteer.
        self.starts = re.compile("[" + "".join(sorted({re.escape(w[0]) for w in self.surfaces})) + "]")
        lengths: dict[str, set[int]] = defaultdict(set)
        for written in self.surfaces:
            lengths[written[0]].add(len(written))
        self.lengths = {char: sorted(sizes, reverse=True) for char, sizes in lengths.items()}
        outside = data["outside_henan"]
        self.outside = re.compile(
            "(?:" + "|".join(map(re.escape, sorted(outside["names"], key=len, reverse=True))) + ")"
            "(?:" + "|".join(map(re.escape, outside["suffixes"])) + ")?$"
        )
        self.townships_of: dict[str, list[str]] = defaultdict(list)
        for unit in self.units.values():
            if unit.level == "township":
                self.townships_of[unit.parent].append(unit.code)
        self._villages: tuple[dict[str, dict[str, str]], set[str]] | None = None
        self._county_villages: dict[str, dict[str, list[str]]] = {}

    # -- building -----------------------------------------------------------------------------------

    def _add(self, written: str, surface: Surface) -> None:
        if surface not in self.surfaces[written]:
            self.surfaces[written].append(surface)

    def _add_cities_and_counties(self, data: dict) -> None:
        blocked = set(data["short_form_blocklist"]["words"])
        suffixes = data["short_form_suffixes"]
        for unit in self.units.values():
            if unit.level not in ("city", "county"):
                continue
            if unit.level == "county" and unit.name in self.city_by_name:
                continue  # 济源市 is filed twice; the city row stands for both
            self._add(unit.name, Surface(unit.code, "full"))
            if is_zone(unit.code):
                continue
            short = _short_form(unit.name, suffixes) if unit.level == "county" else (unit.name[:-1], "city")
            if short and short[0] not in blocked and len(short[0]) >= 2:
                self._add(short[0], Surface(unit.code, "short", needs_city=short[1] == "district"))
        by_name = {u.name: u.code for u in self.units.values() if u.level in ("city", "county")}
        for alias, target in data["city_aliases"].items():
            if not alias.startswith("_"):
                self._add(alias, Surface(self.city_by_name[target], "alias"))
        for alias, target in data["county_aliases"].items():
            if not alias.startswith("_"):
                self._add(alias, Surface(by_name[target], "full"))

    def _add_townships(self, data: dict) -> None:
        suffixes = tuple(data["townships"]["suffixes"])
        county_level = {u.name for u in self.units.values() if u.level in ("city", "county")}
        for unit in self.units.values():
            # A township row sharing a district's name (西工区 in 获嘉县) never shadows the district.
            if unit.level == "township" and unit.name not in county_level and _is_real_township(unit, suffixes):
                self._add(unit.name, Surface(unit.code, "full"))

    def _zone_rows(self) -> dict[tuple[str, str], str]:
        rows: dict[tuple[str, str], list[str]] = defaultdict(list)
        for unit in self.units.values():
            if is_zone(unit.code):
                for key in set(self.zone_forms.values()):
                    if key in unit.name:
                        rows[(unit.code[:4], key)].append(unit.code)
        return {k: v[0] for k, v in rows.items() if len(v) == 1}

    # -- lookups ------------------------------------------------------------------------------------

    def city_of(self, code: str) -> str:
        return code[:4]

    def county_of(self, code: str) -> str | None:
        if len(code) < 6:
            return None
        return code[:6]

    def villages_in(self, township: str) -> dict[str, str]:
        """Village short names (王庄村, 漓江路社区) in one township -> village code."""
        return self._village_index()[0].get(township, {})

    def is_village_name(self, name: str) -> bool:
        return name in self._village_index()[1]

    def _village_index(self) -> tuple[dict[str, dict[str, str]], set[str]]:
        if self._villages is None:
            by_township = _index_villages(self.units.values())
            self._villages = (by_township, {name for names in by_township.values() for name in names})
        return self._villages

    def villages_of_county(self, county: str) -> dict[str, list[str]]:
        """Village short names in one county -> codes (several when townships share a name)."""
        if county not in self._county_villages:
            names: dict[str, list[str]] = defaultdict(list)
            for township in self.townships_of.get(county, ()):
                for name, code in self.villages_in(township).items():
                    names[name].append(code)
            self._county_villages[county] = dict(names)
        return self._county_villages[county]


_COMMITTEE = re.compile(r"(?:社区)?(?:村民|居民|村|居)?(?:管理)?(?:委员会会|委员会|委员民|员委会|委委会|委会|委员)$")


def village_short_name(name: str) -> str:
    """`王庄村村民委员会` -> `王庄村`, `漓江路社区居民委员会` -> `漓江路社区` (forms news writes)."""
    name = re.sub(r"[（(].*$", "", name)
    community = bool(re.search(r"(社区|居民|居)(管理)?(委员会|委会)", name)) or name.endswith("社区")
    for _ in range(3):
        stripped = _COMMITTEE.sub("", name)
        if stripped == name:
            break
        name = stripped
    name = name.replace("村村", "村")
    if community:
        return name if name.endswith("社区") else name + "社区"
    if name.endswith(("村", "社区", "生活区")):
        return name
    return name + "村"


def _index_villages(units) -> dict[str, dict[str, str]]:
    index: dict[str, dict[str, str]] = defaultdict(dict)
    for unit in units:
        if unit.level == "village":
            index[unit.parent].setdefault(village_short_name(unit.name), unit.code)
    return dict(index)


@lru_cache(maxsize=1)
def gazetteer() -> Gazetteer:
    return Gazetteer()


def dictionary_words() -> list[str]:
    """City, county, township and alias names, for jieba's dictionary: segmentation keeps them whole."""
    gaz = gazetteer()
    return [w for w, ss in gaz.surfaces.items() if any(s.kind in ("full", "short", "alias") for s in ss)]


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
    spec = rules()["banner_lines"]
    return len(line) <= spec["max_chars"] and any(re.search(p, line) for p in spec["patterns"])


@dataclass
class _Piece:
    """One line of the article, compacted, with what a mention on it weighs."""

    view: str
    kind: str  # title | banner | text
    offset: int  # characters of article text before this line (for the opening weight)

    def weight(self, start: int) -> float:
        weights = rules()["weights"]
        if self.kind == "title":
            return weights["title"]
        if self.kind == "banner":
            return 0.0
        return weights["opening"] if self.offset + start < weights["opening_chars"] else weights["body"]


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
    from .keywords import domain_tokenizer

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


def _scan(view: str, gaz: Gazetteer):
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


def _resolve_waiting(waiting, cities: set[str], gaz: Gazetteer) -> list[_Found]:
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
    spec = rules()["villages"]
    anchors = re.compile("|".join(map(re.escape, spec["anchors"])))
    found = []
    for index, piece in enumerate(pieces):
        view = piece.view
        for match in anchors.finditer(view):
            end, anchor = match.end(), match.group()
            for start in range(max(0, end - spec["max_chars"]), match.start()):
                codes = _village_codes(view[start:end], townships, counties, gaz)
                if len(codes) == 1 and _village_starts_here(view, start, end - len(anchor), codes[0], gaz):
                    found.append(_Found(codes[0], piece.weight(start), piece.kind == "banner", index * 10**5 + start))
                    break
    return found


def _village_starts_here(view: str, start: int, core_end: int, code: str, gaz: Gazetteer) -> bool:
    spec = rules()["villages"]
    before = view[:start]
    if before.endswith(gaz.units[code[:9]].name):
        return True
    if core_end - start < spec["min_core"]:
        return False
    return not before or not re.match(r"[\u3400-\u9fff]", before[-1]) or before[-1] in spec["preceded_by"]


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
    return PlaceResult(places=places, counties=county_names, city=gaz.units[city].name if city else None)


def page_city(results) -> str | None:
    """The city most of a page's items are about (ties: the first), from their own ``PlaceResult``s.

    Pages are usually one city's paper or special issue, so this is the context for items that name no
    place at all, such as photo captions.
    """
    votes: dict[str, int] = {}
    for result in results:
        if result.city:
            votes[result.city] = votes.get(result.city, 0) + 1
    return max(votes, key=votes.get) if votes else None


def resolve_page_places(items) -> list[PlaceResult]:
    """``resolve_places`` for every ``(text, title)`` of one page, with the page's city as context."""
    items = list(items)
    first = [resolve_places(text, title) for text, title in items]
    context = page_city(first)
    if context is None:
        return first
    return [
        result if result.places else resolve_places(text, title, context_city=context)
        for result, (text, title) in zip(first, items)
    ]
