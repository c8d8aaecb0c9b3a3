"""The search box: the same query language as ``five-star-tui search``."""

from __future__ import annotations

from typing import ClassVar

from textual.binding import Binding, BindingType
from textual.message import Message

from five_star.tui.widgets.text_input import TextInput

PLACEHOLDER = 'search: words  "a phrase"  -exclude  city:漯河  program:红色物业  unit:万元  value>=1000000  date:2023-05'


class SearchBar(TextInput):
    """Typing filters the tree; Enter jumps to the first hit; Esc clears and closes."""

    DEFAULT_CSS = """
    SearchBar {
        display: none;  /* until `/` opens it */
        margin: 0 0 1 0;
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "clear", "Clear search", tooltip="Clear the search and show every article",
                id="search-box.clear"),
    ]

    class Cleared(Message):
        """The user dismissed the search."""

        def __init__(self, search_bar: SearchBar) -> None:
            super().__init__()
            self.search_bar = search_bar

        @property
        def control(self) -> SearchBar:
            return self.search_bar

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(placeholder=PLACEHOLDER, id=id)

    def action_clear(self) -> None:
        self.post_message(self.Cleared(self))
