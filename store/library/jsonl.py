"""Pages from the JSON Lines that ``five-star-tui extract`` writes: extraction done elsewhere, stored here.

Each line is one article (``Article.to_dict()``), checked by the same rules as a library row
(``rows.row_problem``); a bad line is reported with its number and the rest goes in. The rows of one page
come out of ``extract`` together, so consecutive rows with the same ``source`` are one page; a source
seen again later in the file (two folders each holding an ``index.html``) is another page.

What a JSON Lines page cannot have, and what is stored instead:
- its key: there is no original path, so it is ``<the .jsonl file's resolved path>#<source>`` (``#2``,
  ``#3`` added for a source seen again); ingesting a new extraction under the same file name replaces
  the articles of each page it holds, as re-ingesting a changed file does;
- its raw text, hash, encoding and removed lines: the raw text is stored empty, the hash is of the page's
  rows (so an unchanged page is not stored again), the encoding is ``JSONL_ENCODING`` (what ``reindex``
  recognises: it keeps the articles of such a page and says why) and ``removed`` is empty.
The articles themselves, ids included, are exactly the ones ``extract`` printed.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

from five_star.store.library.library import page_key
from five_star.store.library.rows import ARTICLES, row_problem
from five_star.store.library.storage import loads
from five_star.store.model import Article, Page, Skipped, Unchanged
from five_star.store.reading.read import MAX_PAGE_BYTES, PAGE_SUFFIXES, path_order

JSONL_SUFFIX = ".jsonl"

JSONL_ENCODING = "jsonl"
"""The ``encoding`` of a page stored from JSON Lines: it has no raw text, so it cannot be re-extracted."""

MAX_ROW_BYTES = 8 * MAX_PAGE_BYTES
"""One line is at most this long: an article of the biggest page ``extract`` reads, with every figure's
record, fits several times over, and a file that is no JSON Lines at all (no newlines) is not read whole."""


def split_inputs(paths: Iterable[Path]) -> tuple[list[Path], list[Path]]:
    """(paths for the page reader, ``.jsonl`` files): a folder's ``.jsonl`` files are found recursively, and
    a folder that holds nothing else is not given to the page reader (which would call it empty)."""
    pages: list[Path] = []
    jsonl: list[Path] = []
    for path in paths:
        if path.is_dir():
            # Names first, a stat only for the few that may be JSON Lines: a folder of 20,000 pages is listed,
            # not stat-ed (``find_pages`` does that once, for the pages).
            rows = sorted((p for p in path.rglob("*") if p.suffix.lower() == JSONL_SUFFIX and p.is_file()), key=path_order)
            jsonl += rows
            if not rows or any(p.suffix.lower() in PAGE_SUFFIXES and p.is_file() for p in path.rglob("*")):
                pages.append(path)
        elif path.suffix.lower() == JSONL_SUFFIX and path.is_file():
            jsonl.append(path)
        else:
            pages.append(path)  # a missing file or one of the page kinds: the page reader says which
    return pages, jsonl


@dataclass
class _PageRows:
    source: str
    key: str
    articles: list[Article] = field(default_factory=list)
    digest: Any = field(default_factory=hashlib.sha256)
    size: int = 0

    def add(self, article: Article, line: bytes) -> None:
        self.articles.append(article)
        self.digest.update(line.rstrip() + b"\n")
        self.size += len(line)

    def result(self, known: Mapping[str, str]) -> Page | Unchanged:
        sha = self.digest.hexdigest()
        if known.get(self.key) == sha:
            return Unchanged(self.key, sha, self.size)
        return Page(
            source=self.source, path=self.key, sha256=sha, encoding=JSONL_ENCODING, raw="", articles=self.articles
        )


@dataclass
class RowBytes:
    """Bytes of the pages handed out to be stored and not yet counted: the library counts a page's raw
    text, which is empty here, so ``ingest`` adds these to its report."""

    pending: int = 0

    def take(self) -> int:
        taken, self.pending = self.pending, 0
        return taken


def jsonl_pages(
    path: Path, known: Mapping[str, str] | None = None, counted: RowBytes | None = None
) -> Iterator[Page | Unchanged | Skipped]:
    """The pages of one ``extract`` output file, in file order; each bad line is a ``Skipped`` of the file
    naming the line and why. ``known`` is as for ``pipeline.extract_paths``: a page whose rows hash to
    the stored hash comes out as ``Unchanged``. The bytes of each page handed out to be stored are added
    to ``counted``."""
    known = known or {}
    file_key = page_key(path)
    try:
        handle = path.open("rb")
    except OSError as exc:
        yield Skipped(path, f"cannot be read ({exc.strerror or exc})")
        return
    with handle:
        current: _PageRows | None = None
        seen: Counter[str] = Counter()
        rows = 0
        for number, line in _lines(handle):
            if not line.strip():
                continue
            article, problem = _article(line)
            if article is None:
                yield Skipped(path, f"line {number} {problem}")
                continue
            rows += 1
            if current is None or article.source != current.source:
                if current is not None:
                    yield _handed_out(current.result(known), current, counted)
                seen[article.source] += 1
                repeat = seen[article.source]
                key = f"{file_key}#{article.source}" + (f"#{repeat}" if repeat > 1 else "")
                current = _PageRows(article.source, key)
            current.add(article, line)
        if current is not None:
            yield _handed_out(current.result(known), current, counted)
        elif not rows:
            yield Skipped(path, "holds no article rows")


def _handed_out(result: Page | Unchanged, rows: _PageRows, counted: RowBytes | None) -> Page | Unchanged:
    if isinstance(result, Page) and counted is not None:
        counted.pending += rows.size
    return result


def _lines(handle: BinaryIO) -> Iterator[tuple[int, bytes]]:
    """Numbered lines, each at most ``MAX_ROW_BYTES``: a longer one comes out as ``b"\\0"`` (no JSON), its
    rest skipped unread into memory."""
    number = 0
    while True:
        line = handle.readline(MAX_ROW_BYTES + 1)
        if not line:
            return
        number += 1
        if len(line) > MAX_ROW_BYTES and not line.endswith(b"\n"):
            while (rest := handle.readline(MAX_ROW_BYTES)) and not rest.endswith(b"\n"):
                pass
            yield number, b"\0"
            continue
        yield number, line


def _article(line: bytes) -> tuple[Article | None, str]:
    """The article of one line, or why it is none (a phrase following "line N")."""
    if line == b"\0":
        return None, f"is over the {MAX_ROW_BYTES / 1e6:.0f} MB limit for one article row"
    try:
        row = loads(line)
    except UnicodeDecodeError:
        return None, "is not UTF-8 text"
    except json.JSONDecodeError as exc:
        return None, f"is not JSON ({exc.msg} at column {exc.colno})"
    except RecursionError:
        return None, "is JSON nested too deeply to be an article"
    if not isinstance(row, dict):
        return None, "is not a JSON object"
    # The library's own row check: a row is an article row once it names its page, which is set when stored.
    problem = row_problem(ARTICLES, "1", {**row, "page": ""})
    if problem:
        return None, problem
    try:
        return Article.from_dict(row), ""
    except (TypeError, ValueError, KeyError) as exc:  # what the row check did not foresee
        return None, f"is not an article ({type(exc).__name__}: {exc})"
