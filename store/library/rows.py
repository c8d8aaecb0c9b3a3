"""The library's tables, and what a stored row must hold to be used.

Rows are checked before use, so a hand-edited or damaged row is one line naming it, never a traceback.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from five_star.store.library.storage import damaged
from five_star.store.model import Article

PAGES = "pages"
RAW = "raw"
ARTICLES = "articles"
STORIES = "stories"  # per article: its story and the sketch that found it (store/library/stories.py)
SUMMARIES = "summaries"  # per article, under its doc id: what the tree shows of it (``summary_fields``)


def summary_fields(article: Article) -> tuple[Any, ...]:
    """What the tree shows of an article (``query.browse.Summary``): id, city, programs, label, kind, source,
    region, story ("" for a story seen once). Written beside each article, so a viewer can draw the tree
    from these small rows before the articles themselves are read."""
    return (article.id, article.city, tuple(article.programs), article.label, article.kind, article.source,
            article.region, "" if article.story == article.id else article.story)

_NONE = type(None)
_NUMBER = (int, float)
_STRING_LISTS = ("authors", "counties", "programs", "stars", "keywords", "repairs", "captions")
# field -> (allowed types, required); for the article row and the records nested in it
_ARTICLE_FIELDS: dict[str, tuple[tuple[type, ...], bool]] = {
    "id": ((str,), True),
    "source": ((str,), True),
    "first_line": ((int,), True),
    "last_line": ((int,), True),
    "page": ((str,), True),
    "kind": ((str,), False),
    "title": ((str, _NONE), False),
    "city": ((str, _NONE), False),
    "published": ((str, _NONE), False),
    "kicker": ((str, _NONE), False),
    "region": ((str,), False),
    "text": ((str,), False),
    "story": ((str,), False),
}
_NESTED_FIELDS: dict[str, dict[str, tuple[tuple[type, ...], bool]]] = {
    "figures": {
        "text": ((str,), True),
        "value": ((*_NUMBER, _NONE), True),
        "unit": ((str,), True),
        "qualifier": ((str, _NONE), True),
        "kind": ((str,), True),
        "start": ((int,), True),
        "end": ((int,), True),
        "value_max": ((*_NUMBER, _NONE), False),
    },
    "dates": {"text": ((str,), True), "year": ((int, _NONE), True), "month": ((int, _NONE), True), "day": ((int, _NONE), True)},
    "places": {
        "name": ((str,), True),
        "level": ((str,), True),
        "code": ((str,), True),
        "city": ((str, _NONE), True),
        "county": ((str, _NONE), True),
    },
    "star_counts": {"tier": ((int,), True), "count": ((int,), True), "text": ((str,), True)},
}
_PAGE_FIELDS: dict[str, tuple[tuple[type, ...], bool]] = {
    "path": ((str,), True),
    "sha256": ((str,), True),
    "source": ((str,), True),
    "encoding": ((str,), True),
    "removed": ((list,), True),  # written since the first version, so a row without it was damaged by hand
}
_REMOVED_FIELDS: dict[str, tuple[tuple[type, ...], bool]] = {"line": ((int,), True), "text": ((str,), True), "reason": ((str,), True)}


def _records_problem(name: str, value: Any, spec: dict[str, tuple[tuple[type, ...], bool]]) -> str | None:
    if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
        return f"has {name!r} that is not a list of records"
    for item in value:
        problem = _problem(item, spec)
        if problem:
            return f"has an item of {name!r} that {problem}"
    return None


def _problem(row: dict[str, Any], spec: dict[str, tuple[tuple[type, ...], bool]]) -> str | None:
    for name, (types, required) in spec.items():
        if name not in row:
            if required:
                return f"has no {name!r}"
            continue
        if not isinstance(row[name], types) or (isinstance(row[name], bool) and bool not in types):
            return f"has {name!r} of the wrong type ({type(row[name]).__name__})"
    return None


def row_problem(table: str, doc_id: str, row: dict[str, Any]) -> str | None:
    """What makes a stored row unusable, or ``None``."""
    if not doc_id.isdigit():
        return "has an id that is not a number"
    if table == PAGES:
        return _problem(row, _PAGE_FIELDS) or _records_problem("removed", row["removed"], _REMOVED_FIELDS)
    if table != ARTICLES:
        return None
    problem = _problem(row, _ARTICLE_FIELDS)
    if problem:
        return problem
    for name in _STRING_LISTS:
        value = row.get(name, [])
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            return f"has {name!r} that is not a list of texts"
    for name, spec in _NESTED_FIELDS.items():
        problem = _records_problem(name, row.get(name, []), spec)
        if problem:
            return problem
    return None


def check_row(path: Path, table: str, doc_id: str, row: dict[str, Any]) -> None:
    problem = row_problem(table, doc_id, row)
    if problem:
        raise damaged(path, f"row {doc_id!r} of table {table!r} {problem}")


def article_of(path: Path, doc_id: str, row: dict[str, Any]) -> Article:
    """The article of a stored row; ``FiveStarError`` (one line naming the row) for a row it cannot be.

    Opening builds every article, so the sound row takes the fast path: ``Article.from_dict`` (which fails
    on a missing field or a nested record that is no record) plus the few type checks it would let slip
    (``_looks_sound``). Only a row that fails either is checked field by field, to say what is wrong.
    """
    try:
        if _looks_sound(doc_id, row):
            return Article.from_dict(row)
    except Exception:
        pass
    check_row(path, ARTICLES, doc_id, row)
    raise damaged(path, f"row {doc_id!r} of table {ARTICLES!r} is not an article")  # what row_problem did not foresee


def _looks_sound(doc_id: str, row: dict[str, Any]) -> bool:
    """What ``Article.from_dict`` accepts but using the article (or its ``page`` and id) would trip on.

    Raises ``TypeError`` for a list of texts holding something else (``"".join`` checks it at C speed).
    """
    get = row.get
    title, city, published = get("title"), get("city"), get("published")
    if not (
        doc_id.isdigit()
        and type(get("page")) is str
        and type(get("id")) is str
        and type(get("source")) is str
        and type(get("first_line")) is int
        and type(get("last_line")) is int
        and type(get("kind", "")) is str
        and type(get("text", "")) is str
        and (title is None or type(title) is str)
        and (city is None or type(city) is str)
        and (published is None or type(published) is str)
        and (get("kicker") is None or type(get("kicker")) is str)
        and type(get("region", "")) is str
    ):
        return False
    for name in _STRING_LISTS:
        value = get(name, _NO_ITEMS)
        if type(value) is not list:
            return False
        "".join(value)
    # The numbers are used as numbers (value filters, star tallies, highlighting by offsets): a text there
    # would fail later, inside a search, so they are checked here too; the nested texts are only shown.
    for figure in get("figures", _NO_ITEMS):
        value, value_max = figure["value"], figure.get("value_max")
        if not (
            type(figure["start"]) is int
            and type(figure["end"]) is int
            and (value is None or type(value) in _NUMBER)
            and (value_max is None or type(value_max) in _NUMBER)
        ):
            return False
    for tally in get("star_counts", _NO_ITEMS):
        if type(tally["tier"]) is not int or type(tally["count"]) is not int:
            return False
    return True


_NO_ITEMS: list[str] = []
