"""The dashboard (`d`): the campaign at a glance for the articles shown (a search or a selection narrows it).

A table of cities (Enter drills into a city's counties, Escape or backspace comes back up), the latest
star tally per tier and place with the sentence it was read from, bar charts of articles and of the
latest 五星 tally per place, and the articles per month. What counts as a place, which statement is
the latest and that a reprinted story counts once is decided in ``store/query/dashboard.py``; this
screen only lays it out.

The screen is dismissed with an article id when the reader asks to open a tally's article (Enter on a
tally cell, or `o`); the browse screen then goes to that article. Escape at the top closes it with None.

The charts are Rich text, not plotext (``textual-plotext``): that would add a dependency, and draws on a
canvas of fixed size with its own axes, which at 80 columns leaves the Chinese place names unreadable.
Bars of block characters are one line per place, reflow with the terminal's width, and show each
label and number as text.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from pathlib import Path
from typing import ClassVar

from rich.cells import cell_len
from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import DataTable, Footer, Header

from five_star.store.errors import FiveStarError
from five_star.store.model import Article, tier_name
from five_star.store.query.dashboard import (
    COLUMNS,
    Latest,
    PlaceRow,
    articles_of,
    city_rows,
    column_label,
    county_rows,
    tally_sentence,
    timeline,
    write_dashboard_csv,
)
from five_star.store.sanitize import one_line
from five_star.tui.widgets.status_bar import shorten
from five_star.tui.widgets.styling import component_style

NARROW = 120
"""Below this many columns the charts go under the table rather than beside it."""

# Eighths of a cell, so a bar's length is exact to an eighth of a character.
_EIGHTHS = " ▏▎▍▌▋▊▉"


def bar_text(value: int, top: int, cells: int) -> str:
    """A bar ``cells`` long for ``top``, in block characters; any value above zero shows."""
    eighths = round(value / top * cells * 8) if top > 0 else 0
    if value > 0:
        eighths = max(eighths, 1)
    full, rest = divmod(eighths, 8)
    return "█" * full + (_EIGHTHS[rest] if rest else "")


class BarChart(Widget):
    """Labelled horizontal bars, one line each, as long as the widget is wide."""

    DEFAULT_CSS = """
    BarChart {
        height: auto;
        margin-bottom: 1;
        & > .bar-chart--heading { text-style: bold; color: $text-primary; }
        & > .bar-chart--bar { color: $primary; }
        & > .bar-chart--note { color: $text-muted; }
    }
    """

    COMPONENT_CLASSES: ClassVar[set[str]] = {"bar-chart--heading", "bar-chart--bar", "bar-chart--note"}

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.heading = ""
        self.bars: list[tuple[str, int]] = []
        self.note = ""  # under the bars, or in their place when there are none

    def plot(self, heading: str, bars: Sequence[tuple[str, int]], note: str = "") -> None:
        self.heading, self.bars, self.note = heading, list(bars), note
        self.refresh(layout=True)

    def render(self) -> Text:
        text = Text(no_wrap=True, overflow="ellipsis")
        text.append(self.heading, component_style(self, "bar-chart--heading"))
        width = self.content_region.width
        if self.bars and width:
            labels = [one_line(label) for label, _ in self.bars]
            label_cells = min(max(cell_len(label) for label in labels), max(width // 3, 4))
            values = [f"{value:,}" for _, value in self.bars]
            room = max(width - label_cells - max(len(v) for v in values) - 2, 1)
            top = max(value for _, value in self.bars)
            bar_style = component_style(self, "bar-chart--bar")
            for label, (_, value), shown in zip(labels, self.bars, values, strict=True):
                label = shorten(label, label_cells)
                text.append(f"\n{label}{' ' * (label_cells - cell_len(label))} ")
                text.append(bar_text(value, top, room), bar_style)
                text.append(f" {shown}")
        if self.note:
            text.append(f"\n{self.note}", component_style(self, "bar-chart--note"))
        return text


class TallyNote(Widget):
    """What the table's cursor is on: a place, or a tally with its sentence, date and article."""

    DEFAULT_CSS = """
    TallyNote {
        height: auto;
        padding: 0 1;
        & > .tally-note--heading { text-style: bold; color: $text-primary; }
        & > .tally-note--words { text-style: bold underline; }
        & > .tally-note--label { color: $text-muted; }
    }
    """

    COMPONENT_CLASSES: ClassVar[set[str]] = {"tally-note--heading", "tally-note--words", "tally-note--label"}

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.row: PlaceRow | None = None
        self.place = ""  # the row's place as the table names it
        self.column: tuple[bool, int] | None = None  # (planned, tier), or None on the place's own cells
        self.article: Article | None = None
        self.hint = ""

    def describe(self, row: PlaceRow | None, place: str, column: tuple[bool, int] | None, article: Article | None,
                 hint: str) -> None:
        self.row, self.place, self.column, self.article, self.hint = row, place, column, article, hint
        self.refresh(layout=True)

    def render(self) -> Text:
        text = Text()
        row = self.row
        if row is None:
            return text
        heading = component_style(self, "tally-note--heading")
        label = component_style(self, "tally-note--label")
        place = self.place
        latest = row.latest(*self.column) if self.column is not None else None
        if self.column is None:
            text.append(f"{place} · {row.articles:,} article{'s' if row.articles != 1 else ''}", heading)
        elif latest is None:
            text.append(f"{place} · no {column_label(*self.column)} tally in these articles", heading)
        else:
            self._statement(text, place, latest)
        if self.hint:
            text.append(f"\n{self.hint}", label)
        return text

    def _statement(self, text: Text, place: str, latest: Latest) -> None:
        statement = latest.statement
        label = component_style(self, "tally-note--label")
        what = column_label(statement.plan, statement.tier)
        text.append(f"{place} · {what} {statement.count:,}", component_style(self, "tally-note--heading"))
        text.append(f"  {statement.published or 'undated'}", label)
        if latest.statements > 1:  # the others restate or update it: shown as the latest, never added up
            text.append(f" · the latest of {latest.statements} statements", label)
        words = one_line(statement.text)
        sentence = one_line(tally_sentence(self.article, statement.text)) if self.article is not None else words
        line = Text(sentence)
        at = sentence.find(words)
        if at >= 0:
            line.stylize(component_style(self, "tally-note--words"), at, at + len(words))
        text.append("\n")
        text.append_text(line)
        text.append("\narticle ", label)
        text.append(one_line(self.article.label) if self.article is not None else statement.article_id)


class DashboardScreen(Screen[str | None]):
    """Dismissed with the id of the article to open, or None."""

    DEFAULT_CSS = """
    DashboardScreen {
        #dash-main { height: 1fr; }
        #dash-left { width: 1fr; }
        #dash-table {
            height: auto;
            max-height: 70%;
        }
        #dash-note { border-top: hkey $foreground 20%; }
        #dash-charts {
            width: 45%;
            padding: 0 1;
            border-left: vkey $foreground 20%;
        }
        &.-narrow {
            #dash-main { layout: vertical; }
            #dash-left { height: auto; }
            #dash-table { max-height: 8; }
            #dash-charts {
                width: 1fr;
                height: 1fr;
                min-height: 5;
                border-left: none;
                border-top: hkey $foreground 20%;
            }
        }
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back", tooltip="Back to the cities, or close the dashboard", id="dashboard.back"),
        Binding("backspace", "up", "Cities", show=False, tooltip="Back from a city's counties to the cities",
                id="dashboard.up"),
        Binding("o", "open_article", "Open article",
                tooltip="Close the dashboard and open the article of the highlighted tally", id="dashboard.open-article"),
        Binding("x", "export", "Export CSV", tooltip="Write the table as shown to a CSV file in the export folder",
                id="dashboard.export"),
    ]

    AUTO_FOCUS = "#dash-table"
    TITLE = "Dashboard"

    def __init__(
        self,
        articles: list[Article],
        *,
        scope: str = "",
        export_dir: Path | None = None,
        clock: Callable[[], datetime] = datetime.now,
    ) -> None:
        """``articles``: those shown (or selected), in library order; ``scope`` says which, in a few words;
        exports go to ``export_dir``, by default the app's export folder."""
        super().__init__()
        self.shown_articles = articles
        self.by_id = {article.id: article for article in articles}
        self.scope = scope or f"{len(articles):,} article{'s' if len(articles) != 1 else ''}"
        stories = len({article.story for article in articles})
        if stories < len(articles):  # the rows and charts count each story once (store/query/dashboard.py)
            self.scope += f" · {stories:,} stories, reprints counted once"
        self.export_dir = export_dir
        self.clock = clock
        self.city: str | None = None  # the city drilled into, or None for the table of cities
        self.place_rows: list[PlaceRow] = []
        self.city_cursor = 0  # the city row to come back to from its counties

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="dash-main"):
            with Vertical(id="dash-left"):
                yield DataTable(id="dash-table", cursor_type="cell", zebra_stripes=True)
                yield TallyNote(id="dash-note")
            with VerticalScroll(id="dash-charts"):
                yield BarChart(id="dash-articles")
                yield BarChart(id="dash-five")
                yield BarChart(id="dash-timeline")
        yield Footer()

    def on_mount(self) -> None:
        self._show_level(None, 0)

    def on_resize(self, event: events.Resize) -> None:
        self.set_class(event.size.width < NARROW, "-narrow")

    # ---- the table --------------------------------------------------------------------------------

    def _show_level(self, city: str | None, cursor_row: int) -> None:
        """The cities (``city`` None) or the counties of ``city``, with the cursor on ``cursor_row``."""
        self.city = city
        if city is None:
            self.place_rows = city_rows(self.shown_articles)
            articles = self.shown_articles
            self.sub_title = self.scope
        else:
            articles = articles_of(self.shown_articles, city)
            self.place_rows = county_rows(articles, city)
            self.sub_title = f"{one_line(city)} by county · {self.scope}"
        table = self.query_one(DataTable)
        table.clear(columns=True)
        table.add_column(Text("city" if city is None else "county"))
        table.add_column(Text("articles", justify="right"))
        for plan, tier in COLUMNS:
            table.add_column(Text(column_label(plan, tier).replace("planned", "plan"), justify="right"))
        for row in self.place_rows:
            cells = [Text(self.label(row)), Text(f"{row.articles:,}", justify="right")]
            for plan, tier in COLUMNS:
                latest = row.latest(plan, tier)
                cells.append(Text(f"{latest.statement.count:,}", justify="right") if latest is not None
                             else Text("–", style="dim", justify="right"))
            table.add_row(*cells)
        self._plot(articles)
        if self.place_rows:
            table.move_cursor(row=min(cursor_row, len(self.place_rows) - 1), column=0, animate=False)
        self._describe()

    def label(self, row: PlaceRow) -> str:
        """The row's place as the table shows it: in a city's drill-down, its own row is the whole city."""
        place = one_line(row.place)
        return f"{place} (whole city)" if row.place == self.city else place

    def _plot(self, articles: Sequence[Article]) -> None:
        where = "city" if self.city is None else "county"
        self.query_one("#dash-articles", BarChart).plot(
            f"Articles per {where}", [(self.label(row), row.articles) for row in self.place_rows],
            "" if self.place_rows else "No articles.",
        )
        five = [(self.label(row), latest.statement.count) for row in self.place_rows
                if (latest := row.latest(False, 5)) is not None]
        self.query_one("#dash-five", BarChart).plot(
            f"Latest {tier_name(5)} tally per {where}", five,
            "the latest statement, never a sum" if five else f"No {tier_name(5)} tally in these articles.",
        )
        months = timeline(articles)
        self.query_one("#dash-timeline", BarChart).plot(
            "Articles per month (published)", months.months, f"undated: {months.undated:,}",
        )

    def _cursor(self) -> tuple[PlaceRow | None, tuple[bool, int] | None]:
        """The row under the cursor, and the tally column it is on (None on the place and article count)."""
        table = self.query_one(DataTable)
        if not self.place_rows:
            return None, None
        coordinate = table.cursor_coordinate
        row = self.place_rows[min(coordinate.row, len(self.place_rows) - 1)]
        column = COLUMNS[coordinate.column - 2] if coordinate.column >= 2 else None
        return row, column

    def _highlighted(self) -> Latest | None:
        row, column = self._cursor()
        return row.latest(*column) if row is not None and column is not None else None

    def _describe(self) -> None:
        row, column = self._cursor()
        latest = row.latest(*column) if row is not None and column is not None else None
        article = self.by_id.get(latest.statement.article_id) if latest is not None else None
        if latest is not None:
            hint = "enter or o: open this article"
        elif self.city is None:
            hint = "enter: its counties · x: export the table"
        elif row is not None and row.place == self.city:
            hint = "articles naming none of its counties, or several · escape: back to the cities"
        else:
            hint = "articles naming this county alone · escape: back to the cities"
        self.query_one(TallyNote).describe(row, self.label(row) if row is not None else "", column, article, hint)

    @on(DataTable.CellHighlighted, "#dash-table")
    def _cell_highlighted(self, event: DataTable.CellHighlighted) -> None:
        self._describe()

    @on(DataTable.CellSelected, "#dash-table")
    def _cell_selected(self, event: DataTable.CellSelected) -> None:
        # Enter: a tally opens its article; anything else in a city's row opens the city's counties.
        if self._highlighted() is not None:
            self.action_open_article()
        elif self.city is None and self.place_rows:
            self.city_cursor = event.coordinate.row
            self._show_level(self.place_rows[event.coordinate.row].place, 0)
        else:
            self.app.bell()

    # ---- keys -------------------------------------------------------------------------------------

    def action_back(self) -> None:
        if self.city is None:
            self.dismiss(None)
        else:
            self.action_up()

    def action_up(self) -> None:
        if self.city is None:
            self.app.bell()
            return
        self._show_level(None, self.city_cursor)

    def action_open_article(self) -> None:
        latest = self._highlighted()
        if latest is None:
            self.app.bell()
            self.notify("No tally here: move to a 五星, 四星 or 三星 number.", severity="warning")
            return
        self.dismiss(latest.statement.article_id)

    def action_export(self) -> None:
        folder = self.export_dir or getattr(self.app, "export_dir", None) or Path.cwd()
        place = "" if self.city is None else f"{self.city}-"
        path = folder / f"five-star-dashboard-{place}{self.clock():%Y%m%d-%H%M%S}.csv"
        try:
            count = write_dashboard_csv(self.place_rows, path, "city" if self.city is None else "county")
        except FiveStarError as exc:
            self.notify(str(exc), title="Export", severity="error", markup=False)
            return
        self.notify(f"Exported {count:,} row{'s' if count != 1 else ''} to {path}", title="Export", markup=False)

