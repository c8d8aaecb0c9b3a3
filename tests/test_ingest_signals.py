"""A parallel ``ingest`` stopped from outside leaves no process behind.

Real subprocesses: the installed CLI ingests a folder big enough for worker processes (over
``PARALLEL_FROM_BYTES``), and is killed once they are at work. SIGKILL runs no cleanup in the parent, so
the workers must notice by themselves; SIGTERM is a clean stop. Either way the output pipes reach end of
file (nothing else holds them, so ``ingest … | tee log`` ends), every process the ingest started is gone,
and the library opens.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from five_star.store.library.ingest import PARALLEL_FROM_BYTES
from five_star.store.library.library import Library
from helpers.library import library_generator
from helpers.wait import wait_for

pytestmark = pytest.mark.slow  # each test runs a parallel ingest of ~9 MB for a few seconds

_SCRIPT = Path(sys.executable).with_name("five-star-tui")
COMMAND = [str(_SCRIPT)] if _SCRIPT.exists() else [sys.executable, "-m", "five_star.tui.cli"]


@pytest.fixture(scope="module")
def pages(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("signals") / "pages"
    written = library_generator().write_pages(3600, folder, seed=21)
    assert sum(p.stat().st_size for p in written) > PARALLEL_FROM_BYTES  # or the ingest would not start workers
    return folder


def _stat(pid: int) -> list[str] | None:
    """/proc/PID/stat after the command name (which may hold spaces): state, parent pid, …; None once gone."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return text[text.rindex(")") + 2 :].split()


def children(pid: int) -> set[int]:
    found = set()
    for entry in os.listdir("/proc"):
        if entry.isdigit() and (fields := _stat(int(entry))) and fields[1] == str(pid):
            found.add(int(entry))
    return found


def alive(pid: int) -> bool:
    """A zombie has ended (it holds no memory and no files): only its parent has not collected it yet."""
    fields = _stat(pid)
    return fields is not None and fields[0] != "Z"


def workers(pid: int) -> set[int]:
    def is_worker(child: int) -> bool:
        try:
            return b"spawn_main" in Path(f"/proc/{child}/cmdline").read_bytes()
        except OSError:
            return False

    return {child for child in children(pid) if is_worker(child)}


def start_ingest(pages: Path, library: Path) -> tuple[subprocess.Popen, set[int]]:
    """The ingest and every process it started, once at least two workers are extracting."""
    env = dict(os.environ, COLUMNS="200")
    run = subprocess.Popen([*COMMAND, "ingest", "--db", str(library), str(pages)], stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, env=env)
    wait_for(lambda: len(workers(run.pid)) >= 2, timeout=60, what="two extraction processes")
    time.sleep(1.0)  # into the extraction (the workers load their dictionaries first)
    started = children(run.pid)  # the workers and multiprocessing's resource tracker
    assert run.poll() is None, "the ingest finished before it could be stopped: give it more pages"
    return run, started


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads processes from /proc (Linux)")
def test_sigkill_of_the_parent_leaves_no_process_behind(pages, tmp_path):
    library = tmp_path / "library.json"
    run, started = start_ingest(pages, library)
    run.kill()
    run.communicate(timeout=30)  # end of file on both pipes: no process is left holding them
    wait_for(lambda: not any(map(alive, started)), timeout=10, what=f"processes {started} to end")
    with Library.open(library) as lib:  # whatever batches were committed, whole
        lib.articles()


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads processes from /proc (Linux)")
def test_sigterm_is_a_clean_stop(pages, tmp_path):
    library = tmp_path / "library.json"
    run, started = start_ingest(pages, library)
    stopped = time.monotonic()
    run.terminate()
    out, err = run.communicate(timeout=30)
    assert time.monotonic() - stopped < 10  # it stops now, not once the pages in hand are extracted
    assert run.returncode == 1
    assert err.decode().splitlines() == [
        "five-star-tui: stopped by SIGTERM; the pages stored before it are kept (run the same ingest again to add the rest)"
    ]
    assert out == b""
    wait_for(lambda: not any(map(alive, started)), timeout=10, what=f"processes {started} to end")
    with Library.open(library) as lib:
        pages_stored, articles = lib.page_count, lib.articles()
    assert {a.source for a in articles} <= {p.name for p in pages.iterdir()}
    assert pages_stored <= len(list(pages.iterdir()))
