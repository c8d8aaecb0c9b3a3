"""Ingest: pages from files (or from the library's own raw text) through the pipeline into the library.

The library (``library.py``) stores whatever pages it is given; this module decides which pages those
are: files found under paths, extracted here or in worker processes; the stored raw pages again
(``reindex``); or the bundled seeds on a first launch.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import Any

from five_star.seeds import seed_paths
from five_star.store.errors import FiveStarError
from five_star.store.library.library import IngestReport, Library, Progress, StoredPages
from five_star.store.model import Page, Skipped, text_sha256
from five_star.store.pipeline import extract_paths, extract_text
from five_star.store.reading.read import find_pages
from five_star.store.resources import ResourceError


def ingest(library: Library, paths: Iterable[str | os.PathLike], progress: Progress | None = None) -> IngestReport:
    """Add pages (files or folders) to the library.

    An unchanged file (same content hash) changes nothing; a changed file replaces that file's articles.
    Unreadable files are reported in ``skipped`` and the rest goes on. A big ingest extracts in
    several processes (see ``extract_in_parallel``); pages are still stored in order, by this one.
    """
    wanted = [Path(p) for p in paths]
    return library.write(lambda stored: extract_in_parallel(wanted, known=dict(stored.page_sha)), progress)


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


def _remember_known(known: dict[str, str]) -> None:
    """Runs once in each extraction process: the stored hashes, so unchanged pages are skipped there too."""
    _worker_known.update(known)


def _extract_one(item: Path | Any) -> Page | Any:
    return item if not isinstance(item, Path) else next(iter(extract_paths([item], known=_worker_known)))


def extract_in_parallel(
    paths: list[Path], workers: int | None = None, known: dict[str, str] | None = None
) -> Iterator[Page | Any]:
    """``pipeline.extract_paths`` spread over worker processes, results in the same order.

    Extraction is pure Python and CPU-bound, so threads would not help; a small input stays in this process.
    """
    items = list(find_pages(paths))
    workers = min(workers or _usable_cpus(), len(items))
    if workers < 2 or sum(map(_size, items)) < PARALLEL_FROM_BYTES:
        yield from extract_paths(paths, known=known)
        return
    # "spawn": forking a process that may run threads (the app) can deadlock the child.
    pool = ProcessPoolExecutor(
        workers, mp_context=multiprocessing.get_context("spawn"), initializer=_remember_known, initargs=(known or {},)
    )
    try:
        yield from pool.map(_extract_one, items, chunksize=4)
    except BrokenProcessPool as exc:
        raise FiveStarError(f"an extraction process died ({exc}); the pages stored so far are kept") from None
    finally:
        pool.shutdown(cancel_futures=True)  # stopping early (Ctrl-C, an error) must not wait for the rest


def _size(item: Path | Any) -> int:
    try:
        return item.stat().st_size if isinstance(item, Path) else 0
    except OSError:
        return 0  # reading it will report why
