"""HTML page throughput against the same pages saved as text (issue "Real pages", deliverable 4).

    python benchmarks/html_bench.py [--pages 60] [--seed 7] [--huge]

Builds N saved HTML pages from the seeds with the three templates of tests/test_html_pages.py (county CMS,
GBK portal, WeChat), each seed's numbers varied so no two pages are alike, and writes the same text as .txt
beside them. Times reading alone and reading+extraction (``extract_paths``) for both, on one core, and prints
one JSON line per measurement; ``mb_per_s`` is megabytes of extracted page text (what the reader hands the
pipeline) per second, the goal being at least 1 MB/s. ``--huge`` adds the bound on hostile input: a page of
navigation links just under the element limit (extracted, then refused as having no main text) and one of
20 MB (refused after parsing), with their time and peak memory.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests"))

from test_html_pages import TEMPLATES, _navigation_only, seed_lines  # noqa: E402

from five_star.seeds import seed_paths  # noqa: E402
from five_star.store.model import Page  # noqa: E402
from five_star.store.pipeline import extract_paths  # noqa: E402
from five_star.store.reading import html as html_reading  # noqa: E402
from five_star.store.reading.read import RawPage, read_pages  # noqa: E402


def build_pages(folder: Path, count: int, seed: int) -> tuple[Path, Path]:
    """``count`` HTML pages in folder/html and their text twins in folder/txt."""
    rng = random.Random(seed)
    seeds = [seed_lines(path) for path in seed_paths()]
    html_dir, txt_dir = folder / "html", folder / "txt"
    html_dir.mkdir()
    txt_dir.mkdir()
    for n in range(count):
        template = TEMPLATES[n % len(TEMPLATES)]
        lines = [re.sub(r"\d+", lambda m: str(rng.randint(1, 9999)), line) for line in seeds[n // len(TEMPLATES) % len(seeds)]]
        page = template.build(lines).encode(template.charset, errors="xmlcharrefreplace")
        (html_dir / f"{n:04d}.html").write_bytes(page)
        (txt_dir / f"{n:04d}.txt").write_text("\n".join(lines), encoding="utf-8")
    return html_dir, txt_dir


def timed_read(folder: Path) -> tuple[float, float, float]:
    """(seconds, MB of files, MB of page text) for reading every page of ``folder``."""
    started = time.perf_counter()
    pages = [page for page in read_pages([folder]) if isinstance(page, RawPage)]
    seconds = time.perf_counter() - started
    files = sum(page.path.stat().st_size for page in pages) / 1e6
    text = sum(len(page.text.encode("utf-8")) for page in pages) / 1e6
    return seconds, files, text


def timed_extract(folder: Path) -> tuple[float, int]:
    started = time.perf_counter()
    articles = sum(len(page.articles) for page in extract_paths([folder]) if isinstance(page, Page))
    return time.perf_counter() - started, articles


def report(metric: str, seconds: float, files_mb: float, text_mb: float, **extra: object) -> None:
    print(json.dumps({
        "metric": metric,
        "seconds": round(seconds, 3),
        "file_mb": round(files_mb, 3),
        "text_mb": round(text_mb, 3),
        "mb_per_s": round(text_mb / seconds, 3),
        **extra,
    }, ensure_ascii=False))


def links_page(links: int) -> bytes:
    """A page that is nothing but a list of ``links`` links: two elements each."""
    items = "".join(f'<li><a href="/news/{n}.html">第{n}条 县委召开专题会议研究部署工作</a></li>\n' for n in range(links))
    return f"<html><head><title>新闻列表</title></head><body><ul>{items}</ul></body></html>".encode()


def huge_pages(folder: Path) -> None:
    """Time and peak memory (the process's, lxml's included) of the hostile pages, each read in a fresh process."""
    import subprocess

    pages = {
        # just under the element limit: the most work a page of links can make (extracted, then found empty)
        "links-at-element-limit": links_page(html_reading.MAX_HTML_ELEMENTS // 2 - 10),
        "links-20mb": _navigation_only(20.0),  # refused after parsing
    }
    # VmHWM, not ru_maxrss: Linux carries ru_maxrss over from the parent through fork and exec
    baseline = (
        "import json, re, time, pathlib\nfrom five_star.store.reading.read import read_page\n"
        "def peak_mb(): return int(re.search(r'VmHWM:\\s*(\\d+)', open('/proc/self/status').read()).group(1)) // 1024\n"
    )
    for name, data in pages.items():
        path = folder / f"{name}.html"
        path.write_bytes(data)
        code = baseline + (
            f"started = time.perf_counter(); result = read_page(pathlib.Path({str(path)!r}))\n"
            "print(json.dumps({'seconds': round(time.perf_counter() - started, 2),"
            " 'peak_rss_mb': peak_mb(),"
            " 'result': getattr(result, 'reason', 'read')}, ensure_ascii=False))\n"
        )
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
        print(json.dumps({"metric": f"hostile: {name}", "file_mb": round(len(data) / 1e6, 2), **json.loads(out)}, ensure_ascii=False))
    empty = subprocess.run([sys.executable, "-c", baseline + "import trafilatura\nprint(peak_mb())"], capture_output=True, text=True, check=True).stdout
    print(json.dumps({"metric": "baseline: a process that imported the reader and trafilatura", "peak_rss_mb": int(empty)}))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=60, help="HTML pages to build (and as many text twins)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--huge", action="store_true", help="also time the hostile pages (two subprocesses)")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        html_dir, txt_dir = build_pages(Path(tmp), args.pages, args.seed)
        list(extract_paths([txt_dir / "0000.txt", html_dir / "0000.html"]))  # imports, dictionaries, OpenCC: untimed

        for kind, folder in (("html", html_dir), ("txt", txt_dir)):
            seconds, files_mb, text_mb = timed_read(folder)
            report(f"{kind}: read", seconds, files_mb, text_mb, pages=args.pages)
            seconds, articles = timed_extract(folder)
            report(f"{kind}: read+extract", seconds, files_mb, text_mb, pages=args.pages, articles=articles)
        if args.huge:
            huge_pages(Path(tmp))


if __name__ == "__main__":
    main()
