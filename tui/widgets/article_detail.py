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

from rich.style import Style
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.geometry import Region
from textual.reactive import reactive
from textual.widget import Widget
from textual.widgets import DataTable

from five_star.store.model import FIGURE_KINDS, Article, Figure
from five_star.store.query.browse import contradicting_places
from five_star.store.sanitize import one_line, strip_controls
from five_star.tui.widgets.by_width import ByWidth
from five_star.tui.widgets.figure_styles import KIND_CLASSES, FigureStyled, kind_class
from five_star.tui.widgets.header_rows import LABEL_CELLS, MORE, Row, header_rows, listing
from five_star.tui.widgets.line_breaks import wrap_lines, wrapped_line_of
from five_star.tui.widgets.source_view import PageReader, SourceView

# Suffixes a gazetteer name drops in running text (漯河市 is often just 漯河).
_PLACE_SUFFIX = re.compile(r"(市|县|区|镇|乡|街道|办事处|村|社区)$")

# The legend's labels, and the short ones it falls back to in a narrow pane (the kind as the table names it).
LEGEND_LABELS = {
    **{kind_class(kind): label for kind, label in FIGURE_KINDS.items()},
    "figure--place": "place",
    "figure--hit": "search hit",
    "figure--current": "current figure",
}
SHORT_LEGEND_LABELS = {
    **{kind_class(kind): kind for kind in FIGURE_KINDS},
    "figure--place": "place",
    "figure--hit": "hit",
    "figure--current": "current",
}


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


class ArticleHeader(Widget):
    """Title and metadata of the shown article (or a summary of the highlighted group).

    Each fact takes one line, cut short when the pane is narrow, so the article itself starts on the first
    screen even at 80×24; what was cut is listed in full by the :class:`ArticleRecord` under the text.
    """

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
        self.rows: list[Row] = []

    def show_article(self, article: Article, title_marks: list[Mark]) -> None:
        self.article, self.title_marks, self.summary = article, title_marks, None
        self.rows = header_rows(article)
        self.refresh(layout=True)

    def show_summary(self, summary: Text) -> None:
        self.article, self.title_marks, self.summary, self.rows = None, [], summary, []
        self.refresh(layout=True)

    def render(self) -> Text:
        if self.summary is not None:
            return self.summary
        if self.article is None:
            return Text("")
        text = ByWidth(self._drawn)
        text.append_text(self._drawn(None))
        return text

    def _drawn(self, width: int | None) -> Text:
        """The header with each row cut to ``width`` cells; None draws every row whole."""
        article = self.article
        assert article is not None
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
        for row in self.rows:
            text.append("\n")
            if row.label:
                text.append(f"{row.label:<{LABEL_CELLS}}", label)
            cut = row.cut(width) if width is not None else None
            text.append(row.value if cut is None else cut)
            if not row.label and (elsewhere := contradicting_places(article)):
                text.append(f"  ⚠ {listing(f'{p.name} is in {p.city}' for p in elsewhere)}", style("article-header--warning"))
        return text


class ArticleRecord(Widget):
    """Under the text: the header's facts that were cut short at this width, in full."""

    DEFAULT_CSS = """
    ArticleRecord {
        height: auto;
        & > .article-record--title { text-style: bold; }
    }
    """

    COMPONENT_CLASSES: ClassVar[set[str]] = {"article-record--title", "article-record--label"}

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.rows: list[Row] = []

    def show(self, rows: list[Row]) -> None:
        self.rows = rows
        self.refresh(layout=True)

    def render(self) -> Text:
        text = ByWidth(self._drawn)
        text.append_text(self._drawn(None))
        return text

    def _drawn(self, width: int | None) -> Text:
        """The rows cut short at ``width`` (None: every row), each whole and wrapped; nothing if none is."""
        cut = [row for row in self.rows if width is None or row.cut(width) is not None]
        if not cut:
            return Text()
        text = Text()
        text.append(f"In full ({MORE} in the header)", self.get_component_rich_style("article-record--title"))
        label = self.get_component_rich_style("article-record--label")
        room = max(1, (width or 0) - LABEL_CELLS)
        for row in cut:
            value = row.value
            # Wrapped beside the label, each item whole on its line (Chinese may break anywhere else).
            lines = wrap_lines(value, room, row.item_spans()) if width is not None else [(0, len(value))]
            for number, (start, end) in enumerate(lines):
                text.append("\n")
                text.append(f"{(row.label or 'place') if number == 0 else '':<{LABEL_CELLS}}", label)
                text.append(value[start:end])
        return text


class FigureLegend(FigureStyled):
    """One line naming the figure colours the article uses, and places, search hits and the current figure.

    Only what the article shows, so the legend stays one line in a narrow pane; a label is never split.
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.components: list[str] = []

    def show(self, components: Iterable[str]) -> None:
        shown = set(components)
        self.components = [c for c in self._PRECEDENCE if c in shown]
        self.refresh(layout=True)

    def render(self) -> Text:
        legend = ByWidth(self._drawn)
        legend.append_text(self._drawn(None))
        return legend

    def _drawn(self, width: int | None) -> Text:
        """The full labels when they fit on one line, else the short ones, wrapped between labels."""
        legend = self._labelled(LEGEND_LABELS)
        if width is None or legend.cell_len <= width:
            return legend
        return self._labelled(SHORT_LEGEND_LABELS).lines_at(width)

    def _labelled(self, labels: dict[str, str]) -> WrappedText:
        # The current figure is always one of the figures: shown as it looks over the first kind listed.
        under = [c for c in self.components if c in KIND_CLASSES][:1]
        legend = WrappedText()
        for component in self.components:
            if legend:
                legend.append(" ")
            start = len(legend)
            drawn_as = [*under, component] if component == "figure--current" else [component]
            legend.append(labels[component], self.style_of(drawn_as))
            legend.keep.append((start, len(legend)))
        return legend


class WrappedText(ByWidth):
    """Text that Textual draws wrapped by :func:`wrap_lines`, keeping the ``keep`` spans on one line.

    It is still the whole text (``plain``, styles at offsets); only the drawing cuts it into lines.
    """

    __slots__ = ("keep",)

    def __init__(self, keep: Sequence[tuple[int, int]] = ()) -> None:
        super().__init__(self.lines_at)
        self.keep = list(keep)

    def lines_at(self, width: int) -> Text:
        """The text with a line break at every cut: each line fits, so Content wraps nothing again."""
        cuts = wrap_lines(self.plain, width, self.keep)
        joined = Text("\n").join(self[start:end] for start, end in cuts)
        joined.plain = joined.plain.replace("\t", " ")  # a tab counts one cell in wrap_lines
        return joined


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
        #detail-legend, #detail-text, #detail-record, #detail-source {
            margin-top: 1;
        }
        #detail-source { display: none; }
        #detail-figures {
            height: 30%;
            min-height: 4;
            max-height: 14;
        }
        &.-summary {
            #detail-legend, #detail-text, #detail-record, #detail-figures { display: none; }
        }
        &.-source {  /* the page lines in place of the cleaned text (r) */
            #detail-legend, #detail-text, #detail-record { display: none; }
            #detail-source { display: block; }
        }
    }
    """

    DEFAULT_CLASSES = "-summary"  # nothing to show until the tree has a cursor

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="detail-scroll"):
            yield ArticleHeader(id="detail-header")
            yield FigureLegend(id="detail-legend")
            yield ArticleText(id="detail-text")
            yield SourceView(id="detail-source")
            yield ArticleRecord(id="detail-record")
        yield FigureTable(id="detail-figures")

    @property
    def article(self) -> Article | None:
        return self.query_one(ArticleText).article

    def show_article(self, article: Article, spans: Sequence[tuple[str, int, int]] = ()) -> None:
        """Show ``article``; ``spans`` are search-hit offsets as (field, start, end)."""
        hits = [Mark(s, e, "figure--hit") for field, s, e in spans if field == "text"]
        title_hits = [Mark(s, e, "article-header--hit") for field, s, e in spans if field == "title"]
        header = self.query_one(ArticleHeader)
        header.show_article(article, title_hits)
        text = self.query_one(ArticleText)
        text.show(article, hits)
        current = ["figure--current"] if article.figures else []  # once ] or the table picks one
        self.query_one(FigureLegend).show([*(mark.component for mark in text.marks), *current])
        self.query_one(ArticleRecord).show(header.rows)
        self.query_one(FigureTable).show(article)
        self.query_one(SourceView).show(article)
        self.set_class(False, "-summary", "-source")  # each article opens on its cleaned text
        self.query_one("#detail-scroll").scroll_home(animate=False)

    def show_summary(self, summary: Text) -> None:
        self.query_one(ArticleHeader).show_summary(summary)
        self.query_one(ArticleText).show(None, [])
        self.query_one(FigureTable).show(None)
        self.query_one(SourceView).show(None)
        self.set_class(True, "-summary")
        self.set_class(False, "-source")
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

    def toggle_source(self, read: PageReader) -> None:
        """Between the cleaned text and the raw page lines it came from (read by ``read`` in a worker)."""
        text = self.query_one(ArticleText)
        if text.article is None:
            self.app.bell()
            return
        source = self.has_class("-source")
        self.set_class(not source, "-source")
        if not source:
            self.query_one(SourceView).show(text.article, read, text.current)
        if text.current is not None:
            self.call_after_refresh(self._scroll_to_figure, text.current)  # once the view shown is laid out
        else:
            self.query_one("#detail-scroll", VerticalScroll).scroll_home(animate=False)

    def copy_article(self) -> None:
        self.query_one(SourceView).copy_article(self.article)

    def copy_figure(self, read: PageReader) -> None:
        self.query_one(SourceView).copy_figure(self.article, self.query_one(ArticleText).current, read)

    def go_to_figure(self, index: int) -> None:
        text = self.query_one(ArticleText)
        table = self.query_one(FigureTable)
        text.current = index
        self.query_one(SourceView).current = index
        if table.cursor_row != index:
            table.move_cursor(row=index)
        self._scroll_to_figure(index)

    def _scroll_to_figure(self, index: int) -> None:
        if self.has_class("-source"):
            self.query_one(SourceView).scroll_to_current()
            return
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
