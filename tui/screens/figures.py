"""The figure explorer: every figure of the articles it is given, in one table to filter, sort and export.

Pushed as ``FigureExplorer(articles)``; it dismisses with ``(article_id, figure_index)`` when a row is
chosen (the caller opens the article and highlights the figure) and with None when closed. The rows are
built, filtered, sorted and summarised by ``store.query.figure_rows`` in worker threads, so typing stays
fluid at 20,000 articles (~90,000 rows); ``FigureGrid`` draws only the rows in view.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import ClassVar

from rich.cells import cell_len
from rich.style import Style
from rich.text import Text
from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.screen import Screen
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.widgets import Footer, Header, Input, Label, Static
from textual.worker import get_current_worker

from five_star.store.errors import FiveStarError
from five_star.store.model import Article
from five_star.store.query.figure_rows import (
    FigureRow,
    FigureRows,
    Filtered,
    Summary,
    summarize,
    sums_with_warning,
)
from five_star.store.sanitize import one_line
from five_star.tui.widgets.article_detail import figure_value
from five_star.tui.widgets.styling import component_style
from five_star.tui.widgets.text_input import TextInput

SENTENCE_WIDTH = 48  # cells: enough around a figure to read what it counts

# (column name in figure_rows, header, width in cells): the table's columns, in order.
TABLE_COLUMNS: tuple[tuple[str, str, int], ...] = (
    ("value", "value", 15),
    ("unit", "unit", 6),
    ("qualifier", "qual.", 5),
    ("kind", "kind", 8),
    ("sentence", "sentence", SENTENCE_WIDTH),
    ("title", "title", 26),
    ("city", "city", 10),
    ("county", "county", 12),
    ("published", "published", 10),
)
SORTABLE = [name for name, _, _ in TABLE_COLUMNS]


def amount(value: float) -> str:
    """A number as the figure table writes values: thousands separators, no decimal point when integral."""
    if float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:,.4g}" if abs(value) >= 1e4 else f"{value:g}"


def excerpt(sentence: str, figure_text: str, width: int, figure_style: Style) -> Text:
    """The sentence cut to ``width`` cells around its figure (in ``figure_style``), so the figure is in view."""
    sentence = one_line(sentence)
    figure_text = one_line(figure_text)
    start = sentence.find(figure_text) if figure_text else -1
    if start < 0:
        start, end = 0, 0
    else:
        end = start + len(figure_text)
    # Keep a little of what leads up to the figure, then as much as fits after it.
    lead = start
    while lead > 0 and cell_len(sentence[lead - 1 : start]) <= width // 4:
        lead -= 1
    text = Text(no_wrap=True, overflow="ellipsis")
    if lead > 0:
        text.append("…")
    text.append(sentence[lead:start])
    text.append(sentence[start:end], figure_style)
    text.append(sentence[end:])
    text.truncate(width, overflow="ellipsis")
    return text


def summary_text(summary: Summary) -> Text:
    """``121 figures │ 元 9: min 2,000 · median 200,000 · max 29,540,000 │ …``"""
    text = Text()
    text.append(f"{summary.count:,} figure{'' if summary.count == 1 else 's'}", "bold")
    for unit in summary.units:
        text.append("  │  ")
        text.append(one_line(unit.unit) or "no unit", "bold")
        text.append(f" {unit.count:,}: min {amount(unit.low)} · median {amount(unit.median)} · max {amount(unit.high)}")
    return text


class RowsBuilt(Message):
    """Every figure's row has been built (in a worker thread)."""

    def __init__(self, rows: FigureRows) -> None:
        super().__init__()
        self.rows = rows


class FiguresReady(Message):
    """The rows a filter keeps, in the chosen order (worked out in a worker thread)."""

    def __init__(
        self, filtered: Filtered, order: list[int], summary: Summary, sort_by: str | None, descending: bool
    ) -> None:
        super().__init__()
        self.filtered, self.order, self.summary = filtered, order, summary
        self.sort_by, self.descending = sort_by, descending


class ExportWritten(Message):
    def __init__(self, report: str, *, failed: bool = False) -> None:
        super().__init__()
        self.report, self.failed = report, failed


class FigureGrid(ScrollView, can_focus=True):
    """The figure rows as a table drawn line by line: only the lines in view are rendered.

    Textual's ``DataTable`` adds and measures every row when it is given them (~0.3 ms a row: half a
    minute for 90,000, and still ~0.7 s for the first 2,000); here a new order or filter costs nothing until
    its lines are drawn, so 90,000 rows scroll, sort and refilter as fast as 100. Columns have fixed widths,
    cells are cut with an ellipsis, and the header stays on the top line. Enter (or a click on the
    highlighted row) posts ``Chosen``; a click on a header posts ``HeaderClicked``.
    """

    DEFAULT_CSS = """
    FigureGrid {
        background: $surface;
        color: $foreground;
        & > .figure-grid--header { text-style: bold; background: $panel; color: $foreground; }
        & > .figure-grid--even { background: $surface-lighten-1 50%; }
        & > .figure-grid--cursor {
            background: $block-cursor-blurred-background;
            color: $block-cursor-blurred-foreground;
            text-style: $block-cursor-blurred-text-style;
        }
        &:focus > .figure-grid--cursor {
            background: $block-cursor-background;
            color: $block-cursor-foreground;
            text-style: $block-cursor-text-style;
        }
        & > .figure-grid--figure { text-style: bold; }
    }
    """

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "figure-grid--header", "figure-grid--even", "figure-grid--cursor", "figure-grid--figure",
    }

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "choose", "Open", tooltip="Open the article with this figure highlighted", id="figures.open"),
        Binding("up,k", "cursor(-1)", "Up", show=False, tooltip="Previous figure", id="figures.up"),
        Binding("down,j", "cursor(1)", "Down", show=False, tooltip="Next figure", id="figures.down"),
        Binding("pageup", "page(-1)", "Page up", show=False, tooltip="A page of figures up", id="figures.page-up"),
        Binding("pagedown", "page(1)", "Page down", show=False, tooltip="A page of figures down",
                id="figures.page-down"),
        Binding("home,g", "first", "First row", show=False, tooltip="The first figure", id="figures.first"),
        Binding("end,G", "last", "Last row", show=False, tooltip="The last figure", id="figures.last"),
        Binding("left", "scroll_left", "Scroll left", show=False, tooltip="Scroll the columns left",
                id="figures.scroll-left"),
        Binding("right", "scroll_right", "Scroll right", show=False, tooltip="Scroll the columns right",
                id="figures.scroll-right"),
    ]

    class Chosen(Message):
        def __init__(self, number: int) -> None:
            super().__init__()
            self.number = number  # the row's number in ``FigureRows``

    class HeaderClicked(Message):
        def __init__(self, column: str) -> None:
            super().__init__()
            self.column = column

    cursor_row: reactive[int] = reactive(0)

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.rows: FigureRows | None = None
        self.order: list[int] = []  # row numbers, top to bottom
        self.sort_by: str | None = None
        self.descending = False
        self._line_width = sum(width + 1 for _, _, width in TABLE_COLUMNS)

    @property
    def row_count(self) -> int:
        return len(self.order)

    def show(self, rows: FigureRows, order: list[int], sort_by: str | None, descending: bool) -> None:
        """Show ``order`` (numbers into ``rows``) from the top, the cursor on the first line."""
        self.rows, self.order, self.sort_by, self.descending = rows, order, sort_by, descending
        self.virtual_size = Size(self._line_width, len(order) + 1)  # + the header line
        self.set_reactive(FigureGrid.cursor_row, 0)
        self.scroll_to(0, 0, animate=False, immediate=True)
        self.refresh()

    # ---- drawing ------------------------------------------------------------------------------

    def render_line(self, y: int) -> Strip:
        scroll_x, scroll_y = self.scroll_offset
        width = self.scrollable_content_region.width
        if y == 0:
            line, style = self._header(), self.get_component_rich_style("figure-grid--header")
        else:
            index = scroll_y + y - 1
            if self.rows is None or index >= len(self.order):
                return Strip.blank(width, self.rich_style)
            line = self._line(self.rows.row(self.order[index]))
            style = Style()
            if index == self.cursor_row:
                style = self.get_component_rich_style("figure-grid--cursor")
            elif index % 2:
                style = component_style(self, "figure-grid--even")
        strip = Strip(line.render(self.app.console)).apply_style(self.rich_style + style)
        return strip.crop_extend(scroll_x, scroll_x + width, self.rich_style + style)

    def _header(self) -> Text:
        arrow = " ▼" if self.descending else " ▲"
        cells = [Text(header + (arrow if name == self.sort_by else "")) for name, header, _ in TABLE_COLUMNS]
        return self._joined(cells)

    def _line(self, row: FigureRow) -> Text:
        figure, article = row.figure, row.article
        return self._joined([
            Text(figure_value(figure)),
            Text(one_line(figure.unit)),
            Text(one_line(figure.qualifier)),
            Text(one_line(figure.kind)),
            excerpt(row.sentence, figure.text, SENTENCE_WIDTH, self.get_component_rich_style("figure-grid--figure")),
            Text(one_line(article.label)),
            Text(one_line(article.city or "—")),
            Text(one_line(row.county or "—")),
            Text(article.published or "—"),
        ])

    @staticmethod
    def _joined(cells: list[Text]) -> Text:
        """The cells cut or padded to their columns' widths, the value column right-aligned, a space apart."""
        line = Text(no_wrap=True, end="")
        for cell, (name, _, width) in zip(cells, TABLE_COLUMNS, strict=True):
            cell.truncate(width, overflow="ellipsis")
            if name == "value":
                cell.pad_left(width - cell.cell_len)
            else:
                cell.pad_right(width - cell.cell_len)
            line.append_text(cell)
            line.append(" ")
        return line

    # ---- the cursor ---------------------------------------------------------------------------

    @property
    def cursor_number(self) -> int | None:
        """The highlighted row's number in ``FigureRows`` (None when the table is empty)."""
        return self.order[self.cursor_row] if self.order else None

    def move_cursor(self, row: int) -> None:
        self.cursor_row = max(0, min(row, len(self.order) - 1))

    def watch_cursor_row(self, old: int, new: int) -> None:
        # Keep the cursor in view: rows sit one line below the header.
        rows_in_view = max(1, self.scrollable_content_region.height - 1)
        if new < self.scroll_y:
            self.scroll_to(y=new, animate=False, immediate=True)
        elif new >= self.scroll_y + rows_in_view:
            self.scroll_to(y=new - rows_in_view + 1, animate=False, immediate=True)
        self.refresh()

    def action_cursor(self, delta: int) -> None:
        self.move_cursor(self.cursor_row + delta)

    def action_page(self, direction: int) -> None:
        self.move_cursor(self.cursor_row + direction * max(1, self.scrollable_content_region.height - 1))

    def action_first(self) -> None:
        self.move_cursor(0)

    def action_last(self) -> None:
        self.move_cursor(len(self.order) - 1)

    def action_choose(self) -> None:
        if self.cursor_number is not None:
            self.post_message(self.Chosen(self.cursor_number))

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None:
            return
        if offset.y == 0:
            x = offset.x + self.scroll_x
            for name, _, width in TABLE_COLUMNS:
                if x <= width:
                    self.post_message(self.HeaderClicked(name))
                    return
                x -= width + 1
            return
        index = int(self.scroll_y) + offset.y - 1
        if index < len(self.order):
            if index == self.cursor_row:
                self.action_choose()  # as in a DataTable: a click on the highlighted row chooses it
            else:
                self.move_cursor(index)


class FigureExplorer(Screen[tuple[str, int] | None]):
    DEFAULT_CSS = """
    FigureExplorer {
        #figures-problem {
            color: $text-warning;
            padding: 0 1;
            display: none;
            &.-shown { display: block; }
        }
        #figures-table { height: 1fr; }
        #figures-summary {
            height: auto;
            max-height: 4;
            padding: 0 1;
            background: $boost;
        }
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "Close",
                tooltip="Close the figure explorer (in the filter box: back to the table)", id="figures.close"),
        Binding("slash", "focus_filter", "Filter",
                tooltip='Filter the figures: unit:元 value>=1000000 kind:people city: county: program: date:2023 '
                'words (in the sentence) -word (the search\'s language)',
                id="figures.filter"),
        Binding("s", "next_sort", "Sort by",
                tooltip="Sort by the next column (library order after the last)", id="figures.sort"),
        Binding("S", "reverse_sort", "Reverse", tooltip="Reverse the sort", id="figures.reverse-sort"),
        Binding("x", "export", "Export CSV",
                tooltip="Export the filtered rows, in this order, with every column to a CSV file",
                id="figures.export"),
        Binding("plus", "sums", "Sums", show=False,
                tooltip="Sum each unit's values (a figure restated by several articles is counted again)",
                id="figures.sums"),
    ]
    AUTO_FOCUS = "#figures-table"

    def __init__(
        self,
        articles: list[Article],
        *,
        export_dir: Path | None = None,
        clock: Callable[[], datetime] = datetime.now,
    ) -> None:
        super().__init__()
        self.articles = articles
        self.export_dir = export_dir
        self.clock = clock
        self.rows: FigureRows | None = None  # built in a worker once the screen is up
        self.filtered: Filtered | None = None
        self.order: list[int] = []  # the filtered rows in the chosen order
        self.summary: Summary | None = None  # of the filtered rows
        self.sort_by: str | None = None  # None: library order
        self.descending = False

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="figures-main"):
            yield TextInput(placeholder="filter: unit:元 value>=1000000 kind:people city:漯河 date:2023 words in the sentence",
                        id="figures-filter")
            yield Label("", id="figures-problem")
            yield FigureGrid(id="figures-table")
            yield Static(Text("reading figures…"), id="figures-summary")
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = f"figures of {len(self.articles):,} article{'' if len(self.articles) == 1 else 's'}"
        self.build_rows()

    # ---- rows ---------------------------------------------------------------------------------

    @work(thread=True, group="figures-rows", description="figure rows")
    def build_rows(self) -> None:
        self.post_message(RowsBuilt(FigureRows(self.articles)))

    def on_rows_built(self, message: RowsBuilt) -> None:
        self.rows = message.rows
        self.refresh_rows()

    @work(thread=True, group="figures-prepare", description="prepare figure filters")
    def prepare(self, rows: FigureRows) -> None:
        # Started once the first table is up: run beside building it, it held that back by half a second.
        rows.prepare()

    def refresh_rows(self) -> None:
        """Filter and sort again (only sort when the filter is the one already applied)."""
        if self.rows is None:
            return  # on_rows_built comes back here
        text = self.query_one("#figures-filter", Input).value
        kept = self.filtered if self.filtered is not None and self.filtered.text == text else None
        self.compute(self.rows, text, kept, self.summary if kept is not None else None, self.sort_by, self.descending)

    @work(thread=True, exclusive=True, group="figures", description="filter and sort figures")
    def compute(
        self,
        rows: FigureRows,
        text: str,
        kept: Filtered | None,
        kept_summary: Summary | None,
        sort_by: str | None,
        descending: bool,
    ) -> None:
        filtered = kept if kept is not None else rows.filter(text)
        order = filtered.numbers if sort_by is None else rows.sort(filtered.numbers, sort_by, descending=descending)
        summary = kept_summary if kept_summary is not None else summarize(map(rows.figures.__getitem__, order))
        if not get_current_worker().is_cancelled:
            self.post_message(FiguresReady(filtered, order, summary, sort_by, descending))

    def on_figures_ready(self, message: FiguresReady) -> None:
        if self.rows is None or message.filtered.text != self.query_one("#figures-filter", Input).value:
            return  # a newer keystroke's answer is on its way
        rows = self.rows
        if self.filtered is None:
            self.prepare(rows)
        self.filtered, self.order, self.summary = message.filtered, message.order, message.summary
        problem = self.query_one("#figures-problem", Label)
        problem.update(Text(one_line(message.filtered.problem or "")))
        problem.set_class(bool(message.filtered.problem), "-shown")
        self.query_one(FigureGrid).show(rows, self.order, message.sort_by, message.descending)
        self.query_one("#figures-summary", Static).update(summary_text(message.summary))

    @on(Input.Changed, "#figures-filter")
    def _filter_changed(self) -> None:
        self.refresh_rows()

    @on(Input.Submitted, "#figures-filter")
    def _filter_submitted(self) -> None:
        self.query_one(FigureGrid).focus()

    # ---- keys ---------------------------------------------------------------------------------

    def action_close(self) -> None:
        if self.query_one("#figures-filter", Input).has_focus:
            self.query_one(FigureGrid).focus()
        else:
            self.dismiss(None)

    def action_focus_filter(self) -> None:
        self.query_one("#figures-filter", Input).focus()

    def action_next_sort(self) -> None:
        position = SORTABLE.index(self.sort_by) + 1 if self.sort_by is not None else 0
        self.sort_by = SORTABLE[position] if position < len(SORTABLE) else None
        self.descending = False
        self.refresh_rows()

    def action_reverse_sort(self) -> None:
        if self.sort_by is None:
            # Library order has no reverse worth having: the largest values first, what a report looks for.
            self.sort_by, self.descending = SORTABLE[0], True
        else:
            self.descending = not self.descending
        self.refresh_rows()

    @on(FigureGrid.HeaderClicked)
    def _header_clicked(self, event: FigureGrid.HeaderClicked) -> None:
        self.descending = not self.descending if event.column == self.sort_by else False
        self.sort_by = event.column
        self.refresh_rows()

    @on(FigureGrid.Chosen)
    def _row_chosen(self, event: FigureGrid.Chosen) -> None:
        if self.rows is not None:
            row = self.rows.row(event.number)
            self.dismiss((row.article_id, row.figure_index))

    def action_sums(self) -> None:
        if self.rows is None:
            self.app.bell()  # still reading the figures
            return
        sums = sums_with_warning(map(self.rows.figures.__getitem__, self.order))
        totals = "; ".join(f"{one_line(unit) or 'no unit'} {amount(total)}" for unit, total in sums.totals.items())
        self.notify(f"{totals or 'no values'}\n\n{sums.warning}", title="Sums per unit", severity="warning",
                    markup=False, timeout=20)

    # ---- export -------------------------------------------------------------------------------

    def action_export(self) -> None:
        if self.rows is None:
            self.app.bell()  # still reading the figures
            return
        if not self.order:
            self.notify("Nothing to export: the filter keeps no figures.", severity="warning", markup=False)
            return
        folder = self.export_dir if self.export_dir is not None else getattr(self.app, "export_dir", Path.cwd())
        self.write_export(self.rows, self.order, self._free_path(folder))

    def _free_path(self, folder: Path) -> Path:
        """A timestamped name; a second export within the same second gets a number, never overwrites."""
        stem = f"five-star-figures-{self.clock():%Y%m%d-%H%M%S}"
        path, number = folder / f"{stem}.csv", 1
        while path.exists():
            number += 1
            path = folder / f"{stem}-{number}.csv"
        return path

    # Not described by repr() of its arguments, which Textual would run on the UI thread for every row.
    @work(thread=True, group="figures-export", description="export figures")
    def write_export(self, rows: FigureRows, numbers: list[int], path: Path) -> None:
        try:
            count = rows.export(numbers, path)
        except (FiveStarError, OSError) as exc:
            self.post_message(ExportWritten(f"Export failed: {exc}", failed=True))
            return
        self.post_message(ExportWritten(f"Exported {count:,} figure{'' if count == 1 else 's'} to {path}"))

    def on_export_written(self, message: ExportWritten) -> None:
        self.notify(message.report, title="Export", severity="error" if message.failed else "information",
                    markup=False)
