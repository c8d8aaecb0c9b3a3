"""A launch answers words from the search index the last one saved, before the articles are read; filters
wait for the articles (issue 12: search ready within a second of the tree, at any size)."""

from __future__ import annotations

import asyncio
import threading

import pytest

from five_star.store.library.library import Library
from five_star.store.query.search.saved import saved_index_path
from helpers.app import APP_SIZE, make_app, settle, wait_until


async def save_an_index(db, tmp_path) -> None:
    first = make_app(db, tmp_path)
    async with first.run_test(size=APP_SIZE) as pilot:
        await settle(pilot)
        await wait_until(pilot, lambda: first.browse.service is not None and first.browse.service.index.indexed)
    assert saved_index_path(db).is_file()  # built once, and saved for the next launch


def hold_the_articles(monkeypatch) -> threading.Event:
    """``Library.articles`` waits until the event is set: the app stays before its articles are read."""
    release = threading.Event()
    read_articles = Library.articles

    def held(self, *args, **kwargs):
        release.wait(30)
        return read_articles(self, *args, **kwargs)

    monkeypatch.setattr(Library, "articles", held)
    return release


@pytest.fixture
def early_app(db, tmp_path, monkeypatch):
    """An app launched after one that saved the index, with its articles held back until ``release``."""
    asyncio.run(save_an_index(db, tmp_path))
    release = hold_the_articles(monkeypatch)
    yield make_app(db, tmp_path), release
    release.set()


async def search_before_the_articles(pilot, browse) -> None:
    await wait_until(pilot, lambda: browse.service is not None)
    assert browse.reading and not browse.articles  # the early service: the articles are not read yet
    await pilot.press("slash", *"漯河")
    await wait_until(pilot, lambda: browse.hit_count == 3)
    assert browse.reading


async def test_the_hit_a_person_went_to_before_the_articles_were_read_stays_when_they_are(early_app):
    app, release = early_app
    async with app.run_test(size=APP_SIZE) as pilot:
        browse = app.browse
        await search_before_the_articles(pilot, browse)
        await pilot.press("enter", "j")  # the first hit, then the next
        tree = browse.query_one("#tree")
        chosen = tree.cursor_node.data.article_id
        assert chosen is not None
        release.set()
        await wait_until(pilot, lambda: not browse.reading and browse.service.index.articles)
        await settle(pilot)
        assert tree.cursor_node.data.article_id == chosen and browse.hit_count == 3
        await pilot.press("k")
        assert tree.cursor_node.data.article_id != chosen  # and the keys still move it


async def test_words_are_answered_before_the_articles_are_read_and_filters_after(early_app):
    app, release = early_app
    async with app.run_test(size=APP_SIZE) as pilot:
        browse = app.browse
        await search_before_the_articles(pilot, browse)

        await pilot.press("ctrl+u", *"city:漯河")
        await pilot.pause(0.3)
        assert browse.hit_count is None  # a filter waits for the articles: the whole tree stays
        release.set()
        await wait_until(pilot, lambda: not browse.reading and browse.hit_count == 3)
        assert browse.search_text == "city:漯河"
