"""Crashes and concurrent writers never corrupt the library.

An ingest is killed with SIGKILL at random moments (during extraction, during a write, between the
two); afterwards the library must open and hold exactly the batches that finished. The child is forked
from this (already warmed-up) process, so each run costs the ingest itself rather than an interpreter
start, and twenty runs stay quick.
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from five_star.store.library.ingest import ingest
from five_star.store.library.library import Library
from five_star.store.pipeline import extract_paths
from helpers.library import copy_library, library_generator
from helpers.wait import wait_for

pytestmark = pytest.mark.slow  # a generated library of 250 pages, two dozen killed ingests, subprocess CLIs

KILL_RUNS = 24


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    """A base library of generated pages (big enough that a write takes a while) and new pages to add."""
    root = tmp_path_factory.mktemp("crash")
    gen = library_generator()
    base_pages = gen.write_pages(250, root / "base", seed=11)
    new_pages = gen.write_pages(100, root / "new", seed=12, prefix="new")
    base = root / "base.json"
    with Library.open(base) as lib:
        ingest(lib, base_pages)
    expected = {str(p.resolve()): [{k: v for k, v in a.to_dict().items() if k != "story"} for a in p_.articles]
                for p, p_ in zip(new_pages, extract_paths(new_pages), strict=True)}
    return base, new_pages, expected


def forked_ingest(library: Path, pages: list[Path]) -> tuple[int, int]:
    """Start an ingest in a forked child that reports each committed batch on a pipe: (pid, read end)."""
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: ingest one file per batch, announce each commit, never return to pytest
        os.close(read_end)
        code = 0
        try:
            def announce(report):
                if report.batches > announce.seen:
                    announce.seen = report.batches
                    os.write(write_end, f"{report.files_read}\n".encode())

            announce.seen = 0
            with Library.open(library) as lib:
                lib.batching.files = 1
                ingest(lib, pages, progress=announce)
        except BaseException:
            code = 1
        finally:
            os._exit(code)
    os.close(write_end)
    return pid, read_end


def committed_files(read_end: int) -> int:
    data = b""
    while chunk := os.read(read_end, 4096):
        data += chunk
    os.close(read_end)
    lines = data.decode().split()
    return int(lines[-1]) if lines else 0


def finished_before_a_write(pid: int, library: Path) -> bool:
    """Wait until the writer has a temporary file open (False) or has exited, and is reaped (True)."""

    def writing_or_exited() -> str | None:
        if any(library.parent.glob("*.tmp")):
            return "writing"
        return "exited" if os.waitpid(pid, os.WNOHANG)[0] else None

    return wait_for(writing_or_exited, timeout=60, interval=0.0001, what="the writer to write or exit") == "exited"


def stored_state(library: Path) -> dict[str, list[dict]]:
    """Each page's articles as extracted; ``story`` left out, as it depends on what was stored before
    (the generated pages are variations of five, some one story) and is tested on its own."""
    with Library.open(library) as lib:
        state: dict[str, list[dict]] = {}
        for page in lib.pages():
            state[page.path] = [{k: v for k, v in a.to_dict().items() if k != "story"} for a in page.articles]
        ids = [a.id for a in lib.articles()]
        assert len(ids) == len(set(ids))
    return state


def test_ingest_killed_at_random_moments_leaves_exactly_the_finished_batches(corpus, tmp_path):
    base, new_pages, expected = corpus
    base_state = stored_state(base)
    keys = [str(p.resolve()) for p in new_pages]

    # One full run tells how long an ingest takes, so the kills can be spread over all of it.
    library = copy_library(base, tmp_path / "full")
    started = time.monotonic()
    pid, read_end = forked_ingest(library, new_pages)
    _, status = os.waitpid(pid, 0)
    duration = time.monotonic() - started
    assert os.waitstatus_to_exitcode(status) == 0 and committed_files(read_end) == len(new_pages)
    assert stored_state(library) == base_state | expected

    rng = random.Random(20240504)
    outcomes, mid_write = [], 0
    for run in range(KILL_RUNS):
        library = copy_library(base, tmp_path / f"run{run}")
        delay = rng.uniform(0, duration)
        pid, read_end = forked_ingest(library, new_pages)
        time.sleep(delay)
        # A third of the kills aim at the moment a file is being written.
        finished = run % 3 == 0 and finished_before_a_write(pid, library)
        if not finished:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
        reported = committed_files(read_end)

        mid_write += any(library.parent.glob("*.tmp"))  # a temp file left behind: killed while writing
        state = stored_state(library)  # must open: never damaged, never empty
        added = [key for key in keys if key in state]
        # The kill may land after a commit's rename but before its announcement: one batch more is fine.
        assert added in (keys[:reported], keys[: reported + 1]), (run, delay, reported, len(added))
        assert state == base_state | {key: expected[key] for key in added}, (run, delay)
        outcomes.append(len(added))

    assert len(set(outcomes)) >= 4  # the kills really landed at different points of the ingest
    assert mid_write >= KILL_RUNS // 6, "too few kills landed during a write"
    print(f"{KILL_RUNS} kills, {mid_write} during a write, {len(set(outcomes))} different outcomes")

    # The last killed library can be finished by a new ingest (the lock died with the child).
    with Library.open(library) as lib:
        ingest(lib, new_pages)
    assert stored_state(library) == base_state | expected


def test_two_concurrent_cli_ingests_both_land_and_never_corrupt(corpus, tmp_path):
    base, new_pages, expected = corpus
    library = copy_library(base, tmp_path / "lib")
    middle = len(new_pages) // 2
    halves = [new_pages[:middle], new_pages[middle:]]
    command = [sys.executable, "-m", "five_star.tui.cli", "ingest", "--db", str(library)]
    runs = [
        subprocess.Popen(command + [str(p) for p in half], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for half in halves
    ]
    results = [(*run.communicate(timeout=120), run.returncode) for run in runs]

    landed = {}
    for half, (_out, err, code) in zip(halves, results, strict=True):
        assert "Traceback" not in err
        if code == 0:
            landed |= {str(p.resolve()): expected[str(p.resolve())] for p in half}
        else:  # the only acceptable failure: waited for the other writer, then gave up clearly
            assert "being changed by another five-star-tui" in err and err.count("\n") == 1
    assert landed, results
    assert stored_state(library) == stored_state(base) | landed


def test_reader_during_a_write_sees_a_whole_library(corpus, tmp_path):
    """Readers take no lock: while a writer commits batch after batch, every read is a complete library."""
    base, new_pages, expected = corpus
    library = copy_library(base, tmp_path / "lib")
    base_count = sum(map(len, stored_state(base).values()))
    pid, read_end = forked_ingest(library, new_pages)
    counts = []
    while True:
        finished, _ = os.waitpid(pid, os.WNOHANG)
        with Library.open(library) as lib:
            counts.append(len(lib.articles()))
        if finished:
            break
    committed_files(read_end)
    assert counts == sorted(counts) and counts[0] >= base_count
    assert counts[-1] <= base_count + sum(map(len, expected.values()))
    assert json.loads(library.read_text("utf-8"))["meta"]
