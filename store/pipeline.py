"""From raw pages to clean, enriched articles: read → repair lines → split → metadata → enrich.

``extract_text`` is pure (text in, ``Page`` out) so the library can re-run it over stored raw pages.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Mapping
from pathlib import Path

from five_star.store.extraction.figures import find_figures
from five_star.store.extraction.keywords import top_keywords
from five_star.store.extraction.places import PlaceResult, resolve_page_places
from five_star.store.extraction.programs import (
    find_programs,
    find_star_counts,
    find_stars,
)
from five_star.store.model import (
    Article,
    Page,
    Skipped,
    Unchanged,
    stable_id,
    text_sha256,
)
from five_star.store.reading.read import read_pages
from five_star.store.reading.repair import (
    LineRepair,
    ends_paragraph,
    rejoin_wrapped_lines,
    repair_line,
)
from five_star.store.resources import ResourceError
from five_star.store.sanitize import path_text
from five_star.store.splitting import meta
from five_star.store.splitting.chrome import published_date
from five_star.store.splitting.split import Item, Split, split_lines


def extract_paths(paths: list[Path], known: Mapping[str, str] | None = None) -> Iterator[Page | Skipped | Unchanged]:
    """Every page under ``paths`` in order; unreadable files come out as ``Skipped`` and the rest goes on.

    A broken data file (``ResourceError``) is the exception: it would fail every page alike, so it stops
    the run with its own one-line message instead of skipping each page with a ``KeyError``.

    ``known`` maps resolved paths to the sha256 of text already extracted from them; such a page comes
    out as ``Unchanged`` without being extracted, so re-ingesting a folder costs a read, not a re-run.
    """
    for raw in read_pages([Path(p) for p in paths]):
        if isinstance(raw, Skipped):
            yield raw
            continue
        path = path_text(raw.path.resolve())  # the page's key, as ``library.page_key`` makes it
        if known:
            sha = text_sha256(raw.text)
            if known.get(path) == sha:
                yield Unchanged(path, sha, len(raw.text.encode("utf-8")))
                continue
        try:
            page = extract_text(raw.text, raw.source, path=path, encoding=raw.encoding)
        except ResourceError:
            raise
        except Exception as exc:  # one strange page must not stop a folder of good ones
            yield Skipped(raw.path, f"could not be processed ({type(exc).__name__}: {exc})")
            continue
        yield page


def split_raw_lines(raw: str) -> list[str]:
    return raw.replace("\r\n", "\n").replace("\r", "\n").split("\n")


def extract_text(raw: str, source: str, path: str = "", encoding: str = "utf-8") -> Page:
    raw_lines = split_raw_lines(raw)
    repaired = [LineRepair(text="")] + [repair_line(line) for line in raw_lines]
    lines = [r.text for r in repaired]
    split = split_lines(lines)
    year = meta.page_year(lines)
    ends = [0] + [item.last_line for item in split.items]
    articles = [
        build_article(item, split, lines, repaired, raw_lines, source, year, after=ends[i])
        for i, item in enumerate(split.items)
    ]
    # Damage decoding worked around (``utf-8+truncated-utf8``) concerns every article of the page.
    decoding = encoding.split("+")[1:]
    for article in articles:
        article.repairs += decoding
    enrich_page(articles)
    return Page(
        source=source,
        path=path or source,
        sha256=text_sha256(raw),
        encoding=encoding,
        raw=raw,
        articles=articles,
        removed=split.removed,
    )


def build_article(
    item: Item,
    split: Split,
    lines: list[str],
    repaired: list[LineRepair],
    raw_lines: list[str],
    source: str,
    year: int | None,
    after: int = 0,
) -> Article:
    """The article of ``item``; ``after`` is the last line of the item before it (0 for the first)."""
    span_raw = "\n".join(raw_lines[item.first_line - 1 : item.last_line])
    fired: Counter = Counter()
    lost: list[str] = []
    for n in item.lines:
        fired.update(repaired[n].fired)
        lost.extend(flag for flag in repaired[n].lost if flag not in lost)

    if item.kind == "photo":
        authors, paragraphs = _photo_body(item, lines)
        joins = 0
    else:
        authors, paragraphs, joins = _article_body(item, lines)
    if joins:
        fired["rejoined-lines"] += joins
    text = "\n".join(paragraphs)
    return Article(
        id=stable_id(source, item.first_line, span_raw),
        source=source,
        first_line=item.first_line,
        last_line=item.last_line,
        kind=item.kind,
        title=_title(item, split, lines, after),
        kicker=" ".join(lines[n] for n in item.kicker_lines) or None,
        captions=_captions(item, lines),
        authors=authors,
        published=published_date(split.chrome, item.first_line, item.last_line),
        dates=meta.find_dates(text, year),
        repairs=_repair_names(fired) + lost,
        text=text,
    )


def _title(item: Item, split: Split, lines: list[str], after: int) -> str | None:
    """The headline; failing one, the ``原标题:`` line in the item or between it and the item before,
    which repeats it."""
    if item.title_line:
        rest = lines[item.title_rest] if item.title_rest else ""
        return meta.clean_title(lines[item.title_line] + rest)
    if item.kind != "article":
        return None
    named_by = meta.title_from_rule()
    for removed in split.removed:
        if removed.reason == named_by and after < removed.line <= item.last_line:
            return meta.original_title(removed.text)
    return None


def _repair_names(fired: Counter) -> list[str]:
    return [name if name == "t2s" else f"{name}:{count}" for name, count in fired.items()]


def _photo_body(item: Item, lines: list[str]) -> tuple[list[str], list[str]]:
    if item.fragments:
        return [], [lines[n] for n in item.lines]
    caption = "".join(lines[n] for n in item.lines)
    authors, caption = meta.caption_credit(caption)
    return authors, [caption]


def _article_body(item: Item, lines: list[str]) -> tuple[list[str], list[str], int]:
    authors = meta.byline_names([lines[n] for n in item.byline_lines])
    skip = {item.title_line, item.title_rest, *item.byline_lines, *item.kicker_lines, *item.caption_lines}
    body = [n for n in item.lines if n not in skip]
    body = _reading_order(item, body, lines)
    paragraphs, joins = rejoin_wrapped_lines(_with_blank_gaps(body, lines))

    if paragraphs:
        for pos in range(min(3, len(paragraphs))):  # a kicker line may come before the news lead
            lead_names, paragraphs[pos] = meta.news_lead_credit(paragraphs[pos])
            authors += [name for name in lead_names if name not in authors]
        closing_names, paragraphs[-1] = meta.closing_credit(paragraphs[-1])
        authors += [name for name in closing_names if name not in authors]
    for n in item.caption_lines:
        authors += [name for name in meta.caption_credit(lines[n])[0] if name not in authors]
    return authors, [p for p in paragraphs if p], joins


def _with_blank_gaps(numbers: list[int], lines: list[str]) -> list[str]:
    """The lines in order, with a blank wherever the source had a gap, so paragraph cues survive."""
    out: list[str] = []
    for pos, n in enumerate(numbers):
        if pos and n != numbers[pos - 1] + 1:
            out.append("")
        out.append(lines[n])
    return out


def _captions(item: Item, lines: list[str]) -> list[str]:
    """The article's own photo captions, each (perhaps wrapped over lines) with its credit bracketed."""
    if item.kind != "article":
        return []
    runs: list[list[int]] = []
    for n in item.caption_lines:
        if runs and runs[-1][-1] == n - 1:
            runs[-1].append(n)
        else:
            runs.append([n])
    return [_bracket_credit("".join(lines[n] for n in run)) for run in runs]


def _bracket_credit(caption: str) -> str:
    """An in-article caption keeps its credit, bracketed so it reads as one and closes its paragraph."""
    names, text = meta.caption_credit(caption)
    return f"{text}（{' '.join(names)} 摄）" if names else caption


def _reading_order(item: Item, body: list[int], lines: list[str]) -> list[int]:
    """Undo a layout scramble: body text printed above the byline whose lead, below it, breaks off mid-sentence.

    003's first article reads headline → byline → lead (ending '…党政正职，') → the block printed above.
    """
    if not item.byline_lines:
        return body
    byline_at = item.byline_lines[0]
    before = [n for n in body if n < byline_at]
    after = [n for n in body if n > byline_at]
    if before and after and not ends_paragraph(lines[after[-1]]) and len("".join(lines[n] for n in before)) > 40:
        return after + before
    return body


# --- enrichment ------------------------------------------------------------------------------------------

# Keywords come from the headline and lead, where news states its topic; segmenting whole bodies with
# jieba would cost more than the rest of extraction together (jieba runs at about 1 MB/s).
KEYWORD_LEAD_CHARS = 160


def enrich(article: Article, places: PlaceResult) -> Article:
    """Fill places (resolved with the rest of the page), programs, stars, tallies, figures and keywords."""
    article.places = places.places
    article.counties = places.counties
    article.city = places.city
    article.region = places.region
    article.programs = find_programs(article.text, article.title)
    article.stars = find_stars(article.text)
    article.star_counts = find_star_counts(article.text)
    article.figures = find_figures(article.text)
    article.keywords = top_keywords(((article.title or "") + "\n" + article.text[:KEYWORD_LEAD_CHARS]).strip())
    return article


def enrich_page(articles: list[Article]) -> None:
    """Enrich every article; places are resolved page by page, so an item that names no place (a photo
    caption) takes the city the rest of its page is about (``resolve_page_places``)."""
    located = resolve_page_places([(article.text, article.title) for article in articles])
    for article, places in zip(articles, located, strict=True):
        enrich(article, places)
