"""Splitting a page into items (articles and standalone photo captions) by line spans.

Works on repaired lines (one per raw line, so numbers match the source file). Every non-blank line
ends up in exactly one item or in ``removed`` with its reason. The rules (boilerplate patterns,
byline roles, caption credits, headline shapes) live in ``data/page_rules.json``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from itertools import islice

from five_star.store.model import Removed
from five_star.store.reading.repair import ends_paragraph
from five_star.store.resources import derived, page_rules
from five_star.store.splitting.chrome import Chrome, chrome_rules, find_chrome

_SENTENCE_PUNCT = re.compile(r"[。！？!?]")
_TRAILING_COMMA = re.compile(r"[，、；：,;:]$")
_SENTENCE_END = re.compile(r"[。！？!?…]”?$")


@dataclass(frozen=True)
class HeadlineShape:
    min_chars: int
    max_chars: int
    kicker_max_chars: int
    lookahead_lines: int


@dataclass(frozen=True)
class PagePatterns:
    """``page_rules.json``, compiled: what the line predicates and the walk below test lines with."""

    byline: re.Pattern[str]
    unit_credit: re.Pattern[str]
    roles: re.Pattern[str]
    news_lead: re.Pattern[str]
    photo_credit: re.Pattern[str]
    own_caption: re.Pattern[str]
    headline: HeadlineShape
    place_led: re.Pattern[str]
    body_min_chars: int
    fragment_max_chars: int
    stray_name: str
    stray_max_chars: int
    headline_continues: re.Pattern[str]
    caption_credit_end: re.Pattern[str]


@derived
def page_patterns() -> PagePatterns:
    data = page_rules()
    roles = sorted(data.strings("byline_roles"), key=len, reverse=True)
    role_alt = "|".join(map(re.escape, roles))
    suffixes = "|".join(map(re.escape, sorted(data.strings("place_suffixes"), key=len, reverse=True)))
    headline = data.section("headline")
    return PagePatterns(
        # A byline line: optional box mark and outlet name ('河南经济报 记者 …'), then a role word, then names.
        byline=re.compile(
            rf"^[□■◇◆]?\s*([^\s，。]{{2,12}}\s+)?[^\s，。]{{0,12}}?({role_alt})(\s|$|[\u4e00-\u9fff]{{2,4}}(\s|$))"
        ),
        unit_credit=data.regex("unit_credit"),
        roles=re.compile(role_alt),
        news_lead=data.regex("news_lead"),
        photo_credit=data.regex("photo_credit"),
        own_caption=data.regex("own_caption"),
        headline=HeadlineShape(
            headline.integer("min_chars"),
            headline.integer("max_chars"),
            headline.integer("kicker_max_chars"),
            headline.integer("lookahead_lines"),
        ),
        place_led=re.compile(rf"^[\u4e00-\u9fff]{{2,14}}?({suffixes})\s+\S"),
        body_min_chars=data.integer("body_min_chars"),
        fragment_max_chars=data.integer("fragment_max_chars"),
        stray_name=data.text("stray_line"),
        stray_max_chars=data.integer("stray_max_chars"),
        headline_continues=data.regex("headline_continues_after"),
        # a bracketed credit ending in one of these closes a photo caption, not the article
        caption_credit_end=re.compile(rf"({'|'.join(map(re.escape, data.strings('caption_credit_endings')))})\s*[)）]$"),
    )


@dataclass
class Item:
    kind: str
    lines: list[int] = field(default_factory=list)
    title_line: int | None = None
    title_rest: int | None = None  # the second line of a headline broken in two
    byline_lines: list[int] = field(default_factory=list)
    caption_lines: list[int] = field(default_factory=list)
    kicker_lines: list[int] = field(default_factory=list)  # an overline or a unit's name next to the headline
    closed: bool = False
    fragments: bool = False
    # Set by ``_absorb`` when it adds a line that is neither title nor byline: the article has a body.
    body_seen: bool = field(default=False, compare=False, repr=False)

    @property
    def first_line(self) -> int:
        return self.lines[0]

    @property
    def last_line(self) -> int:
        return self.lines[-1]


@dataclass
class Split:
    items: list[Item]
    removed: list[Removed]
    chrome: Chrome


# ------------------------------------------------------------------------------------------------
# line predicates (lines are repaired text; index 0 is unused so numbers are 1-based)


_NAMES_ONLY = re.compile(r"^[\u4e00-\u9fff]{2,4}(、[\u4e00-\u9fff]{2,4})+$")


def is_names_line(line: str) -> bool:
    """'王丽娟、谭琴、陈碧玉、王俞彬': a credit without role words, as people.com.cn prints it under a headline.
    Only a byline where one is expected: in wrapped body text such a run of names is part of a sentence."""
    return bool(_NAMES_ONLY.match(line))


def is_byline(line: str) -> bool:
    """A line that is only a credit ('本报记者 殷瑞杰', or units and names: '淮阳区委组织部 郑集乡人民政府 刘宗帅 何鑫');
    a news lead carries its credit inline instead."""
    if page_patterns().unit_credit.match(line):
        return True
    return (
        len(line) <= 48
        and bool(page_patterns().byline.match(line))
        and not _SENTENCE_PUNCT.search(line)
        and not is_news_lead(line)
    )


def is_news_lead(line: str) -> bool:
    return bool(page_patterns().news_lead.match(line))


def is_closing_byline(line: str) -> bool:
    """'(崔帅帅 刘阳)' or a paragraph ending in '（本报记者 宋广军 通讯员 苏涛）'.

    A bracketed photo credit ('…俯瞰图(央广网发 刘猛猛 摄)') is a caption inside the article, not its end."""
    return (
        bool(re.search(r"[（(][^（()）]{1,60}[)）]$", line))
        and not page_patterns().caption_credit_end.search(line)
        and (line[0] in "（(" or bool(trailing_credit_names(line)))
    )


def trailing_credit_names(line: str) -> list[str]:
    match = re.search(r"[（(]([^（()）]{1,60})[)）]$", line)
    return parse_names(match.group(1)) if match else []


def parse_names(credit: str) -> list[str]:
    """Names in a credit: '本报记者 宋广军 通讯员 苏涛 董熠琳' → [宋广军, 苏涛, 董熠琳]."""
    credit = re.sub(r"^[□■◇◆]", "", credit.strip())
    credit = re.sub(r"(/\s*)?(文图|文/图|摄影|摄)$", "", credit).strip()
    names: list[str] = []
    for chunk in page_patterns().roles.split(credit):
        for token in re.split(r"[\s、，,/。！？!?“”‘’（）()：:]+", chunk):
            token = token.strip("·")
            if 2 <= len(token) <= 4 and re.fullmatch(r"[\u4e00-\u9fff·]+", token) and token not in names:
                names.append(token)
    return names


_CREDIT_ENDINGS = ("摄", "摄影", "文图", "文/图")


def photo_credit(line: str) -> re.Match | None:
    """The trailing '记者 姬慧洋 摄' of a caption; only a line's tail is searched, which keeps this cheap."""
    if not line.endswith(_CREDIT_ENDINGS):
        return None
    return page_patterns().photo_credit.search(line, max(0, len(line) - 48))


def is_headline_shaped(line: str) -> bool:
    shape = page_patterns().headline
    return (
        shape.min_chars <= len(line) <= shape.max_chars
        and not _SENTENCE_PUNCT.search(line[:-1])  # a headline may end asking or exclaiming: '“三零”创建是什么？'
        and not line.endswith(("。", "——", "—"))  # '乡村振兴影像记——' leads into a headline, it is none
        and not _TRAILING_COMMA.search(line)
        and not is_byline(line)
        and not is_news_lead(line)
        and not photo_credit(line)
        and not line.startswith(("(", "（"))
    )


# ------------------------------------------------------------------------------------------------
# blocks: runs of consecutive non-blank kept lines


def _blocks(lines: list[str], removed: dict[int, str]) -> list[list[int]]:
    blocks: list[list[int]] = []
    current: list[int] = []
    for n in range(1, len(lines)):
        if lines[n] and n not in removed:
            current.append(n)
        elif current:
            blocks.append(current)
            current = []
    if current:
        blocks.append(current)
    return blocks


def _split_at_headlines(blocks: list[list[int]], lines: list[str]) -> list[list[int]]:
    """PDF text often runs the next headline straight on after a paragraph, with no blank line between."""
    kept = [n for block in blocks for n in block]
    lookahead = page_patterns().headline.lookahead_lines
    out: list[list[int]] = []
    at = 0  # the position in ``kept`` of the line looked at; only the next few lines are ever needed
    for block in blocks:
        piece = [block[0]]
        at += 1
        for pos, n in enumerate(block[1:], start=1):
            at += 1
            if (
                ends_paragraph(lines[block[pos - 1]])
                and is_headline_shaped(lines[n])
                and _lead_follows(kept[at : at + lookahead], lines)
            ):
                out.append(piece)
                piece = []
            piece.append(n)
        out.append(piece)
    return out


def _split_off_kicker(blocks: list[list[int]], lines: list[str]) -> list[list[int]]:
    """A page that opens with a short line run straight into the headline ('部门动态' / the headline):
    the short line is a column name or kicker, a block of its own, so the headline below it is seen."""
    if not blocks or len(blocks[0]) < 2:
        return blocks
    first, second = (lines[n] for n in blocks[0][:2])
    if (
        len(first) <= page_patterns().headline.kicker_max_chars
        and is_headline_shaped(second)
        and not _continues_headline(first, second)
    ):
        return [blocks[0][:1], blocks[0][1:], *blocks[1:]]
    return blocks


def _lead_follows(rest: Iterable[int], lines: list[str]) -> bool:
    """A byline or news lead within the next few lines, perhaps after a short kicker."""
    shape = page_patterns().headline
    for n in islice(rest, shape.lookahead_lines):
        text = lines[n]
        if is_byline(text) or is_news_lead(text) or is_names_line(text):
            return True
        if photo_credit(text) and page_patterns().own_caption.match(text):
            continue  # the article's own numbered photo caption may sit between headline and byline
        if len(text) > shape.kicker_max_chars or _SENTENCE_PUNCT.search(text):
            return False
    return False


def _is_caption_block(block: list[int], lines: list[str]) -> bool:
    last = lines[block[-1]]
    credit = photo_credit(last)
    if not credit:
        return False
    if is_byline(lines[block[0]]) and len(block) > 1:
        return False  # '□…记者' / '李嘉/文图' is a byline block, not a caption
    caption = "".join(lines[n] for n in block)[: -len(credit.group(0))]
    return len(caption) >= 6


def _is_body(block: list[int], lines: list[str]) -> bool:
    return len(block) >= 2 or len(lines[block[0]]) >= page_patterns().body_min_chars


def _is_fragment_block(block: list[int], lines: list[str]) -> bool:
    return len(block) == 1 and len(lines[block[0]]) <= page_patterns().fragment_max_chars


# ------------------------------------------------------------------------------------------------
# the walk


def split_lines(lines: list[str]) -> Split:
    """``lines[0]`` is ignored; ``lines[n]`` is the repaired text of raw line n."""
    chrome = find_chrome(lines)
    for n, text in chrome.trimmed.items():
        lines[n] = text  # the caller's lines too: the article text is what is left once a stamp is off
    removed = chrome.removed
    blocks = _split_off_kicker(_split_at_headlines(_blocks(lines, removed), lines), lines)
    items: list[Item] = []
    current: Item | None = None

    def start(kind: str, **kw) -> Item:
        item = Item(kind=kind, **kw)
        items.append(item)
        return item

    closers = [n for n, reason in removed.items() if reason in chrome_rules().closing]
    for index, block in enumerate(blocks):
        first = lines[block[0]]
        if current is not None and current.body_seen and any(current.last_line < n < block[0] for n in closers):
            current.closed = True  # a list of related links stands after an article's end

        if first.startswith("## "):
            current = start("article", title_line=block[0])
            _absorb(current, block, lines)
            continue

        if _is_caption_block(block, lines):
            own = page_patterns().own_caption.match(first)
            if current and current.kind == "article" and not current.closed and (own or not current.body_seen):
                current.lines.extend(block)
                current.caption_lines.extend(block)
                continue
            photo = start("photo", lines=list(block), caption_lines=list(block), closed=True)
            current = photo
            continue

        headline = _headline_at(blocks, index, lines, current)
        if headline and current is not None and _is_overline(current, block, lines):
            current.kind, current.fragments, current.closed = "article", False, False
            current.kicker_lines = list(current.lines)
            current.title_line = block[0]
            _absorb(current, block, lines)
            continue
        if headline and current is not None and current.title_line is not None and not current.body_seen:
            _absorb(current, block, lines)  # a subtitle under the headline, not a headline of its own
            continue
        if headline:
            current = start("article", title_line=block[0])
            _absorb(current, block, lines)
            continue

        if current is None or current.closed:
            if current is not None and current.fragments and _is_fragment_block(block, lines):
                current.lines.extend(block)
                continue
            if _is_fragment_block(block, lines) and not is_byline(first):
                current = start("photo", fragments=True, closed=True)
                current.lines.extend(block)
                continue
            current = start("article")
        _absorb(current, block, lines)

    items = _drop_stray_lines(items, lines, removed)
    removed_list = [Removed(line=n, text=lines[n], reason=reason) for n, reason in removed.items()]
    removed_list += [Removed(line=n, text=stamp, reason=name) for n, (stamp, name) in chrome.stamps.items()]
    removed_list.sort(key=lambda r: r.line)
    return Split(items=items, removed=removed_list, chrome=chrome)


def _drop_stray_lines(items: list[Item], lines: list[str], removed: dict[int, str]) -> list[Item]:
    """Short lines before the first article or after the last that read as neither text nor caption
    (a spam banner, a platform's footer link) are the site's, not a photo item of their own."""
    articles = [i for i, item in enumerate(items) if item.kind == "article"]
    titled = [i for i in articles if items[i].title_line is not None]
    if not articles:
        return items
    kept: list[Item] = []
    for i, item in enumerate(items):
        outside = i < articles[0] or i > articles[-1]
        stray = outside and item.fragments and not any(
            _SENTENCE_END.search(lines[n]) or photo_credit(lines[n]) for n in item.lines
        )
        stray = stray or (bool(titled) and i < titled[0] and item.kind == "article" and _nothing_yet(item, lines))
        if stray:
            removed.update({n: page_patterns().stray_name for n in item.lines})
        else:
            kept.append(item)
    return kept


def _is_overline(item: Item, block: list[int], lines: list[str]) -> bool:
    """An untitled item of one short line just above a headline is its overline ('郇封镇', '聚力打造“五星幸福体”')."""
    if item.title_line is not None or len(item.lines) != 1 or item.byline_lines:
        return False
    line = lines[item.lines[0]]
    shape = page_patterns().headline
    return (
        block[0] - item.lines[0] <= 3
        and len(line) <= shape.kicker_max_chars
        and not _SENTENCE_PUNCT.search(line)
        and not photo_credit(line)
    )


def _absorb(item: Item, block: list[int], lines: list[str]) -> None:
    """Add a block to an article, noting byline lines and whether it closes the article."""
    for n in block:
        item.lines.append(n)
        line = lines[n]
        if n == item.title_line:
            continue
        if item.title_line == n - 1 and not item.body_seen and _continues_headline(lines[n - 1], line):
            item.title_rest = n
            continue
        expected_credit = item.title_line is not None and not item.body_seen and len(block) == 1
        under_headline = item.title_line is not None and n - 1 in (item.title_line, item.title_rest)
        if (expected_credit or under_headline) and not item.body_seen and _is_kicker(line):
            item.kicker_lines.append(n)
            continue
        if (
            is_byline(line)
            or (expected_credit and is_names_line(line))
            or (item.byline_lines and item.byline_lines[-1] == n - 1 and _continues_byline(line))
        ):
            item.byline_lines.append(n)
        else:
            item.body_seen = True
    if block[-1] != item.title_line and is_closing_byline(lines[block[-1]]):
        item.closed = True


def _is_kicker(line: str) -> bool:
    """'示范区纪委监察工委' under a headline: short, no clause, no credit — the headline's, not the text's."""
    return (
        len(line) <= page_patterns().headline.kicker_max_chars
        and not _SENTENCE_PUNCT.search(line)
        and not _TRAILING_COMMA.search(line)
        and not re.search(r"[，、；,;（()）]", line)
        and not is_news_lead(line)
        and not is_byline(line)
        and not is_names_line(line)
        and not photo_credit(line)
    )


def _continues_headline(first: str, second: str) -> bool:
    """'…让“五星”支部成为群众的' / '主心骨': a headline the layout broke where no headline can end."""
    return (
        bool(page_patterns().headline_continues.search(first))
        and len(first) + len(second) <= page_patterns().headline.max_chars
        and not _SENTENCE_PUNCT.search(second)
        and not is_byline(second)
    )


def _continues_byline(line: str) -> bool:
    """'王东昱 通讯员 米山' / '李嘉/文图' under a '□…记者' line."""
    return len(line) <= 24 and not _SENTENCE_PUNCT.search(line) and bool(parse_names(line))


def _lines_after(blocks: list[list[int]], index: int) -> Iterator[int]:
    """The line numbers after the first line of ``blocks[index]``, lazily: callers look a few lines ahead."""
    yield from islice(blocks[index], 1, None)
    for later in range(index + 1, len(blocks)):
        yield from blocks[later]


def _headline_at(blocks: list[list[int]], index: int, lines: list[str], current: Item | None) -> bool:
    """Does an article start at ``blocks[index]``? See the module docs for the four cues."""
    block = blocks[index]
    line = lines[block[0]]
    if not is_headline_shaped(line):
        return False
    # (a) a byline or news lead follows, perhaps after a short kicker line
    if _lead_follows(_lines_after(blocks, index), lines):
        return True
    next_block = blocks[index + 1] if index + 1 < len(blocks) else None
    if next_block is not None and index + 2 < len(blocks) and _is_aside(next_block, lines):
        next_block = blocks[index + 2]  # an account name or subhead between headline and text: look past it
    # A headline broken in two is one headline: the block is the headline alone either way.
    alone = len(block) == 1 or (len(block) == 2 and _continues_headline(line, lines[block[1]]))
    body_follows = next_block is not None and _is_body(next_block, lines) and alone
    # (b) the first thing on the page, where even a short first paragraph ('山高为嵩。') follows a headline;
    # (c) right after an article that closed with its credit, or after stray short lines
    nothing_yet = _nothing_yet(current, lines)
    if nothing_yet and next_block is not None and alone and _reads_as_body(lines[next_block[0]]):
        return True
    if (nothing_yet or (current is not None and current.closed)) and body_follows:
        return True
    # (d) a dateline headline led by a place name ('驻马店市驿城区水屯镇 用真情汇聚脱贫实效')
    if body_follows and page_patterns().place_led.match(line):
        return True
    # (e) the first thing on the page, run straight into its first paragraph with no blank line between;
    # a first line of quoted speech ('“你们看，现在俺们村路宽了……”') is the lead, not a headline
    return nothing_yet and len(block) > 1 and _reads_as_body(lines[block[1]]) and "，" not in line


def _is_aside(block: list[int], lines: list[str]) -> bool:
    """One short line that is not a sentence: '王屯乡' (a blog's account), '零上访/零事故/零案件' (a subhead)."""
    return (
        len(block) == 1
        and len(lines[block[0]]) <= page_patterns().headline.kicker_max_chars
        and not _SENTENCE_END.search(lines[block[0]])
    )


def _nothing_yet(current: Item | None, lines: list[str]) -> bool:
    """Before the first article: nothing, or only a stray short line or two (a site's slogan, a column name)."""
    if current is None:
        return True
    return (
        current.title_line is None
        and not current.byline_lines
        and not current.caption_lines
        and len(current.lines) <= 2
        and all(len(lines[n]) <= page_patterns().stray_max_chars and not _SENTENCE_END.search(lines[n]) for n in current.lines)
    )


def _reads_as_body(line: str) -> bool:
    return len(line) >= page_patterns().body_min_chars or bool(re.search(r"[。！？]”?$", line))
