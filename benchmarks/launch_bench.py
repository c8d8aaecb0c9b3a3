"""Time from launch to an interactive tree: the seeds library, a big generated library, a bare Textual app.

    python benchmarks/launch_bench.py [--articles 20000] [--runs 5] [--workdir DIR]

Each launch is the installed ``five-star-tui`` started in a real pseudo-terminal. Two times are taken:
``tree``, when the status line shows the article count (drawn in the same refresh as the populated
tree), and ``interactive``, when the first key pressed at that moment (`/`) has been answered (the
search box is drawn). A bare Textual app that draws one label, and answers a key by drawing another,
is timed the same way in the same run; each library's times are also given as ratios to it.

The big library is launched twice per run: ``-cold`` with no cached tree summaries (as right after
an ingest), then as usual. Runs are interleaved so that background load affects all alike. Prints one
JSON line per launch, then a summary line. The libraries are built once and kept in the work folder.
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

from five_star.store.query.browse import summary_cache_path

HERE = Path(__file__).resolve().parent
READY = r"[1-9][\d,]* articles ·"
BARE_APP = """
from textual.app import App
from textual.widgets import Label

class Bare(App):
    BINDINGS = [("slash", "answer")]

    def compose(self):
        yield Label("bare app ready")

    def action_answer(self):
        self.mount(Label("search: words"))

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


def time_launch(command: list[str], ready: str, env: dict[str, str]) -> tuple[float, float]:
    """Seconds from spawn until ``ready`` is on screen, and until a `/` pressed then is answered."""
    started = time.perf_counter()
    child = pexpect.spawn(command[0], command[1:], env=env, dimensions=(40, 140), encoding="utf-8",
                          codec_errors="replace", timeout=300)
    try:
        child.expect(ready)
        shown = time.perf_counter() - started
        child.send("/")
        child.expect("earch: words")  # the cursor may sit on the placeholder's first letter
        answered = time.perf_counter() - started
        child.send("\x11")  # ctrl+q quits whatever has focus
        child.expect(pexpect.EOF)
    finally:
        child.close(force=True)
    return shown, answered


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
    big = f"{args.articles}"
    targets = {
        "bare": ([sys.executable, str(bare_script)], "bare app ready"),
        "seeds": ([console_script(), "--db", str(seeds_db)], READY),
        f"{big}-cold": ([console_script(), "--db", str(big_db)], READY),
        big: ([console_script(), "--db", str(big_db)], READY),
    }
    times: dict[str, dict[str, list[float]]] = {name: {"tree": [], "interactive": []} for name in targets}
    for run in range(args.runs):
        for name, (command, ready) in targets.items():
            if name.endswith("-cold"):  # as after an ingest: no summaries cached for this library file yet
                summary_cache_path(big_db).unlink(missing_ok=True)
            shown, answered = time_launch(command, ready, env)
            times[name]["tree"].append(shown)
            times[name]["interactive"].append(answered)
            print(json.dumps({"run": run, "target": name, "tree": round(shown, 3), "interactive": round(answered, 3)}),
                  flush=True)

    summary: dict[str, object] = {"articles": {"seeds": count(seeds_db), big: count(big_db)}}
    for metric in ("tree", "interactive"):
        median = {name: statistics.median(values[metric]) for name, values in times.items()}
        summary[metric] = {
            "median_seconds": {name: round(value, 3) for name, value in median.items()},
            "seeds_over_bare": round(median["seeds"] / median["bare"], 2),
            f"{big}_over_bare": round(median[big] / median["bare"], 2),
            f"{big}_over_seeds": round(median[big] / median["seeds"], 2),
            f"{big}-cold_over_seeds": round(median[f"{big}-cold"] / median["seeds"], 2),
        }
    summary["goal"] = f"{big} within 1.5x of seeds"
    print(json.dumps(summary), flush=True)


def count(db: Path) -> int:
    from five_star.store.library.library import Library

    with Library.open(db) as library:
        return len(library.articles())


if __name__ == "__main__":
    main()
