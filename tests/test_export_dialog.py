"""The export dialog checks the path before it closes, offers to create a missing folder, and fits 40×12."""

from __future__ import annotations

import os

import pytest
from textual.geometry import Region
from textual.widgets import Button, Input, Label

from five_star.tui.screens.export import ExportDialog
from helpers.app import make_app, settle, toasts, wait_until

pytestmark = pytest.mark.slow  # drives the real app through a pilot


def error_of(app) -> str:
    return str(app.screen.query_one("#export-error", Label).render())


async def open_dialog(pilot) -> ExportDialog:
    await settle(pilot)
    await pilot.press("e")
    await wait_until(pilot, lambda: isinstance(pilot.app.screen, ExportDialog))
    return pilot.app.screen


async def type_path(pilot, path) -> None:
    assert pilot.app.screen.query_one("#export-path", Input).has_focus
    await pilot.press("ctrl+u", *str(path), "enter")
    await settle(pilot)


async def test_the_error_goes_away_once_the_path_is_changed(db, tmp_path):
    app = make_app(db, tmp_path)
    async with app.run_test(notifications=True) as pilot:
        await open_dialog(pilot)
        await type_path(pilot, tmp_path)  # a folder, not a file
        assert isinstance(app.screen, ExportDialog)
        assert "is a folder" in error_of(app)
        await pilot.press("/", "a")
        await pilot.pause()
        assert error_of(app) == ""
        await type_path(pilot, "")
        assert "Type a file name" in error_of(app)
        await pilot.press("x")
        await pilot.pause()
        assert error_of(app) == ""


async def test_a_missing_folder_is_offered_for_creation(db, tmp_path):
    from five_star.tui.screens.export import ConfirmCreateFolder

    folder = tmp_path / "new" / "deeper"
    out = folder / "out.csv"
    app = make_app(db, tmp_path)
    async with app.run_test(notifications=True) as pilot:
        await open_dialog(pilot)
        await type_path(pilot, out)
        assert isinstance(app.screen, ConfirmCreateFolder)
        assert str(folder) in str(app.screen.query_one(".dialog-title", Label).render())
        await pilot.press("n")
        await settle(pilot)
        assert isinstance(app.screen, ExportDialog)  # back, with the path still typed
        assert not folder.exists()
        assert app.screen.query_one("#export-path", Input).value == str(out)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmCreateFolder)
        await pilot.press("y")
        await settle(pilot)
        assert not isinstance(app.screen, ExportDialog)
        await wait_until(pilot, lambda: any("Exported" in t for t in toasts(app)))
    assert folder.is_dir() and out.read_bytes().startswith(b"\xef\xbb\xbf")


async def test_an_unwritable_path_is_refused_in_the_dialog(db, tmp_path):
    app = make_app(db, tmp_path)
    async with app.run_test(notifications=True) as pilot:
        await open_dialog(pilot)
        await type_path(pilot, "/proc/x.csv")
        assert isinstance(app.screen, ExportDialog)  # still open: the path can be fixed, not retyped
        assert "Cannot write in /proc" in error_of(app)
        assert app.screen.query_one("#export-path", Input).value == "/proc/x.csv"
        assert not any("x.csv" in t for t in toasts(app))
        # a folder where the parent is a file
        blocker = tmp_path / "a-file"
        blocker.write_text("x", encoding="utf-8")
        await type_path(pilot, blocker / "x.csv")
        assert isinstance(app.screen, ExportDialog)
        assert "not a folder" in error_of(app)
    assert not list(tmp_path.glob(".five-star-check-*"))


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes in read-only folders")
async def test_a_read_only_folder_is_refused_in_the_dialog(db, tmp_path):
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o555)
    app = make_app(db, tmp_path)
    try:
        async with app.run_test(notifications=True) as pilot:
            await open_dialog(pilot)
            await type_path(pilot, locked / "x.csv")
            assert isinstance(app.screen, ExportDialog)
            assert f"Cannot write in {locked}" in error_of(app)
    finally:
        locked.chmod(0o755)


async def test_at_40x12_the_path_and_the_buttons_are_on_screen(db, tmp_path):
    app = make_app(db, tmp_path)
    async with app.run_test(size=(40, 12), notifications=True) as pilot:
        dialog = await open_dialog(pilot)
        await pilot.pause()
        screen = Region(0, 0, 40, 12)
        for widget in (dialog.query_one("#export-path", Input), dialog.query_one("#export-go", Button)):
            visible = dialog.find_widget(widget).visible_region
            assert visible.height > 0 and screen.contains_region(visible), widget
            assert visible == widget.region, widget  # all of it, not a sliver
        # and the button works from there
        await pilot.click("#export-go")
        await settle(pilot)
        assert not isinstance(app.screen, ExportDialog)
        await wait_until(pilot, lambda: any("Exported" in t for t in toasts(app)))
