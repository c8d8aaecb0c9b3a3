"""The development corpus: real pages from many sites (tests/corpus/pages) against hand annotations
(tests/corpus/gold, one JSON file per page; conventions in tests/corpus/README.md).

``score_corpus()`` runs the real pipeline over every page and compares; tests/test_corpus.py asserts the
thresholds and ``benchmarks/corpus_report.py`` prints the same numbers per site.

Pairing: each gold item pairs with the extracted item sharing most of its lines. Compared:

- titles: recall over gold items that have a headline; precision over extracted items that show one
  (a chrome line or a wrong line taken as a title counts against it). Titles are equal after folding
  (NFKC, traditional → simplified, pinyin annotations, whitespace and quotation marks dropped);
- published: per page that states its own date, right when every item of the page carries it; a page
  that states none must get none (an invented date);
- city, region and counties per gold item;
- chrome: no line the annotators marked as chrome appears in any title or text, and no HTML tag does;
- on pages annotated in full (``"pass": 2``): figures, star tallies and programs, matched as the seed
  scorer matches them (``helpers.gold``: figures by text, value, unit and qualifier; tallies by tier and
  count with overlapping texts; program labels micro-averaged).
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from types import SimpleNamespace

from helpers.gold import MatchScore, _figures, _tallies, squash

CORPUS = Path(__file__).resolve().parents[1] / "corpus"
CHECK = CORPUS / "check"  # annotated after the tuning: scored, never tuned on

_QUOTES = re.compile(r"[\"'“”‘’「」『』《》〈〉]")
_TAG = re.compile(r"</?[a-zA-Z][a-zA-Z0-9]*(\s[^<>]*)?/?>")
_CHROME_MIN_CHARS = 4  # shorter chrome ('0', '分享') may occur inside any sentence


def fold_title(title: str | None) -> str:
    return _QUOTES.sub("", squash(unicodedata.normalize("NFKC", title or "")))


@dataclass
class PageScore:
    name: str
    site: str
    template: str
    titles: list[tuple[str | None, str | None]] = field(default_factory=list)  # (gold, extracted) per gold item
    extra_titles: list[str] = field(default_factory=list)  # titles of extracted items no gold item pairs with
    published_gold: str | None = None
    published_found: list[str | None] = field(default_factory=list)
    cities: list[tuple[str | None, str | None]] = field(default_factory=list)
    regions: list[tuple[str, str]] = field(default_factory=list)
    counties: list[tuple[list[str], list[str]]] = field(default_factory=list)
    chrome_leaks: list[str] = field(default_factory=list)
    tag_leaks: list[str] = field(default_factory=list)
    figures: MatchScore = field(default_factory=MatchScore)
    tallies: MatchScore = field(default_factory=MatchScore)
    programs: MatchScore = field(default_factory=MatchScore)

    @property
    def published_right(self) -> bool:
        return bool(self.published_found) and all(found == self.published_gold for found in self.published_found)


@dataclass
class CorpusScore:
    pages: list[PageScore]

    def _titles(self) -> tuple[int, int, int, int]:
        right = with_gold = shown = shown_right = 0
        for page in self.pages:
            for gold, found in page.titles:
                ok = bool(gold) and fold_title(gold) == fold_title(found)
                with_gold += bool(gold)
                right += ok
                shown += bool(found)
                shown_right += ok
            shown += len(page.extra_titles)
        return right, with_gold, shown_right, shown

    @property
    def title_recall(self) -> float:
        right, with_gold, _, _ = self._titles()
        return right / with_gold if with_gold else 1.0

    @property
    def title_precision(self) -> float:
        _, _, shown_right, shown = self._titles()
        return shown_right / shown if shown else 1.0

    @property
    def published_stated(self) -> list[PageScore]:
        return [p for p in self.pages if p.published_gold]

    @property
    def published_accuracy(self) -> float:
        stated = self.published_stated
        return sum(p.published_right for p in stated) / len(stated) if stated else 1.0

    @property
    def invented_dates(self) -> list[str]:
        return [p.name for p in self.pages if not p.published_gold and any(p.published_found)]

    def _share(self, pairs: Iterable[tuple[object, object]]) -> float:
        pairs = list(pairs)
        return sum(a == b for a, b in pairs) / len(pairs) if pairs else 1.0

    @property
    def city_accuracy(self) -> float:
        return self._share(pair for page in self.pages for pair in page.cities)

    @property
    def region_accuracy(self) -> float:
        return self._share(pair for page in self.pages for pair in page.regions)

    @property
    def county_accuracy(self) -> float:
        return self._share(pair for page in self.pages for pair in page.counties)

    def _matched(self, name: str) -> MatchScore:
        total = MatchScore()
        for page in self.pages:
            score: MatchScore = getattr(page, name)
            total.tp, total.found, total.gold = total.tp + score.tp, total.found + score.found, total.gold + score.gold
            total.misses += score.misses
            total.extras += score.extras
        return total

    @property
    def figures(self) -> MatchScore:
        return self._matched("figures")

    @property
    def tallies(self) -> MatchScore:
        return self._matched("tallies")

    @property
    def programs(self) -> MatchScore:
        return self._matched("programs")

    @property
    def chrome_leaks(self) -> list[tuple[str, str]]:
        return [(p.name, line) for p in self.pages for line in p.chrome_leaks]

    @property
    def tag_leaks(self) -> list[tuple[str, str]]:
        return [(p.name, tag) for p in self.pages for tag in p.tag_leaks]


def page_names(root: Path = CORPUS) -> list[str]:
    return sorted(path.stem for path in (root / "gold").glob("*.json"))


@cache
def gold_of(root: Path, name: str) -> dict:
    return json.loads((root / "gold" / f"{name}.json").read_text(encoding="utf-8"))


def _overlap(item: dict, article) -> int:
    return max(0, min(item["last_line"], article.last_line) - max(item["first_line"], article.first_line) + 1)


_NO_ARTICLES = SimpleNamespace(articles=[])


def score_page(root: Path, name: str, page) -> PageScore:
    gold = gold_of(root, name)
    raw_lines = (root / "pages" / f"{name}.txt").read_text(encoding="utf-8").split("\n")
    score = PageScore(name, gold.get("site", ""), gold.get("template", ""), published_gold=gold.get("published"))
    articles = list(page.articles)
    paired: set[int] = set()
    for item in gold["items"]:
        best = max(articles, key=lambda a: _overlap(item, a), default=None)
        found = best if best is not None and _overlap(item, best) else None
        if found is not None:
            paired.add(id(found))
        score.titles.append((item.get("title"), found.title if found else None))
        score.cities.append((item.get("city"), found.city if found else None))
        score.regions.append((item.get("region", "unknown"), found.region if found else "unknown"))
        score.counties.append((list(item.get("counties", [])), list(found.counties) if found else []))
        if gold.get("pass") == 2:
            ref = (name, item["first_line"])
            score.figures.add(ref, _figures(found.figures if found else []), _figures(item.get("figures", [])))
            score.tallies.add(ref, *_tallies(found.star_counts if found else [], item.get("star_counts", [])))
            got = Counter(found.programs if found else [])
            score.programs.add(ref, got, Counter(item.get("programs", [])))
    score.extra_titles = [a.title for a in articles if id(a) not in paired and a.title]
    score.published_found = [a.published for a in articles]
    shown = [squash(a.title) + "\n" + squash(a.text) for a in articles]
    for number in gold.get("chrome_lines", []):
        line = squash(raw_lines[number - 1]) if number <= len(raw_lines) else ""
        if len(line) >= _CHROME_MIN_CHARS and any(line in text for text in shown):
            score.chrome_leaks.append(raw_lines[number - 1].strip())
    for article in articles:
        score.tag_leaks += [m.group(0) for m in _TAG.finditer(f"{article.title or ''}\n{article.text}")]
    return score


def score_corpus(root: Path = CORPUS) -> CorpusScore:
    from five_star.store.pipeline import extract_paths

    names = page_names(root)
    found = extract_paths([root / "pages" / f"{n}.txt" for n in names])
    pages = {Path(p.source).stem: p for p in found if hasattr(p, "articles")}
    # A page the pipeline skipped scores as a page without articles: every field of it is wrong.
    return CorpusScore([score_page(root, name, pages.get(name, _NO_ARTICLES)) for name in names])


def _matched_line(name: str, score: MatchScore) -> str:
    return (
        f"{name:<10} P {score.precision:.3f}  R {score.recall:.3f}  F1 {score.f1:.3f}"
        f"  (tp {score.tp}, found {score.found}, gold {score.gold}; pages annotated in full)"
    )


def report(score: CorpusScore) -> str:
    right, with_gold, shown_right, shown = score._titles()
    lines = [
        f"{len(score.pages)} pages, {len({p.site for p in score.pages})} sites",
        f"titles     recall {right}/{with_gold} = {score.title_recall:.3f}   precision {shown_right}/{shown} = {score.title_precision:.3f}",
        f"published  right on {sum(p.published_right for p in score.published_stated)}/{len(score.published_stated)} "
        f"pages that state a date = {score.published_accuracy:.3f}; invented on {len(score.invented_dates)}: {score.invented_dates}",
        f"city       {score.city_accuracy:.3f}   region {score.region_accuracy:.3f}   counties {score.county_accuracy:.3f}",
        f"chrome lines in titles/text: {len(score.chrome_leaks)}   HTML tags: {len(score.tag_leaks)}",
        _matched_line("figures", score.figures),
        _matched_line("tallies", score.tallies),
        _matched_line("programs", score.programs),
        "",
        f"{'page':<26} {'site':<28} title  pub   city  figures  tallies programs (right/found/gold)",
    ]
    for page in score.pages:
        titles = "".join("✓" if fold_title(g) == fold_title(f) else ("·" if not g and not f else "✗") for g, f in page.titles)
        cities = "".join("✓" if g == f else "✗" for g, f in page.cities)
        pub = "✓" if page.published_right else "✗"
        full = "  ".join(f"{m.tp}/{m.found}/{m.gold}" for m in (page.figures, page.tallies, page.programs))
        lines.append(f"{page.name:<26} {page.site[:28]:<28} {titles:<6} {pub:<5} {cities:<5} {full if page.figures.gold + page.programs.gold else ''}")
        for gold, found in page.titles:
            if fold_title(gold) != fold_title(found) and (gold or found):
                lines.append(f"      title: gold {gold!r} got {found!r}")
        for title in page.extra_titles:
            lines.append(f"      extra item titled {title!r}")
        if not page.published_right:
            lines.append(f"      published: gold {page.published_gold} got {page.published_found}")
        for gold, found in page.cities:
            if gold != found:
                lines.append(f"      city: gold {gold} got {found}")
        for leak in page.chrome_leaks:
            lines.append(f"      chrome kept: {leak[:60]!r}")
        for name in ("figures", "tallies", "programs"):
            matched: MatchScore = getattr(page, name)
            lines += [f"      {name} missed: {miss[2:]}" for miss in matched.misses]
            lines += [f"      {name} extra: {extra[2:]}" for extra in matched.extras]
    return "\n".join(lines)
