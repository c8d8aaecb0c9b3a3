"""TinyDB's storage for a write session (an ingest, a reindex), holding the big tables' rows on disk.

TinyDB's storage API hands the whole database over on every read and write. Parsed, the rows of a
100,000-article library take several times the file's size in memory, and a session touches few of them:
it replaces the rows of changed pages and adds new ones. So the rows of the big tables (``pages``,
``articles``) stay unparsed: each is a ``StoredRow``, the place of its JSON in the file the session read,
and a commit copies those bytes into the new file. TinyDB still does every insert and removal; only the
fields a session indexes by (an article's ``id`` and ``page``, a page's ``path`` and ``sha256``) are read
from each row, and a whole row is parsed only when asked for (``row``).

Each write goes through ``write_atomically`` (temporary file, fsync, atomic replace, backups); after it,
every big-table row is a ``StoredRow`` of the new file, so what a session holds does not grow with what it
has written.
"""

from __future__ import annotations

import io
import json
import re
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any, BinaryIO

from tinydb.middlewares import CachingMiddleware
from tinydb.storages import Storage

from five_star.store.errors import FiveStarError
from five_star.store.library.rows import ARTICLES, PAGES, STORIES, SUMMARIES, check_row
from five_star.store.library.storage import (
    META_TABLE,
    Damage,
    WriteLock,
    check_library_file,
    check_schema,
    damaged,
    dumps,
    gc_paused,
    library_target,
    loads,
    parse_records,
    read_rows,
    write_atomically,
)

INDEXED_FIELDS = {ARTICLES: ("id", "page"), PAGES: ("path", "sha256"), STORIES: ("id", "story"), SUMMARIES: ()}
"""The big tables, whose rows stay in the file, and the string fields a write session indexes each by."""

_TABLE_ORDER = (META_TABLE, SUMMARIES, PAGES, STORIES)
"""Written first, in this order, so a reader that wants the summaries (or the pages) need not pass over the
rest (``read_summaries``); the articles, by far the biggest, come last."""


class StoredRow:
    """A row left in the file: its JSON object is bytes ``start`` to ``end``."""

    __slots__ = ("end", "start")

    def __init__(self, start: int, end: int) -> None:
        self.start = start
        self.end = end


_KEYS = {table: tuple(b'"' + name.encode() + b'":"' for name in names) for table, names in INDEXED_FIELDS.items()}
_STRING_REST = re.compile(rb'((?:[^"\\]|\\.)*)"')  # a JSON string's contents after its opening quote


def _field(line: bytes, start: int, end: int, key: bytes, last: bool) -> str | None:
    """The text of the field ``key`` (``"name":"``) in the row ``line[start:end]``, found from the start or,
    for a field written last, from the end: a row is kilobytes of text, the fields a few bytes at one end."""
    at = line.rfind(key, start, end) if last else line.find(key, start, end)
    if at < 0:
        return None
    value = at + len(key)
    close = line.find(b'"', value, end)
    if close < 0:
        return None
    if b"\\" not in line[value:close]:
        return line[value:close].decode("utf-8")
    found = _STRING_REST.match(line, value, end)  # escapes: the string may go on past that quotation mark
    return _text_of(found[1]) if found else None


def _text_of(value: bytes) -> str:
    return json.loads(b'"' + value + b'"') if b"\\" in value else value.decode("utf-8")


class _Source:
    """The file a session read its rows from, read by offset.

    Read through a file handle, not mapped: a mapping's pages count as the process's memory once touched,
    and a commit touches them all. Windows cannot replace a file that is open; there the session holds the
    file's bytes instead.
    """

    def __init__(self, path: Path | None = None) -> None:
        self._data: bytes | None = b""
        self._handle: BinaryIO | None = None
        if path is None:
            return
        if sys.platform == "win32":
            self._data = path.read_bytes()
        else:
            self._handle, self._data = path.open("rb", buffering=1 << 20), None

    def read(self, start: int, end: int) -> bytes:
        if self._handle is None:
            return (self._data or b"")[start:end]
        self._handle.seek(start)  # a seek within the buffer reads nothing: rows are copied in file order
        return self._handle.read(end - start)

    def lines(self) -> Iterator[tuple[int, bytes]]:
        """Each line with the offset it starts at."""
        source = self._handle if self._handle is not None else io.BytesIO(self._data or b"")
        source.seek(0)
        offset = 0
        for line in source:
            yield offset, line
            offset += len(line)

    def close(self) -> None:
        if self._handle is not None:
            self._handle.close()


class LibraryStorage(Storage):
    """The whole database as one UTF-8 JSON file, replaced atomically on every write.

    One storage serves one write session: its first write moves the backups down and keeps the file as it
    was before the session as ``.bak``; its later writes (the session's next batches) leave the backups
    alone, so the generations are "before this run, before the previous run, …".
    """

    def __init__(self, path: str | Path, lock: WriteLock | None = None) -> None:
        super().__init__()
        self.path = library_target(Path(path))
        self.lock = lock
        self._backed_up = False
        self._source = _Source()
        self.indexed: dict[str, dict[str, tuple[str, str]]] = {table: {} for table in INDEXED_FIELDS}
        """Per big table, doc id -> its two indexed fields, as read when the session started."""

    # ---- reading -------------------------------------------------------------------------------------

    def read(self) -> dict[str, Any]:
        if not self.path.exists():
            return {}
        check_library_file(self.path)
        try:
            self._source = _Source(self.path)
            head = b'{\n"' + META_TABLE.encode() + b'":{\n'
            layout = self._source.read(0, len(head)).replace(b"\r", b"")
        except OSError as exc:
            raise FiveStarError(f"cannot read library {self.path}: {exc.strerror or exc}") from None
        if layout != head:
            return self._read_whole()  # another JSON layout (hand-edited, pretty-printed): parsed as it is
        data: dict[str, dict[str, Any]] = {}
        with gc_paused():
            try:
                for table, doc_id, row in self._scan():
                    data.setdefault(table, {})[doc_id] = row
            except Damage as exc:
                raise damaged(self.path, exc.reason) from None
        return data

    def _read_whole(self) -> dict[str, Any]:
        data: dict[str, dict[str, Any]] = {}
        with gc_paused():
            for table, doc_id, row in read_rows(self.path):
                data.setdefault(table, {})[doc_id] = row
                if table == PAGES:
                    check_row(self.path, table, doc_id, row)
                if table in INDEXED_FIELDS:
                    self._index(table, doc_id, row)
        return data

    def _scan(self) -> Iterator[tuple[str, str, Any]]:
        """The rows of the file in its row-per-line layout (see ``storage``), big tables unparsed."""
        table: str | None = None
        pending: list[tuple[int, bytes]] = []  # small tables' records, parsed in batches
        closed = False
        lines = self._source.lines()
        next(lines)  # "{", checked with the layout
        for number, (offset, line) in enumerate(lines, start=2):
            text = line.rstrip(b"\r\n")
            if closed:
                if text.strip():
                    raise Damage(f"unexpected text after the end, on line {number}")
            elif table is None:
                if text == b"}":
                    closed = True
                elif text.endswith(b":{"):
                    table = _heading(text[:-2], number)
                else:
                    raise Damage(f"line {number} is not a table heading")
            elif text in (b"}", b"},"):
                rows = parse_records(table, pending, self.path)
                if table == META_TABLE:
                    check_schema({META_TABLE: {doc_id: row for _, doc_id, row in rows}}, self.path)
                yield from rows
                pending = []
                table = None
            elif table in INDEXED_FIELDS:
                yield table, *self._stored_row(table, offset, text, number)
            else:
                if not text.startswith(b'"') or b'":' not in text:
                    raise Damage(f"line {number} is not a record")
                pending.append((number, text))
        if table is not None or not closed:
            raise Damage("it ends early, likely truncated")

    def _stored_row(self, table: str, offset: int, text: bytes, number: int) -> tuple[str, StoredRow]:
        split = text.find(b'":')
        if not text.startswith(b'"') or split < 0 or text[split + 2 : split + 3] != b"{":  # "doc id":{
            raise Damage(f"line {number} is not a record")
        doc_id = text[1:split].decode("ascii", "replace")
        start, end = split + 2, len(text) - 1 if text.endswith(b",") else len(text)  # without the separating comma
        row = StoredRow(offset + start, offset + end)
        if table == PAGES:  # few, small and read by reindex as they are: each checked whole (no article is)
            check_row(self.path, table, doc_id, self._parsed(table, doc_id, text[start:end]))
        keys = _KEYS[table]
        if not keys:
            return doc_id, row
        # Stored rows name their id first and their page (or story) last; a key is the only place an unescaped
        # `"name":"` can stand (a quotation mark in a value is written \"), and no nested record has these names.
        first = _field(text, start, end, keys[0], last=False)
        second = _field(text, start, end, keys[1], last=table != PAGES)
        if first is not None and second is not None:
            self.indexed[table][doc_id] = (first, second)
        else:
            self._index(table, doc_id, self._parsed(table, doc_id, text[start:end]))  # says what is wrong with the row
        return doc_id, row

    def _index(self, table: str, doc_id: str, row: dict[str, Any]) -> None:
        if not INDEXED_FIELDS[table]:
            return
        first, second = (row.get(name) for name in INDEXED_FIELDS[table])
        if not isinstance(first, str) or not isinstance(second, str):
            names = " and ".join(repr(name) for name in INDEXED_FIELDS[table])
            raise damaged(self.path, f"row {doc_id!r} of table {table!r} lacks {names} as text")
        self.indexed[table][doc_id] = (first, second)

    def has_field(self, stored: Any, name: str) -> bool:
        """Whether the row has a text field ``name``, without parsing it when it is left in the file."""
        if not isinstance(stored, StoredRow):
            return isinstance(stored.get(name), str)
        data = self._source.read(stored.start, stored.end)
        return _field(data, 0, len(data), b'"' + name.encode() + b'":"', last=False) is not None

    def row(self, table: str, doc_id: str, stored: Any) -> dict[str, Any]:
        """The parsed row (a copy when it is left in the file)."""
        if not isinstance(stored, StoredRow):
            return stored
        return self._parsed(table, doc_id, self._source.read(stored.start, stored.end))

    def _parsed(self, table: str, doc_id: str, body: bytes) -> dict[str, Any]:
        try:
            row = loads(body)
        except ValueError:
            row = None
        if not isinstance(row, dict):
            raise damaged(self.path, f"row {doc_id!r} of table {table!r} is not valid JSON")
        return row

    # ---- writing -------------------------------------------------------------------------------------

    def write(self, data: dict[str, Any]) -> None:
        if self.lock is None or not self.lock.held:
            raise RuntimeError("library written without holding its write lock")
        placed: dict[str, list[tuple[str, int, int]]] = {table: [] for table in INDEXED_FIELDS}
        try:
            write_atomically(self.path, self._dump(data, placed), keep_backup=not self._backed_up)
            self._source.close()
            self._source = _Source(self.path)
        except OSError as exc:
            raise FiveStarError(
                f"could not save library {self.path}: {exc.strerror or exc}; the file on disk is unchanged"
            ) from None
        self._backed_up = True
        for table, rows in placed.items():
            written = data.get(table, {})
            for doc_id, start, end in rows:
                written[doc_id] = StoredRow(start, end)

    def _dump(self, data: dict[str, Any], placed: dict[str, list[tuple[str, int, int]]]) -> Iterator[bytes]:
        """The file's bytes in the row-per-line layout; ``placed`` gets where each big-table row went."""
        names = sorted(data, key=lambda name: (name not in _TABLE_ORDER, _TABLE_ORDER.index(name) if name in _TABLE_ORDER else 0, name))
        position = 0

        def emit(chunk: bytes) -> bytes:
            nonlocal position
            position += len(chunk)
            return chunk

        yield emit(b"{")
        for t, name in enumerate(names):
            yield emit((b",\n" if t else b"\n") + json.dumps(name, ensure_ascii=False).encode() + b":{")
            rows = placed.get(name)
            for r, (doc_id, row) in enumerate(data[name].items()):
                head = (b",\n\"" if r else b"\n\"") + str(doc_id).encode() + b'":'
                if isinstance(row, StoredRow):
                    body = self._source.read(row.start, row.end)
                else:
                    body = dumps(row)
                if rows is not None:
                    rows.append((str(doc_id), position + len(head), position + len(head) + len(body)))
                yield emit(head + body)
            yield emit(b"\n}")
        yield emit(b"\n}\n")

    def close(self) -> None:
        self._source.close()
        self._source = _Source()


def _heading(text: bytes, number: int) -> str:
    try:
        name = json.loads(text)
    except ValueError:
        name = None
    if not isinstance(name, str):
        raise Damage(f"line {number} is not a table heading")
    return name


class BatchMiddleware(CachingMiddleware):
    """TinyDB changes stay in memory until ``commit()``: one disk write per batch.

    Unlike ``CachingMiddleware``, nothing is flushed implicitly (not after N writes, not on close):
    an abandoned batch must never reach the disk half-done.
    """

    WRITE_CACHE_SIZE = sys.maxsize  # never reached: only ``commit`` writes

    def commit(self) -> None:
        self.flush()

    def close(self) -> None:
        self.storage.close()
