"""The library file on disk: atomic writes, the backup copy, damaged files, schema and the writer lock."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from tinydb import TinyDB

from five_star.store.errors import FiveStarError
from five_star.store.library.ingest import ingest
from five_star.store.library.library import Library
from five_star.store.library.storage import SCHEMA_VERSION, WriteLock, backup_path, read_rows, write_atomically
from five_star.store.library.writing import BatchMiddleware, LibraryStorage
from five_star.store.model import Article
from helpers.library import copy_library, seeds_library


@pytest.fixture
def library(tmp_path_factory, tmp_path) -> Path:
    return copy_library(seeds_library(tmp_path_factory), tmp_path / "lib")


def open_db(path: Path, lock: WriteLock) -> TinyDB:
    return TinyDB(path, lock=lock, storage=BatchMiddleware(LibraryStorage))


def test_file_is_utf8_json_with_chinese_unescaped_and_a_schema(library):
    raw = library.read_bytes()
    data = json.loads(raw.decode("utf-8"))
    assert data["meta"]["1"]["schema"] == SCHEMA_VERSION
    assert "漯河" in raw.decode("utf-8")
    assert "\\u" not in raw.decode("utf-8")[:5000]


def test_changes_reach_disk_only_on_commit(tmp_path):
    path = tmp_path / "db.json"
    lock = WriteLock(path, timeout=1)
    with lock:
        db = open_db(path, lock)
        db.table("meta").insert({"schema": SCHEMA_VERSION, "generation": 1})
        db.table("x").insert({"a": "一"})
        assert not path.exists()
        db.storage.commit()
        assert json.loads(path.read_text("utf-8"))["x"] == {"1": {"a": "一"}}
        db.table("x").insert({"a": "二"})
        db.close()  # closing must not write the uncommitted insert
    assert json.loads(path.read_text("utf-8"))["x"] == {"1": {"a": "一"}}


def test_write_without_the_lock_is_refused(tmp_path):
    storage = LibraryStorage(tmp_path / "db.json", lock=WriteLock(tmp_path / "db.json", timeout=1))
    with pytest.raises(RuntimeError):
        storage.write({"meta": {"1": {"schema": 1}}})
    assert not (tmp_path / "db.json").exists()


def test_each_write_keeps_the_previous_file_as_backup(tmp_path):
    path = tmp_path / "db.json"
    write_atomically(path, b"first", keep_backup=True)
    assert not backup_path(path).exists()
    write_atomically(path, b"second", keep_backup=True)
    assert backup_path(path).read_bytes() == b"first"
    write_atomically(path, b"third", keep_backup=True)
    assert path.read_bytes() == b"third"
    assert backup_path(path).read_bytes() == b"second"
    # the older generation is kept too, and no temp files are left
    assert sorted(p.name for p in tmp_path.iterdir()) == ["db.json", "db.json.bak", "db.json.bak.1"]
    assert (tmp_path / "db.json.bak.1").read_bytes() == b"first"


def test_ingest_that_changes_the_library_rotates_the_backup(library, tmp_path):
    before = library.read_bytes()
    page = tmp_path / "page.txt"
    page.write_text("舞阳县召开“五星”支部创建推进会\n\n舞阳县各村党支部书记参加会议，部署红色物业工作。\n", encoding="utf-8")
    with Library.open(library) as lib:
        ingest(lib, [page])
    assert backup_path(library).read_bytes() == before
    assert library.read_bytes() != before


def test_permissions_of_the_library_survive_a_write(library, tmp_path):
    os.chmod(library, 0o640)
    page = tmp_path / "page.txt"
    page.write_text("漯河市红色物业工作推进会召开\n\n会议部署了红色物业工作。\n", encoding="utf-8")
    with Library.open(library) as lib:
        ingest(lib, [page])
    assert library.stat().st_mode & 0o777 == 0o640


@pytest.mark.parametrize("cut", [1, 2, 100, 0.5, -2])
def test_truncated_library_names_the_file_and_the_backup(library, tmp_path, cut):
    good = library.read_bytes()
    backup_path(library).write_bytes(good)
    size = len(good)
    keep = int(size * cut) if isinstance(cut, float) else (cut if cut > 0 else size + cut)
    library.write_bytes(good[:keep])
    with pytest.raises(FiveStarError) as caught:
        Library.open(library)
    message = str(caught.value)
    assert "\n" not in message
    assert str(library) in message and "damaged" in message
    assert str(backup_path(library)) in message
    assert library.read_bytes() == good[:keep]  # never rewritten


def test_damaged_library_without_backup_says_how_to_start_over(tmp_path):
    path = tmp_path / "library.json"
    path.write_bytes(b'{"meta": {"1": {"schema": 1}}, "articles": {"1": {"id": "x", "te')
    with pytest.raises(FiveStarError, match=r"no backup copy exists: move library\.json away"):
        Library.open(path)


@pytest.mark.parametrize(
    "payload, reason",
    [
        (b"", "empty"),
        (b"   \n", "empty"),
        (b"\xff\xfe{}", "not UTF-8"),
        (b'{"meta": {"1": {"schema": "one"}}}', "schema version is missing"),
        (b'{"meta": {"1": {"schema": 1}}, "pages": []}', "not a table of records"),
    ],
)
def test_damaged_contents_are_reported_never_read_as_empty(tmp_path, payload, reason):
    path = tmp_path / "library.json"
    path.write_bytes(payload)
    with pytest.raises(FiveStarError, match=reason):
        Library.open(path)


def test_a_file_that_is_not_a_library_is_refused(tmp_path):
    path = tmp_path / "other.json"
    path.write_text('{"_default": {"1": {"a": 1}}}', encoding="utf-8")
    with pytest.raises(FiveStarError, match="is not a five-star-tui library"):
        Library.open(path)


def test_newer_schema_is_refused_with_a_clear_message(library):
    data = json.loads(library.read_text("utf-8"))
    data["meta"]["1"]["schema"] = SCHEMA_VERSION + 1
    library.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(FiveStarError, match=r"newer five-star-tui .*upgrade"):
        Library.open(library)


def test_a_folder_is_not_a_library(tmp_path):
    with pytest.raises(FiveStarError, match="is a folder"):
        Library.open(tmp_path)


def test_missing_library_without_create(tmp_path):
    with pytest.raises(FiveStarError, match="no library at"):
        Library.open(tmp_path / "nope.json", create=False)


def test_opening_never_creates_a_file(tmp_path):
    path = tmp_path / "sub" / "library.json"
    with Library.open(path) as lib:
        assert lib.is_empty() and lib.articles() == []
    assert not path.exists()


def test_stale_temp_files_of_a_killed_writer_are_cleaned_by_the_next_writer(library, tmp_path):
    stale = library.with_name(library.name + ".abc123.tmp")
    stale.write_bytes(b"half a library")
    page = tmp_path / "page.txt"
    page.write_text("郑州市推进网格化管理\n\n网格员走访群众。\n", encoding="utf-8")
    with Library.open(library) as lib:
        assert not ingest(lib, [page]).skipped
    assert not stale.exists()


HOLD_LOCK = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from five_star.store.library.storage import WriteLock
    with WriteLock(Path(sys.argv[1]), timeout=5):
        print("locked", flush=True)
        time.sleep(float(sys.argv[2]))
    """
)


def hold_lock(library: Path, seconds: float) -> subprocess.Popen:
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD_LOCK, str(library), str(seconds)], stdout=subprocess.PIPE, text=True
    )
    assert holder.stdout.readline().strip() == "locked"
    return holder


def test_second_writer_waits_then_fails_clearly_and_readers_are_not_blocked(library, tmp_path):
    page = tmp_path / "page.txt"
    page.write_text("开封市推进红色物业\n\n物业服务进社区。\n", encoding="utf-8")
    holder = hold_lock(library, 30)
    try:
        with Library.open(library, lock_timeout=0.5) as reader:
            started = time.monotonic()
            assert len(reader.articles()) > 0  # reading takes no lock
            with pytest.raises(FiveStarError) as caught:
                ingest(reader, [page])
            waited = time.monotonic() - started
        assert 0.4 <= waited < 5
        message = str(caught.value)
        assert "being changed by another five-star-tui" in message and f"process {holder.pid}" in message
    finally:
        holder.kill()
        holder.wait()


def test_second_writer_proceeds_when_the_first_finishes_in_time(library, tmp_path):
    page = tmp_path / "page.txt"
    page.write_text("开封市推进红色物业\n\n物业服务进社区。\n", encoding="utf-8")
    holder = hold_lock(library, 0.5)
    try:
        with Library.open(library, lock_timeout=10) as lib:
            report = ingest(lib, [page])
        assert report.articles_added >= 1
    finally:
        holder.wait()


def test_writer_rereads_a_library_another_writer_changed(library, tmp_path):
    first, second = tmp_path / "a.txt", tmp_path / "b.txt"
    first.write_text("开封市推进红色物业\n\n物业服务进社区。\n", encoding="utf-8")
    second.write_text("洛阳市推进乡村振兴\n\n产业兴旺。\n", encoding="utf-8")
    with Library.open(library) as stale, Library.open(library) as other:
        ingest(other, [first])
        ingest(stale, [second])  # must not overwrite what `other` wrote
    with Library.open(library) as lib:
        sources = {a.source for a in lib.articles()}
    assert {"a.txt", "b.txt"} <= sources


def test_articles_round_trip_through_the_file(library):
    with Library.open(library) as lib:
        before = [a.to_dict() for a in lib.articles()]
    with Library.open(library) as lib:
        after = [a.to_dict() for a in lib.articles()]
        assert all(isinstance(a, Article) for a in lib.articles())
    assert before == after and len(before) >= 26


def test_file_is_one_json_object_with_a_row_per_line(library):
    lines = library.read_text("utf-8").splitlines()
    assert lines[0] == "{" and lines[1] == '"meta":{' and lines[-1] == "}"
    data = json.loads("\n".join(lines))
    rows = sum(len(table) for table in data.values())
    assert len(lines) == rows + 2 * len(data) + 2  # braces, one heading and one closing line per table


def test_a_library_saved_in_another_json_layout_still_opens(library):
    with Library.open(library) as lib:
        before = [a.to_dict() for a in lib.articles()]
    data = json.loads(library.read_text("utf-8"))
    library.write_text(json.dumps(data, ensure_ascii=True, indent=2), encoding="utf-8")
    with Library.open(library) as lib:
        assert [a.to_dict() for a in lib.articles()] == before


def test_a_row_cut_in_the_middle_is_reported_with_its_line(library):
    lines = library.read_text("utf-8").splitlines(keepends=True)
    library.write_text("".join(lines[:9]) + lines[9][: len(lines[9]) // 2], encoding="utf-8")
    with pytest.raises(FiveStarError, match=r"damaged \(line 10 is not valid JSON"):
        Library.open(library)


def test_garbage_after_the_end_is_reported(library):
    library.write_text(library.read_text("utf-8") + "\n\n{}\n", encoding="utf-8")
    with pytest.raises(FiveStarError, match="unexpected text after the end"):
        Library.open(library)


def big_file(path: Path, rows: int) -> list[str]:
    """A library file of ``rows`` records in one table (more than are parsed per batch), as lines."""
    data = {"meta": {"1": {"schema": SCHEMA_VERSION}}, "things": {str(n): {"n": n, "text": "村" * (n % 7)} for n in range(1, rows + 1)}}
    with WriteLock(path, timeout=1) as lock:
        LibraryStorage(path, lock=lock).write(data)
    text = path.read_text(encoding="utf-8")
    return text.splitlines(keepends=True)


def test_every_row_of_a_big_table_is_read_in_order(tmp_path):
    path = tmp_path / "library.json"
    big_file(path, 700)
    rows = [(table, doc_id, row["n"]) for table, doc_id, row in read_rows(path) if table == "things"]
    assert rows == [("things", str(n), n) for n in range(1, 701)]


@pytest.mark.parametrize("broken", [5, 300, 600])
def test_a_bad_row_inside_a_big_table_is_reported_with_its_line(tmp_path, broken):
    path = tmp_path / "library.json"
    lines = big_file(path, 700)
    number = next(i for i, line in enumerate(lines, start=1) if line.startswith(f'"{broken}":'))
    lines[number - 1] = lines[number - 1].replace('"n":', '"n"', 1)
    path.write_text("".join(lines), encoding="utf-8")
    with pytest.raises(FiveStarError, match=rf"damaged \(line {number} is not valid JSON"):
        list(read_rows(path))
    lines[number - 1] = f'"{broken}":[1,2],\n'
    path.write_text("".join(lines), encoding="utf-8")
    with pytest.raises(FiveStarError, match=rf"damaged \(line {number} is not a record"):
        list(read_rows(path))


def _pages(folder: Path, names: list[str]) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    pages = []
    for n, name in enumerate(names):
        page = folder / f"{name}.txt"
        page.write_text(f"{name}召开“五星”支部创建推进会{n}\n\n{name}各村党支部书记参加会议，部署红色物业工作{n}。\n", encoding="utf-8")
        pages.append(page)
    return pages


def test_backups_are_rotated_once_per_run_not_once_per_batch(library, tmp_path):
    before_first_run = library.read_bytes()
    with Library.open(library) as lib:
        lib.batching.files = 1
        report = ingest(lib, _pages(tmp_path / "a", ["舞阳县", "临颍县", "郾城区"]))
    assert report.batches == 3
    assert backup_path(library).read_bytes() == before_first_run
    before_second_run = library.read_bytes()
    with Library.open(library) as lib:
        lib.batching.files = 1
        report = ingest(lib, _pages(tmp_path / "b", ["源汇区", "召陵区", "西平县"]))
    assert report.batches == 3
    assert backup_path(library).read_bytes() == before_second_run
    assert backup_path(library, 1).read_bytes() == before_first_run
    assert not backup_path(library, 2).exists()


def test_a_backup_that_cannot_be_made_moves_no_generation(tmp_path, monkeypatch):
    path = tmp_path / "db.json"
    for n in range(3):
        write_atomically(path, f"v{n}".encode(), keep_backup=True)

    def refuse(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "link", refuse)
    monkeypatch.setattr("shutil.copyfile", refuse)
    with pytest.raises(OSError):
        write_atomically(path, b"v3", keep_backup=True)
    assert path.read_bytes() == b"v2"
    assert [backup_path(path, g).read_bytes() for g in (0, 1)] == [b"v1", b"v0"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["db.json", "db.json.bak", "db.json.bak.1"]
    lock = WriteLock(path, timeout=1)
    storage = LibraryStorage(path, lock=lock)
    with lock, pytest.raises(FiveStarError) as caught:
        storage.write({"meta": {"1": {"schema": SCHEMA_VERSION}}})
    assert "\n" not in str(caught.value) and "No space left" in str(caught.value)
    assert [backup_path(path, g).read_bytes() for g in (0, 1)] == [b"v1", b"v0"]


def test_stale_temp_cleanup_spares_other_libraries_temps(library, tmp_path):
    odd = tmp_path / "lib" / "a[1].json"
    library.rename(odd)
    other_temp = odd.with_name("a1.json.xyz.tmp")  # "a[1].json.*.tmp" as a pattern matches this name
    other_temp.write_bytes(b"another library's write in progress")
    own_temp = odd.with_name(odd.name + ".abc.tmp")
    own_temp.write_bytes(b"half a library")
    with Library.open(odd) as lib:
        assert not ingest(lib, _pages(tmp_path / "c", ["舞阳县"])).skipped
    assert other_temp.exists() and not own_temp.exists()
