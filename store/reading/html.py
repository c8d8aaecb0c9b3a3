"""Saved HTML pages as plain text: the page's charset, its headline, its own date, its main text.

trafilatura finds where the main text is; the text itself is then taken from our own walk of that part of
the page, block by block, because trafilatura normalises what it returns (private-use characters dropped,
empty paragraphs lost) and the splitter downstream reads blank lines and exact characters.

The text handed on is what the library stores and ``reindex`` re-extracts, so it is built deterministically:

    headline                      (``<h1>``, else ``<title>`` without the site name; absent when neither)
    发布时间：YYYY-MM-DD            (only when the page's own metadata carries a date)
                                  (a blank line)
    one line per block            (each ``<p>``/``<div>``/``<li>``…, and each ``<br>``-separated piece;
                                   an empty paragraph is a blank line, as the page showed it)
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from five_star.store.model import iso_date
from five_star.store.reading.read import decode_page_bytes

HtmlElement = Any  # lxml.html.HtmlElement: lxml ships no type stubs, so its elements go untyped

DATE_LINE_PREFIX = "发布时间："
NO_MAIN_TEXT = "no main text found (only navigation, links or markup)"

MAX_HTML_ELEMENTS = 30_000
"""A bigger page is refused before extraction, whose time and memory grow with the elements: a page of 30,000
elements of links takes 1.7 s and 150 MB peak on one core (benchmarks/html_bench.py --huge). News pages hold
1,000-8,000."""

# Where browsers look for a charset declaration, generously: Chinese CMS pages put long comments first.
_DECLARATION_SCAN_BYTES = 16 * 1024
_META_CHARSET = re.compile(rb"<meta[^>]*?charset\s*=\s*[\"']?\s*([A-Za-z0-9_.:-]+)", re.IGNORECASE)
# GB2312 and GBK pages routinely hold characters only their superset GB18030 names; decoding with it is lossless.
_GB_FAMILY = {"gb2312", "gbk", "gb18030"}
# A declaration found by scanning bytes as ASCII cannot be true of UTF-16/32, which are not ASCII-compatible:
# browsers read such a page as UTF-8 (Word's "Save as Web Page" writes it so).
_NOT_ASCII_COMPATIBLE = ("utf-16", "utf-32")

_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")

_BLOCK_TAGS = frozenset({
    "address", "article", "blockquote", "body", "caption", "center", "dd", "details", "dialog", "div", "dl", "dt",
    "fieldset", "figcaption", "figure", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hgroup", "hr", "li", "main",
    "ol", "p", "pre", "section", "summary", "table", "tbody", "tfoot", "thead", "tr", "ul",
})
# Never page text, whatever contains them; their tails still are.
_SKIPPED_TAGS = frozenset({
    "aside", "audio", "button", "canvas", "embed", "footer", "head", "iframe", "input", "map", "meta", "nav",
    "noscript", "object", "option", "script", "select", "style", "svg", "template", "textarea", "title", "video",
})
_CELL_TAGS = frozenset({"td", "th"})

# class/id words of page furniture. Whole words only: 'rich_media_content' or 'TRS_Editor' must not match.
_FURNITURE_WORDS = frozenset({
    "nav", "navbar", "menu", "breadcrumb", "breadcrumbs", "crumb", "crumbs", "sidebar", "footer", "comment",
    "comments", "related", "share", "sharebox", "bdsharebuttonbox", "copyright", "pagination", "pager",
    "recommend",
})
_ATTRIBUTE_WORDS = re.compile(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])")
_LINK_DENSE_SHARE = 0.8
"""A block whose text is at least this share link text is a list of links (related reading, a menu),
never a paragraph: news paragraphs hold a link now and then, not mostly links."""

# Headings that introduce furniture inside the article's container; the furniture itself goes by the rules above.
_FURNITURE_HEADING = re.compile(
    r"^(?:相关|延伸|推荐|热点|热门|更多)(?:阅读|新闻|文章|链接|推荐|报道)[：:]?$|^(?:网友|发表|我要|最新)?评论(?:[（(]\d*[)）])?[：:]?$"
)

_MAIN_SHARE = 0.9
"""The main text lives in the deepest element holding this share of what trafilatura extracted (a headline or
an info line outside the article body is small next to it, so the body's container wins)."""

_SITE_SUFFIX = re.compile(
    r"\s*(?:[_|｜]|\s[-—–]\s|-(?=[^-]{2,30}(?:网|政府|门户|日报|新闻|频道|客户端|平台|官网|网站|之窗)$))\s*[^_|｜]{1,30}$"
)
_SITE_SUFFIX_ROUNDS = 3  # '标题_新闻_网易' carries a section and a site

# Dates: only the page's own metadata. A date in the body may be any event's; none at all is better than a guess.
_DATE_METAS = ("article:published_time", "og:published_time", "pubdate", "publishdate", "publish_date", "datepublished")
_ISO_DATE = re.compile(r"^\s*(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})(?!\d)|^\s*(\d{4})(\d{2})(\d{2})(?!\d)")
# Bounds fixed, not relative to today: the stored text must come out the same on every reindex.


@dataclass
class HtmlText:
    text: str
    encoding: str  # 'html:gbk'; decoding repairs after a '+', as ``RawPage.encoding``


def html_page_text(data: bytes) -> HtmlText:
    """The page as the text pipeline reads it; raise ValueError with a one-line reason when there is none."""
    text, charset = decode_html_bytes(data)
    tree = _parse(text)
    elements = sum(1 for _ in tree.iter())
    if elements > MAX_HTML_ELEMENTS:
        raise ValueError(f"{elements:,} HTML elements is over the {MAX_HTML_ELEMENTS:,} limit for one page")
    headline = find_headline(tree)
    date = find_published(tree)
    body = main_text_lines(tree, headline)
    head = [line for line in (headline, date and DATE_LINE_PREFIX + date) if line]
    return HtmlText(text="\n".join([*head, "", *body]).lstrip("\n") + "\n", encoding=f"html:{charset}")


# --- charset ----------------------------------------------------------------------------------------------


def decode_html_bytes(data: bytes) -> tuple[str, str]:
    """(text, charset): the charset the page declares when its bytes agree, else the one they show."""
    declared = declared_charset(data)
    if declared and declared != "utf-8" and not declared.startswith(_NOT_ASCII_COMPATIBLE):
        codec = "gb18030" if declared in _GB_FAMILY else declared
        try:
            return data.decode(codec), _charset_label(declared)
        except UnicodeDecodeError:
            pass  # a page that lies about its charset (a GBK page re-saved as UTF-8): trust the bytes
    text, encoding, repairs = decode_page_bytes(data)
    return text, "+".join([_charset_label(encoding), *repairs])


def declared_charset(data: bytes) -> str | None:
    """The codec named by ``<meta charset>`` or ``http-equiv`` content, when Python knows it; a BOM overrides both."""
    if data.startswith((codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return None
    match = _META_CHARSET.search(data[:_DECLARATION_SCAN_BYTES])
    if not match:
        return None
    try:
        return codecs.lookup(match.group(1).decode("ascii")).name
    except (LookupError, UnicodeDecodeError):
        return None


def _charset_label(codec: str) -> str:
    return codecs.lookup(codec).name.replace("_", "-")


def _lxml() -> tuple[Any, Any]:
    """(lxml.etree, lxml.html), imported on first use: only HTML pages need them, not start-up."""
    from lxml import etree, html  # type: ignore[import-untyped]

    return etree, html


def _parse(text: str) -> HtmlElement:
    text = _XML_DECLARATION.sub("", text, count=1)  # lxml refuses a str that declares its own encoding
    if not text.strip():
        raise ValueError("empty file")
    try:
        _, lxml_html = _lxml()
        return lxml_html.document_fromstring(text)
    except Exception as exc:  # lxml's ParserError and friends: the page is not HTML enough to read
        raise ValueError(f"not readable as HTML ({exc})") from exc


# --- headline ---------------------------------------------------------------------------------------------


def find_headline(tree: HtmlElement) -> str | None:
    """``<h1>`` (the one the ``<title>`` repeats, when a logo is an ``<h1>`` too), else the ``<title>`` without
    the site's name, else the title in the page's meta tags (as trafilatura reads them)."""
    title = _clean(" ".join(tree.xpath("/html/head/title//text()")))
    headline_part = strip_site_name(title) if title else ""
    h1s = [text for text in (_clean(h.text_content()) for h in tree.iter("h1")) if text]
    in_title = [text for text in h1s if text in headline_part]
    if in_title:
        return max(in_title, key=len)
    # An <h1> that is the site's name the <title> ends with is the logo, not the headline.
    not_logo = [text for text in h1s if not (text in title and text not in headline_part)]
    if not_logo:
        return not_logo[0]
    if headline_part:
        return headline_part
    from trafilatura.metadata import examine_meta  # lazy: only HTML pages need trafilatura

    guessed = examine_meta(tree).title  # og:title, twitter:title, <meta name="title">: the page's own tags
    return _clean(guessed) if guessed else None


def strip_site_name(title: str) -> str:
    """'标题_XX网' / '标题-XX县人民政府' / '标题 | 网易' → '标题'."""
    for _ in range(_SITE_SUFFIX_ROUNDS):
        stripped = _SITE_SUFFIX.sub("", title)
        if stripped == title or not stripped:
            break
        title = stripped
    return title


# --- the page's own date ----------------------------------------------------------------------------------


def find_published(tree: HtmlElement) -> str | None:
    """ISO date from the page's metadata: meta tags, ``<time datetime>``, WeChat's ``#publish_time``."""
    for value in _date_candidates(tree):
        date = _date_of(value)
        if date:
            return date
    return None


def _date_candidates(tree: HtmlElement) -> Iterator[str]:
    metas = {}
    for meta in tree.iter("meta"):
        key = (meta.get("property") or meta.get("name") or meta.get("itemprop") or "").lower()
        if key in _DATE_METAS and key not in metas:
            metas[key] = meta.get("content") or ""
    yield from (metas[key] for key in _DATE_METAS if key in metas)
    for time in tree.iter("time"):
        # a <time> in a list or link dates another article (a sidebar's), not this one
        if time.get("datetime") and not any(a.tag in ("a", "li") for a in time.iterancestors()):
            yield time.get("datetime") or ""
    for element in tree.xpath('//*[@id="publish_time"]'):
        yield element.text_content()


def _date_of(value: str) -> str | None:
    match = _ISO_DATE.match(value)
    if not match:
        return None
    year, month, day = (int(g) for g in (match.group(1, 2, 3) if match.group(1) else match.group(4, 5, 6)))
    return iso_date(year, month, day)


# --- main text --------------------------------------------------------------------------------------------


@dataclass
class _Line:
    text: str
    owner: HtmlElement  # the innermost block it came from


def main_text_lines(tree: HtmlElement, headline: str | None) -> list[str]:
    """The lines of the main text: trafilatura chooses the part of the page, our walk reads it.

    The part is chosen from every line of the page; page furniture inside it (a related-reading list in the
    article's container) is dropped afterwards, so a furniture rule can never hide where the article is.
    """
    extracted = _trafilatura_lines(tree)
    if not extracted:
        raise ValueError(NO_MAIN_TEXT if _has_text(tree) else "page holds no text")
    body = tree.find("body")
    wanted = {_key(line) for line in extracted} - {_key(headline or "")}
    main = _main_element(_LineWalk(tree if body is None else body).lines(), wanted)
    if main is None:
        raise ValueError(NO_MAIN_TEXT)
    texts = [line.text for line in _LineWalk(main, drop_furniture=True).lines()]
    texts = [text for text in texts if not _FURNITURE_HEADING.match(text)]
    texts = _without_leading_headline(_tidy_blanks(texts), headline)
    if not texts:
        raise ValueError(NO_MAIN_TEXT)
    return texts


def _trafilatura_lines(tree: HtmlElement) -> list[str]:
    import trafilatura  # lazy: with its dependencies it takes ~0.15 s to import, and only HTML pages need it
    from trafilatura.settings import Document

    # ``fast`` skips the fallback extractors (readability, jusText): their text would only be used to find
    # the main element, which trafilatura's own pass already finds, and they cost a third of the reading.
    document = trafilatura.bare_extraction(
        tree, include_comments=False, include_tables=True, favor_recall=True, with_metadata=False, fast=True
    )
    if not isinstance(document, Document) or not document.text:
        return []
    return [line for line in document.text.split("\n") if line.strip()]


def _has_text(tree: HtmlElement) -> bool:
    body = tree.find("body")
    return body is not None and bool(body.text_content().strip())


def _main_element(lines: Iterable[_Line], wanted: set[str]) -> HtmlElement | None:
    """The deepest element holding ``_MAIN_SHARE`` of the matched text, crediting each line to its ancestors."""
    credit: dict[HtmlElement, int] = {}
    depth: dict[HtmlElement, int] = {}
    for line in lines:
        key = _key(line.text)
        if not key or key not in wanted:
            continue
        chain = [line.owner, *line.owner.iterancestors()]
        for level, element in enumerate(chain):
            credit[element] = credit.get(element, 0) + len(key)
            depth[element] = len(chain) - level
    if not credit:
        return None
    total = max(credit.values())  # the root's credit: every matched line
    holding = [element for element, chars in credit.items() if chars >= _MAIN_SHARE * total]
    return max(holding, key=lambda element: depth[element])


@dataclass
class _OpenBlock:
    element: HtmlElement
    gave_line: bool = False
    after_break: bool = False  # the last thing in it was a <br>: a second one in a row makes a blank line


class _LineWalk:
    """One line per block and per ``<br>`` piece; an empty block is a blank line. Walked without recursion:
    a page nested ten thousand deep must not hit Python's recursion limit."""

    def __init__(self, root: HtmlElement, drop_furniture: bool = False) -> None:
        self.root = root
        self.sizes = _text_sizes(root) if drop_furniture else None
        self.pieces: list[str] = []
        self.open: list[_OpenBlock] = []

    def lines(self) -> Iterator[_Line]:
        etree, _ = _lxml()
        walk = etree.iterwalk(self.root, events=("start", "end"))
        for event, element in walk:
            if event == "end":
                yield from self._end(element)
            elif self._skipped(element):
                walk.skip_subtree()
            else:
                yield from self._start(element)

    def _skipped(self, element: HtmlElement) -> bool:
        tag = element.tag
        if not isinstance(tag, str) or tag in _SKIPPED_TAGS:
            return True
        if self.sizes is None:
            return False
        # the root's own class/id is not held against it: trafilatura chose it as the article
        return (element is not self.root and _furniture_name(element)) or _link_dense(element, self.sizes)

    def _start(self, element: HtmlElement) -> Iterator[_Line]:
        tag = element.tag
        if tag in _BLOCK_TAGS:
            if self.open:
                yield from self._flush(blank=False)
            self.open.append(_OpenBlock(element))
        elif tag == "br" and self.open:
            block = self.open[-1]
            yield from self._flush(blank=block.after_break)
            block.after_break = True
        elif tag in _CELL_TAGS:
            self.pieces.append(" ")
        if tag != "br" and self.open:
            self.open[-1].after_break = False
        self.pieces.append(element.text or "")

    def _end(self, element: HtmlElement) -> Iterator[_Line]:
        if self.open and self.open[-1].element is element:
            yield from self._flush(blank=not self.open[-1].gave_line)
            self.open.pop()
            if self.open:
                self.open[-1].gave_line = True
        self.pieces.append(element.tail or "")  # a tail belongs to the parent's flow, even a skipped element's

    def _flush(self, blank: bool) -> Iterator[_Line]:
        text = _collapse(self.pieces)
        self.pieces.clear()
        if text or blank:
            block = self.open[-1]
            block.gave_line = True
            yield _Line(text, block.element)


def _furniture_name(element: HtmlElement) -> bool:
    words = _ATTRIBUTE_WORDS.findall(f"{element.get('class') or ''} {element.get('id') or ''}")
    return any(word.lower() in _FURNITURE_WORDS for word in words)


def _link_dense(element: HtmlElement, sizes: dict[HtmlElement, tuple[int, int]]) -> bool:
    total, linked = sizes.get(element, (0, 0))
    return element.tag in _BLOCK_TAGS and total > 0 and linked >= _LINK_DENSE_SHARE * total


def _text_sizes(root: HtmlElement) -> dict[HtmlElement, tuple[int, int]]:
    """(visible characters, characters inside links) of every element, in one pass from the leaves up."""
    sizes: dict[HtmlElement, tuple[int, int]] = {}
    etree, _ = _lxml()
    for _, element in etree.iterwalk(root, events=("end",)):
        total = len((element.text or "").strip()) if isinstance(element.tag, str) else 0
        linked = 0
        for child in element:
            child_total, child_linked = sizes.get(child, (0, 0))
            total += child_total + len((child.tail or "").strip())
            linked += child_linked
        sizes[element] = (total, total if element.tag == "a" else linked)
    return sizes


# --- text clean-up ----------------------------------------------------------------------------------------

_SPACE_RUN = re.compile(r"[ \t\n\r\f]+")
_CJK = "\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef"
# A line break in the HTML source between two Chinese characters is no space (CSS segment-break rules).
_SOURCE_WRAP = re.compile(f"(?<=[{_CJK}])[ \t\r\f]*\n[ \t\n\r\f]*(?=[{_CJK}])")


def _collapse(pieces: list[str]) -> str:
    return _SPACE_RUN.sub(" ", _SOURCE_WRAP.sub("", "".join(pieces))).strip(" ")


def _clean(text: str) -> str:
    return _collapse([text]).strip()


# Whitespace, controls, invisible format characters and the private-use area: trafilatura drops or reshapes them;
# '|' is its table-cell separator.
_UNCOMPARED = re.compile(r"[|\s\x00-\x1f\x7f-\x9f\xad\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff\ue000-\uf8ff]+")


def _key(text: str) -> str:
    """Text as trafilatura and our walk both render it, to tell which of our lines it kept."""
    return _UNCOMPARED.sub("", text)


def _tidy_blanks(texts: list[str]) -> list[str]:
    """Whitespace-only lines become blank, runs of blanks one blank, none at either end."""
    out: list[str] = []
    for text in texts:
        text = text.strip()
        if text or (out and out[-1]):
            out.append(text)
    while out and not out[-1]:
        out.pop()
    return out


def _without_leading_headline(texts: list[str], headline: str | None) -> list[str]:
    if headline and texts and _key(texts[0]) == _key(headline):
        return _tidy_blanks(texts[1:])
    return texts
