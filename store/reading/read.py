"""Reading pages from disk: find the files, detect each one's encoding from its bytes, decode.

A file that cannot be read becomes a ``Skipped`` with a one-line reason; it never stops the rest.
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from five_star.store.model import Skipped

PAGE_SUFFIXES = {".txt", ".md"}

# Byte-order marks decide the encoding outright; the longest must be tested first (UTF-32 LE starts like UTF-16 LE).
_BOMS = [
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
]

# Chinese news pages come in these; charset-normalizer chooses among them when UTF-8 fails.
_CJK_CANDIDATES = ["gb18030", "big5", "utf_16_le", "utf_16_be"]


@dataclass
class RawPage:
    path: Path
    text: str
    encoding: str

    @property
    def source(self) -> str:
        return self.path.name


def find_pages(paths: list[Path]) -> Iterator[Path | Skipped]:
    """Expand folders (recursively) into their .txt/.md files, in a stable order."""
    for path in paths:
        if path.is_dir():
            found = sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in PAGE_SUFFIXES)
            if not found:
                yield Skipped(path, "folder holds no .txt or .md files")
            yield from found
        elif path.is_file():
            yield path
        elif path.exists():
            yield Skipped(path, "not a regular file")
        else:
            yield Skipped(path, "no such file or folder")


def decode_bytes(data: bytes) -> tuple[str, str]:
    """Return (text, encoding name); raise ValueError with a reason when the bytes are not text."""
    if not data.strip():
        raise ValueError("empty file")
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                text = data.decode(encoding)
            except UnicodeDecodeError as exc:
                raise ValueError(f"starts with a {encoding} byte-order mark but is not valid {encoding}") from exc
            if not text.strip():
                raise ValueError("empty file")
            return text, encoding
    if _looks_binary(data):
        raise ValueError("binary file, not text")
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    return _decode_cjk(data)


def _looks_binary(data: bytes) -> bool:
    head = data[:8192]
    if b"\x00" in head:
        # UTF-16 without a BOM has NULs in every other byte of ASCII text; anything else with NULs is binary.
        even, odd = head[0::2].count(0), head[1::2].count(0)
        return not (max(even, odd) > len(head) // 4 and min(even, odd) < len(head) // 50)
    controls = sum(1 for b in head if b < 32 and b not in b"\t\n\r\f\x1b")
    return controls > len(head) // 100


def _decode_cjk(data: bytes) -> tuple[str, str]:
    from charset_normalizer import from_bytes

    best = from_bytes(data, cp_isolation=_CJK_CANDIDATES).best()
    if best is None:
        raise ValueError("undecodable: not UTF-8, GB18030, Big5 or UTF-16")
    return str(best), best.encoding


def read_page(path: Path) -> RawPage | Skipped:
    try:
        data = path.read_bytes()
    except OSError as exc:
        return Skipped(path, exc.strerror or str(exc))
    try:
        text, encoding = decode_bytes(data)
    except ValueError as exc:
        return Skipped(path, str(exc))
    return RawPage(path=path, text=text, encoding=encoding)


def read_pages(paths: list[Path]) -> Iterator[RawPage | Skipped]:
    for item in find_pages(paths):
        yield item if isinstance(item, Skipped) else read_page(item)
