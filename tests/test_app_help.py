"""The `?` screen names every way to move, and each word in it means one thing (issue 9, item 14)."""

from __future__ import annotations

import pytest
from rich.console import Console

from five_star.tui.screens.help import HelpScreen
from helpers.app import APP_SIZE, make_app, settle, tree_of

pytestmark = pytest.mark.slow  # drives the real app through a pilot: a second or more per test


async def help_lines(pilot) -> list[str]:
    await pilot.press("question_mark")
    await settle(pilot)
    assert isinstance(pilot.app.screen, HelpScreen)
    console = Console(width=200, record=True)
    console.print(pilot.app.screen.query_one("#help-keys").content)
    return [" ".join(line.split()) for line in console.export_text().splitlines()]


async def test_help_tells_how_to_scroll_the_article_and_move_in_the_figure_table(db, tmp_path):
    app = make_app(db, tmp_path)
    async with app.run_test(size=APP_SIZE) as pilot:
        await settle(pilot)
        listed = await help_lines(pilot)
        assert "Article text and figures" in listed
        assert "tab Move between the tree, the article text and the figure table" in listed
        assert "↑ ↓ In the article text: scroll a line" in listed
        assert "pgup pgdn In the article text: scroll a page" in listed
        assert "↑ ↓ In the figure table: previous or next figure (highlighted in the text)" in listed


async def test_help_gives_enter_and_space_one_meaning_each(db, tmp_path):
    app = make_app(db, tmp_path)
    async with app.run_test(size=APP_SIZE) as pilot:
        await settle(pilot)
        listed = await help_lines(pilot)
        tree_section = listed[listed.index("Tree") : listed.index("Search box")]
        assert "⏎ Open or close the group" in tree_section
        assert any(line.startswith("space Select for export") for line in tree_section), tree_section
        assert not any(line.split(" ", 1)[0] == "⏎" and "Select" in line for line in tree_section)
        # and Enter does what the help says it does
        await pilot.press("escape")
        await settle(pilot)
        tree = tree_of(app)
        group = tree.cursor_node
        assert group.allow_expand and not group.is_expanded
        await pilot.press("enter")
        await settle(pilot)
        assert group.is_expanded and tree.cursor_node is group
        await pilot.press("enter")
        await settle(pilot)
        assert not group.is_expanded
        assert not app.screen.selected  # Enter never selects for export
