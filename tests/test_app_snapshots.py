"""Snapshots of what the app looks like (pytest-textual-snapshot) at a fixed terminal size.

Deterministic by construction: a fixed clock and export folder, the library path shown relative to
the working directory. Update after an intended change with ``pytest --snapshot-update``.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from helpers.app import library_copy, make_app, settle

SIZE = (120, 36)
EXPORT_DIR = Path("/srv/exports")


@pytest.fixture
def app(tmp_path_factory, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    return make_app(library_copy(tmp_path_factory, tmp_path), EXPORT_DIR)


def after(*keys: str):
    async def run_before(pilot) -> None:
        await settle(pilot)
        for key in keys:
            await pilot.press(key)
            await settle(pilot)

    return run_before


def test_main_view_with_an_article_open(snap_compare, app):
    assert snap_compare(app, terminal_size=SIZE, run_before=after("l", "l", "l", "j", "right_square_bracket"))


def test_search_filters_the_tree(snap_compare, app):
    assert snap_compare(app, terminal_size=SIZE, run_before=after("slash", *"红色物业", "enter"))


def test_export_dialog(snap_compare, app):
    assert snap_compare(app, terminal_size=SIZE, run_before=after("l", "l", "l", "j", "space", "e"))


def test_help_screen(snap_compare, app):
    assert snap_compare(app, terminal_size=SIZE, run_before=after("question_mark"))
