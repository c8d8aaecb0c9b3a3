"""What reprint detection (``store/library/stories.py``) adds to an ingest: ms per article, at 20,000 articles.

    python benchmarks/stories_bench.py [--articles 20000] [--seed 1]

Two libraries of article rows, each page's rows given to ``StoryIndex.assign_page`` as the library's
write path does, timed alone (extraction and storage are what they were without it):

- ``generated``: the seed pages' articles with places, numbers and programs varied as
  ``benchmarks/library_gen.py`` varies whole pages (applied to the extracted articles, so the benchmark
  runs in seconds rather than extracting 20,000 articles). Every variant keeps its seed article's
  wording, so nearly all of them are found to be one story with it: the costliest case, since every
  article has candidates whose sketches are compared.
- ``mixed``: articles of 4 to 16 sentences drawn at random from the seeds and the development corpus:
  mostly different stories, sharing boilerplate phrases.

Also timed: reading the index back from its ``stories`` rows (what an ingest does first), and the size
of those rows as JSON (what the library file grows by). CPU time is reported beside the wall clock: on a
shared machine the second is mostly other processes' time. Measured at 20,000 articles on 2 cores shared
with four other busy processes (load 6): generated 0.38 ms of CPU per article (7.6 s; 8.7 s wall), mixed
0.35 ms (7.1 s; 9.2 s wall); reading the index back 0.4 s; the rows 9.4–10.2 MB of JSON.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import random
import re
import sys
import time
from pathlib import Path

from five_star.seeds import seed_paths
from five_star.store.library.stories import StoryIndex
from five_star.store.model import Article
from five_star.store.pipeline import extract_paths, extract_text

HERE = Path(__file__).resolve().parent
_SENTENCE = re.compile("[^。！？\n]+[。！？]?")


def library_gen():
    spec = importlib.util.spec_from_file_location("library_gen", HERE / "library_gen.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["library_gen"] = module
    spec.loader.exec_module(module)
    return module


def seed_pages() -> list[list[Article]]:
    return [page.articles for page in extract_paths(seed_paths()) if hasattr(page, "articles")]


def generated(count: int, seed: int) -> list[list[dict]]:
    gen, rng = library_gen(), random.Random(seed)
    pages, made = seed_pages(), 0
    out: list[list[dict]] = []
    while made < count:
        articles = pages[rng.randrange(len(pages))]
        key = f"gen_{len(out):06d}"
        rows = []
        for article in articles:
            text = gen.vary_programs(gen.vary_numbers(gen.vary_places(article.text, rng), rng), rng)
            rows.append({**article.to_dict(), "id": f"{key}-{article.id}", "text": text, "page": key})
        out.append(rows)
        made += len(rows)
    return out


def mixed(count: int, seed: int) -> list[list[dict]]:
    rng = random.Random(seed)
    corpus = sorted((HERE.parent / "tests" / "corpus").glob("**/pages/*.txt"))
    texts = [a.text for page in seed_pages() for a in page]
    texts += [a.text for path in corpus for a in extract_text(path.read_text(encoding="utf-8"), path.name).articles]
    sentences = [s for text in texts for s in _SENTENCE.findall(text) if len(s) >= 8]
    out: list[list[dict]] = []
    for number in range(0, count, 4):
        key = f"mix_{number:06d}"
        out.append([
            {"id": f"{key}-{n}", "text": "".join(rng.choices(sentences, k=rng.randint(4, 16))), "page": key}
            for n in range(4)
        ])
    return out


def run(name: str, pages: list[list[dict]]) -> None:
    articles = sum(len(rows) for rows in pages)
    index = StoryIndex()
    started, cpu = time.perf_counter(), time.process_time()
    stored = [row for rows in pages for row in index.assign_page(rows)]
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    stories = len({row["story"] for row in stored})
    started = time.perf_counter()
    StoryIndex.from_rows(stored)
    loading = time.perf_counter() - started
    size = sum(len(json.dumps(row, ensure_ascii=False)) for row in stored) / 1e6
    print(json.dumps({
        "library": name, "articles": articles, "stories": stories, "seconds": round(seconds, 2),
        "cpu_seconds": round(cpu, 2), "cpu_ms_per_article": round(cpu / articles * 1000, 3), "load_seconds": round(loading, 2),
        "rows_mb": round(size, 1),
    }))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=int, default=20000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    run("generated", generated(args.articles, args.seed))
    run("mixed", mixed(args.articles, args.seed))


if __name__ == "__main__":
    main()
