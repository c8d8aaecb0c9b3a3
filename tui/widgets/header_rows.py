"""The facts under an article's title: one line each, cut short to fit, the rest shown in full elsewhere."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from rich.cells import cell_len, set_cell_size

from five_star.store.library.corrections import extracted_form
from five_star.store.model import Article, tier_name
from five_star.store.query.browse import city_key
from five_star.store.sanitize import one_line


def listing(values: Iterable[str]) -> str:
    """Names joined the way Chinese lists them (、), each flattened to one line."""
    return "、".join(one_line(v) for v in values if v)


LABEL_CELLS = 10  # "published " and the rest: the labels' column
MORE = "↓"  # ends a row cut short: the rest is in the record under the text


@dataclass(frozen=True)
class Row:
    """One line of facts in the header: a label, then ``prefix`` and a list that may be cut to fit the line."""

    label: str
    items: tuple[str, ...] = ()
    prefix: str = ""
    separator: str = "、"
    empty: str = "—"

    @property
    def value(self) -> str:
        return (self.prefix + self.separator.join(self.items)) or self.empty

    def item_spans(self) -> list[tuple[int, int]]:
        """Where each item is in ``value``: kept on one line when the value is wrapped."""
        spans = []
        at = len(self.prefix)
        for item in self.items:
            spans.append((at, at + len(item)))
            at += len(item) + len(self.separator)
        return spans

    def cut(self, width: int) -> str | None:
        """The value shortened to one line of ``width`` cells (label included), or None when it fits whole.

        Whole items are kept while they fit, then the number left out (``… +3 ↓``); a value that is one
        long item is cut off with ``…↓``.
        """
        room = max(2, width - (LABEL_CELLS if self.label else 0))
        if cell_len(self.value) <= room:
            return None
        for kept in range(len(self.items) - 1, 0, -1):
            shown = f"{self.prefix}{self.separator.join(self.items[:kept])} … +{len(self.items) - kept} {MORE}"
            if cell_len(shown) <= room:
                return shown
        return set_cell_size(self.value, room - 2).rstrip() + "…" + MORE


def correction_row(article: Article) -> Row:
    """Which of the facts shown are the person's, and what extraction had found instead."""
    items = []
    if "title" in article.extracted:
        items.append(f"title (your correction; extracted: {one_line(article.extracted['title']) or '(untitled)'})")
    if "city" in article.extracted:
        items.append(f"city (your correction; extracted: {one_line(city_key(extracted_form(article)))})")
    if article.junk:
        items.append("junk (hidden from the tree, searches and exports)")
    return Row("corrected", tuple(items), separator=" · ")


def header_rows(article: Article) -> list[Row]:
    """The facts under the title; each is drawn on one line, cut short when the pane is too narrow."""
    city = city_key(article)
    counties = tuple(one_line(c) for c in article.counties if c)
    mentions = tuple(dict.fromkeys(one_line(d.text) for d in article.dates))
    stars = listing(article.stars) or "—"
    tallies = tuple(
        f"{tier_name(s.tier)} {s.count}{' planned' if s.plan else ''} ({one_line(s.text)})" for s in article.star_counts
    )
    rows = [
        Row("", counties, prefix=f"{city} · " if counties else city),
        Row("published", mentions, prefix=(article.published or "not stated") + (" · mentions " if mentions else "")),
        Row("authors", tuple(one_line(a) for a in article.authors if a)),
        Row("programs", tuple(one_line(p) for p in article.programs if p)),
        # Stars and their tallies share a line: a tally counts branches of a star category.
        Row("stars", tallies, prefix=stars + (" · tallies " if tallies else ""), separator="; "),
        Row("source", (f"{one_line(article.source)} lines {article.first_line}–{article.last_line}",)),
        Row("repairs", tuple(one_line(r) for r in article.repairs), separator=", ", empty="none"),
    ]
    # Only when the article has them: most do not, and every line here pushes the text down.
    if article.extracted or article.junk:  # first: the title and city above and beside it may be the person's
        rows.insert(0, correction_row(article))
    if article.kicker:
        rows.insert(1, Row("kicker", (one_line(article.kicker),)))
    if article.captions:
        rows.insert(-2, Row("photos", tuple(one_line(c) for c in article.captions), separator="; "))
    return rows
