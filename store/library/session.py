"""A write session's view of the library: TinyDB over the file as it is now, under the writer lock, with
the indexes ingest and reindex need, and the rows that ride along with each article (summary, story)."""

from __future__ import annotations

import threading
import time
from typing import Any, cast

from tinydb import TinyDB
from tinydb.table import Document

from five_star.store.library.page_store import PageStore
from five_star.store.library.rows import ARTICLES, PAGES, RAW, STORIES, SUMMARIES, article_of, check_row, summary_fields
from five_star.store.library.stories import StoryIndex
from five_star.store.library.writing import BatchMiddleware, LibraryStorage
from five_star.store.model import Article, text_sha256


class StoredPages:
    """A writer's view: TinyDB over what is on disk, under the lock, with the indexes ingest needs.

    ``page_sha`` (key -> sha256), ``page_doc`` (the stored keys, in library order), ``stored_page`` and
    ``stored_raw`` are what a producer given to ``Library.write`` may read. Rows are parsed only when
    asked for (see ``writing``): a session over 100,000 articles holds their places, not their contents.
    """

    def __init__(self, db: TinyDB, middleware: BatchMiddleware, page_store: PageStore) -> None:
        self.db = db
        self.middleware = middleware  # db.storage, with the type that can commit
        middleware.read()  # reads the file and indexes its rows
        self.storage = cast(LibraryStorage, middleware.storage)
        self.page_store = page_store
        self.page_doc: dict[str, int] = {}
        self.page_sha: dict[str, str] = {}
        self.page_articles: dict[str, list[int]] = {}
        for doc_id, (key, sha256) in sorted(self.storage.indexed[PAGES].items(), key=lambda item: int(item[0])):
            self.page_doc[key] = int(doc_id)
            self.page_sha[key] = sha256
            self.page_articles[key] = []
        self.owner: dict[str, str] = {}  # article id -> page key
        for doc_id, (article_id, key) in self.storage.indexed[ARTICLES].items():
            self.page_articles.setdefault(key, []).append(int(doc_id))
            self.owner[article_id] = key
        self.storied = {article_id for article_id, _ in self.storage.indexed[STORIES].values()}
        self._stories: StoryIndex | None = None
        self._reading_stories: threading.Thread | None = None
        self._stories_failed: BaseException | None = None
        self.last_commit = time.monotonic()
        self.last_write_seconds = 0.0

    @property
    def stories(self) -> StoryIndex:
        """Every stored article's story and sketch, read when a page first changes (never by a re-ingest
        that changes nothing). Use it before any other stored row: ``expect_changes`` may be reading it."""
        if self._reading_stories is not None:
            self._reading_stories.join()
            self._reading_stories = None
            if self._stories_failed is not None:
                raise self._stories_failed
        if self._stories is None:
            self._read_stories()
        assert self._stories is not None
        return self._stories

    def expect_changes(self) -> None:
        """Pages are about to be extracted: read the stories now, in a thread (~4 s at 100,000 articles), while
        the extraction processes start and work, rather than when their first page arrives."""
        if self._stories is None and self._reading_stories is None:
            self._reading_stories = threading.Thread(target=self._read_stories, name="read-stories", daemon=True)
            self._reading_stories.start()

    def _read_stories(self) -> None:
        try:
            rows = self.middleware.read().get(STORIES, {})
            self._stories = StoryIndex.from_rows(self.storage.row(STORIES, doc_id, row) for doc_id, row in rows.items())
        except BaseException as exc:  # raised where the stories are first used
            self._stories_failed = exc

    def stored_rows(self, key: str) -> list[dict[str, Any]]:
        return [dict(self._row(ARTICLES, doc_id)) for doc_id in self.page_articles.get(key, [])]

    def stored_page(self, key: str) -> dict[str, Any]:
        return self._row(PAGES, self.page_doc[key])

    def _row(self, table: str, doc_id: int) -> dict[str, Any]:
        """A row this session indexed itself, so it is there; checked (another process may have written it)."""
        row = self.storage.row(table, str(doc_id), self.middleware.read()[table][str(doc_id)])
        check_row(self.storage.path, table, str(doc_id), row)
        return row

    def stored_raw(self, key: str) -> str | None:
        """The page's stored text; ``None`` when it is missing (removed by hand, damaged)."""
        return self.page_store.get(self.page_sha[key])

    def fill_summaries(self) -> bool:
        """Libraries written before the summaries table: add a summary for each article lacking one (and drop
        those of no article); True when the file must be rewritten."""
        data = self.middleware.read()
        summaries, articles = data.get(SUMMARIES, {}), data.get(ARTICLES, {})
        missing = [doc_id for doc_id in articles if doc_id not in summaries]
        orphans = [int(doc_id) for doc_id in summaries if doc_id not in articles]
        if orphans:
            self.db.table(SUMMARIES).remove(doc_ids=orphans)
        rows = {doc_id: self._row(ARTICLES, int(doc_id)) for doc_id in missing}
        self.db.table(SUMMARIES).insert_multiple(
            [Document(summary_row(article_of(self.storage.path, doc_id, row), self.page_doc.get(row["page"], 0)), doc_id=int(doc_id))
             for doc_id, row in rows.items()]
        )
        return bool(missing or orphans)

    def move_raw_pages_out(self) -> bool:
        """Libraries written before the page store kept raw text in the file (a ``raw`` table, or earlier in
        the page rows): move it to the page store; True when the file must be rewritten without it."""
        data = self.middleware.read()
        legacy = data.pop(RAW, None)
        moved = legacy is not None
        by_doc = {doc_id: row.get("raw") for doc_id, row in (legacy or {}).items()}
        for key, doc_id in self.page_doc.items():
            raw = by_doc.get(str(doc_id))
            if self.storage.has_field(data[PAGES][str(doc_id)], "raw"):
                row = self.stored_page(key)
                raw = row.pop("raw")
                data[PAGES][str(doc_id)] = row  # rewritten without it
                moved = True
            if isinstance(raw, str) and text_sha256(raw) == self.page_sha[key]:
                self.page_store.put(self.page_sha[key], raw)
        self.page_store.sync()
        return moved


def summary_row(article: Article, page_doc: int) -> dict[str, Any]:
    """``p``: the page's doc id, which with the article's own orders the summaries as the library is ordered."""
    return {"s": summary_fields(article), "p": page_doc}


def remove_present(session: StoredPages, table: str, doc_ids: list[int]) -> None:
    held = session.middleware.read().get(table, {})
    present = [doc_id for doc_id in doc_ids if str(doc_id) in held]
    if present:
        session.db.table(table).remove(doc_ids=present)
