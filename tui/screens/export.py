"""The export dialog (what, format, path) and the overwrite confirmation it may ask for."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Input, Label, RadioButton, RadioSet

from five_star.store.export.formats import FORMATS, SUFFIXES, ExportFormat, export_format
from five_star.tui.screens.dialog import Dialog


@dataclass(frozen=True)
class ExportRequest:
    format: str  # the name of one of FORMATS
    path: Path


def fitted(path: Path, fmt: ExportFormat) -> Path:
    """``path``, with the format's ending if it ends in another format's: JSON Lines never lands in a .csv.

    Any other ending (or none) is the person's own choice and is kept.
    """
    if path.suffix.lower() in SUFFIXES and not fmt.fits(path):
        return path.with_suffix(fmt.suffix)
    return path


class ConfirmOverwrite(Dialog[bool]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y", "answer(True)", "Overwrite", id="confirm.overwrite"),
        Binding("n,escape", "answer(False)", "Keep the file", id="confirm.keep"),
    ]

    def __init__(self, path: Path) -> None:
        super().__init__()
        self.path = path

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm-dialog", classes="dialog"):
            yield Label(Text(f"{self.path} already exists."), classes="dialog-title")
            yield Label("Overwrite it?")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Overwrite (y)", variant="error", id="confirm-yes")
                yield Button("Keep it (n)", id="confirm-no")

    def on_mount(self) -> None:
        self.query_one("#confirm-no", Button).focus()

    def action_answer(self, overwrite: bool) -> None:
        self.dismiss(overwrite)

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "confirm-yes")


class ExportDialog(Dialog[ExportRequest | None]):
    """Asks what format and where; answers an ExportRequest, or None when cancelled."""

    DEFAULT_CSS = """
    ExportDialog {
        #export-scope { margin-bottom: 1; }
        #export-format { width: 100%; margin-bottom: 1; }
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel", id="export.cancel")]
    # Enter straight away exports with the defaults; shift+tab reaches the format choice.
    AUTO_FOCUS = "#export-path"

    def __init__(self, scope: str, default_path: Path, initial: ExportFormat = FORMATS[0]) -> None:
        super().__init__()
        self.scope = scope
        self.default_path = default_path
        self.initial = initial

    def compose(self) -> ComposeResult:
        with Vertical(id="export-dialog", classes="dialog"):
            yield Label("Export", classes="dialog-title")
            yield Label(Text(self.scope), id="export-scope")
            with RadioSet(id="export-format"):
                for fmt in FORMATS:
                    yield RadioButton(fmt.label, value=fmt is self.initial, id=f"format-{fmt.name}")
            yield Label("Save to (Enter exports; Shift+Tab goes to the format):")
            yield Input(value=str(self.default_path), id="export-path")
            yield Label("", id="export-error")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Export", variant="primary", id="export-go")
                yield Button("Cancel", id="export-cancel")

    @property
    def chosen_format(self) -> ExportFormat:
        pressed = self.query_one("#export-format", RadioSet).pressed_button
        return export_format(pressed.id.removeprefix("format-")) if pressed is not None and pressed.id else FORMATS[0]

    @on(RadioSet.Changed, "#export-format")
    def _format_changed(self) -> None:
        # Keep the ending in step with the format while it is one of ours, so the person sees it change.
        path_input = self.query_one("#export-path", Input)
        path_input.value = str(fitted(Path(path_input.value), self.chosen_format))

    @on(Input.Submitted, "#export-path")
    @on(Button.Pressed, "#export-go")
    def _submit(self) -> None:
        raw = self.query_one("#export-path", Input).value.strip()
        if not raw:
            self._error("Type a file name to export to.")
            return
        fmt = self.chosen_format
        path = Path(raw).expanduser()
        if not path.is_absolute():
            path = self.default_path.parent / path
        if path.is_dir():
            self._error(f"{path} is a folder; add a file name.")
            return
        if not path.parent.is_dir():
            self._error(f"Folder {path.parent} does not exist.")
            return
        # Decided here, not only when the format changes: the path may have been typed after choosing.
        path = fitted(path, fmt)
        request = ExportRequest(fmt.name, path)
        if path.exists():

            def answered(overwrite: bool | None) -> None:
                if overwrite:
                    self.dismiss(request)

            self.app.push_screen(ConfirmOverwrite(path), answered)
            return
        self.dismiss(request)

    def _error(self, message: str) -> None:
        self.query_one("#export-error", Label).update(Text(message))

    @on(Button.Pressed, "#export-cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)
