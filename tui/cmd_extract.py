"""``five-star-tui extract``: pages in, article JSON Lines out; no library involved."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from five_star.seeds import seed_paths
from five_star.store.model import Page, Skipped
from five_star.store.pipeline import extract_paths
from five_star.store.sanitize import one_line, path_text


def run(args) -> int:
    paths = [Path(p) for p in args.paths] or seed_paths()
    pages = 0
    out = sys.stdout
    for result in extract_paths(paths):  # given no known hashes, it never answers Unchanged
        if isinstance(result, Skipped):
            print(f"five-star-tui: {one_line(path_text(result.message()))}", file=sys.stderr)
        elif isinstance(result, Page):
            pages += 1
            for article in result.articles:
                out.write(json.dumps(article.to_dict(), ensure_ascii=False) + "\n")
    out.flush()
    if pages == 0:
        print("five-star-tui: nothing could be read", file=sys.stderr)
        return 1
    return 0
