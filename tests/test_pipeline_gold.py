"""Items, titles and authors of the real pipeline against the gold annotations of the five seed pages.

Scored by tests/helpers/gold.py, the scorer benchmarks/gold_report.py prints; the thresholds are the
measured scores (26 of 26 for each), so any regression fails. Improve the pipeline, then raise them.
"""

from __future__ import annotations

import copy

from helpers.gold import score

GOLD_ITEMS = 26  # ../shared/gold/README.md: 20 articles + 6 photos


def test_every_gold_item_is_extracted_with_its_exact_span_and_kind(gold_score):
    assert gold_score.gold_items == GOLD_ITEMS
    assert gold_score.boundaries.wrong == []
    assert gold_score.boundaries.right == GOLD_ITEMS
    assert gold_score.extra_items == []
    assert gold_score.extracted_items == GOLD_ITEMS


def test_every_title_matches_gold(gold_score):
    assert gold_score.titles.wrong == []
    assert gold_score.titles.right == GOLD_ITEMS


def test_every_author_list_matches_gold(gold_score):
    assert gold_score.authors.wrong == []
    assert gold_score.authors.right == GOLD_ITEMS


def test_the_scorer_counts_each_kind_of_error_once(gold, seed_pipeline_articles):
    """The scorer itself: one error of each kind planted in the pipeline's articles costs exactly one point."""
    base = score(gold, seed_pipeline_articles)
    articles = copy.deepcopy(seed_pipeline_articles)
    with_figures = [a for a in articles if len(a.figures) >= 2]
    first, second = with_figures[0], with_figures[1]
    # a qualifier lost, and a figure text cut short: value and unit stay right, so only the full key notices
    first.figures[0].qualifier = "约" if first.figures[0].qualifier is None else None
    second.figures[1].text = second.figures[1].text[:-1]
    articles[0].title = (articles[0].title or "") + "（续）"
    articles[1].authors = [*articles[1].authors, "张三"]
    articles[2].city = "开封市" if articles[2].city != "开封市" else "洛阳市"
    articles[3].counties = [*articles[3].counties, "兰考县"]
    articles[4].stars = [*articles[4].stars, "支部过硬星"]
    labelled = next(a for a in articles if a.programs)
    labelled.programs = labelled.programs[1:]
    tallied = next(a for a in articles if a.star_counts)
    tallied.star_counts[0].count += 1
    articles[5].last_line += 1  # a span overrun by one line: still paired, but the boundary is wrong

    hurt = score(gold, articles)
    assert hurt.figures.tp == base.figures.tp - 2
    assert hurt.figure_values.tp == base.figure_values.tp
    assert hurt.titles.right == base.titles.right - 1
    assert hurt.authors.right == base.authors.right - 1
    assert hurt.cities.right == base.cities.right - 1
    assert hurt.counties.right == base.counties.right - 1
    assert hurt.stars.right == base.stars.right - 1
    assert hurt.programs.fn == base.programs.fn + 1
    assert (hurt.tallies.tp, hurt.tallies.fp) == (base.tallies.tp - 1, base.tallies.fp + 1)
    assert hurt.boundaries.right == base.boundaries.right - 1
    assert hurt.extra_items == base.extra_items


def test_the_scorer_counts_a_lost_item_against_every_field(gold, seed_pipeline_articles):
    base = score(gold, seed_pipeline_articles)
    lost = max(seed_pipeline_articles, key=lambda a: len(a.figures))
    hurt = score(gold, [a for a in seed_pipeline_articles if a is not lost])
    for name in ("boundaries", "titles", "authors", "cities", "counties", "stars"):
        assert getattr(hurt, name).right == getattr(base, name).right - 1, name
    assert hurt.figures.fn == base.figures.fn + len(lost.figures)
    assert hurt.programs.fn == base.programs.fn + len(lost.programs)
