"""`five-star-tui extract` as a user runs it: real files, the installed console script, stderr read back."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys

import pytest

from five_star.seeds import seed_paths

pytestmark = pytest.mark.slow  # every test starts the installed CLI in a new interpreter

DOC_KEYS = {
    "id", "source", "first_line", "last_line", "kind", "title", "authors", "dates", "city", "places",
    "programs", "stars", "star_counts", "figures", "repairs", "text",
}


def run_cli(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "five_star.tui.cli", *args],
        capture_output=True,
        text=True,
        input=stdin,
        timeout=180,
    )


def test_extract_without_paths_reads_the_bundled_seeds():
    result = run_cli("extract")
    assert result.returncode == 0, result.stderr
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(rows) == 26
    assert {row["source"] for row in rows} == {p.name for p in seed_paths()}
    for row in rows:
        assert row.keys() >= DOC_KEYS
    assert "漯河" in result.stdout  # ensure_ascii=False: Chinese is written as itself
    assert result.stderr == ""


def test_mixed_folder_reports_each_bad_file_on_one_line_and_goes_on(tmp_path):
    folder = tmp_path / "pages"
    (folder / "nested").mkdir(parents=True)
    shutil.copy(seed_paths()[3], folder / "nested" / "good.txt")
    (folder / "binary.txt").write_bytes(bytes(range(256)) * 8)
    (folder / "empty.md").write_bytes(b"")
    (folder / "ignored.jpg").write_bytes(b"\xff\xd8\xff")
    missing = tmp_path / "missing.txt"

    result = run_cli("extract", str(folder), str(missing))

    assert result.returncode == 0
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert [row["source"] for row in rows] == ["good.txt"] * 4
    errors = result.stderr.splitlines()
    assert len(errors) == 3, result.stderr
    assert any("binary.txt" in e and "binary" in e for e in errors)
    assert any("empty.md" in e and "empty" in e for e in errors)
    assert any("missing.txt" in e and "no such file" in e for e in errors)
    assert "Traceback" not in result.stderr


def test_nothing_readable_exits_non_zero_without_traceback(tmp_path):
    (tmp_path / "empty.txt").write_text("")
    result = run_cli("extract", str(tmp_path / "empty.txt"), str(tmp_path / "nope"))
    assert result.returncode != 0
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
    assert "empty.txt" in result.stderr and "nope" in result.stderr


def test_undecodable_bytes_are_skipped_with_a_reason(tmp_path):
    (tmp_path / "noise.txt").write_bytes(b"\x81\x30" * 50 + b"\xff\xfe\xfd" * 50)
    shutil.copy(seed_paths()[2], tmp_path / "ok.txt")
    result = run_cli("extract", str(tmp_path))
    assert result.returncode == 0
    assert result.stdout.count("\n") == 8
    assert "noise.txt" in result.stderr and "Traceback" not in result.stderr


@pytest.mark.parametrize("flag", ["--help", "--version"])
def test_help_and_version(flag):
    result = run_cli(flag)
    assert result.returncode == 0
    assert "five-star-tui" in result.stdout


def test_store_never_imports_textual():
    """Every module of the store, imported in a fresh interpreter, brings in neither Textual nor the UI
    (the import-linter contracts say the same of the source; this checks what really gets loaded)."""
    code = (
        "import importlib, pkgutil, sys, five_star.store as store\n"
        "names = [m.name for m in pkgutil.walk_packages(store.__path__, 'five_star.store.')]\n"
        "for name in names: importlib.import_module(name)\n"
        "print(len(names)); print(sorted(m for m in sys.modules if m.split('.')[0] == 'textual' or m.startswith('five_star.tui')))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    count, loaded = result.stdout.splitlines()
    assert int(count) >= 30  # every module was walked, not just the package
    assert loaded == "[]"


def test_a_utf16_file_holding_only_its_bom_is_reported_empty(tmp_path):
    (tmp_path / "bom.txt").write_bytes(b"\xff\xfe")
    result = run_cli("extract", str(tmp_path / "bom.txt"))
    assert result.returncode != 0
    assert "bom.txt" in result.stderr and "empty file" in result.stderr
