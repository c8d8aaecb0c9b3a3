"""The `?` screen: every key, read from the bindings themselves so the list cannot drift from them."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Label, Static, Tree

from five_star.tui.screens.export import ConfirmOverwrite, ExportDialog
from five_star.tui.widgets.article_tree import ArticleTree
from five_star.tui.widgets.search_bar import SearchBar


def _bindings(*classes: type) -> list[Binding]:
    """The Binding objects of ``classes``, a key bound by an earlier class hiding later ones."""
    seen: set[str] = set()
    result = []
    for cls in classes:
        for binding in cls.BINDINGS:
            if not isinstance(binding, Binding) or binding.system:
                continue
            for key in binding.key.split(","):
                key = key.strip()
                if key not in seen:
                    seen.add(key)
                    result.append(replace(binding, key=key))
    return result


class HelpScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape,q,question_mark", "dismiss", "Close help")]

    def _sections(self) -> Iterable[tuple[str, list[Binding]]]:
        from five_star.tui.screens.browse import (
            BrowseScreen,  # the browse screen imports this one
        )

        palette = Binding(self.app.COMMAND_PALETTE_BINDING, "command_palette",
                          "Command palette: export, grouping, jump to a city or article, theme")
        yield "Anywhere", [*_bindings(type(self.app)), palette]
        yield "Browsing", _bindings(BrowseScreen)
        yield "Tree", _bindings(ArticleTree, Tree)
        yield "Search box", _bindings(SearchBar)
        yield "Export dialog", [
            *_bindings(ExportDialog),
            Binding("enter", "submit", "Export (in the path field, where the dialog opens)"),
            Binding("shift+tab", "focus_previous", "Previous field: the format choice"),
            Binding("tab", "focus_next", "Next field"),
            Binding("up", "move", "Choose a format (then Enter or space)", key_display="↑ ↓"),
            *_bindings(ConfirmOverwrite),
        ]

    def _table(self) -> Table:
        table = Table.grid(padding=(0, 2))
        table.add_column(style="bold", justify="right", min_width=10)
        table.add_column()
        for index, (title, bindings) in enumerate(self._sections()):
            if index:
                table.add_row("", "")
            table.add_row("", Text(title, style="bold underline"))
            for binding in bindings:
                table.add_row(Text(self.app.get_key_display(binding)), Text(binding.tooltip or binding.description))
        return table

    def compose(self) -> ComposeResult:
        with Vertical(id="help-dialog", classes="dialog"):
            yield Label("Keys", classes="dialog-title")
            with VerticalScroll():
                yield Static(self._table(), id="help-keys")
            yield Label("Esc, q or ? closes this screen.", classes="dialog-hint")
