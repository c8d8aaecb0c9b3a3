"""Throughput of ``find_figures`` on news text (MB/s of UTF-8 input, one core).

    python benchmarks/figures_throughput.py [--mb 10] [--repeat 3]

The corpus is the bundled seed pages' paragraphs, converted to simplified Chinese with pinyin
annotations and stray spaces removed (what the pipeline hands to ``find_figures``), repeated up to
``--mb`` megabytes. It is measured twice: one call per paragraph (as the pipeline calls it, per article)
and one call on the whole text. Goal, reported not asserted: at least 5 MB/s.

It also times adversarial inputs of 100,000 characters (long numeral runs, spaced numerals, endless
clauses, unclosed quotes): each must stay linear, well under a second, never minutes.
"""

from __future__ import annotations

import argparse
import json
import re
import time

from opencc import OpenCC

from five_star.seeds import seed_paths
from five_star.store.extraction.figures import figure_rules, find_figures

ADVERSARIAL = {
    "万万万…": "万" * 100_000,
    "一 一 一…": "一 " * 50_000,
    "一 百 一 百…": "一 百 " * 25_000,
    "五十 五十…": "五十 " * 33_000,
    "1111…": "1" * 100_000,
    "一个一个… after 每": "每" + "一个" * 50_000,
    "““““…": "“" * 100_000,
    "spaces then 3个": " " * 100_000 + "3个",
    "3-3-3-…": "3-" * 50_000,
}
PINYIN = re.compile(r"\([a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü]+\)")


def paragraphs() -> list[str]:
    to_simplified = OpenCC("t2s")
    out = []
    for path in seed_paths():
        for line in path.read_text(encoding="utf-8").splitlines():
            line = re.sub(r"[ \t\u3000]+", "", PINYIN.sub("", to_simplified.convert(line)))
            if line:
                out.append(line)
    return out


def best_rate(work, size: int, repeat: int) -> tuple[float, int]:
    """(MB/s of the fastest run, figures found)."""
    best, found = float("inf"), 0
    for _ in range(repeat):
        start = time.perf_counter()
        found = work()
        best = min(best, time.perf_counter() - start)
    return size / 1e6 / best, found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--mb", type=float, default=10.0, help="corpus size in MB (default: %(default)s)")
    parser.add_argument("--repeat", type=int, default=3, help="runs, fastest counts (default: %(default)s)")
    args = parser.parse_args(argv)

    start = time.perf_counter()
    figure_rules()
    load_ms = (time.perf_counter() - start) * 1000

    base = paragraphs()
    base_size = sum(len(p.encode("utf-8")) + 1 for p in base)
    corpus = base * max(1, round(args.mb * 1e6 / base_size))
    size = sum(len(p.encode("utf-8")) + 1 for p in corpus)
    whole = "\n".join(corpus)

    per_paragraph, found = best_rate(lambda: sum(len(find_figures(p)) for p in corpus), size, args.repeat)
    one_text, _ = best_rate(lambda: len(find_figures(whole)), size, args.repeat)
    worst = {}
    for name, text in ADVERSARIAL.items():
        start = time.perf_counter()
        find_figures(text)
        worst[name] = round(time.perf_counter() - start, 3)
    print(
        json.dumps(
            {
                "corpus_mb": round(size / 1e6, 2),
                "paragraphs": len(corpus),
                "figures": found,
                "rules_load_ms": round(load_ms, 1),
                "per_paragraph_mb_s": round(per_paragraph, 2),
                "whole_text_mb_s": round(one_text, 2),
                "adversarial_100k_chars_s": worst,
            },
            ensure_ascii=False,
        )
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
