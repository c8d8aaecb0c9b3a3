"""Library benchmark on a synthetic library: ingest MB/s, open time, search latency against brute force, RSS.

    python benchmarks/library_bench.py [--articles 20000] [--seed 1] [--workdir DIR] [--repeat 5] [--reuse]

Prints one JSON line per figure. Phases run in separate processes so each RSS is that phase's own peak:
``ingest`` (what `five-star-tui ingest` costs) and ``browse`` (what the app costs: open the library, read
every article, build the search index, answer queries). Brute force is a substring scan over the same
pre-folded texts (``SearchIndex.scanning()``: the same object without its index), in the same process,
giving the same ranked hits (checked), timed interleaved with the index query by query. Queries are also
reported split into selective ones (at most 5% of the library) and broad ones: a query that matches most
of the library has to produce every hit either way, which bounds its speedup.

Goals at 20,000 articles (issue 4): open <= 1 s; search p95 <= 30 ms and >= 5x faster than brute force;
ingest >= 1 MB/s; RSS <= 400 MB.
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import time
from functools import partial
from pathlib import Path

from five_star.store.library.ingest import ingest

HERE = Path(__file__).resolve().parent

# A fixed mix of what people type: places, programs, people, phrases, numbers, filters, misses.
QUERIES = [
    "漯河", "舞阳县", "驻马店", "郑州", "周口市", "信阳", "南阳 乡村振兴", "红色物业", "乡村振兴", "人居环境",
    "五星支部", "“五星”支部", "五星 支部 创建", '"党群服务中心"', "志愿服务", "网格员", "集体经济收入",
    "鄉村振興", "黨支部書記", "漯河红色物业", "产业兴旺星", "共建共享星", "村", "党建", "群众",
    "city:漯河", "city:郑州 program:红色物业", "kind:photo", "kind:photo city:驻马店", "county:舞阳",
    "unit:万元 value>=1000000", "value>=100万", "kind:money value<1000", "unit:人次", "-city:漯河 红色物业",
    "乡村振兴 -脱贫", "author:王远", "不存在的词语组合", "Ｗｉ－Ｆｉ", "2023年",
]


def emit(metric: str, value, **extra) -> None:
    print(json.dumps({"metric": metric, "value": value, **extra}, ensure_ascii=False), flush=True)


def rss_mb() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)  # KiB on Linux


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def ms(seconds: float) -> float:
    return round(seconds * 1000, 2)


# ---- phases (each in its own process) ------------------------------------------------------------------


def phase_ingest(pages: Path, library: Path) -> None:
    from five_star.store.library.ingest import PARALLEL_FROM_BYTES
    from five_star.store.library.library import Library
    from five_star.store.pipeline import extract_text

    paths = sorted(pages.glob("*.txt"))
    if sum(path.stat().st_size for path in paths) < PARALLEL_FROM_BYTES:
        # Extraction runs in this process: load its dictionaries once, untimed. A bigger ingest extracts in
        # worker processes, which load their own; loading them here too would only add ~200 MB to this one.
        extract_text(paths[0].read_text(encoding="utf-8"), paths[0].name)
    started = time.perf_counter()
    with Library.open(library) as lib:
        report = ingest(lib, paths)
    seconds = time.perf_counter() - started
    emit("ingest_mb_per_s", round(report.bytes_read / 1e6 / seconds, 3), goal=">= 1", seconds=round(seconds, 1),
         mb=round(report.bytes_read / 1e6, 1), pages=report.files_read, articles=report.articles_added,
         commits=report.batches, library_mb=round(library.stat().st_size / 1e6, 1))
    emit("ingest_rss_mb", rss_mb(), goal="<= 400", note="the storing process (TinyDB holds the whole library)")
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    emit("ingest_worker_rss_mb", round(children / 1024, 1), note="largest extraction process (big ingests only)")


def phase_browse(library: Path, repeat: int) -> None:
    from five_star.store.library.library import Library
    from five_star.store.query.search import SearchIndex, parse_query

    started = time.perf_counter()
    lib = Library.open(library)
    opened = time.perf_counter()
    articles = lib.articles()
    loaded = time.perf_counter()
    emit("open_s", round(loaded - started, 3), goal="<= 1", articles=len(articles),
         library_open_s=round(opened - started, 3), articles_s=round(loaded - opened, 3))

    started = time.perf_counter()
    index = SearchIndex(articles)
    usable = time.perf_counter()
    brute = index.scanning()  # the same folded texts and filter maps, no index: checks every article
    index.wait_until_indexed()
    emit("index_usable_s", round(usable - started, 3), note="SearchIndex(articles) returns: queries scan until indexed")
    emit("index_ready_s", round(time.perf_counter() - started, 3), note="background bigram index ready, incl. jieba load")

    parsed = {q: parse_query(q) for q in QUERIES}
    first_pass = []
    for q in parsed:  # also lets the GC move the freshly loaded library to its oldest generation
        t0 = time.perf_counter()
        found = index.search(q)
        first_pass.append(time.perf_counter() - t0)
        assert [(h.article_id, h.score) for h in found] == [(h.article_id, h.score) for h in brute.search(q)], q
    emit("search_first_pass_max_ms", ms(max(first_pass)), note="first run of each query, right after loading")

    timings: dict[str, dict[str, list[float]]] = {q: {"search": [], "match": [], "scan": []} for q in QUERIES}
    hits = {q: len(index.matching(query)) for q, query in parsed.items()}
    for _ in range(repeat):
        for q in QUERIES:
            for kind, run in (("search", partial(index.search, q)), ("match", partial(index.matching, parsed[q])),
                              ("scan", partial(brute.search, q))):
                t0 = time.perf_counter()
                run()
                timings[q][kind].append(time.perf_counter() - t0)

    broad = {q for q in QUERIES if hits[q] > 0.05 * len(articles)}
    for label, chosen in (("all", set(QUERIES)), ("selective", set(QUERIES) - broad), ("broad", broad)):
        search = [t for q in chosen for t in timings[q]["search"]]
        scan = [t for q in chosen for t in timings[q]["scan"]]
        match = [t for q in chosen for t in timings[q]["match"]]
        extra = {"queries": len(chosen), "hits_median": statistics.median(hits[q] for q in chosen)}
        emit(f"search_p50_ms[{label}]", ms(percentile(search, 0.5)), **extra)
        emit(f"search_p95_ms[{label}]", ms(percentile(search, 0.95)), goal="<= 30" if label == "all" else None)
        emit(f"match_p95_ms[{label}]", ms(percentile(match, 0.95)), note="index lookup + verification, unranked")
        emit(f"brute_force_p50_ms[{label}]", ms(percentile(scan, 0.5)))
        emit(f"brute_force_p95_ms[{label}]", ms(percentile(scan, 0.95)), note="same ranked hits, by scanning")
        emit(f"speedup_p95[{label}]", round(percentile(scan, 0.95) / percentile(search, 0.95), 1),
             goal=">= 5" if label == "all" else None)
        emit(f"speedup_p50[{label}]", round(percentile(scan, 0.5) / percentile(search, 0.5), 1))
    emit("browse_rss_mb", rss_mb(), goal="<= 400", note="library + articles + search index")


# ---- driver --------------------------------------------------------------------------------------------


def run_phase(*args: str) -> None:
    subprocess.run([sys.executable, __file__, *args], check=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--workdir", type=Path, default=None, help="keeps the generated pages between runs")
    parser.add_argument("--reuse", action="store_true", help="skip the ingest when the library is already there")
    parser.add_argument("--phase", choices=["ingest", "browse"], help=argparse.SUPPRESS)
    parser.add_argument("--pages", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--library", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.phase == "ingest":
        return phase_ingest(args.pages, args.library)
    if args.phase == "browse":
        return phase_browse(args.library, args.repeat)

    sys.path.insert(0, str(HERE))
    from library_gen import write_pages

    workdir = args.workdir or Path("/tmp") / f"five-star-bench-{args.articles}-{args.seed}"
    pages = workdir / "pages"
    if not pages.is_dir():
        write_pages(args.articles, pages, args.seed)
    library = workdir / "library.json"
    if not (args.reuse and library.exists()):
        for leftover in workdir.glob("library.json*"):
            leftover.unlink()
        run_phase("--phase", "ingest", "--pages", str(pages), "--library", str(library))
    run_phase("--phase", "browse", "--library", str(library), "--repeat", str(args.repeat))


if __name__ == "__main__":
    main()
