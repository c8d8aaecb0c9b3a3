"""Time from launch to an interactive tree: the seeds library, a big generated library, a bare Textual app.

    python benchmarks/launch_bench.py [--articles 20000] [--runs 5] [--workdir DIR]

Each launch is the installed ``five-star-tui`` started in a real pseudo-terminal; the clock stops when
the status line shows the article count, which is drawn in the same refresh as the populated tree, and
a key press is then answered (the tree moves) to show it is interactive. A bare Textual app that draws
one label is timed the same way in the same run, and each library's time is also given as a ratio to
it. Runs are interleaved so that background load affects all three alike. Prints one JSON line per
measurement, then a summary line. The libraries are built once and kept in the work folder.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pexpect

HERE = Path(__file__).resolve().parent
READY = r"[1-9][\d,]* articles ·"
BARE_APP = """
from textual.app import App
from textual.widgets import Label

class Bare(App):
    BINDINGS = [("q", "quit")]

    def compose(self):
        yield Label("bare app ready")

Bare().run()
"""


def console_script() -> str:
    script = shutil.which("five-star-tui", path=str(Path(sys.executable).parent)) or shutil.which("five-star-tui")
    if script is None:
        sys.exit("five-star-tui is not installed in this environment")
    return script


def build_seeds_library(path: Path) -> None:
    if not path.exists():
        subprocess.run([console_script(), "ingest", "--db", str(path), *map(str, seed_pages())], check=True,
                       stdout=subprocess.DEVNULL)


def seed_pages() -> list[Path]:
    from five_star.seeds import seed_paths

    return seed_paths()


def build_big_library(path: Path, articles: int, workdir: Path) -> None:
    if path.exists():
        return
    pages = workdir / f"pages-{articles}"
    if not pages.exists():
        subprocess.run([sys.executable, str(HERE / "library_gen.py"), str(articles), str(pages)], check=True)
    started = time.perf_counter()
    subprocess.run([console_script(), "ingest", "--db", str(path), str(pages)], check=True,
                   stdout=subprocess.DEVNULL)
    print(json.dumps({"built": str(path), "ingest_seconds": round(time.perf_counter() - started, 1)}), flush=True)


def time_launch(command: list[str], ready: str, env: dict[str, str]) -> float:
    """Seconds from spawn until ``ready`` is on screen and a key (j) is answered with a redraw."""
    started = time.perf_counter()
    child = pexpect.spawn(command[0], command[1:], env=env, dimensions=(40, 140), encoding="utf-8",
                          codec_errors="replace", timeout=300)
    try:
        child.expect(ready)
        seconds = time.perf_counter() - started
        child.send("j")
        child.expect(r"\x1b\[")  # the answer to the key press: any redraw
        child.send("q")
        child.expect(pexpect.EOF)
    finally:
        child.close(force=True)
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=20000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--workdir", type=Path, default=Path(tempfile.gettempdir()) / "five-star-launch-bench")
    args = parser.parse_args()
    args.workdir.mkdir(parents=True, exist_ok=True)

    seeds_db = args.workdir / "seeds.json"
    big_db = args.workdir / f"library-{args.articles}.json"
    build_seeds_library(seeds_db)
    build_big_library(big_db, args.articles, args.workdir)
    bare_script = args.workdir / "bare_app.py"
    bare_script.write_text(BARE_APP, encoding="utf-8")

    env = dict(os.environ, TERM="xterm-256color")
    targets = {
        "bare": ([sys.executable, str(bare_script)], "bare app ready"),
        "seeds": ([console_script(), "--db", str(seeds_db)], READY),
        f"{args.articles}": ([console_script(), "--db", str(big_db)], READY),
    }
    times: dict[str, list[float]] = {name: [] for name in targets}
    for run in range(args.runs):
        for name, (command, ready) in targets.items():
            seconds = time_launch(command, ready, env)
            times[name].append(seconds)
            print(json.dumps({"run": run, "target": name, "seconds": round(seconds, 3)}), flush=True)

    median = {name: statistics.median(values) for name, values in times.items()}
    big = f"{args.articles}"
    print(json.dumps({
        "median_seconds": {name: round(value, 3) for name, value in median.items()},
        "seeds_over_bare": round(median["seeds"] / median["bare"], 2),
        f"{big}_over_bare": round(median[big] / median["bare"], 2),
        f"{big}_over_seeds": round(median[big] / median["seeds"], 2),
        "goal": f"{big} within 1.5x of seeds",
        "articles": {"seeds": count(seeds_db), big: count(big_db)},
    }), flush=True)


def count(db: Path) -> int:
    from five_star.store.library import Library

    with Library.open(db) as library:
        return len(library.articles())


if __name__ == "__main__":
    main()
