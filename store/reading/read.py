"""Reading pages from disk: find the files, detect each one's encoding from its bytes, decode.

A file that cannot be read becomes a ``Skipped`` with a one-line reason; it never stops the rest.
Damage that decoding works around is named after the encoding, with a '+' (``RawPage.encoding``):
``truncated-utf8`` (a download cut inside the last character, which is dropped), ``gb18030-lines:N``
(N lines of a UTF-8 page were GB18030, pasted in from another page).
"""

from __future__ import annotations

import codecs
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from five_star.store.model import Skipped
from five_star.store.sanitize import path_text

TEXT_SUFFIXES = {".txt", ".md"}
HTML_SUFFIXES = {".html", ".htm"}
PAGE_SUFFIXES = TEXT_SUFFIXES | HTML_SUFFIXES

MAX_PAGE_BYTES = 8 * 1024 * 1024
"""A bigger file is refused: news pages run to tens of kB. Splitting a page of distinct lines holds ~85-125
bytes of memory per character (the duplicate-line finder's pieces; measured 83 for Chinese text, ~30× its
UTF-8 size), so up to ~125× the page for one-byte text: linear in the page, but not yet a small multiple
of it. 8 MiB bounds a page at about 1 GB."""

MAX_HTML_BYTES = 32 * 1024 * 1024
"""A saved HTML page is mostly markup (a 20 kB article comes in a 100-300 kB page, more with inline images), so
it may be bigger than a text page; the text taken out of it is still held to ``MAX_PAGE_BYTES``. What extraction
costs grows with the elements, which ``html.MAX_HTML_ELEMENTS`` bounds; this bounds the parse before that count
(20 MB of links: 0.5 s and 245 MB peak, benchmarks/html_bench.py --huge)."""

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

_CJK_TEXT = re.compile("[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef]")
_UTF16_MIN_CJK_SHARE = 0.6
"""UTF-16 without a BOM is taken only when at least this share of its visible characters is Chinese:
binary data decoded as UTF-16 comes out as an even mix of every script (and usually fails to decode)."""

_MIXED_MIN_UTF8_LINES = 3
"""A page that is not UTF-8 as a whole is read line by line only when this many times as many of its
non-ASCII lines are UTF-8 as are not: a GB18030 line pasted into a UTF-8 page, not a GB18030 page."""


@dataclass
class RawPage:
    path: Path
    text: str
    encoding: str  # with the decoding repairs after a '+': ``utf-8+truncated-utf8``

    @property
    def source(self) -> str:
        """The file name as safe text (a name that is not UTF-8 shows its bytes as ``\\xNN``)."""
        return path_text(self.path.name)


def path_order(path: Path) -> tuple[str, ...]:
    """Paths' own order, compared at C speed (``Path.__lt__`` is Python: ~1 s to sort 20,000 files)."""
    return path.parts


def find_pages(paths: list[Path]) -> Iterator[Path | Skipped]:
    """Expand folders (recursively) into their .txt/.md/.html/.htm files, in a stable order."""
    for path in paths:
        if path.is_dir():
            found = sorted((p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in PAGE_SUFFIXES), key=path_order)
            if not found:
                yield Skipped(path, "folder holds no .txt, .md or .html files")
            yield from found
        elif path.is_file():
            yield path
        elif path.exists():
            yield Skipped(path, "not a regular file")
        else:
            yield Skipped(path, "no such file or folder")


def decode_page_bytes(data: bytes) -> tuple[str, str, list[str]]:
    """(text, encoding, repairs); raise ValueError with a reason when the bytes are not text.

    ``read_page`` names the repairs after the encoding, with a '+' (``utf-8+truncated-utf8``).
    """
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
            return text, encoding, []
    if b"\x00" in data[:8192] or _looks_binary(data):
        utf16 = _utf16_without_bom(data)
        if utf16 is not None:
            return utf16[0], utf16[1], []
    if _looks_binary(data):
        raise ValueError("binary file, not text")
    try:
        return data.decode("utf-8"), "utf-8", []
    except UnicodeDecodeError as exc:
        if exc.end == len(data) and exc.reason == "unexpected end of data":
            return data[: exc.start].decode("utf-8"), "utf-8", ["truncated-utf8"]  # the rest decoded up to here
    mixed = _mostly_utf8(data)
    if mixed is not None:
        return mixed
    text, encoding = _decode_cjk(data)
    return text, encoding, []


def _utf16_without_bom(data: bytes) -> tuple[str, str] | None:
    """Text in UTF-16 without a byte-order mark, when it decodes cleanly to mostly Chinese."""
    best: tuple[float, str, str] | None = None
    for encoding in ("utf-16-le", "utf-16-be"):
        try:
            text = data[: len(data) - len(data) % 2].decode(encoding)
        except UnicodeDecodeError:
            continue
        visible = sum(1 for ch in text if not ch.isspace())
        if not visible or any(ch < " " and ch not in "\t\n\r\f" for ch in text):
            continue
        share = len(_CJK_TEXT.findall(text)) / visible
        if share >= _UTF16_MIN_CJK_SHARE and (best is None or share > best[0]):
            best = (share, text, encoding)
    return None if best is None else (best[1], best[2])


def _mostly_utf8(data: bytes) -> tuple[str, str, list[str]] | None:
    """A UTF-8 page holding a few lines in GB18030 (or cut short): each line decoded on its own."""
    lines = data.split(b"\n")
    texts: list[str] = []
    bad: list[int] = []
    utf8_non_ascii = 0
    for number, line in enumerate(lines):
        try:
            texts.append(line.decode("utf-8"))
        except UnicodeDecodeError:
            texts.append("")
            bad.append(number)
        else:
            utf8_non_ascii += not line.isascii()
    if utf8_non_ascii < _MIXED_MIN_UTF8_LINES * len(bad):
        return None
    repairs: list[str] = []
    gb_lines = 0
    for number in bad:
        line = lines[number]
        if number == len(lines) - 1:
            try:
                line.decode("utf-8")
            except UnicodeDecodeError as exc:
                if exc.end == len(line) and exc.reason == "unexpected end of data":
                    with_cut = line[: exc.start]
                    try:
                        texts[number] = with_cut.decode("utf-8")
                        repairs.append("truncated-utf8")
                        continue
                    except UnicodeDecodeError:
                        pass
        texts[number] = line.decode("gb18030", errors="replace")  # U+FFFD for what is neither: repair handles it
        gb_lines += 1
    if gb_lines:
        repairs.insert(0, f"gb18030-lines:{gb_lines}")
    return "\n".join(texts), "utf-8", repairs


_CONTROL_BYTES = bytes(b for b in range(32) if b not in b"\t\n\r\f\x1b")


def _looks_binary(data: bytes) -> bool:
    head = data[:8192]
    if b"\x00" in head:
        # UTF-16 without a BOM has NULs in every other byte of ASCII text; anything else with NULs is binary.
        even, odd = head[0::2].count(0), head[1::2].count(0)
        return not (max(even, odd) > len(head) // 4 and min(even, odd) < len(head) // 50)
    controls = len(head) - len(head.translate(None, _CONTROL_BYTES))  # at C speed: every file is looked at
    return controls > len(head) // 100


def _decode_cjk(data: bytes) -> tuple[str, str]:
    from charset_normalizer import from_bytes  # lazy for start-up time: only files that are not UTF-8 need it

    best = from_bytes(data, cp_isolation=_CJK_CANDIDATES).best()
    if best is None:
        raise ValueError("undecodable: not UTF-8, GB18030, Big5 or UTF-16")
    return str(best), best.encoding


def too_big(size: int, limit: int | None = None, what: str = "page") -> str:
    limit = MAX_PAGE_BYTES if limit is None else limit
    return f"{size / 1e6:.1f} MB is over the {limit / 1e6:.1f} MB limit for one {what}"


def is_html(path: Path) -> bool:
    return path.suffix.lower() in HTML_SUFFIXES


def read_page(path: Path) -> RawPage | Skipped:
    html = is_html(path)
    limit = MAX_HTML_BYTES if html else MAX_PAGE_BYTES
    try:
        with path.open("rb") as handle:
            # Never more than the limit: a huge file must not fill memory first. Sized to the file, since
            # ``read(limit + 1)`` sets the whole limit aside for every page (a third of a re-ingest's time).
            expected = os.fstat(handle.fileno()).st_size
            data = handle.read(min(expected, limit) + 1)
            if len(data) > expected:  # it grew as it was read (or reports no size): the rest, within the limit
                data += handle.read(limit + 1 - len(data))
            if len(data) > limit:
                size = max(os.fstat(handle.fileno()).st_size, len(data))
                return Skipped(path, too_big(size, limit, "HTML page" if html else "page"))
    except OSError as exc:
        return Skipped(path, exc.strerror or str(exc))
    if html:
        return _read_html(path, data)
    try:
        text, encoding, repairs = decode_page_bytes(data)
    except ValueError as exc:
        return Skipped(path, str(exc))
    return RawPage(path=path, text=text, encoding="+".join([encoding, *repairs]))


def _read_html(path: Path, data: bytes) -> RawPage | Skipped:
    # lazy for start-up time: lxml and trafilatura load only when a folder holds HTML
    from five_star.store.reading.html import html_page_text

    try:
        page = html_page_text(data)
    except ValueError as exc:
        return Skipped(path, str(exc))
    except Exception as exc:  # lxml and trafilatura on hostile markup: one strange page must not stop the rest
        return Skipped(path, f"could not be read as HTML ({type(exc).__name__}: {exc})")
    size = len(page.text.encode("utf-8"))
    if size > MAX_PAGE_BYTES:
        return Skipped(path, "its main text: " + too_big(size))
    return RawPage(path=path, text=page.text, encoding=page.encoding)


def read_pages(paths: list[Path]) -> Iterator[RawPage | Skipped]:
    for item in find_pages(paths):
        yield item if isinstance(item, Skipped) else read_page(item)
