"""Ingest of ``extract``'s JSON Lines against ingest of the pages themselves (issue 12, deliverable 3).

    python benchmarks/jsonl_ingest_bench.py [--copies 40] [--keep DIR]

The five seed pages are copied ``--copies`` times (``0007_000_….txt``: each copy is its own source, so
its own articles), ``five-star-tui extract`` writes them as JSON Lines, and each is ingested into a fresh
library, timed two ways:
- ``cli``: the installed command, as a user runs it (a new interpreter each time; the pages' ingest
  loads the dictionaries, the JSON Lines' does not need them);
- ``warm``: ``ingest()`` in this process after one untimed extraction, so the pages' ingest is charged
  neither the dictionaries nor the interpreter: the least favourable ratio for JSON Lines.
Prints one JSON line per measurement and checks that both libraries hold the same articles. The goal:
the JSON Lines ingest at least 5× faster than the pages' ingest.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from five_star.seeds import seed_paths
from five_star.store.library.ingest import ingest
from five_star.store.library.library import Library
from five_star.store.pipeline import extract_text

GOAL = 5.0

_SCRIPT = Path(sys.executable).with_name("five-star-tui")
COMMAND = [str(_SCRIPT)] if _SCRIPT.exists() else [sys.executable, "-m", "five_star.tui.cli"]


def write_copies(folder: Path, copies: int) -> list[Path]:
    folder.mkdir(parents=True)
    written = []
    for copy in range(copies):
        for seed in seed_paths():
            path = folder / f"{copy:04d}_{seed.name}"
            shutil.copyfile(seed, path)
            written.append(path)
    return written


def timed_cli(*args: str, stdout=subprocess.DEVNULL) -> float:
    started = time.perf_counter()
    subprocess.run([*COMMAND, *args], stdout=stdout, stderr=subprocess.PIPE, check=True)
    return time.perf_counter() - started


def timed_ingest(library: Path, path: Path) -> float:
    started = time.perf_counter()
    with Library.open(library) as lib:
        ingest(lib, [path])
    return time.perf_counter() - started


def articles(library: Path) -> list[dict]:
    with Library.open(library) as lib:
        return [a.to_dict() for a in lib.articles()]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--copies", type=int, default=40, help="copies of the five seed pages")
    parser.add_argument("--keep", type=Path, help="work in this (new) folder and keep it, instead of a temporary one")
    args = parser.parse_args()

    work = args.keep or Path(tempfile.mkdtemp(prefix="jsonl-bench-"))
    try:
        pages = work / "pages"
        written = write_copies(pages, args.copies)
        megabytes = sum(p.stat().st_size for p in written) / 1e6
        rows = work / "articles.jsonl"
        with rows.open("wb") as out:
            extract_seconds = timed_cli("extract", str(pages), stdout=out)
        count = sum(1 for _ in rows.open("rb"))
        print(json.dumps({"metric": "extract to JSON Lines (cli)", "pages": len(written), "articles": count,
                          "page_mb": round(megabytes, 2), "jsonl_mb": round(rows.stat().st_size / 1e6, 2),
                          "seconds": round(extract_seconds, 3)}))

        seed = seed_paths()[0]
        extract_text(seed.read_text("utf-8"), seed.name)  # dictionaries, gazetteer and OpenCC loaded, untimed
        results = {}
        for how in ("cli", "warm"):
            for what, source in (("pages", pages), ("jsonl", rows)):
                library = work / f"{how}-{what}.json"
                if how == "cli":
                    seconds = timed_cli("ingest", "--db", str(library), str(source))
                else:
                    seconds = timed_ingest(library, source)
                results[how, what] = (library, seconds)
            (pages_library, pages_seconds), (rows_library, rows_seconds) = results[how, "pages"], results[how, "jsonl"]
            same = articles(pages_library) == articles(rows_library)
            speedup = pages_seconds / rows_seconds
            print(json.dumps({"metric": f"ingest ({how})", "articles": count, "pages_seconds": round(pages_seconds, 3),
                              "jsonl_seconds": round(rows_seconds, 3), "speedup": round(speedup, 1),
                              "goal": f">= {GOAL}x", "met": speedup >= GOAL, "same_articles": same}))
            if not same:
                sys.exit(f"the {how} libraries differ: ingest of the JSON Lines must give the pages' articles")
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
