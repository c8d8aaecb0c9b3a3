"""The figure colours: one component class per figure kind, and the base of every widget drawn in them.

A module of its own so that both the article pane and the source view (which the pane holds) draw in
them without importing each other.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import ClassVar

from rich.style import Style
from textual.widget import Widget

from five_star.store.model import FIGURE_KINDS
from five_star.tui.widgets.styling import component_style


def kind_class(kind: str) -> str:
    return f"figure--{kind if kind in FIGURE_KINDS else 'other'}"


KIND_CLASSES = frozenset(kind_class(kind) for kind in FIGURE_KINDS)


class FigureStyled(Widget):
    """Base for widgets drawn in the figure colours, so the legend and the text share one set of rules."""

    DEFAULT_CSS = """
    FigureStyled {
        height: auto;
        & > .figure--money, & > .figure--people, & > .figure--count, & > .figure--area, & > .figure--percent,
        & > .figure--length, & > .figure--duration, & > .figure--age, & > .figure--other { text-style: bold; }
        & > .figure--place { text-style: underline; }
        & > .figure--hit { text-style: reverse; }
        /* The current figure in its kind's colours swapped: a block of the kind's black or white text
           colour, which no kind's background comes near in any theme, with the kind's colour kept in the
           letters (tests/test_app_themes.py measures it). */
        & > .figure--current { text-style: reverse bold underline; }
    }
    """

    COMPONENT_CLASSES: ClassVar[set[str]] = set(KIND_CLASSES) | {
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
