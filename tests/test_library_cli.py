"""``five-star-tui ingest | reindex | stats | search | export`` run as a user runs them (installed command,
output not a terminal): plain text, no ANSI codes, one-line errors, no tracebacks."""

from __future__ import annotations

import csv
import os
import subprocess
import sys
from pathlib import Path

import pytest

from five_star.store.library.library import Library
from five_star.store.library.storage import backup_path
from five_star.store.query.search import SearchIndex
from helpers.library import copy_library, seeds_library

pytestmark = pytest.mark.slow  # every test starts the installed CLI in a new interpreter

# The installed console script beside this interpreter, else the module (same entry point).
_SCRIPT = Path(sys.executable).with_name("five-star-tui")
COMMAND = [str(_SCRIPT)] if _SCRIPT.exists() else [sys.executable, "-m", "five_star.tui.cli"]


def cli(*args: str, db: Path | None = None) -> subprocess.CompletedProcess:
    env = dict(os.environ, COLUMNS="200")
    env.pop("FORCE_COLOR", None)
    command = [*COMMAND, *args] + (["--db", str(db)] if db else [])
    return subprocess.run(command, capture_output=True, text=True, env=env, timeout=120)


def plain(result: subprocess.CompletedProcess) -> None:
    assert "\x1b" not in result.stdout and "\x1b" not in result.stderr
    assert "Traceback" not in result.stderr


@pytest.fixture
def library(tmp_path_factory, tmp_path) -> Path:
    return copy_library(seeds_library(tmp_path_factory), tmp_path / "lib")


@pytest.fixture(scope="module")
def seed_articles(tmp_path_factory):
    with Library.open(seeds_library(tmp_path_factory)) as lib:
        return lib.articles()


def test_ingest_reports_files_articles_and_skips(tmp_path):
    db = tmp_path / "new" / "library.json"
    pages = tmp_path / "pages"
    pages.mkdir()
    (pages / "a.txt").write_text("郑州市推进红色物业\n\n物业服务进社区，覆盖小区20个。\n", encoding="utf-8")
    (pages / "b.txt").write_bytes(bytes(range(256)) * 4)
    result = cli("ingest", str(pages), str(tmp_path / "missing.txt"), db=db)
    plain(result)
    assert result.returncode == 0
    assert "files read" in result.stdout and "articles added" in result.stdout
    assert "binary file" in result.stdout and "missing.txt" in result.stdout
    skipped_lines = [line for line in result.stderr.splitlines() if "skipped" in line]
    assert len(skipped_lines) == 2
    with Library.open(db) as lib:
        assert [a.source for a in lib.articles()] == ["a.txt"]

    again = cli("ingest", str(pages / "a.txt"), db=db)
    assert again.returncode == 0
    assert [line.split("│")[2].strip() for line in again.stdout.splitlines() if "of which unchanged" in line] == ["1"]


def test_ingest_of_nothing_readable_fails(tmp_path):
    result = cli("ingest", str(tmp_path / "missing.txt"), db=tmp_path / "library.json")
    plain(result)
    assert result.returncode == 1 and "nothing could be read" in result.stderr


def test_truncated_library_is_one_clear_line_and_a_failing_exit(library):
    good = library.read_bytes()
    backup_path(library).write_bytes(good)
    library.write_bytes(good[: len(good) // 2])
    for command in (["stats"], ["search", "支部"], ["reindex"], ["ingest", str(library.parent)]):
        result = cli(*command, db=library)
        plain(result)
        assert result.returncode == 1, command
        assert result.stdout == ""
        lines = result.stderr.splitlines()
        assert len(lines) == 1, (command, result.stderr)
        assert str(library) in lines[0] and "damaged" in lines[0] and str(backup_path(library)) in lines[0]
    assert library.read_bytes() == good[: len(good) // 2]


def test_missing_library_for_reading_commands(tmp_path):
    result = cli("stats", db=tmp_path / "none.json")
    plain(result)
    assert result.returncode == 1 and "no library at" in result.stderr


def test_stats_tables(library, seed_articles):
    result = cli("stats", db=library)
    plain(result)
    assert result.returncode == 0
    out = result.stdout
    assert f"{len(seed_articles)} articles from 5 pages" in out
    for title in ("Articles per city", "Articles per program", "Star tallies per city"):
        assert title in out
    city_counts = {}
    for article in seed_articles:
        city_counts[article.city or "未定位"] = city_counts.get(article.city or "未定位", 0) + 1
    section = out.split("Articles per city")[1].split("Articles per program")[0]
    shown = {}
    for line in section.splitlines():
        cells = [c.strip() for c in line.split("│") if c.strip()]
        if len(cells) == 2 and cells[1].isdigit():
            shown[cells[0]] = int(cells[1])
    assert shown == city_counts


def test_search_prints_tab_separated_hits_for_scripts(library, seed_articles):
    result = cli("search", "红色物业", db=library)
    plain(result)
    assert result.returncode == 0
    rows = [line.split("\t") for line in result.stdout.splitlines()]
    expected = {h.article_id for h in SearchIndex(seed_articles).search("红色物业")}
    assert {row[3] for row in rows} == expected and len(rows) == len(expected)
    by_id = {a.id: a for a in seed_articles}
    for title, city, source, article_id in rows:
        article = by_id[article_id]
        assert (title, city, source) == (article.label, article.city or "", article.source)


def test_search_without_hits_exits_1_and_warns_about_ignored_parts(library):
    result = cli("search", "没有这个词组合 value>=abc", db=library)
    plain(result)
    assert result.returncode == 1 and result.stdout == ""
    assert "ignored value>=abc: not a number" in result.stderr
    assert "no articles match" in result.stderr


def test_export_refuses_to_overwrite_without_force(library, tmp_path):
    target = tmp_path / "out.csv"
    target.write_text("keep me", encoding="utf-8")
    result = cli("export", "-o", str(target), db=library)
    plain(result)
    assert result.returncode == 1
    assert result.stderr.strip() == f"five-star-tui: {target} already exists; add --force to overwrite it"
    assert target.read_text(encoding="utf-8") == "keep me"

    forced = cli("export", "city:漯河", "-o", str(target), "--force", db=library)
    plain(forced)
    assert forced.returncode == 0 and "wrote" in forced.stderr
    with target.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert rows and all(row["city"] == "漯河市" for row in rows)


@pytest.mark.parametrize("fmt", ["articles", "figures", "jsonl"])
def test_export_formats_match_a_query(library, seed_articles, tmp_path, fmt):
    target = tmp_path / f"out.{fmt}"
    result = cli("export", "乡村振兴", "-o", str(target), "--format", fmt, db=library)
    plain(result)
    assert result.returncode == 0
    hits = {h.article_id for h in SearchIndex(seed_articles).search("乡村振兴")}
    chosen = [a for a in seed_articles if a.id in hits]  # library order
    if fmt == "jsonl":
        import json

        ids = [json.loads(line)["id"] for line in target.read_text(encoding="utf-8").splitlines()]
        assert ids == [a.id for a in chosen]
    else:
        with target.open(encoding="utf-8-sig", newline="") as handle:
            rows = list(csv.DictReader(handle))
        key = "id" if fmt == "articles" else "article_id"
        assert [r[key] for r in rows] == (
            [a.id for a in chosen] if fmt == "articles" else [a.id for a in chosen for _ in a.figures]
        )


def test_export_of_nothing_matching_writes_nothing(library, tmp_path):
    result = cli("export", "没有这个词组合", "-o", str(tmp_path / "x.csv"), db=library)
    plain(result)
    assert result.returncode == 1 and "nothing written" in result.stderr
    assert not (tmp_path / "x.csv").exists()


def test_reindex_reports_unchanged(library):
    result = cli("reindex", db=library)
    plain(result)
    assert result.returncode == 0 and "articles unchanged" in result.stdout


def test_untrusted_text_is_never_markup_or_escapes(tmp_path):
    db = tmp_path / "library.json"
    page = tmp_path / "[red]evil.txt"
    page.write_text("[bold red]漯河市[/] 红色物业\x1b[31m推进会\n\n漯河市红色物业工作推进。\n", encoding="utf-8")
    missing = tmp_path / "[bold]gone[/bold].txt"
    ingest = cli("ingest", str(page), str(missing), db=db)
    plain(ingest)
    assert "[bold]gone[/bold].txt" in ingest.stdout  # the skipped-files table shows the name as written
    result = cli("search", "红色物业", db=db)
    plain(result)
    title, _city, source, _ = result.stdout.splitlines()[0].split("\t")
    assert source == "[red]evil.txt" and "[bold red]" in title


def test_a_query_with_nothing_usable_fails_instead_of_matching_everything(library, tmp_path):
    for query in ("value>=abc", "-"):
        result = cli("search", query, db=library)
        assert result.returncode == 1
        assert "nothing usable" in result.stderr and "Traceback" not in result.stderr
    result = cli("export", "value>=abc", "-o", str(tmp_path / "out.csv"), db=library)
    assert result.returncode == 1
    assert not (tmp_path / "out.csv").exists()


def test_export_without_a_file_name_says_so(library):
    result = cli("export", "-o", "", db=library)
    assert result.returncode == 1
    assert "no output file" in result.stderr
