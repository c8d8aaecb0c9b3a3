"""Searching keeps your place (issue #9, items 10 and 11): Esc after a search leaves the article you were
reading open under the cursor, and while a search is active every hit shows once (city → article)."""

from __future__ import annotations

from collections import Counter

import pytest

from five_star.store.query.browse import UNLOCATED
from five_star.store.query.service import QueryService
from five_star.tui.widgets.article_detail import ArticleHeader, ArticleText
from helpers.app import (
    APP_SIZE,
    label_of,
    make_app,
    settle,
    status_of,
    top_labels,
    tree_of,
    type_query,
    visible_nodes,
)

pytestmark = pytest.mark.slow  # drives the real app through a pilot


def search(articles, query: str):
    """The hits in rank order, as the app's query service gives them (and n/N walk them)."""
    return QueryService(articles, background=False).answer(query).hits


def article_lines(tree) -> list[str]:
    return [n.data.article_id for _, n in visible_nodes(tree) if n.data is not None and n.data.is_article]


# ---- item 10: Esc keeps your place ----------------------------------------------------------------


@pytest.mark.parametrize("grouping_keys", [(), ("t",)])
async def test_escape_after_a_search_keeps_the_article_open_under_the_cursor(db, articles, tmp_path, grouping_keys):
    query = "漯河"  # 漯河 (源汇区 in the real library): not the first city
    hits = search(articles, query)
    assert len(hits) >= 2
    app = make_app(db, tmp_path)
    async with app.run_test(size=APP_SIZE) as pilot:
        await settle(pilot)
        everything = [label.split(" ", 1)[1] for label in top_labels(tree_of(app))]
        for key in grouping_keys:
            await pilot.press(key)
        await settle(pilot)
        await type_query(pilot, query)
        await pilot.press("enter", "n")
        await settle(pilot)
        tree = tree_of(app)
        reading = tree.cursor_node.data.article_id
        assert reading == hits[1].article_id
        assert app.screen.query_one(ArticleHeader).article.id == reading

        await pilot.press("escape")
        await settle(pilot)
        tree = tree_of(app)
        assert "hits" not in status_of(app)
        # the full tree (group counts aside, the same top-level groups as at launch or after `t`) ...
        assert len(tree.root.children) >= len(everything) or grouping_keys
        if not grouping_keys:
            assert [label.split(" ", 1)[1] for label in top_labels(tree)] == everything
        # ... with the article under the cursor, its groups open, and the pane still showing it
        node = tree.cursor_node
        assert node.data.article_id == reading
        assert node.parent is not None and node.parent.is_expanded
        assert node.parent.parent is not None and node.parent.parent.is_expanded
        assert app.screen.query_one(ArticleHeader).article.id == reading
        assert app.screen.query_one(ArticleText).article.id == reading
        assert tree.has_focus


async def test_escape_with_the_cursor_on_a_city_keeps_that_city(db, articles, tmp_path):
    query = "漯河"  # 漯河 (源汇区 in the real library): not the first city
    app = make_app(db, tmp_path)
    async with app.run_test(size=APP_SIZE) as pilot:
        await settle(pilot)
        first_city = tree_of(app).root.children[0].data.top
        await type_query(pilot, query)
        await pilot.press("enter")
        await settle(pilot)
        tree = tree_of(app)
        city = tree.cursor_node.parent.data.top
        assert city != first_city  # 源汇区 is in 漯河, not the largest city
        await pilot.press("h")  # from the article up to its city
        assert tree.cursor_node.data.top == city and not tree.cursor_node.data.is_article
        await pilot.press("escape")
        await settle(pilot)
        tree = tree_of(app)
        assert tree.cursor_node.data.top == city
        assert tree.cursor_node.data.middle is None and not tree.cursor_node.data.is_article


# ---- item 11: each hit once -------------------------------------------------------------------


def a_query_with_a_many_program_hit(articles) -> tuple[str, str]:
    """A word whose hits include an article named under many programs: (word, that article's id)."""
    article = max(articles, key=lambda a: len(set(a.programs)))
    assert len(set(article.programs)) >= 5  # 周口's 党建领航风帆劲, under 7 programs
    return "党建", article.id


async def test_a_search_shows_each_hit_once_grouped_by_city(db, articles, tmp_path):
    query, many = a_query_with_a_many_program_hit(articles)
    hits = search(articles, query)
    assert many in {h.article_id for h in hits}
    app = make_app(db, tmp_path)
    async with app.run_test(size=APP_SIZE) as pilot:
        await settle(pilot)
        await type_query(pilot, query)
        tree = tree_of(app)
        for node in tree.root.children:  # open every city, small result or not
            tree._load_children(node)
            node.expand()
        await pilot.pause()
        lines = article_lines(tree)
        assert Counter(lines).most_common(1)[0][1] == 1, "an article shows more than once"
        assert set(lines) == {h.article_id for h in hits}
        # city → article: every article sits right under its city, and the city counts add up
        by_id = {a.id: a for a in articles}
        for depth, node in visible_nodes(tree):
            if node.data.is_article:
                assert depth == 1
                assert node.parent.data.top == (by_id[node.data.article_id].city or UNLOCATED)
        assert sum(int(label.rsplit(" ", 1)[1]) for label in top_labels(tree)) == len(hits)


@pytest.mark.parametrize("grouping_keys", [(), ("t",)])
async def test_n_N_enter_space_and_the_pane_work_on_the_city_only_tree(db, articles, tmp_path, grouping_keys):
    query, _ = a_query_with_a_many_program_hit(articles)
    hits = search(articles, query)
    assert len(hits) >= 3
    by_id = {a.id: a for a in articles}
    app = make_app(db, tmp_path)
    async with app.run_test(size=APP_SIZE) as pilot:
        await settle(pilot)
        for key in grouping_keys:
            await pilot.press(key)
        await type_query(pilot, query)
        await pilot.press("enter")
        await settle(pilot)
        tree = tree_of(app)
        assert tree.cursor_node.data.article_id == hits[0].article_id
        assert tree.cursor_node.parent.parent is tree.root  # city → article, whichever grouping
        assert f"hit 1 of {len(hits)}" in status_of(app)
        await pilot.press("n")
        assert tree.cursor_node.data.article_id == hits[1].article_id
        assert app.screen.query_one(ArticleHeader).article.id == hits[1].article_id
        await pilot.press("N", "N")
        assert tree.cursor_node.data.article_id == hits[-1].article_id
        await pilot.press("space")
        assert app.screen.selected == {hits[-1].article_id}
        await pilot.press("h")  # up to the city: the pane describes it, and space selects its hits
        await settle(pilot)
        city = tree.cursor_node
        label = label_of(tree, city)
        name, count = city.data.top, len(city.data.ids)
        pane = app.screen.query_one(ArticleHeader).render().plain
        assert pane.startswith(name) and f"{count} articles" in pane, (label, pane)
        await pilot.press("U", "space")
        assert app.screen.selected == set(city.data.ids)
        assert set(city.data.ids) == {h.article_id for h in hits if by_id[h.article_id].city == name}
