"""Issue 12: hostile rows in a library and hostile file names give one line, never a traceback."""

from __future__ import annotations

import json
import os
import shutil

import pytest

from five_star.tui.cli import main
from helpers.library import seeds_library


@pytest.fixture
def library(tmp_path_factory, tmp_path):
    path = tmp_path / "library.json"
    shutil.copy(seeds_library(tmp_path_factory), path)
    return path


def _no_page(data):
    del next(iter(data["articles"].values()))["page"]


def _figures_as_text(data):
    next(iter(data["articles"].values()))["figures"] = "12个"


def _word_id(data):
    articles = data["articles"]
    first = next(iter(articles))
    articles["abc"] = articles.pop(first)


@pytest.mark.parametrize("damage", [_no_page, _figures_as_text, _word_id])
@pytest.mark.parametrize("command", [["stats"], ["search", "五星"], ["export", "-o", "OUT"]])
def test_a_hostile_row_gives_one_line_naming_it(library, tmp_path, capsys, damage, command):
    data = json.loads(library.read_text("utf-8"))
    damage(data)
    library.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    argv = ["--db", str(library), *[str(tmp_path / "out.csv") if part == "OUT" else part for part in command]]
    assert main(argv) == 1
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "Traceback" not in err
    assert "table 'articles'" in err and str(library) in err


def test_hostile_file_names_are_sanitised_by_extract(tmp_path, capsys):
    name = os.fsdecode(b"bad\x1b]0;owned\x07\x1b[31m\xff\xfe.txt")
    (tmp_path / name).write_bytes(b"")  # empty: skipped, so its name is printed
    assert main(["extract", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert "\x1b" not in err and "\x07" not in err and "\\xff\\xfe" in err
    err.encode("utf-8")  # printable: no lone surrogates


def test_hostile_file_names_are_sanitised_by_ingest(tmp_path, capsys):
    name = os.fsdecode(b"bad\x1b[2J\xff.txt")
    (tmp_path / "pages").mkdir()
    (tmp_path / "pages" / name).write_bytes(b"")
    (tmp_path / "pages" / "good.txt").write_text("舞阳县召开“五星”支部创建推进会\n\n舞阳县各村党支部书记参加会议。\n", encoding="utf-8")
    assert main(["--db", str(tmp_path / "lib.json"), "ingest", str(tmp_path / "pages")]) == 0
    captured = capsys.readouterr()
    for stream in (captured.out, captured.err):
        assert "\x1b" not in stream
        stream.encode("utf-8")
    assert "\\xff" in captured.out + captured.err
