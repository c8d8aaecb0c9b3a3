"""``five-star-tui figures``: one line of text in, one JSON array of its figures out — for scripts and checks.

Offsets are relative to the line, without its line ending. Bytes that are not UTF-8 are replaced
(U+FFFD) rather than stopping the run, so every input line gets exactly one output line.

With ``--explain`` it prints every candidate instead, one per output line, tab-separated: the input line's
number, the candidate's text (as a JSON string, so a line break inside it stays on one line), ``kept`` or
``dropped``, the rule that decided (a check's name from ``checks.CHECKS``, or how a kept figure was
read), and for a kept figure its value (``low-high`` for a range), unit and qualifier::

    1	"985万元"	kept	quantity	9850000 元
    1	"2023年"	dropped	year
"""

from __future__ import annotations

import io
import json
import sys

from five_star.store.extraction.figures import Decision, explain_figures, find_figures


def figures_json(line: str) -> str:
    """The JSON array printed for one input line."""
    return json.dumps([f.to_dict() for f in find_figures(line)], ensure_ascii=False)


def explanation(number: int, decision: Decision) -> str:
    """One output line of ``--explain``."""
    text = json.dumps(decision.text, ensure_ascii=False)
    figure = decision.figure
    if figure is None:
        return f"{number}\t{text}\tdropped\t{decision.rule}"
    value = f"{figure.value}" + (f"-{figure.value_max}" if figure.value_max is not None else "")
    qualifier = f" {figure.qualifier}" if figure.qualifier else ""
    return f"{number}\t{text}\tkept\t{decision.rule}\t{value} {figure.unit}{qualifier}"


def run(args) -> int:
    source = io.TextIOWrapper(sys.stdin.buffer, encoding="utf-8", errors="replace", newline="\n")
    out = sys.stdout
    explain = args.explain
    for number, line in enumerate(source, start=1):
        line = line[:-1] if line.endswith("\n") else line
        line = line[:-1] if line.endswith("\r") else line
        if explain:
            out.writelines(explanation(number, decision) + "\n" for decision in explain_figures(line))
        else:
            out.write(figures_json(line) + "\n")
    out.flush()
    return 0
