"""Where a line of Chinese text may break: kinsoku rules, and figures and search hits kept whole.

Pure functions of text and width (no Textual), used by the article pane to lay its text out.
"""

from __future__ import annotations

from collections.abc import Iterable

from rich.cells import cell_len

# Kinsoku (CJK line breaking): closing marks never start a line, opening marks never end one.
NO_LINE_START = frozenset("，。、；：？！）」』”’》〉】〕〗〙〛｝］％…‥·・〜～,.;:?!)]}%")
NO_LINE_END = frozenset("（「『“‘《〈【〔〖〘〚｛［([{")
# Marks that read as one sign when doubled (…… ——) are not split either.
_INSEPARABLE = frozenset("…‥—―")


def _is_word_char(char: str) -> bool:
    return char.isascii() and char.isalnum()


def _break_allowed(text: str, at: int) -> bool:
    """Whether a line may end just before ``text[at]`` (``0 < at < len(text)``), by character alone."""
    before, after = text[at - 1], text[at]
    if after in NO_LINE_START or before in NO_LINE_END:
        return False
    if before == after and before in _INSEPARABLE:
        return False
    return not (_is_word_char(before) and _is_word_char(after))  # 2018, abc: a Latin word or a number


def wrap_lines(text: str, width: int, keep: Iterable[tuple[int, int]] = ()) -> list[tuple[int, int]]:
    """``text`` cut into screen lines of at most ``width`` cells: (start, end) offsets, newlines left out.

    Chinese may break between any two characters, except that a span in ``keep`` (a figure, a search hit)
    stays on one line unless it is wider than a line, a run of ASCII letters and digits stays whole, and
    the CJK rules hold: closing punctuation never starts a line, opening punctuation never ends one. Where
    no break is allowed (a run of punctuation longer than a line) the line is cut where it is full.
    """
    width = max(1, width)
    blocked: set[int] = set()
    for start, end in keep:
        if end - start > 1 and cell_len(text[start:end]) <= width:
            blocked.update(range(start + 1, end))
    lines: list[tuple[int, int]] = []
    paragraph = 0
    for part in text.split("\n"):
        start, stop = paragraph, paragraph + len(part)
        paragraph = stop + 1
        used = 0
        at = start
        while at < stop:
            cells = max(1, cell_len(text[at]))  # a tab or a combining mark takes at least a cell here
            if used + cells <= width or at == start:
                used += cells
                at += 1
                continue
            cut = next(
                (b for b in range(at, start, -1) if b not in blocked and _break_allowed(text, b)),
                at,  # nowhere allowed: cut where the line is full
            )
            lines.append((start, cut))
            start, used = cut, 0
            at = cut
        lines.append((start, stop))
    return lines


def wrapped_line_of(text: str, offset: int, width: int, keep: Iterable[tuple[int, int]] = ()) -> int:
    """The screen line (0-based) on which ``offset`` falls when ``text`` is wrapped by :func:`wrap_lines`."""
    if width <= 0:
        return 0
    lines = wrap_lines(text, width, keep)
    for number, (_start, end) in enumerate(lines):
        if offset < end or (offset == end and (end == len(text) or text[end] == "\n")):
            return number
    return len(lines) - 1
