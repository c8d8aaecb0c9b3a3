"""Article metadata read from its lines: title, authors, dates."""

from __future__ import annotations

import re

from five_star.store.model import DateMention
from five_star.store.resources import derived, page_rules
from five_star.store.splitting.split import (
    page_patterns,
    parse_names,
    photo_credit,
    trailing_credit_names,
)

_COLUMN_TAG = re.compile(r"\s*[（(][^（()）]{1,30}[)）]\s*$")
_MARKDOWN_HEADING = re.compile(r"^#{1,6}\s+")
_ORIGINAL_TITLE = re.compile(r"^[\s【\[]*原标题\s*[】\]]?\s*[:：]?\s*")


@derived
def _title_tags() -> tuple[re.Pattern[str], re.Pattern[str]]:
    tags = page_rules().section("title_tags")
    return tags.regex("prefix"), tags.regex("suffix")


def clean_title(line: str) -> str:
    """Headline text without markdown marks, a leading column or outlet tag ('聚焦代表通道丨', '[河南日报]'),
    a site name after '_', or a trailing column tag ('(新时代 新征程 新伟业)'); ``title_tags`` in page_rules.json."""
    prefix, suffix = _title_tags()
    title = _MARKDOWN_HEADING.sub("", line).strip()
    title = _COLUMN_TAG.sub("", title) or title
    title = prefix.sub("", title) or title
    title = suffix.sub("", title) or title
    return re.sub(r"\s+", " ", title)


def title_from_rule() -> str:
    """The chrome rule whose lines name an untitled article (``原标题：…``), from page_rules.json."""
    return page_rules().text("title_from")


def original_title(line: str) -> str | None:
    """'原标题：漯河 璀璨“星”光照亮城乡治理' or '【原标题】：…' → the headline it repeats."""
    title = clean_title(_ORIGINAL_TITLE.sub("", line))
    return title or None


def byline_names(byline_lines: list[str]) -> list[str]:
    return parse_names(" ".join(byline_lines))


def news_lead_credit(paragraph: str) -> tuple[list[str], str]:
    """'本报讯（记者 姬慧洋 通讯员罗阳阳）3月5日…' → ([姬慧洋, 罗阳阳], '3月5日…')."""
    match = re.match(page_patterns().news_lead.pattern + r"\s*(?:[（(](?P<credit>[^（()）]{1,60})[)）])?\s*", paragraph)
    if not match:
        return [], paragraph
    credit = match.group("credit")
    return (parse_names(credit) if credit else []), paragraph[match.end():]


def closing_credit(paragraph: str) -> tuple[list[str], str]:
    """A paragraph ending '…（本报记者 宋广军 通讯员 苏涛）' → (names, paragraph without the credit)."""
    names = trailing_credit_names(paragraph)
    if not names:
        return [], paragraph
    return names, re.sub(r"\s*[（(][^（()）]{1,60}[)）]$", "", paragraph)


def caption_credit(caption: str) -> tuple[list[str], str]:
    """'志愿者为群众检查口腔。记者 姬慧洋 摄' → ([姬慧洋], '志愿者为群众检查口腔。')."""
    match = photo_credit(caption)
    if not match:
        return [], caption
    return parse_names(match.group(0)), caption[: match.start()].rstrip() + match.group(1).strip()


# --- dates -----------------------------------------------------------------------------------------

_FULL_OR_PARTIAL = re.compile(
    r"(?:(?P<year>(?:19|20)\d{2})年)?(?P<month>1[0-2]|0?[1-9])月(?:(?P<day>3[01]|[12]\d|0?[1-9])[日号]|(?P<part>底|初|上旬|中旬|下旬))?"
)
_YEAR_ONLY = re.compile(r"(?P<year>(?:19|20)\d{2})年(?:度)?(?!\d)")


def page_year(lines: list[str]) -> int | None:
    """The year a page states in a full date (2024年2月15日), if it states exactly one."""
    years = {
        int(m.group("year"))
        for line in lines
        for m in _FULL_OR_PARTIAL.finditer(line)
        if m.group("year") and m.group("day")
    }
    return years.pop() if len(years) == 1 else None


def find_dates(text: str, default_year: int | None = None) -> list[DateMention]:
    """Date mentions in article text, each written form once, in order of first appearance."""
    found: list[tuple[int, DateMention]] = []
    taken: list[tuple[int, int]] = []
    for m in _FULL_OR_PARTIAL.finditer(text):
        year = int(m.group("year")) if m.group("year") else default_year
        day = int(m.group("day")) if m.group("day") else None
        found.append((m.start(), DateMention(m.group(0), year, int(m.group("month")), day)))
        taken.append(m.span())
    for m in _YEAR_ONLY.finditer(text):
        if not any(start <= m.start() < end for start, end in taken):
            found.append((m.start(), DateMention(m.group(0), int(m.group("year")), None, None)))
    once: dict[str, DateMention] = {}
    for _, mention in sorted(found, key=lambda pair: pair[0]):
        once.setdefault(mention.text, mention)
    return list(once.values())
