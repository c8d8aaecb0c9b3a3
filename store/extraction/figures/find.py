"""From candidates to figures: ``find_figures`` over a text, and ``explain_figures`` saying why."""

from __future__ import annotations

import re
from collections.abc import Iterator
from decimal import Decimal
from typing import NamedTuple

from five_star.store.extraction.figures.checks import failing_check
from five_star.store.extraction.figures.context import Candidate, SpanSet, short_quotes
from five_star.store.extraction.figures.numerals import URL, as_number
from five_star.store.extraction.figures.reading import Reading, Scan
from five_star.store.extraction.figures.rules import FigureRules, figure_rules
from five_star.store.model import Figure

# What may stand between an amount and the minor unit that completes it (两美元又三美分, 五元零五分)
COMPOUND_JOINS = ("", "又", "零")


class Decision(NamedTuple):
    """What became of one candidate: kept (with the figure) or dropped, and the rule that decided.

    A kept figure's rule is how it was read (``quantity``, ``percent``, ``fraction``, ``currency-symbol``,
    ``implicit-money``, or ``compound-money`` when it completes the amount before it, which it replaces)."""

    text: str
    start: int
    end: int
    rule: str
    figure: Figure | None

    @property
    def kept(self) -> bool:
        return self.figure is not None


def find_figures(text: str) -> list[Figure]:
    """Every figure in ``text``, in order, never overlapping; ``text[f.start:f.end] == f.text``."""
    figures: list[Figure] = []
    for decision in explain_figures(text):
        if decision.figure is None:
            continue
        if decision.rule == "compound-money":
            figures[-1] = decision.figure
        else:
            figures.append(decision.figure)
    return figures


def explain_figures(text: str) -> Iterator[Decision]:
    """Every candidate in ``text`` in order, with the rule that kept or dropped it."""
    if not isinstance(text, str) or not text:
        return
    rules = figure_rules()
    folded = text.translate(rules.plain_table)
    match = rules.pattern.search(folded)
    if match is None:
        return
    scan = Scan(text, folded, rules, *_spans(folded, rules))
    previous: Reading | None = None
    while match is not None:
        decisions, resume = _decide_at(match, scan)
        for decision, reading in decisions:
            if decision.figure is not None:
                joined = _joined(previous, reading, decision.figure, scan)
                decision = joined or decision
                previous = reading
                scan.previous_end = decision.end
            yield decision
        match = rules.pattern.search(folded, resume)


def _spans(folded: str, rules: FigureRules) -> tuple[SpanSet, SpanSet, SpanSet]:
    """Web addresses (their %28 and 2020% are escapes), phrases from figure_exclusions.txt and the
    gazetteer, and short quotations."""
    web = SpanSet(m.span() for m in URL.finditer(folded))
    excluded = SpanSet(m.span() for m in rules.exclusions.finditer(folded))
    return web, excluded, SpanSet(short_quotes(folded))


def _decide(match: re.Match[str], scan: Scan) -> tuple[Decision, Reading]:
    reading = Reading(Candidate(match, scan.folded), scan)
    rule = failing_check(reading)
    if rule is not None:
        start, end = match.start(), max(match.end(), reading.end)
        return Decision(scan.text[start:end], start, end, rule, None), reading
    figure = reading.figure()
    return Decision(figure.text, figure.start, figure.end, reading.c.form, figure), reading


def _decide_at(match: re.Match[str], scan: Scan) -> tuple[list[tuple[Decision, Reading]], int]:
    """The decisions a match stands for, and where to look for the next one.

    A range that does not read as one (2.5亿年~6500万年 runs backwards) is two figures: the first
    part is read on its own and the search resumes at the second number."""
    decided = _decide(match, scan)
    if decided[0].kept or not match.group("sep"):
        return [decided], max(match.end(), decided[0].end)
    first = scan.rules.pattern.match(scan.folded, match.start(), match.start("sep"))
    if first is None or first.group("sep"):
        return [decided], match.start("num2")
    return [decided, _decide(first, scan)], match.start("num2")


def _joined(previous: Reading | None, reading: Reading, figure: Figure, scan: Scan) -> Decision | None:
    """两美元又三美分 → 2.03 美元: a minor unit right after an amount in the same currency completes it."""
    if previous is None or not reading.unit.minor:
        return None
    before = previous.figure()
    if before.kind != "money" or before.unit != figure.unit or before.value_max is not None:
        return None
    if before.value is None or figure.value is None:
        return None
    if scan.folded[before.end : figure.start] not in COMPOUND_JOINS or previous.unit.minor:
        return None
    value = as_number(Decimal(str(before.value)) + Decimal(str(figure.value)))
    text = scan.text[before.start : figure.end]
    joined = Figure(text, value, before.unit, before.qualifier, "money", before.start, figure.end)
    return Decision(text, before.start, figure.end, "compound-money", joined)
