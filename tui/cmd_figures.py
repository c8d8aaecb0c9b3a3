"""``five-star-tui figures``: one line of text in, one JSON array of its figures out — for scripts and checks.

Offsets are relative to the line, without its line ending. Bytes that are not UTF-8 are replaced
(U+FFFD) rather than stopping the run, so every input line gets exactly one output line.
"""

from __future__ import annotations

import io
import json
import sys

from five_star.store.extraction.figures import find_figures


def figures_json(line: str) -> str:
    """The JSON array printed for one input line."""
    return json.dumps([f.to_dict() for f in find_figures(line)], ensure_ascii=False)


def run(args) -> int:
    source = io.TextIOWrapper(sys.stdin.buffer, encoding="utf-8", errors="replace", newline="\n")
    out = sys.stdout
    for line in source:
        line = line[:-1] if line.endswith("\n") else line
        line = line[:-1] if line.endswith("\r") else line
        out.write(figures_json(line) + "\n")
    out.flush()
    return 0
