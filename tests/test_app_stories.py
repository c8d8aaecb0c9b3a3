"""Reprints in the app and the CLI (issue 14): a story shows once, "also on N sources", its copies one key
away; the tree, the status line, the dashboard and ``stats`` count stories (26 in the acceptance library of
the seed pages and their 26 reprints, not 52); a search hit on a copy shows its story."""

from __future__ import annotations

import re
from collections import Counter

import pytest
from test_stories import build_reprint_library

from five_star.store.query.browse import BrowseIndex, Grouping
from five_star.tui.cli import main
from five_star.tui.screens.dashboard import DashboardScreen
from five_star.tui.widgets.article_detail import ArticleHeader
from helpers.app import (
    APP_SIZE,
    label_of,
    make_app,
    read_articles,
    settle,
    status_of,
    tree_of,
    type_query,
    visible_nodes,
)
from helpers.library import copy_library

pytestmark = pytest.mark.slow  # drives the real app through a pilot


@pytest.fixture(scope="module")
def acceptance(tmp_path_factory):
    return build_reprint_library(tmp_path_factory.mktemp("acceptance"))


@pytest.fixture
def db(acceptance, tmp_path):
    return copy_library(acceptance, tmp_path / "lib")


def shown_article(app) -> str | None:
    article = app.screen.query_one(ArticleHeader).article
    return article.id if article is not None else None


async def test_the_tree_shows_each_story_once_with_its_copy_one_key_away(db, tmp_path):
    articles = {a.id: a for a in read_articles(db)}
    app = make_app(db, tmp_path)
    async with app.run_test(size=APP_SIZE) as pilot:
        await settle(pilot)
        tree = tree_of(app)
        assert sum(node.data.stories for node in tree.root.children) == 26
        assert all(label_of(tree, node).endswith(f" {node.data.stories:,}") for node in tree.root.children)
        assert status_of(app).startswith("26 stories (52 articles)")
        await pilot.press("enter", "j", "enter", "j")  # the first city, its first program, its first story
        await settle(pilot)
        story = tree.cursor_node
        assert story.data.article_id is not None and len(story.data.copies) == 1, label_of(tree, story)
        assert label_of(tree, story).endswith("also on 1 source")
        assert shown_article(app) == story.data.article_id
        await pilot.press("enter", "j")
        await settle(pilot)
        copy = tree.cursor_node
        assert copy.parent is story and copy.data.article_id == story.data.copies[0]
        assert articles[copy.data.article_id].story == articles[story.data.article_id].story
        assert articles[copy.data.article_id].source.startswith("reprint-")
        assert shown_article(app) == copy.data.article_id
        # Every article of the library is reachable, each story once at its level.
        leads = [n.data.article_id for _, n in visible_nodes(tree) if n.data.article_id and n.parent is not None
                 and n.parent.data is not None and n.parent.data.article_id is None]
        assert len(leads) == len({articles[i].story for i in leads})


async def test_a_search_hit_on_a_copy_shows_its_story(db, tmp_path):
    articles = {a.id: a for a in read_articles(db)}
    source = Counter(a.source for a in articles.values() if a.source.startswith("reprint-")).most_common(1)[0][0]
    copies = [a for a in articles.values() if a.source == source]
    app = make_app(db, tmp_path)
    async with app.run_test(size=APP_SIZE) as pilot:
        await settle(pilot)
        await type_query(pilot, f"source:{source.removesuffix('.txt')}")
        tree = tree_of(app)
        assert len(copies) > 1 and f"{len(copies)} hits" in status_of(app)
        lines = [n for _, n in visible_nodes(tree) if n.data.article_id is not None and n.parent.data.article_id is None]
        assert sorted(n.data.article_id for n in lines) == sorted(a.id for a in copies)  # the hits, as stories
        for node in lines:
            assert label_of(tree, node).endswith("also on 1 source")
            original = articles[node.data.copies[0]]
            assert original.story == articles[node.data.article_id].story and not original.source.startswith("reprint-")
        await pilot.press("escape")
        await settle(pilot)
        # A query both copies of one story match: one line for the story, and n walks to each hit, the copy
        # under its story's line.
        story = next(a for a in copies if a.title)
        await type_query(pilot, f'"{story.title}"')
        hits = app.screen.answer.hits
        assert {articles[h.article_id].story for h in hits} == {story.story} and len(hits) == 2
        assert sum(node.data.stories for node in tree.root.children) == 1
        await pilot.press("enter")
        reached = set()
        for _ in hits:
            await pilot.press("n")
            await settle(pilot)
            reached.add(tree.cursor_node.data.article_id)
            assert shown_article(app) == tree.cursor_node.data.article_id
        assert reached == {h.article_id for h in hits}


async def test_the_dashboard_counts_stories(db, tmp_path):
    app = make_app(db, tmp_path)
    async with app.run_test(size=APP_SIZE) as pilot:
        await settle(pilot)
        await pilot.press("d")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, DashboardScreen)
        assert sum(row.articles for row in screen.place_rows) == 26
        assert "26 stories" in screen.sub_title


def test_stats_counts_stories(db, capsys):
    assert main(["stats", "--db", str(db)]) == 0
    out = capsys.readouterr().out
    assert "26 stories (52 articles" in out
    cities = out[out.index("Stories per city") : out.index("Stories per program")]
    counts = [int(n) for n in re.findall(r"│\s*(\d+)\s*│", cities)]
    expected = BrowseIndex.of(read_articles(db)).top(Grouping.CITY)
    assert counts == [group.count for group in expected] and sum(counts) == 26
