"""Counts the user reads: the pane says why program counts outgrow their city; big counts get separators.

Issue 9, item 12 (counts that do not add up without saying why) and item 13 (the status line keeps its
counts and the selection whatever the length of the query).
"""

from __future__ import annotations

from collections import Counter

import pytest
from rich.cells import cell_len
from textual.app import App, ComposeResult

from five_star.store.query.browse import NO_PROGRAM, UNLOCATED, BrowseIndex, Grouping, Summary
from five_star.tui.widgets.article_tree import ArticleTree, TreeView
from five_star.tui.widgets.status_bar import StatusBar
from helpers.app import (
    APP_SIZE,
    label_of,
    make_app,
    pane_text,
    read_articles,
    settle,
    status_of,
    top_labels,
    tree_of,
)

pytestmark = pytest.mark.slow  # drives the real app through a pilot: a second or more per test


def program_sums(articles) -> dict[str, tuple[int, int]]:
    """City → (its articles, the sum of its program counts)."""
    cities = Counter(a.city or UNLOCATED for a in articles)
    programs = Counter()
    for a in articles:
        programs[a.city or UNLOCATED] += len(dict.fromkeys(a.programs) or [NO_PROGRAM])
    return {city: (n, programs[city]) for city, n in cities.items()}


async def test_the_pane_says_why_program_counts_add_up_to_more_than_the_city(db, tmp_path):
    sums = program_sums(read_articles(db))
    over = next((city for city, (n, total) in sums.items() if total > n), None)
    exact = next((city for city, (n, total) in sums.items() if total == n), None)
    assert over is not None, "no seed city has an article under two programs"
    app = make_app(db, tmp_path)
    async with app.run_test(size=APP_SIZE) as pilot:
        await settle(pilot)
        tree = tree_of(app)
        for city in (over, exact):
            if city is None:
                continue
            line = next(i for i, node in enumerate(tree.root.children) if node.data.top == city)
            tree.move_cursor_to_line(line)
            await settle(pilot)
            n, total = sums[city]
            text = " ".join(pane_text(app).split())
            assert f"{n:,} articles" in text
            if city == over:
                assert f"These add up to {total:,}, more than {n:,}" in text, text
                assert "an article in several programs is counted under each" in text
            else:
                assert "add up to" not in text, text


class TreeApp(App[None]):
    def __init__(self, index: BrowseIndex) -> None:
        super().__init__()
        self.index = index

    def compose(self) -> ComposeResult:
        yield ArticleTree()

    def on_mount(self) -> None:
        self.query_one(ArticleTree).show_view(TreeView(self.index, Grouping.CITY))


async def test_tree_counts_use_thousands_separators_as_the_pane_does():
    summaries = [
        Summary(f"a{i:05d}", "郑州市" if i < 1234 else "开封市", ("红色物业",), f"文章 {i}", "news", "x.txt")
        for i in range(1240)
    ]
    app = TreeApp(BrowseIndex(summaries))
    async with app.run_test(size=APP_SIZE) as pilot:
        await pilot.pause()
        tree = app.query_one(ArticleTree)
        assert top_labels(tree) == ["▶ 郑州市 1,234", "▶ 开封市 6"]
        tree.select([s.id for s in summaries])
        await pilot.pause()
        assert label_of(tree, tree.root.children[0]) == "▶ 郑州市 1,234  ● 1,234"


# ---- the status line at 80 columns --------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "hits"),
    [("党员 " * 14 + "党员", "hits for “党员 党员"), ("党员 qqqzzz " * 6 + "qqqzzz", "no hits for “党员 qqqzzz")],
)
async def test_a_long_query_is_shortened_and_the_counts_and_selection_stay(db, tmp_path, query, hits):
    total = len(read_articles(db))
    app = make_app(db, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("space")  # select the first city
        await settle(pilot)
        chosen = len(app.screen.selected)
        assert chosen > 0
        await pilot.press("slash", *query)
        await settle(pilot)
        bar = app.screen.query_one(StatusBar)
        line = status_of(app)
        assert cell_len(line) <= bar.size.width == 80 - 2  # one row, inside the padding
        assert line.startswith(f"{total:,} articles")
        assert line.endswith(f" · {chosen:,} selected")
        assert hits in line and "…”" in line
        assert query not in line
        painted = bar.render_line(0).text  # what the terminal row shows, padding included
        assert painted.rstrip().endswith(f"{chosen:,} selected"), painted
