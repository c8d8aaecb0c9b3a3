"""Issue 12: no path that loses data. Reindex keeps pages it cannot read, backups have generations, a
symlinked library is written through, odd --db targets get one line, and the temp a killed export leaves
behind is removed by the next export once it is 10 minutes old."""

from __future__ import annotations

import gzip
import os
import shutil
import subprocess
import sys
import time

import pytest

from five_star.store.errors import FiveStarError
from five_star.store.library.ingest import ingest, reindex
from five_star.store.library.library import Library
from five_star.store.library.page_store import page_store_path
from five_star.store.library.storage import backup_path, backup_paths, write_atomically
from five_star.tui.cli import main
from helpers.library import copy_library, seeds_library


@pytest.fixture
def library(tmp_path_factory, tmp_path):
    return copy_library(seeds_library(tmp_path_factory), tmp_path)


def _drop_raw_rows(path):
    shutil.rmtree(page_store_path(path))


def test_reindex_keeps_the_articles_of_pages_whose_raw_text_is_gone(library):
    with Library.open(library) as lib:
        before = [a.to_dict() for a in lib.articles()]
        pages = lib.page_count
    _drop_raw_rows(library)
    with Library.open(library) as lib:
        report = reindex(lib)
        after = [a.to_dict() for a in lib.articles()]
    assert after == before and report.articles_removed == 0
    assert len(report.skipped) == pages
    assert all("raw text is missing" in reason for _, reason in report.skipped)


def test_reindex_from_the_cli_says_which_pages_it_kept(library, capsys):
    _drop_raw_rows(library)
    with Library.open(library) as lib:
        count = len(lib.articles())
    assert main(["--db", str(library), "reindex"]) == 0
    out = capsys.readouterr().out
    assert "raw text is missing" in out
    with Library.open(library) as lib:
        assert len(lib.articles()) == count


def test_backups_keep_three_generations(tmp_path):
    path = tmp_path / "db.json"
    for n in range(5):
        write_atomically(path, f"v{n}".encode(), keep_backup=True)
    assert [p.read_bytes() for p in backup_paths(path)] == [b"v3", b"v2", b"v1"]
    assert not (tmp_path / "db.json.bak.3").exists()


def test_a_damaged_library_names_the_newest_backup_that_reads(library, tmp_path):
    good = library.read_bytes()
    backup_path(library, 2).write_bytes(good)
    backup_path(library, 1).write_bytes(good[:100])  # a bad generation is passed over
    library.write_bytes(good[:200])
    with pytest.raises(FiveStarError) as caught:
        Library.open(library)
    message = str(caught.value)
    assert "\n" not in message and str(backup_path(library, 2)) in message


def test_a_symlinked_library_is_written_through_to_its_target(library, tmp_path):
    link = tmp_path / "link.json"
    link.symlink_to(library)
    page = tmp_path / "page.txt"
    page.write_text("舞阳县召开“五星”支部创建推进会\n\n舞阳县各村党支部书记参加会议，部署红色物业工作。\n", encoding="utf-8")
    before = library.read_bytes()
    with Library.open(link) as lib:
        ingest(lib, [page])
    assert link.is_symlink() and os.readlink(link) == str(library)
    assert library.read_bytes() != before
    assert (tmp_path / "library.json.lock").exists() and not (tmp_path / "link.json.lock").exists()


@pytest.mark.parametrize("kind", ["fifo", "devnull", "folder"])
def test_a_db_that_is_no_file_gets_one_line_and_no_hang(tmp_path, capsys, kind):
    if kind == "fifo":
        target = tmp_path / "pipe.json"
        os.mkfifo(target)
    elif kind == "devnull":
        target = "/dev/null"
    else:
        target = tmp_path
    started = time.monotonic()
    assert main(["--db", str(target), "stats"]) == 1
    assert time.monotonic() - started < 10
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and str(target) in err
    assert "damaged" not in err and "move" not in err


def _read_only_bind_possible() -> bool:
    return shutil.which("unshare") is not None and subprocess.run(
        ["unshare", "-rm", "true"], capture_output=True
    ).returncode == 0


@pytest.mark.slow
def test_a_read_only_library_folder_gives_one_line_and_changes_nothing(library, tmp_path):
    page = tmp_path / "page.txt"
    page.write_text("漯河市红色物业工作推进会召开\n\n会议部署了红色物业工作。\n", encoding="utf-8")
    before = library.read_bytes()
    command = [sys.executable, "-m", "five_star.tui.cli", "--db", str(library), "ingest", str(page)]
    if os.geteuid() != 0:
        os.chmod(library.parent, 0o555)
        try:
            result = subprocess.run(command, capture_output=True, text=True, timeout=120)
        finally:
            os.chmod(library.parent, 0o755)
    elif _read_only_bind_possible():
        script = f'mount --bind -o ro "{library.parent}" "{library.parent}" && exec "$@"'
        result = subprocess.run(["unshare", "-rm", "sh", "-c", script, "sh", *command], capture_output=True, text=True, timeout=120)
        if "mount" in result.stderr and result.returncode != 1:
            pytest.skip(f"a read-only bind mount is not possible here: {result.stderr.strip()}")
    else:
        pytest.skip("running as root, where chmod cannot refuse a write, and no unshare for a read-only bind")
    assert result.returncode == 1, result.stderr
    err = result.stderr.strip()
    assert len(err.splitlines()) == 1 and "Traceback" not in err and str(library) in err
    assert library.read_bytes() == before


@pytest.mark.slow
def test_a_killed_write_leaves_a_temp_that_the_next_export_removes(library, tmp_path):
    target = tmp_path / "out.csv"
    child = (
        "import os, signal, sys\n"
        "from pathlib import Path\n"
        "from five_star.store.library.storage import write_atomically\n"
        "def chunks():\n"
        "    yield b'a' * 65536\n"
        "    os.kill(os.getpid(), signal.SIGKILL)\n"
        "    yield b'never'\n"
        "write_atomically(Path(sys.argv[1]), chunks())\n"
    )
    result = subprocess.run([sys.executable, "-c", child, str(target)], capture_output=True, timeout=60)
    assert result.returncode == -9
    leftovers = list(tmp_path.glob("out.csv.*.tmp"))
    assert leftovers and not target.exists()  # what a SIGKILL mid-write leaves: a named temp, no out.csv
    old = time.time() - 3600
    for leftover in leftovers:
        os.utime(leftover, (old, old))
    assert main(["--db", str(library), "export", "-o", str(target)]) == 0
    assert target.exists() and not list(tmp_path.glob("out.csv.*.tmp"))


def test_a_fresh_temp_of_an_export_at_work_is_left_alone(library, tmp_path):
    target = tmp_path / "out.csv"
    busy = tmp_path / "out.csv.abcd1234.tmp"
    busy.write_bytes(b"partial")
    assert main(["--db", str(library), "export", "-o", str(target)]) == 0
    assert busy.exists()


def _empty_raw_rows(path):
    stored = list(page_store_path(path).rglob("*.gz"))
    assert stored
    for page in stored:
        page.write_bytes(gzip.compress(b""))


def test_reindex_keeps_every_article_when_the_stored_raw_text_is_empty(library, capsys):
    """Documented choice: the exit code stays 0, the library is whole and the pages are listed as skipped."""
    with Library.open(library) as lib:
        before = [a.to_dict() for a in lib.articles()]
        pages = lib.page_count
    assert len(before) == 26
    _empty_raw_rows(library)
    assert main(["--db", str(library), "reindex"]) == 0
    captured = capsys.readouterr()
    assert "raw text is missing or damaged" in " ".join((captured.out + captured.err).split())  # Rich wraps
    assert "Traceback" not in captured.err
    with Library.open(library) as lib:
        assert [a.to_dict() for a in lib.articles()] == before
        report = reindex(lib)
    assert len(report.skipped) == pages and report.articles_removed == 0


def test_an_unusable_cache_folder_does_not_fail_an_ingest_that_saved_its_data(tmp_path, monkeypatch, capsys):
    from five_star.store.segment import tokenizer

    tokenizer().lcut("五星支部")  # loaded already: this is about the tree-summary cache written after the commit
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder", encoding="utf-8")
    monkeypatch.setenv("FIVE_STAR_CACHE", str(blocker / "cache"))  # mkdir fails here, even as root
    page = tmp_path / "page.txt"
    page.write_text("舞阳县召开“五星”支部创建推进会\n\n舞阳县各村党支部书记参加会议，部署红色物业工作。\n", encoding="utf-8")
    db = tmp_path / "lib.json"
    assert main(["--db", str(db), "ingest", str(page)]) == 0
    err = capsys.readouterr().err
    assert "Traceback" not in err and len(err.strip().splitlines()) <= 1
    with Library.open(db) as lib:
        assert lib.articles()


def _page(tmp_path):
    page = tmp_path / "page.txt"
    page.write_text("漯河市红色物业工作推进会召开\n\n会议部署了红色物业工作。\n", encoding="utf-8")
    return page


@pytest.mark.parametrize("command", [["stats"], ["ingest", "PAGE"]])
def test_a_library_path_in_a_symlink_loop_is_one_line(tmp_path, capsys, command):
    loop = tmp_path / "loop.json"
    loop.symlink_to(loop.name)
    argv = ["--db", str(loop), *[str(_page(tmp_path)) if part == "PAGE" else part for part in command]]
    assert main(argv) == 1
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "Traceback" not in err
    assert "Too many levels of symbolic links" in err and str(loop) in err


@pytest.mark.parametrize("failing", ["library", "page store"])
def test_a_full_disk_is_one_line_and_changes_nothing(library, tmp_path, capsys, monkeypatch, failing):
    """ENOSPC as it usually surfaces, when the written data is flushed: for the library file, or for a page's text."""
    import errno

    from five_star.store.library.page_store import page_store_path

    real_fsync = os.fsync

    def full(fd):
        target = os.readlink(f"/proc/self/fd/{fd}")
        if (failing == "page store") == (".pages" in target):
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return real_fsync(fd)

    before = library.read_bytes()
    stored = sorted(page_store_path(library).rglob("*"))
    monkeypatch.setattr(os, "fsync", full)
    assert main(["--db", str(library), "ingest", str(_page(tmp_path))]) == 1
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "Traceback" not in err and "No space left on device" in err
    assert library.read_bytes() == before
    assert not list(library.parent.glob("*.tmp")) and not list(page_store_path(library).rglob("*.tmp-*"))
    added = set(page_store_path(library).rglob("*")) - set(stored)
    # The page's text is written before the rows naming it: when the library's write fails, that text stays
    # in the store, named by no row, until the same page is ingested again.
    assert len(added) == (failing == "library")


def test_a_lock_file_that_cannot_be_opened_is_one_line_and_changes_nothing(library, tmp_path, capsys, monkeypatch):
    """As for a lock file another user owns (root, who runs these tests, could open it anyway)."""
    import errno

    real_open = os.open

    def refused(path, flags, *args, **kwargs):
        if str(path).endswith(".lock"):
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(path))
        return real_open(path, flags, *args, **kwargs)

    before = library.read_bytes()
    monkeypatch.setattr(os, "open", refused)
    assert main(["--db", str(library), "ingest", str(_page(tmp_path))]) == 1
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "Traceback" not in err
    assert "lock file" in err and "Permission denied" in err and "nothing was changed" in err
    assert library.read_bytes() == before
