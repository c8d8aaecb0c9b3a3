"""The one gold scorer: the real pipeline over the seed pages against the hand annotations.

``score(gold, articles)`` compares what ``five_star.store.pipeline.extract_paths(seed_paths())`` gives
(the same articles the library stores) with ``../shared/gold/seeds.jsonl`` (see ../shared/gold/README.md).
The gold tests (tests/test_*_gold.py) assert on it and ``benchmarks/gold_report.py`` prints it, so the
numbers a test checks and the numbers a person reads are one computation.

Pairing: a gold item pairs with the extracted item of the same source and the same line span; failing
that, with one whose both ends lie within one line (its boundary then counts as wrong, its fields are
still scored). An unpaired gold item scores every field wrong; an extracted item no gold item pairs
with is an extra item, and its programs, tallies and figures count as false positives.

Compared per item:

- boundaries: exact span and kind;
- title: equal once all whitespace is removed (gold keeps the page's spaces between headline parts);
- authors: the same names in the same order;
- city: the pipeline's own ``article.city``;
- counties: the same names in the same order (gold's ``源汇新区`` is read as the official ``源汇区``,
  the one call the gold README documents as "listed as written");
- stars: the same categories in the same order;
- programs: labels, micro-averaged precision, recall and F1;
- star tallies: (tier, count), and the two texts must overlap (one contains the other once normalised:
  gold may quote a longer stretch, such as ``全市创建“五星”支部70个`` for ``“五星”支部70个``);
- figures: multisets of (text, value, unit, qualifier). Gold ``text`` is the raw substring; it is
  compared after the normalisation the pipeline's cleaning applies to every page (OpenCC t2s, pinyin
  annotations such as ``優(yōu)`` dropped, all whitespace removed), so ``985 万元`` matches ``985万元``
  and ``兩大優(yōu)勢`` matches ``两大优势``, but a figure text cut short or run on does not.
"""

from __future__ import annotations

import json
import os
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from types import SimpleNamespace

REPO = Path(__file__).resolve().parents[2]
DEFAULT_SHARED = Path(os.environ.get("FIVE_STAR_SHARED") or REPO.parent / "shared")

# Gold lists 源汇新区 as written on the page; the official district (what the pipeline resolves to) is 源汇区.
GOLD_COUNTY_OFFICIAL = {"源汇新区": "源汇区"}

_PINYIN = re.compile(r"[(（][a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü]+[)）]")
_SPACE = re.compile(r"\s+")


@cache
def _t2s():
    from opencc import OpenCC

    return OpenCC("t2s")


def squash(text: str | None) -> str:
    return _SPACE.sub("", text or "")


def normalise(text: str | None) -> str:
    """Raw page text → the form the pipeline's cleaning gives it: simplified, no pinyin, no whitespace."""
    return squash(_PINYIN.sub("", _t2s().convert(text or "")))


def load_gold(shared: Path = DEFAULT_SHARED) -> list[dict]:
    with (shared / "gold" / "seeds.jsonl").open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def pipeline_articles(paths: Iterable[Path] | None = None) -> list:
    """Every article the real pipeline extracts from ``paths`` (the bundled seeds by default), in order."""
    from five_star.seeds import seed_paths
    from five_star.store.model import Page
    from five_star.store.pipeline import extract_paths

    results = list(extract_paths(list(paths) if paths is not None else seed_paths()))
    skipped = [r for r in results if not isinstance(r, Page)]
    assert not skipped, f"the pipeline did not extract every seed page: {skipped}"
    return [article for page in results for article in page.articles]


# ---- scores ---------------------------------------------------------------------------------------------


@dataclass
class FieldScore:
    """How many items have a field right; ``wrong`` holds (source, first_line, got, want) for the rest."""

    right: int = 0
    total: int = 0
    wrong: list[tuple] = field(default_factory=list)

    def add(self, ref: tuple[str, int], ok: bool, got, want) -> None:
        self.total += 1
        if ok:
            self.right += 1
        else:
            self.wrong.append((*ref, got, want))

    @property
    def rate(self) -> float:
        return self.right / self.total if self.total else 1.0

    def __str__(self) -> str:
        return f"{self.right}/{self.total}"


@dataclass
class MatchScore:
    """Multiset matching of extracted against gold things: precision, recall, F1; misses and extras listed."""

    tp: int = 0
    found: int = 0
    gold: int = 0
    misses: list[tuple] = field(default_factory=list)  # (source, first_line, gold thing)
    extras: list[tuple] = field(default_factory=list)  # (source, first_line, extracted thing)

    @property
    def fp(self) -> int:
        return self.found - self.tp

    @property
    def fn(self) -> int:
        return self.gold - self.tp

    @property
    def precision(self) -> float:
        return self.tp / self.found if self.found else 1.0

    @property
    def recall(self) -> float:
        return self.tp / self.gold if self.gold else 1.0

    @property
    def f1(self) -> float:
        return 2 * self.tp / (self.found + self.gold) if self.found + self.gold else 1.0

    def add(self, ref: tuple[str, int], got: Counter, want: Counter) -> None:
        self.found += sum(got.values())
        self.gold += sum(want.values())
        self.tp += sum((got & want).values())
        self.misses += [(*ref, key) for key in (want - got).elements()]
        self.extras += [(*ref, key) for key in (got - want).elements()]


@dataclass
class GoldScore:
    gold_items: int = 0
    extracted_items: int = 0
    paired: int = 0
    boundaries: FieldScore = field(default_factory=FieldScore)
    titles: FieldScore = field(default_factory=FieldScore)
    authors: FieldScore = field(default_factory=FieldScore)
    cities: FieldScore = field(default_factory=FieldScore)
    counties: FieldScore = field(default_factory=FieldScore)
    stars: FieldScore = field(default_factory=FieldScore)
    programs: MatchScore = field(default_factory=MatchScore)
    tallies: MatchScore = field(default_factory=MatchScore)
    figures: MatchScore = field(default_factory=MatchScore)  # (text, value, unit, qualifier)
    figure_values: MatchScore = field(default_factory=MatchScore)  # (value, unit) only: diagnosis
    extra_items: list[tuple] = field(default_factory=list)  # (source, first_line, last_line, kind)


def figure_key(text: str, value, unit: str | None, qualifier: str | None) -> tuple:
    return (normalise(text), None if value is None else round(float(value), 4), unit, qualifier)


# Stands in for the article a gold item did not get: every field empty.
MISSING = SimpleNamespace(
    first_line=0, last_line=0, kind=None, title=None, city=None,
    authors=[], counties=[], stars=[], programs=[], star_counts=[], figures=[],
)


def _get(thing, name: str):
    return thing[name] if isinstance(thing, dict) else getattr(thing, name)


def _figures(figures) -> Counter:
    return Counter(figure_key(_get(f, "text"), _get(f, "value"), _get(f, "unit"), _get(f, "qualifier")) for f in figures)


def _values(figures) -> Counter:
    return Counter(key[1:3] for key in _figures(figures).elements())


def _tallies(got: list, want: list[dict]) -> tuple[Counter, Counter]:
    """Tallies as (tier, count); an extracted one counts only if its text overlaps the gold text."""
    want_keys = Counter((t["tier"], t["count"]) for t in want)
    gold_texts: dict[tuple, list[str]] = {}
    for t in want:
        gold_texts.setdefault((t["tier"], t["count"]), []).append(normalise(t["text"]))
    got_keys: Counter = Counter()
    for t in got:
        key, text = (t.tier, t.count), normalise(t.text)
        overlaps = any(text in g or g in text for g in gold_texts.get(key, []))
        got_keys[key if overlaps else (*key, f"text {t.text!r} is not the gold tally's")] += 1
    return got_keys, want_keys


def _pair(item: dict, candidates: list) -> tuple[object | None, bool]:
    exact = [a for a in candidates if (a.first_line, a.last_line) == (item["first_line"], item["last_line"])]
    if exact:
        return exact[0], True
    near = [
        a for a in candidates
        if abs(a.first_line - item["first_line"]) <= 1 and abs(a.last_line - item["last_line"]) <= 1
    ]
    return (near[0], False) if near else (None, False)


def score(gold: list[dict], articles: list) -> GoldScore:
    result = GoldScore(gold_items=len(gold), extracted_items=len(articles))
    paired_ids: set[int] = set()
    for item in gold:
        ref = (item["source"], item["first_line"])
        candidates = [a for a in articles if a.source == item["source"] and id(a) not in paired_ids]
        article, exact = _pair(item, candidates)
        if article is not None:
            paired_ids.add(id(article))
            result.paired += 1
        got = article or MISSING
        result.boundaries.add(
            ref,
            article is not None and exact and got.kind == item["kind"],
            None if article is None else (got.first_line, got.last_line, got.kind),
            (item["first_line"], item["last_line"], item["kind"]),
        )
        result.titles.add(ref, article is not None and squash(got.title) == squash(item["title"]), got.title, item["title"])
        result.authors.add(ref, article is not None and got.authors == item["authors"], got.authors, item["authors"])
        result.cities.add(ref, article is not None and got.city == item["city"], got.city, item["city"])
        want_counties = [GOLD_COUNTY_OFFICIAL.get(c, c) for c in item["counties"]]
        result.counties.add(ref, article is not None and got.counties == want_counties, got.counties, want_counties)
        result.stars.add(ref, article is not None and got.stars == item["stars"], got.stars, item["stars"])
        result.programs.add(ref, Counter(set(got.programs)), Counter(set(item["programs"])))
        result.tallies.add(ref, *_tallies(got.star_counts, item["star_counts"]))
        result.figures.add(ref, _figures(got.figures), _figures(item["figures"]))
        result.figure_values.add(ref, _values(got.figures), _values(item["figures"]))
    for article in articles:
        if id(article) in paired_ids:
            continue
        ref = (article.source, article.first_line)
        result.extra_items.append((*ref, article.last_line, article.kind))
        result.programs.add(ref, Counter(set(article.programs)), Counter())
        result.tallies.add(ref, Counter((t.tier, t.count) for t in article.star_counts), Counter())
        result.figures.add(ref, _figures(article.figures), Counter())
        result.figure_values.add(ref, _values(article.figures), Counter())
    return result


def score_by_file(gold: list[dict], articles: list) -> dict[str, GoldScore]:
    sources = sorted({item["source"] for item in gold} | {a.source for a in articles})
    return {
        source: score([g for g in gold if g["source"] == source], [a for a in articles if a.source == source])
        for source in sources
    }


# ---- the report -----------------------------------------------------------------------------------------

COLUMNS = ["file", "items", "extracted", "bounds", "titles", "authors", "city", "counties", "stars",
           "prog F1", "tallies", "fig P", "fig R", "fig (value,unit) R"]


def _row(name: str, s: GoldScore) -> list[str]:
    return [
        name, str(s.gold_items), str(s.extracted_items), str(s.boundaries), str(s.titles), str(s.authors),
        str(s.cities), str(s.counties), str(s.stars),
        f"{s.programs.f1:.3f} (tp {s.programs.tp} fp {s.programs.fp} fn {s.programs.fn})",
        f"{s.tallies.tp}/{s.tallies.gold} (+{s.tallies.fp})",
        f"{s.figures.precision:.3f} ({s.figures.tp}/{s.figures.found})",
        f"{s.figures.recall:.3f} ({s.figures.tp}/{s.figures.gold})",
        f"{s.figure_values.recall:.3f}",
    ]


def report(gold: list[dict], articles: list) -> str:
    """The per-file table, the totals and every disagreement, as text."""
    total = score(gold, articles)
    rows = [_row(source[:3], s) for source, s in score_by_file(gold, articles).items()] + [_row("total", total)]
    widths = [max(len(r[i]) for r in [COLUMNS, *rows]) for i in range(len(COLUMNS))]
    lines = [" | ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) for r in [COLUMNS, *rows]]
    lines.insert(1, "-+-".join("-" * w for w in widths))
    for name in ("boundaries", "titles", "authors", "cities", "counties", "stars"):
        for source, line, got, want in getattr(total, name).wrong:
            lines.append(f"{name}: {source}:{line} got {got!r}, gold {want!r}")
    for name in ("programs", "tallies", "figures"):
        match: MatchScore = getattr(total, name)
        lines += [f"{name} missed: {s}:{n} {json.dumps(k, ensure_ascii=False)}" for s, n, k in match.misses]
        lines += [f"{name} extra: {s}:{n} {json.dumps(k, ensure_ascii=False)}" for s, n, k in match.extras]
    lines += [f"extra item: {s}:{first}-{last} ({kind})" for s, first, last, kind in total.extra_items]
    return "\n".join(lines)
