"""The user's corrections: a title or city set by hand, an item marked as junk; kept beside the library.

Why a file of their own, ``<library>.corrections.json``:

- ``ingest`` and ``reindex`` rewrite article rows wholesale, so a correction kept in a row would be lost to
  the next re-extraction. Kept apart, corrections are applied where articles are read (``Library.articles``
  and ``get``): the command line and the app see the same corrected articles, while the stored rows, like
  ``extract``, stay what extraction gave.
- An edit rewrites a few kilobytes, not the library (~100 MB at 20,000 articles), and never waits for an
  ingest running in another terminal, which holds the library's write lock for its whole run: this file has
  a lock of its own (``<library>.corrections.json.lock``).
- It is replaced atomically (``storage.write_atomically``: temporary file, fsync, rename), the version
  before each edit kept as ``.bak`` (then ``.bak.1``, ``.bak.2``): hand work is the one thing a re-run
  cannot give back.

The file is a TinyDB database (``{"meta": …, "corrections": {doc_id: row}}``) like the library, written
through a storage class of our own (``CorrectionsStorage``: no in-place rewrite, Chinese kept readable, one
field per line), so any TinyDB tool, or a person with an editor, can read it. It holds one person's edits
(hundreds of rows at most), so it is read whole.

**Re-attaching.** An article's id hashes its source, first line and span text, so an improved extractor
may give the same article a new id. Each correction therefore keeps, besides the id, an anchor: the
article's source (its file name: the app holds articles, not pages, and the id hashes the source too), its
first line, its extracted title and the opening of its text. A correction goes to the article with its id;
failing that, to the article of the same source that shares its extracted title or its opening, the first
line counting as a third sign and breaking ties, never alone (a re-split may start another article on that
line). A correction that finds no article stays in the file, since its page may come back, and is counted
in ``Applied.orphans``.

A damaged file never stops the library from opening: its corrections are left out and ``problem`` says so
in one line naming the file; a damaged file is never written over (it holds the only copy of that work).
"""

from __future__ import annotations

import json
import os
from collections import defaultdict
from collections.abc import Callable, Collection, Iterable, MutableMapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from functools import cache, cached_property
from pathlib import Path
from typing import Any

from tinydb import TinyDB
from tinydb.storages import Storage

from five_star.store.errors import FiveStarError
from five_star.store.library.storage import WriteLock, backup_path, library_target, remove_stale_temps, write_atomically
from five_star.store.model import REGIONS, Article
from five_star.store.resources import divisions
from five_star.store.sanitize import one_line, path_text

SCHEMA = 1
TABLE = "corrections"
LOCK_TIMEOUT = 5.0
"""Seconds an edit waits for another app saving its own edit: far above the milliseconds a save takes."""

OPENING_CHARACTERS = 40
"""How much of an article's text (whitespace left out) its anchor keeps: enough to tell two articles of one
page apart, short enough to survive a repair further down."""

TITLE_CHARACTERS = 200
"""The longest title a person may set: a title is one line, and a whole paragraph pasted in is a mistake."""


def corrections_path(library: Path) -> Path:
    """Beside the library's real file (a symbolic link's target), as its lock and backups are."""
    target = library_target(library)
    return target.with_name(target.name + ".corrections.json")


# ---- what a correction is ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Anchor:
    """What finds an article again once re-extraction has changed its id."""

    id: str
    source: str
    first_line: int
    title: str | None  # as extracted
    opening: str

    @classmethod
    def of(cls, article: Article) -> Anchor:
        """The anchor of an article as extraction gave it (see ``extracted_form``)."""
        return cls(article.id, article.source, article.first_line, article.title, opening(article.text))

    def score(self, article: Article) -> int:
        """How surely ``article`` (as extracted) is the one anchored: 0 when it is not."""
        signs = 2 * (self.title is not None and self.title == article.title) + 2 * (self.opening == opening(article.text))
        return signs + (self.first_line == article.first_line) if signs else 0


def opening(text: str) -> str:
    return "".join(text.split())[:OPENING_CHARACTERS]


@dataclass(frozen=True)
class Correction:
    anchor: Anchor
    title: str | None = None  # the person's title; None: extraction's
    place: tuple[str | None, str] | None = None  # the person's (city, region); None: extraction's
    junk: bool = False

    @property
    def empty(self) -> bool:
        return self.title is None and self.place is None and not self.junk

    def row(self) -> dict[str, Any]:
        anchor = self.anchor
        row: dict[str, Any] = {
            "id": anchor.id,
            "source": anchor.source,
            "first_line": anchor.first_line,
            "extracted_title": anchor.title,
            "opening": anchor.opening,
        }
        if self.title is not None:
            row["title"] = self.title
        if self.place is not None:
            row["city"], row["region"] = self.place
        if self.junk:
            row["junk"] = True
        row["changed"] = datetime.now().astimezone().isoformat(timespec="seconds")
        return row

    @classmethod
    def from_row(cls, row: Any) -> Correction:
        """The correction of a stored row; ``ValueError`` saying what is wrong with it."""
        if not isinstance(row, dict):
            raise ValueError("is not a record")
        for name, types in (("id", str), ("source", str), ("first_line", int), ("opening", str)):
            if not isinstance(row.get(name), types) or isinstance(row.get(name), bool):
                raise ValueError(f"has no {name!r} of the right type")
        extracted = row.get("extracted_title")
        if extracted is not None and not isinstance(extracted, str):
            raise ValueError("has an 'extracted_title' that is not text")
        anchor = Anchor(row["id"], row["source"], row["first_line"], extracted, row["opening"])
        title = row.get("title")
        if title is not None and (not isinstance(title, str) or not one_line(title)):
            raise ValueError("has a 'title' that is not a line of text")
        place = None
        if "city" in row or "region" in row:
            city, region = row.get("city"), row.get("region")
            if region not in REGIONS or (city is None) == (region == "henan") or (city is not None and city not in cities()):
                raise ValueError(f"has a city and region that do not go together ({city!r}, {region!r})")
            place = (city, region)
        junk = row.get("junk", False)
        if not isinstance(junk, bool):
            raise ValueError("has a 'junk' that is not true or false")
        return cls(anchor, title, place, junk)


# ---- what a person may type ------------------------------------------------------------------------------


@cache
def cities() -> tuple[str, ...]:
    """Henan's prefecture-level cities as the gazetteer names them (郑州市 …), in its order."""
    return tuple(d.name for d in divisions() if d.level == "city")


NO_CITY: dict[str, str] = {REGIONS[region]: region for region in ("province", "outside", "unknown")}
"""The tree's groups for an article without a city (全省 …), which a city may be set to, and their regions."""


def place_choices() -> tuple[str, ...]:
    """What a city may be set to: a city, or one of the tree's groups for an article without one."""
    return (*cities(), *NO_CITY)


def read_title(text: str) -> str | None:
    """A typed title as one clean line; ``None`` for nothing typed (back to what extraction found).
    ``ValueError`` with the reason when it cannot be a title."""
    title = one_line(text)
    if len(title) > TITLE_CHARACTERS:
        raise ValueError(f"A title is one line of at most {TITLE_CHARACTERS} characters; this one has {len(title)}.")
    return title or None


def read_place(text: str) -> tuple[str | None, str] | None:
    """A typed city as (city, region): ``漯河`` or ``漯河市``, or 全省, 河南省外, 未定位 for an article with no
    city; ``None`` for nothing typed (back to what extraction found). ``ValueError`` naming the choices."""
    name = one_line(text)
    if not name:
        return None
    if name in NO_CITY:
        return None, NO_CITY[name]
    for city in cities():
        if name in (city, city.removesuffix("市")):
            return city, "henan"
    raise ValueError(f"{name} is not a city of Henan; type one of {'、'.join(place_choices())}, or nothing for "
                     "what extraction found.")


# ---- applying corrections -----------------------------------------------------------------------------------


def corrected(article: Article, correction: Correction) -> Article:
    """``article`` (as extracted) with ``correction`` applied; a value the extractor now gives itself is no
    correction any more (it stays in the file, harmless)."""
    changes: dict[str, Any] = {}
    extracted: dict[str, Any] = {}
    if correction.title is not None and correction.title != article.title:
        changes["title"], extracted["title"] = correction.title, article.title
    if correction.place is not None and correction.place != (article.city, article.region):
        changes["city"], changes["region"] = correction.place
        extracted["city"], extracted["region"] = article.city, article.region
    if not changes and not correction.junk:
        return article
    return replace(article, **changes, extracted=extracted, junk=correction.junk)


def extracted_form(article: Article) -> Article:
    """The article as extraction gave it, whatever was corrected."""
    if not article.extracted and not article.junk:
        return article
    return replace(article, **article.extracted, extracted={}, junk=False)


def _likeliest(pairs: Iterable[tuple[int, Anchor, Article]]) -> int | None:
    """Of (key, anchor, article) pairs, the key of the one whose article its anchor most surely stands for (by
    the signs, then the nearest first line); None when no anchor stands for its article at all."""
    scored = [(anchor.score(article), -abs(article.first_line - anchor.first_line), key) for key, anchor, article in pairs]
    best = max((entry for entry in scored if entry[0]), default=None)
    return best[2] if best is not None else None


@dataclass
class Applied:
    """One reading of the library with the corrections applied."""

    articles: list[Article]  # library order, junk included
    orphans: int = 0  # corrections that found no article

    @cached_property
    def by_id(self) -> dict[str, Article]:
        return {article.id: article for article in self.articles}


def apply(articles: list[Article], corrections: Sequence[Correction]) -> Applied:
    """The articles with each correction applied to the article it belongs to (see the module's notes)."""
    if not corrections:
        return Applied(articles)
    position = {article.id: number for number, article in enumerate(articles)}
    placed: dict[int, Correction] = {}
    loose = []
    for correction in corrections:
        number = position.get(correction.anchor.id)
        if number is None or number in placed:
            loose.append(correction)
        else:
            placed[number] = correction
    orphans = 0
    if loose:
        by_source: dict[str, list[int]] = defaultdict(list)
        for number, article in enumerate(articles):
            if number not in placed:
                by_source[article.source].append(number)
        for correction in loose:
            free = by_source.get(correction.anchor.source, ())
            number = _likeliest((n, correction.anchor, articles[n]) for n in free if n not in placed)
            if number is None:
                orphans += 1
            else:
                placed[number] = correction
    corrected_articles = list(articles)
    for number, correction in placed.items():
        corrected_articles[number] = corrected(articles[number], correction)
    return Applied(corrected_articles, orphans)


# ---- the file ----------------------------------------------------------------------------------------------


class CorrectionsStorage(Storage):
    """TinyDB's storage for the corrections file: read whole and checked, replaced atomically under its lock."""

    def __init__(self, path: str | os.PathLike, lock: WriteLock | None = None) -> None:
        super().__init__()
        self.path = Path(path)
        self.lock = lock

    def read(self) -> dict[str, Any] | None:
        try:
            payload = self.path.read_bytes()
        except FileNotFoundError:
            return None
        except OSError as exc:
            raise self._damaged(f"it cannot be read: {exc.strerror or exc}") from None
        try:
            data = json.loads(payload.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise self._damaged(f"not valid JSON: {exc}") from None
        if not isinstance(data, dict) or not isinstance(data.get(TABLE, {}), dict):
            raise self._damaged(f"no table {TABLE!r} of records")
        meta = data.get("meta", {}).get("1") if isinstance(data.get("meta"), dict) else None
        schema = meta.get("schema") if isinstance(meta, dict) else None
        if not isinstance(schema, int) or isinstance(schema, bool):
            raise self._damaged("its schema version is missing")
        if schema > SCHEMA:
            raise FiveStarError(f"corrections file {path_text(self.path)} was written by a newer five-star-tui; upgrade "
                                "to use it (your corrections are not applied meanwhile)")
        return data

    def write(self, data: dict[str, Any]) -> None:
        if self.lock is None or not self.lock.held:
            raise RuntimeError("corrections written without holding their lock")
        data = {"meta": {"1": {"schema": SCHEMA}}, **{name: table for name, table in data.items() if name != "meta"}}
        payload = json.dumps(data, ensure_ascii=False, indent=1) + "\n"
        try:
            remove_stale_temps(self.path)
            write_atomically(self.path, payload.encode("utf-8"), keep_backup=True)
        except OSError as exc:
            raise FiveStarError(f"could not save your correction in {path_text(self.path)}: {exc.strerror or exc}; "
                                "the file is unchanged") from None

    def _damaged(self, reason: str) -> FiveStarError:
        return damaged(self.path, reason)


def damaged(path: Path, reason: str) -> FiveStarError:
    backup = backup_path(path)
    advice = f"its version before the last edit is {path_text(backup)}" if backup.is_file() else "move it away to start again"
    return FiveStarError(f"corrections file {path_text(path)} is damaged ({reason}); your corrections are not applied "
                         f"until it is mended ({advice})")


def _rows(data: dict[str, Any] | None, path: Path) -> list[tuple[int, Correction]]:
    """(doc id, correction) of every row, in the order written; ``FiveStarError`` for the first bad one."""
    found = []
    for doc_id, row in (data or {}).get(TABLE, {}).items():
        try:
            if not str(doc_id).isdigit():
                raise ValueError("has an id that is not a number")
            found.append((int(doc_id), Correction.from_row(row)))
        except ValueError as exc:
            raise damaged(path, f"row {doc_id!r} {exc}") from None
    return found


Edit = Callable[[Correction], Correction]


class CorrectionsFile:
    """The corrections beside one library: read them (``read``), change one article's (``set_title`` …)."""

    def __init__(self, library: Path, *, lock_timeout: float = LOCK_TIMEOUT) -> None:
        self.path = corrections_path(library)
        self.lock_timeout = lock_timeout

    def stamp(self) -> tuple[int, int, int] | None:
        """The file's identity: replaced atomically on every edit, so any edit alters it."""
        try:
            st = os.stat(self.path)
        except OSError:
            return None
        return st.st_size, st.st_mtime_ns, st.st_ino

    def read(self) -> list[Correction]:
        """Every correction; ``FiveStarError`` (one line naming the file) when the file is damaged."""
        return [correction for _, correction in _rows(CorrectionsStorage(self.path).read(), self.path)]

    def problem(self) -> str | None:
        """Why the corrections cannot be applied, in one line; None when they can (or there are none)."""
        try:
            self.read()
        except FiveStarError as exc:
            return str(exc)
        return None

    def set_title(self, article: Article, text: str, *, other_ids: Collection[str] = ()) -> Article:
        """Give ``article`` the title typed (nothing typed: extraction's again); the article as corrected now.

        ``other_ids`` are the ids of the other articles the caller knows of: a correction of one of them
        is never taken for this article's (see ``_find``). ``ValueError`` for a title that cannot be one.
        """
        title = read_title(text)
        return self._edit(article, lambda c: replace(c, title=title), other_ids)

    def set_city(self, article: Article, text: str, *, other_ids: Collection[str] = ()) -> Article:
        """As ``set_title``, for the city (see ``read_place`` for what may be typed)."""
        place = read_place(text)
        return self._edit(article, lambda c: replace(c, place=place), other_ids)

    def set_junk(self, article: Article, junk: bool, *, other_ids: Collection[str] = ()) -> Article:
        """Mark ``article`` as junk (left out of the tree, searches, counts and exports) or restore it."""
        return self._edit(article, lambda c: replace(c, junk=junk), other_ids)

    def _edit(self, article: Article, edit: Edit, other_ids: Collection[str]) -> Article:
        extracted = extracted_form(article)
        lock = WriteLock(self.path, self.lock_timeout)
        try:
            lock.acquire()
        except FiveStarError as exc:
            raise FiveStarError(f"could not save your correction: {exc}") from None
        try:
            db = TinyDB(self.path, storage=CorrectionsStorage, lock=lock)
            try:
                table = db.table(TABLE)
                rows = _rows(db.storage.read(), self.path)  # checked before anything is written over
                found = _find(extracted, rows, set(other_ids) - {article.id})
                before = dict(rows)[found] if found is not None else Correction(Anchor.of(extracted))
                after = replace(edit(before), anchor=Anchor.of(extracted))  # anchored to the article as it is now
                if after.empty:
                    if found is not None:
                        table.remove(doc_ids=[found])
                elif found is not None:
                    table.update(_replaced_by(after.row()), doc_ids=[found])
                else:
                    table.insert(after.row())
            finally:
                db.close()
        finally:
            lock.release()
        return corrected(extracted, after)


def _replaced_by(row: dict[str, Any]) -> Callable[[MutableMapping[str, Any]], None]:
    """For ``Table.update``, which otherwise merges: a field no longer corrected must go."""

    def replace_row(stored: MutableMapping[str, Any]) -> None:
        stored.clear()
        stored.update(row)

    return replace_row


def _find(article: Article, rows: list[tuple[int, Correction]], other_ids: Collection[str]) -> int | None:
    """The doc id of the row that belongs to ``article`` (as extracted): by its id, else by its anchor among
    the rows of no other known article."""
    for doc_id, correction in rows:
        if correction.anchor.id == article.id:
            return doc_id
    return _likeliest(
        (doc_id, correction.anchor, article)
        for doc_id, correction in rows
        if correction.anchor.source == article.source and correction.anchor.id not in other_ids
    )


class LibraryCorrections:
    """What ``Library`` keeps to apply the corrections: the applied articles of the last reading, made again
    when the library was read again or the corrections file changed (another app's edit)."""

    def __init__(self, library: Path) -> None:
        self.file = CorrectionsFile(library)
        self.problem: str | None = None  # one line when the file is damaged: its corrections are left out
        self._made_from: tuple[list[Article], tuple[int, int, int] | None] | None = None
        self._applied = Applied([])

    def forget(self) -> None:
        """Let go of the articles (``Library.close``)."""
        self._made_from, self._applied = None, Applied([])

    @property
    def orphans(self) -> int:
        """Corrections that found no article in the last reading (their pages may come back)."""
        return self._applied.orphans

    def applied(self, articles: list[Article]) -> Applied:
        stamp = self.file.stamp()
        made_from = self._made_from
        if made_from is None or made_from[0] is not articles or made_from[1] != stamp:
            try:
                corrections = self.file.read() if stamp is not None else []
                self.problem = None
            except FiveStarError as exc:
                corrections, self.problem = [], str(exc)
            self._applied = apply(articles, corrections)
            self._made_from = (articles, stamp)
        return self._applied
