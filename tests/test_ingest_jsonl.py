"""``ingest`` of the JSON Lines ``extract`` writes: the same library as ingesting the pages themselves.

What cannot be the same, since a JSON Lines row carries no page: the page's key (the ``path`` of a page
row, the ``page`` of an article row: ``<the .jsonl>#<source>`` instead of the page file's path), and of
the page row its ``sha256`` (of the rows, not of the raw text), ``encoding`` (``jsonl``), ``removed``
(empty) and its stored raw text (empty). Every article field, ids included, is the same.
"""

from __future__ import annotations

import io
import json
from contextlib import redirect_stdout
from pathlib import Path

import pytest
from tinydb import TinyDB

from five_star.seeds import seed_paths
from five_star.store.library.ingest import ingest, reindex
from five_star.store.library.jsonl import JSONL_ENCODING
from five_star.store.library.library import Library
from five_star.store.library.page_store import page_store_path
from five_star.store.library.storage import backup_path
from five_star.tui.cli import main
from helpers.library import seeds_library


@pytest.fixture(scope="module")
def extracted(tmp_path_factory) -> Path:
    """The seeds as ``five-star-tui extract`` writes them."""
    out = io.StringIO()
    with redirect_stdout(out):
        assert main(["extract", *map(str, seed_paths())]) == 0
    path = tmp_path_factory.mktemp("jsonl") / "articles.jsonl"
    path.write_text(out.getvalue(), encoding="utf-8")
    return path


def rows(library: Path) -> dict[str, dict[str, dict]]:
    """Every table as stock TinyDB reads it."""
    db = TinyDB(library, access_mode="r")
    try:
        return {name: {str(doc.doc_id): dict(doc) for doc in db.table(name)} for name in db.tables()}
    finally:
        db.close()


def test_the_jsonl_gives_the_articles_of_the_pages(extracted, tmp_path, tmp_path_factory):
    library = tmp_path / "library.json"
    with Library.open(library) as lib:
        report = ingest(lib, [extracted])
    assert report.skipped == [] and report.files_read == len(seed_paths())
    assert report.bytes_read == extracted.stat().st_size

    from_pages, from_rows = rows(seeds_library(tmp_path_factory)), rows(library)
    unlike = ("page",)  # the page's key, which only a page file has
    assert [{k: v for k, v in a.items() if k not in unlike} for a in from_rows["articles"].values()] == [
        {k: v for k, v in a.items() if k not in unlike} for a in from_pages["articles"].values()
    ]
    key = str(extracted.resolve())
    assert [a["page"] for a in from_rows["articles"].values()] == [f"{key}#{a['source']}" for a in from_rows["articles"].values()]
    for page, stored in zip(from_pages["pages"].values(), from_rows["pages"].values(), strict=True):
        assert stored["source"] == page["source"]
        assert stored["path"] == f"{key}#{page['source']}"
        assert stored["encoding"] == JSONL_ENCODING and stored["removed"] == []
        assert stored["sha256"] != page["sha256"]  # of its rows: there is no raw text to hash
    assert "raw" not in from_rows and not page_store_path(library).exists()  # no raw text came with the rows

    with Library.open(seeds_library(tmp_path_factory)) as pages_lib, Library.open(library) as rows_lib:
        assert [a.to_dict() for a in rows_lib.articles()] == [a.to_dict() for a in pages_lib.articles()]


def test_ingesting_the_same_jsonl_again_changes_nothing(extracted, tmp_path):
    library = tmp_path / "library.json"
    with Library.open(library) as lib:
        ingest(lib, [extracted])
    before, stat = library.read_bytes(), library.stat()
    with Library.open(library) as lib:
        report = ingest(lib, [extracted])
    assert (report.files_unchanged, report.articles_unchanged, report.articles_added, report.batches) == (5, 26, 0, 0)
    assert report.bytes_read == extracted.stat().st_size
    assert library.read_bytes() == before and library.stat().st_mtime_ns == stat.st_mtime_ns
    assert not backup_path(library).exists()  # nothing written, so no backup either


def test_a_changed_row_replaces_its_page_only(extracted, tmp_path):
    """The page key is the .jsonl's path: a new extraction written under the same name updates the old one."""
    path = tmp_path / extracted.name
    path.write_bytes(extracted.read_bytes())
    with Library.open(tmp_path / "library.json") as lib:
        ingest(lib, [path])
        lines = path.read_text("utf-8").splitlines()
        row = {**json.loads(lines[3]), "title": "改过的标题"}
        lines[3] = json.dumps(row, ensure_ascii=False)
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        report = ingest(lib, [path])
        assert (report.files_unchanged, report.articles_updated, report.articles_added, report.articles_removed) == (4, 1, 0, 0)
        assert lib.get(row["id"]).title == "改过的标题"
        assert len(lib.articles()) == 26


def test_bad_rows_are_one_line_each_with_their_number_and_the_rest_goes_in(extracted, tmp_path, capsys):
    good = extracted.read_text("utf-8").splitlines()
    first = json.loads(good[0])
    no_id = {k: v for k, v in first.items() if k != "id"}
    figures_as_text = {**json.loads(good[1]), "figures": "12万元"}
    lines = [
        good[0].encode(),
        b"{not json",  # line 2
        json.dumps(no_id, ensure_ascii=False).encode(),  # line 3
        b"",  # line 4: blank lines are no rows
        json.dumps(figures_as_text, ensure_ascii=False).encode(),  # line 5
        b'["a", "list"]',  # line 6
        '{"id": "x", "source": "汉字'.encode("gb18030") + b'"}',  # line 7
        *(line.encode() for line in good[1:]),
    ]
    path = tmp_path / "mixed.jsonl"
    path.write_bytes(b"\n".join(lines) + b"\n")
    db = tmp_path / "library.json"
    assert main(["ingest", "--db", str(db), str(path)]) == 0
    err = capsys.readouterr().err.splitlines()
    assert err == [
        f"five-star-tui: skipped {path}: line 2 is not JSON (Expecting property name enclosed in double quotes at column 2)",
        f"five-star-tui: skipped {path}: line 3 has no 'id'",
        f"five-star-tui: skipped {path}: line 5 has 'figures' that is not a list of records",
        f"five-star-tui: skipped {path}: line 6 is not a JSON object",
        f"five-star-tui: skipped {path}: line 7 is not UTF-8 text",
    ]
    with Library.open(db) as lib:
        stored = {a.id for a in lib.articles()}
    assert stored == {json.loads(line)["id"] for line in good}  # the bad copies of rows 1 and 2 left out


def test_reindex_keeps_jsonl_pages_and_says_why(extracted, tmp_path):
    library = tmp_path / "library.json"
    with Library.open(library) as lib:
        ingest(lib, [extracted])
        before = [a.to_dict() for a in lib.articles()]
        report = reindex(lib)
        assert [a.to_dict() for a in lib.articles()] == before
    assert len(report.skipped) == 5
    assert all("came from JSON Lines, without its raw text" in reason for _, reason in report.skipped)


def test_jsonl_inside_folders_and_beside_pages(extracted, tmp_path, capsys):
    only_rows = tmp_path / "rows" / "nested"
    only_rows.mkdir(parents=True)
    (only_rows / "articles.jsonl").write_bytes(extracted.read_bytes())
    db = tmp_path / "library.json"
    assert main(["ingest", "--db", str(db), str(tmp_path / "rows")]) == 0
    assert capsys.readouterr().err == ""  # a folder of JSON Lines alone is not "a folder without pages"

    both = tmp_path / "both"
    both.mkdir()
    (both / "page.txt").write_text("郑州市推进红色物业\n\n物业服务进社区，覆盖小区20个。\n", encoding="utf-8")
    (both / "articles.jsonl").write_bytes(extracted.read_bytes())
    mixed = tmp_path / "mixed.json"
    with Library.open(mixed) as lib:
        report = ingest(lib, [both])
        assert report.files_read == 6 and report.skipped == []
        assert {a.source for a in lib.articles()} == {"page.txt"} | {p.name for p in seed_paths()}


def test_a_source_seen_again_later_is_another_page_not_a_replacement(extracted, tmp_path):
    """Two folders' ``index.html`` both come out with source ``index.html``: neither may replace the other."""
    by_source: dict[str, list[dict]] = {}
    for line in extracted.read_text("utf-8").splitlines():
        row = json.loads(line)
        by_source.setdefault(row["source"], []).append(row)
    first, between, last = list(by_source.values())[:3]
    written = [*({**row, "source": "index.html"} for row in first), *between, *({**row, "source": "index.html"} for row in last)]
    path = tmp_path / "articles.jsonl"
    path.write_text("".join(json.dumps(row, ensure_ascii=False) + "\n" for row in written), "utf-8")
    with Library.open(tmp_path / "library.json") as lib:
        report = ingest(lib, [path])
        assert report.skipped == [] and report.files_read == 3
        assert [a.id for a in lib.articles()] == [row["id"] for row in written]


def test_an_empty_or_missing_jsonl_is_reported(tmp_path):
    empty = tmp_path / "empty.jsonl"
    empty.write_text("\n\n", encoding="utf-8")
    with Library.open(tmp_path / "library.json") as lib:
        report = ingest(lib, [empty, tmp_path / "missing.jsonl"])
    assert sorted(report.skipped) == [(str(empty), "holds no article rows"), (str(tmp_path / "missing.jsonl"), "no such file or folder")]


def test_an_overlong_line_is_refused_unread_and_the_next_row_goes_in(extracted, tmp_path, monkeypatch):
    from five_star.store.library import jsonl

    good = extracted.read_text("utf-8").splitlines()
    limit = max(len(line.encode()) for line in good[:2]) + 1
    monkeypatch.setattr(jsonl, "MAX_ROW_BYTES", limit)
    path = tmp_path / "long.jsonl"
    path.write_text("\n".join([good[0], "x" * (3 * limit), good[1]]) + "\n", encoding="utf-8")
    with Library.open(tmp_path / "library.json") as lib:
        report = ingest(lib, [path])
        assert [a.id for a in lib.articles()] == [json.loads(line)["id"] for line in good[:2]]
    assert [reason.split(" is over")[0] for _, reason in report.skipped] == ["line 2"]


def test_numbers_beyond_64_bits_are_stored_and_their_rows_kept(extracted, tmp_path):
    """orjson reads rows (the library's, extract's), and holds no integer over 64 bits: such a number is read
    as the nearest float. No row, and no other field, is lost for it."""
    lines = extracted.read_text("utf-8").splitlines()
    at = next(n for n, line in enumerate(lines) if json.loads(line)["figures"])
    row = json.loads(lines[at])
    row["figures"][0]["value"] = 10**30 + 7
    lines[at] = json.dumps(row, ensure_ascii=False)
    path = tmp_path / "big.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    library_path = tmp_path / "library.json"
    with Library.open(library_path) as lib:
        report = ingest(lib, [path])
    assert not report.skipped
    with Library.open(library_path) as lib:
        figure = lib.get(row["id"]).figures[0]
        assert figure.value == pytest.approx(10**30) and figure.text == row["figures"][0]["text"]
        assert len(lib.articles()) == len(lines)
    assert rows(library_path)["articles"][str(at + 1)]["figures"][0]["value"] == pytest.approx(10**30)  # stock TinyDB too
