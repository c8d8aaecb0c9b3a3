"""The Henan gazetteer: every division with the written forms news uses for it, built once, lazily.

Data: ``data/henan_divisions.csv`` (NBS 2023 codes; attribution in its README) and ``data/places.json``.
City, county, zone, alias and township names go into one index keyed by first character, so an article
is scanned in a single pass whatever the size of the gazetteer; villages are indexed by their township.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from five_star.store.resources import Division, Spec, derived, divisions, place_rules


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
        self._add_townships(data)
        for name in data.section("province_names").strings("names"):
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
        outside = data.section("outside_henan")
        self.outside = re.compile(
            "(?:" + "|".join(map(re.escape, sorted(outside.strings("names"), key=len, reverse=True))) + ")"
            "(?:" + "|".join(map(re.escape, outside.strings("suffixes"))) + ")?$"
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


def _index_villages(units: Iterable[Division]) -> dict[str, dict[str, str]]:
    index: dict[str, dict[str, str]] = defaultdict(dict)
    for unit in units:
        if unit.level == "village":
            index[unit.parent].setdefault(village_short_name(unit.name), unit.code)
    return dict(index)


@derived
def gazetteer() -> Gazetteer:
    return Gazetteer()


def dictionary_words() -> list[str]:
    """City, county, township and alias names, for jieba's dictionary: segmentation keeps them whole."""
    gaz = gazetteer()
    return [w for w, ss in gaz.surfaces.items() if any(s.kind in ("full", "short", "alias") for s in ss)]
