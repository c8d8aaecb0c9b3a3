"""The dashboard (`d`) and the figure explorer (`f`) at 20,000 articles: aggregation, and the real screens.

    python benchmarks/views_bench.py [--articles 20000] [--seed 1]

Generates the articles (benchmarks/library_gen.py pages, extracted), then times in-process:
the dashboard's city rows, one city's counties and the timeline; the figure rows' build, a few filters
and sorts; and, in the real app driven headless (Textual's pilot, 160×45), each screen from the key that
opens it to its first paint, and a sort key in the explorer to the repainted table. One JSON line per
measurement. Goals (issue 13): dashboard opens ≤ 300 ms; explorer of ~90,000 figures opens ≤ 500 ms; no
frame over 100 ms while scrolling and sorting (sorting runs in a worker: the key answers at once).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))

from helpers.library import generated_articles  # noqa: E402


def report(metric: str, seconds: float, **extra: object) -> None:
    print(json.dumps({"metric": metric, "ms": round(seconds * 1000, 1), **extra}, ensure_ascii=False))


def timed(metric: str, work, **extra: object):
    start = time.perf_counter()
    result = work()
    report(metric, time.perf_counter() - start, **extra)
    return result


def aggregation(articles) -> None:
    from five_star.store.query.dashboard import city_rows, county_rows, timeline
    from five_star.store.query.figure_rows import FigureRows

    rows = timed("dashboard: city rows", lambda: city_rows(articles), articles=len(articles))
    timed("dashboard: counties of the biggest city", lambda: county_rows(articles, rows[0].place))
    timed("dashboard: timeline", lambda: timeline(articles))
    figures = timed("figures: build rows", lambda: FigureRows(articles))
    report("figures: rows", 0, figures=len(figures))


async def screens(articles, workdir: Path) -> None:
    from textual.widgets import DataTable

    from five_star.seeds import seed_paths
    from five_star.store.library.ingest import ingest
    from five_star.store.library.library import Library
    from five_star.tui.app import FiveStarApp
    from five_star.tui.screens.dashboard import DashboardScreen
    from five_star.tui.screens.figures import FigureExplorer, FigureGrid

    db = workdir / "library.json"
    with Library.open(db) as library:
        ingest(library, seed_paths())
    app = FiveStarApp(db, export_dir=workdir)
    async with app.run_test(size=(160, 45)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        start = time.perf_counter()
        dashboard = DashboardScreen(articles)
        app.push_screen(dashboard)
        await until(pilot, lambda: any(table.row_count for table in dashboard.query(DataTable)))
        report("dashboard: open to its table", time.perf_counter() - start, articles=len(articles))
        app.pop_screen()
        await pilot.pause()
        start = time.perf_counter()
        explorer = FigureExplorer(articles)
        app.push_screen(explorer)
        await until(pilot, lambda: any(grid.order for grid in explorer.query(FigureGrid)))
        report("figures: open to its table", time.perf_counter() - start)
        await app.workers.wait_for_complete()  # the lookups a first filter needs, built after the table shows
        for key in ("s", "s", "S", "pagedown", "pagedown", "end"):
            start = time.perf_counter()
            await pilot.press(key)
            await app.workers.wait_for_complete()
            await pilot.pause()
            report(f"figures: key {key} to repaint", time.perf_counter() - start)


async def until(pilot, condition, timeout: float = 30) -> None:
    """Let the app run until ``condition`` holds: the screen's first table is on screen."""
    deadline = time.perf_counter() + timeout
    while not condition() and time.perf_counter() < deadline:
        await pilot.pause(0.005)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=20000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    articles = timed("generate and extract", lambda: generated_articles(args.articles, args.seed))
    aggregation(articles)
    with tempfile.TemporaryDirectory() as folder:
        asyncio.run(screens(articles, Path(folder)))


if __name__ == "__main__":
    main()
