"""The user's library: pages and their articles in TinyDB, kept safe by ``storage``.

Tables:
- ``pages``: one row per source file, keyed by its resolved absolute path: source, path, sha256, encoding,
  raw (the page text, so extraction can re-run without the original file), removed (boilerplate lines).
- ``articles``: ``Article.to_dict()`` plus ``page`` (the page's key).
- ``meta``: schema version and a generation counter bumped on every commit.

Ingest and reindex write in batches (one atomic file write per batch, see ``Batching``). A batch holds
whole pages only, so a crash leaves the library exactly as it was after the last finished batch.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterable
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator

from platformdirs import user_data_dir
from tinydb import TinyDB
from tinydb.table import Document

from five_star.store import __version__
from five_star.store.errors import FiveStarError
from five_star.store.model import Article, Page
from five_star.store.storage import (
    META_TABLE,
    SCHEMA_VERSION,
    BatchMiddleware,
    LibraryStorage,
    WriteLock,
    remove_stale_temps,
)

PAGES = "pages"
ARTICLES = "articles"
DEFAULT_LOCK_TIMEOUT = 5.0
"""Seconds a second writer waits for the first before giving up with a clear message."""


def default_library_path() -> Path:
    """``$FIVE_STAR_DB``, else ``library.json`` in the user data directory."""
    override = os.environ.get("FIVE_STAR_DB")
    if override:
        return Path(override).expanduser()
    return Path(user_data_dir("five-star-tui", appauthor=False)) / "library.json"


def page_key(path: str | os.PathLike) -> str:
    """Pages are keyed by resolved absolute path: the same file reached two ways is one page."""
    return str(Path(path).expanduser().resolve())


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

    @property
    def changed(self) -> bool:
        return bool(self.articles_added or self.articles_updated or self.articles_removed)


Progress = Callable[[IngestReport], None]


@dataclass
class Batching:
    """When a batch of staged pages is written.

    Every write rewrites the whole file, so with a big library the interval grows with the cost of a
    write (``write_factor`` × the last write's duration), which bounds the time spent writing to a
    fixed share of the run. ``files`` caps the pages per batch (tests use 1 to commit every file).
    """

    seconds: float = 2.0
    write_factor: float = 4.0
    files: int | None = None
    max_bytes: int = 64 * 1024 * 1024


@dataclass
class _Staged:
    key: str
    sha256: str
    page_row: dict[str, Any]
    article_rows: list[dict[str, Any]]


class _Batch:
    def __init__(self) -> None:
        self.pages: dict[str, _Staged] = {}
        self.bytes = 0

    def __bool__(self) -> bool:
        return bool(self.pages)


class Library:
    """An open library file. Reading never locks; ``ingest``/``reindex`` hold the writer lock while they run."""

    def __init__(self, path: Path, *, lock_timeout: float = DEFAULT_LOCK_TIMEOUT) -> None:
        self.path = path
        self.batching = Batching()
        self._lock = WriteLock(path, lock_timeout)
        self._db: TinyDB | None = None
        self._load()

    # ---- opening ---------------------------------------------------------------------------------------

    @classmethod
    def open(
        cls, path: str | os.PathLike | None = None, create: bool = True, *, lock_timeout: float = DEFAULT_LOCK_TIMEOUT
    ) -> Library:
        """Open (or, with ``create``, start) the library at ``path``; raises ``FiveStarError`` when it cannot be used.

        Opening never writes: a new library file appears with the first ingest.
        """
        path = Path(path).expanduser() if path is not None else default_library_path()
        if not create and not path.exists():
            raise FiveStarError(f"no library at {path}; `five-star-tui ingest PATH` creates one")
        return cls(path, lock_timeout=lock_timeout)

    def _load(self) -> None:
        if self._db is not None:
            self._db.close()
        self._db = TinyDB(self.path, lock=self._lock, storage=BatchMiddleware(LibraryStorage))
        self._middleware: BatchMiddleware = self._db.storage
        pages = self._db.table(PAGES)
        self._page_doc: dict[str, int] = {}
        self._page_sha: dict[str, str] = {}
        self._page_articles: dict[str, list[int]] = {}
        for doc in sorted(pages, key=lambda d: d.doc_id):
            self._page_doc[doc["path"]] = doc.doc_id
            self._page_sha[doc["path"]] = doc["sha256"]
            self._page_articles[doc["path"]] = []
        self._owner: dict[str, str] = {}  # article id -> page key
        for doc in self._db.table(ARTICLES):
            self._page_articles.setdefault(doc["page"], []).append(doc.doc_id)
            self._owner[doc["id"]] = doc["page"]
        self._forget_articles()

    def _forget_articles(self) -> None:
        self._articles: list[Article] | None = None
        self._by_id: dict[str, Article] | None = None

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None
        self._lock.release()

    def __enter__(self) -> Library:
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()

    # ---- reading ---------------------------------------------------------------------------------------

    def is_empty(self) -> bool:
        return not self._page_doc

    @property
    def page_count(self) -> int:
        return len(self._page_doc)

    @property
    def generation(self) -> int:
        """Bumped by every commit, so a reader can tell that its copy is out of date."""
        meta = self._db.table(META_TABLE).get(doc_id=1)
        return meta["generation"] if meta else 0

    def articles(self) -> list[Article]:
        """Every article, page by page in the order the pages were first added, each page in file order.

        Built once per open (and after each commit) and shared: treat the articles as read-only.
        """
        if self._articles is None:
            table = self._db.table(ARTICLES)
            self._articles = [
                Article.from_dict(table.get(doc_id=doc_id)) for key in self._page_doc for doc_id in self._page_articles[key]
            ]
        return list(self._articles)

    def get(self, article_id: str) -> Article | None:
        if self._by_id is None:
            self._by_id = {article.id: article for article in self.articles()}
        return self._by_id.get(article_id)

    def pages(self) -> list[Page]:
        """Every stored page with its articles (raw text included)."""
        articles = self._db.table(ARTICLES)
        out = []
        for row in sorted(self._db.table(PAGES), key=lambda d: d.doc_id):
            page = Page.from_dict(row)
            page.articles = [Article.from_dict(articles.get(doc_id=d)) for d in self._page_articles[row["path"]]]
            out.append(page)
        return out

    # ---- writing ---------------------------------------------------------------------------------------

    @contextmanager
    def _writing(self) -> Iterator[None]:
        """Hold the writer lock and start from what is on disk now, which another writer may have changed."""
        self._lock.acquire()
        try:
            remove_stale_temps(self.path)
            if self._middleware.storage.changed_on_disk():
                self._load()
            yield
        finally:
            self._lock.release()

    def ingest(self, paths: Iterable[str | os.PathLike], progress: Progress | None = None) -> IngestReport:
        """Add pages (files or folders) to the library.

        An unchanged file (same content hash) changes nothing; a changed file replaces that file's articles.
        Unreadable files are reported in ``skipped`` and the rest goes on.
        """
        from five_star.store.pipeline import extract_paths

        with self._writing():
            return self._run(extract_paths([Path(p) for p in paths]), progress, reextract=False)

    def reindex(self, progress: Progress | None = None) -> IngestReport:
        """Re-run extraction over every stored raw page (after an upgrade), without the original files."""
        with self._writing():
            return self._run(self._reextracted(), progress, reextract=True)

    def ensure_seeded(self, progress: Progress | None = None) -> IngestReport | None:
        """First launch: fill an empty library with the bundled seed pages; ``None`` if it was not empty."""
        from five_star.seeds import seed_paths
        from five_star.store.pipeline import extract_paths

        if not self.is_empty():
            return None
        with self._writing():
            if not self.is_empty():  # another process seeded it while we waited for the lock
                return None
            return self._run(extract_paths(seed_paths()), progress, reextract=False)

    def _reextracted(self) -> Iterator[Any]:
        from five_star.store.pipeline import extract_text
        from five_star.store.read import Skipped

        for key, doc_id in list(self._page_doc.items()):
            row = self._db.table(PAGES).get(doc_id=doc_id)
            try:
                yield extract_text(row["raw"], row["source"], path=key, encoding=row["encoding"])
            except Exception as exc:  # keep the stored articles of a page the new code cannot handle
                yield Skipped(Path(key), f"could not be re-extracted ({type(exc).__name__}: {exc})")

    def _run(self, results: Iterable[Any], progress: Progress | None, *, reextract: bool) -> IngestReport:
        report = IngestReport()
        batch = _Batch()
        self._last_commit = time.monotonic()
        self._last_write_seconds = 0.0
        try:
            for result in results:
                if isinstance(result, Page):
                    self._take(result, batch, report, reextract=reextract)
                else:
                    report.skipped.append((str(result.path), result.reason))
                    report.last_path = str(result.path)
                if progress:
                    progress(report)
                if self._due(batch):
                    # Swap first: a batch whose commit failed must not be retried by the ``finally``.
                    full, batch = batch, _Batch()
                    self._commit(full, report, progress)
        finally:
            # Whole pages only are staged, so what is staged is consistent: keep it even when stopping early.
            if batch:
                self._commit(batch, report, progress)
        return report

    def _due(self, batch: _Batch) -> bool:
        if not batch:
            return False
        rule = self.batching
        if rule.files is not None and len(batch.pages) >= rule.files:
            return True
        if batch.bytes >= rule.max_bytes:
            return True
        interval = max(rule.seconds, rule.write_factor * self._last_write_seconds)
        return time.monotonic() - self._last_commit >= interval

    def _take(self, page: Page, batch: _Batch, report: IngestReport, *, reextract: bool) -> None:
        # A stored page keeps its key on reindex even if the path would now resolve elsewhere.
        key = page.path if reextract else page_key(page.path)
        report.files_read += 1
        report.bytes_read += len(page.raw.encode("utf-8"))
        report.last_path = key
        if not reextract and self._current_sha(key, batch) == page.sha256:
            report.files_unchanged += 1
            report.articles_unchanged += self._article_count(key, batch)
            return
        old_rows = self._current_rows(key, batch)
        rows = self._new_rows(page, key, report)
        page_row = {**page.to_dict(with_articles=False), "path": key}
        if reextract and rows == old_rows and page_row["removed"] == self._stored_removed(key):
            report.articles_unchanged += len(rows)
            return
        _count_changes(old_rows, rows, report)
        for row in old_rows:
            self._owner.pop(row["id"], None)
        for row in rows:
            self._owner[row["id"]] = key
        batch.pages[key] = _Staged(key, page.sha256, page_row, rows)
        batch.bytes += len(page.raw)

    def _new_rows(self, page: Page, key: str, report: IngestReport) -> list[dict[str, Any]]:
        rows, seen = [], set()
        for article in page.articles:
            owner = self._owner.get(article.id)
            if article.id in seen or (owner is not None and owner != key):
                report.duplicates += 1
                continue
            seen.add(article.id)
            rows.append({**article.to_dict(), "page": key})
        return rows

    def _current_rows(self, key: str, batch: _Batch) -> list[dict[str, Any]]:
        if key in batch.pages:
            return batch.pages[key].article_rows
        table = self._db.table(ARTICLES)
        return [dict(table.get(doc_id=doc_id)) for doc_id in self._page_articles.get(key, [])]

    def _article_count(self, key: str, batch: _Batch) -> int:
        if key in batch.pages:
            return len(batch.pages[key].article_rows)
        return len(self._page_articles.get(key, []))

    def _current_sha(self, key: str, batch: _Batch) -> str | None:
        if key in batch.pages:
            return batch.pages[key].sha256
        return self._page_sha.get(key)

    def _stored_removed(self, key: str) -> list[dict[str, Any]]:
        return self._db.table(PAGES).get(doc_id=self._page_doc[key])["removed"]

    def _commit(self, batch: _Batch, report: IngestReport, progress: Progress | None) -> None:
        started = time.monotonic()
        staged = list(batch.pages.values())
        articles, pages = self._db.table(ARTICLES), self._db.table(PAGES)
        stale = [doc_id for s in staged for doc_id in self._page_articles.get(s.key, [])]
        if stale:
            articles.remove(doc_ids=stale)
        new_ids = articles.insert_multiple([row for s in staged for row in s.article_rows])
        replaced = [self._page_doc[s.key] for s in staged if s.key in self._page_doc]
        if replaced:
            pages.remove(doc_ids=replaced)
        # A replaced page keeps its doc id, and with it its place in the library order.
        page_ids = pages.insert_multiple(
            [Document(s.page_row, doc_id=self._page_doc[s.key]) if s.key in self._page_doc else s.page_row for s in staged]
        )
        self._bump_generation()
        try:
            self._middleware.commit()
        except BaseException:
            self._load()  # drop the unwritten batch; memory matches the disk again
            raise
        self._remember(staged, new_ids, page_ids)
        self._last_commit = time.monotonic()
        self._last_write_seconds = self._last_commit - started
        report.batches += 1
        if progress:
            progress(report)

    def _bump_generation(self) -> None:
        meta = self._db.table(META_TABLE)
        current = meta.get(doc_id=1)
        if current is None:
            meta.insert(Document({"schema": SCHEMA_VERSION, "generation": 1, "written_by": __version__}, doc_id=1))
        else:
            meta.update({"generation": current["generation"] + 1, "written_by": __version__}, doc_ids=[1])

    def _remember(self, staged: list[_Staged], new_ids: list[int], page_ids: list[int]) -> None:
        position = 0
        for s, page_id in zip(staged, page_ids):
            count = len(s.article_rows)
            self._page_articles[s.key] = new_ids[position : position + count]
            position += count
            self._page_doc.setdefault(s.key, page_id)
            self._page_sha[s.key] = s.sha256
        self._forget_articles()


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
