"""The ingest dialog: which file or folder to add to the library, typed with completion.

It only asks; the browse screen runs the ingest (``ingest_status.py``) once it has an answer.
"""

from __future__ import annotations

import asyncio
import os
from pathlib import Path
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.suggester import Suggester
from textual.widgets import Button, Input, Label

from five_star.store.library.jsonl import JSONL_SUFFIX
from five_star.store.reading.read import PAGE_SUFFIXES
from five_star.store.sanitize import path_text
from five_star.tui.screens.dialog import Dialog
from five_star.tui.widgets.text_input import TextInput

INGESTIBLE = frozenset({*PAGE_SUFFIXES, JSONL_SUFFIX})
"""File endings ``ingest`` reads; folders are searched for them."""


def _candidates(folder: Path, start: str) -> list[str]:
    """Names in ``folder`` starting with ``start`` that could be ingested, a folder's with a ``/``; hidden
    ones only when ``start`` asks for them."""
    found = []
    try:
        with os.scandir(folder) as entries:
            for entry in entries:
                if not entry.name.startswith(start) or (entry.name.startswith(".") and not start.startswith(".")):
                    continue
                try:
                    if entry.is_dir():
                        found.append(entry.name + "/")
                    elif Path(entry.name).suffix.lower() in INGESTIBLE and entry.is_file():
                        found.append(entry.name)
                except OSError:
                    continue  # a broken link, a file gone meanwhile: nothing to offer
    except OSError:
        return []
    return sorted(found)


def complete_path(value: str, base: Path) -> str | None:
    """``value`` completed, as typed (a ``~`` stays one) plus what the folder's entries have in common, or
    the first of them; None when nothing in it completes. A relative path is relative to ``base``."""
    if not value:
        return None
    typed = os.path.expanduser(value)
    head, sep, start = typed.rpartition("/")
    folder = Path(head + sep) if sep else Path(".")
    names = _candidates(folder if folder.is_absolute() else base / folder, start)
    if not names:
        return None
    # Names in one folder: the characters they share, as a shell completes (not path components).
    shared = os.path.commonprefix(names)  # noqa: RUF071
    completion = shared if len(shared) > len(start) else names[0]
    return value + completion[len(start):] if completion != start else None


class PathSuggester(Suggester):
    """Completes folders and the files ``ingest`` reads, listing the folder in a thread: a folder of a
    hundred thousand pages takes a while to list, and the field must answer every key meanwhile."""

    def __init__(self, base: Path) -> None:
        super().__init__(use_cache=False, case_sensitive=True)  # the folder changes; paths are case-sensitive
        self.base = base

    async def get_suggestion(self, value: str) -> str | None:
        return await asyncio.to_thread(complete_path, value, self.base)


class PathInput(TextInput):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("tab", "complete", "Complete", show=False,
                tooltip="Take the suggested completion of the path; with none, go to the next field",
                id="ingest.complete"),
    ]

    def action_complete(self) -> None:
        before = self.value
        self.action_cursor_right()  # at the end of the field, this takes the suggestion
        if self.value == before:
            self.screen.focus_next()


def ingest_target(raw: str, base: Path) -> tuple[Path | None, str]:
    """The file or folder typed, or None and why it cannot be ingested."""
    raw = raw.strip()
    if not raw:
        return None, "Type the path of a file or folder to ingest."
    path = Path(raw).expanduser()
    if not path.is_absolute():
        path = base / path
    shown = path_text(path)
    if path.is_dir():
        return path, ""
    if not path.exists():
        return None, f"{shown}: no such file or folder."
    if not path.is_file():
        return None, f"{shown} is not a regular file."
    if path.suffix.lower() not in INGESTIBLE:
        endings = " ".join(sorted(INGESTIBLE))
        return None, f"{shown} is not a page ingest reads (it reads {endings})."
    return path, ""


class IngestDialog(Dialog[Path | None]):
    """Asks for a file or folder to ingest; answers its path, or None when cancelled."""

    DEFAULT_CSS = """
    IngestDialog {
        #ingest-hint { width: 100%; }
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", tooltip="Close the dialog without ingesting anything",
                id="ingest.cancel"),
    ]
    AUTO_FOCUS = "#ingest-path"

    def __init__(self, base: Path) -> None:
        """``base``: the folder a relative path is read from (the app's working folder)."""
        super().__init__()
        self.base = base

    def compose(self) -> ComposeResult:
        endings = " ".join(sorted(INGESTIBLE))
        with Vertical(id="ingest-dialog", classes="dialog"):
            yield Label("Ingest", classes="dialog-title")
            yield Label(Text(f"A file or a folder (searched for {endings} files). Tab or → takes the completion; "
                             "Enter ingests."), id="ingest-hint")
            yield PathInput(placeholder="~/pages", suggester=PathSuggester(self.base), id="ingest-path")
            yield Label("", id="ingest-error")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Ingest", variant="primary", id="ingest-go")
                yield Button("Cancel", id="ingest-cancel")

    @on(Input.Changed, "#ingest-path")
    def _path_changed(self) -> None:
        self.query_one("#ingest-error", Label).update("")  # whatever was wrong was about the path as it was

    @on(Input.Submitted, "#ingest-path")
    @on(Button.Pressed, "#ingest-go")
    def _submit(self) -> None:
        path, problem = ingest_target(self.query_one(PathInput).value, self.base)
        if path is None:
            self.query_one("#ingest-error", Label).update(Text(problem))
            return
        self.dismiss(path)

    @on(Button.Pressed, "#ingest-cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)
