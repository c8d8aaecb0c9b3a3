"""The user's library: pages and their articles in TinyDB, kept safe by ``storage``.

Tables, in the order the file holds them (see ``writing``):
- ``meta``: schema version, a generation counter bumped on every commit, and the number of articles.
- ``summaries``: per article, under its doc id, what the tree shows of it (``rows.summary_fields``) and its
  page's doc id, so a viewer draws the tree before reading the articles (``read_summaries``).
- ``pages``: one row per source file, keyed by its resolved absolute path: source, path, sha256, encoding,
  removed (boilerplate lines). The page's text is in the page store beside the file (``page_store``), so
  extraction can re-run without the original file. (Libraries written before it kept the text in a ``raw``
  table or in the page rows; a write session moves it out, ``StoredPages.move_raw_pages_out``.)
- ``stories``: per article, under its doc id, its story and the sketch that found it (``stories``).
- ``articles``: ``Article.to_dict()`` plus ``page`` (the page's key).

Ingest and reindex write in batches (one atomic file write per batch, see ``Batching``). A batch holds
whole pages only, so a crash leaves the library exactly as it was after the last finished batch.
"""

from __future__ import annotations

import os
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from operator import itemgetter
from pathlib import Path
from typing import Any

from tinydb import TinyDB
from tinydb.table import Document

from five_star.store import __version__
from five_star.store.errors import FiveStarError
from five_star.store.library.corrections import LibraryCorrections
from five_star.store.library.page_store import PageStore
from five_star.store.library.rows import ARTICLES, PAGES, RAW, STORIES, SUMMARIES, article_of, check_row
from five_star.store.library.session import StoredPages, remove_present, summary_row
from five_star.store.library.storage import (
    META_TABLE,
    SCHEMA_VERSION,
    WriteLock,
    check_library_file,
    damaged,
    gc_paused,
    library_target,
    read_rows,
    remove_stale_temps,
)
from five_star.store.library.writing import BatchMiddleware, LibraryStorage
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


class PageKeys:
    """``page_key`` for the many files of a few folders, each folder resolved once (a path walk per file was
    a second at 20,000 files). One per ingest: a folder's link may point elsewhere by the next."""

    def __init__(self) -> None:
        self._folders: dict[Path, Path] = {}

    def __call__(self, path: Path) -> str:
        if path.name in ("", ".", "..") or path.is_symlink():
            return page_key(path)
        folder = self._folders.get(path.parent)
        if folder is None:
            folder = self._folders[path.parent] = path.parent.expanduser().resolve()
        return path_text(folder / path.name)


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
    story_rows: list[dict[str, str]]


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
    page_of: dict[str, str] = field(default_factory=dict)  # article id -> page key

    @classmethod
    def read(cls, path: Path) -> _Contents:
        contents = cls()
        if not path.exists():
            return contents
        page_order: dict[str, int] = {}
        placed: list[tuple[str, int, Article]] = []
        with gc_paused():
            for table, doc_id, row in read_rows(path, skip=(RAW, STORIES)):
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
            contents.page_of = {article.id: key for key, _, article in placed}
        return contents


def read_summaries(library: Path) -> list[tuple[Any, ...]] | None:
    """Every article's ``summary_fields``, in library order, read from the start of the file without
    passing over the articles (~15 MB of a 100,000-article library); None when the file has no complete
    summaries table (written by an older version: the next ingest or reindex adds it)."""
    count: int | None = None
    summaries: list[tuple[Any, int, tuple[Any, ...]]] = []
    with gc_paused():
        for table, doc_id, row in read_rows(library):
            if table == META_TABLE:
                count = row.get("articles")
            elif table == SUMMARIES:
                fields = row.get("s")
                if not isinstance(fields, list) or len(fields) != 8 or not isinstance(row.get("p"), int):
                    return None
                summaries.append((row["p"], int(doc_id), tuple(fields)))
            else:
                break  # the tables after the summaries: nothing more to read
    if count != len(summaries):
        return None
    summaries.sort(key=itemgetter(0, 1))  # by page, then article: the library's order
    return [fields for _, _, fields in summaries]


def stored_page_hashes(library: Path) -> dict[str, tuple[str, int]] | None:
    """Each stored page's key -> (sha256 of its text, its articles), read from the start of the file (its
    summaries and page rows: ~20 MB of a 100,000-article library), without passing over the articles; None
    when the file has no complete summaries table to count them by, or none at all."""
    if not library.exists():
        return None
    count: int | None = None
    per_page: Counter[int] = Counter()
    pages: dict[str, tuple[str, int]] = {}
    with gc_paused():
        for table, doc_id, row in read_rows(library):
            if table == META_TABLE:
                count = row.get("articles")
            elif table == SUMMARIES:
                if not isinstance(row.get("p"), int):
                    return None
                per_page[row["p"]] += 1
            elif table == PAGES:
                check_row(library, table, doc_id, row)
                pages[row["path"]] = (row["sha256"], int(doc_id))
            else:
                break  # the stories and the articles: not needed
    if count is None or count != per_page.total():
        return None
    return {key: (sha256, per_page[doc]) for key, (sha256, doc) in pages.items()}


def page_text(library: Path, article_id: str) -> str | None:
    """The stored raw text of the page an article came from, as ``Library.source_text``, without reading
    the articles: one pass over the file's lines, no row parsed (for a viewer that holds its articles)."""
    storage = LibraryStorage(library)
    try:
        storage.read()
        key = next((page for found, page in storage.indexed[ARTICLES].values() if found == article_id), None)
        sha256 = next((sha for path, sha in storage.indexed[PAGES].values() if path == key), None)
    finally:
        storage.close()
    return _stored_text(library, key, sha256)


def _stored_text(library: Path, key: str | None, sha256: str | None) -> str | None:
    if key is None or sha256 is None:
        return None
    text = PageStore(library).get(sha256)
    if text is None:  # a library no write session has moved to the page store yet
        text = next((page.raw for page in Library(library).pages() if page.path == key and page.raw), None)
    return text


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
        self._contents: _Contents | None = None  # read on first use: an ingest never needs the articles
        self.corrections = LibraryCorrections(path)  # the person's, from the file beside the library

    # ---- opening ---------------------------------------------------------------------------------------

    @classmethod
    def open(
        cls, path: str | os.PathLike | None = None, create: bool = True, *, lock_timeout: float = DEFAULT_LOCK_TIMEOUT,
        read: bool = True,
    ) -> Library:
        """Open (or, with ``create``, start) the library at ``path``; raises ``FiveStarError`` when it cannot be used.

        Opening reads the articles, so a damaged file is reported here; a writer that never needs them (an
        ingest) passes ``read=False``: at 100,000 articles that is seconds and hundreds of MB it does not
        spend, and its write session checks what it uses. Opening never writes: a new library file appears
        with the first ingest.
        """
        path = Path(path).expanduser() if path is not None else default_library_path()
        check_library_file(path)
        if not create and not path.exists():
            raise FiveStarError(f"no library at {path}; `five-star-tui ingest PATH` creates one")
        library = cls(path, lock_timeout=lock_timeout)
        if read:
            library._current  # noqa: B018 -- reading is the point
        return library

    def close(self) -> None:
        """Let go of the articles held for reading (the ones handed out stay valid)."""
        self._contents = None
        self.corrections.forget()

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

    def articles(self, *, junk: bool = False) -> list[Article]:
        """Every article, page by page in the order the pages were first added, each page in file order,
        with the person's corrections applied; items marked as junk only with ``junk``.

        The articles are shared between calls: treat them as read-only.
        """
        applied = self.corrections.applied(self._current.articles)
        return list(applied.articles) if junk else [article for article in applied.articles if not article.junk]

    def get(self, article_id: str) -> Article | None:
        """The article with this id, corrected, junk or not."""
        return self.corrections.applied(self._current.articles).by_id.get(article_id)

    def source_text(self, article_id: str) -> str | None:
        """The stored raw text of the page an article came from (its lines are the article's ``first_line``…
        ``last_line``, counted from 1); ``None`` when the article is unknown or its page text is not stored."""
        key = self._current.page_of.get(article_id)
        return _stored_text(self.path, key, self._current.pages.get(key) if key is not None else None)

    def pages(self) -> list[Page]:
        """Every stored page with its raw text (from the page store) and its articles (reads the file again)."""
        pages: dict[int, Page] = {}
        legacy: dict[int, str] = {}  # raw text still in the file (see ``StoredPages.move_raw_pages_out``)
        placed: list[tuple[str, int, Article]] = []
        with gc_paused():
            for table, doc_id, row in read_rows(self.path, skip=(STORIES,)) if self.path.exists() else ():
                if table == PAGES:
                    check_row(self.path, table, doc_id, row)
                    pages[int(doc_id)] = Page.from_dict({"raw": "", **row})
                elif table == RAW:
                    check_row(self.path, table, doc_id, row)
                    if isinstance(row.get("raw"), str):
                        legacy[int(doc_id)] = row["raw"]
                elif table == ARTICLES:
                    article = article_of(self.path, doc_id, row)
                    placed.append((row["page"], int(doc_id), article))
        store = PageStore(self.path)
        by_key = {page.path: page for page in pages.values()}
        for number, page in pages.items():
            page.raw = legacy.get(number) or page.raw or store.get(page.sha256) or ""
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
            page_store = PageStore(self.path)
            page_store.remove_stale_temps()
            middleware = BatchMiddleware(LibraryStorage)
            db = TinyDB(self.path, lock=self._lock, storage=middleware)
            session = StoredPages(db, middleware, page_store)
            if session.move_raw_pages_out() | session.fill_summaries():
                _bump_generation(db)
                middleware.commit()
            yield session
        finally:
            if db is not None:
                db.close()
            self._contents = None  # read again, lazily: the file may have changed
            self._lock.release()

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
                    key = result.path  # already the page's key: resolving it again costs a path walk per file
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
        stories = session.stories  # first: it may be being read from the file, which stored_rows reads too
        old_rows = staged.article_rows if staged else session.stored_rows(key)
        rows = _new_rows(session, page, key, report)
        for row in old_rows:
            stories.forget(row["id"])
        story_rows = stories.assign_page(rows)
        for row, story in zip(rows, story_rows, strict=True):
            row["story"] = story["story"]
        page_row = {**page.to_dict(with_articles=False), "path": key}
        raw = page_row.pop("raw")
        if (reextract and rows == old_rows and page_row["removed"] == session.stored_page(key)["removed"]
                and all(row["id"] in session.storied for row in rows)):
            report.articles_unchanged += len(rows)
            return
        _count_changes(old_rows, rows, report)
        for row in old_rows:
            session.owner.pop(row["id"], None)
        for row in rows:
            session.owner[row["id"]] = key
        batch.pages[key] = _Staged(key, page.sha256, page_row, raw, rows, story_rows)
        batch.bytes += len(page.raw)

    def _commit(self, session: StoredPages, batch: _Batch, report: IngestReport, progress: Progress | None) -> None:
        started = time.monotonic()
        staged = list(batch.pages.values())
        for s in staged:  # the pages' text first: a committed row never names a page the store lacks
            if s.raw:
                session.page_store.put(s.sha256, s.raw)
        session.page_store.sync()
        articles, pages, stories = (session.db.table(name) for name in (ARTICLES, PAGES, STORIES))
        stale = [doc_id for s in staged for doc_id in session.page_articles.get(s.key, [])]
        if stale:
            articles.remove(doc_ids=stale)
            remove_present(session, STORIES, stale)  # older libraries have none
            remove_present(session, SUMMARIES, stale)
        new_rows = [row for s in staged for row in s.article_rows]
        new_ids = articles.insert_multiple(new_rows)
        # A story row and a summary row have their article's doc id, so the three are replaced together.
        stories.insert_multiple([Document(row, doc_id=doc_id)
                                 for row, doc_id in zip((row for s in staged for row in s.story_rows), new_ids, strict=True)])
        replaced = [session.page_doc[s.key] for s in staged if s.key in session.page_doc]
        if replaced:
            pages.remove(doc_ids=replaced)
        # A replaced page keeps its doc id, and with it its place in the library order.
        page_ids = pages.insert_multiple(
            [Document(s.page_row, doc_id=session.page_doc[s.key]) if s.key in session.page_doc else s.page_row for s in staged]
        )
        page_of_row = [page_id for s, page_id in zip(staged, page_ids, strict=True) for _ in s.article_rows]
        session.db.table(SUMMARIES).insert_multiple(
            [Document(summary_row(Article.from_dict(row), page_id), doc_id=doc_id)
             for row, doc_id, page_id in zip(new_rows, new_ids, page_of_row, strict=True)]
        )
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
    """Also records how many articles the file holds: a reader of the summaries alone can tell they are all there."""
    meta = db.table(META_TABLE)
    current = meta.get(doc_id=1)
    count = len(db.table(ARTICLES))
    if current is None:
        meta.insert(Document({"schema": SCHEMA_VERSION, "generation": 1, "written_by": __version__, "articles": count}, doc_id=1))
    else:
        meta.update({"generation": current["generation"] + 1, "written_by": __version__, "articles": count}, doc_ids=[1])


def _remember(session: StoredPages, staged: list[_Staged], new_ids: list[int], page_ids: list[int]) -> None:
    position = 0
    for s, page_id in zip(staged, page_ids, strict=True):
        count = len(s.article_rows)
        session.page_articles[s.key] = new_ids[position : position + count]
        position += count
        session.page_doc.setdefault(s.key, page_id)
        session.page_sha[s.key] = s.sha256
        session.storied.update(row["id"] for row in s.story_rows)


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
