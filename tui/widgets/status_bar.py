"""One line that always says how much is shown, searched and selected, and what was wrong with a query."""

from __future__ import annotations

from typing import ClassVar

from rich.cells import cell_len
from rich.text import Text
from textual.reactive import reactive
from textual.widget import Widget

from five_star.store.query.browse import Grouping
from five_star.store.sanitize import one_line


def shorten(text: str, cells: int) -> str:
    """``text`` in at most ``cells`` terminal cells (at least one), ending in ``…`` when it was cut."""
    if cell_len(text) <= cells:
        return text
    room, kept = max(cells, 1) - 1, []  # one cell for the ellipsis
    for char in text:
        room -= cell_len(char)
        if room < 0:
            break
        kept.append(char)
    return "".join(kept) + "…"


class StatusBar(Widget):
    """Shows the browse screen's state; every field is bound to a reactive of the screen."""

    DEFAULT_CSS = """
    StatusBar {
        height: 1;
        padding: 0 1;
        & > .status-bar--selected { text-style: bold; }
        & > .status-bar--nohits { text-style: bold; }
        & > .status-bar--problem { text-style: bold; }
    }
    """

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "status-bar--selected",
        "status-bar--nohits",
        "status-bar--problem",
        "status-bar--dim",
    }

    total: reactive[int] = reactive(0)  # stories: the articles less the reprints of another
    reprints: reactive[int] = reactive(0)
    selected: reactive[int] = reactive(0)
    grouping: reactive[Grouping] = reactive(Grouping.CITY)
    search_text: reactive[str] = reactive("")  # not `query`: that is DOMNode.query(), which Textual calls
    hit_count: reactive[int | None] = reactive(None)  # None: no hits to count (no search, or a refused one)
    hit_position: reactive[int | None] = reactive(None)
    problem: reactive[str] = reactive("")  # why a query was refused, or which parts of it were ignored
    note: reactive[str] = reactive("opening library…")  # shown instead of the counts while loading
    reading: reactive[bool] = reactive(True)  # the tree is up but the article texts are still being read

    def render(self) -> Text:
        dim = self.get_component_rich_style("status-bar--dim")
        if self.note:
            return Text(self.note, style=dim)
        # The line is one row: when it is too narrow, the query is shortened with an ellipsis (down to a few
        # characters), then the reading and grouping notes go, then the query and last the problem shrink
        # further: the counts and the selection always show, and as much of a warning as fits.
        width = self.size.width  # 0 before the first layout: nothing to fit yet
        parts = {
            "query": one_line(self.search_text),
            "problem": one_line(self.problem),
            "order": "cities → programs" if self.grouping is Grouping.CITY else "programs → cities",
            "reading": "reading the library…" if self.reading else "",
        }
        line = self._line(**parts)
        for name, floor in (("query", 12), ("reading", 0), ("order", 0), ("query", 1), ("problem", 1)):
            over = line.cell_len - width
            if not width or over <= 0:
                break
            part = parts[name]
            parts[name] = shorten(part, max(floor, cell_len(part) - over)) if floor else ""
            line = self._line(**parts)
        return line

    def _line(self, query: str, problem: str, order: str, reading: str) -> Text:
        dim = self.get_component_rich_style("status-bar--dim")
        text = Text()
        if self.reprints:
            text.append(f"{self.total:,} stories ({self.total + self.reprints:,} articles)", dim)
        else:
            text.append(f"{self.total:,} articles", dim)
        if order:
            text.append(f" · {order}", dim)
        if self.hit_count is not None:
            text.append(" · ")
            quoted = f"“{query}”"
            if self.hit_count == 0:
                text.append(f"no hits for {quoted}", self.get_component_rich_style("status-bar--nohits"))
            else:
                noun = "hit" if self.hit_count == 1 else "hits"
                text.append(f"{self.hit_count:,} {noun} for {quoted}")
                if self.hit_position is not None:
                    text.append(f" (hit {self.hit_position + 1:,} of {self.hit_count:,})", dim)
        if problem:
            text.append(" · ")
            text.append(problem, self.get_component_rich_style("status-bar--problem"))
        text.append(" · ")
        style = self.get_component_rich_style("status-bar--selected") if self.selected else dim
        text.append(f"{self.selected:,} selected", style)
        if reading:
            text.append(f" · {reading}", dim)
        return text
