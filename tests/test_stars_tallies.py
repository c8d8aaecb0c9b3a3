"""Star tallies from pages unlike the seeds (T1/T2 of unseen-page-cases.md): a part of a tally that
leaves its tier implicit, a tally written 的N个村, and planned tallies kept apart from achieved ones."""

from __future__ import annotations

import pytest

from five_star.store.extraction.programs import find_star_counts
from five_star.store.model import Article, StarCount


def tallies(text: str) -> list[tuple[int, int, bool]]:
    found = find_star_counts(text)
    for tally in found:
        assert tally.text in text
    return [(t.tier, t.count, t.plan) for t in found]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # T1 / T2: 其中 opens a part of the tally before it, at its tier
        ("全省共命名农村“五星”支部1200个,其中我市86个。", [(5, 1200, False), (5, 86, False)]),
        ("全县创成“四星”支部45个,其中城市社区9个。", [(4, 45, False), (4, 9, False)]),
        # variants: full-width breaks, several parts, a count-first tally, Chinese numerals
        ("全县创成“四星”支部45个；其中：农村36个、城市社区9个，全县共有村200个。", [(4, 45, False), (4, 36, False), (4, 9, False)]),
        ("全市16个村(社区)获评“五星”支部，其中城市社区三个。", [(5, 16, False), (5, 3, False)]),
        ("全区“三星”支部增至30个（其中新晋12个）。", [(3, 30, False), (3, 12, False)]),
    ],
)
def test_parts_of_a_tally_take_its_tier(text, expected):
    assert tallies(text) == expected


def test_a_part_quotes_only_its_own_words():
    parent, part = find_star_counts("全省共命名农村“五星”支部1200个,其中我市86个。")
    assert (parent.text, part.text) == ("“五星”支部1200个", "我市86个")


@pytest.mark.parametrize(
    "text",
    [
        "全县创成“四星”支部45个。其中有一位老党员说",  # no count of branches follows
        "全县创成“四星”支部45个，全县共有村200个。",  # a count that is not a part of it
        "“五星”支部创建经验交流会召开，其中3个村作了发言。",  # 其中 after no tally
    ],
)
def test_no_part_without_a_tally_and_a_count_right_after_it(text):
    assert [t for t in tallies(text) if t[1] in (1, 3, 200)] == []


def test_a_tally_written_with_de_counts_villages_not_aspects():
    assert tallies("我市对获评2023年度农村“五星”支部的58个村、社区进行表彰") == [(5, 58, False)]
    assert tallies("“五星”支部的5个方面要求") == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("对今年拟创建“五星”支部的6个村逐一制定方案。", [(5, 6, True)]),  # T3
        ("14个村计划达到“五星”支部标准", [(5, 14, True)]),
        ("今年力争创建“四星”支部20个，其中城市社区5个。", [(4, 20, True), (4, 5, True)]),
        ("目标是“五星”支部达到10个", [(5, 10, True)]),
    ],
)
def test_planned_tallies_are_marked(text, expected):
    assert tallies(text) == expected


def test_a_plan_in_another_clause_does_not_make_a_goal():
    assert tallies("按照年初计划，全市创建“五星”支部70个、“四星”支部387个") == [(5, 70, False), (4, 387, False)]


def test_plan_is_written_only_when_true_and_old_rows_load():
    achieved, planned = StarCount(5, 70, "“五星”支部70个"), StarCount(5, 6, "“五星”支部的6个", plan=True)
    assert achieved.to_dict() == {"tier": 5, "count": 70, "text": "“五星”支部70个"}
    assert planned.to_dict() == {"tier": 5, "count": 6, "text": "“五星”支部的6个", "plan": True}
    assert StarCount.from_dict({"tier": 5, "count": 70, "text": "x"}).plan is False
    for tally in (achieved, planned):
        assert StarCount.from_dict(tally.to_dict()) == tally
    article = Article(id="a", source="s.txt", first_line=1, last_line=1, star_counts=[achieved, planned])
    assert Article.from_dict(article.to_dict()).star_counts == [achieved, planned]


def test_stats_shows_planned_tallies_apart_and_never_adds_them():
    from rich.console import Console

    from five_star.tui.cmd_library import largest_tallies, tallies_table

    articles = [
        Article(id="a", source="a.txt", first_line=1, last_line=1, city="漯河市",
                star_counts=[StarCount(5, 16, "16个村获评“五星”支部")]),
        Article(id="b", source="b.txt", first_line=1, last_line=1, city="漯河市",
                star_counts=[StarCount(5, 40, "拟创建“五星”支部的40个", plan=True)]),
    ]
    assert largest_tallies(articles, planned=False)[0] == {"漯河市": {5: 16}}
    assert largest_tallies(articles, planned=True)[0] == {"漯河市": {5: 40}}
    console = Console(width=100, record=True)
    console.print(tallies_table(articles))
    console.print(tallies_table(articles, planned=True))
    achieved, planned = console.export_text().split("Planned star tallies per city")
    assert "16" in achieved and "40" not in achieved
    assert "40" in planned and "16" not in planned
