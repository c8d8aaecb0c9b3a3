"""Untrusted article text made safe for a one-line slot on screen (titles, labels, table cells)."""

from __future__ import annotations

from five_star.store.sanitize import strip_controls


def one_line(text: str) -> str:
    """Controls stripped, line breaks folded to spaces; callers still wrap it in Text, never markup."""
    return " ".join(strip_controls(text).split())
