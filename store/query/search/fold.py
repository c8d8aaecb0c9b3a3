"""Folding: the form queries and texts are compared in (see the package docstring)."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

# ---- folding ---------------------------------------------------------------------------------------------

# Chinese news quotes names and slogans (“五星”支部, “红色物业”): a person typing 五星支部 means them too.
_QUOTE_MARKS = frozenset("\"'“”‘’「」『』《》〈〉")
# Where characters that NFKC, lower-casing or dropping can change live (tag characters included) ...
_SCANNED = ((0x0000, 0xD7FF), (0xE000, 0x323AF), (0xE0000, 0xE007F))
# ... and where OpenCC has traditional characters to convert.
_CJK_BLOCKS = ((0x2E80, 0x2FDF), (0x3000, 0x303F), (0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF), (0x20000, 0x323AF))
# Changing characters that nearly every Chinese news text holds: replaced one by one (a C-speed scan each);
# the thousands of others are found by a single regular-expression pass.
_COMMON = "\n \u3000\t\r“”‘’\"'，：；！？（）％《》…"
_ASTRAL = re.compile("[\U00010000-\U0010ffff]")


def _dropped(ch: str) -> bool:
    return ch.isspace() or ch in _QUOTE_MARKS or unicodedata.category(ch) in ("Cc", "Cf")


def _bulk_t2s() -> dict[str, str]:
    """OpenCC t2s for every CJK character on its own (one call, characters kept apart by newlines)."""
    from opencc import OpenCC  # lazy for start-up time: only the folding table, built once, needs it

    converter = OpenCC("t2s")
    chars = [chr(cp) for low, high in _CJK_BLOCKS for cp in range(low, high + 1)]
    converted = converter.convert("\n".join(chars)).split("\n")
    if len(converted) != len(chars):  # a converter that joined characters: ask one by one instead
        converted = [converter.convert(ch) for ch in chars]
    return {ch: to for ch, to in zip(chars, converted, strict=True) if to != ch}


def _fold_once(text: str, simplified: dict[str, str]) -> str:
    out: list[str] = []
    for ch in text:
        for part in unicodedata.normalize("NFKC", ch):
            out.extend(c for c in simplified.get(part, part).lower() if not _dropped(c))
    return "".join(out)


def _fold_char(ch: str, simplified: dict[str, str]) -> str:
    """Repeat until stable, so a folded form never contains a character that folds further.

    That makes the replacements in ``fold`` independent of the order they are applied in.
    """
    folded = ch
    for _ in range(4):
        again = _fold_once(folded, simplified)
        if again == folded:
            break
        folded = again
    return folded


def _char_class(chars: Iterable[str]) -> str:
    """A regex character class of ``chars``, with runs of code points written as ranges."""
    points = sorted(map(ord, chars))
    parts, start = [], 0
    for at in range(1, len(points) + 1):
        if at == len(points) or points[at] != points[at - 1] + 1:
            low, high = chr(points[start]), chr(points[at - 1])
            parts.append(re.escape(low) if low == high else f"{re.escape(low)}-{re.escape(high)}")
            start = at
    return "[" + "".join(parts) + "]"


@dataclass(frozen=True)
class _FoldTable:
    folded: dict[str, str]  # every character that folding changes -> what it becomes
    common: tuple[tuple[str, str], ...]
    # Split by plane: the regex engine tests a class of BMP characters with a bitmap, but a class that
    # also holds astral characters as a list of ranges, one after another, at every position.
    rare: re.Pattern
    rare_astral: re.Pattern


@lru_cache(maxsize=1)
def fold_table() -> _FoldTable:
    """Built once per process (about 0.2 s): no per-text discovery, and the same answer in every thread."""
    simplified = _bulk_t2s()
    folded: dict[str, str] = {}
    for low, high in _SCANNED:
        for cp in range(low, high + 1):
            ch = chr(cp)
            if ch in simplified or unicodedata.normalize("NFKC", ch) != ch or ch.lower() != ch or _dropped(ch):
                to = _fold_char(ch, simplified)
                if to != ch:
                    folded[ch] = to
    common = tuple((ch, folded[ch]) for ch in _COMMON)
    rare = re.compile(_char_class(ch for ch in folded if ch not in _COMMON and ch <= "\uffff"))
    rare_astral = re.compile(_char_class(ch for ch in folded if ch > "\uffff"))
    return _FoldTable(folded, common, rare, rare_astral)


def fold(text: str) -> str:
    """The form both queries and texts are compared in (see the module docstring)."""
    table = fold_table()
    for ch, to in table.common:
        if ch in text:
            text = text.replace(ch, to)
    for rare in (table.rare, table.rare_astral) if _ASTRAL.search(text) else (table.rare,):
        if rare.search(text):
            text = rare.sub(lambda match: table.folded[match.group()], text)
    return text


def fold_origins(text: str) -> list[int]:
    """For each character of ``fold(text)``, the index of the character of ``text`` it came from."""
    folded = fold_table().folded
    origins: list[int] = []
    for index, ch in enumerate(text):
        to = folded.get(ch)
        if to is None:
            origins.append(index)
        else:
            origins.extend([index] * len(to))
    return origins
