"""The parts of ``places.json`` read for every article, compiled once: banners, weights, villages, regions."""

from __future__ import annotations

import re
from dataclasses import dataclass

from five_star.store.resources import any_of, derived, place_rules


@dataclass(frozen=True)
class MentionRules:
    """The parts of ``places.json`` read per article: banner lines, what a mention weighs, villages, regions."""

    banner_max_chars: int
    banner_patterns: re.Pattern[str]
    banner_any_length: re.Pattern[str]
    title_weight: float
    opening_weight: float
    body_weight: float
    opening_chars: int
    caption_patterns: re.Pattern[str]
    title_words: frozenset[str]
    village_anchors: re.Pattern[str]
    village_min_core: int
    village_max_chars: int
    village_preceded_by: str
    unique_village_min_core: int
    ordinary_core_freq: int
    not_villages: frozenset[str]
    min_outside_weight: float
    min_top_share: float
    province_title_words: list[str]


@derived
def mention_rules() -> MentionRules:
    data = place_rules()
    banner, weights, villages = data.section("banner_lines"), data.section("weights"), data.section("villages")
    region = data.section("region")
    return MentionRules(
        banner_max_chars=banner.integer("max_chars"),
        banner_patterns=any_of(banner.regexes("patterns")),
        banner_any_length=any_of(banner.regexes("any_length_patterns")),
        title_weight=weights.number("title"),
        opening_weight=weights.number("opening"),
        body_weight=weights.number("body"),
        opening_chars=weights.integer("opening_chars"),
        caption_patterns=any_of(region.regexes("caption_patterns")),
        title_words=frozenset(data.section("title_words").strings("words")),
        village_anchors=re.compile("|".join(map(re.escape, villages.strings("anchors")))),
        village_min_core=villages.integer("min_core"),
        village_max_chars=villages.integer("max_chars"),
        village_preceded_by=villages.text("preceded_by"),
        unique_village_min_core=villages.integer("unique_min_core"),
        ordinary_core_freq=villages.integer("ordinary_core_freq"),
        not_villages=frozenset(villages.strings("not_villages")),
        min_outside_weight=region.number("min_outside_weight"),
        min_top_share=region.number("min_top_share"),
        province_title_words=region.strings("province_title_words"),
    )
