"""Search: folding, the query language, exactness against a brute-force scan, filters, ranking, spans."""

from __future__ import annotations

import random
import unicodedata

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from five_star.store.model import Article, Figure
from five_star.store.query.search import Hit, SearchIndex, find_spans, fold, parse_query
from five_star.store.query.search.fold import fold_origins
from helpers.library import generated_articles, seed_articles


def build(articles: list[Article]) -> SearchIndex:
    """An index whose bigram postings are ready, so the tests exercise them (not the fallback scan)."""
    index = SearchIndex(articles, background=False)
    assert index.indexed
    return index


def article(n: int, title: str | None = None, text: str = "", **fields) -> Article:
    return Article(id=f"a{n}", source=fields.pop("source", f"s{n}.txt"), first_line=1, last_line=2, title=title, text=text, **fields)


def money(text: str, value, unit: str = "元", value_max=None, kind: str = "money") -> Figure:
    return Figure(text=text, value=value, unit=unit, qualifier=None, kind=kind, start=0, end=len(text), value_max=value_max)


_folded: dict[int, tuple[str, str]] = {}


def contains(article: Article, needle: str) -> bool:
    """The specification, checked the slow and obvious way: title and text folded on their own."""
    if id(article) not in _folded:
        _folded[id(article)] = (fold(article.title or ""), fold(article.text))
    title, text = _folded[id(article)]
    return fold(needle) in title or fold(needle) in text


def brute_force(articles: list[Article], words=(), excluded=()) -> set[str]:
    return {
        a.id
        for a in articles
        if all(contains(a, w) for w in words) and not any(contains(a, w) for w in excluded)
    }


def ids(hits: list[Hit]) -> set[str]:
    return {h.article_id for h in hits}


@pytest.fixture(scope="module")
def seeds_index():
    return build(seed_articles())


@pytest.fixture(scope="module")
def generated_index():
    return build(generated_articles())


# ---- folding -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "written, folded",
    [
        ("鄉村振興", "乡村振兴"),
        ("１２．５％ＡＢＣ", "12.5%abc"),
        ("五星\n支部 创建\u3000工作", "五星支部创建工作"),
        ("红色\u200b物业\ufeff", "红色物业"),
        ("“五星”支部《人民日报》", "五星支部人民日报"),
        ("①号", "1号"),
        ("乾", fold("乾")),
    ],
)
def test_fold(written, folded):
    assert fold(written) == folded


@settings(max_examples=300, deadline=None)
@given(st.text(), st.text())
def test_fold_is_per_character_so_substrings_are_never_missed(a, b):
    assert fold(a + b) == fold(a) + fold(b)
    assert fold(fold(a)) == fold(a)


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_origins_point_back_to_the_character_each_folded_one_came_from(text):
    folded, origins = fold(text), fold_origins(text)
    assert len(origins) == len(folded)
    assert origins == sorted(origins)
    for position, origin in enumerate(origins):
        assert folded[position] in fold(text[origin])


# ---- the parser ----------------------------------------------------------------------------------------


@settings(max_examples=500, deadline=None)
@given(st.text())
def test_parse_query_never_raises(q):
    query = parse_query(q)
    assert all(word and not any(ch.isspace() for ch in word) for word in query.words + query.phrases)


QUERY_PIECES = st.sampled_from(
    ['"', "“", "”", "-", ":", "city:", "unit:", "value", ">=", "<", "=", "kind:", " ", "　", "万", "漯河", "1.5",
     "-city:", 'program:"', "星", "\x00", "\n", "ｃｉｔｙ：", "value>=", "亿", "abc", "\\", "'"]
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(QUERY_PIECES | st.text(max_size=3), max_size=8))
def test_search_never_raises_on_query_language_fragments(seeds_index, pieces):
    q = "".join(pieces)
    parse_query(q)
    for hit in seeds_index.search(q)[:3]:
        assert isinstance(hit.spans, list)


def test_parse_examples():
    q = parse_query('红色物业  "五星 支部" -脱贫 city：漯河 -county:舞阳 unit:万元 value>=100万 kind:photo kind:money')
    assert q.words == ("红色物业",)
    assert q.phrases == ("五星支部",)
    assert q.excluded == ("脱贫",)
    assert [(f.field, f.value, f.negated) for f in q.filters] == [
        ("city", "漯河", False), ("county", "舞阳", True), ("kind", "photo", False)
    ]
    assert [(t.attribute, t.op, t.value) for t in q.figure] == [
        ("unit", "=", "元"), ("value", ">=", 1_000_000.0), ("kind", "=", "money")
    ]
    assert not q.warnings


@pytest.mark.parametrize(
    ("written", "value"),
    [("1000000", 1e6), ("1,000,000", 1e6), ("１００万", 1e6), ("100万", 1e6), ("1.2亿", 1.2e8), ("一百万", 1e6), ("0.5", 0.5)],
)
def test_values_are_read_as_figures_read_numerals(written, value):
    assert [(t.attribute, t.value) for t in parse_query(f"value>={written}").figure] == [("value", value)]


@pytest.mark.parametrize("written", ["abc", "1o00", "1e5", "20%", ""])
def test_values_that_are_not_numbers_are_warned_about(written):
    q = parse_query(f"value>={written}")
    assert q.figure == () and q.warnings == (f"value>={written}: not a number",)


@pytest.mark.parametrize(("written", "stored"), [("万元", "元"), ("千米", "公里"), ("万人次", "人次"), ("万群众", "群众"), ("斤", "斤")])
def test_units_are_read_through_the_figures_unit_table(written, stored):
    assert [t.value for t in parse_query(f"unit:{written}").figure] == [stored]


def test_runs_are_segmented_into_words_and_remembered_for_ranking():
    q = parse_query("漯河红色物业")
    assert q.words == ("漯河", "红色物业") and q.runs == ("漯河红色物业",)
    assert parse_query("covid19").words == ("covid19",)


def test_malformed_parts_are_warned_about_not_fatal():
    q = parse_query("value>=lots city: kind:banana 漯河 - http://x.cn")
    assert q.words == ("漯河", "http://x.cn")
    assert len(q.warnings) == 3


def test_unclosed_quote_runs_to_the_end():
    assert parse_query('"五星 支部').phrases == ("五星支部",)


# ---- exactness -----------------------------------------------------------------------------------------


QUOTES = '"“”「」『』'


def sample_needles(articles: list[Article], count: int, rng: random.Random) -> list[str]:
    """Real substrings of the library (1 to 6 characters), some rewritten the way users type them."""
    from opencc import OpenCC

    to_traditional = OpenCC("s2t")
    needles = []
    for _ in range(count):
        text = rng.choice(articles).text
        if not text:
            continue
        start = rng.randrange(len(text))
        needle = text[start : start + rng.randint(1, 6)]
        variant = rng.random()
        if variant < 0.2:
            needle = to_traditional.convert(needle)
        elif variant < 0.3:
            needle = unicodedata.normalize("NFKC", needle).translate({c: c + 0xFEE0 for c in range(0x21, 0x7F)})
        elif variant < 0.4:
            needle = " ".join(needle)  # spaces are folded away
        if not set(needle) & set(QUOTES):  # quotes mean something in a query
            needles.append(needle)
    return needles


@pytest.mark.parametrize("corpus", ["seeds", "generated"])
def test_phrases_return_exactly_the_substring_matches(corpus, seeds_index, generated_index):
    index = seeds_index if corpus == "seeds" else generated_index
    rng = random.Random(7)
    for needle in [*sample_needles(index.articles, 400, rng), "红色物业", "乡村振兴", "支部", "村", "不存在的词语"]:
        assert ids(index.search(f'"{needle}"')) == brute_force(index.articles, [needle]), needle


@pytest.mark.parametrize("corpus", ["seeds", "generated"])
def test_plain_queries_return_exactly_the_brute_force_set(corpus, seeds_index, generated_index):
    index = seeds_index if corpus == "seeds" else generated_index
    rng = random.Random(11)
    needles = sample_needles(index.articles, 300, rng)
    for _n in range(150):
        words = [w for w in rng.sample(needles, rng.randint(1, 3)) if w.strip()]
        excluded = [w for w in rng.sample(needles, rng.randint(0, 1)) if w.strip() and w[0] not in "-－"]
        q = " ".join(["".join(w.split()) for w in words] + ["-" + "".join(w.split()) for w in excluded])
        parsed = parse_query(q)
        expected = brute_force(index.articles, parsed.needles, parsed.excluded)
        assert ids(index.search(q)) == expected, q
        # A run is never looser than its literal meaning demands: every article holding it is found.
        literal = brute_force(index.articles, [w for w in words if not w.startswith("-")], excluded)
        assert literal <= expected, q


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(alphabet="五星支部红色物业乡村振兴村民漯河县镇万元12 \"-", max_size=10))
def test_index_agrees_with_the_scan_on_any_query(seeds_index, q):
    parsed = parse_query(q)
    assert seeds_index.matching(parsed) == seeds_index.scan(parsed)
    assert ids(seeds_index.search(parsed)) == brute_force(seeds_index.articles, parsed.needles, parsed.excluded)


def test_empty_query_returns_everything_in_library_order(seeds_index):
    assert [h.article_id for h in seeds_index.search("   ")] == [a.id for a in seeds_index.articles]


def test_title_and_text_never_join_into_a_false_match():
    index = build([article(1, "红色", "物业公司"), article(2, None, "红色物业")])
    assert ids(index.search('"红色物业"')) == {"a2"}


def test_characters_outside_the_basic_plane():
    index = build([article(1, None, "𠀀𠀁 甲"), article(2, None, "𠀁𠀀")])
    assert ids(index.search('"𠀀𠀁"')) == {"a1"}
    assert ids(index.search('"𠀁"')) == {"a1", "a2"}


# ---- filters -------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def filter_index():
    return build(
        [
            article(1, "漯河红色物业", "投入资金500万元。", city="漯河市", counties=["舞阳县"], programs=["红色物业"],
                    authors=["王远"], figures=[money("500万元", 5_000_000)]),
            article(2, None, "群众200人。", city="漯河市", kind="photo", figures=[money("200人", 200, "人", kind="people")]),
            article(3, "周口", "产业兴旺星评定，投入3000元，服务2000000人次。", city="周口市", stars=["产业兴旺星"],
                    figures=[money("3000元", 3000), money("200万人次", 2_000_000, "人次", kind="people")]),
            article(4, "没有城市", "四五万元", figures=[money("四五万元", 40_000, value_max=50_000)], source="001_x.txt"),
        ]
    )


@pytest.mark.parametrize(
    "q, expected",
    [
        ("city:漯河", {"a1", "a2"}),
        ("city:漯河市 -kind:photo", {"a1"}),
        ("city:未定位", {"a4"}),
        ("-city:漯河", {"a3", "a4"}),
        ("county:舞阳", {"a1"}),
        ("program:红色物业", {"a1"}),
        ("star:产业兴旺", {"a3"}),
        ("author:王远", {"a1"}),
        ("source:001", {"a4"}),
        ("kind:photo", {"a2"}),
        ("kind:people", {"a2", "a3"}),
        ("unit:元", {"a1", "a3", "a4"}),
        ("unit:万元", {"a1", "a3", "a4"}),
        ("UNIT:人次", {"a3"}),
        ("value>=1000000", {"a1", "a3"}),
        ("unit:元 value>=1000000", {"a1"}),  # one figure must pass both: a3's million is in 人次
        ("unit:元 value>1000000 -city:漯河", set()),
        ("value<300", {"a2"}),
        ("value<=200", {"a2"}),
        ("value=45000", {"a4"}),  # a range matches when a value inside it does
        ("value>=50000 unit:元 -city:漯河", {"a4"}),
        ("value>50000 unit:元 -city:漯河", set()),
        ("value>=100万 kind:money", {"a1"}),
        ("-unit:元", {"a2"}),
        ("红色物业 city:漯河", {"a1"}),
        ("投入 -value>=3000000", {"a3"}),
    ],
)
def test_filters(filter_index, q, expected):
    assert ids(filter_index.search(q)) == expected
    parsed = parse_query(q)
    assert filter_index.matching(parsed) == filter_index.scan(parsed)


# ---- ranking and spans ---------------------------------------------------------------------------------


def test_title_hits_rank_first_then_unbroken_runs_then_library_order():
    index = build(
        [
            article(1, None, "红色物业服务进社区，漯河市"),
            article(2, None, "漯河的物业，红色的旗帜"),
            article(3, None, "漯河 红色物业"),
            article(4, "红色物业在漯河", "正文"),
            article(5, None, "又一篇：红色物业，漯河"),
            article(6, "漯河", "红色物业"),
        ]
    )
    hits = index.search("漯河红色物业")
    assert [h.article_id for h in hits] == ["a4", "a6", "a3", "a1", "a5"]
    assert [h.score for h in hits] == [10.0, 5.0, 1.0, 0.0, 0.0]


def test_spans_point_into_the_original_unfolded_text():
    text = "推進鄉村 振興，\n乡村振兴看漯河。"
    index = build([article(1, "鄉村振興的故事", text)])
    [hit] = index.search("乡村振兴")
    title_spans = [(s, e) for f, s, e in hit.spans if f == "title"]
    text_spans = [(s, e) for f, s, e in hit.spans if f == "text"]
    assert title_spans == [(0, 4)]
    assert [text[s:e] for s, e in text_spans] == ["鄉村 振興", "乡村振兴"]


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="鄉村振興乡村振兴 \n　ＡＢab１1①", max_size=30), st.sampled_from(["乡村", "振兴", "ab", "1", "村振"]))
def test_spans_cover_every_occurrence_exactly(text, needle):
    spans = find_spans(text, fold(text), [needle], "text")
    covered = "".join(fold(text[s:e]) for _, s, e in spans)
    assert covered.count(needle) == fold(text).count(needle) or needle in covered
    for _, start, end in spans:
        assert needle in fold(text[start:end])
        assert fold(text[start:end]).startswith(needle[0]) and fold(text[start:end]).endswith(needle[-1])


def test_hits_compute_spans_only_when_asked():
    index = build([article(1, "红色物业", "红色物业好")])
    asked = []
    real_spans = index.spans
    index.spans = lambda number, needles: asked.append(number) or real_spans(number, needles)
    [hit] = index.search("红色物业")
    assert asked == []  # nothing worked out yet
    assert hit.spans == [("title", 0, 4), ("text", 0, 4)]
    assert hit.spans == [("title", 0, 4), ("text", 0, 4)]
    assert asked == [0]  # once
    assert hit == Hit("a1", hit.score, [("title", 0, 4), ("text", 0, 4)])


def test_seed_hits_highlight_what_was_searched(seeds_index):
    by_id = {a.id: a for a in seeds_index.articles}
    for hit in seeds_index.search("红色物业 志愿"):
        a = by_id[hit.article_id]
        assert hit.spans
        for field, start, end in hit.spans:
            shown = fold((a.title if field == "title" else a.text)[start:end])
            assert "红色物业" in shown or "志愿" in shown


def test_background_index_answers_at_once_and_the_same_once_ready():
    articles = generated_articles()
    index = SearchIndex(articles)
    queries = ["红色物业", "漯河 -村", '"五星 支部"', "city:郑州 value>=1000", "志愿"]
    early = [[h.article_id for h in index.search(q)] for q in queries]
    assert index.wait_until_indexed(timeout=60)
    assert [[h.article_id for h in index.search(q)] for q in queries] == early


def test_unindexed_search_gives_the_same_answers(seeds_index):
    plain = SearchIndex(seeds_index.articles, indexed=False)
    assert not plain.wait_until_indexed(timeout=0.01)
    for q in ["红色物业", "漯河红色物业 -脱贫", "kind:photo", "unit:元 value>=10000"]:
        assert [h.article_id for h in plain.search(q)] == [h.article_id for h in seeds_index.search(q)]


def ranked(hits: list[Hit]) -> list[tuple[str, float]]:
    return [(h.article_id, h.score) for h in hits]


def test_index_ranks_exactly_as_the_scan_does(generated_index):
    """Same hits, same scores, same order, whether answered from the index or by checking every article."""
    scanner = generated_index.scanning()
    assert not scanner.indexed
    rng = random.Random(5)
    needles = sample_needles(generated_index.articles, 200, rng)
    words = ["村", "群众", "党建", "五星支部", "乡村振兴", "红色物业", "党支部书记", "漯河红色物业", "支部", "书记"]
    filters = ["", "", "city:漯河", "-kind:photo", "value>=10000", "unit:元 value<100000", "-city:郑州 kind:money"]
    for _n in range(200):
        parts = rng.sample(words, rng.randint(1, 3)) + ["".join(w.split()) for w in rng.sample(needles, rng.randint(0, 1))]
        q = "".join(parts) if rng.random() < 0.4 else " ".join(parts)
        if rng.random() < 0.3:
            q += " -" + rng.choice(words)
        if rng.random() < 0.2:
            q = f'"{q}"'
        q += " " + rng.choice(filters)
        assert ranked(generated_index.search(q)) == ranked(scanner.search(q)), q
        assert generated_index.matching(parse_query(q)) == scanner.scan(parse_query(q)), q


def test_frequent_words_are_answered_exactly(generated_index):
    frequent = list(generated_index._index.docs.words)
    assert frequent  # the generated library repeats its seed pages' words: some are frequent
    for word in frequent:
        assert ids(generated_index.search(f'"{word}"')) == brute_force(generated_index.articles, [word]), word


def test_text_with_lone_surrogates_is_searchable():
    # JSON can carry a lone surrogate ("\ud800"); a library holding one must still index and search.
    index = build([article(1, "标题\ud800", "正文\udfff村"), article(2, None, "村")])
    assert ids(index.search("村")) == {"a1", "a2"}
    assert ids(index.search('"\ud800"')) == {"a1"}


def test_hits_compare_by_id_score_and_spans():
    assert Hit("a", 1.0, [("text", 0, 2)]) == Hit("a", 1.0, [("text", 0, 2)])
    assert Hit("a", 1.0, [("text", 0, 2)]) != Hit("a", 1.0, [("text", 0, 3)])
    assert Hit("a", 1.0) != Hit("b", 1.0)
    assert Hit("a", 1.0).spans == []
    assert (Hit("a", 1.0).article_id, Hit("a", 2.5).score) == ("a", 2.5)


def test_one_character_titles_and_texts():
    index = build([article(1, "村", "x"), article(2, None, "村"), article(3, "乡", ""), article(4, "", "")])
    assert ranked(index.search("村")) == [("a1", 10.0), ("a2", 0.0)]
    assert ranked(index.search("乡")) == [("a3", 10.0)]
    assert ranked(index.search("x")) == [("a1", 0.0)]


def test_a_figure_without_a_usable_value_never_unsorts_the_others():
    nan = float("nan")
    articles = [article(n, None, "x", figures=[money("x", value)]) for n, value in enumerate([5, nan, 1, None, 3, 9, nan, 7])]
    index = build(articles)
    assert ids(index.search("value>=5")) == {"a0", "a5", "a7"}
    assert ids(index.search("value<4")) == {"a2", "a4"}
    assert ids(index.search("unit:元")) == {f"a{n}" for n in range(8)}
