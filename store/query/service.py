"""One query service for the command line and the app: the same hits, the same warnings, the same refusals.

- An empty query asks for nothing: every article, in library order (``Answer.everything``).
- A query whose every part was ignored (``kind:banana``, ``value>=abc``, ``city:``) is *refused*: it must
  never widen silently to the whole library. The answer has no hits and says why.
- A query with usable parts and ignored ones answers the usable parts and carries the warnings, which
  the command line prints on stderr and the app shows in its status line.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from five_star.store.model import Article
from five_star.store.query.search import Hit, Query, SearchIndex, parse_query
from five_star.store.query.search.saved import SavedIndex


@dataclass(frozen=True)
class Answer:
    text: str  # the query as typed
    query: Query
    hits: list[Hit]  # ranked; empty when nothing matched, when refused, and for an empty query
    pending: bool = False  # asked before the articles were read, of filters only they can answer: ask again

    @property
    def everything(self) -> bool:
        """Nothing was asked: every article is shown."""
        return not self.text.strip()

    @property
    def refused(self) -> bool:
        """Something was typed but nothing in it could be used."""
        return bool(self.text.strip()) and self.query.is_empty

    @property
    def warnings(self) -> tuple[str, ...]:
        return self.query.warnings

    @property
    def problem(self) -> str | None:
        """One line for a person: why the query was refused, or which parts were ignored; None when all was used."""
        if self.refused:
            reasons = "; ".join(self.warnings) or "no words or filters"
            return f"nothing usable in the query: {reasons}"
        if self.warnings:
            return "ignored " + "; ".join(self.warnings)
        return None


def read_query(text: str) -> Answer:
    """Parse ``text`` without searching: enough to tell whether it would be refused, and why."""
    return Answer(text, parse_query(text), [])


class QueryService:
    """Answers queries over a fixed list of articles (make a new one when the library changes).

    ``indexed`` builds the search index (in a background thread unless ``background`` is false): worth it
    for an app that answers many queries; one query from the command line checks every article instead.
    With ``saved`` the index is read from where a previous launch saved it, when it still matches, and
    saved there once built otherwise; ``early``, the service that answered before the articles were read
    (``before_articles``), gives its index over.
    """

    index: SearchIndex

    def __init__(self, articles: Iterable[Article], *, indexed: bool = True, background: bool = True,
                 saved: SavedIndex | None = None, early: QueryService | None = None) -> None:
        self.index = SearchIndex(articles, indexed=indexed, background=background, saved=saved,
                                 early=early.index if early is not None else None)

    @classmethod
    def before_articles(cls, ids: list[str], saved: SavedIndex) -> QueryService | None:
        """Answers words and phrases from the saved index before the articles are read (``SearchIndex.
        before_articles``); a query with filters gets a ``pending`` answer. None when nothing saved matches."""
        index = SearchIndex.before_articles(ids, saved)
        if index is None:
            return None
        service = cls.__new__(cls)
        service.index = index
        return service

    def answer(self, text: str) -> Answer:
        asked = read_query(text)
        if asked.everything or asked.refused:
            return asked
        if self.index.needs_articles(asked.query):
            return Answer(text, asked.query, [], pending=True)
        return Answer(text, asked.query, self.index.search(asked.query))
