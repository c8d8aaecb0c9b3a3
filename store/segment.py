"""jieba, configured once for the whole app.

jieba logs to stderr on import (which draws over a running TUI) and caches its dictionary in /tmp
(shared, world-writable, wiped on reboot); both are redirected here. Every module that segments text
goes through ``tokenizer()`` so those settings always apply first.

``compact_tokenizer()`` is the same dictionary for the few lookups of a typed query: jieba's frequency
table (every word, and each prefix of one) is ~600,000 dict entries, ~100 MB in the app for the life of the
process; here it is one sorted string with two arrays (~10 MB, read from the cache folder in milliseconds),
looked up by binary search. Far too slow to segment whole texts, it segments a query in well under a
millisecond, exactly as ``tokenizer()`` would: the same words, frequencies and total.
"""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
import warnings
from array import array
from bisect import bisect_left
from collections.abc import Iterator
from contextlib import suppress
from functools import lru_cache
from pathlib import Path
from typing import Any

from five_star.store.locations import cache_dir


@lru_cache(maxsize=1)
def tokenizer():
    """The shared, quiet jieba tokenizer with its cache in the user's cache directory."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # jieba imports pkg_resources, which warns on stderr
        import jieba  # lazy for start-up time (~0.15 s): commands that never segment never load it

    # jieba logs only debugging and, with a traceback, a cache it could not save: the cache is optional.
    jieba.setLogLevel(logging.CRITICAL)
    logging.getLogger("jieba").setLevel(logging.CRITICAL)
    tok = jieba.Tokenizer()
    try:
        tok.tmp_dir = str(cache_dir())
        tok.cache_file = "jieba.cache"
    except OSError:
        pass  # no cache folder can be made: jieba keeps its own default (the system's temporary folder)
    return tok


_extra_words_added: set[str] = set()


def add_words(words) -> None:
    """Keep domain words (places, program names) whole when segmenting."""
    tok = tokenizer()
    for word in words:
        if word and word not in _extra_words_added:
            tok.add_word(word, freq=20000)
            _extra_words_added.add(word)


_COMPACT_FORMAT = 1


class _SortedKeys:
    """The sorted words as a sequence, for ``bisect``: each item sliced out of the one string on demand."""

    __slots__ = ("_offsets", "_text")

    def __init__(self, text: str, offsets: array) -> None:
        self._text, self._offsets = text, offsets

    def __len__(self) -> int:
        return len(self._offsets) - 1

    def __getitem__(self, n: int) -> str:
        return self._text[self._offsets[n] : self._offsets[n + 1]]


class CompactFrequencies:
    """What jieba's ``Tokenizer.FREQ`` is asked (``in``, ``[]``, ``get``, and ``add_word``'s assignments)."""

    def __init__(self, keys: _SortedKeys, frequencies: array) -> None:
        self._keys, self._frequencies = keys, frequencies
        self._added: dict[str, int] = {}

    def get(self, word: str, default: Any = None) -> Any:
        found = self._added.get(word)
        if found is not None:
            return found
        at = bisect_left(self._keys, word)
        return self._frequencies[at] if at < len(self._keys) and self._keys[at] == word else default

    def __contains__(self, word: object) -> bool:
        return isinstance(word, str) and self.get(word) is not None

    def __getitem__(self, word: str) -> int:
        found = self.get(word)
        if found is None:
            raise KeyError(word)
        return found

    def __setitem__(self, word: str, frequency: int) -> None:
        self._added[word] = frequency

    def __iter__(self) -> Iterator[str]:
        raise TypeError("a compact dictionary is for lookups")  # jieba never lists it; nothing else may


def _jieba_dictionary() -> Path:
    import jieba

    return Path(jieba.__file__).with_name("dict.txt")


_Tables = tuple[str, array, array, int]  # the sorted words joined, their offsets, frequencies, jieba's total


def _compact_path() -> tuple[Path, list[int]]:
    """Where the compact dictionary is kept, and the identity of the jieba dictionary it must match."""
    stat = _jieba_dictionary().stat()
    return cache_dir() / "jieba-compact.bin", [stat.st_size, stat.st_mtime_ns]


def _compact_tables() -> _Tables:
    """The compact dictionary from the cache folder; made there first when missing.

    Made in a process of its own (~2 s, once): sorting ~600,000 words holds the interpreter for a second at
    a time, and in the app that froze the screen and lost keys typed meanwhile. Made here only if that
    process could not save it (no cache folder).
    """
    path, stamp = _compact_path()
    tables = _read_compact(path, stamp)
    if tables is None:
        with suppress(OSError, subprocess.SubprocessError):
            subprocess.run([sys.executable, "-c", "from five_star.store.segment import save_compact; save_compact()"],
                           stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=120,
                           check=False)
        tables = _read_compact(path, stamp) or _make_compact()
    return tables


def _read_compact(path: Path, stamp: list[int]) -> _Tables | None:
    try:
        with path.open("rb") as handle:
            header = json.loads(handle.readline())
            if header["format"] == _COMPACT_FORMAT and header["stamp"] == stamp:
                text = handle.read(header["text"]).decode("utf-8")
                offsets, frequencies = array("I"), array("I")
                offsets.frombytes(handle.read(header["offsets"]))
                frequencies.frombytes(handle.read(header["frequencies"]))
                if len(offsets) == len(frequencies) + 1 and offsets[-1] == len(text):
                    return text, offsets, frequencies, header["total"]
    except (OSError, ValueError, KeyError, TypeError):
        pass
    return None


def _make_compact() -> _Tables:
    tokenizer()  # jieba quiet first
    import jieba

    with _jieba_dictionary().open("rb") as handle:
        table, total = jieba.Tokenizer().gen_pfdict(handle)
    words = sorted(table)
    offsets = array("I", [0])
    for word in words:
        offsets.append(offsets[-1] + len(word))
    return "".join(words), offsets, array("I", (table[word] for word in words)), total


def save_compact() -> None:
    """Make the compact dictionary and save it in the cache folder (run by ``_compact_tables`` in a process
    of its own); nothing saved when the folder cannot be written."""
    path, stamp = _compact_path()
    text, offsets, frequencies, total = _make_compact()
    encoded = text.encode("utf-8")
    header = {"format": _COMPACT_FORMAT, "stamp": stamp, "total": total, "text": len(encoded),
              "offsets": len(offsets) * offsets.itemsize, "frequencies": len(frequencies) * frequencies.itemsize}
    temp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with temp.open("wb") as handle:
            handle.write(json.dumps(header).encode() + b"\n" + encoded + offsets.tobytes() + frequencies.tobytes())
        os.replace(temp, path)
    except OSError:  # made again next time: the cache is only a shortcut
        temp.unlink(missing_ok=True)


def compact_tokenizer(words: list[str]):
    """A jieba tokenizer on ``CompactFrequencies``, with ``words`` added as ``add_words`` adds them."""
    tokenizer()  # jieba quiet first
    import jieba

    text, offsets, frequencies, total = _compact_tables()
    tok = jieba.Tokenizer()
    tok.FREQ, tok.total, tok.initialized = CompactFrequencies(_SortedKeys(text, offsets), frequencies), total, True
    for word in dict.fromkeys(word for word in words if word):
        tok.add_word(word, freq=20000)
    return tok
