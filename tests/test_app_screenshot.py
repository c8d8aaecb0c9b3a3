"""The screenshot command saves somewhere that exists and says where (Textual's default is ~/Downloads)."""

from __future__ import annotations

import pytest
from textual.widgets._toast import Toast

from helpers.app import APP_SIZE, library_copy, make_app, settle, wait_until

pytestmark = pytest.mark.slow


async def test_a_screenshot_is_saved_beside_exports_when_there_is_no_downloads_folder(
    tmp_path_factory, tmp_path, monkeypatch
):
    home = tmp_path / "home"  # a fresh account: no Downloads folder anywhere
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_DOWNLOAD_DIR", str(home / "Downloads"))
    exports = tmp_path / "exports"
    exports.mkdir()
    app = make_app(library_copy(tmp_path_factory, tmp_path / "lib"), exports)
    async with app.run_test(size=APP_SIZE, notifications=True) as pilot:
        await settle(pilot)
        app.action_screenshot()
        await wait_until(pilot, lambda: any(exports.glob("*.svg")))
        await wait_until(pilot, lambda: any("Saved screenshot" in str(t.render()) for t in app.screen.query(Toast)))
        toast = next(str(t.render()) for t in app.screen.query(Toast) if "Saved screenshot" in str(t.render()))
    [saved] = exports.glob("*.svg")
    assert saved.read_text(encoding="utf-8").lstrip().startswith("<svg")
    assert str(exports) in toast
    assert not (home / "Downloads").exists()
