"""Site chrome: the lines of a page that belong to the site, not to any article.

Breadcrumbs, site and app names, share and print controls, counters, date and source lines, editor
credits, footers, e-paper labels, related-reading lists, tag lists, lines a scraper captured twice. Every
rule is named in ``page_rules.json`` and every line it takes out is reported under that name, so a user
who finds a line wrongly dropped can see which rule did it and edit the rule.

Works on repaired lines (``lines[0]`` unused, numbers match the source). ``find_chrome`` returns the
dropped lines with their rule's name; a prefix rule (a forum's "edited by … at …" stamp glued to the
first paragraph) trims the line in place and reports the stamp.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from five_star.store.model import iso_date
from five_star.store.resources import Spec, any_of, derived, page_rules

_TAG_SEPARATOR = re.compile(r"[\s#＃_]+")
_DATE_LINE_FILLER = re.compile(r"[\s|｜/·•:：\d-]+")
_DIGITS = re.compile(r"\d{4}")
_CLAUSE_PUNCT = re.compile(r"[，。！？；,;!?]")
_MONTH_DAY = re.compile(r"(?<![\d./])(1[0-2]|0?[1-9])\s*[-月]\s*(3[01]|[12]\d|0?[1-9])\s*日?(?![\d:/])")
_FULL_DATE = re.compile(
    r"(?<!\d)(?P<year>(?:19|20)\d{2})\s*[-/.年]\s*(?P<month>\d{1,2})\s*[-/.月]\s*(?P<day>\d{1,2})(?!\d)\s*日?"
)


@dataclass(frozen=True)
class PlaceList:
    """A line that only lists short place names ('汝南县 | 平舆县 | …'): site navigation."""

    separator: re.Pattern[str]
    min_items: int
    max_item_chars: int
    name: str


@dataclass(frozen=True)
class Duplicates:
    """A line sharing ``min_share`` of its ``shingle``-character pieces with one earlier line."""

    min_chars: int
    shingle: int
    min_share: float
    reason: str  # with ``{line}``, the number of the line it repeats


@dataclass(frozen=True)
class ChromeRules:
    lines: list[tuple[re.Pattern[str], str]]
    any_line: AnyRule
    line_max_chars: int
    prefixes: list[tuple[re.Pattern[str], str]]
    date_line: str
    date_line_max_chars: int
    date_line_bare_chars: int
    date_line_labelled_chars: int
    date_line_labels: re.Pattern[str]
    published_from: frozenset[str]
    related_marker: re.Pattern[str]
    related_max_chars: int
    related_name: str
    closing: frozenset[str]
    body_min_chars: int
    strip_name: str
    strip_lookahead: int
    strip_min_chars: int
    strip_headline_chars: tuple[int, int]
    tag_min_tokens: int
    tag_joined_min_tokens: int
    tag_max_chars: int
    tag_name: str
    credit_words: frozenset[str]
    unit_credit: re.Pattern[str]
    place_list: PlaceList
    banner_name: str
    duplicate: Duplicates


@dataclass(frozen=True)
class AnyRule:
    """Does any chrome rule take a line? Most lines are text, so the common answer must be cheap: the rules
    anchored at the line start are one pattern tried at one position, the few others are tried in turn."""

    anchored: re.Pattern[str]
    floating: list[re.Pattern[str]]


def _alternatives(pattern: str) -> list[str]:
    """The top-level ``|`` alternatives of a regular expression."""
    parts, depth, start, i = [], 0, 0, 0
    while i < len(pattern):
        char = pattern[i]
        if char == "\\":
            i += 1
        elif char == "[":
            i = _class_end(pattern, i)
        elif char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
        elif char == "|" and depth == 0:
            parts.append(pattern[start:i])
            start = i + 1
        i += 1
    return [*parts, pattern[start:]]


def _class_end(pattern: str, start: int) -> int:
    """The index of the ']' closing the character class opened at ``start``."""
    i = start + 1
    if i < len(pattern) and pattern[i] == "^":
        i += 1
    if i < len(pattern) and pattern[i] == "]":
        i += 1  # a ']' first in a class is a member, not its end
    while i < len(pattern) and pattern[i] != "]":
        i += 2 if pattern[i] == "\\" else 1
    return i


def _any_rule(patterns: list[re.Pattern[str]]) -> AnyRule:
    anchored = [p for p in patterns if all(alt.startswith("^") for alt in _alternatives(p.pattern))]
    try:
        joined = any_of(anchored, re.I)
    except re.error:  # a rule with a global flag such as (?i) cannot be joined: try every rule in turn
        return AnyRule(re.compile("(?!)"), patterns)
    return AnyRule(joined, [p for p in patterns if p not in anchored])


def _named_patterns(rules: list[Spec]) -> list[tuple[re.Pattern[str], str]]:
    return [(rule.regex("pattern", re.I), rule.text("name")) for rule in rules]


def _duplicates(spec: Spec) -> Duplicates:
    reason = spec.text("reason")
    try:
        reason.format(line=0)
    except (KeyError, IndexError, ValueError):
        raise spec.fault("reason", "may hold no placeholder but {line}") from None
    return Duplicates(spec.integer("min_chars"), spec.integer("shingle"), spec.number("min_share"), reason)


@derived
def chrome_rules() -> ChromeRules:
    data = page_rules()
    place_list, date_line = data.section("place_list"), data.section("date_line")
    related, tags = data.section("related_reading"), data.section("tag_list")
    lines = _named_patterns(data.sections("chrome"))
    return ChromeRules(
        lines=lines,
        any_line=_any_rule([pattern for pattern, _ in lines]),
        line_max_chars=data.integer("chrome_max_chars"),
        prefixes=_named_patterns(data.sections("chrome_prefixes")),
        date_line=date_line.text("name"),
        date_line_max_chars=date_line.integer("max_chars"),
        date_line_bare_chars=date_line.integer("bare_chars"),
        date_line_labelled_chars=date_line.integer("labelled_chars"),
        date_line_labels=date_line.regex("labels"),
        published_from=frozenset(data.strings("published_from")),
        related_marker=related.regex("marker"),
        related_max_chars=related.integer("max_chars"),
        related_name=related.text("name"),
        closing=frozenset(data.strings("closes_article")),
        body_min_chars=data.integer("body_min_chars"),
        strip_name=data.section("headline_strip").text("name"),
        strip_lookahead=data.section("headline_strip").integer("opening_lines"),
        strip_min_chars=data.section("headline_strip").integer("min_chars"),
        strip_headline_chars=(
            data.section("headline_strip").integer("headline_min_chars"),
            data.section("headline_strip").integer("headline_max_chars"),
        ),
        tag_min_tokens=tags.integer("min_tokens"),
        tag_joined_min_tokens=tags.integer("joined_min_tokens"),
        tag_max_chars=tags.integer("max_token_chars"),
        tag_name=tags.text("name"),
        credit_words=frozenset(data.strings("byline_roles")) | {"摄", "摄影", "文图", "文/图"},
        unit_credit=data.regex("unit_credit"),
        place_list=PlaceList(
            place_list.regex("separator"),
            place_list.integer("min_items"),
            place_list.integer("max_item_chars"),
            place_list.text("reason"),
        ),
        banner_name=data.text("page_banner"),
        duplicate=_duplicates(data.section("duplicate")),
    )


@dataclass
class Chrome:
    removed: dict[int, str]  # line → rule name, for whole lines taken out
    stamps: dict[int, tuple[str, str]]  # line → (stamp text, rule name), for prefixes trimmed off a line
    trimmed: dict[int, str]  # line → what is left of it once its stamp is off: text
    dates: list[tuple[int, str]]  # (line, ISO date) of every line a date-bearing rule took out, in order
    stated_days: set[tuple[int, int]]  # (month, day) a date-bearing line states without a year


def find_chrome(raw_lines: list[str]) -> Chrome:
    """The chrome of a page (``raw_lines[0]`` unused). Stamps trimmed off a line are in ``Chrome.trimmed``."""
    rules = chrome_rules()
    stamps, trimmed = _trim_stamps(raw_lines, rules)
    lines = [trimmed.get(n, line) for n, line in enumerate(raw_lines)]
    removed: dict[int, str] = {}
    numbered = [(n, line) for n, line in enumerate(lines) if n and line]
    for n, line in numbered:
        name = _line_rule(line, rules)
        if name:
            removed[n] = name
    _headline_strip(numbered, removed, rules)
    _related_reading(lines, removed, rules)
    if any(line.startswith("## ") for _, line in numbered):
        for n, line in numbered:
            if re.match(r"#\s", line):
                removed.setdefault(n, rules.banner_name)
    removed.update({n: reason for n, reason in find_duplicates(lines).items() if n not in removed})
    removed.update({n: reason for n, reason in _repeated_short_lines(lines, rules).items() if n not in removed})
    dated = sorted(
        [(n, lines[n]) for n, name in removed.items() if name in rules.published_from]
        + [(n, stamp) for n, (stamp, name) in stamps.items() if name in rules.published_from]
    )
    dates = [(n, date) for n, date in ((n, full_date(text)) for n, text in dated) if date]
    days = {
        (int(m.group(1)), int(m.group(2)))
        for _, text in dated
        if full_date(text) is None
        for m in _MONTH_DAY.finditer(text)
    }
    return Chrome(removed, stamps, trimmed, dates, days)


def _trim_stamps(lines: list[str], rules: ChromeRules) -> tuple[dict[int, tuple[str, str]], dict[int, str]]:
    stamps: dict[int, tuple[str, str]] = {}
    trimmed: dict[int, str] = {}
    for n, line in enumerate(lines[1:], start=1):
        for pattern, name in rules.prefixes:
            match = pattern.match(line)
            if match and match.end() < len(line):
                stamps[n] = (match.group(0).strip(), name)
                trimmed[n] = line[match.end() :]
                break
    return stamps, trimmed


def _line_rule(written: str, rules: ChromeRules) -> str | None:
    line = written.lstrip("•·▪◆■ \t")  # a list bullet in front of a menu entry or a date line
    # A paragraph is tested only as a list of places (navigation runs long); testing it against every
    # rule would cost more than the rest of splitting.
    short = len(line) <= rules.line_max_chars
    if short and (rules.any_line.anchored.match(line) or any(p.search(line) for p in rules.any_line.floating)):
        for pattern, name in rules.lines:
            if pattern.search(line):
                return name
    if short and is_date_line(line):
        return rules.date_line
    if _is_place_list(line, rules.place_list):
        return rules.place_list.name
    if short and _is_tag_list(line, rules):
        return rules.tag_name
    return None


def is_date_line(line: str) -> bool:
    """A short line around a full date with no clause in it: '2023-05-26 11:52:56 来源：大河网'.

    A headline or a sentence that mentions a date has clause punctuation or more words than a date line.
    """
    if len(line) > chrome_rules().date_line_max_chars or _CLAUSE_PUNCT.search(line) or not _DIGITS.search(line):
        return False
    match = _FULL_DATE.search(line)
    if not match:
        return False
    rules = chrome_rules()
    rest = _DATE_LINE_FILLER.sub("", line[: match.start()] + line[match.end() :])
    if len(rest) <= rules.date_line_bare_chars:  # '2023年03月24日 17:50 观财经'
        return True
    # '2024年12月03日09:07 来源：农民日报': longer only with the words of a date line; a sentence around a
    # date ('2023年5月26日全县召开推进会') has none of them
    return len(rest) <= rules.date_line_labelled_chars and bool(rules.date_line_labels.search(rest))


def full_date(text: str) -> str | None:
    """The first valid full date in ``text``, as ISO ``YYYY-MM-DD``."""
    for match in _FULL_DATE.finditer(text):
        date = iso_date(*(int(match.group(k)) for k in ("year", "month", "day")))
        if date:
            return date
    return None


def _is_place_list(line: str, spec: PlaceList) -> bool:
    if not spec.separator.search(line):
        return False
    parts = [p.strip() for p in spec.separator.split(line) if p.strip()]
    return len(parts) >= spec.min_items and all(len(p) <= spec.max_item_chars for p in parts)


def _is_tag_list(line: str, rules: ChromeRules) -> bool:
    """'五星 支部 党建 乡村振兴', '#五星支部# #党建#' or 'A_B_C': keywords a platform shows with a post.

    Words joined by '_' are never a headline, so three of them suffice; spaced words need more (a headline
    may be three or four spaced phrases: '党建引领 产业兴旺 乡村振兴 共同富裕')."""
    if not _TAG_SEPARATOR.search(line):
        return False
    tokens = [t.strip("#＃") for t in _TAG_SEPARATOR.split(line) if t.strip("#＃")]
    return (
        len(tokens) >= (rules.tag_joined_min_tokens if "_" in line else rules.tag_min_tokens)
        and all(len(t) <= rules.tag_max_chars for t in tokens)
        and not _CLAUSE_PUNCT.search(line)
        and not rules.credit_words.intersection(tokens)  # '记者 姬慧洋 通讯员 闫文博 摄' is a credit
        and not rules.unit_credit.match(line)  # and so is '淮阳区委组织部 郑集乡人民政府 刘宗帅 何鑫'
        and all(re.fullmatch(r"[\u4e00-\u9fffA-Za-z0-9“”\"]+", t) for t in tokens)
    )


def _headline_strip(numbered: list[tuple[int, str]], removed: dict[int, str], rules: ChromeRules) -> None:
    """An e-paper's line of every headline on the page, run together at the top: it holds a later line
    (the headline of the article below) and more. Only the page's first few lines are looked at."""
    opening = [(n, line) for n, line in numbered if n not in removed][: rules.strip_lookahead]
    for n, line in opening:
        if len(line) <= rules.strip_min_chars:
            continue
        later = (
            other
            for m, other in numbered
            if m > n and m not in removed and rules.strip_headline_chars[0] <= len(other) <= rules.strip_headline_chars[1]
        )
        if any(other in line and other != line and "。" not in other for other in later):
            removed[n] = rules.strip_name


def _related_reading(lines: list[str], removed: dict[int, str], rules: ChromeRules) -> None:
    """A '相关阅读' marker and the short link lines under it, up to the first line that reads as text."""
    n = 1
    while n < len(lines):
        if lines[n] and rules.related_marker.match(lines[n]):
            removed[n] = rules.related_name
            n += 1
            while n < len(lines) and (
                not lines[n] or (len(lines[n]) <= rules.related_max_chars and not re.search(r"[。！？]$", lines[n]))
            ):
                if lines[n] and _heads_text(lines, n, rules):
                    break  # a headline with its article under it: the list of links ended above it
                if lines[n]:
                    removed.setdefault(n, rules.related_name)
                n += 1
        n += 1


def _heads_text(lines: list[str], n: int, rules: ChromeRules) -> bool:
    following = next((line for line in lines[n + 1 :] if line), "")
    return len(following) >= rules.body_min_chars


def find_duplicates(lines: list[str]) -> dict[int, str]:
    """Lines whose text mostly repeats one earlier line (a scraper that captured a block twice)."""
    spec = chrome_rules().duplicate
    size = spec.shingle
    seen: dict[str, int] = {}
    duplicates: dict[int, str] = {}
    for n, line in enumerate(lines):
        if not n or len(line) < spec.min_chars:
            continue
        # The pieces are sliced twice rather than listed: a list of them holds ~70 bytes per character.
        starts = range(0, len(line) - size + 1)
        votes: dict[int, int] = {}
        for i in starts:
            earlier = seen.get(line[i : i + size])
            if earlier is not None:
                votes[earlier] = votes.get(earlier, 0) + 1
        if votes:
            best, count = max(votes.items(), key=lambda kv: kv[1])
            if count >= spec.min_share * len(starts):
                duplicates[n] = spec.reason.format(line=best)
                continue
        for i in starts:
            seen.setdefault(line[i : i + size], n)
    return duplicates


def _repeated_short_lines(lines: list[str], rules: ChromeRules) -> dict[int, str]:
    """A headline the page shows twice (once as the page title, once above the article): the second goes.

    ``find_duplicates`` compares long lines only; a credit ('记者 姬慧洋 摄') may rightly recur, so it never counts.
    """
    first_at: dict[str, int] = {}
    repeats: dict[int, str] = {}
    for n, line in enumerate(lines):
        if not n or not 8 <= len(line) < rules.duplicate.min_chars or any(w in line for w in rules.credit_words):
            continue
        if line in first_at:
            repeats[n] = rules.duplicate.reason.format(line=first_at[line])
        else:
            first_at[line] = n
    return repeats


def published_date(chrome: Chrome, first: int, last: int) -> str | None:
    """The page's own date for the item spanning ``first``–``last``: a date line inside its span, else the
    page's first date line. Dates in article text never count: only lines a date-bearing rule removed."""
    inside = [date for n, date in chrome.dates if first <= n <= last]
    chosen = next(iter(inside or [date for _, date in chrome.dates]), None)
    if chosen is None:
        return None
    # A page's own 'date: 06-16' beside a full date for another day means the full one is something
    # else (an e-paper reader's today): two statements disagree, so neither is trusted.
    if chrome.stated_days - {(int(chosen[5:7]), int(chosen[8:10]))}:
        return None
    return chosen
