"""A synthetic library of about N articles, built from the seed pages; deterministic for a given seed.

    python benchmarks/library_gen.py 20000 OUTDIR [--seed 1]

Each page is a seed page with its places, numbers and programs varied: every city (full or short form)
becomes another Henan city and each county a county of that city, Arabic numbers are redrawn at the
same order of magnitude (years are kept), and program names are swapped for other program names. The
pages therefore split, resolve and extract like real ones, but hold different facts. Page count is
chosen from the number of articles each seed page yields.
"""

from __future__ import annotations

import argparse
import csv
import random
import re
from collections.abc import Iterator
from functools import lru_cache
from importlib.resources import files
from pathlib import Path

from five_star.seeds import seed_paths


@lru_cache(maxsize=1)
def gazetteer() -> tuple[list[str], dict[str, list[str]]]:
    """Prefecture cities, and the counties of each."""
    path = files("five_star.store") / "data" / "henan_divisions.csv"
    with path.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    cities = {row["code"]: row["name"] for row in rows if row["level"] == "city"}
    counties: dict[str, list[str]] = {name: [] for name in cities.values()}
    for row in rows:
        if row["level"] == "county" and row["parent_code"] in cities:
            counties[cities[row["parent_code"]]].append(row["name"])
    return sorted(counties), counties


@lru_cache(maxsize=1)
def program_names() -> list[str]:
    from five_star.store.extraction.programs import programs

    return [p.label for p in programs() if len(p.label) >= 4]


@lru_cache(maxsize=1)
def seed_pages() -> list[tuple[str, str, int]]:
    """(stem, text, articles it yields) for each seed page."""
    from five_star.store.pipeline import extract_text

    out = []
    for path in seed_paths():
        text = path.read_text(encoding="utf-8")
        out.append((path.stem, text, len(extract_text(text, path.name).articles)))
    return out


def _short(name: str) -> str:
    return name[:-1] if name.endswith(("市", "县", "区")) and len(name) > 2 else name


def _place_pattern() -> re.Pattern:
    cities, counties = gazetteer()
    names = {n for n in cities} | {_short(n) for n in cities}
    names |= {n for c in counties.values() for n in c if len(n) >= 3}
    return re.compile("|".join(sorted(map(re.escape, names), key=len, reverse=True)))


_NUMBER = re.compile(r"\d+(?:\.\d+)?")


def vary_places(text: str, rng: random.Random) -> str:
    cities, counties = gazetteer()
    city = rng.choice(cities)
    pool = counties[city] or [city]
    chosen: dict[str, str] = {}

    def swap(match: re.Match) -> str:
        written = match.group()
        if written not in chosen:
            is_city = written in cities or written + "市" in cities
            target = city if is_city else rng.choice(pool)
            chosen[written] = target if written.endswith(("市", "县", "区")) else _short(target)
        return chosen[written]

    return _place_pattern().sub(swap, text)


def vary_numbers(text: str, rng: random.Random) -> str:
    def redraw(match: re.Match) -> str:
        written = match.group()
        if "." in written:
            return f"{rng.uniform(1, 10 ** len(written.split('.')[0])):.{len(written.split('.')[1])}f}"
        value = int(written)
        if 1900 <= value <= 2100 or len(written) > 9:
            return written  # years stay years
        low = 10 ** (len(written) - 1) if len(written) > 1 else 1
        return str(rng.randint(low, 10 ** len(written) - 1))

    return _NUMBER.sub(redraw, text)


def vary_programs(text: str, rng: random.Random) -> str:
    names = program_names()
    pattern = re.compile("|".join(map(re.escape, names)))
    mapping = dict(zip(names, rng.sample(names, len(names)), strict=True))
    return pattern.sub(lambda m: mapping[m.group()] if rng.random() < 0.5 else m.group(), text)


def generate_pages(articles: int, seed: int = 1, prefix: str = "gen") -> Iterator[tuple[str, str]]:
    """(file name, page text) until the pages hold about ``articles`` articles."""
    rng = random.Random(seed)
    pages = seed_pages()
    made = count = 0
    while made < articles:
        stem, text, yields = pages[rng.randrange(len(pages))]
        text = vary_programs(vary_numbers(vary_places(text, rng), rng), rng)
        yield f"{prefix}_{count:06d}_{stem}.txt", text
        made += yields
        count += 1


def write_pages(articles: int, folder: Path, seed: int = 1, prefix: str = "gen") -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, text in generate_pages(articles, seed, prefix):
        path = folder / name
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    return paths


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("articles", type=int)
    parser.add_argument("folder", type=Path)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    paths = write_pages(args.articles, args.folder, args.seed)
    print(f"wrote {len(paths)} pages to {args.folder}")


if __name__ == "__main__":
    main()
