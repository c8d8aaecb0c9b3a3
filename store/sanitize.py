"""Untrusted text (article bodies, titles) is data: make it safe to show and to export."""

from __future__ import annotations

import os
import re

# C0 and C1 controls (ESC included) except newline and tab, plus bidi overrides that reorder a line.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_ANSI = re.compile(r"\x1b(\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(\x07|\x1b\\)|[@-Z\\-_])")


def strip_controls(text: str) -> str:
    """Remove ANSI escape sequences and control characters that would restyle or corrupt a terminal."""
    return _CONTROL.sub("", _ANSI.sub("", text))


_SURROGATE = re.compile("[\ud800-\udfff]")
_PATH_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def path_text(path: str | bytes | os.PathLike[str] | os.PathLike[bytes]) -> str:
    """A path or file name from the OS (or a one-line message holding one) as safe text, to store or print.

    Bytes that are not UTF-8 (Python keeps them as lone surrogates, which can be neither encoded nor
    printed) are shown as ``\\xNN``; escape sequences and control characters (line breaks and tabs
    included) are removed. The same path always gives the same text, and text given back unchanged, so it
    can key a page: a file with such a name is recognised when it is ingested again.
    """
    text = os.fsdecode(path)
    if _SURROGATE.search(text):
        try:
            data = text.encode("utf-8", "surrogateescape")
        except UnicodeEncodeError:  # a lone surrogate that is no escaped byte
            data = text.encode("utf-8", "backslashreplace")
        text = data.decode("utf-8", "backslashreplace")
    return _PATH_CONTROL.sub("", _ANSI.sub("", text))


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
