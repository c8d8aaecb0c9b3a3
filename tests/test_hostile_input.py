"""Issue 12: hostile rows in a library and hostile file names give one line, never a traceback."""

from __future__ import annotations

import json
import os

import pytest

from five_star.store.library.library import Library
from five_star.tui.cli import main
from helpers.library import copy_library, seeds_library


@pytest.fixture
def library(tmp_path_factory, tmp_path):
    return copy_library(seeds_library(tmp_path_factory), tmp_path)


def _no_page(data):
    del next(iter(data["articles"].values()))["page"]


def _figures_as_text(data):
    next(iter(data["articles"].values()))["figures"] = "12个"


def _word_id(data):
    articles = data["articles"]
    first = next(iter(articles))
    articles["abc"] = articles.pop(first)


def _keywords_as_text(data):
    next(iter(data["articles"].values()))["keywords"] = "五星支部"


def _a_number_in_the_keywords(data):
    next(iter(data["articles"].values()))["keywords"] = ["五星", 5]


def _title_as_number(data):
    next(iter(data["articles"].values()))["title"] = 12


def _published_as_number(data):
    next(iter(data["articles"].values()))["published"] = 20230501


def _region_as_list(data):
    next(iter(data["articles"].values()))["region"] = []


def _figure_value_as_text(data):
    article = next(row for row in data["articles"].values() if row["figures"])
    article["figures"][0]["value"] = "一百"


def _tier_as_text(data):
    article = next(row for row in data["articles"].values() if row["star_counts"])
    article["star_counts"][0]["tier"] = "五"


@pytest.mark.parametrize(
    "damage",
    [_no_page, _figures_as_text, _word_id, _keywords_as_text, _a_number_in_the_keywords, _title_as_number,
     _published_as_number, _region_as_list, _figure_value_as_text, _tier_as_text],
)
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


def _page_without_removed(data):
    del next(iter(data["pages"].values()))["removed"]


def _removed_as_text(data):
    next(iter(data["pages"].values()))["removed"] = "分享到"


def _removed_item_without_line(data):
    page = next(row for row in data["pages"].values() if row["removed"])
    del page["removed"][0]["line"]


@pytest.mark.parametrize("damage", [_page_without_removed, _removed_as_text, _removed_item_without_line])
@pytest.mark.parametrize("command", [["reindex"], ["stats"], ["ingest", "PAGE"]])
def test_a_hostile_page_row_gives_one_line_naming_it(library, tmp_path, capsys, damage, command):
    data = json.loads(library.read_text("utf-8"))
    damage(data)
    library.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    before = library.read_bytes()
    page = tmp_path / "page.txt"
    page.write_text("舞阳县召开“五星”支部创建推进会\n\n舞阳县各村党支部书记参加会议。\n", encoding="utf-8")
    argv = ["--db", str(library), *[str(page) if part == "PAGE" else part for part in command]]
    assert main(argv) == 1
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "Traceback" not in err
    assert "table 'pages'" in err and "'removed'" in err and str(library) in err
    assert library.read_bytes() == before


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


def test_opening_checks_sound_rows_without_the_field_by_field_check(library, monkeypatch):
    """The field-by-field check (``row_problem``) costs ~13 µs an article; only a row that fails the fast
    path goes through it."""
    from five_star.store.library import rows as module
    from five_star.store.library.library import Library

    def not_on_sound_rows(table, doc_id, row):
        if table == "articles":
            raise AssertionError(f"row {doc_id} of a sound library checked field by field")
        return None

    monkeypatch.setattr(module, "row_problem", not_on_sound_rows)
    with Library.open(library) as lib:
        assert len(lib.articles()) == 26


def test_a_file_name_that_is_not_utf8_is_ingested_recognised_again_and_found(tmp_path, capsys):
    pages = tmp_path / "pages"
    pages.mkdir()
    name = os.fsdecode(b"bad\xff.txt")
    (pages / name).write_text("漯河市召开“五星”支部创建推进会\n\n漯河市各村党支部书记参加会议，部署红色物业工作。\n", encoding="utf-8")
    db = str(tmp_path / "lib.json")
    assert main(["--db", db, "ingest", str(pages)]) == 0
    captured = capsys.readouterr()
    assert "could not be processed" not in captured.out + captured.err and "Traceback" not in captured.err
    with Library.open(db) as lib:
        [page] = lib.pages()
        assert page.source == "bad\\xff.txt" and page.path.endswith("bad\\xff.txt") and page.articles
        stored = [a.to_dict() for a in lib.articles()]
    assert main(["--db", db, "ingest", str(pages / name)]) == 0  # the same file again: recognised, unchanged
    captured = capsys.readouterr()
    with Library.open(db) as lib:
        assert [a.to_dict() for a in lib.articles()] == stored and lib.page_count == 1
        [page_key] = [p.path for p in lib.pages()]
    assert page_key == page_key_of(pages / name)
    assert main(["--db", db, "search", "红色物业"]) == 0
    out = capsys.readouterr().out
    assert "bad\\xff.txt" in out


def page_key_of(path):
    from five_star.store.library.library import page_key

    return page_key(path)


def test_a_hostile_db_path_reaches_stderr_without_escapes(tmp_path, capsys):
    db = tmp_path / "lib\x1b]0;owned\x07\x1b[2J\xff.json"
    db.mkdir()  # a folder: the command fails with a message naming it
    assert main(["--db", str(db), "stats"]) == 1
    err = capsys.readouterr().err
    assert "\x1b" not in err and "\x07" not in err and "lib" in err and len(err.strip().splitlines()) == 1
    err.encode("utf-8")
