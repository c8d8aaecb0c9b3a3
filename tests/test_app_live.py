"""A live library: an ingest in another process shows in the open app, in place (issue 14, deliverable 3)."""

from __future__ import annotations

import asyncio
import os
import re
import subprocess
import time
from pathlib import Path

import pytest

from five_star.store.library.ingest import ingest
from five_star.store.library.library import Library
from five_star.tui.widgets.search_bar import SearchBar
from helpers.app import APP_SIZE, make_app, pane_text, settle, status_of, toasts, top_labels, tree_of, wait_until
from helpers.terminal import Tmux, installed_script

pytestmark = pytest.mark.slow  # the real app through a pilot, and a real ingest

HEBI_PAGE = """淇县“五星”支部创建助力乡村振兴

本报记者 张明

2023年6月12日，鹤壁市淇县北阳镇油城村党群服务中心里，村民们正在议事。今年以来，淇县扎实推进“五星”支部创建，\
全县已有12个村创成“五星”支部，投资860万元建设红色物业服务站。
"""

SHOWN_WITHIN = 15.0  # seconds from the end of the other ingest: generous for a loaded machine; the poll is 1 s


async def ingest_elsewhere(db: Path, page: Path) -> None:
    """``five-star-tui ingest page`` in a process of its own, as from another terminal; the app runs meanwhile."""
    process = await asyncio.create_subprocess_exec(
        installed_script(), "ingest", str(page),
        env=dict(os.environ, FIVE_STAR_DB=str(db)),
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )
    out, err = await process.communicate()
    assert process.returncode == 0, (out + err).decode()


def write_hebi(folder: Path) -> Path:
    page = folder / "hebi.txt"
    page.write_text(HEBI_PAGE, encoding="utf-8")
    return page


async def test_an_ingest_in_another_process_shows_in_place(db, tmp_path):
    page = write_hebi(tmp_path)
    app = make_app(db, tmp_path)
    async with app.run_test(size=APP_SIZE, notifications=True) as pilot:
        await settle(pilot)
        tree = tree_of(app)
        assert "鹤壁市" not in " ".join(top_labels(tree))
        await pilot.press("slash", *"五星", "enter")
        await settle(pilot)
        await pilot.press("j", "space")  # the second hit, open and selected
        await settle(pilot)
        screen = app.screen
        open_id = tree.cursor_node.data.article_id
        assert open_id is not None and screen.selected == {open_id}
        title = pane_text(app).splitlines()[0]
        hits_before = screen.hit_count

        await ingest_elsewhere(db, page)
        ended = time.monotonic()
        await wait_until(pilot, lambda: any("鹤壁市" in label for label in top_labels(tree)), SHOWN_WITHIN)
        print(f"鹤壁市 shown {time.monotonic() - ended:.1f} s after the other ingest ended")

        assert screen.query_one(SearchBar).value == "五星"
        assert screen.hit_count == hits_before + 1
        assert f"{hits_before + 1} hits for “五星”" in status_of(app)
        assert tree.cursor_node.data.article_id == open_id
        assert pane_text(app).splitlines()[0] == title
        assert screen.selected == {open_id}
        assert "1 selected" in status_of(app)
        await wait_until(pilot, lambda: any("Library updated: +1 article" in toast for toast in toasts(app)))


async def test_open_groups_stay_open_and_the_cursor_stays_under_its_program(db, tmp_path):
    page = write_hebi(tmp_path)
    app = make_app(db, tmp_path)
    async with app.run_test(size=APP_SIZE, notifications=True) as pilot:
        await settle(pilot)
        tree = tree_of(app)
        await pilot.press("enter", "j", "enter", "j")  # the first city, its first program, its first article
        await settle(pilot)
        node = tree.cursor_node
        program = node.parent
        where = (program.data.top, program.data.middle, node.data.article_id)
        # An article is listed under each of its programs; this one is not under its first one here, where
        # going to the article by its id alone would put the cursor.
        assert app.screen.index.articles[node.data.article_id].programs[0] != program.data.middle
        total = app.screen.total

        with Library.open(db) as library:
            await asyncio.to_thread(ingest, library, [page])
        await wait_until(pilot, lambda: app.screen.total == total + 1, SHOWN_WITHIN)
        await settle(pilot)

        assert any("鹤壁市" in label for label in top_labels(tree))
        node = tree.cursor_node
        assert (node.parent.data.top, node.parent.data.middle, node.data.article_id) == where
        assert node.parent.is_expanded and node.parent.parent.is_expanded
        opened = [n.data.middle for n in node.parent.parent.children if n.is_expanded]
        assert opened == [where[1]]  # and no other program opened on the way


async def test_a_library_file_behind_a_symbolic_link_is_watched_where_it_really_is(db, tmp_path):
    page = write_hebi(tmp_path)
    link = tmp_path / "linked.json"
    link.symlink_to(db)
    app = make_app(link, tmp_path)
    async with app.run_test(size=APP_SIZE, notifications=True) as pilot:
        await settle(pilot)
        total = app.screen.total
        with Library.open(db) as library:  # written through the target's own name
            await asyncio.to_thread(ingest, library, [page])
        await wait_until(pilot, lambda: app.screen.total == total + 1, SHOWN_WITHIN)
        assert link.is_symlink()


async def test_a_library_changed_into_something_unreadable_is_one_notice_and_the_articles_stay(db, tmp_path):
    app = make_app(db, tmp_path)
    async with app.run_test(size=APP_SIZE, notifications=True) as pilot:
        await settle(pilot)
        total = app.screen.total
        labels = top_labels(tree_of(app))
        broken = tmp_path / "broken.json"
        broken.write_text('{"_default": {"1": {"broken', encoding="utf-8")
        os.replace(broken, db)  # as a writer replaces it
        await wait_until(pilot, lambda: any("cannot be read" in toast for toast in toasts(app)), SHOWN_WITHIN)
        await settle(pilot)
        notices = [toast for toast in toasts(app) if "cannot be read" in toast]
        assert len(notices) == 1 and "Traceback" not in notices[0]
        assert str(db.name) in notices[0]
        assert app.screen.total == total and top_labels(tree_of(app)) == labels
        await pilot.pause(2.5)  # two more polls: the same broken file is not read (nor reported) again
        assert len([toast for toast in toasts(app) if "cannot be read" in toast]) == 1


# ---- in a real terminal -------------------------------------------------------------------------------


def test_an_ingest_from_another_shell_shows_in_the_app_in_a_real_terminal(db, tmp_path):
    page = write_hebi(tmp_path)
    window = Tmux(tmp_path, db)
    try:
        window.wait_for("26 articles ·")
        assert "鹤壁市" not in window.screen()
        subprocess.run([installed_script(), "ingest", str(page)], env=dict(os.environ, FIVE_STAR_DB=str(db)),
                       capture_output=True, check=True)
        started = time.monotonic()
        window.wait_for("鹤壁市", SHOWN_WITHIN)
        print(f"鹤壁市 on screen {time.monotonic() - started:.1f} s after `five-star-tui ingest` returned")
        window.wait_for(re.escape("Library updated: +1 article"), 5)
        window.wait_for("27 articles ·", 5)
    finally:
        window.close()
