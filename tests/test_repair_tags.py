"""The ``html-tags`` repair: markup a scraper left in a text page is stripped, text that merely holds '<' is not."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from five_star.store.pipeline import extract_text
from five_star.store.reading.repair import repair_line, strip_html_tags

CORPUS = Path(__file__).parent / "corpus" / "pages"

# A meipian page as scraped: every paragraph of the article on one line, with an empty paragraph between two.
MEIPIAN_LINE = (
    '<p class="ql-block">　　8月1日，马投涧镇召开“五星”支部创建再推进座谈会，15名责任部门负责人参加会议。</p> '
    '<p class="ql-block"><br></p> '
    '<p class="ql-block"><span style="color: rgb(237, 35, 8);">党建引领谋发展</span></p>'
    '<p class="ql-block">全镇投入资金985&nbsp;万元，新建党群服务中心12个&amp;文化广场3个。</p>'
)


@pytest.mark.parametrize(
    "line, expected, count",
    [
        ('<p class="ql-block">正文</p>', "正文", 2),
        ("第一段。<br/>第二段。<BR>第三段。", "第一段。 第二段。 第三段。", 2),
        ('<span style="font-size: 16px;">红色物业</span>解难题', "红色物业解难题", 2),
        ("<strong>五星</strong>支部<!-- 编辑注 -->", "五星支部", 3),
        ("村里&nbsp;新建", "村里\xa0新建", 1),
        ("A&amp;B，3&lt;5", "A&B，3<5", 2),
        ("&lt;p&gt;是段落标签", "<p>是段落标签", 2),  # escaped markup is text: unescaped, not stripped
    ],
)
def test_tags_and_entities_are_removed(line, expected, count):
    assert strip_html_tags(line) == (expected, count)


@pytest.mark.parametrize(
    "line",
    [
        "贫困发生率降至< 5%",
        "收看<<新闻联播>>节目",
        "学习《人民日报》评论员文章",
        "若x<b 且 y>c则成立",  # a tag name, but no attribute-shaped insides
        "<新时代文明实践>专栏",
        "R&D投入与AT&T &copy 2023",  # no semicolon: not a reference
        "比例>90%，<10人",
    ],
)
def test_text_that_merely_holds_angle_brackets_is_untouched(line):
    assert strip_html_tags(line) == (line, 0)


def test_a_meipian_line_stays_one_line_and_its_figures_come_out():
    repaired = repair_line(MEIPIAN_LINE)
    assert "<" not in repaired.text and "&nbsp;" not in repaired.text and "&amp;" not in repaired.text
    assert repaired.text.startswith("8月1日，马投涧镇")
    assert "党建引领谋发展 全镇投入资金985万元" in repaired.text
    assert repaired.fired["html-tags"] == 13  # 11 tags, 2 references

    page = extract_text(f"{MEIPIAN_LINE}\n", "meipian.txt")
    [article] = page.articles
    assert (article.first_line, article.last_line) == (1, 1)
    assert "html-tags:13" in article.repairs
    assert {(f.text, f.value) for f in article.figures} >= {("15名", 15), ("985万元", 9850000), ("12个", 12)}


def test_the_scraped_meipian_pages_lose_every_tag():
    pages = sorted(CORPUS.glob("*meipian*.txt"))
    assert len(pages) >= 3
    for path in pages:
        for article in extract_text(path.read_text(encoding="utf-8"), path.name).articles:
            assert not re.search(r"</?[a-zA-Z][a-zA-Z0-9]*(\s[^<>]*)?/?>", f"{article.title}\n{article.text}"), path.name
            assert any(r.startswith("html-tags:") for r in article.repairs), path.name


@pytest.mark.parametrize("reference", ["&#10;", "&#13;", "&#x2028;", "&#x202e;", "&#x2066;"])
def test_a_reference_never_breaks_the_line_or_reorders_it(reference):
    line, fired = strip_html_tags(f"第一段{reference}第二段")
    assert fired == 1
    assert line == "第一段 第二段"
