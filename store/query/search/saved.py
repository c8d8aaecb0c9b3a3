"""The search index saved between launches, so a launch does not build it again.

Building the index is seconds of CPU at 20,000 articles and ~30 s at 100,000, all of it competing with the
app for the interpreter. Once built, it is saved in the user's cache folder, one file per library, and a
launch that finds the file still matching (the same library file, the same articles with the same titles,
the same format) reads it back instead: the folded texts, and the postings as they are on disk.

A loaded posting list stays in its file's bytes (``FrozenPostings``), found by binary search over the
sorted keys and decoded when a query asks for it: loading costs a read, not a million Python objects, and
memory holds the bytes, not the objects. The file is only ever a shortcut: any problem reading or
writing it means the index is built as if it were not there.
"""

from __future__ import annotations

import hashlib
import json
import mmap
import os
import sys
import time
from array import array
from bisect import bisect_left
from collections.abc import Callable, Iterable, Mapping, Sequence
from contextlib import suppress
from itertools import pairwise
from pathlib import Path
from typing import Any, overload

from five_star.store.locations import cache_dir
from five_star.store.model import Article

FORMAT = 2
_STALE_SECONDS = 3600  # a temporary file this old is no save at work
_SEPARATOR = "\x00"  # folding drops U+0000, so no folded title holds it


def saved_index_path(library: Path) -> Path:
    key = hashlib.sha256(os.fsencode(library.expanduser().resolve())).hexdigest()[:24]  # any name, even not UTF-8
    return cache_dir() / "search" / f"{key}.index"


def ids_digest(ids: Iterable[str]) -> str:
    """Which articles, in which order: what an index used before the articles are read must match."""
    digest = hashlib.sha256()
    for article_id in ids:
        digest.update(f"{article_id}\n".encode("utf-8", "surrogatepass"))
    return digest.hexdigest()


def articles_digest(articles: Iterable[Article]) -> str:
    """What the index depends on besides the file: which articles, in which order, with which titles
    (a correction changes a title without changing the library file)."""
    digest = hashlib.sha256()
    for article in articles:
        digest.update(f"{article.id}\t{article.title or ''}\n".encode("utf-8", "surrogatepass"))
    return digest.hexdigest()


class FrozenPostings(Mapping[int, "int | array"]):
    """Posting lists kept as the bytes they were saved as: keys sorted, one kind byte and one offset per key."""

    __slots__ = ("_blob", "_keys", "_kinds", "_offsets", "_typecode")

    def __init__(self, keys: array, kinds: bytes, offsets: array, blob: bytes, typecode: str) -> None:
        self._keys, self._kinds, self._offsets, self._blob, self._typecode = keys, kinds, offsets, blob, typecode

    def _find(self, key: int) -> int:
        at = bisect_left(self._keys, key)
        return at if at < len(self._keys) and self._keys[at] == key else -1

    def __getitem__(self, key: int) -> int | array:
        at = self._find(key)
        if at < 0:
            raise KeyError(key)
        data = self._blob[self._offsets[at] : self._offsets[at + 1]]
        if self._kinds[at] == 0:
            return int.from_bytes(data, "little")
        numbers = array(self._typecode)
        numbers.frombytes(data)
        return numbers

    def __contains__(self, key: object) -> bool:
        return isinstance(key, int) and self._find(key) >= 0

    def __iter__(self):
        return iter(self._keys)

    def __len__(self) -> int:
        return len(self._keys)

    @classmethod
    def of(cls, postings: Mapping[int, int | array], typecode: str) -> FrozenPostings:
        keys = array("Q", sorted(postings))
        kinds, offsets, blob = bytearray(), array("Q"), bytearray()
        for key in keys:
            found = postings[key]
            offsets.append(len(blob))
            if isinstance(found, int):
                kinds.append(0)
                blob += found.to_bytes((found.bit_length() + 7) // 8, "little")
            else:
                kinds.append(1)
                blob += found.tobytes()
        offsets.append(len(blob))
        return cls(keys, bytes(kinds), offsets, bytes(blob), typecode)

    def sections(self) -> list[bytes]:
        return [self._keys.tobytes(), self._kinds, self._offsets.tobytes(), self._blob]

    @classmethod
    def from_sections(cls, sections: list[bytes], typecode: str) -> FrozenPostings:
        keys, offsets = array("Q"), array("Q")
        keys.frombytes(sections[0])
        offsets.frombytes(sections[2])
        return cls(keys, sections[1], offsets, sections[3], typecode)


class DiskTexts(Sequence[str]):
    """The folded texts as the saved file holds them (UTF-16, one offset per text), decoded on each use.

    A query reads only its candidates' texts, so most of the library's folded text (its biggest part,
    ~150 MB at 100,000 articles) stays on disk, and in the page cache, never in the process's own memory.
    """

    __slots__ = ("_data", "_offsets")

    def __init__(self, data: mmap.mmap | bytes, offsets: array) -> None:
        self._data, self._offsets = data, offsets

    def __len__(self) -> int:
        return len(self._offsets) - 1

    @overload
    def __getitem__(self, index: int) -> str: ...
    @overload
    def __getitem__(self, index: slice) -> list[str]: ...

    def __getitem__(self, index: int | slice) -> str | list[str]:
        if isinstance(index, slice):
            return [self[n] for n in range(*index.indices(len(self)))]
        if index < 0:
            index += len(self)
        return self._data[self._offsets[index] : self._offsets[index + 1]].decode("utf-16-le", "surrogatepass")

    @staticmethod
    def sections(texts: Iterable[str]) -> list[bytes]:
        """The offsets (absolute in the texts' section) and the texts, for ``save``."""
        encoded = [text.encode("utf-16-le", "surrogatepass") for text in texts]
        offsets = array("Q", [0])
        for data in encoded:
            offsets.append(offsets[-1] + len(data))
        return [offsets.tobytes(), b"".join(encoded)]


def _map(path: Path) -> mmap.mmap | bytes:
    # Windows cannot replace a mapped file (the next save would fail): there the texts are read instead.
    with path.open("rb") as handle:
        if sys.platform == "win32":
            return handle.read()
        return mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)


class SavedIndex:
    """Where one library's index is saved, and what it must match to be used."""

    def __init__(self, path: Path, stamp: list[int] | None) -> None:
        self.path, self.stamp = path, stamp

    def load(self, articles: list[Article]) -> dict[str, Any] | None:
        """The saved parts (``titles``, ``docs``, and per index its ``postings`` and ``words``), or None."""
        if not articles:
            return None
        return self._load(len(articles), "digest", lambda: articles_digest(articles))

    def load_for_ids(self, ids: list[str]) -> dict[str, Any] | None:
        """As ``load``, for the articles ``ids`` before they are read (titles unchecked: a caller with the
        person's corrections, which change titles, must not use it)."""
        if not ids:
            return None
        return self._load(len(ids), "ids", lambda: ids_digest(ids))

    def _load(self, count: int, kind: str, digest: Callable[[], str]) -> dict[str, Any] | None:
        if self.stamp is None:
            return None
        try:
            data = _map(self.path)
            end = data.find(b"\n") + 1
            header = json.loads(data[:end])
            if (header["format"], header["stamp"], header["count"]) != (FORMAT, self.stamp, count):
                return None
            if header[kind] != digest() or sum(header["sizes"]) != len(data) - end:
                return None
            starts = [end]
            for size in header["sizes"]:
                starts.append(starts[-1] + size)
            # Every section copied out but the texts themselves (the third), which stay in the mapped file.
            sections = [b"" if n == 2 else data[start:stop] for n, (start, stop) in enumerate(pairwise(starts))]
            offsets = array("Q")
            offsets.frombytes(sections[1])
            if len(offsets) != count + 1:
                return None
            offsets = array("Q", (offset + starts[2] for offset in offsets))
            parts: dict[str, Any] = {
                "titles": sections[0].decode("utf-8").split(_SEPARATOR),
                "docs": DiskTexts(data, offsets),
            }
            for n, name in enumerate(("docs_index", "titles_index")):
                start = 3 + 5 * n
                words = json.loads(sections[start + 4])
                parts[name] = {
                    "postings": FrozenPostings.from_sections(sections[start : start + 4], header["typecode"]),
                    "words": {word: int(mask, 16) for word, mask in words.items()},
                }
            return parts
        except (OSError, ValueError, KeyError, TypeError, IndexError, UnicodeDecodeError):
            return None

    def save(self, articles: list[Article], titles: list[str], docs: Sequence[str], indexes: Iterable[Any], typecode: str) -> None:
        """Write the index for next time; silently nothing when the cache cannot be written."""
        if self.stamp is None or not articles:
            return
        sections = [_SEPARATOR.join(titles).encode("utf-8"), *DiskTexts.sections(docs)]
        for postings in indexes:
            frozen = postings.postings if isinstance(postings.postings, FrozenPostings) else FrozenPostings.of(postings.postings, typecode)
            sections += frozen.sections()
            sections.append(json.dumps({word: format(mask, "x") for word, mask in postings.words.items()}, ensure_ascii=False).encode())
        header = {"format": FORMAT, "stamp": self.stamp, "count": len(articles), "digest": articles_digest(articles),
                  "ids": ids_digest(article.id for article in articles), "typecode": typecode, "sizes": [len(section) for section in sections]}
        temp = self.path.with_name(f"{self.path.name}.{os.getpid()}.tmp")
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            for left in self.path.parent.glob("*.tmp"):  # of an app that quit while saving
                if time.time() - left.stat().st_mtime > _STALE_SECONDS:
                    left.unlink(missing_ok=True)
            with temp.open("wb") as handle:
                handle.write(json.dumps(header).encode() + b"\n")
                for section in sections:
                    handle.write(section)
            os.replace(temp, self.path)
        except OSError:
            with suppress(OSError):
                temp.unlink()
