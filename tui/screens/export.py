"""The export dialog (what, format, path) and the overwrite confirmation it may ask for."""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Button, Input, Label, RadioButton, RadioSet

from five_star.store.export.formats import FORMATS, SUFFIXES, ExportFormat, export_format
from five_star.tui.screens.dialog import Dialog
from five_star.tui.widgets.text_input import TextInput


@dataclass(frozen=True)
class ExportRequest:
    format: ExportFormat
    path: Path


def fitted(path: Path, fmt: ExportFormat) -> Path:
    """``path``, with the format's ending if it ends in another format's: JSON Lines never lands in a .csv.

    Any other ending (or none) is the person's own choice and is kept.
    """
    if path.suffix.lower() in SUFFIXES and not fmt.fits(path):
        return path.with_suffix(fmt.suffix)
    return path


def unwritable(path: Path) -> str | None:
    """Why ``path`` cannot be written, found by creating (and removing) a scratch file beside it; or None."""
    folder = path.parent
    try:
        handle, scratch = tempfile.mkstemp(prefix=".five-star-check-", dir=folder)
    except OSError as error:
        return f"Cannot write in {folder}: {error.strerror or error}."
    os.close(handle)
    Path(scratch).unlink(missing_ok=True)
    if path.exists() and not os.access(path, os.W_OK):
        return f"{path} cannot be overwritten (it is read-only)."
    return None


class ConfirmCreateFolder(Dialog[bool]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y", "answer(True)", "Create the folder", id="confirm.create-folder"),
        Binding("n,escape", "answer(False)", "Don't create it", id="confirm.no-folder"),
    ]

    def __init__(self, folder: Path) -> None:
        super().__init__()
        self.folder = folder

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm-folder-dialog", classes="dialog"):
            yield Label(Text(f"Folder {self.folder} does not exist."), classes="dialog-title")
            yield Label("Create it?")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Create (y)", variant="primary", id="folder-yes")
                yield Button("No (n)", id="folder-no")

    def on_mount(self) -> None:
        self.query_one("#folder-no", Button).focus()

    def action_answer(self, create: bool) -> None:
        self.dismiss(create)

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "folder-yes")


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
        #export-body { height: auto; }
        #export-scope { margin-bottom: 1; }
        #export-format { width: 100%; margin-bottom: 1; }
        /* A short terminal: no spare lines, and the fields scroll above buttons that stay on screen. */
        &.-compact {
            .dialog { max-height: 100%; padding: 0 1; }
            .dialog-title, #export-scope, #export-format { margin-bottom: 0; }
            .dialog-buttons { margin-top: 0; }
        }
    }
    """
    COMPACT_BELOW = 24  # screen lines

    # Lines of the dialog that are not its scrolling fields: border, padding, the buttons and their margin.
    _CHROME: ClassVar[dict[bool, int]] = {False: 2 + 2 + 3 + 1, True: 2 + 0 + 3 + 0}

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
            with VerticalScroll(id="export-body", can_focus=False):
                yield Label("Export", classes="dialog-title")
                yield Label(Text(self.scope), id="export-scope")
                with RadioSet(id="export-format"):
                    for fmt in FORMATS:
                        yield RadioButton(fmt.label, value=fmt is self.initial, id=f"format-{fmt.name}")
                yield Label("Save to (Enter exports; Shift+Tab goes to the format):")
                yield TextInput(value=str(self.default_path), id="export-path")
                yield Label("", id="export-error")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Export", variant="primary", id="export-go")
                yield Button("Cancel", id="export-cancel")

    @on(events.Resize)
    def _fit_to_screen(self, event: events.Resize) -> None:
        """Keep the buttons on screen: the fields get what the screen has left, and scroll within it."""
        compact = event.size.height < self.COMPACT_BELOW
        self.set_class(compact, "-compact")
        room = event.size.height if compact else event.size.height * 9 // 10
        self.query_one("#export-body").styles.max_height = max(3, room - self._CHROME[compact])
        self.call_after_refresh(self._show_path)

    def _show_path(self) -> None:
        path_input = self.query_one("#export-path", Input)
        if path_input.has_focus:
            self.query_one("#export-body", VerticalScroll).scroll_to_widget(path_input, animate=False)

    @property
    def chosen_format(self) -> ExportFormat:
        pressed = self.query_one("#export-format", RadioSet).pressed_button
        return export_format(pressed.id.removeprefix("format-")) if pressed is not None and pressed.id else FORMATS[0]

    @on(RadioSet.Changed, "#export-format")
    def _format_changed(self) -> None:
        # Keep the ending in step with the format while it is one of ours, so the person sees it change.
        path_input = self.query_one("#export-path", Input)
        path_input.value = str(fitted(Path(path_input.value), self.chosen_format))

    @on(Input.Changed, "#export-path")
    def _path_changed(self) -> None:
        self._error("")  # whatever was wrong was about the path as it was

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
        # Decided here, not only when the format changes: the path may have been typed after choosing.
        path = fitted(path, fmt)
        folder = path.parent
        if folder.exists() and not folder.is_dir():
            self._error(f"{folder} is a file, not a folder.")
            return
        if not folder.exists():

            def create(yes: bool | None) -> None:
                if not yes:
                    return
                try:
                    folder.mkdir(parents=True, exist_ok=True)
                except OSError as error:
                    self._error(f"Cannot create {folder}: {error.strerror or error}.")
                    return
                self._finish(ExportRequest(fmt, path))

            self.app.push_screen(ConfirmCreateFolder(folder), create)
            return
        self._finish(ExportRequest(fmt, path))

    def _finish(self, request: ExportRequest) -> None:
        """The folder is there: check the file can be written, ask before overwriting, then answer."""
        problem = unwritable(request.path)
        if problem is not None:
            self._error(problem)
            return
        if request.path.exists():

            def answered(overwrite: bool | None) -> None:
                if overwrite:
                    self.dismiss(request)

            self.app.push_screen(ConfirmOverwrite(request.path), answered)
            return
        self.dismiss(request)

    def _error(self, message: str) -> None:
        self.query_one("#export-error", Label).update(Text(message))

    @on(Button.Pressed, "#export-cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)
