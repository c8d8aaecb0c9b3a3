"""Reprints counted once (issue 14): articles that are one story share ``story``, and counts count stories.

The acceptance library is built the way a person would: the five seed pages ingested, then the same five
again under other names, each with a site header line added and one punctuation mark changed.
"""

from __future__ import annotations

import csv
import importlib.util
import json
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from five_star.seeds import seed_paths
from five_star.store import resources
from five_star.store.export.writers import write_articles_csv, write_figures_csv
from five_star.store.library.ingest import ingest, reindex
from five_star.store.library.library import Library
from five_star.store.library.stories import StoryIndex, decode_sketch, encode_sketch, sketch_of, story_rules
from five_star.store.pipeline import extract_text
from five_star.store.query.browse import BrowseIndex, Grouping, Summary
from five_star.store.query.dashboard import city_rows, county_rows, timeline
from five_star.store.reading.read import read_page
from helpers.library import copy_library

REPO = Path(__file__).resolve().parents[1]
HEADER = "首页 > 新闻中心 > 基层党建 > 正文"
_PUNCTUATION = re.compile("[，。；：！？、]")


def reprint_pages(folder: Path, prefix: str = "reprint-") -> list[Path]:
    """The seed pages under other names, each with a site header line on top and its middle punctuation
    mark changed (，→。, or 。→，)."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for path in seed_paths():
        raw = read_page(path).text
        marks = list(_PUNCTUATION.finditer(raw))
        middle = marks[len(marks) // 2]
        changed = raw[: middle.start()] + ("。" if middle.group() != "。" else "，") + raw[middle.end() :]
        assert changed != raw
        copy = folder / f"{prefix}{path.stem}.txt"
        copy.write_text(f"{HEADER}\n{changed}", encoding="utf-8")
        written.append(copy)
    return written


def build_reprint_library(folder: Path) -> Path:
    db = folder / "library.json"
    with Library.open(db) as library:
        ingest(library, list(seed_paths()))
        ingest(library, reprint_pages(folder / "copies"))
    return db


@pytest.fixture(scope="module")
def reprints(tmp_path_factory) -> Path:
    return build_reprint_library(tmp_path_factory.mktemp("reprints"))


def read(db: Path):
    with Library.open(db) as library:
        return library.articles()


def originals_and_copies(articles):
    """Each copy with the original it was made from: same seed page, one line further down."""
    originals = {(a.source, a.first_line): a for a in articles if not a.source.startswith("reprint-")}
    copies = [a for a in articles if a.source.startswith("reprint-")]
    return originals, [(originals[(c.source.removeprefix("reprint-"), c.first_line - 1)], c) for c in copies]


# ---- the acceptance library --------------------------------------------------------------------------


def test_every_copy_shares_its_originals_story_and_no_two_originals_share_one(reprints):
    articles = read(reprints)
    originals, pairs = originals_and_copies(articles)
    assert len(originals) == 26 and len(pairs) == 26
    for original, copy in pairs:
        assert copy.story == original.story, (original.label, copy.label)
    assert len({a.story for a in originals.values()}) == 26
    assert all(a.story == a.id for a in originals.values())  # the first copy stored names the story


def test_tree_counts_are_stories(reprints):
    articles = read(reprints)
    index = BrowseIndex.of(articles)
    assert len(articles) == 52 and len(index) == 26
    for grouping in Grouping:
        for group in index.top(grouping):
            under = index.under(grouping, group.name)
            assert group.count == len({articles_by_id(articles)[i].story for i in under})
    assert sum(group.count for group in index.top(Grouping.CITY)) == 26  # copies keep their original's city
    leads = index.leads(index.order)
    assert len(leads) == 26 and all(len(index.copies_of(lead)) == 1 for lead in leads)


def articles_by_id(articles):
    return {a.id: a for a in articles}


def test_the_summary_cache_keeps_the_story(reprints):
    articles = read(reprints)
    rebuilt = [Summary(*json.loads(json.dumps(Summary.of(a), ensure_ascii=False))) for a in articles]
    assert len(BrowseIndex(rebuilt)) == 26


def test_dashboard_counts_and_tallies_are_those_of_the_originals_alone(reprints):
    articles = read(reprints)
    originals = [a for a in articles if not a.source.startswith("reprint-")]
    assert sum(row.articles for row in city_rows(articles)) == 26
    assert city_rows(articles) == city_rows(originals)  # the copies restate, never add
    for row in city_rows(originals):
        assert county_rows(articles, row.place) == county_rows(originals, row.place)
    reprinted, alone = timeline(articles), timeline(originals)
    assert reprinted == alone and sum(n for _, n in reprinted.months) + reprinted.undated == 26


def test_exports_have_the_story_column(reprints, tmp_path):
    articles = read(reprints)
    _, pairs = originals_and_copies(articles)
    write_articles_csv(articles, tmp_path / "articles.csv")
    with (tmp_path / "articles.csv").open(encoding="utf-8-sig", newline="") as handle:
        rows = {row["id"]: row for row in csv.DictReader(handle)}
    for original, copy in pairs:
        assert rows[copy.id]["story"] == rows[original.id]["story"] == original.id
    write_figures_csv(articles, tmp_path / "figures.csv")
    with (tmp_path / "figures.csv").open(encoding="utf-8-sig", newline="") as handle:
        figures = list(csv.DictReader(handle))
    stories = {a.id: a.story for a in articles}
    assert figures and all(row["story"] == stories[row["article_id"]] for row in figures)
    assert len({row["story"] for row in figures}) < len({row["article_id"] for row in figures})


def test_reindex_and_a_third_copy_keep_the_stories(reprints, tmp_path):
    db = copy_library(reprints, tmp_path / "lib")
    before = {a.id: a.story for a in read(db)}
    with Library.open(db) as library:
        ingest(library, reprint_pages(tmp_path / "again", "mirror-"))
        reindex(library)
    after = {a.id: a.story for a in read(db)}
    assert len(after) == 78 and {i: after[i] for i in before} == before
    assert len(set(after.values())) == 26  # the third copies joined their stories


# ---- the index on its own ------------------------------------------------------------------------------


def row(article_id: str, text: str, page: str, city: str | None = None) -> dict:
    return {"id": article_id, "text": text, "page": page, "city": city, "counties": [], "places": []}


REPORT = ("漯河市源汇区持续深化“五星”支部创建，以党建引领基层治理，推动红色物业全覆盖。今年以来，全区新建党群服务中心"
          "十二个，培育产业兴旺星村八个，组织党员志愿者开展入户走访，帮助群众解决急难愁盼问题一百余件，基层治理效能不断提升。")


def test_a_one_line_caption_joins_a_story_only_beside_a_copy():
    caption = "图为活动现场。"
    index = StoryIndex()
    first = index.assign_page([row("a1", REPORT, "a"), row("a2", caption, "a")])
    unrelated = index.assign_page([row("b1", "信阳市光山县开展人居环境整治，清理沟渠三十条，拆除违建二十处。", "b"),
                                   row("b2", caption, "b")])
    # The reprint lists the caption first: the page's long article is matched first all the same.
    reprint = index.assign_page([row("c2", caption, "c"), row("c1", REPORT.replace("，", ","), "c")])
    assert first[1]["story"] == "a2" and unrelated[1]["story"] == "b2"  # the same words, different pages
    assert reprint[1]["story"] == "a1" and reprint[0]["story"] == "a2"


def test_short_texts_need_near_identity_without_a_copy_beside_them():
    one = "驻马店市驿城区水屯镇组织党员志愿者走访慰问困难群众，为他们送去米面油等生活物资和节日祝福。"
    index = StoryIndex()
    index.assign(row("x", one, "p1"))
    assert len(sketch_of(one).shingles) < story_rules().short_shingles
    edited = index.assign(row("y", one.replace("水屯镇", "老河乡").replace("米面油", "棉被"), "p2"))
    same = index.assign(row("z", one.replace("。", "！"), "p3"))
    assert edited["story"] == "y" and same["story"] == "x"


def test_the_same_words_about_another_city_are_another_story():
    index = StoryIndex()
    index.assign(row("a", REPORT, "p1", city="漯河市"))
    moved = REPORT.replace("漯河市源汇区", "南阳市宛城区")
    assert index.assign(row("b", moved, "p2", city="南阳市"))["story"] == "b"
    assert index.assign(row("c", REPORT.replace("。", "；"), "p3", city="漯河市"))["story"] == "a"


def test_other_figures_make_another_story():
    figures = REPORT + "全区累计投入资金3200万元，建成示范小区46个，覆盖群众18500户。"
    index = StoryIndex()
    index.assign(row("a", figures, "p1"))
    redrawn = figures.replace("3200", "870").replace("46", "19").replace("18500", "6400")
    assert index.assign(row("b", redrawn, "p2"))["story"] == "b"
    assert index.assign(row("c", figures.replace("十二个", "12个"), "p3"))["story"] == "a"


def test_traditional_characters_and_another_headline_are_the_same_story():
    from opencc import OpenCC

    page = read_page(seed_paths()[4]).text
    original = extract_text(page, "original.txt").articles
    big5 = extract_text(OpenCC("s2t").convert(page), "big5.txt").articles
    index = StoryIndex()
    first = index.assign_page([{**a.to_dict(), "page": "original"} for a in original])
    again = index.assign_page([{**a.to_dict(), "page": "big5"} for a in big5])
    assert [r["story"] for r in again] == [r["story"] for r in first] == [a.id for a in original]


def test_the_index_read_back_from_its_rows_finds_the_same_stories():
    index = StoryIndex()
    stored = [index.assign(row("a", REPORT, "p1")), index.assign(row("b", REPORT + "（记者 王远）", "p2"))]
    assert stored[1]["story"] == "a"
    again = StoryIndex.from_rows(json.loads(json.dumps(stored)))  # as the library file holds them
    assert again.assign(row("c", REPORT.replace("，", " "), "p3"))["story"] == "a"
    damaged = [{**stored[0], "sketch": stored[0]["sketch"][:-7] + "!!"}, {**stored[1], "sketch": "m9.9.9:xyz"}]
    blind = StoryIndex.from_rows(damaged)
    assert blind.story_of("b") == "a"  # the story is kept ...
    assert blind.assign(row("c", REPORT, "p3"))["story"] == "c"  # ... but without a sketch it matches nothing


def test_a_forgotten_article_is_no_longer_found_and_its_copies_keep_their_story():
    index = StoryIndex()
    index.assign(row("a", REPORT, "p1"))
    index.assign(row("b", REPORT, "p2"))
    index.forget("a")
    assert index.story_of("a") is None and index.story_of("b") == "a"
    assert index.assign(row("c", REPORT, "p3"))["story"] == "a"  # through b
    index.forget("b")
    index.forget("c")
    assert index.assign(row("d", REPORT, "p4"))["story"] == "d"


def test_sketches_survive_the_trip_and_are_the_same_in_another_process():
    sketch = sketch_of(REPORT, places=["漯河市", "源汇区"], city="漯河市")
    decoded = decode_sketch(encode_sketch(sketch, story_rules()), story_rules())
    assert (tuple(decoded.shingles), tuple(decoded.facts), decoded.city) == (tuple(sketch.shingles), tuple(sketch.facts), sketch.city)
    script = ("import sys; from five_star.store.library.stories import encode_sketch, sketch_of, story_rules; "
              "print(encode_sketch(sketch_of(sys.argv[1], places=['漯河市', '源汇区'], city='漯河市'), story_rules()))")
    other = subprocess.run([sys.executable, "-c", script, REPORT], capture_output=True, text=True, check=True)
    assert other.stdout.strip() == encode_sketch(sketch, story_rules())  # no per-process salt (``hash()``)


def test_a_broken_rules_file_is_one_line_naming_it(tmp_path, monkeypatch):
    from importlib.resources import as_file

    copy = tmp_path / "data"
    with as_file(resources.DATA) as bundled:
        import shutil

        shutil.copytree(bundled, copy)
    rules = json.loads((copy / "stories.json").read_text(encoding="utf-8"))
    rules["threshold"] = 1.5
    (copy / "stories.json").write_text(json.dumps(rules), encoding="utf-8")
    monkeypatch.setattr(resources, "DATA", copy)
    resources.reload()
    try:
        with pytest.raises(resources.ResourceError, match=r"stories\.json: “threshold” should be a share"):
            StoryIndex()
    finally:
        monkeypatch.undo()
        resources.reload()


# ---- the measurements (benchmarks/stories_report.py) ---------------------------------------------------


def report_module():
    spec = importlib.util.spec_from_file_location("stories_report", REPO / "benchmarks" / "stories_report.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["stories_report"] = module
    spec.loader.exec_module(module)
    return module


@pytest.mark.slow
@pytest.mark.parametrize("variant", ["header", "traditional", "headline", "chrome", "edits"])
def test_seeded_copies_are_found_and_nothing_else_is_glued(variant):
    report = report_module()
    items = report.seed_items([variant])
    result = report.score(items, report.grouped(items, story_rules()))
    assert result.precision == 1.0
    assert result.recall >= (0.95 if variant == "edits" else 1.0), result


@pytest.mark.slow
def test_the_corpus_reprints_are_found_and_nothing_else_is_glued():
    report = report_module()
    items = report.corpus_items()
    result = report.score(items, report.grouped(items, story_rules()))
    assert (result.precision, result.recall, result.truth_pairs) == (1.0, 1.0, 2)
    sources = Counter(item.article.source for item in items)
    assert len(sources) >= 90  # the whole corpus was read
