"""The tree's region groups (全省, 河南省外) on a real library: pages ingested through the pipeline and read back."""

from __future__ import annotations

import pytest

from five_star.store.library.ingest import ingest
from five_star.store.library.library import Library
from five_star.store.query.browse import (
    OUTSIDE_HENAN,
    PROVINCE_WIDE,
    UNLOCATED,
    BrowseIndex,
    Group,
    Grouping,
    Summary,
    read_cached_summaries,
    refresh_cached_summaries,
)

# One item per page, so no page lends its city to another page's item.
PAGES = {
    "luohe.txt": "## 漯河市召开创建推进会\n\n漯河市召开会议，部署“五星”支部创建工作，舞阳县作典型发言。\n",
    "zhoukou.txt": "## 西夏亭镇开展人居环境整治\n\n近日，西夏亭镇组织党员清理村内垃圾，村容村貌焕然一新。\n",
    "roundup.txt": (
        "## 河南：“五星”支部建设两年见实效\n\n记者近日先后走访了兰考县、新县、林州市等地。"
        "在兰考县，党员带头；在新县，产业兴旺；在林州市，治理有效。\n"
    ),
    "anhui.txt": "## 五星村的新变化\n\n走进安徽省青阳县蓉城镇五星村，满眼绿意。村党支部书记介绍了这几年的变化。\n",
    "hangzhou.txt": "## 杭州余杭打造五星幸福体\n\n近日，杭州市余杭区发布指导意见，推动基层党建工作整体提升。\n",
    "nowhere.txt": "## 村里召开党员大会\n\n会议传达了上级精神，部署下一阶段工作，要求党员发挥先锋模范作用。\n",
}


@pytest.fixture(scope="module")
def library(tmp_path_factory):
    folder = tmp_path_factory.mktemp("regions")
    for name, text in PAGES.items():
        (folder / name).write_text(text, encoding="utf-8")
    path = folder / "library.json"
    with Library.open(path) as opened:
        ingest(opened, [folder / name for name in PAGES])
    return path


@pytest.fixture(scope="module")
def articles(library):
    with Library.open(library, create=False) as opened:
        return {article.source: article for article in opened.articles()}


def test_the_pipeline_gives_each_page_its_region(articles):
    assert {source: (a.city, a.region) for source, a in articles.items()} == {
        "luohe.txt": ("漯河市", "henan"),
        "zhoukou.txt": ("周口市", "henan"),
        "roundup.txt": (None, "province"),
        "anhui.txt": (None, "outside"),
        "hangzhou.txt": (None, "outside"),
        "nowhere.txt": (None, "unknown"),
    }


def test_region_groups_come_after_the_cities_and_before_unlocated(articles):
    index = BrowseIndex.of(articles.values())
    assert index.top(Grouping.CITY) == [
        Group("周口市", 1), Group("漯河市", 1), Group(PROVINCE_WIDE, 1), Group(OUTSIDE_HENAN, 2), Group(UNLOCATED, 1)
    ]


def test_region_groups_under_a_program_are_ordered_the_same(articles):
    index = BrowseIndex.of(articles.values())
    order = [PROVINCE_WIDE, OUTSIDE_HENAN, UNLOCATED]
    seen = set()
    for program in index.top(Grouping.PROGRAM):
        names = [group.name for group in index.middle(Grouping.PROGRAM, program.name)]
        tail = [name for name in names if name in order]
        assert names[len(names) - len(tail) :] == tail  # cities first
        assert tail == sorted(tail, key=order.index)
        seen.update(tail)
    assert seen == set(order)


def test_an_article_is_found_under_its_region_group(articles):
    index = BrowseIndex.of(articles.values())
    anhui = Summary.of(articles["anhui.txt"])
    assert {top for top, _ in index.paths(Grouping.CITY, anhui)} == {OUTSIDE_HENAN}
    assert anhui.id in index.under(Grouping.CITY, OUTSIDE_HENAN)


def test_a_search_narrowing_the_tree_keeps_the_region_groups_apart(articles):
    index = BrowseIndex.of(articles.values())
    shown = {articles["roundup.txt"].id, articles["nowhere.txt"].id}
    assert index.top(Grouping.CITY, shown) == [Group(PROVINCE_WIDE, 1), Group(UNLOCATED, 1)]


def test_the_summary_cache_keeps_the_region(library, articles):
    refresh_cached_summaries(library)
    cached = read_cached_summaries(library)
    assert cached is not None
    assert {s.source: s.region for s in cached} == {source: a.region for source, a in articles.items()}
    assert BrowseIndex(cached).top(Grouping.CITY) == BrowseIndex.of(articles.values()).top(Grouping.CITY)
