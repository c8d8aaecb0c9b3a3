"""``SearchIndex``: matching and ranking over a fixed list of articles."""

from __future__ import annotations

import copy
import threading
from collections.abc import Iterable, Sequence
from itertools import compress, groupby

from five_star.store.library.storage import gc_paused
from five_star.store.model import Article
from five_star.store.query.search.filters import Facets, FigureSets
from five_star.store.query.search.fold import fold
from five_star.store.query.search.hits import (
    Hit,
    Span,
    SpanSource,
    find_spans,
    make_hits,
    packed,
)
from five_star.store.query.search.language import Query, parse_query, warm_up
from five_star.store.query.search.postings import Indexes, Postings
from five_star.store.query.search.saved import FrozenPostings, SavedIndex
from five_star.store.query.search.sets import Bits, array_typecode


class SearchIndex:
    """Search over a fixed list of articles (build a new index when the library changes).

    Construction folds every title and text (about 0.5 s at 20,000 articles). The index then takes a few
    seconds more at that size: by default it is built in a background thread and used as soon as it is
    ready; until then a query checks every article (the same answers, tens of milliseconds at 20,000).
    ``background=False`` builds it before returning; ``indexed=False`` never builds it (the cheaper choice
    for a single query, as on the command line). Safe to query from several threads at once.
    """

    _titles: list[str]
    _docs: Sequence[str]  # a list, or the saved file's ``DiskTexts``

    def __init__(self, articles: Iterable[Article], *, indexed: bool = True, background: bool = True,
                 saved: SavedIndex | None = None, early: SearchIndex | None = None) -> None:
        self.articles = list(articles)
        self._ids = packed([a.id for a in self.articles])
        self._positions: dict[str, int] | None = None
        self._bits = Bits(len(self.articles))
        self._saved = saved
        self._index: Indexes | None = None
        self._ready = threading.Event()
        with gc_paused():
            # The index read before these very articles (``before_articles``) is taken over, not read again:
            # at 100,000 articles a second copy of its postings would be hundreds of MB.
            adopted = early is not None and early._index is not None and early._ids == self._ids
            restored = saved.load(self.articles) if saved is not None and indexed and not adopted else None
            if adopted and early is not None:
                self._titles, self._docs, self._index = early._titles, early._docs, early._index
                self._bits = early._bits
                self._ready.set()
            elif restored is not None:
                self._titles, self._docs = restored["titles"], restored["docs"]
                self._index = Indexes(*(Postings.restored(texts, self._bits, **restored[name])
                                        for texts, name in ((self._docs, "docs_index"), (self._titles, "titles_index"))))
                self._ready.set()
            else:
                self._titles = [fold(a.title or "") for a in self.articles]
                # "\n" never survives folding, so a query can never match across the title/text seam.
                self._docs = [title + "\n" + fold(a.text) for title, a in zip(self._titles, self.articles, strict=True)]
            self._facets: Facets | None = Facets(self.articles, self._bits)
            self._figures: FigureSets | None = FigureSets(self.articles, self._bits)
        if not indexed or restored is not None or adopted:
            return
        if background:
            threading.Thread(target=self._build, name="search-index", daemon=True).start()
        else:
            self._build()

    def _build(self) -> None:
        warm_up()  # an index serves many queries: none of them should wait for jieba
        docs, titles = Postings(self._docs, self._bits, words=True), Postings(self._titles, self._bits)
        typecode = array_typecode(self._bits.size)
        for postings in (docs, titles):  # kept as bytes, as a saved index is read back: far fewer objects
            postings.postings = FrozenPostings.of(postings.postings, typecode)
        if self._saved is not None:  # first, so that whoever sees the index ready can count on the file too
            self._saved.save(self.articles, self._titles, self._docs, (docs, titles), typecode)
            saved = self._saved.load(self.articles)
            if saved is not None:  # the texts as saved: on disk, no longer in this process's memory
                docs.texts = self._docs = saved["docs"]
        self._index = Indexes(docs, titles)
        self._ready.set()

    @classmethod
    def before_articles(cls, ids: list[str], saved: SavedIndex) -> SearchIndex | None:
        """An index read from where a launch saved it, for the articles ``ids`` (library order) before the
        articles themselves are read (seconds at 100,000): it answers words and phrases; a query with filters
        needs the articles (``needs_articles``), and hits carry no spans. None when nothing saved matches."""
        restored = saved.load_for_ids(ids)
        if restored is None:
            return None
        index = cls.__new__(cls)
        index.articles, index._ids, index._positions, index._bits = [], packed(ids), None, Bits(len(ids))
        index._saved, index._ready = None, threading.Event()
        index._titles, index._docs = restored["titles"], restored["docs"]
        index._index = Indexes(*(Postings.restored(texts, index._bits, **restored[name])
                                 for texts, name in ((index._docs, "docs_index"), (index._titles, "titles_index"))))
        index._facets = index._figures = None
        index._ready.set()
        return index

    def needs_articles(self, query: Query) -> bool:
        """Whether answering ``query`` needs what only the articles hold (filters) and this index has none."""
        return self._facets is None and bool(query.filters or query.dates or query.figure)

    def scanning(self) -> SearchIndex:
        """The same articles, folded texts and filter maps, without the index: every query checks every
        article. The reference the index is tested and measured against."""
        scanner = copy.copy(self)
        scanner._index, scanner._ready = None, threading.Event()
        return scanner

    def wait_until_indexed(self, timeout: float | None = None) -> bool:
        """Block until the index is in use (False on timeout, or if none is being built)."""
        return self._ready.wait(timeout)

    @property
    def indexed(self) -> bool:
        return self._ready.is_set()

    def __len__(self) -> int:
        return len(self._ids)

    # ---- matching --------------------------------------------------------------------------------------

    def matching(self, query: Query) -> list[int]:
        """Positions (in ``articles``) of the matching articles, in library order, unranked."""
        index = self._index
        if index is None:
            return self.scan(query)
        return self._bits.members(self._matched(index.docs, query))

    def _matched(self, docs: Postings, query: Query) -> int:
        filtered = self._filtered(query)
        within = self._bits.all if filtered is None else filtered
        # Rarest needle first: the later ones then only narrow a small set.
        positive = sorted(query.needles, key=docs.estimate)
        for needle in positive:
            within = docs.candidates(needle, within)
        if within:
            within = docs.verified([needle for needle in positive if not docs.exact(needle)], within)
        for needle in query.excluded:
            if within:
                within &= ~docs.containing(needle, within)
        return within

    def _filtered(self, query: Query) -> int | None:
        """Articles passing the query's filters (None when it has none)."""
        facets, figures = self._facets, self._figures
        if not (query.filters or query.dates or query.figure):
            return None
        if facets is None or figures is None:
            raise LookupError("a query with filters needs the articles, not read yet")  # callers ask first
        chosen: int | None = None
        for test in query.filters:
            if not test.negated:
                found = facets.matching(test)
                chosen = found if chosen is None else chosen & found
        for date_test in query.dates:
            if not date_test.negated:
                found = facets.published(date_test)
                chosen = found if chosen is None else chosen & found
        together = [t for t in query.figure if not t.negated]
        if together:
            found = figures.articles(together)
            chosen = found if chosen is None else chosen & found
        negated = [facets.matching(t) for t in query.filters if t.negated]
        negated += [figures.articles([t]) for t in query.figure if t.negated]
        negated += [facets.published(t) for t in query.dates if t.negated]
        if negated:
            chosen = self._bits.all if chosen is None else chosen
            for found in negated:
                chosen &= ~found
        return chosen

    def scan(self, query: Query) -> list[int]:
        """The same answer as the index by checking every article: the fallback, and the reference it is tested against."""
        allowed = self._filtered(query)
        pool = list(range(len(self._docs))) if allowed is None else self._bits.members(allowed)
        docs = self._docs
        for needle in query.needles:
            pool = [n for n in pool if needle in docs[n]]
        for needle in query.excluded:
            pool = [n for n in pool if needle not in docs[n]]
        return pool

    # ---- ranking ---------------------------------------------------------------------------------------

    def search(self, query: str | Query) -> list[Hit]:
        """Ranked hits for ``query`` (a string in the query language, or a parsed ``Query``).

        Query words in the title count 10 (shared among the words), each unbroken run 1 (shared); equal
        scores keep library order.
        """
        if not isinstance(query, Query):
            query = parse_query(query)
        index = self._index
        # Thousands of short-lived hits: collecting in the middle would only promote them to older generations,
        # and the full collections that follow rescan the whole loaded library (hundreds of ms at 20,000).
        groups: list[tuple[float, Iterable[str]]]
        with gc_paused():
            if index is None:
                ids = self._ids
                groups = [(score, map(ids.__getitem__, numbers)) for score, numbers in self._ranked(self.scan(query), query)]
            else:
                found = self._ranked_by_index(index, self._matched(index.docs, query), query)
                groups = [(score, compress(self._ids, self._bits.flags(mask))) for score, mask in found]
            return make_hits(groups, SpanSource(self, query.needles))

    def _ranked(self, numbers: list[int], query: Query) -> list[tuple[float, list[int]]]:
        """Ranking by checking each hit's title (and text, for runs): (score, articles) groups, best first."""
        titles, docs = self._titles, self._docs
        scores: dict[int, float] = {}
        for weight, texts, needles in ((10.0, titles, query.needles), (1.0, docs, query.runs)):
            share = weight / len(needles) if needles else 0.0
            for needle in needles:
                for n in [n for n in numbers if needle in texts[n]]:
                    scores[n] = scores.get(n, 0.0) + share
        ranked = sorted(scores, key=lambda n: (-scores[n], n))
        groups = [(score, list(group)) for score, group in groupby(ranked, key=scores.__getitem__)]
        unscored = [n for n in numbers if n not in scores]
        return [*groups, (0.0, unscored)] if unscored else groups

    def _ranked_by_index(self, index: Indexes, result: int, query: Query) -> list[tuple[float, int]]:
        """The same groups as ``_ranked``, as sets, with title and run hits taken from the index."""
        marks = [(10.0 / len(query.needles), index.titles.containing(needle, result)) for needle in query.needles]
        marks += [(1.0 / len(query.runs), index.docs.containing(run, result)) for run in query.runs]
        # Split the hits by which marks they carry, adding shares in the order ``_ranked`` adds them, so that
        # equal sums are equal floats; then merge the parts that score the same.
        parts = [(0.0, result)] if result else []
        for share, marked in marks:
            split = []
            for score, part in parts:
                split += [(score + share, part & marked), (score, part & ~marked)]
            parts = [(score, part) for score, part in split if part]
        merged: dict[float, int] = {}
        for score, part in parts:
            merged[score] = merged.get(score, 0) | part
        return [(score, merged[score]) for score in sorted(merged, reverse=True)]

    def position(self, article_id: str) -> int:
        """Where the article with ``article_id`` is in ``articles``."""
        if self._positions is None:
            self._positions = {article_id: number for number, article_id in reversed(list(enumerate(self._ids)))}
        return self._positions[article_id]

    def spans(self, number: int, needles: tuple[str, ...]) -> list[Span]:
        """Where ``needles`` occur in article ``number``'s original title and text."""
        if not self.articles:  # read before the articles: nothing to show spans in yet
            return []
        article = self.articles[number]
        title = self._titles[number]
        text = self._docs[number][len(title) + 1 :]
        return find_spans(article.title or "", title, needles, "title") + find_spans(article.text, text, needles, "text")
