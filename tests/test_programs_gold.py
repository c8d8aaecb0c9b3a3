"""Programs, stars and star tallies against the gold annotations of the seed pages."""

from __future__ import annotations

from test_places_gold import gold_articles

from five_star.store.extraction.programs import (
    find_programs,
    find_star_counts,
    find_stars,
)


def test_program_labels_micro_f1_at_least_085(gold, shared_dir):
    tp = fp = fn = 0
    for item, title, text in gold_articles(gold, shared_dir):
        got, want = set(find_programs(text, title)), set(item["programs"])
        tp, fp, fn = tp + len(got & want), fp + len(got - want), fn + len(want - got)
    precision, recall = tp / (tp + fp), tp / (tp + fn)
    assert 2 * precision * recall / (precision + recall) >= 0.85, (tp, fp, fn)


def test_star_categories_match_gold(gold, shared_dir):
    for item, title, text in gold_articles(gold, shared_dir):
        assert find_stars(((title or "") + "\n" + text)) == item["stars"], (item["source"], item["first_line"])


def test_all_four_tallies_found_and_none_invented(gold, shared_dir):
    for item, _, text in gold_articles(gold, shared_dir):
        found = find_star_counts(text)
        assert [(t.tier, t.count) for t in found] == [(t["tier"], t["count"]) for t in item["star_counts"]]
        assert all(t.text in text for t in found)
    assert sum(len(item["star_counts"]) for item in gold) == 4
