"""The user's keymap file remaps bindings by id; a bad one is one clear notification, never a traceback."""

from __future__ import annotations

import pytest
from rich.console import Console
from textual.command import CommandPalette
from textual.widgets import OptionList
from textual.widgets._toast import Toast

from five_star.tui.app import FiveStarApp
from five_star.tui.screens.export import ExportDialog
from five_star.tui.screens.help import HelpScreen
from five_star.tui.widgets.search_bar import SearchBar
from helpers.app import APP_SIZE, make_app, settle, status_of, wait_until

pytestmark = pytest.mark.slow  # drives the real app through a pilot: a second or more per test


@pytest.fixture
def keymap_file(tmp_path, monkeypatch):
    """Where the app looks for the keymap: ``$FIVE_STAR_CONFIG/keymap.toml``."""
    folder = tmp_path / "config"
    folder.mkdir()
    monkeypatch.setenv("FIVE_STAR_CONFIG", str(folder))
    return folder / "keymap.toml"


def keymap_toasts(app) -> list[str]:
    return [text for text in (toast.render().plain for toast in app.screen.query(Toast)) if "keymap.toml" in text]


async def grouping_after(pilot, key: str) -> str:
    await pilot.press(key)
    await settle(pilot)
    return "programs" if "programs → cities" in status_of(pilot.app) else "cities"


async def test_a_keymap_file_remaps_keys_by_binding_id(db, tmp_path, keymap_file):
    keymap_file.write_text(
        '"browse.search" = "f"  # the ways TOML spells a dotted id\n'
        'tree.toggle-selection = "x,enter"\n'
        '\n'
        '[browse]\n'
        'toggle-grouping = "ctrl+g"\n',
        encoding="utf-8",
    )
    app = make_app(db, tmp_path)
    async with app.run_test(size=APP_SIZE, notifications=True) as pilot:
        await settle(pilot)
        assert not keymap_toasts(app)
        assert await grouping_after(pilot, "t") == "cities"  # t no longer does it
        assert await grouping_after(pilot, "ctrl+g") == "programs"
        await pilot.press("x")
        await settle(pilot)
        assert app.screen.selected  # the whole first group
        await pilot.press("f")
        await settle(pilot)
        assert app.screen.query_one(SearchBar).has_focus
        await pilot.press("escape", "question_mark")
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)
        console = Console(width=120, record=True)
        console.print(app.screen.query_one("#help-keys").content)
        listed = [" ".join(line.split()) for line in console.export_text().splitlines()]
        assert "^g Group the tree by cities → programs, or by programs → cities" in listed
        assert any(line.startswith("f Filter the tree as you type") for line in listed)
        assert not any(line.startswith("t Group the tree") for line in listed)
        await pilot.press("escape", "ctrl+p")
        await wait_until(pilot, lambda: isinstance(app.screen, CommandPalette))
        await pilot.press(*"Group by")
        await settle(pilot)
        options = app.screen.query_one(OptionList)
        prompts = [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]
        assert any(p.startswith("Group by") and "(^g)" in p for p in prompts), prompts


async def test_the_help_screen_lists_a_taken_key_for_the_binding_that_took_it(db, tmp_path, keymap_file):
    keymap_file.write_text('browse.export = "slash"\n', encoding="utf-8")
    app = make_app(db, tmp_path)
    async with app.run_test(size=APP_SIZE, notifications=True) as pilot:
        await settle(pilot)
        await pilot.press("slash")  # what the key really does now
        await settle(pilot)
        assert isinstance(app.screen, ExportDialog)
        await pilot.press("escape", "question_mark")
        await settle(pilot)
        console = Console(width=120, record=True)
        console.print(app.screen.query_one("#help-keys").content)
        listed = [" ".join(line.split()) for line in console.export_text().splitlines()]
        assert any(line.startswith("/ Export the selection") for line in listed), listed
        assert not any(line.startswith("/ Filter the tree") for line in listed)


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        ('[browse]\nsearch = "f\n', "is not valid TOML"),
        ('browse.serach = "f"\n', "no key binding has the id 'browse.serach'"),
        ("browse.search = 6\n", "browse.search: expected keys as text"),
        ('browse.search = "ctrl f"\n', "browse.search: expected keys as text"),
        (b"\xff\xfe not text", "cannot be read"),
    ],
)
async def test_a_bad_keymap_file_is_one_notification_naming_the_file_and_the_problem(
    db, tmp_path, keymap_file, content, problem
):
    if isinstance(content, bytes):
        keymap_file.write_bytes(content)
    else:
        keymap_file.write_text(content, encoding="utf-8")
    app = make_app(db, tmp_path)
    async with app.run_test(size=APP_SIZE, notifications=True) as pilot:
        await settle(pilot)
        told = keymap_toasts(app)
        assert len(told) == 1 and problem in told[0], told
        assert str(keymap_file.name) in told[0]
        assert app.is_running
        assert await grouping_after(pilot, "t") == "programs"  # the default keys still work


async def test_good_entries_of_a_keymap_file_work_beside_bad_ones(db, tmp_path, keymap_file):
    keymap_file.write_text('browse.search = "f"\nnot.a-binding = "x"\nbrowse.export = []\n', encoding="utf-8")
    app = make_app(db, tmp_path)
    async with app.run_test(size=APP_SIZE, notifications=True) as pilot:
        await settle(pilot)
        (told,) = keymap_toasts(app)
        assert "'not.a-binding'" in told and "browse.export" in told
        await pilot.press("f")
        await settle(pilot)
        assert app.screen.query_one(SearchBar).has_focus


async def test_a_key_given_to_another_binding_is_taken_from_its_old_one(db, tmp_path, keymap_file):
    keymap_file.write_text('browse.search = "t"\n', encoding="utf-8")
    app = make_app(db, tmp_path)
    async with app.run_test(size=APP_SIZE, notifications=True) as pilot:
        await settle(pilot)
        await pilot.press("t")
        await settle(pilot)
        assert app.screen.query_one(SearchBar).has_focus
        assert "cities → programs" in status_of(app)


def test_every_binding_id_is_known_to_the_keymap():
    ids = FiveStarApp.binding_ids()
    assert "app.help" in ids and "browse.search" in ids and "tree.toggle-selection" in ids
    assert "confirm.overwrite" in ids and "help.close" in ids and "search-box.clear" in ids
    assert len(ids) == len(set(ids))


async def test_without_a_keymap_file_the_default_keys_apply(db, tmp_path, keymap_file):
    assert not keymap_file.exists()
    app = make_app(db, tmp_path)
    async with app.run_test(size=APP_SIZE, notifications=True) as pilot:
        await settle(pilot)
        assert not keymap_toasts(app)
        assert await grouping_after(pilot, "t") == "programs"
