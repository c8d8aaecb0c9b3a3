"""The search box: the same query language as ``five-star-tui search``."""

from __future__ import annotations

from textual.binding import Binding
from textual.message import Message
from textual.widgets import Input

PLACEHOLDER = 'search: words  "a phrase"  -exclude  city:漯河  program:红色物业  unit:万元  value>=1000000'


class SearchBar(Input):
    """Typing filters the tree; Enter jumps to the first hit; Esc clears and closes."""

    BINDINGS = [
        Binding("escape", "clear", "Clear search", tooltip="Clear the search and show every article"),
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
