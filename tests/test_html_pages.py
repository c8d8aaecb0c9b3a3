"""HTML input ("Real pages", deliverable 4): a page saved as HTML gives what the same page saved as text gives.

Each bundled seed is wrapped in three saved-page templates (a county CMS page, a GBK news portal, a WeChat
article), with the furniture those sites carry around the article; the HTML reader must hand the pipeline
the seed's lines back, headed by the headline and the page's own date. ``TEMPLATES`` is also what
benchmarks/html_bench.py builds its pages from.
"""

from __future__ import annotations

import html
import struct
import tracemalloc
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from five_star.seeds import seed_paths
from five_star.store.model import Page, Skipped
from five_star.store.pipeline import extract_paths
from five_star.store.reading import html as html_reading
from five_star.store.reading import read
from five_star.store.reading.read import RawPage, find_pages, read_page


def seed_lines(path: Path) -> list[str]:
    """The seed's lines, without the blank lines a scraper left above the first."""
    lines = path.read_text(encoding="utf-8").split("\n")
    while lines and not lines[0].strip():
        lines.pop(0)
    return lines


def _paragraphs(lines: list[str], blank: str, wrap: Callable[[str], str]) -> str:
    """One ``<p>`` per seed line; a blank seed line is the empty paragraph the site's editor leaves."""
    return "\n".join(f"    {wrap(html.escape(line))}" if line.strip() else f"    {blank}" for line in lines)


def county_cms(lines: list[str]) -> str:
    """A county government CMS page: menu, breadcrumbs, a sidebar, a footer; the headline only in <h1>."""
    headline, body = html.escape(lines[0]), lines[1:]
    return f"""<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta http-equiv="X-UA-Compatible" content="IE=edge">
<title>{headline}_西平县人民政府</title>
<meta name="PubDate" content="2023-06-01 10:00">
<meta name="ContentSource" content="西平县委组织部">
<link rel="stylesheet" href="/css/style.css">
<script>var _hmt = _hmt || []; document.write("<p>统计代码</p>");</script>
</head>
<body>
<div class="top"><img src="/images/logo.png" alt="西平县人民政府"><span>西平县人民政府门户网站</span></div>
<div class="nav"><ul>
  <li><a href="/">首页</a></li><li><a href="/zwgk/">政务公开</a></li><li><a href="/gzdt/">工作动态</a></li>
  <li><a href="/zmhd/">政民互动</a></li><li><a href="/bsfw/">办事服务</a></li><li><a href="/zjxp/">走进西平</a></li>
</ul></div>
<div class="position">当前位置：<a href="/">首页</a> &gt; <a href="/gzdt/">工作动态</a></div>
<div class="container">
  <div class="article">
    <h1>{headline}</h1>
    <div class="info">来源：西平县委组织部　　发布时间：2023-06-01 10:00　　浏览次数：<span id="hits">128</span></div>
    <div class="TRS_Editor">
{_paragraphs(body, "<p>&nbsp;</p>", lambda text: f'<p style="text-indent: 2em;">{text}</p>')}
    </div>
    <div class="bdsharebuttonbox">分享到：<a class="bds_weixin">微信</a><a class="bds_tsina">微博</a></div>
    <div class="print"><a href="javascript:window.print()">【打印本页】</a> <a href="javascript:window.close()">【关闭窗口】</a></div>
  </div>
  <div class="sidebar">
    <h3>工作动态</h3>
    <ul>
      <li><a href="/gzdt/1.html">我县召开乡村振兴工作推进会</a><span>2023-05-30</span></li>
      <li><a href="/gzdt/2.html">县委书记调研基层党建工作</a><span>2023-05-29</span></li>
      <li><a href="/gzdt/3.html">全县“五星”支部创建观摩活动举行</a><span>2023-05-26</span></li>
    </ul>
  </div>
</div>
<div class="footer">
  <p>版权所有：西平县人民政府办公室　主办：西平县人民政府</p>
  <p>网站标识码：4117210001　<a href="https://beian.miit.gov.cn/">豫ICP备12345678号</a>　豫公网安备41172102000123号</p>
</div>
</body>
</html>
"""


def news_portal(lines: list[str]) -> str:
    """A GBK news portal: related reading and comments under the article, the headline repeated in the body."""
    headline = html.escape(lines[0])
    return f"""<!DOCTYPE html>
<html>
<head>
<meta charset="gbk">
<title>{headline} | 大河网</title>
<meta name="keywords" content="五星支部,基层党建">
<meta property="og:title" content="{headline}">
<meta property="article:published_time" content="2023-06-02T08:30:00+08:00">
</head>
<body>
<div class="ntes-nav"><a href="/">首页</a> | <a href="/news/">新闻</a> | <a href="/henan/">河南</a> | <a href="/photo/">图片</a></div>
<div class="post_main">
  <h1 class="post_title">{headline}</h1>
  <div class="post_info">2023-06-02 08:30:00　来源: 河南日报</div>
  <div class="post_body">
{_paragraphs(lines, "<p></p>", lambda text: f"<p>{text}</p>")}
  </div>
  <div class="post_next">
    <h3>相关阅读</h3>
    <ul>
      <li><a href="/a/1.html">漯河：“五星”支部创建激活乡村振兴一池春水</a></li>
      <li><a href="/a/2.html">驻马店市推进“五星”支部创建工作综述</a></li>
      <li><a href="/a/3.html">许昌建安区：党建引领基层治理见实效</a></li>
    </ul>
  </div>
</div>
<div id="tie" class="comment-area">
  <h3>网友评论</h3>
  <div class="tie-item"><span class="user">河南网友</span><p>写得好，我们村今年也要争创五星！</p></div>
  <div class="tie-item"><span class="user">郑州网友</span><p>为基层干部点赞。</p></div>
</div>
<footer><p>Copyright © 大河网 版权所有　豫ICP备05010105号</p></footer>
</body>
</html>
"""


def wechat(lines: list[str]) -> str:
    """A mobile WeChat article as saved from the phone: the text in ``rich_media_content``, hidden until JS runs."""
    headline, body = html.escape(lines[0]), lines[1:]
    return f"""<!DOCTYPE html>
<html>
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1.0,maximum-scale=1.0,user-scalable=0">
<title>{headline}</title>
<meta property="og:title" content="{headline}">
</head>
<body id="activity-detail" class="zh_CN mm_appmsg">
<div class="rich_media_area_primary">
  <div id="img-content" class="rich_media_wrp">
    <h1 class="rich_media_title" id="activity-name">
      {headline}
    </h1>
    <div id="meta_content" class="rich_media_meta_list">
      <span class="rich_media_meta rich_media_meta_text">原创</span>
      <span class="rich_media_meta rich_media_meta_nickname" id="profileBt"><a href="javascript:void(0);" id="js_name">河南组工</a></span>
      <em id="publish_time" class="rich_media_meta rich_media_meta_text">2023-06-03</em>
    </div>
    <div class="rich_media_content" id="js_content" style="visibility: hidden;">
      <section style="margin: 0 8px;">
{_paragraphs(body, "<p><br/></p>", lambda text: f'<p style="line-height: 1.75em;"><span style="font-size: 15px;">{text}</span></p>')}
      </section>
    </div>
    <div class="rich_media_tool" id="js_toobar3"><a id="js_view_source" href="#">阅读原文</a> 阅读 <span id="readNum3">1.2万</span></div>
  </div>
</div>
<div class="rich_media_area_extra">
  <div class="mpda_bottom_container">喜欢此内容的人还喜欢</div>
  <div id="js_cmt_area" class="discuss_container"><p class="discuss_message">留言功能已关闭</p></div>
</div>
<script nonce="12345">var ct = "1685750400"; var msg_title = "x";</script>
</body>
</html>
"""


@dataclass(frozen=True)
class Template:
    name: str
    build: Callable[[list[str]], str]
    charset: str
    date: str


TEMPLATES = [
    Template("county-cms", county_cms, "utf-8", "2023-06-01"),
    Template("news-portal", news_portal, "gbk", "2023-06-02"),
    Template("wechat", wechat, "utf-8", "2023-06-03"),
]


def save_page(template: Template, seed: Path, folder: Path) -> Path:
    """The seed wrapped in the template, encoded as the template declares (GBK writes what it cannot hold
    as character references, as a GBK site's CMS does)."""
    path = folder / f"{seed.stem}.{template.name}.html"
    path.write_bytes(template.build(seed_lines(seed)).encode(template.charset, errors="xmlcharrefreplace"))
    return path


def only_page(paths: list[Path]) -> Page:
    [page] = list(extract_paths(paths))
    assert isinstance(page, Page), page
    return page


def figures(page: Page) -> list[list[tuple]]:
    return [[(f.text, f.value, f.unit) for f in article.figures] for article in page.articles]


SEEDS = seed_paths()
CASES = [pytest.param(t, s, id=f"{t.name}-{s.name[:3]}") for t in TEMPLATES for s in SEEDS]


@pytest.fixture(scope="module")
def text_pages() -> dict[str, Page]:
    return {seed.name: only_page([seed]) for seed in SEEDS}


@pytest.mark.parametrize("template, seed", CASES)
def test_html_page_gives_the_text_page_articles(template, seed, tmp_path, text_pages):
    expected = text_pages[seed.name]
    page = only_page([save_page(template, seed, tmp_path)])
    assert len(page.articles) == len(expected.articles)
    assert [a.title for a in page.articles] == [a.title for a in expected.articles]
    assert figures(page) == figures(expected)


@pytest.mark.parametrize("template, seed", CASES)
def test_reader_text_is_headline_date_and_every_seed_line(template, seed, tmp_path):
    raw = read_page(save_page(template, seed, tmp_path))
    assert isinstance(raw, RawPage), raw
    assert raw.encoding == f"html:{template.charset}"
    lines = raw.text.split("\n")
    assert lines[:3] == [seed_lines(seed)[0], f"发布时间：{template.date}", ""]
    # the body, blank lines aside, is the seed after its first line: nothing dropped, added or reordered (each
    # line stripped, as HTML collapses a paragraph's leading space)
    assert [line for line in lines[3:] if line] == [line.strip() for line in seed_lines(seed)[1:] if line.strip()]


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda t: t.name)
def test_reading_is_deterministic(template, tmp_path):
    path = save_page(template, SEEDS[2], tmp_path)
    first, second = read_page(path), read_page(path)
    assert isinstance(first, RawPage) and isinstance(second, RawPage)
    assert first.text == second.text


@pytest.mark.parametrize(("template", "seed"), CASES)
def test_the_template_date_is_every_article_s_published(template, seed, tmp_path):
    page = only_page([save_page(template, seed, tmp_path)])
    assert {a.published for a in page.articles} == {template.date}


# --- headline, date and charset on their own ----------------------------------------------------------------


def _page(head: str, body: str) -> str:
    return f"<html><head>{head}</head><body>{body}</body></html>"


ARTICLE = "<div class='content'>" + "".join(f"<p>第{n}段：全县新建党群服务中心{n}个，投入资金{n}万元。</p>" for n in range(1, 8)) + "</div>"


def _text(head: str, body: str = ARTICLE, charset: str = "utf-8") -> str:
    return html_reading.html_page_text(_page(head, body).encode(charset)).text


@pytest.mark.parametrize(
    "title, headline",
    [
        ("驿城区召开推进会_驻马店网", "驿城区召开推进会"),
        ("驿城区召开推进会-西平县人民政府", "驿城区召开推进会"),
        ("驿城区召开推进会 | 网易", "驿城区召开推进会"),
        ("驿城区召开推进会_新闻_网易", "驿城区召开推进会"),
        ("2023-06-01驿城区召开推进会", "2023-06-01驿城区召开推进会"),  # a dash inside the headline stays
        ("驿城区召开推进会", "驿城区召开推进会"),
    ],
)
def test_title_loses_the_site_name(title, headline):
    assert html_reading.strip_site_name(title) == headline
    assert _text(f"<title>{title}</title>").split("\n")[0] == headline


def test_without_h1_or_title_the_headline_comes_from_the_page_metadata():
    assert _text('<meta property="og:title" content="驿城区召开推进会">').split("\n")[0] == "驿城区召开推进会"


def test_h1_the_title_repeats_wins_over_a_logo_h1():
    body = "<h1 class='logo'>西平县人民政府</h1><h1>驿城区召开推进会</h1>" + ARTICLE
    assert _text("<title>驿城区召开推进会_西平县人民政府</title>", body).split("\n")[0] == "驿城区召开推进会"


def test_a_logo_h1_never_wins_over_the_title_s_headline():
    body = "<h1 class='logo'>大河网</h1><h2>驿城区召开推进会</h2>" + ARTICLE
    assert _text("<title>驿城区召开推进会_大河网</title>", body).split("\n")[0] == "驿城区召开推进会"


@pytest.mark.parametrize(
    "head, body, date",
    [
        ('<meta name="publishdate" content="2023/6/1">', ARTICLE, "2023-06-01"),
        ('<meta name="pubdate" content="20230601">', ARTICLE, "2023-06-01"),
        ("", f'<time datetime="2023-06-01T09:00:00+08:00">6月1日</time>{ARTICLE}', "2023-06-01"),
        # dates that are not the page's own: a sidebar's <time>, a date in the text, an impossible date
        ("", f'<ul><li><time datetime="2023-05-30">5月30日</time></li></ul>{ARTICLE}', None),
        ("", f"<p>发布时间：2023-06-01</p>{ARTICLE}", None),
        ('<meta name="PubDate" content="2023-02-30">', ARTICLE, None),
    ],
)
def test_date_line_only_from_the_page_metadata(head, body, date):
    lines = _text(head, body).split("\n")
    assert (lines[0] if lines[0].startswith("发布时间：") else None) == (date and f"发布时间：{date}")


def test_charset_declared_in_http_equiv_decodes_gbk():
    head = '<meta http-equiv="Content-Type" content="text/html; charset=gb2312">'
    page = html_reading.html_page_text(_page(head, ARTICLE).encode("gbk"))
    assert page.encoding == "html:gb2312"
    assert "全县新建党群服务中心1个" in page.text


def test_undeclared_gbk_is_detected_and_a_false_declaration_is_not_believed():
    undeclared = html_reading.html_page_text(_page("", ARTICLE).encode("gbk"))
    lying = html_reading.html_page_text(_page('<meta charset="utf-8">', ARTICLE).encode("gbk"))
    assert undeclared.encoding == lying.encoding == "html:gb18030"
    assert "全县新建党群服务中心1个" in undeclared.text
    assert lying.text == undeclared.text


def test_a_utf16_declaration_in_an_ascii_compatible_page_is_read_as_utf8():
    page = html_reading.html_page_text(_page('<meta charset="utf-16">', ARTICLE).encode("utf-8"))
    assert page.encoding == "html:utf-8"
    assert "全县新建党群服务中心1个" in page.text


def test_br_separated_lines_and_source_wrapping():
    body = "<div class='content'><p>第一段，新建党群服务中心12个。<br>第二段，\n  投入资金985万元。<br><br>第三段。</p>" + ARTICLE[21:]
    lines = _text("", body).split("\n")
    assert lines[:4] == ["第一段，新建党群服务中心12个。", "第二段，投入资金985万元。", "", "第三段。"]


# --- bad input: one line each, the rest goes on -------------------------------------------------------------


def _png() -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    pixels = zlib.compress(b"\x00\xff\x00\x00" * 4)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 4, 1, 8, 2, 0, 0, 0)) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")


def _navigation_only(megabytes: float) -> bytes:
    links = []
    size, n = 0, 0
    while size < megabytes * 1_000_000:
        link = f'<li><a href="/news/{n}.html">第{n}条 县委召开专题会议研究部署工作</a></li>\n'
        links.append(link)
        size += len(link.encode("utf-8"))
        n += 1
    return _page('<meta charset="utf-8"><title>新闻列表_西平县人民政府</title>', f"<ul class='list'>{''.join(links)}</ul>").encode()


def test_bad_html_pages_are_skipped_with_one_line_and_the_good_page_comes_out(tmp_path):
    good = save_page(TEMPLATES[0], SEEDS[3], tmp_path)
    (tmp_path / "photo.html").write_bytes(_png())
    (tmp_path / "empty.html").write_bytes(b"<html></html>")
    (tmp_path / "blank.htm").write_bytes(b"   \n")
    (tmp_path / "menu.html").write_bytes(_page("<title>栏目</title>", "<div class='nav'><a href='/'>首页</a> <a href='/a'>工作动态</a></div><footer>版权所有</footer>").encode())
    (tmp_path / "links.html").write_bytes(_navigation_only(0.3))
    results = {Path(r.path).name: r for r in extract_paths([tmp_path])}
    reasons = {name: r.reason for name, r in results.items() if isinstance(r, Skipped)}
    assert reasons == {
        "photo.html": "binary file, not text",
        "empty.html": "page holds no text",
        "blank.htm": "empty file",
        "menu.html": html_reading.NO_MAIN_TEXT,
        "links.html": html_reading.NO_MAIN_TEXT,
    }
    assert all("\n" not in reason for reason in reasons.values())
    assert isinstance(results[good.name], Page) and results[good.name].articles


@pytest.mark.slow
def test_a_20_mb_page_of_links_is_refused_in_bounded_time_and_memory(tmp_path):
    """Refused after parsing, before extraction (whose cost grows with the elements): parsing 20 MB takes about
    half a second and 130 MB (lxml's own memory, which tracemalloc does not see; it sees the bytes and the
    decoded text), where extracting from its 417,000 elements would take ten times that."""
    good = save_page(TEMPLATES[2], SEEDS[0], tmp_path)
    (tmp_path / "huge.html").write_bytes(_navigation_only(20))
    tracemalloc.start()
    try:
        results = {Path(r.path).name: r for r in extract_paths([tmp_path])}
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    huge = results["huge.html"]
    assert isinstance(huge, Skipped)
    assert huge.reason == f"{416_960:,} HTML elements is over the {html_reading.MAX_HTML_ELEMENTS:,} limit for one page"
    assert isinstance(results[good.name], Page)
    assert peak < 400_000_000


def test_an_oversized_html_page_is_refused_before_it_is_read_whole(tmp_path, monkeypatch):
    monkeypatch.setattr(read, "MAX_HTML_BYTES", 1000)
    path = tmp_path / "page.html"
    path.write_bytes(b"<html><body>" + b"<p>x</p>" * 1000 + b"</body></html>")
    result = read_page(path)
    assert isinstance(result, Skipped)
    assert result.reason.endswith("MB limit for one HTML page")


def test_folders_find_html_pages(tmp_path):
    (tmp_path / "a.HTM").write_text("<p>x</p>")
    (tmp_path / "b.html").write_text("<p>x</p>")
    (tmp_path / "c.png").write_bytes(_png())
    assert [p.name for p in find_pages([tmp_path]) if isinstance(p, Path)] == ["a.HTM", "b.html"]
    empty = tmp_path / "none"
    empty.mkdir()
    [skipped] = list(find_pages([empty]))
    assert isinstance(skipped, Skipped) and skipped.reason == "folder holds no .txt, .md or .html files"
