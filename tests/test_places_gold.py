"""Places against the hand-made gold annotations of the seed pages (skips cleanly without ../shared).

``gold_articles`` gives each gold item with its article text, rebuilt from the item's raw line span
(t2s, pinyin annotations stripped, doubled bold characters collapsed, hard-wrapped lines rejoined) until the pipeline's extract_text
lands. tests/test_programs_gold.py uses it too.
"""

from __future__ import annotations

import re
from collections import defaultdict

from five_star.store.places import resolve_page_places, rules

_PINYIN = re.compile(r"\([a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü]+\)")


def _undouble(line: str) -> str:
    """Bold PDF text doubles every character (志志愿愿者者); real text never pairs them all."""
    pairs = len(line) >= 4 and len(line) % 2 == 0 and all(line[i] == line[i + 1] for i in range(0, len(line), 2))
    return line[::2] if pairs else line


def _span_text(item: dict, raw: str) -> tuple[str | None, str]:
    import opencc

    lines = [_undouble(line.strip()) for line in raw.split("\n")[item["first_line"] - 1 : item["last_line"]]]
    text = _PINYIN.sub("", opencc.OpenCC("t2s").convert("\n".join(lines))).replace("\ufffd", "")
    paragraphs = ["".join(line.strip() for line in block.split("\n")) for block in re.split(r"\n\s*\n", text)]
    paragraphs = [p.lstrip("#").strip() for p in paragraphs if p.strip()]
    if item["title"]:
        paragraphs = paragraphs[1:]  # the headline; the title is passed on its own
    return item["title"], "\n".join(paragraphs)


def gold_articles(gold: list[dict], shared_dir) -> list[tuple[dict, str | None, str]]:
    """(gold item, title, text) for every gold item, in gold order."""
    raws = {item["source"]: (shared_dir / "seeds" / item["source"]).read_text(encoding="utf-8") for item in gold}
    return [(item, *_span_text(item, raws[item["source"]])) for item in gold]


def resolved(gold, shared_dir):
    """PlaceResult per gold item, each page resolved together so captions get the page's city."""
    items = gold_articles(gold, shared_dir)
    by_page: dict[str, list[int]] = defaultdict(list)
    for index, (item, _, _) in enumerate(items):
        by_page[item["source"]].append(index)
    results: list = [None] * len(items)
    for indexes in by_page.values():
        page = resolve_page_places([(items[i][2], items[i][1]) for i in indexes])
        for i, result in zip(indexes, page):
            results[i] = result
    return [(item, result) for (item, _, _), result in zip(items, results)]


def test_city_right_for_at_least_24_of_26(gold, shared_dir):
    pairs = resolved(gold, shared_dir)
    wrong = [(i["source"], i["first_line"], r.city, i["city"]) for i, r in pairs if r.city != i["city"]]
    assert len(pairs) == 26
    assert len(wrong) <= 2, wrong


def test_counties_match_gold(gold, shared_dir):
    # Gold lists 源汇新区 as written; places gives the official 源汇区 (places.json county_aliases).
    official = {k: v for k, v in rules()["county_aliases"].items() if not k.startswith("_")}
    pairs = resolved(gold, shared_dir)
    wrong = [
        (i["source"], i["first_line"], r.counties, i["counties"])
        for i, r in pairs
        if r.counties != [official.get(c, c) for c in i["counties"]]
    ]
    assert len(wrong) <= 1, wrong

