"""Splitting a page into items (articles and standalone photo captions) by line spans.

Works on repaired lines (one per raw line, so numbers match the source file). Every non-blank line
ends up in exactly one item or in ``removed`` with its reason. The rules (boilerplate patterns,
byline roles, caption credits, headline shapes) live in ``data/page_rules.json``.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import lru_cache
from importlib.resources import files

from five_star.store.model import Removed
from five_star.store.reading.repair import ends_paragraph

_SENTENCE_PUNCT = re.compile(r"[。！？!?]")
_TRAILING_COMMA = re.compile(r"[，、；：,;:]$")


@dataclass(frozen=True)
class Rules:
    boilerplate: list[tuple[re.Pattern, str]]
    header_reason: str
    place_list: dict
    banner_reason: str
    duplicate: dict
    byline: re.Pattern
    roles: re.Pattern
    news_lead: re.Pattern
    photo_credit: re.Pattern
    own_caption: re.Pattern
    headline: dict
    place_led: re.Pattern
    body_min_chars: int
    fragment_max_chars: int


@lru_cache(maxsize=1)
def rules() -> Rules:
    data = json.loads((files("five_star.store") / "data" / "page_rules.json").read_text(encoding="utf-8"))
    roles = sorted(data["byline_roles"], key=len, reverse=True)
    role_alt = "|".join(map(re.escape, roles))
    suffixes = "|".join(map(re.escape, sorted(data["place_suffixes"], key=len, reverse=True)))
    return Rules(
        boilerplate=[(re.compile(rule["pattern"], re.I), rule["reason"]) for rule in data["boilerplate"]],
        header_reason=data["header_before_breadcrumb"],
        place_list=data["place_list"],
        banner_reason=data["page_banner"],
        duplicate=data["duplicate"],
        # A byline line: optional box mark and outlet name, then a role word, then names.
        byline=re.compile(rf"^[□■◇◆]?\s*[^\s，。]{{0,12}}?({role_alt})(\s|$|[\u4e00-\u9fff]{{2,4}}(\s|$))"),
        roles=re.compile(role_alt),
        news_lead=re.compile(data["news_lead"]),
        photo_credit=re.compile(data["photo_credit"]),
        own_caption=re.compile(data["own_caption"]),
        headline=data["headline"],
        place_led=re.compile(rf"^[\u4e00-\u9fff]{{2,14}}?({suffixes})\s+\S"),
        body_min_chars=data["body_min_chars"],
        fragment_max_chars=data["fragment_max_chars"],
    )


@dataclass
class Item:
    kind: str
    lines: list[int] = field(default_factory=list)
    title_line: int | None = None
    kicker_lines: list[int] = field(default_factory=list)
    byline_lines: list[int] = field(default_factory=list)
    caption_lines: list[int] = field(default_factory=list)
    closed: bool = False
    fragments: bool = False

    @property
    def first_line(self) -> int:
        return self.lines[0]

    @property
    def last_line(self) -> int:
        return self.lines[-1]

    @property
    def has_body(self) -> bool:
        reserved = {self.title_line, *self.kicker_lines, *self.byline_lines, *self.caption_lines}
        return any(n not in reserved for n in self.lines)


@dataclass
class Split:
    items: list[Item]
    removed: list[Removed]


# ------------------------------------------------------------------------------------------------
# line predicates (lines are repaired text; index 0 is unused so numbers are 1-based)


def is_byline(line: str) -> bool:
    """A line that is only a credit ('本报记者 殷瑞杰'); a news lead carries its credit inline instead."""
    return (
        len(line) <= 48
        and bool(rules().byline.match(line))
        and not _SENTENCE_PUNCT.search(line)
        and not is_news_lead(line)
    )


def is_news_lead(line: str) -> bool:
    return bool(rules().news_lead.match(line))


def is_closing_byline(line: str) -> bool:
    """'(崔帅帅 刘阳)' or a paragraph ending in '（本报记者 宋广军 通讯员 苏涛）'."""
    return bool(re.search(r"[（(][^（()）]{1,60}[)）]$", line)) and (
        line[0] in "（(" or bool(trailing_credit_names(line))
    )


def trailing_credit_names(line: str) -> list[str]:
    match = re.search(r"[（(]([^（()）]{1,60})[)）]$", line)
    return parse_names(match.group(1)) if match else []


def parse_names(credit: str) -> list[str]:
    """Names in a credit: '本报记者 宋广军 通讯员 苏涛 董熠琳' → [宋广军, 苏涛, 董熠琳]."""
    credit = re.sub(r"^[□■◇◆]", "", credit.strip())
    credit = re.sub(r"(/\s*)?(文图|文/图|摄影|摄)$", "", credit).strip()
    names: list[str] = []
    for chunk in rules().roles.split(credit):
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
    return rules().photo_credit.search(line, max(0, len(line) - 48))


def is_headline_shaped(line: str) -> bool:
    shape = rules().headline
    return (
        shape["min_chars"] <= len(line) <= shape["max_chars"]
        and not _SENTENCE_PUNCT.search(line)
        and not _TRAILING_COMMA.search(line)
        and not is_byline(line)
        and not is_news_lead(line)
        and not photo_credit(line)
        and not line.startswith(("(", "（"))
    )


# ------------------------------------------------------------------------------------------------
# boilerplate


def find_boilerplate(lines: list[str]) -> dict[int, str]:
    r = rules()
    removed: dict[int, str] = {}
    numbered = [(n, line) for n, line in enumerate(lines) if n and line]
    for n, line in numbered:
        for pattern, reason in r.boilerplate:
            if pattern.search(line):
                removed[n] = reason
                break
        else:
            if _is_place_list(line):
                removed[n] = r.place_list["reason"]
    breadcrumbs = [n for n, reason in removed.items() if reason == "breadcrumb"]
    if breadcrumbs:
        for n, _ in numbered:
            if n >= breadcrumbs[0]:
                break
            removed.setdefault(n, r.header_reason)
    if any(line.startswith("## ") for _, line in numbered):
        for n, line in numbered:
            if re.match(r"#\s", line):
                removed.setdefault(n, r.banner_reason)
    removed.update({n: reason for n, reason in find_duplicates(lines).items() if n not in removed})
    return removed


def _is_place_list(line: str) -> bool:
    spec = rules().place_list
    parts = [p.strip() for p in re.split(spec["separator"], line) if p.strip()]
    return len(parts) >= spec["min_items"] and all(len(p) <= spec["max_item_chars"] for p in parts)


def find_duplicates(lines: list[str]) -> dict[int, str]:
    """Lines whose text mostly repeats one earlier line (a scraper that captured a block twice)."""
    spec = rules().duplicate
    size = spec["shingle"]
    seen: dict[str, int] = {}
    duplicates: dict[int, str] = {}
    for n, line in enumerate(lines):
        if not n or len(line) < spec["min_chars"]:
            continue
        shingles = [line[i : i + size] for i in range(0, len(line) - size + 1)]
        votes: dict[int, int] = {}
        for shingle in shingles:
            earlier = seen.get(shingle)
            if earlier is not None:
                votes[earlier] = votes.get(earlier, 0) + 1
        if votes:
            best, count = max(votes.items(), key=lambda kv: kv[1])
            if count >= spec["min_share"] * len(shingles):
                duplicates[n] = spec["reason"].format(line=best)
                continue
        for shingle in shingles:
            seen.setdefault(shingle, n)
    return duplicates


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
    after = {n: kept[i + 1 :] for i, n in enumerate(kept)}
    out: list[list[int]] = []
    for block in blocks:
        piece = [block[0]]
        for pos, n in enumerate(block[1:], start=1):
            if ends_paragraph(lines[block[pos - 1]]) and is_headline_shaped(lines[n]) and _lead_follows(after[n], lines):
                out.append(piece)
                piece = []
            piece.append(n)
        out.append(piece)
    return out


def _lead_follows(rest: list[int], lines: list[str]) -> bool:
    """A byline or news lead within the next few lines, perhaps after a short kicker."""
    shape = rules().headline
    for n in rest[: shape["lookahead_lines"]]:
        text = lines[n]
        if is_byline(text) or is_news_lead(text):
            return True
        if photo_credit(text) and rules().own_caption.match(text):
            continue  # the article's own numbered photo caption may sit between headline and byline
        if len(text) > shape["kicker_max_chars"] or _SENTENCE_PUNCT.search(text):
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
    return len(block) >= 2 or len(lines[block[0]]) >= rules().body_min_chars


def _is_fragment_block(block: list[int], lines: list[str]) -> bool:
    return len(block) == 1 and len(lines[block[0]]) <= rules().fragment_max_chars


# ------------------------------------------------------------------------------------------------
# the walk


def split_lines(lines: list[str]) -> Split:
    """``lines[0]`` is ignored; ``lines[n]`` is the repaired text of raw line n."""
    removed = find_boilerplate(lines)
    blocks = _split_at_headlines(_blocks(lines, removed), lines)
    items: list[Item] = []
    current: Item | None = None

    def start(kind: str, **kw) -> Item:
        item = Item(kind=kind, **kw)
        items.append(item)
        return item

    for index, block in enumerate(blocks):
        following = blocks[index + 1 :]
        first = lines[block[0]]

        if first.startswith("## "):
            current = start("article", title_line=block[0])
            _absorb(current, block, lines)
            continue

        if _is_caption_block(block, lines):
            own = rules().own_caption.match(first)
            if current and current.kind == "article" and not current.closed and (own or not current.has_body):
                current.lines.extend(block)
                current.caption_lines.extend(block)
                continue
            photo = start("photo", lines=list(block), caption_lines=list(block), closed=True)
            current = photo
            continue

        headline = _headline_at(block, following, lines, current)
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

    removed_list = [Removed(line=n, text=lines[n], reason=reason) for n, reason in sorted(removed.items())]
    return Split(items=items, removed=removed_list)


def _absorb(item: Item, block: list[int], lines: list[str]) -> None:
    """Add a block to an article, noting byline lines and whether it closes the article."""
    for n in block:
        item.lines.append(n)
        line = lines[n]
        if n == item.title_line:
            continue
        if is_byline(line) or (item.byline_lines and item.byline_lines[-1] == n - 1 and _continues_byline(line)):
            item.byline_lines.append(n)
    if block[-1] != item.title_line and is_closing_byline(lines[block[-1]]):
        item.closed = True


def _continues_byline(line: str) -> bool:
    """'王东昱 通讯员 米山' / '李嘉/文图' under a '□…记者' line."""
    return len(line) <= 24 and not _SENTENCE_PUNCT.search(line) and bool(parse_names(line))


def _headline_at(block: list[int], following: list[list[int]], lines: list[str], current: Item | None) -> bool:
    """Does an article start at this block? See the module docs for the four cues."""
    line = lines[block[0]]
    if not is_headline_shaped(line):
        return False
    # (a) a byline or news lead follows, perhaps after a short kicker line
    if _lead_follows(block[1:] + [n for b in following for n in b], lines):
        return True
    next_block = following[0] if following else None
    body_follows = bool(next_block) and _is_body(next_block, lines) and len(block) == 1
    # (b) the first thing on the page, (c) right after an article that closed with its credit
    if (current is None or (current.closed and not current.fragments)) and body_follows:
        return True
    # (d) a dateline headline led by a place name ('驻马店市驿城区水屯镇 用真情汇聚脱贫实效')
    return body_follows and bool(rules().place_led.match(line))
