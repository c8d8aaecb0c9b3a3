"""The raw text of every stored page, content-addressed, in a folder beside the library file.

``<library>.pages/ab/abcdef….gz`` holds the page whose UTF-8 text hashes (SHA-256) to ``abcdef…``: gzip, so
``zcat`` reads it and its CRC catches a damaged file. Raw pages used to live in the library file, which
every commit rewrites whole: at 100,000 articles that was a third of each rewrite, and a write session
held all of it in memory. Here a page is written once, when first stored, and never rewritten; the same
text stored under two names is one file.

A page file is complete before its page row can be committed (temporary file, fsync, atomic rename,
then the folder's fsync at commit), so a committed row never points at a half-written page. A page file
whose row is gone (a file changed since) stays: the library's backups may still refer to it.
"""

from __future__ import annotations

import gzip
import os
import zlib
from contextlib import suppress
from pathlib import Path

from five_star.store.errors import FiveStarError
from five_star.store.library.storage import fsync_directory, library_target
from five_star.store.sanitize import path_text

_SUFFIX = ".gz"
_TEMP_MARK = ".tmp-"


def page_store_path(library: Path) -> Path:
    """The folder beside the library's file (a symlinked library's pages go beside its target)."""
    target = library_target(library)
    return target.with_name(target.name + ".pages")


class PageStore:
    def __init__(self, library: Path) -> None:
        self.root = page_store_path(library)
        self._touched: set[Path] = set()  # folders written since the last ``sync``

    def _path(self, sha256: str) -> Path:
        return self.root / sha256[:2] / (sha256 + _SUFFIX)

    def has(self, sha256: str) -> bool:
        return self._path(sha256).is_file()

    def put(self, sha256: str, text: str) -> None:
        """Store ``text`` under its hash (nothing to do when it is there); ``FiveStarError`` when it cannot be
        written (callers write it before the rows that name it, so the library is unchanged then)."""
        path = self._path(sha256)
        if path.is_file():
            return
        temp = path.with_name(f"{path.name}{_TEMP_MARK}{os.getpid()}")
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            with temp.open("wb") as handle:
                handle.write(gzip.compress(text.encode("utf-8"), compresslevel=6, mtime=0))
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(temp, path)
        except OSError as exc:
            with suppress(OSError):
                temp.unlink()
            raise FiveStarError(
                f"could not save page text in {path_text(self.root)}: {exc.strerror or exc}; the library is unchanged"
            ) from None
        except BaseException:
            with suppress(OSError):
                temp.unlink()
            raise
        self._touched.add(path.parent)

    def sync(self) -> None:
        """Make the renames of the pages put since the last call durable (before the rows naming them are)."""
        for folder in self._touched:
            fsync_directory(folder)
        if self._touched:
            fsync_directory(self.root)
        self._touched.clear()

    def get(self, sha256: str) -> str | None:
        """The page's text; ``None`` when its file is missing, unreadable or damaged."""
        try:
            return gzip.decompress(self._path(sha256).read_bytes()).decode("utf-8")
        except (OSError, EOFError, zlib.error, UnicodeDecodeError):
            return None

    def remove_stale_temps(self) -> None:
        """Temporary files of a writer that was killed mid-page (callers hold the library's write lock)."""
        with suppress(OSError):  # what cannot be listed or removed now is tried again next time
            for folder in self.root.iterdir() if self.root.is_dir() else ():
                for temp in folder.glob(f"*{_TEMP_MARK}*"):
                    temp.unlink(missing_ok=True)
