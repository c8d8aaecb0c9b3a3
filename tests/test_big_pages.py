"""Issue 12: repair and splitting are linear on any input, a page over the size limit is refused with one
line, and damaged encodings (a cut last character, a GB18030 line, UTF-16 without a BOM) are read."""

from __future__ import annotations

import re
import tracemalloc
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from five_star.seeds import seed_paths
from five_star.store.model import Page, Skipped
from five_star.store.pipeline import extract_paths
from five_star.store.reading import read
from five_star.store.reading.read import read_page
from five_star.store.reading.repair import _QUESTION_WORDS, restore_question_marks
from five_star.store.splitting.chrome import find_duplicates
from five_star.store.splitting.split import split_lines


def _question_marks_quadratic(line: str) -> tuple[str, int]:
    """The former implementation (an ``rfind`` back to the clause start for every '?'): the oracle."""
    if "?" not in line:
        return line, 0
    count, out, last = 0, [], 0
    for match in re.finditer(r"\?(?![!0-9])", line):
        # quotation marks do not end a clause: '如何打好“组合拳”?' asks (R1 in unseen-page-cases.md)
        clause_start = max(line.rfind(p, 0, match.start()) for p in "，。,；;！!？") + 1
        if _QUESTION_WORDS.search(line, clause_start, match.start()):
            out.append(line[last : match.start()] + "？")
            last = match.end()
            count += 1
    out.append(line[last:])
    return "".join(out), count


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(["?", "?!", "?1", "如何", "为什么", "什么", "吗", "，", "。", "!", "？", "“", "”", "\"", "村", "a", " "]), max_size=40))
def test_question_marks_match_the_former_rule(pieces):
    line = "".join(pieces)
    assert restore_question_marks(line) == _question_marks_quadratic(line)


def _peak_bytes(work) -> int:
    tracemalloc.start()
    try:
        work()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_splitting_memory_grows_linearly_with_the_lines():
    """Memory, not time, so the test is deterministic (times live in benchmarks/page_scaling.py): the
    former slices of every following line grew ×64 for ×8 the lines.

    Every copy of the seeds is made distinct (its Chinese characters shifted through the CJK block): a
    repeated line, or one with a number appended, is found to repeat an earlier line, so the duplicate-line
    finder's dictionary would never grow and the test would measure nothing."""
    seed = "\n\n".join(p.read_text(encoding="utf-8") for p in seed_paths())

    def shifted(text: str, k: int) -> str:
        return "".join(chr(0x4E00 + (ord(c) - 0x4E00 + k * 7919) % 20902) if "\u4e00" <= c <= "\u9fff" else c for c in text)

    def lines_of(times: int) -> list[str]:
        return ["", *"\n\n".join(shifted(seed, k) for k in range(times)).split("\n")]

    small, big = lines_of(2), lines_of(16)  # ×8 the lines
    assert len(find_duplicates(big)) < len(big) // 100  # distinct lines: the finder keeps every one
    split_lines(small)  # rules and patterns compiled outside the measurement
    assert _peak_bytes(lambda: split_lines(big)) < 12 * _peak_bytes(lambda: split_lines(small))


def test_a_page_over_the_limit_is_refused_with_one_line(tmp_path, monkeypatch):
    monkeypatch.setattr(read, "MAX_PAGE_BYTES", 1000)
    page = tmp_path / "huge.txt"
    page.write_text("舞阳县召开会议。\n" * 200, encoding="utf-8")
    (result,) = list(extract_paths([page]))
    assert isinstance(result, Skipped)
    message = result.message()
    assert "\n" not in message and str(page) in message and "limit" in message


def test_a_file_that_reports_no_size_is_read_whole_and_still_within_the_limit(monkeypatch):
    """A page is read into a buffer sized to the file; one whose size says nothing (procfs, some network and
    FUSE mounts report 0) must still be read to its end, and refused past the limit."""
    status = Path("/proc/self/status")
    if not status.is_file() or status.stat().st_size != 0:
        pytest.skip("no file here reports a size of 0 (Linux /proc)")
    page = read_page(status)
    assert not isinstance(page, Skipped) and page.text.startswith("Name:") and "VmRSS:" in page.text
    monkeypatch.setattr(read, "MAX_PAGE_BYTES", 100)
    refused = read_page(status)
    assert isinstance(refused, Skipped) and "limit" in refused.message()


def _seed_text() -> str:
    return seed_paths()[0].read_text(encoding="utf-8").rstrip("\n")


def test_a_utf8_page_cut_inside_its_last_character_is_read(tmp_path):
    text = _seed_text()
    data = text.encode("utf-8")
    assert not text[-1].isascii()
    page = tmp_path / "cut.txt"
    page.write_bytes(data[:-1])  # a truncated download: the last character's final byte is missing
    raw = read_page(page)
    assert not isinstance(raw, Skipped)
    assert raw.text == text[:-1]
    assert raw.encoding == "utf-8+truncated-utf8"


def test_one_gb18030_line_in_a_utf8_page_does_not_reject_the_page(tmp_path):
    lines = _seed_text().split("\n")
    index = next(n for n, line in enumerate(lines) if len(line) > 20)
    data = "\n".join(lines).encode("utf-8").replace(lines[index].encode("utf-8"), lines[index].encode("gb18030"))
    page = tmp_path / "mixed.txt"
    page.write_bytes(data)
    raw = read_page(page)
    assert not isinstance(raw, Skipped)
    assert raw.text.split("\n") == lines
    assert raw.encoding == "utf-8+gb18030-lines:1"


def test_utf16_without_a_bom_is_read_not_called_binary(tmp_path):
    text = _seed_text()
    for encoding in ("utf-16-le", "utf-16-be"):
        page = tmp_path / f"{encoding}.txt"
        page.write_bytes(text.encode(encoding))
        raw = read_page(page)
        assert not isinstance(raw, Skipped), raw
        assert raw.text == text and raw.encoding == encoding


def test_binary_data_is_still_binary(tmp_path):
    page = tmp_path / "noise.txt"
    page.write_bytes(bytes(range(256)) * 40)
    result = read_page(page)
    assert isinstance(result, Skipped) and "binary" in result.reason


def test_decoding_damage_is_named_in_every_article_of_the_page(tmp_path):
    page = tmp_path / "cut.txt"
    page.write_bytes(_seed_text().encode("utf-8")[:-1])
    [extracted] = extract_paths([page])
    assert isinstance(extracted, Page) and extracted.articles
    assert all("truncated-utf8" in article.repairs for article in extracted.articles)
