"""The installed ``five-star-tui`` in a real pseudo-terminal: first run, search, select, export, quit."""

from __future__ import annotations

import csv
import os
import re
from pathlib import Path

import pytest

from helpers.terminal import TIMEOUT, Tmux, installed_script

pexpect = pytest.importorskip("pexpect")

pytestmark = pytest.mark.slow  # the installed app in a real pseudo-terminal



def spawn(args: list[str], tmp_path: Path, db: Path):
    env = dict(os.environ, FIVE_STAR_DB=str(db), TERM="xterm-256color", COLUMNS="140", LINES="40")
    try:
        return pexpect.spawn(
            installed_script(), args, env=env, cwd=str(tmp_path), dimensions=(40, 140),
            encoding="utf-8", codec_errors="replace", timeout=TIMEOUT,
        )
    except (OSError, pexpect.ExceptionPexpect) as exc:
        pytest.skip(f"no pseudo-terminal here: {exc}")


def test_search_select_export_quit_in_a_real_terminal(tmp_path):
    from five_star.store.library.library import Library

    db = tmp_path / "data" / "library.json"
    out = tmp_path / "picked.csv"
    child = spawn([], tmp_path, db)
    try:
        child.expect(r"[1-9][\d,]* articles ·")
        child.send("/")
        child.expect("search: words")  # the box is up (its placeholder drawn) before typing into it
        child.send("红色物业")
        child.expect(r"\d+ hits? for")
        child.send("\r")  # to the first hit
        child.expect(r"hit 1 of")
        child.send(" ")
        child.expect("1 selected")
        child.send("e")
        child.expect("Save to")
        # The field selects its default name when it takes focus, so typing replaces it, as a person would.
        child.send(out.name)  # a bare name is saved in the working folder, beside the default
        child.expect(r"\x1b\[[0-9;]*m ?" + re.escape(out.name))  # the field shows exactly that, nothing else
        child.send("\r")
        child.expect(r"Exported 1 article to")
        child.send("q")
        child.expect(pexpect.EOF)
    finally:
        child.close(force=True)
    assert child.exitstatus == 0
    with out.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    with Library.open(db) as library:
        articles = {a.id: a for a in library.articles()}
    assert len(rows) == 1
    article = articles[rows[0]["id"]]
    assert "红色物业" in (article.title or "") + article.text
    assert rows[0]["title"] == (article.title or "")


def test_a_corrupt_library_gives_one_line_and_no_traceback(tmp_path):
    db = tmp_path / "library.json"
    db.write_text('{"_default": {"1": {"broken', encoding="utf-8")
    child = spawn([], tmp_path, db)
    try:
        child.expect(pexpect.EOF)
        output = child.before
    finally:
        child.close(force=True)
    assert child.exitstatus == 1
    assert "Traceback" not in output
    assert "five-star-tui: " in output and "library.json" in output


def test_what_a_person_sees_after_a_search_in_a_real_terminal(tmp_path):
    """Issue 9's acceptance, on screen: the pane's count equals the tree line's; a query the app cannot read
    warns instead of matching everything; Esc after a search keeps the open article on screen."""
    db = tmp_path / "data" / "library.json"
    window = Tmux(tmp_path, db)
    try:
        window.wait_for(r"26 articles ·")
        window.keys("/")
        window.wait_for("search: words")
        window.keys("漯河")
        window.wait_for(r"\d+ hits? for")
        tree_line = window.wait_for(r"[▼▶] 漯河市 (\d+)")
        # the pane once it has come round to the group the search left the cursor on
        pane = window.wait_for(r"(?m)▕ 漯河市\s*\n.*▕ (\d+) articles? ·")
        assert tree_line.group(1) == pane.group(1)
        window.keys("C-u")
        window.keys("value>=abc")
        window.wait_for("nothing usable in the query: value>=abc")
        assert "26 hits" not in window.screen()
        window.keys("C-u")
        window.keys("红色物业")
        window.wait_for(r"\d+ hits? for")
        window.keys("Enter")
        window.wait_for(r"hit 1 of")
        before = window.screen().splitlines()[1].split("▕")[-1].strip()  # the pane's first line: the title
        window.keys("Escape")
        window.wait_for(r"26 articles ·")
        after = window.screen().splitlines()[1].split("▕")[-1].strip()
        assert before and after == before
    finally:
        window.close()
