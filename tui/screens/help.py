"""The `?` screen: every key, read from the bindings themselves so the list cannot drift from them.

Keys the user remapped in their keymap file are listed as remapped.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import ClassVar

from rich.table import Table
from rich.text import Text
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingsMap, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.dom import DOMNode
from textual.widgets import Label, Static, Tree

from five_star.tui.screens.browse import BrowseScreen
from five_star.tui.screens.dashboard import DashboardScreen
from five_star.tui.screens.dialog import Dialog
from five_star.tui.screens.export import ConfirmOverwrite, ExportDialog
from five_star.tui.screens.figures import FigureExplorer, FigureGrid
from five_star.tui.widgets.article_tree import ArticleTree
from five_star.tui.widgets.search_bar import SearchBar

Row = tuple[str, str]  # the key as shown, what it does


class HelpScreen(Dialog[None]):
    DEFAULT_CSS = """
    HelpScreen {
        #help-dialog {
            width: 84;
            height: 90%;
        }
        #help-keys {
            height: auto;
        }
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,question_mark", "dismiss", "Close help", id="help.close"),
    ]

    def __init__(self, keymap: Mapping[str, str]) -> None:
        """``keymap``: the user's binding id → keys, as given to ``App.set_keymap``."""
        super().__init__()
        self.keymap = keymap

    def _key(self, key: str) -> str:
        return self.app.get_key_display(Binding(key, ""))

    def _rows(self, *classes: type[DOMNode]) -> list[Row]:
        """The keys of ``classes``' bindings as the keymap has left them, a key bound by an earlier class
        hiding later ones. The keymap is applied by Textual's own rules (``BindingsMap.apply_keymap``), so a
        key remapped onto another binding is listed for the binding that really gets it."""
        keymap = App._normalize_keymap(self.keymap)  # "?" → "question_mark", as set_keymap does
        seen: set[str] = set()
        rows = []
        for cls in classes:
            declared = [b for b in cls.BINDINGS if isinstance(b, Binding) and not b.system]
            position = {(b.action, b.description): n for n, b in enumerate(declared)}
            bindings = BindingsMap(declared)
            bindings.apply_keymap(keymap)
            keyed = sorted(
                ((key, binding) for key, found in bindings.key_to_bindings.items() for binding in found),
                key=lambda pair: position.get((pair[1].action, pair[1].description), len(declared)),
            )
            for key, binding in keyed:
                if key not in seen:
                    seen.add(key)
                    rows.append((self.app.get_key_display(binding), binding.tooltip or binding.description))
        return rows

    def _sections(self) -> Iterable[tuple[str, list[Row]]]:
        palette = "Command palette: export, grouping, jump to a city or article, theme"
        yield "Anywhere", [*self._rows(type(self.app)), (self._key(self.app.COMMAND_PALETTE_BINDING), palette)]
        yield "Browsing", self._rows(BrowseScreen)
        yield "Tree", self._rows(ArticleTree, Tree)
        yield "Search box", self._rows(SearchBar)
        # The article pane scrolls and the figure table moves by Textual's own keys, once Tab has focused them.
        yield "Article text and figures", [
            (self._key("tab"), "Move between the tree, the article text and the figure table"),
            (f"{self._key('up')} {self._key('down')}", "In the article text: scroll a line"),
            (f"{self._key('pageup')} {self._key('pagedown')}", "In the article text: scroll a page"),
            (f"{self._key('home')} {self._key('end')}", "In the article text: to the top or the bottom"),
            (f"{self._key('up')} {self._key('down')}",
             "In the figure table: previous or next figure (highlighted in the text)"),
            (f"{self._key('pageup')} {self._key('pagedown')}", "In the figure table: a page of figures up or down"),
        ]
        yield "Dashboard", [
            *self._rows(DashboardScreen),
            (self._key("enter"), "On a tally: close the dashboard and open its article; on a city: its counties"),
            ("← → ↑ ↓", "Move between cells; the tally under the cursor is shown with its sentence below the table"),
        ]
        yield "Figure explorer", self._rows(FigureExplorer, FigureGrid)
        yield "Export dialog", [
            *self._rows(ExportDialog),
            (self._key("enter"), "Export (in the path field, where the dialog opens)"),
            (self._key("shift+tab"), "Previous field: the format choice"),
            (self._key("tab"), "Next field"),
            ("↑ ↓", "Choose a format (then Enter or space)"),
            *self._rows(ConfirmOverwrite),
        ]

    def _table(self) -> Table:
        table = Table.grid(padding=(0, 2))
        table.add_column(style="bold", justify="right", min_width=10)
        table.add_column()
        for index, (title, rows) in enumerate(self._sections()):
            if index:
                table.add_row("", "")
            table.add_row("", Text(title, style="bold underline"))
            for key, what in rows:
                table.add_row(Text(key), Text(what))
        return table

    def compose(self) -> ComposeResult:
        with Vertical(id="help-dialog", classes="dialog"):
            yield Label("Keys", classes="dialog-title")
            with VerticalScroll():
                yield Static(self._table(), id="help-keys")
            closing = ", ".join(key for key, _ in self._rows(HelpScreen))
            yield Label(Text(f"{closing} closes this screen."), classes="dialog-hint")
