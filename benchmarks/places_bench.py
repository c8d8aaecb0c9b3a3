"""Cost of the enrichment steps owned by places/programs/keywords, on the bundled seed pages.

    python benchmarks/places_bench.py [--repeat 20] [--loads 5]

Prints one JSON line per measurement:
- gazetteer load in a fresh process (median of --loads runs): CSV read, name index, trie regex;
- village index (built lazily, the first time an article settles a county or township);
- jieba dictionary with domain words (shared with keywords; paid once per process);
- throughput (MB/s of article text) of resolve_places, find_programs + stars + tallies, top_keywords,
  over the seed pages' extracted articles repeated --repeat times, on one core.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time

from five_star.seeds import seed_paths
from five_star.store.pipeline import extract_text

_LOAD = "import time; t=time.perf_counter(); from five_star.store.extraction.places import gazetteer; gazetteer(); print(time.perf_counter()-t)"


def _emit(**fields) -> None:
    print(json.dumps(fields, ensure_ascii=False))


def _fresh_process_load(runs: int) -> float:
    times = [float(subprocess.run([sys.executable, "-c", _LOAD], capture_output=True, text=True, check=True).stdout)
             for _ in range(runs)]  # fmt: skip
    return statistics.median(times)


def _timed(call) -> float:
    started = time.perf_counter()
    call()
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--loads", type=int, default=5)
    args = parser.parse_args()

    _emit(metric="gazetteer load (fresh process, median)", seconds=round(_fresh_process_load(args.loads), 3))

    from five_star.store.extraction.keywords import top_keywords
    from five_star.store.extraction.places import gazetteer, resolve_places
    from five_star.store.extraction.programs import (
        find_programs,
        find_star_counts,
        find_stars,
    )
    from five_star.store.extraction.vocabulary import domain_tokenizer

    gaz = gazetteer()
    _emit(metric="village index (lazy)", seconds=round(_timed(lambda: gaz.villages_in("")), 3))
    _emit(metric="jieba + domain words (lazy, shared)", seconds=round(_timed(domain_tokenizer), 3))
    top_keywords("预热")

    articles = [a for path in seed_paths() for a in extract_text(path.read_text(encoding="utf-8"), path.name).articles]
    corpus = [(a.title, a.text) for a in articles] * args.repeat
    megabytes = sum(len((t or "").encode()) + len(x.encode()) for t, x in corpus) / 1024 / 1024

    def programs_all():
        for title, text in corpus:
            find_programs(text, title)
            find_stars(text)
            find_star_counts(text)

    steps = {
        "resolve_places": lambda: [resolve_places(text, title) for title, text in corpus],
        "programs + stars + tallies": programs_all,
        "top_keywords": lambda: [top_keywords(((title or "") + "\n" + text).strip()) for title, text in corpus],
    }
    for name, call in steps.items():
        seconds = _timed(call)
        _emit(metric=name, articles=len(corpus), megabytes=round(megabytes, 3), seconds=round(seconds, 3),
              mb_per_s=round(megabytes / seconds, 2))  # fmt: skip


if __name__ == "__main__":
    main()
