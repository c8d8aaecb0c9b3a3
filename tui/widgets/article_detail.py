"""The detail pane: an article's metadata, its text with every figure highlighted, and its figure table.

Colours come from component classes styled in app.tcss and are looked up at render time, so the theme
picker recolours the text too. Article text is untrusted: it is sanitised piece by piece (so figure
offsets stay valid) and always put on screen as literal text, never markup.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import pairwise
from typing import ClassVar

from rich.cells import cell_len
from rich.style import Style
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.css.styles import RulesMap
from textual.geometry import Region
from textual.reactive import reactive
from textual.strip import Strip
from textual.style import Style as TextualStyle
from textual.visual import RenderOptions, Visual
from textual.widget import Widget
from textual.widgets import DataTable

from five_star.store.model import FIGURE_KINDS, Article, Figure, tier_name
from five_star.store.query.browse import city_key, contradicting_places
from five_star.store.sanitize import one_line, strip_controls
from five_star.tui.widgets.styling import component_style

# Suffixes a gazetteer name drops in running text (漯河市 is often just 漯河).
_PLACE_SUFFIX = re.compile(r"(市|县|区|镇|乡|街道|办事处|村|社区)$")


def kind_class(kind: str) -> str:
    return f"figure--{kind if kind in FIGURE_KINDS else 'other'}"


@dataclass(frozen=True)
class Mark:
    """A styled stretch of the article text: ``start``/``end`` offsets and a component class."""

    start: int
    end: int
    component: str


def place_marks(text: str, names: Iterable[str]) -> list[Mark]:
    """Every occurrence of each place name, full form or without its administrative suffix."""
    forms: set[str] = set()
    for name in names:
        if not name:
            continue
        forms.add(name)
        short = _PLACE_SUFFIX.sub("", name)
        if len(short) >= 2:
            forms.add(short)
    marks = []
    for form in sorted(forms, key=len, reverse=True):
        for match in re.finditer(re.escape(form), text):
            marks.append(Mark(match.start(), match.end(), "figure--place"))
    return marks


def styled_pieces(text: str, marks: Sequence[Mark]) -> list[tuple[str, tuple[str, ...]]]:
    """Cut ``text`` at every mark boundary; each piece carries the components active over it."""
    cuts = {0, len(text)}
    for mark in marks:
        if 0 <= mark.start < mark.end <= len(text):
            cuts.update((mark.start, mark.end))
    points = sorted(cuts)
    pieces = []
    for start, end in pairwise(points):
        active = tuple(m.component for m in marks if m.start <= start and end <= m.end)
        pieces.append((text[start:end], active))
    return pieces


# Kinsoku (CJK line breaking): closing marks never start a line, opening marks never end one.
NO_LINE_START = frozenset("，。、；：？！）」』”’》〉】〕〗〙〛｝］％…‥·・〜～,.;:?!)]}%")
NO_LINE_END = frozenset("（「『“‘《〈【〔〖〘〚｛［([{")
# Marks that read as one sign when doubled (…… ——) are not split either.
_INSEPARABLE = frozenset("…‥—―")


def _is_word_char(char: str) -> bool:
    return char.isascii() and char.isalnum()


def _break_allowed(text: str, at: int) -> bool:
    """Whether a line may end just before ``text[at]`` (``0 < at < len(text)``), by character alone."""
    before, after = text[at - 1], text[at]
    if after in NO_LINE_START or before in NO_LINE_END:
        return False
    if before == after and before in _INSEPARABLE:
        return False
    return not (_is_word_char(before) and _is_word_char(after))  # 2018, abc: a Latin word or a number


def wrap_lines(text: str, width: int, keep: Iterable[tuple[int, int]] = ()) -> list[tuple[int, int]]:
    """``text`` cut into screen lines of at most ``width`` cells: (start, end) offsets, newlines left out.

    Chinese may break between any two characters, except that a span in ``keep`` (a figure, a search hit)
    stays on one line unless it is wider than a line, a run of ASCII letters and digits stays whole, and
    the CJK rules hold: closing punctuation never starts a line, opening punctuation never ends one. Where
    no break is allowed (a run of punctuation longer than a line) the line is cut where it is full.
    """
    width = max(1, width)
    blocked: set[int] = set()
    for start, end in keep:
        if end - start > 1 and cell_len(text[start:end]) <= width:
            blocked.update(range(start + 1, end))
    lines: list[tuple[int, int]] = []
    paragraph = 0
    for part in text.split("\n"):
        start, stop = paragraph, paragraph + len(part)
        paragraph = stop + 1
        used = 0
        at = start
        while at < stop:
            cells = max(1, cell_len(text[at]))  # a tab or a combining mark takes at least a cell here
            if used + cells <= width or at == start:
                used += cells
                at += 1
                continue
            cut = next(
                (b for b in range(at, start, -1) if b not in blocked and _break_allowed(text, b)),
                at,  # nowhere allowed: cut where the line is full
            )
            lines.append((start, cut))
            start, used = cut, 0
            at = cut
        lines.append((start, stop))
    return lines


def wrapped_line_of(text: str, offset: int, width: int, keep: Iterable[tuple[int, int]] = ()) -> int:
    """The screen line (0-based) on which ``offset`` falls when ``text`` is wrapped by :func:`wrap_lines`."""
    if width <= 0:
        return 0
    lines = wrap_lines(text, width, keep)
    for number, (_start, end) in enumerate(lines):
        if offset < end or (offset == end and (end == len(text) or text[end] == "\n")):
            return number
    return len(lines) - 1


def figure_value(figure: Figure) -> str:
    """A figure's value for the table: integral values without a decimal point, ranges as a–b."""

    def fmt(value: float | int | None) -> str:
        if value is None:
            return "?"
        if float(value).is_integer():
            return f"{int(value):,}"
        return f"{value:,.4g}" if abs(value) >= 1e4 else f"{value:g}"

    if figure.value_max is not None:
        return f"{fmt(figure.value)}–{fmt(figure.value_max)}"
    return fmt(figure.value)


def _list(values: Iterable[str]) -> str:
    return "、".join(one_line(v) for v in values if v)


class ArticleHeader(Widget):
    """Title and metadata of the shown article (or a summary of the highlighted group)."""

    DEFAULT_CSS = """
    ArticleHeader {
        height: auto;
        & > .article-header--title { text-style: bold; }
        & > .article-header--hit { text-style: bold reverse; }
        & > .article-header--warning { color: $text-warning; text-style: bold; }
    }
    """

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "article-header--title",
        "article-header--label",
        "article-header--hit",
        "article-header--warning",
    }

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.article: Article | None = None
        self.title_marks: list[Mark] = []
        self.summary: Text | None = None

    def show_article(self, article: Article, title_marks: list[Mark]) -> None:
        self.article, self.title_marks, self.summary = article, title_marks, None
        self.refresh(layout=True)

    def show_summary(self, summary: Text) -> None:
        self.article, self.title_marks, self.summary = None, [], summary
        self.refresh(layout=True)

    def render(self) -> Text:
        if self.summary is not None:
            return self.summary
        article = self.article
        if article is None:
            return Text("")
        style = self.get_component_rich_style
        text = Text()
        title_style = style("article-header--title")
        if article.title:
            hit = style("article-header--hit")
            for piece, active in styled_pieces(article.title, self.title_marks):
                text.append(one_line(piece), title_style + (hit if active else Style()))
        else:
            text.append("(untitled) ", title_style)
            text.append(one_line(article.label))
        if article.kind == "photo":
            text.append("  [photo caption]", style("article-header--label"))
        label = style("article-header--label")
        place = " · ".join(p for p in (city_key(article), _list(article.counties)) if p)
        mentions = _list(dict.fromkeys(d.text for d in article.dates))
        rows = [
            ("", place),
            ("published", (article.published or "not stated") + (f" · mentions {mentions}" if mentions else "")),
            ("authors", _list(article.authors) or "—"),
            ("programs", _list(article.programs) or "—"),
            ("stars", _list(article.stars) or "—"),
            ("tallies", "; ".join(
                f"{tier_name(s.tier)} {s.count} ({one_line(s.text)})" for s in article.star_counts
            ) or "—"),
            ("source", f"{one_line(article.source)} lines {article.first_line}–{article.last_line}"),
            ("repairs", ", ".join(one_line(r) for r in article.repairs) or "none"),
        ]
        for name, value in rows:
            text.append("\n")
            if name:
                text.append(f"{name:<10}", label)
            text.append(value)
            if name == "" and (elsewhere := contradicting_places(article)):
                text.append(f"  ⚠ {_list(f'{p.name} is in {p.city}' for p in elsewhere)}", style("article-header--warning"))
        return text


class FigureStyled(Widget):
    """Base for widgets drawn in the figure colours, so the legend and the text share one set of rules."""

    DEFAULT_CSS = """
    FigureStyled {
        height: auto;
        & > .figure--money, & > .figure--people, & > .figure--count, & > .figure--area, & > .figure--percent,
        & > .figure--length, & > .figure--duration, & > .figure--age, & > .figure--other { text-style: bold; }
        & > .figure--place { text-style: underline; }
        & > .figure--hit { text-style: reverse; }
        & > .figure--current { text-style: bold underline; }
    }
    """

    COMPONENT_CLASSES: ClassVar[set[str]] = {kind_class(kind) for kind in FIGURE_KINDS} | {
        "figure--place",
        "figure--hit",
        "figure--current",
    }
    # Later components win: a hit shows over a figure, the current figure over everything.
    _PRECEDENCE: ClassVar[list[str]] = [
        *(kind_class(kind) for kind in FIGURE_KINDS), "figure--place", "figure--hit", "figure--current"
    ]

    def style_of(self, components: Iterable[str]) -> Style:
        style = Style()
        for component in sorted(set(components), key=self._PRECEDENCE.index):
            style += component_style(self, component)
        return style


class FigureLegend(FigureStyled):
    """One line naming each figure colour, plus places and search hits."""

    def render(self) -> Text:
        legend = Text()
        for kind, label in FIGURE_KINDS.items():
            legend.append(label, self.style_of([kind_class(kind)]))
            legend.append(" ")
        legend.append("place", self.style_of(["figure--place"]))
        legend.append(" ")
        legend.append("search hit", self.style_of(["figure--hit"]))
        return legend


class WrappedText(Text):
    """Text that Textual draws wrapped by :func:`wrap_lines`, keeping the ``keep`` spans on one line.

    It is still the whole text (``plain``, styles at offsets); only the drawing cuts it into lines.
    """

    __slots__ = ("keep",)

    def __init__(self, keep: Sequence[tuple[int, int]] = ()) -> None:
        super().__init__()
        self.keep = list(keep)

    def visualize(self) -> Visual:  # Textual's visual protocol: used in place of its own wrapping
        return _WrappedVisual(self)


class _WrappedVisual(Visual):
    def __init__(self, text: WrappedText) -> None:
        self.text = text
        self._by_width: dict[int, Content] = {}

    def lines(self, width: int) -> Content:
        """The text with a line break at every cut: each line fits, so Content wraps nothing again."""
        content = self._by_width.get(width)
        if content is None:
            cuts = wrap_lines(self.text.plain, width, self.text.keep)
            joined = Text("\n").join(self.text[start:end] for start, end in cuts)
            joined.plain = joined.plain.replace("\t", " ")  # a tab counts one cell in wrap_lines
            content = self._by_width[width] = Content.from_rich_text(joined)
        return content

    def render_strips(self, width: int, height: int | None, style: TextualStyle, options: RenderOptions) -> list[Strip]:
        return self.lines(width).render_strips(width, height, style, options)

    def get_optimal_width(self, rules: RulesMap, container_width: int) -> int:
        return Content.from_rich_text(self.text).get_optimal_width(rules, container_width)

    def get_height(self, rules: RulesMap, width: int) -> int:
        return self.lines(width).get_height(rules, width)


class ArticleText(FigureStyled):
    """The article body with figures coloured by kind, places underlined and search hits reversed."""

    current: reactive[int | None] = reactive(None)

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.article: Article | None = None
        self.marks: list[Mark] = []
        # The drawn text for (current figure, theme): stepping to a figure draws it once and scrolls to it
        # from the same layout, instead of styling and wrapping the whole article twice per key.
        self._laid_out: tuple[tuple[int | None, str], tuple[WrappedText, dict[int, int]]] | None = None

    def show(self, article: Article | None, hit_marks: list[Mark]) -> None:
        self.article = article
        self._laid_out = None
        self.marks = []
        if article is not None:
            self.marks = [
                *place_marks(article.text, [p.name for p in article.places] + list(article.counties)),
                *(Mark(f.start, f.end, kind_class(f.kind)) for f in article.figures),
                *hit_marks,
            ]
        self.set_reactive(ArticleText.current, None)
        self.refresh(layout=True)

    def watch_current(self) -> None:
        self.refresh()

    def render(self) -> Text:
        return self._layout()[0]

    def _layout(self) -> tuple[WrappedText, dict[int, int]]:
        """The text to draw, and where each cut point of the article text landed in it (sanitising drops
        characters, so offsets move)."""
        key = (self.current, self.app.theme)
        if self._laid_out is None or self._laid_out[0] != key:
            self._laid_out = key, self._lay_out()
        return self._laid_out[1]

    def _lay_out(self) -> tuple[WrappedText, dict[int, int]]:
        article = self.article
        if article is None:
            return WrappedText(), {0: 0}
        marks = list(self.marks)
        if self.current is not None and 0 <= self.current < len(article.figures):
            figure = article.figures[self.current]
            marks.append(Mark(figure.start, figure.end, "figure--current"))
        text = WrappedText()
        landed: dict[int, int] = {}
        at = 0
        for piece, active in styled_pieces(article.text, marks):
            landed[at] = len(text)
            text.append(strip_controls(piece), self.style_of(active))
            at += len(piece)
        landed[at] = len(text)
        text.keep = [
            (landed[m.start], landed[m.end])
            for m in marks
            if m.component != "figure--place" and m.start in landed and m.end in landed
        ]
        return text, landed

    def screen_line_of(self, offset: int) -> int:
        """The line (0-based) of the drawn text on which the article text's ``offset`` (a figure's start) is."""
        text, landed = self._layout()
        at = landed.get(offset)
        if at is None:
            at = landed[max(cut for cut in landed if cut <= offset)]
        return wrapped_line_of(text.plain, at, self.content_region.width, text.keep)


class FigureTable(DataTable):
    """The article's figures, one row each; moving the cursor here moves the highlight in the text."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, cursor_type="row", zebra_stripes=True)

    def on_mount(self) -> None:
        self.add_columns("text", "value", "unit", "qualifier", "kind", "sentence")

    def show(self, article: Article | None) -> None:
        self.clear()
        if article is None:
            return
        for figure in article.figures:
            self.add_row(
                Text(one_line(figure.text)),
                Text(figure_value(figure), justify="right"),
                Text(one_line(figure.unit or "")),
                Text(one_line(figure.qualifier or "")),
                Text(figure.kind),
                Text(one_line(article.sentence_of(figure))),
            )


class ArticleDetail(Vertical):
    """Right-hand pane: header, legend, highlighted text and the figure table for one article."""

    DEFAULT_CSS = """
    ArticleDetail {
        width: 1fr;
        #detail-scroll {
            height: 1fr;
            padding: 0 1;
        }
        #detail-legend, #detail-text {
            margin-top: 1;
        }
        #detail-figures {
            height: 30%;
            min-height: 4;
            max-height: 14;
        }
        &.-summary {
            #detail-legend, #detail-text, #detail-figures { display: none; }
        }
    }
    """

    DEFAULT_CLASSES = "-summary"  # nothing to show until the tree has a cursor

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="detail-scroll"):
            yield ArticleHeader(id="detail-header")
            yield FigureLegend(id="detail-legend")
            yield ArticleText(id="detail-text")
        yield FigureTable(id="detail-figures")

    @property
    def article(self) -> Article | None:
        return self.query_one(ArticleText).article

    def show_article(self, article: Article, spans: Sequence[tuple[str, int, int]] = ()) -> None:
        """Show ``article``; ``spans`` are search-hit offsets as (field, start, end)."""
        hits = [Mark(s, e, "figure--hit") for field, s, e in spans if field == "text"]
        title_hits = [Mark(s, e, "article-header--hit") for field, s, e in spans if field == "title"]
        self.query_one(ArticleHeader).show_article(article, title_hits)
        self.query_one(ArticleText).show(article, hits)
        self.query_one(FigureTable).show(article)
        self.set_class(False, "-summary")
        self.query_one("#detail-scroll").scroll_home(animate=False)

    def show_summary(self, summary: Text) -> None:
        self.query_one(ArticleHeader).show_summary(summary)
        self.query_one(ArticleText).show(None, [])
        self.query_one(FigureTable).show(None)
        self.set_class(True, "-summary")
        self.query_one("#detail-scroll").scroll_home(animate=False)

    def step_figure(self, delta: int) -> None:
        """Move to the next (``delta`` = 1) or previous (-1) figure, wrapping round, and scroll to it."""
        text = self.query_one(ArticleText)
        if text.article is None or not text.article.figures:
            self.app.bell()
            return
        count = len(text.article.figures)
        current = text.current
        index = (0 if delta > 0 else count - 1) if current is None else (current + delta) % count
        self.go_to_figure(index)

    def go_to_figure(self, index: int) -> None:
        text = self.query_one(ArticleText)
        table = self.query_one(FigureTable)
        text.current = index
        if table.cursor_row != index:
            table.move_cursor(row=index)
        self._scroll_to_figure(index)

    def _scroll_to_figure(self, index: int) -> None:
        text = self.query_one(ArticleText)
        article = text.article
        if article is None:
            return
        line = text.screen_line_of(article.figures[index].start)
        scroll = self.query_one("#detail-scroll", VerticalScroll)
        region = Region(0, text.virtual_region.y + line, 1, 1)
        scroll.scroll_to_region(region, center=True, animate=False)

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        text = self.query_one(ArticleText)
        if text.article is not None and event.cursor_row != text.current and self.query_one(FigureTable).has_focus:
            self.go_to_figure(event.cursor_row)
