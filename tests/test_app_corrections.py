"""Corrections in the app (issue 14, deliverable 4): E sets a title, C a city, X marks junk (again: restores),
H shows junk; the tree and the detail header show it at once, and a restarted app shows it again."""

from __future__ import annotations

from pathlib import Path

import pytest

from five_star.store.library.corrections import corrections_path
from five_star.store.library.library import Library
from five_star.tui.screens.correct import CorrectionDialog
from helpers.app import (
    APP_SIZE,
    label_of,
    make_app,
    pane_text,
    settle,
    shown_article_ids,
    toasts,
    top_labels,
    tree_of,
    type_query,
)

pytestmark = pytest.mark.slow  # drives the real app through a pilot: a second or more per test


def article_id_titled(db: Path, words: str) -> str:
    with Library.open(db, create=False) as library:
        [article] = [a for a in library.articles() if a.title and words in a.title]
    return article.id


async def answer(pilot, key: str, text: str) -> None:
    """Press ``key`` and answer its dialog with ``text`` (which replaces what the field held)."""
    await pilot.press(key)
    await settle(pilot)
    assert isinstance(pilot.app.screen, CorrectionDialog)
    await pilot.press(*text, "enter")
    await settle(pilot)


def cursor_label(app) -> str:
    tree = tree_of(app)
    return label_of(tree, tree.cursor_node)


def group_of(app, article_id: str) -> str:
    """The top-level group (a city) the tree lists the article under."""
    [name] = [node.data.top for node in tree_of(app).root.children if article_id in node.data.ids]
    return name


async def test_keys_correct_title_and_city_and_junk_and_a_restart_shows_them(db, tmp_path):
    luohe, crash = article_id_titled(db, "璀璨"), article_id_titled(db, "逃逸途中")
    app = make_app(db, tmp_path)
    async with app.run_test(size=APP_SIZE, notifications=True) as pilot:
        await settle(pilot)
        screen = app.screen
        total = len(shown_article_ids(tree_of(app)))
        assert "郑州市" not in " ".join(top_labels(tree_of(app)))
        assert screen.go_to_article(luohe)
        await settle(pilot)
        extracted_title = pane_text(app).splitlines()[0]

        await answer(pilot, "E", "漯河 紫藤长廊纪事")
        assert cursor_label(app) == "○ 漯河 紫藤长廊纪事"
        header = pane_text(app).splitlines()
        assert header[0] == "漯河 紫藤长廊纪事"
        assert header[1] == f"corrected title (your correction; extracted: {extracted_title})"
        assert "Title set: 漯河 紫藤长廊纪事" in " ".join(toasts(app))
        await type_query(pilot, "紫藤长廊")  # search knows the new title
        assert screen.hit_count == 1 and screen.answer.hits[0].article_id == luohe
        await pilot.press("escape")
        await settle(pilot)

        assert screen.go_to_article(luohe)
        await answer(pilot, "C", "郑州")
        assert group_of(app, luohe) == "郑州市"  # moved, and the cursor went with it
        assert cursor_label(app) == "○ 漯河 紫藤长廊纪事"
        assert "city (your correction; extracted: 漯河市)" in pane_text(app)
        assert pane_text(app).splitlines()[2].startswith("郑州市")

        assert screen.go_to_article(crash)
        await pilot.press("X")
        await settle(pilot)
        assert crash not in shown_article_ids(tree_of(app))
        assert len(shown_article_ids(tree_of(app))) == total - 1
        assert tree_of(app).cursor_node.data.article_id not in (None, crash)  # on the article next to it
        ids, _ = screen.export_scope()
        assert crash not in ids and len(ids) == total - 1

        await pilot.press("H")  # junk shown, marked
        await settle(pilot)
        assert crash in shown_article_ids(tree_of(app))
        assert screen.go_to_article(crash)
        await settle(pilot)
        assert cursor_label(app).startswith("○ ✗ junk 逃逸途中连撞车")
        assert "junk (hidden from the tree, searches and exports)" in pane_text(app)
        await pilot.press("H")
        await settle(pilot)
        assert crash not in shown_article_ids(tree_of(app))
        await app.action_quit()

    app = make_app(db, tmp_path)  # a new launch reads the corrections from the file beside the library
    async with app.run_test(size=APP_SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        assert crash not in shown_article_ids(tree_of(app))
        assert group_of(app, luohe) == "郑州市"
        assert screen.go_to_article(luohe)
        await settle(pilot)
        assert pane_text(app).splitlines()[:2] == [
            "漯河 紫藤长廊纪事",
            f"corrected title (your correction; extracted: {extracted_title}) · city (your correction; extracted: 漯河市)",
        ]

        # Restoring: H shows the junk item, X takes its mark away, and it stays when junk is hidden again.
        await pilot.press("H")
        await settle(pilot)
        assert screen.go_to_article(crash)
        await pilot.press("X")
        await settle(pilot)
        assert cursor_label(app).startswith("○ 逃逸途中连撞车")
        await pilot.press("H")
        await settle(pilot)
        assert crash in shown_article_ids(tree_of(app))
        assert "corrected" not in pane_text(app)

        # An empty answer takes the extracted city back.
        assert screen.go_to_article(luohe)
        await pilot.press("C")
        await settle(pilot)
        await pilot.press("backspace", "enter")  # the field opens with its text selected
        await settle(pilot)
        assert group_of(app, luohe) == "漯河市"


async def test_the_city_dialog_refuses_a_place_that_is_no_city_and_escape_changes_nothing(db, tmp_path):
    luohe = article_id_titled(db, "璀璨")
    app = make_app(db, tmp_path)
    async with app.run_test(size=APP_SIZE) as pilot:
        await settle(pilot)
        assert app.screen.go_to_article(luohe)
        await answer(pilot, "C", "东京")
        dialog = app.screen
        assert isinstance(dialog, CorrectionDialog)  # still asking
        assert "东京 is not a city of Henan; type one of 郑州市" in str(dialog.query_one("#correct-error").render())
        await pilot.press("escape")
        await settle(pilot)
        assert not isinstance(app.screen, CorrectionDialog)
        assert group_of(app, luohe) == "漯河市"
        assert not corrections_path(db).exists()
        # On a group there is no article to correct.
        await pilot.press("g")
        await pilot.press("E")
        await settle(pilot)
        assert not isinstance(app.screen, CorrectionDialog)


async def test_a_damaged_corrections_file_is_one_notice_and_the_app_shows_the_library(db, tmp_path):
    corrections_path(db).write_text("{half a file", encoding="utf-8")
    app = make_app(db, tmp_path)
    async with app.run_test(size=APP_SIZE, notifications=True) as pilot:
        await settle(pilot)
        [notice] = [text for text in toasts(app) if "damaged" in text]
        assert str(corrections_path(db)) in notice and "not applied" in notice
        with Library.open(db, create=False) as library:
            assert shown_article_ids(tree_of(app)) == {a.id for a in library.articles()}
