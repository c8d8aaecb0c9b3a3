"""Theme, grouping and the last export folder and format come back at the next launch (store/settings.py).

The pilot tests restart the app the way a person does: a new app over the same library, with the same
environment (conftest points ``FIVE_STAR_CONFIG`` at the test's own folder).
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from textual.widgets import Input, RadioSet

from five_star.store.query.browse import Grouping
from five_star.store.settings import SETTINGS_FILE, Settings, read_settings, settings_path, write_settings
from five_star.tui.app import FiveStarApp
from five_star.tui.screens.export import ExportDialog
from helpers.app import APP_SIZE, FIXED_NOW, settle, toasts, top_labels, tree_of, wait_until

# ---- the file ---------------------------------------------------------------------------------


def test_the_file_is_in_the_settings_folder(tmp_path):
    assert settings_path() == tmp_path / "config" / SETTINGS_FILE  # FIVE_STAR_CONFIG, set by conftest


def test_settings_written_are_read_back(tmp_path):
    path = tmp_path / "deep" / SETTINGS_FILE  # the folder is made if missing
    chosen = Settings(theme="nord", grouping="program", export_folder="/data/出口", export_format="jsonl")
    write_settings(path, chosen)
    assert read_settings(path) == (chosen, [])
    assert json.loads(path.read_text(encoding="utf-8"))["export_folder"] == "/data/出口"
    assert [p.name for p in path.parent.iterdir()] == [SETTINGS_FILE]  # no temporary file left beside it


def test_no_file_is_the_defaults_with_nothing_to_say(tmp_path):
    assert read_settings(tmp_path / SETTINGS_FILE) == (Settings(), [])


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (b'{"theme": "nord"', "is not valid JSON"),
        (b'["nord"]', "not an object"),
        (b"\xff\xfe\x00garbage", "cannot be read"),
    ],
)
def test_a_damaged_file_gives_the_defaults_and_says_why(tmp_path, content, problem):
    path = tmp_path / SETTINGS_FILE
    path.write_bytes(content)
    settings, problems = read_settings(path)
    assert settings == Settings()
    assert len(problems) == 1 and problem in problems[0]


def test_a_value_of_the_wrong_kind_is_left_at_its_default_and_reported(tmp_path):
    path = tmp_path / SETTINGS_FILE
    path.write_text('{"theme": 3, "grouping": "program", "from_a_newer_version": true}', encoding="utf-8")
    settings, problems = read_settings(path)
    assert settings == Settings(grouping="program")
    assert problems == ["theme: expected text, not 3"]


# ---- the app ----------------------------------------------------------------------------------


def new_app(db: Path) -> FiveStarApp:
    """The app as ``five-star-tui`` starts it: no export folder given, so the remembered one is used."""
    return FiveStarApp(db, clock=lambda: FIXED_NOW)


@pytest.mark.slow
async def test_theme_grouping_and_export_choices_come_back_after_a_restart(db, tmp_path):
    out = tmp_path / "exports" / "mine.jsonl"
    out.parent.mkdir()
    app = new_app(db)
    async with app.run_test(size=APP_SIZE) as pilot:
        await settle(pilot)
        first_grouping = top_labels(tree_of(app))
        app.theme = "textual-light"
        await pilot.press("t")
        await settle(pilot)
        by_program = top_labels(tree_of(app))
        assert by_program != first_grouping
        await pilot.press("e")
        await wait_until(pilot, lambda: isinstance(app.screen, ExportDialog))
        await pilot.press("shift+tab", "right", "right", "enter")  # the third format: JSON Lines
        app.screen.query_one("#export-path", Input).value = str(out)
        await pilot.press("tab", "enter")  # back to the path, and export
        await settle(pilot)
        assert out.is_file()

    again = new_app(db)
    async with again.run_test(size=APP_SIZE) as pilot:
        await settle(pilot)
        assert again.theme == "textual-light"
        assert again.browse.grouping is Grouping.PROGRAM
        assert top_labels(tree_of(again)) == by_program
        await pilot.press("e")
        await wait_until(pilot, lambda: isinstance(again.screen, ExportDialog))
        dialog = again.screen
        assert dialog.chosen_format.name == "jsonl"
        assert Path(dialog.query_one("#export-path", Input).value).parent == out.parent
        assert dialog.query_one(RadioSet).pressed_button.id == "format-jsonl"


@pytest.mark.slow
async def test_a_damaged_settings_file_gives_one_notification_and_the_defaults(db):
    path = settings_path()
    path.parent.mkdir(parents=True)
    path.write_text('{"theme": "nord", ', encoding="utf-8")
    app = new_app(db)
    async with app.run_test(size=APP_SIZE, notifications=True) as pilot:
        await settle(pilot)
        assert app.theme == "textual-dark" and app.browse.grouping is Grouping.CITY
        said = [t for t in toasts(app) if SETTINGS_FILE in t]
        assert len(said) == 1 and "not valid JSON" in said[0]


@pytest.mark.slow
async def test_values_the_app_does_not_know_are_named_and_left_at_their_defaults(db):
    path = settings_path()
    write_settings(path, Settings(theme="no-such-theme", grouping="county", export_format="xlsx"))
    app = new_app(db)
    async with app.run_test(size=APP_SIZE, notifications=True) as pilot:
        await settle(pilot)
        assert app.theme == "textual-dark" and app.browse.grouping is Grouping.CITY
        assert app.browse.export_format.name == "articles"
        (said,) = [t for t in toasts(app) if SETTINGS_FILE in t]
        for name in ("no-such-theme", "county", "xlsx"):
            assert name in said


@pytest.fixture
def read_only_settings_folder(tmp_path, monkeypatch):
    """A settings folder the app cannot write to: read-only, or under /proc where not even root writes."""
    if os.geteuid() == 0:
        if not Path("/proc/self").is_dir():
            pytest.skip("needs a folder the user cannot write to")
        monkeypatch.setenv("FIVE_STAR_CONFIG", "/proc/five-star-tui-settings")
        yield
        return
    folder = settings_path().parent
    folder.mkdir(parents=True)
    folder.chmod(0o500)
    yield
    folder.chmod(0o700)


@pytest.mark.slow
async def test_a_read_only_settings_folder_is_borne(db, read_only_settings_folder):
    app = new_app(db)
    async with app.run_test(size=APP_SIZE, notifications=True) as pilot:
        await settle(pilot)
        app.theme = "textual-light"
        await pilot.press("t")
        await settle(pilot)
        assert app.theme == "textual-light" and app.browse.grouping is Grouping.PROGRAM  # still works
        said = [t for t in toasts(app) if "will not be kept" in t]
        assert len(said) == 1  # said once, though two choices could not be saved
    assert not settings_path().exists()
