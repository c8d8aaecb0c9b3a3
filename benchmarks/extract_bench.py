"""Extract throughput (MB/s of raw page text) on a synthetic corpus recombined from the seed pages.

    python benchmarks/extract_bench.py [--mb 2] [--seed 7]

Pages are built by shuffling the seeds' blank-line-separated blocks across pages and varying the
numbers in them, so splitting and extraction see realistic but not identical text. Runs on one core
(a single process) and prints one JSON line per measurement. The goal (issue 2/3): at least 1 MB/s.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import time

from five_star.seeds import seed_paths
from five_star.store import pipeline
from five_star.store.reading.repair import repair_line
from five_star.store.splitting.split import split_lines


def synthetic_pages(megabytes: float, seed: int) -> list[tuple[str, str]]:
    rng = random.Random(seed)
    seeds = [p.read_text(encoding="utf-8") for p in seed_paths()]
    blocks = [b for text in seeds for b in re.split(r"\n\s*\n", text) if b.strip()]
    target = int(megabytes * 1024 * 1024)
    pages, size = [], 0
    while size < target:
        if rng.random() < 0.5:
            text = rng.choice(seeds)  # whole pages keep the real multi-article structure
        else:
            text = "\n\n".join(rng.sample(blocks, k=min(len(blocks), rng.randint(8, 40))))
        text = re.sub(r"\d+", lambda m: str(rng.randint(1, 9999)), text)
        pages.append((f"synthetic_{len(pages):05d}.txt", text))
        size += len(text.encode("utf-8"))
    return pages


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=float, default=2.0, help="corpus size in MB of UTF-8 text")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()

    pages = synthetic_pages(args.mb, args.seed)
    megabytes = sum(len(text.encode("utf-8")) for _, text in pages) / 1024 / 1024
    pipeline.extract_text(*reversed(pages[0]))  # load dictionaries, gazetteer and OpenCC once, untimed

    started = time.perf_counter()
    for _name, text in pages:
        split_lines([""] + [repair_line(line).text for line in pipeline.split_raw_lines(text)])
    repair_split = time.perf_counter() - started

    started = time.perf_counter()
    articles = sum(len(pipeline.extract_text(text, name).articles) for name, text in pages)
    full = time.perf_counter() - started

    for metric, seconds in (("repair+split", repair_split), ("extract (full pipeline)", full)):
        print(json.dumps({
            "metric": metric,
            "pages": len(pages),
            "articles": articles,
            "megabytes": round(megabytes, 3),
            "seconds": round(seconds, 3),
            "mb_per_s": round(megabytes / seconds, 3),
        }, ensure_ascii=False))


if __name__ == "__main__":
    main()
