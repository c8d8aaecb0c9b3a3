"""Every bundled data file (``store/data``), read and checked once per process.

Rules and word lists live in data files so that a person can read and extend them without touching
code. That makes the files input like any other: a broken one must stop the run with one line naming
the file, the row and what is wrong, not surface later as a ``KeyError`` on every page.

- JSON rule files come back as ``Spec`` dicts: a key the program asks for and the file lacks raises
  ``ResourceError`` naming the file and the key's path (``page_rules.json: no "headline.min_chars"``).
- Tab-separated tables come back as ``Row`` tuples with their line numbers, checked for their column
  count; a loader that finds a bad value reports it with ``bad_row``.
- Word lists come back as their non-comment lines.
- The gazetteer CSV is parsed here, once, for everyone who needs it.
"""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass
from functools import lru_cache
from importlib.resources import files
from importlib.resources.abc import Traversable
from typing import Any

from five_star.store.errors import FiveStarError

DATA: Traversable = files("five_star.store") / "data"


class ResourceError(FiveStarError):
    """A bundled data file (or a user's word list) that cannot be used as it is."""


def bad_row(name: str, line: int, reason: str) -> ResourceError:
    return ResourceError(f"data file {name}, line {line}: {reason}")


def _read(name: str) -> str:
    try:
        return (DATA / name).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ResourceError(f"data file {name} cannot be read ({exc})") from None


# ---- JSON rule files ---------------------------------------------------------------------------------------


class Spec(dict):
    """A JSON object from a rule file; a missing key names the file and where the key should be."""

    file: str = ""
    where: str = ""

    def __missing__(self, key: str) -> Any:
        path = f"{self.where}.{key}" if self.where else str(key)
        raise ResourceError(f"data file {self.file}: no “{path}”, which the program needs")


def _specs(value: Any, file: str, where: str) -> Any:
    if isinstance(value, dict):
        spec = Spec({key: _specs(item, file, f"{where}.{key}" if where else key) for key, item in value.items()})
        spec.file, spec.where = file, where
        return spec
    if isinstance(value, list):
        return [_specs(item, file, f"{where}[{n}]") for n, item in enumerate(value)]
    return value


@lru_cache(maxsize=None)
def json_rules(name: str) -> Spec:
    """A JSON rule file as ``Spec`` dicts (shared: treat it as read-only)."""
    try:
        data = json.loads(_read(name))
    except json.JSONDecodeError as exc:
        raise bad_row(name, exc.lineno, f"not valid JSON ({exc.msg})") from None
    if not isinstance(data, dict):
        raise ResourceError(f"data file {name}: expected a JSON object at the top")
    return _specs(data, name, "")


def page_rules() -> Spec:
    """Splitting: boilerplate, bylines, headlines (``page_rules.json``)."""
    return json_rules("page_rules.json")


def place_rules() -> Spec:
    """Places: aliases, zone forms, weights, village rules (``places.json``)."""
    return json_rules("places.json")


def program_rules() -> Spec:
    """Programs, stars and star tallies (``programs.json``)."""
    return json_rules("programs.json")


# ---- tables and word lists ---------------------------------------------------------------------------------


class Row(tuple):
    """The cells of one table row (stripped), with the line it came from."""

    line: int

    def __new__(cls, cells: list[str], line: int) -> Row:
        row = super().__new__(cls, cells)
        row.line = line
        return row


def _content_lines(name: str) -> list[tuple[int, str]]:
    return [
        (number, line)
        for number, line in enumerate(_read(name).splitlines(), start=1)
        if line.strip() and not line.lstrip().startswith("#")
    ]


@lru_cache(maxsize=None)
def table(name: str, least: int, most: int) -> tuple[Row, ...]:
    """Rows of a tab-separated file with ``least`` to ``most`` columns, comments and blank lines left out."""
    rows = []
    for number, line in _content_lines(name):
        cells = [cell.strip() for cell in line.split("\t")]
        while len(cells) > least and not cells[-1]:
            cells.pop()
        if not least <= len(cells) <= most:
            wanted = str(least) if least == most else f"{least} to {most}"
            raise bad_row(name, number, f"expected {wanted} tab-separated columns, found {len(cells)}")
        if not all(cells[:least]):
            raise bad_row(name, number, "an empty required column")
        rows.append(Row(cells, number))
    return tuple(rows)


@lru_cache(maxsize=None)
def word_list(name: str) -> tuple[str, ...]:
    """The words or phrases of a list file, one per line."""
    return tuple(line.strip() for _, line in _content_lines(name))


def user_words(text: str) -> set[str]:
    """A user's own word list, in the same one-per-line format as the bundled ones."""
    return {line.strip() for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")}


# ---- the gazetteer -----------------------------------------------------------------------------------------

DIVISIONS = "henan_divisions.csv"
_DIVISION_COLUMNS = ["code", "name", "level", "parent_code"]
DIVISION_LEVELS = frozenset({"province", "city", "county", "township", "village"})


@dataclass(frozen=True)
class Division:
    """One administrative unit of Henan, as the NBS lists it (attribution: ``henan_divisions.README.md``)."""

    code: str
    name: str
    level: str  # province | city | county | township | village
    parent: str


@lru_cache(maxsize=1)
def divisions() -> tuple[Division, ...]:
    """Every row of the gazetteer, checked: four columns, a known level, a name."""
    reader = csv.reader(_read(DIVISIONS).splitlines())
    header = next(reader, None)
    if header != _DIVISION_COLUMNS:
        raise bad_row(DIVISIONS, 1, f"expected the header {','.join(_DIVISION_COLUMNS)}")
    found = []
    for number, row in enumerate(reader, start=2):
        if len(row) != 4:
            raise bad_row(DIVISIONS, number, f"expected 4 columns, found {len(row)}")
        code, name, level, parent = row
        if level not in DIVISION_LEVELS or not code or not name:
            raise bad_row(DIVISIONS, number, f"expected a code, a name and a level ({', '.join(sorted(DIVISION_LEVELS))})")
        found.append(Division(code, name, level, parent))
    return tuple(found)
