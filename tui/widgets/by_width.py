"""Text drawn anew at each width Textual lays it out at: wrapped (or cut) to fit, with no second layout pass."""

from __future__ import annotations

from collections.abc import Callable

from rich.text import Text
from textual.content import Content
from textual.css.styles import RulesMap
from textual.strip import Strip
from textual.style import Style as TextualStyle
from textual.visual import RenderOptions, Visual


class ByWidth(Text):
    """Text that is drawn differently at each width (``draw``); ``plain`` is all of it, uncut.

    Textual asks the visual for its height and its lines at the width it lays the widget out at, so what
    is drawn always fits the pane, with no second layout pass after a resize.
    """

    __slots__ = ("draw",)

    def __init__(self, draw: Callable[[int], Text]) -> None:
        super().__init__()
        self.draw = draw

    def visualize(self) -> Visual:  # Textual's visual protocol: used in place of its own wrapping
        return _ByWidthVisual(self, self.draw)


class _ByWidthVisual(Visual):
    def __init__(self, text: Text, draw: Callable[[int], Text]) -> None:
        self.text = text
        self.draw = draw
        self._by_width: dict[int, Content] = {}

    def lines(self, width: int) -> Content:
        content = self._by_width.get(width)
        if content is None:
            content = self._by_width[width] = Content.from_rich_text(self.draw(width))
        return content

    def render_strips(self, width: int, height: int | None, style: TextualStyle, options: RenderOptions) -> list[Strip]:
        return self.lines(width).render_strips(width, height, style, options)

    def get_optimal_width(self, rules: RulesMap, container_width: int) -> int:
        return Content.from_rich_text(self.text).get_optimal_width(rules, container_width)

    def get_height(self, rules: RulesMap, width: int) -> int:
        lines = self.lines(width)
        return lines.get_height(rules, width) if lines.plain else 0  # nothing to say takes no line
