"""The library: ingest, re-ingest, changed files, reindex, seeding, reading back."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from five_star.seeds import seed_paths
from five_star.store.library.ingest import ensure_seeded, ingest, reindex
from five_star.store.library.library import Library, page_key
from five_star.store.library.page_store import page_store_path
from five_star.store.locations import default_library_path
from five_star.store.pipeline import extract_paths
from helpers.library import copy_library, seeds_library

PAGE = """舞阳县召开“五星”支部创建推进会

本报讯 舞阳县近日召开推进会，全县14个村争创五星支部，投入资金300万元。

红色物业覆盖小区20个。
"""


@pytest.fixture
def library(tmp_path_factory, tmp_path) -> Path:
    return copy_library(seeds_library(tmp_path_factory), tmp_path / "lib")


def test_default_path_honours_env_then_user_data_dir(monkeypatch, tmp_path):
    monkeypatch.setenv("FIVE_STAR_DB", str(tmp_path / "x.json"))
    assert default_library_path() == tmp_path / "x.json"
    monkeypatch.delenv("FIVE_STAR_DB")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    assert default_library_path() == tmp_path / "data" / "five-star-tui" / "library.json"


def test_seeds_library_holds_what_the_pipeline_extracts(library):
    expected = [a.to_dict() for page in extract_paths(seed_paths()) for a in page.articles]
    with Library.open(library) as lib:
        assert [a.to_dict() for a in lib.articles()] == expected  # all of them, in file order
        assert lib.page_count == 5 and not lib.is_empty()
        some = expected[7]
        assert lib.get(some["id"]).to_dict() == some
        assert lib.get("no-such-id") is None
        pages = lib.pages()
    assert [p.source for p in pages] == [p.name for p in seed_paths()]
    assert pages[1].raw == seed_paths()[1].read_text(encoding="utf-8")
    assert sum(len(p.articles) for p in pages) == len(expected)
    assert all(p.path == page_key(p.path) for p in pages)


def test_reingesting_unchanged_files_writes_nothing(library):
    before = library.read_bytes()
    stat = library.stat()
    with Library.open(library) as lib:
        generation = lib.generation
        report = ingest(lib, seed_paths())
        assert lib.generation == generation
    assert report.files_read == 5 and report.files_unchanged == 5
    assert report.articles_unchanged == len(json.loads(before)["articles"])
    assert report.articles_added == report.articles_updated == report.articles_removed == 0
    assert report.batches == 0
    assert library.read_bytes() == before and library.stat().st_ino == stat.st_ino


def test_changed_file_replaces_that_files_articles_only(library, tmp_path):
    page = tmp_path / "page.txt"
    page.write_text(PAGE, encoding="utf-8")
    with Library.open(library) as lib:
        first = ingest(lib, [page])
        seeds_before = [a.to_dict() for a in lib.articles() if a.source != "page.txt"]
        old = [a for a in lib.articles() if a.source == "page.txt"]
    assert first.articles_added == len(old) >= 1

    page.write_text(PAGE.replace("300万元", "500万元") + "\n党员志愿者服务队成立\n\n志愿者开展服务活动。\n", encoding="utf-8")
    with Library.open(library) as lib:
        second = ingest(lib, [page])
        new = [a for a in lib.articles() if a.source == "page.txt"]
        assert [a.to_dict() for a in lib.articles() if a.source != "page.txt"] == seeds_before
        assert lib.page_count == 6
    expected = [a.to_dict() for p in extract_paths([page]) for a in p.articles]
    assert [a.to_dict() for a in new] == expected
    assert second.files_unchanged == 0
    assert second.articles_added + second.articles_updated + second.articles_unchanged == len(new)
    assert second.articles_removed == len({a.id for a in old} - {a.id for a in new})
    assert any("500万元" in a.text for a in new) and not any("300万元" in a.text for a in new)


def test_same_file_reached_two_ways_is_one_page(library, tmp_path):
    page = tmp_path / "page.txt"
    page.write_text(PAGE, encoding="utf-8")
    (tmp_path / "link.txt").symlink_to(page)
    with Library.open(library) as lib:
        ingest(lib, [page])
        report = ingest(lib, [tmp_path / "." / "link.txt"])
        assert lib.page_count == 6
    assert report.files_unchanged == 1


def test_a_copy_of_a_stored_file_adds_no_duplicate_articles(library, tmp_path):
    copy = tmp_path / "again"
    copy.mkdir()
    shutil.copy(seed_paths()[0], copy / seed_paths()[0].name)  # same name and text: same article ids
    with Library.open(library) as lib:
        count = len(lib.articles())
        report = ingest(lib, [copy])
        ids = [a.id for a in lib.articles()]
    assert report.duplicates > 0 and report.articles_added == 0
    assert len(ids) == len(set(ids)) == count


def test_bad_files_are_skipped_with_reasons_and_the_rest_is_stored(library, tmp_path):
    good = tmp_path / "good.txt"
    good.write_text(PAGE, encoding="utf-8")
    binary = tmp_path / "bad.txt"
    binary.write_bytes(bytes(range(256)) * 8)
    with Library.open(library) as lib:
        report = ingest(lib, [binary, tmp_path / "missing.txt", good])
        assert any(a.source == "good.txt" for a in lib.articles())
    reasons = dict(report.skipped)
    assert set(reasons) == {str(binary), str(tmp_path / "missing.txt")}
    assert all(reason and "\n" not in reason for reason in reasons.values())
    assert report.files_read == 1


def test_reindex_rebuilds_from_stored_raw_pages_without_the_files(library, tmp_path):
    page = tmp_path / "page.txt"
    page.write_text(PAGE, encoding="utf-8")
    with Library.open(library) as lib:
        ingest(lib, [page])
        expected = [a.to_dict() for a in lib.articles()]
    page.unlink()
    # Simulate articles written by an older extractor: lose their figures and programs.
    data = json.loads(library.read_text("utf-8"))
    for row in data["articles"].values():
        row["figures"], row["programs"] = [], []
    library.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")

    with Library.open(library) as lib:
        report = reindex(lib)
        assert [a.to_dict() for a in lib.articles()] == expected
    assert report.files_read == 6 and not report.skipped
    assert report.articles_updated > 0 and report.articles_added == 0

    with Library.open(library) as lib:
        again = reindex(lib)
        assert [a.to_dict() for a in lib.articles()] == expected
    assert again.batches == 0 and again.articles_unchanged == len(expected)


def test_ensure_seeded_fills_an_empty_library_once(tmp_path):
    path = tmp_path / "library.json"
    with Library.open(path) as lib:
        seen = []
        report = ensure_seeded(lib, progress=lambda r: seen.append(r.files))
        assert report.files_read == 5 and report.articles_added == len(lib.articles()) >= 26
        assert seen and seen[-1] == 5
        assert ensure_seeded(lib) is None
    with Library.open(path) as lib:
        assert ensure_seeded(lib) is None


def test_progress_sees_every_file_and_every_commit(tmp_path):
    path = tmp_path / "library.json"
    events = []
    with Library.open(path) as lib:
        lib.batching.files = 2
        report = ingest(lib, seed_paths(), progress=lambda r: events.append((r.files, r.batches)))
    assert report.batches == 3  # 2 + 2 + 1 files
    assert [files for files, _ in events if files] == sorted(files for files, _ in events)
    assert (5, 3) in events and max(files for files, _ in events) == 5


def test_a_failure_midway_keeps_the_finished_batches_and_loses_nothing_stored(library, tmp_path):
    pages = []
    for n in range(3):
        page = tmp_path / f"p{n}.txt"
        page.write_text(PAGE.replace("舞阳县", ["郏县", "叶县", "鲁山县"][n]), encoding="utf-8")
        pages.append(page)

    def stop_after_second(report):
        if report.files_read == 2 and report.batches == 0:
            raise KeyboardInterrupt

    with Library.open(library) as lib:
        count = len(lib.articles())
        with pytest.raises(KeyboardInterrupt):
            ingest(lib, pages, progress=stop_after_second)
    with Library.open(library) as lib:
        sources = {a.source for a in lib.articles()}
        assert len(lib.articles()) > count
    assert {"p0.txt", "p1.txt"} <= sources and "p2.txt" not in sources


@pytest.mark.slow
def test_parallel_extraction_gives_the_same_pages_in_the_same_order(tmp_path, monkeypatch):
    from five_star.store.library import ingest as ingest_module
    from helpers.library import library_generator

    pages = library_generator().write_pages(40, tmp_path / "pages", seed=5)
    (tmp_path / "pages" / "zz_bad.txt").write_bytes(b"\x00\x01\x02" * 100)
    monkeypatch.setattr(ingest_module, "PARALLEL_FROM_BYTES", 0)
    inputs = [tmp_path / "pages", tmp_path / "missing.txt"]
    parallel = list(ingest_module.extract_in_parallel(inputs, workers=2))
    serial = list(extract_paths(inputs))
    assert len(parallel) == len(serial) == len(pages) + 2

    def shape(result):
        return [a.to_dict() for a in result.articles] if hasattr(result, "articles") else (str(result.path), result.reason)

    assert [shape(r) for r in parallel] == [shape(r) for r in serial]


def _without_the_page_store(library, layout):
    """The file as older versions wrote it: raw text in a ``raw`` table, or before that in the page rows."""
    data = json.loads(library.read_text("utf-8"))
    texts = {page.resolve(): page.read_text(encoding="utf-8") for page in seed_paths()}
    raw = {doc_id: texts[Path(row["path"])] for doc_id, row in data["pages"].items()}
    if layout == "raw table":
        data["raw"] = {doc_id: {"raw": text} for doc_id, text in raw.items()}
    else:
        for doc_id, text in raw.items():
            data["pages"][doc_id]["raw"] = text
    library.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    shutil.rmtree(page_store_path(library))


@pytest.mark.parametrize("layout", ["raw table", "page rows"])
def test_a_library_keeping_raw_text_in_its_file_still_reads_and_reindexes(library, layout):
    _without_the_page_store(library, layout)
    with Library.open(library) as lib:
        expected = [a.to_dict() for a in lib.articles()]
        assert [p.raw for p in lib.pages()] == [path.read_text(encoding="utf-8") for path in seed_paths()]
        some = expected[3]
        assert lib.source_text(some["id"]).splitlines()[some["first_line"] - 1]
        report = reindex(lib)
        assert not report.skipped and report.articles_unchanged == len(expected)
        assert [a.to_dict() for a in lib.articles()] == expected
    # the write session moved the text to the page store and rewrote the file without it
    data = json.loads(library.read_text("utf-8"))
    assert "raw" not in data and not any("raw" in row for row in data["pages"].values())
    assert len(list(page_store_path(library).rglob("*.gz"))) == len(seed_paths())


def test_reingesting_an_unchanged_file_does_not_extract_it_again(tmp_path, monkeypatch):
    """The stored hash is checked before extraction, so code that now fails on the page is never reached."""
    from five_star.seeds import seed_paths
    from five_star.store import pipeline

    db = tmp_path / "library.json"
    page = seed_paths()[2]
    with Library.open(db) as library:
        first = ingest(library, [page])

    def broken(*args, **kwargs):
        raise RuntimeError("extraction ran")

    monkeypatch.setattr(pipeline, "extract_text", broken)
    with Library.open(db) as library:
        again = ingest(library, [page])
        assert len(library.articles()) == first.articles_added
    assert again.skipped == []
    assert (again.files_read, again.files_unchanged, again.articles_unchanged) == (1, 1, first.articles_added)


def test_extract_paths_skips_pages_it_is_told_it_knows(tmp_path):
    from five_star.seeds import seed_paths
    from five_star.store.model import text_sha256
    from five_star.store.pipeline import Unchanged, extract_paths

    page = seed_paths()[3]
    text = page.read_text(encoding="utf-8")
    (result,) = extract_paths([page], known={str(page.resolve()): text_sha256(text)})
    assert isinstance(result, Unchanged)
    assert result.bytes == len(text.encode("utf-8"))
    (fresh,) = extract_paths([page], known={str(page.resolve()): "another hash"})
    assert len(fresh.articles) == 4
