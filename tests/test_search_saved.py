"""The search index is saved once built and read back by the next launch, only while it still matches."""

from __future__ import annotations

import dataclasses

import pytest

from five_star.store.query.browse import library_stamp
from five_star.store.query.search import SearchIndex
from five_star.store.query.search.saved import FrozenPostings, SavedIndex, saved_index_path
from helpers.library import seed_articles, seeds_library

QUERIES = ["漯河", "红色物业 乡村振兴", "五星支部", '"党群服务中心"', "city:漯河 program:红色物业", "unit:万元 value>=1000000",
           "-city:漯河 红色物业", "不存在的词语组合", "村", "2023年", "党建引领", "kind:photo", "鄉村振興"]


def hits(index: SearchIndex, query: str) -> list[tuple[str, float]]:
    return [(hit.article_id, hit.score) for hit in index.search(query)]


@pytest.fixture
def saved(tmp_path_factory):
    library = seeds_library(tmp_path_factory)
    return SavedIndex(saved_index_path(library), library_stamp(library))


def test_a_built_index_is_saved_and_the_next_one_reads_it_back_with_the_same_answers(saved):
    articles = seed_articles()
    built = SearchIndex(articles, background=False, saved=saved)
    assert saved.path.is_file()
    restored = SearchIndex(articles, saved=saved)
    assert restored.indexed  # at once: nothing was built
    assert isinstance(restored._index.docs.postings, FrozenPostings)
    scanning = restored.scanning()
    for query in QUERIES:
        assert hits(restored, query) == hits(built, query) == hits(scanning, query), query


def test_a_saved_index_is_not_used_for_another_file_other_articles_or_other_titles(saved, tmp_path):
    articles = seed_articles()
    SearchIndex(articles, background=False, saved=saved)
    moved = SavedIndex(saved.path, [saved.stamp[0] + 1, *saved.stamp[1:]])  # the library file changed
    assert moved.load(articles) is None
    assert saved.load(articles[:-1]) is None
    retitled = [dataclasses.replace(articles[0], title="另一个标题"), *articles[1:]]  # a correction
    assert saved.load(retitled) is None
    index = SearchIndex(retitled, background=False, saved=saved)  # built again, and saved for these
    assert [article_id for article_id, _ in hits(index, "另一个标题")] == [articles[0].id]
    assert saved.load(retitled) is not None


@pytest.mark.parametrize("damage", [b"", b"not json\n", b'{"format": 1}\n', None])
def test_a_damaged_saved_index_is_built_again(saved, damage):
    articles = seed_articles()
    SearchIndex(articles, background=False, saved=saved)
    data = saved.path.read_bytes()
    saved.path.write_bytes(data[: len(data) // 2] if damage is None else damage)
    assert saved.load(articles) is None
    index = SearchIndex(articles, background=False, saved=saved)
    assert hits(index, "漯河") == hits(index.scanning(), "漯河")


def test_frozen_postings_give_back_what_they_were_made_of():
    from array import array

    postings = {5: 0b1011, 70000: array("H", [1, 7, 300]), 9: 1 << 200}
    frozen = FrozenPostings.of(postings, "H")
    assert dict(frozen.items()) == postings
    assert frozen.get(6, 0) == 0 and 70000 in frozen and 8 not in frozen and len(frozen) == 3
    again = FrozenPostings.from_sections(frozen.sections(), "H")
    assert dict(again.items()) == postings


def test_before_the_articles_are_read_words_are_answered_from_the_saved_index_and_filters_wait(saved):
    from five_star.store.query.service import QueryService

    articles = seed_articles()
    full = QueryService(articles, background=False, saved=saved)
    early = QueryService.before_articles([article.id for article in articles], saved)
    assert early is not None
    for query in ["漯河", "红色物业 乡村振兴", '"党群服务中心"', "-脱贫 五星支部", "不存在的词语组合"]:
        answer = early.answer(query)
        assert not answer.pending
        assert [(hit.article_id, hit.score) for hit in answer.hits] == [(hit.article_id, hit.score) for hit in full.answer(query).hits]
    for query in ["city:漯河", "红色物业 date:2023", "unit:万元 value>=1000000"]:
        answer = early.answer(query)
        assert answer.pending and answer.hits == [] and not full.answer(query).pending
    assert QueryService.before_articles([article.id for article in reversed(articles)], saved) is None  # other order
    assert QueryService.before_articles([article.id for article in articles[1:]], saved) is None


def test_the_service_over_the_read_articles_takes_the_early_index_over_rather_than_reading_it_again(saved):
    from five_star.store.query.service import QueryService

    articles = seed_articles()
    SearchIndex(articles, background=False, saved=saved)
    early = QueryService.before_articles([article.id for article in articles], saved)
    full = QueryService(articles, saved=saved, early=early)
    assert full.index._index is early.index._index and full.index.indexed
    scanning = full.index.scanning()
    for query in QUERIES:
        assert hits(full.index, query) == hits(scanning, query), query
    other = QueryService(articles[1:], saved=saved, early=early)  # not the articles it was read for
    assert other.index._index is not early.index._index
