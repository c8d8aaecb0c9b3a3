"""Untrusted article text made safe to put on screen: never markup, never terminal control codes."""

from __future__ import annotations

from rich.text import Text

from five_star.store.sanitize import strip_controls


def one_line(text: str) -> str:
    """A title or label for a single-line slot: controls stripped, line breaks folded to spaces."""
    return " ".join(strip_controls(text).split())


def plain(text: str, style: str = "") -> Text:
    """A Text holding ``text`` literally: ``[b]`` stays ``[b]``, ESC sequences are removed."""
    return Text(strip_controls(text), style=style)
