"""Every bundled data file (``store/data``), read and checked once per process.

Rules and word lists live in data files so that a person can read and extend them without touching
code. That makes the files input like any other: a broken one must stop the run with one line naming
the file, the row and what is wrong, not surface later as a ``KeyError`` on every page.

- JSON rule files come back as ``Spec`` dicts: a key the program asks for and the file lacks raises
  ``ResourceError`` naming the file and the key's path (``page_rules.json: no "headline.min_chars"``);
  the typed getters (``integer``, ``strings``, ``regex`` …) say the same of a value of the wrong kind.
- Tab-separated tables come back as ``Row`` tuples with their file and line, checked for their column
  count; a loader that finds a bad value in a cell reports it with ``Row.fault``.
- Word lists come back as their non-comment lines.
- The gazetteer CSVs (Henan's divisions, the other provinces' prefectures) are parsed here, once.

What the extractors compile from these (regexes, the gazetteer's index, the figure pattern) is cached
with ``derived``, so that ``reload`` forgets the files and everything built from them together.
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from importlib.resources.abc import Traversable
from typing import Any, TypeVar

from five_star.store.errors import FiveStarError

DATA: Traversable = files("five_star.store") / "data"
"""Where the files are read from; tests point it at a folder of broken copies and call ``reload()``."""

T = TypeVar("T")


class ResourceError(FiveStarError):
    """A bundled data file (or a user's word list) that cannot be used as it is."""


def bad_row(name: str, line: int, reason: str) -> ResourceError:
    return ResourceError(f"data file {name}, line {line}: {reason}")


def _read(name: str) -> str:
    try:
        return (DATA / name).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ResourceError(f"data file {name} cannot be read ({exc})") from None


# ---- tables built from the files ---------------------------------------------------------------------------

# Extractors compile what they read (regexes, tries, indexes) and keep the result for the process. They
# register those builders here, so that ``reload`` can forget every one of them without this module
# importing the layers above it.
_CLEARERS: list[Callable[[], None]] = []


def derived(build: Callable[[], T]) -> Callable[[], T]:
    """Decorator: a table built from data files, built on first use, kept until ``reload``."""
    cached = cache(build)
    _CLEARERS.append(cached.cache_clear)
    return cached


def reload() -> None:
    """Forget every file read and every table built from them: the next use reads ``DATA`` again.

    jieba's dictionary is the exception: new place names and trigger words are added to it again, but
    words once added stay for the process.
    """
    for clear in (
        json_rules.cache_clear,
        table.cache_clear,
        word_list.cache_clear,
        divisions.cache_clear,
        other_divisions.cache_clear,
    ):
        clear()
    for clear in _CLEARERS:
        clear()


# ---- JSON rule files ---------------------------------------------------------------------------------------


class Spec(dict[str, Any]):
    """A JSON object from a rule file; a missing key names the file and where the key should be.

    The typed getters check a value as they hand it out, so a rule builder that reads through them
    fails on its first use with the file, the key's path and what the value should have been.
    """

    file: str = ""
    where: str = ""

    def path(self, key: str) -> str:
        return f"{self.where}.{key}" if self.where else key

    def fault(self, key: str, reason: str) -> ResourceError:
        return ResourceError(f"data file {self.file}: “{self.path(key)}” {reason}")

    def __missing__(self, key: str) -> Any:
        raise ResourceError(f"data file {self.file}: no “{self.path(key)}”, which the program needs")

    def section(self, key: str) -> Spec:
        value = self[key]
        if not isinstance(value, Spec):
            raise self.fault(key, "should be a JSON object")
        return value

    def sections(self, key: str) -> list[Spec]:
        value = self[key]
        if not isinstance(value, list) or not all(isinstance(item, Spec) for item in value):
            raise self.fault(key, "should be a list of JSON objects")
        return value

    def text(self, key: str) -> str:
        value = self[key]
        if not isinstance(value, str):
            raise self.fault(key, "should be a string")
        return value

    def integer(self, key: str) -> int:
        value = self[key]
        if isinstance(value, bool) or not isinstance(value, int):
            raise self.fault(key, f"should be a whole number, not {json.dumps(value, ensure_ascii=False)}")
        return value

    def number(self, key: str) -> float:
        value = self[key]
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise self.fault(key, f"should be a number, not {json.dumps(value, ensure_ascii=False)}")
        return value

    def strings(self, key: str) -> list[str]:
        value = self[key]
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            raise self.fault(key, "should be a list of strings")
        return value

    def entries(self, key: str) -> dict[str, Any]:
        """An object's entries without the ``_about``-style comments its keys may hold."""
        return {name: value for name, value in self.section(key).items() if not name.startswith("_")}

    def regex(self, key: str, flags: int = 0) -> re.Pattern[str]:
        return self._compiled(key, self.text(key), flags)

    def regexes(self, key: str, flags: int = 0) -> list[re.Pattern[str]]:
        return [self._compiled(f"{key}[{n}]", pattern, flags) for n, pattern in enumerate(self.strings(key))]

    def _compiled(self, key: str, pattern: str, flags: int) -> re.Pattern[str]:
        try:
            return re.compile(pattern, flags)
        except re.error as exc:
            raise self.fault(key, f"is not a valid regular expression ({exc})") from None


def _specs(value: Any, file: str, where: str) -> Any:
    if isinstance(value, dict):
        spec = Spec({key: _specs(item, file, f"{where}.{key}" if where else key) for key, item in value.items()})
        spec.file, spec.where = file, where
        return spec
    if isinstance(value, list):
        return [_specs(item, file, f"{where}[{n}]") for n, item in enumerate(value)]
    return value


@cache
def json_rules(name: str) -> Spec:
    """A JSON rule file as ``Spec`` dicts (shared: treat it as read-only)."""
    try:
        data = json.loads(_read(name))
    except json.JSONDecodeError as exc:
        raise bad_row(name, exc.lineno, f"not valid JSON ({exc.msg})") from None
    if not isinstance(data, dict):
        raise ResourceError(f"data file {name}: expected a JSON object at the top")
    spec: Spec = _specs(data, name, "")
    return spec


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


class Row(tuple[str, ...]):
    """The cells of one table row (stripped), with the file and line it came from."""

    name: str
    line: int

    def __new__(cls, cells: list[str], name: str, line: int) -> Row:
        row = super().__new__(cls, cells)
        row.name, row.line = name, line
        return row

    def fault(self, reason: str) -> ResourceError:
        """The error for a cell this row holds that its reader cannot use."""
        return bad_row(self.name, self.line, reason)

    def cell(self, index: int) -> str:
        """An optional column: empty when the row stops before it."""
        return self[index] if index < len(self) else ""


def _content_lines(name: str) -> list[tuple[int, str]]:
    return [
        (number, line)
        for number, line in enumerate(_read(name).splitlines(), start=1)
        if line.strip() and not line.lstrip().startswith("#")
    ]


@cache
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
        rows.append(Row(cells, name, number))
    return tuple(rows)


@cache
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
    """One administrative unit, as the NBS lists it (attribution: ``henan_divisions.README.md``)."""

    code: str
    name: str
    level: str  # province | city | county | township | village
    parent: str


def _division_rows(name: str, levels: frozenset[str]) -> tuple[Division, ...]:
    """Every row of a division table, checked: the header, four columns, a known level, a name."""
    reader = csv.reader(_read(name).splitlines())
    header = next(reader, None)
    if header != _DIVISION_COLUMNS:
        raise bad_row(name, 1, f"expected the header {','.join(_DIVISION_COLUMNS)}")
    found = []
    for number, row in enumerate(reader, start=2):
        if len(row) != 4:
            raise bad_row(name, number, f"expected 4 columns, found {len(row)}")
        code, unit, level, parent = row
        if level not in levels or not code or not unit:
            raise bad_row(name, number, f"expected a code, a name and a level ({', '.join(sorted(levels))})")
        found.append(Division(code, unit, level, parent))
    return tuple(found)


@cache
def divisions() -> tuple[Division, ...]:
    """Every row of the Henan gazetteer, checked."""
    return _division_rows(DIVISIONS, DIVISION_LEVELS)


OTHER_PROVINCES = "china_prefectures.csv"
_OTHER_LEVELS = frozenset({"province", "city"})


@cache
def other_divisions() -> tuple[Division, ...]:
    """The other provinces and their prefecture-level units (attribution: ``china_prefectures.README.md``)."""
    return _division_rows(OTHER_PROVINCES, _OTHER_LEVELS)


def any_of(patterns: list[re.Pattern[str]], flags: int = 0) -> re.Pattern[str]:
    """One pattern that matches where any of them does, so a line is searched once, not once per rule.

    Raises ``re.error`` for a rule holding a global flag such as ``(?i)``, which cannot be joined.
    """
    return re.compile("|".join(f"(?:{p.pattern})" for p in patterns) or "(?!)", flags)
