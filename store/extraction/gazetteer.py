"""The Henan gazetteer: every division with the written forms news uses for it, built once, lazily; and
the other provinces with their prefectures, to tell an article about them from one about Henan.

Data: ``data/henan_divisions.csv`` and ``data/china_prefectures.csv`` (NBS 2023 codes; attribution in
their READMEs) and ``data/places.json``.
City, county, zone, alias and township names go into one index keyed by their first two characters, so
an article is scanned in a single pass whatever the size of the gazetteer; villages are indexed by their
township.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Collection, Iterable, Iterator
from dataclasses import dataclass

from five_star.store.resources import (
    Division,
    ResourceError,
    Spec,
    derived,
    divisions,
    other_divisions,
    place_rules,
)


@dataclass(frozen=True)
class Surface:
    """One way a unit can be written, and how far the written form can be trusted."""

    code: str
    kind: str  # full | short | alias | zone | province
    needs_city: bool = False  # district short forms: only when the article names the district's city


# ---------------------------------------------------------------------------------------------------
# The gazetteer, built once


def is_zone(code: str) -> bool:
    """NBS functional zones (开发区, 示范区) carry 7x in digits 5-6; they are statistical units, not counties."""
    return len(code) == 6 and code[4] == "7"


def _is_real_township(unit: Division, suffixes: tuple[str, ...]) -> bool:
    # Farms, forest parks and 工业园区 (code suffix >= 400) have generic names; 街道 with zone codes are real.
    return unit.name.endswith(suffixes) and (int(unit.code[6:]) < 400 or unit.name.endswith("街道"))


def _short_form(name: str, suffixes: dict[str, str]) -> tuple[str, str] | None:
    for suffix, kind in sorted(suffixes.items(), key=lambda item: -len(item[0])):
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            return name[: -len(suffix)], kind
    return None


class Gazetteer:
    """Henan's divisions with every written form news uses for them."""

    def __init__(self) -> None:
        data = place_rules()
        # The province row is left out: 河南 is matched through ``province_names`` instead.
        self.units = {d.code: d for d in divisions() if d.level != "province"}
        self.city_by_name = {u.name: u.code for u in self.units.values() if u.level == "city"}
        self.surfaces: dict[str, list[Surface]] = defaultdict(list)
        self.zone_forms: dict[str, str] = data.entries("zone_forms")
        self.zone_rows = self._zone_rows()
        self._add_cities_and_counties(data)
        self._add_zone_aliases(data)
        self._add_townships(data)
        for name in data.section("province_names").strings("names"):
            self.surfaces[name].append(Surface("41", "province"))
        for form in self.zone_forms:
            self.surfaces[form].append(Surface("", "zone"))
        self.surfaces = dict(self.surfaces)
        self.index = NameIndex(self.surfaces, "places.json or henan_divisions.csv")
        self.outside = _outside_prefix(data, [d.name for d in other_divisions()])
        self.townships_of: dict[str, list[str]] = defaultdict(list)
        for unit in self.units.values():
            if unit.level == "township":
                self.townships_of[unit.parent].append(unit.code)
        self._villages: tuple[dict[str, dict[str, str]], set[str]] | None = None
        self._county_villages: dict[str, dict[str, list[str]]] = {}
        self._unique_villages: dict[str, str] | None = None

    # -- building -----------------------------------------------------------------------------------

    def _add(self, written: str, surface: Surface) -> None:
        if surface not in self.surfaces[written]:
            self.surfaces[written].append(surface)

    def _add_cities_and_counties(self, data: Spec) -> None:
        blocked = set(data.section("short_form_blocklist").strings("words"))
        suffixes: dict[str, str] = data.entries("short_form_suffixes")
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
        for key, names, kind in (("city_aliases", self.city_by_name, "alias"), ("county_aliases", by_name, "full")):
            for alias, target in data.entries(key).items():
                if target not in names:
                    raise data.section(key).fault(alias, f"names {target}, which the gazetteer does not hold")
                self._add(alias, Surface(names[target], kind))

    def _add_townships(self, data: Spec) -> None:
        suffixes = tuple(data.section("townships").strings("suffixes"))
        county_level = {u.name for u in self.units.values() if u.level in ("city", "county")}
        for unit in self.units.values():
            # A township row sharing a district's name (西工区 in 获嘉县) never shadows the district.
            if unit.level == "township" and unit.name not in county_level and _is_real_township(unit, suffixes):
                self._add(unit.name, Surface(unit.code, "full"))

    def _add_zone_aliases(self, data: Spec) -> None:
        zones = {u.name: u.code for u in self.units.values() if is_zone(u.code)}
        for alias, target in data.entries("zone_aliases").items():
            if target not in zones:
                raise data.section("zone_aliases").fault(alias, f"names {target}, which is no functional zone of the gazetteer")
            self._add(alias, Surface(zones[target], "full"))

    def _zone_rows(self) -> dict[tuple[str, str], str]:
        """(city, zone form's pattern) -> the one zone of that city whose name matches it."""
        rows: dict[tuple[str, str], list[str]] = defaultdict(list)
        for unit in self.units.values():
            if is_zone(unit.code):
                for key in set(self.zone_forms.values()):
                    if re.search(key, unit.name):
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

    def village_names(self) -> set[str]:
        """Every village short name in Henan."""
        return self._village_index()[1]

    def township_rows(self, written: str) -> list[str]:
        """Codes of the real townships written so (城关镇 has 23, 西夏亭镇 one)."""
        return [s.code for s in self.surfaces.get(written, ()) if s.kind == "full" and len(s.code) == 9]

    def unique_village(self, name: str) -> str | None:
        """The code of the one Henan village with this short name (前河村), or None: absent or repeated (张庄村)."""
        if self._unique_villages is None:
            count: dict[str, list[str]] = defaultdict(list)
            for names in self._village_index()[0].values():
                for village, code in names.items():
                    count[village].append(code)
            self._unique_villages = {village: codes[0] for village, codes in count.items() if len(codes) == 1}
        return self._unique_villages.get(name)

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


def _index_villages(units: Iterable[Division]) -> dict[str, dict[str, str]]:
    index: dict[str, dict[str, str]] = defaultdict(dict)
    for unit in units:
        if unit.level == "village":
            index[unit.parent].setdefault(village_short_name(unit.name), unit.code)
    return dict(index)


class NameIndex:
    """Finds names in a line in one pass, whatever their number.

    A regex (in C) finds a first character followed by a possible second one, which lets through a
    fraction of what a first character alone would; the lengths of the names starting with that pair,
    longest first, then settle the name with a dict lookup each.
    """

    def __init__(self, names: Collection[str], files: str) -> None:
        lengths: dict[str, set[int]] = defaultdict(set)
        for name in names:
            if len(name) < 2:
                raise ResourceError(f"data file {files}: place name “{name}” is too short to look for (two characters or more)")
            lengths[name[:2]].add(len(name))

        def chars(at: int) -> str:
            return "[" + "".join(sorted({re.escape(pair[at]) for pair in lengths})) + "]"

        self._starts = re.compile(chars(0) + "(?=" + chars(1) + ")")
        self._lengths = {pair: sorted(sizes, reverse=True) for pair, sizes in lengths.items()}
        self._names = names

    def longest(self, view: str) -> Iterator[tuple[int, str]]:
        """(start, the longest name written there) wherever a name starts in ``view``, overlaps included."""
        lengths, names = self._lengths, self._names
        for candidate in self._starts.finditer(view):
            start = candidate.start()
            for size in lengths.get(view[start : start + 2], ()):
                written = view[start : start + size]
                if written in names:
                    yield start, written
                    break


def _outside_prefix(data: Spec, full_names: list[str]) -> re.Pattern[str]:
    """What may stand right before a Henan-looking name that is really elsewhere: another province's or
    prefecture's name, then any units below it (安徽省青阳县蓉城镇 before 五星村)."""
    outside = data.section("outside_henan")
    names = sorted(set(outside.strings("names")) | set(full_names), key=len, reverse=True)
    return re.compile(
        "(?:" + "|".join(map(re.escape, names)) + ")"
        "(?:" + "|".join(map(re.escape, outside.strings("suffixes"))) + ")?"
        "(?:" + outside.text("unit_between") + ")*$"
    )


@derived
def gazetteer() -> Gazetteer:
    return Gazetteer()


# ---------------------------------------------------------------------------------------------------
# The other provinces


@dataclass(frozen=True)
class Elsewhere:
    """A way another province or one of its prefectures is written, and the province it lies in."""

    province: str  # 2-digit code
    full: bool  # a full name (安徽省, 杭州市) counts as written; a short form must stand as a word


class OtherProvinces:
    """The other provinces and their prefectures (``china_prefectures.csv``) with the forms news writes."""

    def __init__(self, henan: Gazetteer) -> None:
        spec = place_rules().section("other_provinces")
        suffixes = sorted(spec.strings("suffixes"), key=len, reverse=True)
        blocked = set(spec.strings("short_form_blocklist"))
        self.not_in = spec.strings("not_in")
        self.forms: dict[str, Elsewhere] = {}
        for unit in other_divisions():
            province = unit.code[:2]
            self.forms[unit.name] = Elsewhere(province, True)
            short = next((unit.name[: -len(x)] for x in suffixes if unit.name.endswith(x)), None)
            # A short form that is also a Henan name (or blocked as an ordinary word) is left to its full name.
            if short and len(short) >= 2 and short not in blocked and short not in henan.surfaces:
                self.forms.setdefault(short, Elsewhere(province, False))
        self._index = NameIndex(self.forms, "china_prefectures.csv")

    def scan(self, view: str) -> Iterator[tuple[int, int, str]]:
        """(start, end, written) of every name in ``view``, leftmost-longest, not overlapping."""
        pos = 0
        for start, written in self._index.longest(view):
            if start >= pos:
                pos = start + len(written)
                yield start, pos, written


@derived
def other_provinces() -> OtherProvinces:
    return OtherProvinces(gazetteer())


def dictionary_words() -> list[str]:
    """City, county, township and alias names, for jieba's dictionary: segmentation keeps them whole."""
    gaz = gazetteer()
    return [w for w, ss in gaz.surfaces.items() if any(s.kind in ("full", "short", "alias") for s in ss)]
