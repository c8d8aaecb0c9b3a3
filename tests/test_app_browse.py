"""The tree's grouping (store/browse.py), checked on hand-built articles: counts, catch-alls, inversion."""

from __future__ import annotations

from five_star.store.model import Article
from five_star.store.query.browse import (
    NO_PROGRAM,
    UNLOCATED,
    BrowseIndex,
    Group,
    Grouping,
)


def art(id_, city=None, programs=(), title=None):
    return Article(id=id_, source="x.txt", first_line=1, last_line=2, title=title, city=city,
                   programs=list(programs), text=f"text of {id_}")


ARTICLES = [
    art("a", "漯河市", ["红色物业", "基层治理"]),
    art("b", "漯河市", ["红色物业"]),
    art("c", "南阳市", ["乡村振兴"]),
    art("d", None, ["红色物业"]),
    art("e", "漯河市", []),
    art("f", None, []),
    art("g", "郑州市", ["乡村振兴"]),
    art("h", "郑州市", ["乡村振兴"]),
]


def test_cities_most_first_unlocated_last_and_multi_program_article_counted_once():
    index = BrowseIndex.of(ARTICLES)
    assert index.top(Grouping.CITY) == [
        Group("漯河市", 3), Group("郑州市", 2), Group("南阳市", 1), Group(UNLOCATED, 2)
    ]


def test_programs_under_a_city_list_an_article_under_each_of_its_programs():
    index = BrowseIndex.of(ARTICLES)
    assert index.middle(Grouping.CITY, "漯河市") == [
        Group("红色物业", 2), Group("基层治理", 1), Group(NO_PROGRAM, 1)
    ]
    assert index.leaves(Grouping.CITY, "漯河市", "红色物业") == ["a", "b"]
    assert index.leaves(Grouping.CITY, "漯河市", "基层治理") == ["a"]
    assert index.leaves(Grouping.CITY, "漯河市", NO_PROGRAM) == ["e"]


def test_program_grouping_inverts_the_tree():
    index = BrowseIndex.of(ARTICLES)
    assert index.top(Grouping.PROGRAM) == [
        Group("乡村振兴", 3), Group("红色物业", 3), Group("基层治理", 1), Group(NO_PROGRAM, 2)
    ]
    assert index.middle(Grouping.PROGRAM, "红色物业") == [Group("漯河市", 2), Group(UNLOCATED, 1)]
    assert index.leaves(Grouping.PROGRAM, "红色物业", UNLOCATED) == ["d"]


def test_a_filter_narrows_counts_and_drops_empty_groups():
    index = BrowseIndex.of(ARTICLES)
    shown = {"a", "c", "f"}
    assert index.top(Grouping.CITY, shown) == [Group("南阳市", 1), Group("漯河市", 1), Group(UNLOCATED, 1)]
    assert index.middle(Grouping.CITY, "漯河市", shown) == [Group("基层治理", 1), Group("红色物业", 1)]
    assert index.under(Grouping.CITY, "漯河市", shown=shown) == ["a"]
    assert index.top(Grouping.CITY, set()) == []


def test_under_a_group_is_distinct_and_in_library_order():
    index = BrowseIndex.of(ARTICLES)
    assert index.under(Grouping.CITY, "漯河市") == ["a", "b", "e"]
    assert index.under(Grouping.PROGRAM, "红色物业") == ["a", "b", "d"]
    assert index.under(Grouping.PROGRAM, "红色物业", "漯河市") == ["a", "b"]


def test_paths_follow_the_grouping():
    index = BrowseIndex.of(ARTICLES)
    assert index.paths(Grouping.CITY, ARTICLES[0]) == [("漯河市", "红色物业"), ("漯河市", "基层治理")]
    assert index.paths(Grouping.PROGRAM, ARTICLES[5]) == [(NO_PROGRAM, UNLOCATED)]


def test_duplicate_program_labels_do_not_double_count():
    index = BrowseIndex.of([art("x", "漯河市", ["红色物业", "红色物业"])])
    assert index.middle(Grouping.CITY, "漯河市") == [Group("红色物业", 1)]


# ---- the summary cache ------------------------------------------------------------------------

from five_star.store.query.browse import (  # noqa: E402
    Summary,
    library_stamp,
    read_cached_summaries,
    summary_cache_path,
    write_cached_summaries,
)


def test_cached_summaries_come_back_for_the_same_library_file(tmp_path):
    library = tmp_path / "library.json"
    library.write_text("{}", encoding="utf-8")
    summaries = [Summary.of(a) for a in ARTICLES]
    write_cached_summaries(library, library_stamp(library), summaries)
    assert read_cached_summaries(library) == summaries
    assert BrowseIndex(read_cached_summaries(library)).top(Grouping.CITY) == BrowseIndex.of(ARTICLES).top(Grouping.CITY)


def test_cached_summaries_are_ignored_once_the_library_file_is_replaced(tmp_path):
    library = tmp_path / "library.json"
    library.write_text("{}", encoding="utf-8")
    write_cached_summaries(library, library_stamp(library), [Summary.of(a) for a in ARTICLES])
    replacement = tmp_path / "new.json"
    replacement.write_text('{"changed": 1}', encoding="utf-8")
    replacement.replace(library)  # how the library saves: an atomic replace
    assert read_cached_summaries(library) is None


def test_a_damaged_or_missing_cache_is_just_a_miss(tmp_path):
    library = tmp_path / "library.json"
    assert read_cached_summaries(library) is None
    library.write_text("{}", encoding="utf-8")
    path = summary_cache_path(library)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text('{"version": 1, "stamp": [', encoding="utf-8")
    assert read_cached_summaries(library) is None


def test_ingest_command_leaves_a_current_summary_cache(tmp_path):
    """After `five-star-tui ingest`, the next launch can draw the tree without reading the library."""
    from five_star.seeds import seed_paths
    from five_star.store.library.library import Library
    from five_star.store.query.browse import read_cached_summaries
    from five_star.tui.cli import main

    db = tmp_path / "library.json"
    assert main(["ingest", "--db", str(db), str(seed_paths()[4])]) == 0
    cached = read_cached_summaries(db)
    with Library.open(db, create=False) as library:
        ids = [article.id for article in library.articles()]
    assert cached is not None
    assert [summary.id for summary in cached] == ids
