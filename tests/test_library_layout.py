"""The library file's layout for 100,000 articles: raw pages in a content-addressed store beside it, summaries
before the articles, and write sessions that leave rows on disk."""

from __future__ import annotations

import gzip
import json
import shutil

import pytest

from five_star.seeds import seed_paths
from five_star.store.errors import FiveStarError
from five_star.store.library import writing
from five_star.store.library.ingest import ingest, reindex
from five_star.store.library.library import Library
from five_star.store.library.page_store import PageStore, page_store_path
from five_star.store.model import text_sha256
from helpers.library import copy_library, seeds_library


def library_of_seed_copies(tmp_path):
    """The seed pages copied to a folder of ours (so one can be changed) and a library of them."""
    pages = tmp_path / "pages"
    pages.mkdir()
    for seed in seed_paths():
        shutil.copyfile(seed, pages / seed.name)
    path = tmp_path / "library.json"
    with Library.open(path) as lib:
        ingest(lib, [pages])
    return pages, path


@pytest.fixture
def library(tmp_path_factory, tmp_path):
    return copy_library(seeds_library(tmp_path_factory), tmp_path / "lib")


def test_each_page_is_one_gzip_file_named_by_its_hash_and_the_library_file_holds_no_raw_text(library):
    stored = sorted(page_store_path(library).rglob("*.gz"))
    texts = {path.read_text(encoding="utf-8") for path in seed_paths()}
    assert {gzip.decompress(page.read_bytes()).decode("utf-8") for page in stored} == texts
    assert sorted(page.name for page in stored) == sorted(text_sha256(text) + ".gz" for text in texts)
    data = json.loads(library.read_text("utf-8"))
    assert list(data) == ["meta", "summaries", "pages", "stories", "articles"]  # the big table last: the others are read before it


def test_the_same_text_under_another_name_is_stored_once(library, tmp_path):
    copy = tmp_path / "copy.txt"
    shutil.copyfile(seed_paths()[0], copy)
    with Library.open(library) as lib:
        ingest(lib, [copy])
        assert lib.page_count == len(seed_paths()) + 1
    assert len(list(page_store_path(library).rglob("*.gz"))) == len(seed_paths())


def test_source_text_gives_the_lines_an_article_came_from(library):
    with Library.open(library) as lib:
        article = next(a for a in lib.articles() if a.city == "漯河市" and a.title)
        lines = lib.source_text(article.id).splitlines()
        assert lines == seed_paths()[[p.name for p in seed_paths()].index(article.source)].read_text("utf-8").splitlines()
        assert lib.source_text("no-such-article") is None


def test_a_damaged_page_file_reads_as_missing_and_reindex_keeps_its_articles(library):
    for page in page_store_path(library).rglob("*.gz"):
        page.write_bytes(page.read_bytes()[:40])  # cut short: the gzip trailer and CRC are gone
    with Library.open(library) as lib:
        before = [a.to_dict() for a in lib.articles()]
        assert lib.source_text(before[0]["id"]) is None
        report = reindex(lib)
        assert [a.to_dict() for a in lib.articles()] == before
    assert len(report.skipped) == len(seed_paths()) and report.articles_removed == 0


def test_a_killed_writer_s_temporary_page_file_is_cleared_by_the_next_session(library, tmp_path):
    leftover = next(page_store_path(library).rglob("*.gz")).with_name("abc.gz.tmp-12345")
    leftover.write_bytes(b"half a page")
    page = tmp_path / "new.txt"
    page.write_text("鹤壁市淇县：五星支部创建推进会召开\n\n淇县召开五星支部创建推进会，全县120个村参加。\n", encoding="utf-8")
    with Library.open(library) as lib:
        ingest(lib, [page])
    assert not leftover.exists()
    assert PageStore(library).get(text_sha256(page.read_text(encoding="utf-8"))) is not None


def test_an_unchanged_reingest_parses_no_stored_row_and_a_changed_page_only_its_own(tmp_path, monkeypatch):
    pages, path = library_of_seed_copies(tmp_path)
    with Library.open(path) as lib:
        changed = pages / seed_paths()[0].name
        own = {str(n) for n, a in enumerate(lib.articles(), start=1) if a.source == changed.name}
    parsed: list[tuple[str, str]] = []
    real_row = writing.LibraryStorage.row

    def counting(self, table, doc_id, stored):
        if isinstance(stored, writing.StoredRow):
            parsed.append((table, doc_id))
        return real_row(self, table, doc_id, stored)

    monkeypatch.setattr(writing.LibraryStorage, "row", counting)
    with Library.open(path) as lib:
        report = ingest(lib, [pages])
        assert report.files_unchanged == len(seed_paths()) and parsed == []

        changed.write_text(changed.read_text("utf-8") + "\n本报讯 又一个村获评五星支部。\n", encoding="utf-8")
        report = ingest(lib, [pages])
        assert report.files_unchanged == len(seed_paths()) - 1
        assert {doc_id for table, doc_id in parsed if table == "articles"} == own
        assert [table for table, _ in parsed].count("pages") <= 1
        assert len(lib.articles()) == report.articles_added + report.articles_updated + report.articles_unchanged


def test_a_row_without_the_fields_a_session_indexes_by_is_one_line_naming_it(library, tmp_path):
    page = tmp_path / "new.txt"
    page.write_text("淇县召开五星支部创建推进会。\n", encoding="utf-8")
    lines = library.read_text("utf-8").splitlines(keepends=True)
    damaged = [n for n, line in enumerate(lines) if line.startswith('"3":{"id":')][-1]  # the third article's row
    lines[damaged] = lines[damaged].replace('"page":', '"pager":')
    with Library.open(library) as lib:
        library.write_text("".join(lines), encoding="utf-8")  # changed by hand after the app read it
        with pytest.raises(FiveStarError, match="row '3' of table 'articles' lacks 'id' and 'page'"):
            ingest(lib, [page])
    assert library.read_text("utf-8") == "".join(lines)  # nothing written


def test_the_file_s_summaries_are_the_tree_s_in_library_order_and_need_no_article_read(tmp_path, monkeypatch):
    from five_star.store.library import library as library_module
    from five_star.store.query.browse import Summary, read_stored_summaries

    pages, path = library_of_seed_copies(tmp_path)
    with Library.open(path) as lib:
        changed = pages / seed_paths()[1].name  # its articles get new doc ids; the page keeps its place
        changed.write_text(changed.read_text("utf-8") + "\n本报讯 又一个村获评五星支部。\n", encoding="utf-8")
        ingest(lib, [pages])
        expected = [Summary.of(article) for article in lib.articles()]
    monkeypatch.setattr(library_module, "article_of", None)  # no article is built: only summaries are read
    assert read_stored_summaries(path) == expected


def test_a_library_without_summaries_gets_them_from_its_next_write_session(library, tmp_path):
    from five_star.store.query.browse import Summary, read_stored_summaries

    data = json.loads(library.read_text("utf-8"))
    del data["summaries"]
    library.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    assert read_stored_summaries(library) is None  # as an older version wrote it: the articles are read instead
    page = tmp_path / "new.txt"
    page.write_text("鹤壁市淇县：五星支部创建推进会召开\n\n淇县召开五星支部创建推进会，全县120个村参加。\n", encoding="utf-8")
    with Library.open(library) as lib:
        ingest(lib, [page])
        assert read_stored_summaries(library) == [Summary.of(article) for article in lib.articles()]


def test_the_file_s_summaries_are_not_used_when_the_person_has_corrections(library):
    from five_star.store.library.corrections import corrections_path
    from five_star.store.query.browse import read_stored_summaries

    assert read_stored_summaries(library) is not None
    corrections_path(library).write_text("{}", encoding="utf-8")
    assert read_stored_summaries(library) is None


def test_a_page_store_that_cannot_be_written_is_one_line_and_the_library_is_unchanged(library, tmp_path, capsys):
    from five_star.tui.cli import main

    shutil.rmtree(page_store_path(library))
    page_store_path(library).write_text("in the way", encoding="utf-8")  # a file where the folder must be
    before = library.read_bytes()
    page = tmp_path / "new.txt"
    page.write_text("鹤壁市淇县：五星支部创建推进会召开\n\n淇县召开五星支部创建推进会，全县120个村参加。\n", encoding="utf-8")
    assert main(["--db", str(library), "ingest", str(page)]) == 1
    err = capsys.readouterr().err
    assert "could not save page text in" in err and "the library is unchanged" in err
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1
    assert library.read_bytes() == before


def test_an_unchanged_reingest_starts_no_extraction_process(tmp_path, monkeypatch):
    from five_star.store.library import ingest as ingest_module

    pages, path = library_of_seed_copies(tmp_path)
    monkeypatch.setattr(ingest_module, "PARALLEL_FROM_BYTES", 0)  # any input would go to worker processes

    def no_pool(*args, **kwargs):
        raise AssertionError("an extraction process was started for unchanged pages")

    monkeypatch.setattr(ingest_module, "ProcessPoolExecutor", no_pool)
    with Library.open(path) as lib:
        report = ingest(lib, [pages])
    assert report.files_unchanged == len(seed_paths()) and report.articles_added == 0


def test_a_page_whose_name_needs_escaping_in_json_is_found_unchanged_again(tmp_path):
    """The write session reads a row's id and page without parsing it: a name with a quotation mark and a
    backslash, escaped in the file, must come back as it was."""
    pages = tmp_path / 'say "五星" \\ here'
    pages.mkdir()
    page = pages / 'a "quoted" \\ name.txt'
    page.write_text("鹤壁市淇县：五星支部创建推进会召开\n\n淇县召开五星支部创建推进会，全县120个村参加。\n", encoding="utf-8")
    path = tmp_path / "library.json"
    with Library.open(path) as lib:
        assert ingest(lib, [page]).articles_added >= 1
        again = ingest(lib, [page])
    assert again.files_unchanged == 1 and again.articles_added == 0 and again.duplicates == 0


def test_an_unchanged_reingest_reads_only_the_head_of_the_file_and_waits_for_no_writer(tmp_path):
    """Every page found as stored is answered from the summaries and page rows at the head of the file: the
    articles after them are not read, and a writer holding the lock (the app's live ingest) is not waited for."""
    from five_star.store.library.storage import WriteLock

    pages, path = library_of_seed_copies(tmp_path)
    with Library.open(path) as lib:
        stored = len(lib.articles())
    data = path.read_bytes()
    articles = data.index(b'\n"articles":{')
    path.write_bytes(data[:articles] + b"\n" + b"x" * 64)  # everything from the articles on, unreadable
    with WriteLock(path, timeout=1), Library.open(path, read=False, lock_timeout=0.2) as lib:
        report = ingest(lib, [pages])
    assert (report.files_read, report.files_unchanged, report.articles_unchanged) == (len(seed_paths()), len(seed_paths()), stored)

    path.write_bytes(data)
    changed = pages / seed_paths()[0].name
    changed.write_text(changed.read_text("utf-8") + "\n本报讯 又一个村获评五星支部。\n", encoding="utf-8")
    with (WriteLock(path, timeout=1), Library.open(path, read=False, lock_timeout=0.2) as lib,
          pytest.raises(FiveStarError, match="another five-star-tui")):  # a changed page needs the write session
        ingest(lib, [pages])
