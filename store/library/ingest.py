"""Ingest: pages from files (or from the library's own raw text) through the pipeline into the library.

The library (``library.py``) stores whatever pages it is given; this module decides which pages those
are: files found under paths, extracted here or in worker processes; the stored raw pages again
(``reindex``); or the bundled seeds on a first launch.
"""

from __future__ import annotations

import ctypes
import hashlib
import multiprocessing
import os
import signal
import sys
import threading
import time
from collections import deque
from collections.abc import Callable, Generator, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import ExitStack, closing
from itertools import islice
from pathlib import Path
from typing import Any

from five_star.seeds import seed_paths
from five_star.store.errors import FiveStarError
from five_star.store.library.jsonl import JSONL_ENCODING, RowBytes, jsonl_pages, split_inputs
from five_star.store.library.library import IngestReport, Library, PageKeys, Progress, stored_page_hashes
from five_star.store.library.session import StoredPages
from five_star.store.model import Page, Skipped, Unchanged, text_sha256
from five_star.store.pipeline import extract_paths, extract_text
from five_star.store.reading.read import find_pages, read_pages
from five_star.store.resources import ResourceError


def ingest(library: Library, paths: Iterable[str | os.PathLike], progress: Progress | None = None) -> IngestReport:
    """Add pages (files or folders) and ``extract``'s JSON Lines (``.jsonl`` files, also inside folders).

    An unchanged file (same content hash) changes nothing; a changed file replaces that file's articles.
    Unreadable files and bad JSON Lines rows are reported in ``skipped`` and the rest goes on. A big ingest
    extracts in several processes (see ``extract_in_parallel``); pages are still stored in order, by this one.
    """
    pages, rows = split_inputs(Path(p) for p in paths)
    if not rows:
        report = _nothing_changed(library.path, pages)
        if report is not None:
            if progress:
                progress(report)
            return report
    counted = RowBytes()

    def counting(report: IngestReport) -> None:
        report.bytes_read += counted.take()
        if progress:
            progress(report)

    def produce(stored: StoredPages) -> Generator[Page | Unchanged | Skipped, None, None]:
        known = dict(stored.page_sha)
        yield from extract_in_parallel(pages, known=known, changing=stored.expect_changes)
        for path in rows:
            yield from jsonl_pages(path, known, counted)

    with ExitStack() as stack:
        # Closed here, whatever ends the write: a stop (an error, Ctrl-C, SIGTERM) ends the extraction
        # processes now, not when the generator happens to be collected (at exit they would be waited for).
        report = library.write(lambda stored: stack.enter_context(closing(produce(stored))), counting)
    report.bytes_read += counted.take()
    return report


def _nothing_changed(library: Path, pages: list[Path]) -> IngestReport | None:
    """The report of an ingest that finds every page as stored, or None as soon as one is not.

    A folder ingested again unchanged is then a read and hash of its files and of the head of the library
    file (``stored_page_hashes``): not the write session's read of the whole file (seconds at 100,000
    articles), nor its lock. Anything else (a changed or unreadable file, a library to check) goes the
    whole way, which reports it.
    """
    try:
        stored = stored_page_hashes(library)
    except (FiveStarError, OSError):
        return None
    if not stored:
        return None
    known = {key: sha256 for key, (sha256, _) in stored.items()}
    keys = PageKeys()
    report = IngestReport()
    for item in find_pages(pages):
        found = _unchanged(item, known, keys)
        if found is None:
            return None
        report.files_read += 1
        report.files_unchanged += 1
        report.bytes_read += found.bytes
        report.articles_unchanged += stored[found.path][1]
        report.last_path = found.path
    return report


def reindex(library: Library, progress: Progress | None = None) -> IngestReport:
    """Re-run extraction over every stored raw page (after an upgrade), without the original files."""
    return library.write(_reextracted, progress, reextract=True)


def ensure_seeded(library: Library, progress: Progress | None = None) -> IngestReport | None:
    """First launch: fill an empty library with the bundled seed pages; ``None`` if it was not empty."""
    if not library.is_empty():
        return None
    seeded: list[bool] = []

    def seeds(stored: StoredPages) -> Iterator[Page | Skipped | Any]:
        if stored.page_doc:  # another process seeded it while we waited for the lock
            return
        seeded.append(True)
        yield from extract_paths(seed_paths())

    report = library.write(seeds, progress)
    return report if seeded else None


def _reextracted(stored: StoredPages) -> Iterator[Page | Skipped]:
    for key in list(stored.page_doc):
        row = stored.stored_page(key)
        if row["encoding"] == JSONL_ENCODING:
            yield Skipped(
                Path(key), "came from JSON Lines, without its raw text, so it cannot be re-extracted; its articles are kept as they were"
            )
            continue
        raw = stored.stored_raw(key)
        # Text that is gone, emptied or changed by hand is not the text the articles came from: re-extracting
        # it ("" most of all) would delete or corrupt the page's articles, so they are kept as they are.
        if raw is None or text_sha256(raw) != row["sha256"]:
            yield Skipped(
                Path(key), "its stored raw text is missing or damaged, so it cannot be re-extracted; its articles are kept as they were"
            )
            continue
        try:
            page = extract_text(raw, row["source"], path=key, encoding=row["encoding"])
        except ResourceError:
            raise  # a broken data file fails every page alike: stop with its one line (as extract_paths does)
        except Exception as exc:  # keep the stored articles of a page the new code cannot handle
            yield Skipped(Path(key), f"could not be re-extracted ({type(exc).__name__}: {exc})")
            continue
        yield page


PARALLEL_FROM_BYTES = 8 * 1024 * 1024
"""Below this much input, starting extraction processes (each loads the dictionaries, ~2 s) costs more than it saves."""


def _usable_cpus() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


_worker_known: dict[str, str] = {}

_PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>
_PARENT_POLL_SECONDS = 0.5


def _start_worker(known: dict[str, str], parent: int) -> None:
    """Runs once in each extraction process: tie it to the ingest that started it, then take the stored
    hashes, so unchanged pages are skipped there too."""
    _die_with_parent(parent)
    _worker_known.update(known)


def _die_with_parent(parent: int) -> None:
    """End this process when ``parent`` dies, however it dies.

    A SIGKILLed ingest runs no cleanup: its workers would go on extracting (hundreds of MB) and hold its
    stdout open, so ``ingest … | tee log`` would never end. Linux sends a signal of our choice when the
    parent goes (strictly: the parent's thread that started us; ``extract_in_parallel`` starts and stops
    its workers from one call, so that thread outlives them). Elsewhere a thread watches the parent id,
    which changes when the process is orphaned.
    """
    if sys.platform == "linux":
        try:
            libc = ctypes.CDLL(None, use_errno=True)
            if libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) == 0:
                if os.getppid() != parent:  # the parent died before the request was in place
                    os._exit(1)
                return
        except (OSError, AttributeError):
            pass  # no usable libc (a static or unusual build): watch instead

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(_PARENT_POLL_SECONDS)
        os._exit(1)

    threading.Thread(target=watch, name="five-star-parent-watch", daemon=True).start()


def _extract_one(item: Path | Any) -> Page | Any:
    """One page's result (in a worker, ``_worker_known`` holds the stored hashes; in this process, none:
    ``extract_in_parallel`` found the unchanged pages already)."""
    return item if not isinstance(item, Path) else next(iter(extract_paths([item], known=_worker_known)))


def extract_in_parallel(
    paths: list[Path], workers: int | None = None, known: dict[str, str] | None = None,
    changing: Callable[[], None] | None = None,
) -> Iterator[Page | Any]:
    """``pipeline.extract_paths`` spread over worker processes, results in the same order.

    Extraction is pure Python and CPU-bound, so threads would not help; a small input stays in this process.
    Pages whose text is ``known`` are found unchanged here, by reading and hashing them, before any worker
    starts: ingesting a folder again costs a read of each file, not ~2 s per worker loading dictionaries to
    hash them; ``changing`` is called when some page is to be extracted. The workers die with this process
    (``_die_with_parent``), and stopping early ends them at once.
    """
    items = list(find_pages(paths))
    keys = PageKeys()
    unchanged = {n: found for n, item in enumerate(items) if known and (found := _unchanged(item, known, keys)) is not None}
    changed = [item for n, item in enumerate(items) if n not in unchanged]
    if changing is not None and any(isinstance(item, Path) for item in changed):
        changing()
    workers = min(workers or _usable_cpus(), len(changed))
    if workers < 2 or sum(map(_size, changed)) < PARALLEL_FROM_BYTES:
        yield from _merged(items, unchanged, map(_extract_one, changed))
        return
    # "spawn": forking a process that may run threads (the app) can deadlock the child.
    pool = ProcessPoolExecutor(
        workers,
        mp_context=multiprocessing.get_context("spawn"),
        initializer=_start_worker,
        initargs=(known or {}, os.getpid()),
    )
    try:
        yield from _merged(items, unchanged, _in_order(pool, changed, window=workers * _PAGES_AHEAD))
    except BrokenProcessPool as exc:
        raise FiveStarError(f"an extraction process died ({exc}); the pages stored so far are kept") from None
    except BaseException:  # stopping early (Ctrl-C, SIGTERM, an error, the consumer closing us)
        _end_workers(pool)
        raise
    finally:
        pool.shutdown(cancel_futures=True)


def _unchanged(item: Path | Skipped, known: dict[str, str], keys: PageKeys) -> Unchanged | None:
    if isinstance(item, Skipped):
        return None
    found = next(read_pages([item]))
    if isinstance(found, Skipped):
        return None  # reported when it is extracted
    key = keys(found.path)
    encoded = found.text.encode("utf-8")
    sha256 = hashlib.sha256(encoded).hexdigest()  # ``text_sha256``, with the text encoded once for it and its size
    return Unchanged(key, sha256, len(encoded)) if known.get(key) == sha256 else None


def _merged(items: list[Path | Skipped], unchanged: dict[int, Unchanged], extracted: Iterator[Page | Any]) -> Iterator[Page | Any]:
    """The results in the order of ``items``: the unchanged pages where they stand, the others as extracted."""
    for n in range(len(items)):
        found = unchanged.get(n)
        yield found if found is not None else next(extracted)


_PAGES_AHEAD = 8
"""Pages each worker may extract ahead of the one being stored. ``Executor.map`` would submit every page at
once, and extracted pages waiting for a slower store would pile up in memory (hundreds of MB at 100,000
articles)."""


def _in_order(pool: ProcessPoolExecutor, items: list[Path | Any], window: int) -> Iterator[Page | Any]:
    pending: deque[Future] = deque()
    upcoming = iter(items)
    for item in islice(upcoming, window):
        pending.append(pool.submit(_extract_one, item))
    while pending:
        result = pending.popleft().result()
        for item in islice(upcoming, 1):
            pending.append(pool.submit(_extract_one, item))
        yield result


def _end_workers(pool: ProcessPoolExecutor) -> None:
    """Terminate the workers mid-page: ``shutdown`` alone would wait for the pages they are extracting.

    The executor has no public way to reach its processes before Python 3.14 (``terminate_workers``).
    """
    for process in list(pool._processes.values()):
        process.terminate()


def _size(item: Path | Any) -> int:
    try:
        return item.stat().st_size if isinstance(item, Path) else 0
    except OSError:
        return 0  # reading it will report why
