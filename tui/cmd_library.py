"""``five-star-tui ingest | reindex | stats | search | export``: the library from the shell.

Tables and progress go through Rich, which writes plain text (no ANSI codes) when the output is not a
terminal; ``search`` then prints tab-separated lines for scripts. Article text is untrusted: it reaches
Rich only as ``Text`` (never parsed as markup) and with control characters stripped.
"""

from __future__ import annotations

import signal
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

from rich.console import Console
from rich.progress import (
    BarColumn,
    Progress,
    SpinnerColumn,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table
from rich.text import Text

from five_star.store.errors import FiveStarError
from five_star.store.export.formats import export_format
from five_star.store.library.ingest import ingest, reindex
from five_star.store.library.jsonl import split_inputs
from five_star.store.library.library import IngestReport, Library
from five_star.store.locations import default_library_path
from five_star.store.model import TIER_NAMES, Article
from five_star.store.query.browse import BrowseIndex, Group, Grouping, city_key, ranked_groups, refresh_cached_summaries
from five_star.store.query.service import QueryService
from five_star.store.reading.read import find_pages
from five_star.store.sanitize import one_line, path_text


def run(args) -> int:
    command = {"ingest": ingest_files, "reindex": reindex_library, "stats": stats, "search": search, "export": export}
    return command[args.command](args)


def library_path(args) -> Path:
    return Path(args.db).expanduser() if getattr(args, "db", None) else default_library_path()


def stdout_console() -> Console:
    return Console(highlight=False)


def stderr_console() -> Console:
    return Console(stderr=True, highlight=False)


def safe(text: object) -> Text:
    """Untrusted one-line text for Rich (a title, a path, a message naming one): never markup, no control
    characters, and bytes that are not UTF-8 (a file name's) shown as ``\\xNN`` instead of failing to print."""
    return Text(one_line(path_text("" if text is None else str(text))))


# ---- ingest and reindex --------------------------------------------------------------------------------


class IngestProgress:
    """A progress bar (files, articles, MB/s) on stderr; skipped files are announced as they happen."""

    def __init__(self, console: Console, total: int | None, verb: str) -> None:
        self.console = console
        self.started = time.monotonic()
        self.announced = 0
        self.bar = Progress(
            SpinnerColumn(),
            TextColumn("{task.description}"),
            BarColumn(),
            TextColumn("{task.completed}/{task.total} files" if total else "{task.completed} files"),
            TextColumn("{task.fields[articles]} articles"),
            TextColumn("{task.fields[speed]}"),
            TimeElapsedColumn(),
            console=console,
            disable=not console.is_terminal,
            transient=True,
        )
        self.task = self.bar.add_task(verb, total=total, articles=0, speed="")

    def __enter__(self) -> IngestProgress:
        self.bar.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self.bar.stop()

    def __call__(self, report: IngestReport) -> None:
        for path, reason in report.skipped[self.announced :]:
            # soft_wrap: one line each, never broken at the console's width (80 columns when not a terminal)
            self.console.print(safe(f"five-star-tui: skipped {path}: {reason}"), soft_wrap=True)
        self.announced = len(report.skipped)
        elapsed = max(time.monotonic() - self.started, 1e-6)
        speed = f"{report.bytes_read / 1e6 / elapsed:.2f} MB/s"
        self.bar.update(self.task, completed=report.files, articles=report.articles, speed=speed)


def count_files(paths: list[Path]) -> int:
    return sum(1 for item in find_pages(paths) if isinstance(item, Path))


def report_table(report: IngestReport, title: str, seconds: float) -> Table:
    table = Table(title=safe(title), show_header=False)  # the title holds the library path: never markup
    table.add_column("what")
    table.add_column("count", justify="right")
    rows = [
        ("files read", report.files_read),
        ("  of which unchanged", report.files_unchanged),
        ("articles added", report.articles_added),
        ("articles updated", report.articles_updated),
        ("articles unchanged", report.articles_unchanged),
        ("articles removed", report.articles_removed),
        ("duplicates of stored articles (kept once)", report.duplicates),
        ("files skipped", len(report.skipped)),
    ]
    for what, count in rows:
        table.add_row(what, f"{count:,}")
    table.add_row("MB read", f"{report.bytes_read / 1e6:.2f} ({report.bytes_read / 1e6 / max(seconds, 1e-6):.2f} MB/s)")
    return table


def skipped_table(report: IngestReport) -> Table:
    table = Table(title="Skipped files")
    table.add_column("file")
    table.add_column("reason")
    for path, reason in report.skipped:
        table.add_row(safe(path), safe(reason))
    return table


def print_report(report: IngestReport, title: str, seconds: float) -> None:
    out = stdout_console()
    out.print(report_table(report, title, seconds))
    if report.skipped:
        out.print(skipped_table(report))


class Terminated(BaseException):
    """SIGTERM during an ingest. Not an ``Exception``: the per-page ``except Exception`` that keeps one bad
    page from stopping a folder must not swallow it."""


def _terminated(signum: int, frame: object) -> None:
    signal.signal(signal.SIGTERM, signal.SIG_IGN)  # one stop is enough: a second must not cut the clean-up short
    raise Terminated


def ingest_files(args) -> int:
    """SIGTERM is a clean stop: the batches written before it stay (every write is atomic), the staged whole
    pages are written, the extraction processes end, and the exit is one line and status 1."""
    paths = [Path(p) for p in args.paths]
    err = stderr_console()
    started = time.monotonic()
    pages, rows = split_inputs(paths)
    total = None if rows else count_files(pages)  # a JSON Lines file's pages are known only once it is read
    previous = signal.signal(signal.SIGTERM, _terminated)
    try:
        with Library.open(library_path(args), read=False) as library:
            with IngestProgress(err, total, "ingesting") as progress:
                report = ingest(library, paths, progress=progress)
            title = f"Ingested into {library.path}"
    except Terminated:
        raise FiveStarError(
            "stopped by SIGTERM; the pages stored before it are kept (run the same ingest again to add the rest)"
        ) from None
    finally:
        signal.signal(signal.SIGTERM, previous)
    print_report(report, title, time.monotonic() - started)
    refresh_cached_summaries(library.path)
    if not report.files_read:
        err.print("five-star-tui: nothing could be read")
        return 1
    return 0


def reindex_library(args) -> int:
    """Exit 0 even when pages were skipped (stored text missing or damaged): they keep their articles, the
    library is whole, and the skipped pages are listed on stderr and in the report."""
    err = stderr_console()
    started = time.monotonic()
    with Library.open(library_path(args), create=False) as library:
        with IngestProgress(err, library.page_count, "re-extracting") as progress:
            report = reindex(library, progress=progress)
        title = f"Re-extracted {library.path}"
    print_report(report, title, time.monotonic() - started)
    refresh_cached_summaries(library.path)
    return 0


# ---- stats ---------------------------------------------------------------------------------------------


def count_table(title: str, heading: str, groups: list[Group], counted: str = "articles") -> Table:
    table = Table(title=title)
    table.add_column(heading)
    table.add_column(counted, justify="right")
    for group in groups:
        table.add_row(safe(group.name), f"{group.count:,}")
    return table


def largest_tallies(articles: list[Article], *, planned: bool) -> tuple[dict[str, dict[int, int]], Counter]:
    """Per city, the largest count reported for each tier, and how many tallies were reported: achieved
    ones, or (``planned``) goals, never the two together, since a goal is not a branch created. A story
    reprinted in several articles reports its tallies once."""
    largest: dict[str, dict[int, int]] = defaultdict(dict)
    reports: Counter = Counter()
    told: set[tuple[str, str]] = set()
    for article in articles:
        city = city_key(article)
        if (city, article.story) in told:
            continue
        told.add((city, article.story))
        for tally in article.star_counts:
            if tally.plan != planned:
                continue
            tiers = largest[city]
            tiers[tally.tier] = max(tiers.get(tally.tier, 0), tally.count)
            reports[city] += 1
    return largest, reports


def tallies_table(articles: list[Article], *, planned: bool = False) -> Table:
    """The largest count reported for each tier, per city: reports repeat and update each other, so they
    are never added up; planned tallies (拟创建…) have a table of their own."""
    largest, reports = largest_tallies(articles, planned=planned)
    if planned:
        table = Table(title="Planned star tallies per city", caption="largest count planned for each tier")
    else:
        table = Table(title="Star tallies per city", caption="largest count reported for each tier")
    table.add_column("city")
    for tier in sorted(TIER_NAMES, reverse=True):
        table.add_column(TIER_NAMES[tier], justify="right")
    table.add_column("reports", justify="right")
    for group in ranked_groups(reports.items()):
        tiers = largest[group.name]
        cells = [f"{tiers[t]:,}" if t in tiers else "" for t in sorted(TIER_NAMES, reverse=True)]
        table.add_row(safe(group.name), *cells, f"{group.count:,}")
    return table


def warn_of_corrections(library: Library, err: Console) -> None:
    """A damaged corrections file leaves the person's corrections out: say so once (call after reading)."""
    if library.corrections.problem:
        err.print(safe(f"five-star-tui: {library.corrections.problem}"), soft_wrap=True)


def stats(args) -> int:
    with Library.open(library_path(args), create=False) as library:
        articles = library.articles()
        warn_of_corrections(library, stderr_console())
        pages, path = library.page_count, library.path
    grouped = BrowseIndex.of(articles)
    out = stdout_console()
    counted = f"{len(articles):,} articles"
    noun = "articles"
    if len(grouped) < len(articles):  # reprints: the counts are of stories
        counted = f"{len(grouped):,} stories ({counted}, a story reprinted on several sites counted once)"
        noun = "stories"
    out.print(safe(f"{counted} from {pages:,} pages in {path}"), soft_wrap=True)
    out.print(count_table(f"{noun.capitalize()} per city", "city", grouped.top(Grouping.CITY), noun))
    out.print(count_table(f"{noun.capitalize()} per program", "program", grouped.top(Grouping.PROGRAM), noun))
    out.print(tallies_table(articles))
    if any(tally.plan for article in articles for tally in article.star_counts):
        out.print(tallies_table(articles, planned=True))
    return 0


# ---- search and export ---------------------------------------------------------------------------------


def matching_articles(library: Library, text: str, err: Console) -> list[Article]:
    """Articles matching ``text``, ranked (all of them for an empty query); a query with nothing usable is
    refused, and ignored parts of one are reported on stderr, as the app does in its status line."""
    articles = library.articles()
    warn_of_corrections(library, err)
    # One query: checking every article beats building an index.
    answer = QueryService(articles, indexed=False).answer(text)
    if answer.refused:
        raise FiveStarError(answer.problem)
    if answer.problem:
        err.print(safe(f"five-star-tui: {answer.problem}"))
    if answer.everything:
        return articles
    by_id = {a.id: a for a in articles}
    return [by_id[hit.article_id] for hit in answer.hits]


def search(args) -> int:
    err = stderr_console()
    with Library.open(library_path(args), create=False) as library:
        hits = matching_articles(library, args.query, err)
    if not hits:
        err.print(safe(f"five-star-tui: no articles match {args.query}"))
        return 1
    if sys.stdout.isatty():
        stdout_console().print(hits_table(hits))
    else:
        for article in hits:
            sys.stdout.write("\t".join(map(one_line, (article.label, article.city, article.source, article.id))) + "\n")
        sys.stdout.flush()
    return 0


def hits_table(hits: list[Article]) -> Table:
    table = Table(title=f"{len(hits):,} articles")
    table.add_column("title")
    table.add_column("city")
    table.add_column("source")
    for article in hits:
        table.add_row(safe(article.label), safe(article.city or ""), safe(article.source))
    return table


def export(args) -> int:
    if not args.output.strip():
        raise FiveStarError("no output file given (-o FILE)")
    fmt = export_format(args.format)
    target = Path(args.output).expanduser()
    if target.exists() and not args.force:
        raise FiveStarError(f"{target} already exists; add --force to overwrite it")
    err = stderr_console()
    with Library.open(library_path(args), create=False) as library:
        chosen = matching_articles(library, args.query, err)
        if args.query.strip():
            order = {a.id: n for n, a in enumerate(library.articles())}
            chosen.sort(key=lambda a: order[a.id])  # an export reads best in library order
    if not chosen:
        raise FiveStarError(f"no articles match {args.query}; nothing written")
    rows = fmt.writer(chosen, target)
    if not fmt.fits(target):
        err.print(safe(f"five-star-tui: note: {target.name} does not end in {fmt.suffix}, the usual ending for {fmt.name}"))
    err.print(safe(f"wrote {fmt.rows(rows)} ({fmt.name}) to {target}"))
    return 0
