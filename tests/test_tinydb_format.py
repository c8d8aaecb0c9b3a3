"""The library file stays TinyDB's: stock TinyDB reads what our storage writes, and agrees with our reader.

Writes go through TinyDB with our crash-safe storage class; reads bypass TinyDB with a streaming reader
(to open 20,000 articles in about a second). These tests make sure the two never drift apart.
"""

from __future__ import annotations

from tinydb import Query, TinyDB

from five_star.seeds import seed_paths
from five_star.store.library.ingest import ingest
from five_star.store.library.library import ARTICLES, Library
from five_star.store.library.storage import read_rows


def fresh_seeds_library(folder):
    path = folder / "library.json"
    with Library.open(path) as library:
        ingest(library, seed_paths())
    return path


def test_stock_tinydb_opens_a_freshly_ingested_library_and_queries_it(tmp_path):
    path = fresh_seeds_library(tmp_path)
    with Library.open(path) as library:
        ours = sorted(a.id for a in library.articles() if a.city == "漯河市")

    db = TinyDB(path, access_mode="r")
    try:
        found = db.table(ARTICLES).search(Query().city == "漯河市")
    finally:
        db.close()

    assert len(found) == 3
    assert sorted(row["id"] for row in found) == ours


def test_stock_tinydb_and_the_streaming_reader_see_the_same_rows(tmp_path):
    path = fresh_seeds_library(tmp_path)
    streamed: dict[str, dict[int, dict]] = {}
    for table, doc_id, row in read_rows(path):
        streamed.setdefault(table, {})[int(doc_id)] = row

    db = TinyDB(path, access_mode="r")
    try:
        stock = {name: {doc.doc_id: dict(doc) for doc in db.table(name).all()} for name in db.tables()}
    finally:
        db.close()

    assert set(stock) == {"meta", "summaries", "pages", "stories", "articles"}  # raw page text is in the page store beside the file
    assert stock == streamed
