"""Untrusted text (article bodies, titles) is data: make it safe to show and to export."""

from __future__ import annotations

import re

# C0 and C1 controls (ESC included) except newline and tab, plus bidi overrides that reorder a line.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_ANSI = re.compile(r"\x1b(\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(\x07|\x1b\\)|[@-Z\\-_])")


def strip_controls(text: str) -> str:
    """Remove ANSI escape sequences and control characters that would restyle or corrupt a terminal."""
    return _CONTROL.sub("", _ANSI.sub("", text))


def one_line(text: object) -> str:
    """For a one-line slot (a title on screen, a tab-separated field): controls stripped, line breaks and
    tabs folded to single spaces. On screen it still goes into ``Text``, never markup."""
    return " ".join(strip_controls("" if text is None else str(text)).split())


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")


def neutralise_formula(cell: str) -> str:
    """Prefix a cell a spreadsheet would run as a formula with a quote (OWASP CSV-injection advice)."""
    if cell and cell.startswith(_FORMULA_START):
        return "'" + cell
    return cell
