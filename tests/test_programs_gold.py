"""Programs, stars and star tallies of the real pipeline against the gold annotations of the seed pages.

Thresholds are the measured scores. Programs: 61 of 63 gold labels, none invented (F1 122/124 = 0.9839);
the misses are gold's 党员教育 for 003 line 3 (one clause on training) and 五星支部创建 for 004 line 37, a
红色物业 piece that names the campaign once, as its 统领, with 共建共享星 in the title: under the programs
rule (article-json.md; a star's work counts for the star's program, one mention is a passing one) the
development corpus's annotations leave such pieces without the campaign label. One more miss fails.
"""

from __future__ import annotations

PROGRAMS_F1 = 0.983
GOLD_ITEMS = 26
GOLD_TALLIES = 4


def test_program_labels_f1(gold_score):
    programs = gold_score.programs
    detail = f"missed {programs.misses}, extra {programs.extras}"
    assert programs.precision == 1.0, detail
    assert programs.f1 >= PROGRAMS_F1, detail


def test_every_star_list_matches_gold(gold_score):
    assert gold_score.stars.wrong == []
    assert gold_score.stars.right == GOLD_ITEMS


def test_all_four_tallies_found_with_their_text_and_none_invented(gold_score):
    tallies = gold_score.tallies
    assert (tallies.tp, tallies.gold, tallies.found) == (GOLD_TALLIES, GOLD_TALLIES, GOLD_TALLIES), (
        tallies.misses, tallies.extras,
    )


def test_each_tally_quotes_its_articles_text(seed_pipeline_articles):
    tallies = [(a, t) for a in seed_pipeline_articles for t in a.star_counts]
    assert len(tallies) == GOLD_TALLIES
    for article, tally in tallies:
        assert tally.text in article.text, (article.source, article.first_line, tally)
