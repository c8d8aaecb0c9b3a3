"""Issue 12's goals at 20,000 and 100,000 articles, for this version beside another (the first release), in one run.

    python benchmarks/scale_bench.py --baseline /path/to/first-release-venv/bin/python \\
        [--sizes 20000 100000] [--runs 3] [--workdir /tmp/five-star-scale]

Each version runs from its own Python (this one: the Python running this script), on the same generated pages
(``library_gen.py``), each with its own libraries, built once and kept in the work folder (building is timed:
that is the bulk ingest). Then, per version and size:

- ``open``: ``Library.open`` plus reading every article, in a fresh process (median of ``--runs``), and its RSS;
- ``index``: building the search index there (wall and CPU seconds) and the RSS after it;
- ``app``: the installed ``five-star-tui`` in a real pseudo-terminal, cold (an empty cache folder, as after an
  ingest elsewhere) and warm (launched again): seconds to the tree, seconds from the tree until a search typed
  then is answered, then, while the app is still busy (building whatever it builds), a key every 0.3 s and its
  slowest answer, the CPU seconds until the app is idle, and its RSS when idle; the seeds library launched the
  same way gives the ratio;
- ``ingest into``: a copy of the library takes ``extra`` pages (about 4,000 articles): MB/s and the storing
  process's peak RSS;
- ``re-ingest``: the library's own pages again, all unchanged: seconds, beside reading and hashing those files.

Prints one JSON line per measurement and a table at the end.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import suppress
from pathlib import Path

HERE = Path(__file__).resolve().parent
READY = r"[1-9][\d,]* articles"
ANSWERED = r"[\d,]+ hits? for|no hits for"
QUERY = "漯河"


def emit(**fields) -> None:
    print(json.dumps(fields, ensure_ascii=False), flush=True)


def self_rss_mb() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def current_rss_mb(pid: int | str = "self") -> float:
    with open(f"/proc/{pid}/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return round(int(line.split()[1]) / 1024, 1)
    return 0.0


# ---- phases run by the version's own Python -------------------------------------------------------------


def _library_class():
    try:
        from five_star.store.library.library import Library
    except ImportError:  # the first release's flat layout
        from five_star.store.library import Library
    return Library


def _search_index_class():
    try:
        from five_star.store.query.search import SearchIndex
    except ImportError:
        from five_star.store.search import SearchIndex
    return SearchIndex


def phase_ingest(library: Path, pages: Path) -> None:
    import contextlib
    import io

    from five_star.tui.cli import main

    size = sum(path.stat().st_size for path in pages.rglob("*") if path.is_file())
    started = time.perf_counter()
    with contextlib.redirect_stdout(io.StringIO()):
        status = main(["--db", str(library), "ingest", str(pages)])
    seconds = time.perf_counter() - started
    print(json.dumps({"status": status, "seconds": seconds, "mb": size / 1e6, "rss_mb": self_rss_mb()}))


def phase_open(library: Path) -> None:
    started = time.perf_counter()
    articles = _library_class().open(library).articles()
    opened = time.perf_counter() - started
    rss_open = current_rss_mb()
    cpu = time.process_time()
    started = time.perf_counter()
    index = _search_index_class()(articles)
    index.wait_until_indexed()
    print(json.dumps({"articles": len(articles), "open_s": opened, "open_rss_mb": rss_open,
                      "index_s": time.perf_counter() - started, "index_cpu_s": time.process_time() - cpu,
                      "index_rss_mb": current_rss_mb()}))


def phase_hash(pages: Path) -> None:
    files = sorted(path for path in pages.rglob("*") if path.is_file())
    for _ in range(2):  # the second pass, with the files in the page cache, as an unchanged re-ingest finds them
        started = time.perf_counter()
        for path in files:
            hashlib.sha256(path.read_bytes()).hexdigest()
        seconds = time.perf_counter() - started
    print(json.dumps({"seconds": seconds}))


# ---- the driver -----------------------------------------------------------------------------------------


def run_phase(python: str, *args: str) -> dict:
    done = subprocess.run([python, __file__, "--phase", *args], check=True, capture_output=True, text=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def console_script(python: str) -> str:
    return str(Path(python).parent / "five-star-tui")


def copy_library(source: Path, target: Path) -> None:
    shutil.rmtree(target.parent, ignore_errors=True)
    target.parent.mkdir(parents=True)
    shutil.copyfile(source, target)
    pages = source.with_name(source.name + ".pages")
    if pages.is_dir():
        shutil.copytree(pages, target.with_name(target.name + ".pages"))


def cpu_seconds(pid: int) -> float:
    with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def launch(script: str, library: Path, cache: Path, config: Path) -> dict:
    import pexpect

    env = dict(os.environ, TERM="xterm-256color", FIVE_STAR_CACHE=str(cache), FIVE_STAR_CONFIG=str(config))
    started = time.perf_counter()
    child = pexpect.spawn(script, ["--db", str(library)], env=env, dimensions=(40, 140), encoding="utf-8",
                          codec_errors="replace", timeout=600)
    try:
        child.expect(READY)
        tree = time.perf_counter() - started
        cpu_at_tree = cpu_seconds(child.pid)
        child.send("/")
        child.expect("earch: words")  # the box is up (the cursor may sit on the placeholder's first letter)
        child.send(QUERY)
        child.expect(ANSWERED)
        answered = time.perf_counter() - started - tree
        child.send("\r")  # to the tree, so the keys below move its cursor
        slowest, quiet, keys = 0.0, 0, 0
        busy_until = time.perf_counter() + 300
        while quiet < 2 and time.perf_counter() < busy_until:
            started_at, cpu = time.perf_counter(), cpu_seconds(child.pid)
            time.sleep(1.0)  # how busy the app is on its own, with no key to answer
            if (cpu_seconds(child.pid) - cpu) / (time.perf_counter() - started_at) < 0.15:
                quiet += 1
                continue
            quiet = 0
            with suppress(pexpect.TIMEOUT, pexpect.EOF):  # what is already drawn is not an answer to the next key
                child.read_nonblocking(1 << 20, timeout=0)
            sent = time.perf_counter()
            child.send("jk"[keys % 2])  # down, up, down…: every key moves the cursor, so every key is drawn
            keys += 1
            with suppress(pexpect.TIMEOUT):  # not drawn within 5 s: counted as 5 s
                child.expect(r".+", timeout=5)  # the first bytes of the redraw that answers it
            slowest = max(slowest, time.perf_counter() - sent)
        result = {"tree_s": tree, "search_after_tree_s": answered, "slowest_key_while_busy_s": slowest,
                  "cpu_after_tree_s": cpu_seconds(child.pid) - cpu_at_tree, "idle_rss_mb": current_rss_mb(child.pid)}
        child.send("\x11")
        child.expect(pexpect.EOF)
    finally:
        child.close(force=True)
    return result


def measure(name: str, python: str, size: int, workdir: Path, runs: int) -> dict:
    pages = workdir / f"pages-{size}"
    library = workdir / f"{name}-{size}" / "library.json"
    results: dict = {"version": name, "articles_target": size}
    build = library.with_name("build.json")  # kept with the library: later runs reuse both
    if not library.exists():
        library.parent.mkdir(parents=True, exist_ok=True)
        build.write_text(json.dumps(run_phase(python, "ingest", "--library", str(library), "--pages", str(pages))))
    if build.exists():
        built = json.loads(build.read_text())
        results["build_mb_per_s"] = built["mb"] / built["seconds"]
        results["build_rss_mb"] = built["rss_mb"]
    results["library_mb"] = library.stat().st_size / 1e6
    store = library.with_name(library.name + ".pages")
    results["page_store_mb"] = sum(p.stat().st_size for p in store.rglob("*.gz")) / 1e6 if store.is_dir() else 0.0

    opens = [run_phase(python, "open", "--library", str(library)) for _ in range(runs)]
    results["articles"] = opens[0]["articles"]
    for key in ("open_s", "open_rss_mb", "index_s", "index_cpu_s", "index_rss_mb"):
        results[key] = statistics.median(run[key] for run in opens)

    script = console_script(python)
    seeds = workdir / f"{name}-seeds" / "library.json"
    if not seeds.exists():
        seeds.parent.mkdir(parents=True, exist_ok=True)
        from five_star.seeds import seed_paths

        subprocess.run([script, "--db", str(seeds), "ingest", *map(str, seed_paths())], check=True, stdout=subprocess.DEVNULL)
    for label, target in (("seeds", seeds), ("app", library)):
        cold, warm = [], []
        for _ in range(runs):
            with tempfile.TemporaryDirectory() as home:
                cold.append(launch(script, target, Path(home) / "cache", Path(home) / "config"))
                warm.append(launch(script, target, Path(home) / "cache", Path(home) / "config"))
        for kind, launches in (("cold", cold), ("warm", warm)):
            for key in launches[0]:
                results[f"{label}_{kind}_{key}"] = statistics.median(run[key] for run in launches)

    scratch = workdir / f"{name}-{size}-into" / "library.json"
    copy_library(library, scratch)
    into = run_phase(python, "ingest", "--library", str(scratch), "--pages", str(workdir / "extra"))
    results["ingest_into_mb_per_s"] = into["mb"] / into["seconds"]
    results["ingest_into_rss_mb"] = into["rss_mb"]
    again = run_phase(python, "ingest", "--library", str(scratch), "--pages", str(pages))
    hashing = run_phase(python, "hash", "--pages", str(pages))
    results["reingest_s"] = again["seconds"]
    results["reingest_rss_mb"] = again["rss_mb"]
    results["read_and_hash_s"] = hashing["seconds"]
    shutil.rmtree(scratch.parent)
    results = {key: round(value, 3) if isinstance(value, float) else value for key, value in results.items()}
    emit(**results)
    return results


GOALS = [  # (label, how to compute from one result, goal text)
    ("articles", lambda r: r["articles"], ""),
    ("library file MB (+ page store)", lambda r: f'{r["library_mb"]:.0f} (+{r["page_store_mb"]:.0f})', ""),
    ("open s", lambda r: r["open_s"], "≤ 1 at 20k, ≤ 4 at 100k"),
    ("open RSS MB", lambda r: r["open_rss_mb"], ""),
    ("search index build s (CPU s)", lambda r: f'{r["index_s"]:.1f} ({r["index_cpu_s"]:.1f})', ""),
    ("app RSS when idle MB", lambda r: r["app_warm_idle_rss_mb"], "≤ 2× file, ≤ 1200 at 100k"),
    ("app RSS / library file", lambda r: round(r["app_warm_idle_rss_mb"] / r["library_mb"], 2), "≤ 2"),
    ("warm launch to tree s", lambda r: r["app_warm_tree_s"], ""),
    ("warm launch / seeds", lambda r: round(r["app_warm_tree_s"] / r["seeds_warm_tree_s"], 2), "≤ 1.5 at 100k"),
    ("cold launch to tree s", lambda r: r["app_cold_tree_s"], "≤ 3"),
    ("search answered after tree s (warm)", lambda r: r["app_warm_search_after_tree_s"], "≤ 1"),
    ("CPU s after tree (warm)", lambda r: r["app_warm_cpu_after_tree_s"], ""),
    ("slowest key while busy s (warm)", lambda r: r["app_warm_slowest_key_while_busy_s"], "no lag"),
    ("bulk ingest MB/s (build)", lambda r: r.get("build_mb_per_s", "kept"), ""),
    ("ingest into it MB/s", lambda r: r["ingest_into_mb_per_s"], "≥ 1"),
    ("ingest into it RSS MB", lambda r: r["ingest_into_rss_mb"], "≤ 600"),
    ("re-ingest unchanged s", lambda r: r["reingest_s"], ""),
    ("re-ingest / read+hash", lambda r: round(r["reingest_s"] / r["read_and_hash_s"], 1), "≤ 5"),
]


def table(results: list[dict]) -> str:
    heads = [f'{r["version"]} {r["articles_target"] // 1000}k' for r in results]
    lines = ["| | " + " | ".join(heads) + " | goal |", "|---" * (len(heads) + 2) + "|"]
    for label, value, goal in GOALS:
        cells = []
        for r in results:
            try:
                cells.append(str(value(r)))
            except (KeyError, ZeroDivisionError):
                cells.append("–")
        lines.append(f"| {label} | " + " | ".join(cells) + f" | {goal} |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--baseline", help="the other version's Python (a venv with it installed)")
    parser.add_argument("--sizes", type=int, nargs="+", default=[20_000, 100_000])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--workdir", type=Path, default=Path(tempfile.gettempdir()) / "five-star-scale")
    parser.add_argument("--extra", type=int, default=4_000, help="articles ingested into each full library")
    parser.add_argument("--phase", choices=["ingest", "open", "hash"], help=argparse.SUPPRESS)
    parser.add_argument("--library", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--pages", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.phase == "ingest":
        return phase_ingest(args.library, args.pages)
    if args.phase == "open":
        return phase_open(args.library)
    if args.phase == "hash":
        return phase_hash(args.pages)

    sys.path.insert(0, str(HERE))
    from library_gen import write_pages

    args.workdir.mkdir(parents=True, exist_ok=True)
    for size, folder, seed in [*((size, f"pages-{size}", 1) for size in args.sizes), (args.extra, "extra", 7)]:
        if not (args.workdir / folder).is_dir():
            write_pages(size, args.workdir / folder, seed)
    versions = [("this", sys.executable)] + ([("baseline", args.baseline)] if args.baseline else [])
    results = [measure(name, python, size, args.workdir, args.runs) for size in args.sizes for name, python in versions]
    print(table(results))


if __name__ == "__main__":
    main()
