"""The frame every dialog shares: a box in the middle of the screen, a title, a hint, a row of buttons."""

from __future__ import annotations

from typing import TypeVar

from textual.screen import ModalScreen

ResultType = TypeVar("ResultType")


class Dialog(ModalScreen[ResultType]):
    """A modal screen whose content sits in a ``.dialog`` box (colours in app.tcss)."""

    DEFAULT_CSS = """
    Dialog {
        align: center middle;
        .dialog {
            width: 76;
            max-width: 95%;
            height: auto;
            max-height: 90%;
            padding: 1 2;
        }
        .dialog-title {
            text-style: bold;
            margin-bottom: 1;
        }
        .dialog-hint {
            margin-top: 1;
        }
        .dialog-buttons {
            height: auto;
            margin-top: 1;
            align-horizontal: right;
            & Button { margin-left: 2; }
        }
    }
    """
