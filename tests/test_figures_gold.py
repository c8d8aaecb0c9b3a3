"""Figures of the real pipeline against the gold annotations of the five seed pages.

Each gold item's figures are matched as a multiset of (text, value, unit, qualifier) with the
pipeline's (scorer: tests/helpers/gold.py; ``python benchmarks/gold_report.py`` prints the misses).
Measured: 121 of 121 found and nothing else, so precision and recall must stay 1.0.
"""

from __future__ import annotations

GOLD_FIGURES = 121  # ../shared/gold/README.md, per-file counts


def test_every_figure_with_its_text_value_unit_and_qualifier(gold_score):
    figures = gold_score.figures
    detail = f"missed {figures.misses}, extra {figures.extras}"
    assert figures.gold == GOLD_FIGURES
    assert figures.recall == 1.0, detail
    assert figures.precision == 1.0, detail


def test_each_figure_is_where_its_offsets_say(seed_pipeline_articles):
    for article in seed_pipeline_articles:
        for figure in article.figures:
            assert article.text[figure.start : figure.end] == figure.text, (article.source, article.first_line, figure)
