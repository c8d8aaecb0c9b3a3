"""Queries are segmented by a compact copy of jieba's dictionary: the same words as the full tokenizer."""

from __future__ import annotations

from pathlib import Path

from five_star.store.extraction.vocabulary import domain_tokenizer
from five_star.store.query.search.fold import fold
from five_star.store.query.search.language import segmenter
from five_star.store.segment import compact_tokenizer

CORPUS = Path(__file__).parent / "corpus" / "pages"


def runs() -> list[str]:
    """The development corpus's pages, folded as queries are and cut to query lengths (3 to 12 characters)."""
    queries = ["漯河红色物业", "五星支部创建", "乡村振兴人居环境整治", "鹤壁市淇县"]
    for path in sorted(CORPUS.glob("*.txt")):
        folded = fold(path.read_text(encoding="utf-8", errors="replace"))
        for length in (3, 5, 8, 12):
            queries += [folded[start : start + length] for start in range(0, min(len(folded), 3000), 97)]
    return queries


def test_the_compact_dictionary_segments_every_query_as_jieba_does():
    full, compact = domain_tokenizer(), segmenter()
    queries = runs()
    assert len(queries) > 100
    for query in queries:
        assert compact.lcut(query, HMM=False) == full.lcut(query, HMM=False), query
    assert compact.total == full.total


def test_the_compact_dictionary_is_read_back_from_the_cache_the_same():
    first = compact_tokenizer(["红色物业"])
    again = compact_tokenizer(["红色物业"])  # read from the file the first one saved
    for word in ("五星", "支部", "红色物业", "红色", "不存在的词", "漯"):
        assert first.FREQ.get(word) == again.FREQ.get(word)
    assert ("红色物业" in again.FREQ) and ("红色物业x" not in again.FREQ)
