"""The user's library: pages and their articles in TinyDB, kept safe by ``storage``.

Tables:
- ``pages``: one row per source file, keyed by its resolved absolute path: source, path, sha256, encoding,
  removed (boilerplate lines).
- ``raw``: each page's text under the page's doc id, so extraction can re-run without the original file.
  It is a table of its own so that opening the library can skip it: nothing but reindex needs it.
  (Libraries written before this table existed keep the text in the page row, under ``raw``; they are
  read as they are, and a page moves to the new layout when it is next stored.)
- ``articles``: ``Article.to_dict()`` plus ``page`` (the page's key).
- ``meta``: schema version and a generation counter bumped on every commit.

Ingest and reindex write in batches (one atomic file write per batch, see ``Batching``). A batch holds
whole pages only, so a crash leaves the library exactly as it was after the last finished batch.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tinydb import TinyDB
from tinydb.table import Document

from five_star.store import __version__
from five_star.store.errors import FiveStarError
from five_star.store.library.rows import ARTICLES, PAGES, RAW, article_of, check_row
from five_star.store.library.storage import (
    META_TABLE,
    SCHEMA_VERSION,
    BatchMiddleware,
    LibraryStorage,
    WriteLock,
    check_library_file,
    damaged,
    gc_paused,
    library_target,
    read_rows,
    remove_stale_temps,
)
from five_star.store.locations import default_library_path
from five_star.store.model import Article, Page, Skipped, Unchanged
from five_star.store.sanitize import path_text

DEFAULT_LOCK_TIMEOUT = 5.0
"""Seconds a second writer waits for the first before giving up with a clear message."""


def page_key(path: str | os.PathLike) -> str:
    """Pages are keyed by resolved absolute path: the same file reached two ways is one page.

    As safe text (``path_text``): a name that is not UTF-8 could be neither stored nor printed.
    """
    return path_text(Path(path).expanduser().resolve())


@dataclass
class IngestReport:
    """Running totals of an ingest or reindex; ``progress`` callbacks receive it after every file and commit."""

    files_read: int = 0
    files_unchanged: int = 0
    articles_added: int = 0
    articles_updated: int = 0
    articles_unchanged: int = 0
    articles_removed: int = 0
    duplicates: int = 0  # articles another stored page already holds (same id): kept once
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (path, reason)
    bytes_read: int = 0  # UTF-8 size of the page text read
    batches: int = 0  # batches committed to disk
    last_path: str | None = None  # the file handled last

    @property
    def files(self) -> int:
        return self.files_read + len(self.skipped)

    @property
    def articles(self) -> int:
        return self.articles_added + self.articles_updated + self.articles_unchanged + self.duplicates


Progress = Callable[[IngestReport], None]


@dataclass
class Batching:
    """When a batch of staged pages is written.

    Every write rewrites the whole file, so with a big library the interval grows with the cost of a
    write (``write_factor`` × the last write's duration): writing then takes at most about a tenth of an
    ingest, and a crash loses at most the last interval's pages (a few seconds, ~10 s at 20,000 articles).
    ``files`` caps the pages per batch (tests use 1 to commit every file).
    """

    seconds: float = 2.0
    write_factor: float = 9.0
    files: int | None = None
    max_bytes: int = 64 * 1024 * 1024


@dataclass
class _Staged:
    key: str
    sha256: str
    page_row: dict[str, Any]
    raw: str
    article_rows: list[dict[str, Any]]


class _Batch:
    def __init__(self) -> None:
        self.pages: dict[str, _Staged] = {}
        self.bytes = 0

    def __bool__(self) -> bool:
        return bool(self.pages)


@dataclass
class _Contents:
    """What readers need, streamed from the file row by row: no TinyDB, no raw page text kept."""

    generation: int = 0
    pages: dict[str, str] = field(default_factory=dict)  # key -> sha256, in library order
    articles: list[Article] = field(default_factory=list)  # library order

    @classmethod
    def read(cls, path: Path) -> _Contents:
        contents = cls()
        if not path.exists():
            return contents
        page_order: dict[str, int] = {}
        placed: list[tuple[str, int, Article]] = []
        with gc_paused():
            for table, doc_id, row in read_rows(path, skip=(RAW,)):
                if table == PAGES:
                    check_row(path, table, doc_id, row)
                    page_order[row["path"]] = int(doc_id)
                    contents.pages[row["path"]] = row["sha256"]
                elif table == ARTICLES:
                    article = article_of(path, doc_id, row)  # checked before ``page`` and the id are used
                    placed.append((row["page"], int(doc_id), article))
                elif table == META_TABLE:
                    generation = row.get("generation", 0)
                    if not isinstance(generation, int):
                        raise damaged(path, f"row {doc_id!r} of table {META_TABLE!r} has a generation that is not a number")
                    contents.generation = generation
            contents.pages = dict(sorted(contents.pages.items(), key=lambda item: page_order[item[0]]))
            placed.sort(key=lambda item: (page_order.get(item[0], 0), item[1]))
            contents.articles = [article for _, _, article in placed]
        return contents


class StoredPages:
    """A writer's view: TinyDB loaded from disk under the lock, with the indexes ingest needs.

    ``page_sha`` (key -> sha256), ``page_doc`` (the stored keys, in library order), ``stored_page`` and
    ``stored_raw`` are what a producer given to ``Library.write`` may read.
    """

    def __init__(self, db: TinyDB, middleware: BatchMiddleware) -> None:
        self.db = db
        self.middleware = middleware  # db.storage, with the type that can commit
        self.page_doc: dict[str, int] = {}
        self.page_sha: dict[str, str] = {}
        self.page_articles: dict[str, list[int]] = {}
        for doc in sorted(db.table(PAGES), key=lambda d: d.doc_id):
            self.page_doc[doc["path"]] = doc.doc_id
            self.page_sha[doc["path"]] = doc["sha256"]
            self.page_articles[doc["path"]] = []
        self.owner: dict[str, str] = {}  # article id -> page key
        for doc in db.table(ARTICLES):
            self.page_articles.setdefault(doc["page"], []).append(doc.doc_id)
            self.owner[doc["id"]] = doc["page"]
        self.last_commit = time.monotonic()
        self.last_write_seconds = 0.0

    def stored_rows(self, key: str) -> list[dict[str, Any]]:
        return [dict(self._row(ARTICLES, doc_id)) for doc_id in self.page_articles.get(key, [])]

    def stored_page(self, key: str) -> dict[str, Any]:
        return self._row(PAGES, self.page_doc[key])

    def _row(self, table: str, doc_id: int) -> Document:
        """A row this session indexed itself when it started, so it is there."""
        row = self.db.table(table).get(doc_id=doc_id)
        if not isinstance(row, Document):
            raise LookupError(f"no row {doc_id} in table {table}")
        return row

    def stored_raw(self, key: str) -> str | None:
        """The page's stored text; ``None`` when it is missing (rows lost or removed by hand)."""
        raw = self.db.table(RAW).get(doc_id=self.page_doc[key])
        text = raw.get("raw") if isinstance(raw, dict) else self.stored_page(key).get("raw")  # older: in the page row
        return text if isinstance(text, str) else None


class Library:
    """An open library file. Reading never locks; ``ingest``/``reindex`` hold the writer lock while they run.

    Opening streams the file once and keeps the articles (not TinyDB's copy of every row, nor the raw
    pages): that is what makes a 20,000-article library open in about a second. A write session loads
    the whole database into TinyDB, from disk, under the lock, and drops it when done.
    """

    def __init__(self, path: Path, *, lock_timeout: float = DEFAULT_LOCK_TIMEOUT) -> None:
        self.path = path
        self.batching = Batching()
        self._lock = WriteLock(path, lock_timeout)
        self._contents: _Contents | None = _Contents.read(path)
        self._by_id: dict[str, Article] | None = None

    # ---- opening ---------------------------------------------------------------------------------------

    @classmethod
    def open(
        cls, path: str | os.PathLike | None = None, create: bool = True, *, lock_timeout: float = DEFAULT_LOCK_TIMEOUT
    ) -> Library:
        """Open (or, with ``create``, start) the library at ``path``; raises ``FiveStarError`` when it cannot be used.

        Opening never writes: a new library file appears with the first ingest.
        """
        path = Path(path).expanduser() if path is not None else default_library_path()
        check_library_file(path)
        if not create and not path.exists():
            raise FiveStarError(f"no library at {path}; `five-star-tui ingest PATH` creates one")
        return cls(path, lock_timeout=lock_timeout)

    def close(self) -> None:
        """Let go of the articles held for reading (the ones handed out stay valid)."""
        self._contents = None
        self._by_id = None

    def __enter__(self) -> Library:
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()

    # ---- reading ---------------------------------------------------------------------------------------

    @property
    def _current(self) -> _Contents:
        """Read again after a write session (or a close), on first use."""
        if self._contents is None:
            self._contents = _Contents.read(self.path)
            self._by_id = None
        return self._contents

    def is_empty(self) -> bool:
        return not self._current.pages

    @property
    def page_count(self) -> int:
        return len(self._current.pages)

    @property
    def generation(self) -> int:
        """Bumped by every commit, so a reader can tell that its copy is out of date."""
        return self._current.generation

    def articles(self) -> list[Article]:
        """Every article, page by page in the order the pages were first added, each page in file order.

        The articles are shared between calls: treat them as read-only.
        """
        return list(self._current.articles)

    def get(self, article_id: str) -> Article | None:
        if self._by_id is None:
            self._by_id = {article.id: article for article in self._current.articles}
        return self._by_id.get(article_id)

    def pages(self) -> list[Page]:
        """Every stored page with its raw text and its articles (reads the file again, raw text included)."""
        pages: dict[int, Page] = {}
        raws: dict[int, str] = {}
        placed: list[tuple[str, int, Article]] = []
        with gc_paused():
            for table, doc_id, row in read_rows(self.path) if self.path.exists() else ():
                if table == PAGES:
                    check_row(self.path, table, doc_id, row)
                    pages[int(doc_id)] = Page.from_dict({"raw": "", **row})  # older libraries: in the page row
                elif table == RAW:
                    check_row(self.path, table, doc_id, row)
                    if isinstance(row.get("raw"), str):
                        raws[int(doc_id)] = row["raw"]
                elif table == ARTICLES:
                    article = article_of(self.path, doc_id, row)
                    placed.append((row["page"], int(doc_id), article))
        by_key = {page.path: page for page in pages.values()}
        for number, page in pages.items():
            page.raw = raws.get(number, page.raw)
        for key, _, article in sorted(placed, key=lambda item: item[1]):
            if key in by_key:  # an article whose page row is gone is still listed by ``articles()``
                by_key[key].articles.append(article)
        return [pages[doc_id] for doc_id in sorted(pages)]

    # ---- writing ---------------------------------------------------------------------------------------

    @contextmanager
    def _writing(self) -> Iterator[StoredPages]:
        """Hold the writer lock and start from what is on disk now, which another writer may have changed."""
        self._lock.acquire()
        db = None
        try:
            remove_stale_temps(library_target(self.path))
            middleware = BatchMiddleware(LibraryStorage)
            db = TinyDB(self.path, lock=self._lock, storage=middleware)
            yield self._stored(db, middleware)
        finally:
            if db is not None:
                db.close()
            self._contents = None  # read again, lazily: the file may have changed
            self._lock.release()

    def _stored(self, db: TinyDB, middleware: BatchMiddleware) -> StoredPages:
        """Index what is on disk now, every row checked first (another process may have written it)."""
        data = db.storage.read() or {}
        for table in (PAGES, ARTICLES):
            for doc_id, row in data.get(table, {}).items():
                check_row(self.path, table, doc_id, row)
        return StoredPages(db, middleware)

    def write(self, produce: Callable[[StoredPages], Iterable[Page | Unchanged | Skipped]], progress: Progress | None = None,
              *, reextract: bool = False) -> IngestReport:
        """Store the pages that ``produce`` yields, under the writer lock, in batches (see ``Batching``).

        ``produce`` is called with what is stored now (another writer may have changed it while this one
        waited for the lock). With ``reextract`` the pages come from stored raw text and keep their keys.
        """
        with self._writing() as session:
            return self._run(session, produce(session), progress, reextract=reextract)

    def _run(self, session: StoredPages, results: Iterable[Any], progress: Progress | None, *, reextract: bool) -> IngestReport:
        report = IngestReport()
        batch = _Batch()
        try:
            for result in results:
                if isinstance(result, Page):
                    self._take(session, result, batch, report, reextract=reextract)
                elif isinstance(result, Unchanged):
                    key = page_key(result.path)
                    report.files_read += 1
                    report.bytes_read += result.bytes
                    report.last_path = key
                    _count_unchanged(session, batch, key, report)
                else:
                    report.skipped.append((str(result.path), result.reason))
                    report.last_path = str(result.path)
                if progress:
                    progress(report)
                if self._due(session, batch):
                    # Swap first: a batch whose commit failed must not be retried by the ``finally``.
                    full, batch = batch, _Batch()
                    self._commit(session, full, report, progress)
        finally:
            # Whole pages only are staged, so what is staged is consistent: keep it even when stopping early.
            if batch:
                self._commit(session, batch, report, progress)
        return report

    def _due(self, session: StoredPages, batch: _Batch) -> bool:
        if not batch:
            return False
        rule = self.batching
        if rule.files is not None and len(batch.pages) >= rule.files:
            return True
        if batch.bytes >= rule.max_bytes:
            return True
        interval = max(rule.seconds, rule.write_factor * session.last_write_seconds)
        return time.monotonic() - session.last_commit >= interval

    def _take(self, session: StoredPages, page: Page, batch: _Batch, report: IngestReport, *, reextract: bool) -> None:
        # A stored page keeps its key on reindex even if the path would now resolve elsewhere.
        key = page.path if reextract else page_key(page.path)
        report.files_read += 1
        report.bytes_read += len(page.raw.encode("utf-8"))
        report.last_path = key
        staged = batch.pages.get(key)
        if not reextract and (staged.sha256 if staged else session.page_sha.get(key)) == page.sha256:
            _count_unchanged(session, batch, key, report)
            return
        old_rows = staged.article_rows if staged else session.stored_rows(key)
        rows = _new_rows(session, page, key, report)
        page_row = {**page.to_dict(with_articles=False), "path": key}
        raw = page_row.pop("raw")
        if reextract and rows == old_rows and page_row["removed"] == session.stored_page(key)["removed"]:
            report.articles_unchanged += len(rows)
            return
        _count_changes(old_rows, rows, report)
        for row in old_rows:
            session.owner.pop(row["id"], None)
        for row in rows:
            session.owner[row["id"]] = key
        batch.pages[key] = _Staged(key, page.sha256, page_row, raw, rows)
        batch.bytes += len(page.raw)

    def _commit(self, session: StoredPages, batch: _Batch, report: IngestReport, progress: Progress | None) -> None:
        started = time.monotonic()
        staged = list(batch.pages.values())
        articles, pages, raws = (session.db.table(name) for name in (ARTICLES, PAGES, RAW))
        stale = [doc_id for s in staged for doc_id in session.page_articles.get(s.key, [])]
        if stale:
            articles.remove(doc_ids=stale)
        new_ids = articles.insert_multiple([row for s in staged for row in s.article_rows])
        replaced = [session.page_doc[s.key] for s in staged if s.key in session.page_doc]
        if replaced:
            pages.remove(doc_ids=replaced)
            raws.remove(doc_ids=replaced)
        # A replaced page keeps its doc id, and with it its place in the library order.
        page_ids = pages.insert_multiple(
            [Document(s.page_row, doc_id=session.page_doc[s.key]) if s.key in session.page_doc else s.page_row for s in staged]
        )
        raws.insert_multiple([Document({"raw": s.raw}, doc_id=page_id) for s, page_id in zip(staged, page_ids, strict=True)])
        _bump_generation(session.db)
        session.middleware.commit()  # on failure the session ends: nothing of this batch is remembered
        _remember(session, staged, new_ids, page_ids)
        session.last_commit = time.monotonic()
        session.last_write_seconds = session.last_commit - started
        report.batches += 1
        if progress:
            progress(report)


def _count_unchanged(session: StoredPages, batch: _Batch, key: str, report: IngestReport) -> None:
    staged = batch.pages.get(key)
    report.files_unchanged += 1
    report.articles_unchanged += len(staged.article_rows) if staged else len(session.page_articles.get(key, []))


def _new_rows(session: StoredPages, page: Page, key: str, report: IngestReport) -> list[dict[str, Any]]:
    rows, seen = [], set()
    for article in page.articles:
        owner = session.owner.get(article.id)
        if article.id in seen or (owner is not None and owner != key):
            report.duplicates += 1
            continue
        seen.add(article.id)
        rows.append({**article.to_dict(), "page": key})
    return rows


def _bump_generation(db: TinyDB) -> None:
    meta = db.table(META_TABLE)
    current = meta.get(doc_id=1)
    if current is None:
        meta.insert(Document({"schema": SCHEMA_VERSION, "generation": 1, "written_by": __version__}, doc_id=1))
    else:
        meta.update({"generation": current["generation"] + 1, "written_by": __version__}, doc_ids=[1])


def _remember(session: StoredPages, staged: list[_Staged], new_ids: list[int], page_ids: list[int]) -> None:
    position = 0
    for s, page_id in zip(staged, page_ids, strict=True):
        count = len(s.article_rows)
        session.page_articles[s.key] = new_ids[position : position + count]
        position += count
        session.page_doc.setdefault(s.key, page_id)
        session.page_sha[s.key] = s.sha256


def _count_changes(old_rows: list[dict[str, Any]], new_rows: list[dict[str, Any]], report: IngestReport) -> None:
    old = {row["id"]: row for row in old_rows}
    for row in new_rows:
        before = old.pop(row["id"], None)
        if before is None:
            report.articles_added += 1
        elif before == row:
            report.articles_unchanged += 1
        else:
            report.articles_updated += 1
    report.articles_removed += len(old)
