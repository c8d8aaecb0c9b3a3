"""How fast the app answers keys on a big library: group operations, and keys pressed during a big export.

    python benchmarks/interaction_bench.py [--articles 20000] [--runs 3] [--workdir DIR]

The installed ``five-star-tui`` runs in a real pseudo-terminal (140×40) on a generated library (built
once, as by ``launch_bench.py``, and kept in the work folder). A key is *answered* when the text it
brings on screen has arrived from the terminal, so each time covers the key's handling and the redraw:

- ``expand``: `l` on the city → program group with the most articles (the first article appears);
- ``collapse``: `h` on it again (the detail pane describes the group again);
- ``last`` / ``first``: `G` and `g` on the top level (the pane describes the last, then the first group);
- ``select_all`` / ``clear``: `A` and `U` (the status line says how many are selected).

Then all figures of the library are exported to CSV (through the dialog, as a person would) and,
while the export runs, `j` and `k` are pressed in turn, each as soon as the one before was answered
(the pane describes the first city, then the second). Each key's answer time is reported, with the
export's own duration. Goals (issue 9, items 8 and 9): group operations under 100 ms, and keys
answered within 100 ms during the export. Prints one JSON line per run, then a summary line.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

import pexpect

sys.path.insert(0, str(Path(__file__).resolve().parent))
from launch_bench import READY, build_big_library, console_script

from five_star.store.library.library import Library
from five_star.store.query.browse import BrowseIndex, Grouping

SIZE = (40, 140)
SHIFT_TAB, DOWN = "\x1b[Z", "\x1b[B"
STYLE = r"\x1b\[[\d;]*m"  # a colour change between two parts of a line


def pane_says(count: int) -> str:
    """The detail pane's line for a group of ``count`` articles (not a longer number ending so)."""
    return rf"(?<![\d,]){count:,} articles · "


class Session:
    """One app in a pseudo-terminal, with a clock on each key."""

    def __init__(self, db: Path, env: dict[str, str]) -> None:
        self.child = pexpect.spawn(console_script(), ["--db", str(db)], env=env, dimensions=SIZE,
                                   encoding="utf-8", codec_errors="replace", timeout=120)
        self.child.delaybeforesend = None  # pexpect waits 50 ms before each send unless told not to
        self.child.expect(READY)

    def wait_until_read(self) -> None:
        """Export refuses while the articles are still being read, so `e` tells when they have been."""
        while True:
            self.child.send("e")
            if self.child.expect(["Save to", "still being read"]) == 0:
                self.child.send("\x1b")  # close the dialog
                self.quiet()
                return
            time.sleep(0.5)

    def key(self, key: str, answer: str) -> float:
        """Send ``key``; seconds until ``answer`` (a pattern) is on screen."""
        started = time.perf_counter()
        self.child.send(key)
        self.child.expect(answer)
        return time.perf_counter() - started

    def quiet(self, seconds: float = 0.3) -> None:
        """Let the screen settle: read until nothing has been drawn for ``seconds``."""
        while True:
            try:
                self.child.read_nonblocking(1 << 16, timeout=seconds)
            except pexpect.TIMEOUT:
                return

    def close(self) -> None:
        self.child.send("\x11")  # ctrl+q quits from anywhere
        self.child.expect(pexpect.EOF)
        self.child.close(force=True)


def biggest_program(index: BrowseIndex) -> tuple[int, int, str, str]:
    """(city line, program line under it, program, first article's label) of the biggest city → program."""
    best, size = (0, 0, "", ""), -1
    for city_line, city in enumerate(index.top(Grouping.CITY)):
        for program_line, program in enumerate(index.middle(Grouping.CITY, city.name)):
            if program.count > size:
                first = index.articles[index.leaves(Grouping.CITY, city.name, program.name)[0]]
                best, size = (city_line, program_line, program.name, first.label), program.count
    return best


def biggest_size(index: BrowseIndex) -> int:
    city_line, program_line, _, _ = biggest_program(index)
    city = index.top(Grouping.CITY)[city_line].name
    return index.middle(Grouping.CITY, city)[program_line].count


def group_operations(session: Session, index: BrowseIndex) -> dict[str, float]:
    tops = index.top(Grouping.CITY)
    city_line, program_line, program, label = biggest_program(index)
    times: dict[str, float] = {}
    times["last"] = session.key("G", pane_says(tops[-1].count))
    times["first"] = session.key("g", pane_says(tops[0].count))
    session.quiet()
    times["select_all"] = session.key("A", rf"(?<![\d,]){len(index):,} selected")
    session.quiet()
    times["clear"] = session.key("U", r"(?<![\d,])0 selected")
    session.quiet()
    session.child.send("j" * city_line + "l" + "j" * (program_line + 1))  # onto the program, its city open
    session.quiet()
    # The label as the tree draws it: its first few characters, free of anything a regex would read.
    times["expand"] = session.key("l", re.escape(label.strip()[:6]))
    session.quiet()
    times["collapse"] = session.key("h", rf"▶ (?:{STYLE})*{re.escape(program)}")
    session.quiet()
    session.child.send("hhg")  # up to the city, close it, back to the top
    session.quiet()
    return times


def export_while_typing(session: Session, index: BrowseIndex, out: Path) -> dict[str, object]:
    tops = index.top(Grouping.CITY)
    session.key("e", "Save to")
    session.quiet()
    session.child.send(SHIFT_TAB)  # to the format choice
    session.quiet()
    session.child.send(DOWN + " ")  # the second format: figures CSV
    session.quiet()
    session.child.send("\t")  # back to the path, which selects it: typing replaces it
    session.quiet()
    session.child.send(str(out))
    session.quiet()
    started = time.perf_counter()
    session.child.send("\r")
    # Keys sent in the same instant as the Enter would still reach the dialog's path field (the dialog
    # closes a few messages later): give it a moment to close.
    time.sleep(0.2)
    answers: list[float] = []
    finished = None
    step = 0
    done = r"Exported [\d,]+ figures"
    while finished is None:
        key, count = ("j", tops[1].count) if step % 2 == 0 else ("k", tops[0].count)
        pressed = time.perf_counter()
        session.child.send(key)
        while True:
            which = session.child.expect([pane_says(count), done])
            if which == 1:
                finished = time.perf_counter() - started
                continue  # the key's own answer is still to come
            answers.append(time.perf_counter() - pressed)
            break
        step += 1
    if step % 2:
        session.key("k", pane_says(tops[0].count))
    return {
        "export_s": round(finished, 3),
        "keys_answered": len(answers),
        "key_median_ms": ms(statistics.median(answers)),
        "key_max_ms": ms(max(answers)),
        "key_p95_ms": ms(sorted(answers)[round(0.95 * (len(answers) - 1))]),
        "rows": sum(1 for _ in out.open(encoding="utf-8-sig")) - 1,
    }


def ms(seconds: float) -> float:
    return round(seconds * 1000, 1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=20000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--workdir", type=Path, default=Path(tempfile.gettempdir()) / "five-star-launch-bench")
    args = parser.parse_args()
    args.workdir.mkdir(parents=True, exist_ok=True)
    db = args.workdir / f"library-{args.articles}.json"
    build_big_library(db, args.articles, args.workdir)
    with Library.open(db) as library:
        index = BrowseIndex.of(library.articles())

    runs: list[dict[str, object]] = []
    for run in range(args.runs):
        with tempfile.TemporaryDirectory() as home:
            # Fresh settings each run, so the dialog starts on the articles format as this script expects.
            env = dict(os.environ, TERM="xterm-256color", XDG_CONFIG_HOME=home, FIVE_STAR_CONFIG=home)
            session = Session(db, env)
            try:
                session.wait_until_read()
                session.quiet()
                result: dict[str, object] = {"run": run}
                result.update({name: ms(t) for name, t in group_operations(session, index).items()})
                result["export"] = export_while_typing(session, index, Path(home) / "figures.csv")
            finally:
                session.close()
        runs.append(result)
        print(json.dumps(result), flush=True)

    groups = ["expand", "collapse", "last", "first", "select_all", "clear"]
    summary = {
        "articles": len(index),
        "biggest_program": biggest_size(index),
        "group_ms_median": {name: statistics.median(float(r[name]) for r in runs) for name in groups},  # type: ignore[arg-type]
        "export_s_median": statistics.median(r["export"]["export_s"] for r in runs),  # type: ignore[index]
        "export_key_max_ms": max(r["export"]["key_max_ms"] for r in runs),  # type: ignore[index]
        "export_key_median_ms": statistics.median(r["export"]["key_median_ms"] for r in runs),  # type: ignore[index]
        "goal": "group operations < 100 ms; keys answered within 100 ms during the export",
    }
    print(json.dumps(summary), flush=True)


if __name__ == "__main__":
    main()
