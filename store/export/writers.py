"""Export articles for Excel and pandas: articles CSV, figures CSV (one row per figure), JSON Lines.

CSV files are UTF-8 with a BOM (Excel otherwise guesses a legacy code page and garbles Chinese), have a
header row, and every cell has terminal control characters stripped and is neutralised against formula
injection. Lists inside a cell are joined with ``"; "``: a plain string Excel shows as is and pandas splits
with ``.str.split("; ")``. Full figure details are in the figures CSV rather than crammed into one cell.
Both CSVs have a ``story`` column: the articles of one story (reprints) share it, so a sheet can count
each story once (``df.drop_duplicates("story")``); it is the article's own id for a story seen once.
Articles are written as the library gives them, with the person's corrections; the ``corrected`` column
says which of their fields are the person's (``title;city``, and ``junk`` for an item marked as junk: the
library leaves those out, so only the app exports them, while ``H`` shows them).

Files are written to a temporary file and moved into place, so an interrupted export never leaves a
half-written file where a finished one was expected. A killed export's leftover (``out.csv.XXXX.tmp``)
is removed by the next export to the same file once it is ``STALE_TEMP_SECONDS`` old.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import os
from collections.abc import Iterable, Iterator
from pathlib import Path

from five_star.store.errors import FiveStarError
from five_star.store.library.storage import remove_stale_temps, write_atomically
from five_star.store.model import Article, DateMention, Figure, StarCount, tier_name
from five_star.store.sanitize import neutralise_formula, strip_controls

LIST_SEPARATOR = "; "
CORRECTED_SEPARATOR = ";"
"""Between the names in the ``corrected`` column (``title;city``): field names, so no space is needed."""

CHUNK_ROWS = 500
"""CSV rows encoded and written at a time."""

STALE_TEMP_SECONDS = 600.0
"""A temporary file this old is no export at work (an export writes in seconds) but a killed one's leftover."""

ARTICLE_COLUMNS = [
    "id",
    "story",
    "title",
    "published",
    "city",
    "region",
    "counties",
    "programs",
    "stars",
    "authors",
    "dates",
    "source",
    "first_line",
    "last_line",
    "figure_count",
    "figures",
    "star_counts",
    "corrected",
    "text",
]

FIGURE_COLUMNS = [
    "article_id",
    "story",
    "title",
    "published",
    "city",
    "region",
    "source",
    "figure",
    "value",
    "value_max",
    "unit",
    "qualifier",
    "kind",
    "sentence",
    "start",
    "end",
]

def cell(value: object) -> str:
    """One CSV cell: text without control characters, never read as a formula by a spreadsheet."""
    if value is None:
        return ""
    return neutralise_formula(strip_controls(str(value)))


def number(value: float | int | None) -> str:
    """``126000`` rather than ``126000.0`` or ``1.26e+05``: what a spreadsheet reads as the same number."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return repr(value)


def joined(items: Iterable[str]) -> str:
    return LIST_SEPARATOR.join(items)


def date_text(date: DateMention) -> str:
    """ISO form when the date is complete (sorts and parses), otherwise the words as written."""
    if date.year and date.month and date.day:
        return f"{date.year:04d}-{date.month:02d}-{date.day:02d}"
    if date.year and date.month:
        return f"{date.year:04d}-{date.month:02d}"
    return date.text


def dates_text(dates: Iterable[DateMention]) -> str:
    """Each distinct date once, in the order first mentioned (an article says ``2023年`` many times)."""
    return joined(dict.fromkeys(date_text(d) for d in dates))


def tally_text(tally: StarCount) -> str:
    """'五星 70', or '五星 6 planned' for a goal: a reader summing the column must see which are which."""
    return f"{tier_name(tally.tier)} {number(tally.count)}{' planned' if tally.plan else ''}"


def article_row(article: Article) -> list[str]:
    return [
        cell(v)
        for v in (
            article.id,
            article.story,
            article.title,
            article.published,
            article.city,
            article.region,
            joined(article.counties),
            joined(article.programs),
            joined(article.stars),
            joined(article.authors),
            dates_text(article.dates),
            article.source,
            article.first_line,
            article.last_line,
            len(article.figures),
            joined(f.text for f in article.figures),
            joined(tally_text(s) for s in article.star_counts),
            CORRECTED_SEPARATOR.join(article.corrected),
            article.text,
        )
    ]


def figure_row(article: Article, figure: Figure) -> list[str]:
    return [
        cell(v)
        for v in (
            article.id,
            article.story,
            article.title,
            article.published,
            article.city,
            article.region,
            article.source,
            figure.text,
            number(figure.value),
            number(figure.value_max),
            figure.unit,
            figure.qualifier,
            figure.kind,
            article.sentence_of(figure),
            figure.start,
            figure.end,
        )
    ]


class _CsvChunks:
    """A CSV file as pieces of bytes, ``CHUNK_ROWS`` rows at a time; ``rows`` counts the rows once iterated.

    In pieces rather than one string: the app exports in a worker thread, and encoding a whole file of
    90,000 figures in one call held the interpreter lock long enough to stall its keys.
    """

    def __init__(self, header: list[str], rows: Iterable[list[str]]) -> None:
        self.header = header
        self.source = rows
        self.rows = 0

    def __iter__(self) -> Iterator[bytes]:
        buffer = io.StringIO(newline="")
        writer = csv.writer(buffer)
        writer.writerow(self.header)
        yield codecs.BOM_UTF8
        for row in self.source:
            writer.writerow(row)
            self.rows += 1
            if self.rows % CHUNK_ROWS == 0:
                yield _drain(buffer)
        yield _drain(buffer)


def _drain(buffer: io.StringIO) -> bytes:
    """What the buffer holds, encoded, leaving it empty."""
    data = buffer.getvalue().encode("utf-8")
    buffer.seek(0)
    buffer.truncate()
    return data


def _save(path: str | os.PathLike, payload: Iterable[bytes]) -> None:
    target = Path(path).expanduser()
    if target.is_dir():
        raise FiveStarError(f"cannot export to {target}: it is a folder")
    if not target.parent.is_dir():
        raise FiveStarError(f"cannot export to {target}: folder {target.parent} does not exist")
    try:
        remove_stale_temps(target, older_than=STALE_TEMP_SECONDS)
        write_atomically(target, payload)
    except OSError as exc:
        raise FiveStarError(f"cannot export to {target}: {exc.strerror or exc}") from None


def write_articles_csv(articles: Iterable[Article], path: str | os.PathLike) -> int:
    """One row per article, columns ``ARTICLE_COLUMNS``; returns the number of rows (header excluded)."""
    chunks = _CsvChunks(ARTICLE_COLUMNS, (article_row(a) for a in articles))
    _save(path, chunks)
    return chunks.rows


def write_figures_csv(articles: Iterable[Article], path: str | os.PathLike) -> int:
    """One row per figure of every article, columns ``FIGURE_COLUMNS``; returns the number of rows."""
    rows = (figure_row(a, f) for a in articles for f in a.figures)
    chunks = _CsvChunks(FIGURE_COLUMNS, rows)
    _save(path, chunks)
    return chunks.rows


def jsonl_row(article: Article) -> dict[str, object]:
    """``Article.to_dict()``, with the person's values where they corrected some, and then ``corrected`` (the
    fields set, and ``junk``, as in the CSV column) and ``extracted`` (what extraction gave for those fields)."""
    row: dict[str, object] = article.to_dict()
    if article.corrected:
        row["corrected"] = article.corrected
        row["extracted"] = dict(article.extracted)
    return row


def write_jsonl(articles: Iterable[Article], path: str | os.PathLike) -> int:
    """One ``Article.to_dict()`` per line, UTF-8 (JSON escapes control characters itself)."""
    count = 0

    def lines() -> Iterator[bytes]:  # one piece per article, for the reason _CsvChunks gives
        nonlocal count
        for article in articles:
            yield (json.dumps(jsonl_row(article), ensure_ascii=False) + "\n").encode("utf-8")
            count += 1

    _save(path, lines())
    return count
