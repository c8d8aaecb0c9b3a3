"""Crash-safe TinyDB storage for the library file.

TinyDB's own ``JSONStorage`` overwrites the file in place (a crash mid-write leaves half a library) and
escapes every Chinese character. Here a write goes to a temporary file in the same directory, is
flushed and fsynced, and then atomically replaces the library, so the file on disk is always either the
previous complete library or the new one. Before the first replace of a write session (one ingest or
reindex, however many batches it commits), the previous file is kept as ``<library>.bak``, and the
backups before it move down to ``.bak.1`` and ``.bak.2`` (``BACKUPS`` generations: the library before
this run, before the previous run, …), so one bad run never costs the only good copy; a damaged-file
message points the user to the newest backup that still reads back whole.

A library given as a symbolic link is read and written through to its target (``library_target``), and
the lock is taken next to the target: replacing the link with a file would leave the real library behind.

Changes are batched in memory (``writing.BatchMiddleware``) and written once per ``commit()``; a batch that
is never committed (a crash, an error) never reaches the disk.

One writer at a time: writers hold an exclusive ``flock`` on ``<library>.lock`` for their whole session.
Readers take no lock: they read whichever complete file the last atomic replace left.
"""

from __future__ import annotations

import gc
import glob
import json
import os
import shutil
import stat
import sys
import tempfile
import time
from collections.abc import Iterable, Iterator
from contextlib import suppress
from pathlib import Path
from typing import Any

import orjson

from five_star.store.errors import FiveStarError

if sys.platform == "win32":  # no flock: fall back to msvcrt's byte-range lock
    import msvcrt
else:
    import fcntl

SCHEMA_VERSION = 1
"""Bumped when the stored shape changes in a way older versions would misread."""

META_TABLE = "meta"

_LOCK_POLL_SECONDS = 0.05

BACKUPS = 3
"""Generations of backups kept: ``.bak`` (the newest), ``.bak.1``, ``.bak.2``."""


def backup_path(path: Path, generation: int = 0) -> Path:
    return path.with_name(path.name + ".bak" + (f".{generation}" if generation else ""))


def backup_paths(path: Path) -> list[Path]:
    """Every backup generation, newest first."""
    return [backup_path(path, generation) for generation in range(BACKUPS)]


def library_target(path: Path) -> Path:
    """The file a library path stands for: a symbolic link's target (followed to the end), else the path."""
    return Path(os.path.realpath(path)) if path.is_symlink() else path


def check_library_file(path: Path) -> None:
    """``FiveStarError`` when ``path`` exists but is no regular file: reading a FIFO would hang, a device
    (/dev/null) reads as an empty, "damaged" library, and neither must be replaced by a write."""
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        return
    except OSError as exc:
        raise FiveStarError(f"cannot read library {path}: {exc.strerror or exc}") from None
    if stat.S_ISREG(mode):
        return
    if stat.S_ISDIR(mode):
        kind = "a folder"
    elif stat.S_ISFIFO(mode):
        kind = "a named pipe"
    elif stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        kind = "a device"
    elif stat.S_ISSOCK(mode):
        kind = "a socket"
    else:
        kind = "not a regular file"
    raise FiveStarError(f"library {path} is {kind}, not a library file; choose a file with --db")


def lock_path(path: Path) -> Path:
    return path.with_name(path.name + ".lock")


def _temp_prefix(path: Path) -> str:
    return path.name + "."


# ---- the file layout -------------------------------------------------------------------------------------
#
# One JSON object, as TinyDB stores it ({table: {doc_id: row}}), written one row per line:
#
#     {
#     "meta":{
#     "1":{"schema":1,...}
#     },
#     "pages":{
#     "1":{...},
#     ...
#     }
#     }
#
# Any JSON reader reads it; ours reads it line by line (a file in any other layout is parsed whole), so a reader never holds the whole file as one
# string or the whole parsed tree at once (the app builds its articles row by row), and the meta table
# comes first so the schema is checked before anything else is read.


def damaged(path: Path, reason: str) -> FiveStarError:
    """One line naming the file, what is wrong, and how to get the library back."""
    backup = newest_good_backup(path)
    if backup is not None:
        advice = f"the last good copy is {backup}: copy it over {path.name} to recover"
    elif any(b.is_file() for b in backup_paths(path)):
        advice = f"its backups are damaged too: move {path.name} away to start a new library"
    else:
        advice = f"no backup copy exists: move {path.name} away to start a new library"
    return FiveStarError(f"library {path} is damaged ({reason}); {advice}")


def newest_good_backup(path: Path) -> Path | None:
    """The newest backup generation that reads back whole (only asked when something is wrong)."""
    for backup in backup_paths(path):
        if not backup.is_file():
            continue
        try:
            for _ in read_rows(backup, skip=("raw",), advise=False):
                pass
        except FiveStarError:
            continue
        return backup
    return None


def not_a_library(path: Path) -> FiveStarError:
    return FiveStarError(f"{path} is not a five-star-tui library (no schema version); choose another file with --db")


class gc_paused:
    """Loading a big library creates millions of containers; the cyclic GC would rescan them over and over.

    A class rather than a generator: leaving a generator-based context manager raises StopIteration, and
    that allocation, the first after the GC is back on, would start a collection that walks every object
    made meanwhile (a search's thousands of hits) before the caller even receives them.
    """

    __slots__ = ("was_enabled",)

    def __enter__(self) -> None:
        self.was_enabled = gc.isenabled()
        gc.disable()

    def __exit__(self, exc_type, exc, traceback) -> None:
        if self.was_enabled:
            gc.enable()


class freeze_after(gc_paused):
    """``gc_paused``, then what was made meanwhile frozen out of the collector's sight: for what a process
    keeps to its end (a viewer's articles). Else the first full collection after it, set off by any burst
    of allocation in any thread, walks all of it with the interpreter lock held (~0.6 s at 100,000
    articles, in which no key is answered). Objects no longer used are still freed: freezing only takes
    them out of the cycle search."""

    __slots__ = ()

    def __exit__(self, exc_type, exc, traceback) -> None:
        if exc_type is None:
            gc.freeze()
        super().__exit__(exc_type, exc, traceback)


Row = tuple[str, str, dict[str, Any]]  # (table, doc id, row)


def read_rows(path: Path, skip: Iterable[str] = (), *, advise: bool = True) -> Iterator[Row]:
    """Every row of the library file, checked as it is read; ``FiveStarError`` for anything amiss.

    Rows of the tables in ``skip`` are passed over unparsed (the file's structure is still checked to
    its end). A file in another JSON layout (hand-edited, pretty-printed) is parsed whole instead.
    ``advise=False`` (checking a backup) leaves the recovery advice out of the error.
    """
    check_library_file(path)
    try:
        handle = path.open("rb", buffering=1 << 20)  # raw page rows run to tens of kB: fewer, larger reads
    except IsADirectoryError:
        raise FiveStarError(f"library {path} is a folder, not a file; choose a file with --db") from None
    except OSError as exc:
        raise FiveStarError(f"cannot read library {path}: {exc.strerror or exc}") from None
    with handle:
        try:
            head = handle.readline() + handle.readline()
            if head.replace(b"\r", b"") != b'{\n"' + META_TABLE.encode() + b'":{\n':
                yield from (row for row in _rows_of(_parse_whole(head + handle.read(), path), path) if row[0] not in skip)
                return
            handle.seek(0)
            handle.readline()
            yield from _rows_by_line(handle, path, frozenset(skip))
        except Damage as exc:
            raise (damaged(path, exc.reason) if advise else FiveStarError(exc.reason)) from None
        except OSError as exc:
            raise FiveStarError(f"cannot read library {path}: {exc.strerror or exc}") from None


class Damage(Exception):
    """Raised inside the parsers; ``read_rows`` turns it into the one-line message (with advice or not)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def loads(payload: bytes) -> Any:
    """JSON at orjson's speed (2.5× json's: at 100,000 articles, opening the library is over a second
    quicker); json reads what orjson refuses (NaN, which json writes) or says what is amiss. An integer
    beyond 64 bits comes back as the nearest float: no figure in the news runs to 20 digits, and looking for
    one first (a regular expression over every row) would cost more than orjson saves."""
    try:
        return orjson.loads(payload)
    except orjson.JSONDecodeError:
        return json.loads(payload)


def dumps(value: Any) -> bytes:
    """Compact UTF-8 JSON, as ``json.dumps(..., ensure_ascii=False, separators=(",", ":"))`` writes it, at orjson's speed."""
    try:
        return orjson.dumps(value, default=_plain)
    except orjson.JSONEncodeError:  # numbers beyond 64 bits, keys that are not text: json writes them
        return json.dumps(value, ensure_ascii=False, check_circular=False, separators=(",", ":")).encode()


def _plain(value: Any) -> Any:
    if isinstance(value, tuple):  # a named tuple (a ``Summary``): json writes it as a list, orjson needs telling
        return tuple(value)
    raise TypeError


def _line_json(text: bytes, path: Path, number: int) -> Any:
    try:
        return json.loads(text)
    except UnicodeDecodeError as exc:
        raise Damage(f"not UTF-8 text on line {number} at byte {exc.start}") from None
    except json.JSONDecodeError as exc:
        raise Damage(f"line {number} is not valid JSON ({exc.msg}), likely truncated") from None


_BATCH_LINES = 256
"""Records parsed per ``json.loads`` call: one call per line spent a fifth of opening a big library in the calls."""


def _rows_by_line(handle, path: Path, skip: frozenset[str]) -> Iterator[Row]:
    table: str | None = None  # the layout check in read_rows has consumed line 1; line 2 opens the meta table
    meta: dict[str, Any] = {}
    closed = False
    pending: list[tuple[int, bytes]] = []  # (line number, line) of records of ``table`` not yet parsed
    for number, line in enumerate(handle, start=2):
        text = line.rstrip(b"\r\n")
        if closed:
            if text.strip():
                raise Damage(f"unexpected text after the end, on line {number}")
            continue
        if table is None:
            if text == b"}":
                closed = True
            elif text.endswith(b":{"):
                table = _line_json(text[:-2], path, number)
            else:
                raise Damage(f"line {number} is not a table heading")
        elif text in (b"}", b"},"):
            yield from parse_records(table, pending, path)
            pending = []
            if table == META_TABLE:
                check_schema({META_TABLE: meta}, path)
            table = None
        else:
            if not text.startswith(b'"') or b'":' not in text:
                raise Damage(f"line {number} is not a record")
            if table in skip:
                continue
            if table == META_TABLE:
                [row] = parse_records(table, [(number, text)], path)
                meta = {"1": row[2]}
                yield row
                continue
            pending.append((number, text))
            if len(pending) >= _BATCH_LINES:
                yield from parse_records(table, pending, path)
                pending = []
    if table is not None:  # the file stops inside a table: a truncated last line is reported as such
        yield from parse_records(table, pending, path)
    if not closed:
        raise Damage("it ends early, likely truncated")


def parse_records(table: str, lines: list[tuple[int, bytes]], path: Path) -> list[Row]:
    """The rows of consecutive record lines (``"doc id":{row},``), parsed in one go when they are sound."""
    if not lines:
        return []
    try:
        rows = loads(b"{" + b"\n".join(text for _, text in lines).rstrip(b",") + b"}")
    except ValueError:  # JSON or UTF-8: find the line at fault and say which
        rows = None
    if rows is None or len(rows) != len(lines) or not all(isinstance(row, dict) for row in rows.values()):
        return [_record(table, number, text, path) for number, text in lines]
    return [(table, doc_id, row) for doc_id, row in rows.items()]


def _record(table: str, number: int, text: bytes, path: Path) -> Row:
    split = text.find(b'":')
    row = _line_json(text[split + 2 :].rstrip(b","), path, number)
    if not isinstance(row, dict):
        raise Damage(f"line {number} is not a record")
    return table, text[1:split].decode("ascii", "replace"), row


def _parse_whole(payload: bytes, path: Path) -> dict[str, Any]:
    if not payload.strip():
        raise Damage("the file is empty")
    try:
        with gc_paused():
            data = json.loads(payload.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise Damage(f"not UTF-8 text at byte {exc.start}") from None
    except json.JSONDecodeError as exc:
        raise Damage(f"not valid JSON: {exc.msg} at byte {exc.pos}, likely truncated") from None
    check_schema(data, path)
    return data


def _rows_of(data: dict[str, Any], path: Path) -> Iterator[Row]:
    for name, table in data.items():
        if not isinstance(table, dict):
            raise Damage(f"table {name!r} is not a table of records")
        for doc_id, row in table.items():
            if not isinstance(row, dict):
                raise Damage(f"table {name!r} is not a table of records")
            yield name, doc_id, row


def check_schema(data: Any, path: Path) -> None:
    if not isinstance(data, dict) or not isinstance(data.get(META_TABLE), dict):
        raise not_a_library(path)
    meta_rows = list(data[META_TABLE].values())
    version = meta_rows[0].get("schema") if meta_rows and isinstance(meta_rows[0], dict) else None
    if not isinstance(version, int) or version < 1:
        raise damaged(path, "its schema version is missing or invalid")
    if version > SCHEMA_VERSION:
        raise FiveStarError(
            f"library {path} was written by a newer five-star-tui (schema {version}; this version reads "
            f"up to {SCHEMA_VERSION}): upgrade five-star-tui to open it"
        )


# ---- writing ---------------------------------------------------------------------------------------------


def fsync_directory(directory: Path) -> None:
    """Make the rename itself durable; some platforms cannot open a directory, which is fine there."""
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _file_mode(path: Path) -> int:
    """Keep the permissions of the file being replaced; a new file gets the usual umask default."""
    try:
        return os.stat(path).st_mode & 0o777
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def _write_temp(path: Path, chunks: Iterable[bytes]) -> Path:
    """The new content, fsynced, under a temporary name next to ``path``; a writer killed meanwhile leaves
    it behind, which ``remove_stale_temps`` clears the next time."""
    fd, name = tempfile.mkstemp(prefix=_temp_prefix(path), suffix=".tmp", dir=path.parent)
    try:
        os.chmod(name, _file_mode(path))  # mkstemp makes 0600 files
        with os.fdopen(fd, "wb") as handle:
            for chunk in chunks:
                handle.write(chunk)
            handle.flush()
            os.fsync(handle.fileno())
    except BaseException:
        with suppress(OSError):
            os.unlink(name)
        raise
    return Path(name)


def _keep_backup(path: Path) -> None:
    """Point ``<library>.bak`` at the current file before it is replaced, moving older backups down.

    The new backup is made first, under a temporary name: when that fails (no space, no permission) no
    generation has moved yet, so none is lost. Then ``.bak.1`` becomes ``.bak.2`` and ``.bak`` becomes
    ``.bak.1`` by renames, so at every moment each generation is a whole file (a crash in between leaves
    one generation missing, never a half one). A hard link costs nothing and the current file is never
    absent; where links are not supported (FAT, some network shares) the file is copied instead.
    """
    if not path.exists():
        return
    fd, name = tempfile.mkstemp(prefix=_temp_prefix(path), suffix=".tmp", dir=path.parent)
    os.close(fd)
    os.unlink(name)
    try:
        try:
            os.link(path, name)
        except OSError:
            shutil.copyfile(path, name)
        generations = backup_paths(path)
        for older, newer in reversed(list(zip(generations[1:], generations[:-1], strict=True))):
            if newer.is_file():
                os.replace(newer, older)
        os.replace(name, backup_path(path))
    except BaseException:
        with suppress(OSError):
            os.unlink(name)
        raise


def write_atomically(path: Path, payload: bytes | Iterable[bytes], *, keep_backup: bool = False) -> None:
    """Replace ``path`` with ``payload`` so that a crash at any moment leaves the old or the new file whole."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temp = _write_temp(path, [payload] if isinstance(payload, bytes) else payload)
    try:
        if keep_backup:
            _keep_backup(path)
        os.replace(temp, path)
    except BaseException:
        with suppress(OSError):
            os.unlink(temp)
        raise
    fsync_directory(path.parent)


def remove_stale_temps(path: Path, older_than: float = 0.0) -> None:
    """Temporary files left by a writer that was killed; only the lock holder may call this.

    Without a lock (an export), ``older_than`` seconds spares the temporary file of a writer still at work.
    """
    now = time.time()
    for leftover in path.parent.glob(glob.escape(_temp_prefix(path)) + "*.tmp"):
        with suppress(OSError):
            if older_than and now - leftover.stat().st_mtime < older_than:
                continue
            leftover.unlink()


# ---- the lock --------------------------------------------------------------------------------------------


def _try_lock(fd: int) -> bool:
    try:
        if sys.platform != "win32":
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        else:
            os.lseek(fd, 0, os.SEEK_SET)
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
    except OSError:
        return False
    return True


def _unlock(fd: int) -> None:
    if sys.platform != "win32":
        fcntl.flock(fd, fcntl.LOCK_UN)
    else:
        os.lseek(fd, 0, os.SEEK_SET)
        msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)


class WriteLock:
    """Exclusive writer lock on ``<library>.lock``; the kernel drops it if the holder dies."""

    def __init__(self, library: Path, timeout: float) -> None:
        self.library = library
        self.path = lock_path(library_target(library))  # a symlinked library is locked where it really is
        self.timeout = timeout
        self._fd: int | None = None

    @property
    def held(self) -> bool:
        return self._fd is not None

    def acquire(self) -> None:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as exc:
            raise FiveStarError(
                f"cannot change library {self.library}: its lock file {self.path} cannot be opened "
                f"({exc.strerror or exc}); nothing was changed"
            ) from None
        deadline = time.monotonic() + self.timeout
        while not _try_lock(fd):
            if time.monotonic() >= deadline:
                holder = self._holder(fd)
                os.close(fd)
                raise FiveStarError(
                    f"library {self.library} is being changed by another five-star-tui{holder}; "
                    "try again when it has finished"
                )
            time.sleep(_LOCK_POLL_SECONDS)
        self._fd = fd
        self._record_holder(fd)

    def release(self) -> None:
        if self._fd is None:
            return
        fd, self._fd = self._fd, None
        try:
            _unlock(fd)
        finally:
            os.close(fd)

    def __enter__(self) -> WriteLock:
        self.acquire()
        return self

    def __exit__(self, *exc_info) -> None:
        self.release()

    @staticmethod
    def _record_holder(fd: int) -> None:
        """The pid, only so that a waiting writer can say who holds the library."""
        if sys.platform == "win32":
            return  # on Windows the locked byte cannot be rewritten through another range
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)

    @staticmethod
    def _holder(fd: int) -> str:
        try:
            pid = os.pread(fd, 32, 0).decode("ascii").strip() if sys.platform != "win32" else ""
        except (OSError, UnicodeDecodeError):
            pid = ""
        return f" (process {pid})" if pid.isdigit() else ""


# ---- TinyDB glue -----------------------------------------------------------------------------------------
