"""The person's corrections in the browse screen: a title or city set by hand, an item marked as junk.

``CorrectionDialog`` asks for a title or a city; ``Corrections`` does the rest for the browse screen. Each
change is saved (``store/library/corrections.py``) in a worker thread, which then works out what the
screen shows from then on, as a reading of the library would give it: the articles with the corrected one
and the tree's index (junk left out unless ``H`` shows it). The screen swaps that in as it does a library
changed on disk (``BrowseScreen.reload_library``), so the cursor, the open groups, the selection and the
search stay; a retitled article keeps the cursor, and one that moved to another city takes it there. A new
query service (titles, cities and junk all change what a search finds) follows: folding every text again
takes most of a second at 20,000 articles, and the tree should not wait for it.

Only one change is saved at a time: a key pressed meanwhile is refused with a notice rather than queued,
because it was meant for the article as it was shown, and saving takes milliseconds.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass
from itertools import chain
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.suggester import SuggestFromList
from textual.widgets import Button, Input, Label

from five_star.store.errors import FiveStarError
from five_star.store.library.corrections import (
    NO_CITY,
    CorrectionsFile,
    cities,
    extracted_form,
    place_choices,
    read_place,
    read_title,
)
from five_star.store.library.library import Library
from five_star.store.library.storage import freeze_after
from five_star.store.model import Article
from five_star.store.query.browse import BrowseIndex, city_key, summary_cache_path
from five_star.store.query.service import Answer, QueryService
from five_star.store.sanitize import one_line
from five_star.tui.screens.dialog import Dialog
from five_star.tui.widgets.article_tree import ArticleTree
from five_star.tui.widgets.text_input import TextInput

if TYPE_CHECKING:
    from five_star.tui.screens.browse import BrowseScreen

TITLE, CITY = "title", "city"


class CorrectionDialog(Dialog[str | None]):
    """Asks for an article's title or city; answers the text typed once it is one (nothing typed: back to what
    extraction found), or None when cancelled."""

    DEFAULT_CSS = """
    CorrectionDialog {
        #correct-error { color: $text-error; }
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", tooltip="Close the dialog without changing anything",
                id="correct.cancel"),
    ]
    AUTO_FOCUS = "#correct-value"

    def __init__(self, field: str, article: Article) -> None:
        super().__init__()
        self.field = field
        self.article = article

    def compose(self) -> ComposeResult:
        article, extracted = self.article, extracted_form(self.article)
        if self.field == TITLE:
            heading, current, found = "Title", article.title or "", extracted.title or "(untitled)"
            hint = "Enter saves. Empty: back to the extracted title."
            suggester = None
        else:
            heading, found = "City", city_key(extracted)
            # An article without a city shows its group (全省 …) only when the person put it there.
            current = city_key(article) if CITY in article.extracted else article.city or ""
            hint = (f"A city of Henan ({'、'.join(cities())}), or {'、'.join(NO_CITY)} for an article without one; "
                    "→ takes the completion. Enter saves. Empty: back to the extracted city.")
            suggester = SuggestFromList(place_choices())
        with Vertical(id="correct-dialog", classes="dialog"):
            yield Label(f"{heading} of the article", classes="dialog-title")
            yield Label(Text(one_line(article.label)), id="correct-article")
            yield Label(Text(f"Extracted: {one_line(found)}"), id="correct-extracted")
            yield TextInput(value=current, suggester=suggester, id="correct-value")
            yield Label("", id="correct-error")
            yield Label(Text(hint), classes="dialog-hint")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Save", variant="primary", id="correct-save")
                yield Button("Cancel", id="correct-cancel")

    @on(Input.Changed, "#correct-value")
    def _typed(self) -> None:
        self.query_one("#correct-error", Label).update("")  # whatever was wrong was about the text as it was

    @on(Input.Submitted, "#correct-value")
    @on(Button.Pressed, "#correct-save")
    def _submit(self) -> None:
        text = self.query_one("#correct-value", Input).value
        try:
            read_title(text) if self.field == TITLE else read_place(text)
        except ValueError as exc:
            self.query_one("#correct-error", Label).update(Text(str(exc)))
            return
        self.dismiss(text)

    @on(Button.Pressed, "#correct-cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)


Change = Callable[[CorrectionsFile, Article, frozenset[str]], Article]


@dataclass(frozen=True)
class Reading:
    """What the browse screen shows after a change, as ``tui/live.py`` reads a library changed on disk."""

    articles: dict[str, Article]  # junk included, as far as it has been read
    index: BrowseIndex
    service: QueryService
    answer: Answer | None  # the search as typed when the change began, answered; None with no search


class Corrections:
    """The browse screen's corrections: its ``E``, ``C``, ``X`` and ``H`` keys, and the junk it shows."""

    def __init__(self, screen: BrowseScreen) -> None:
        self.screen = screen
        self.show_junk = False
        self.busy = False  # a change is being saved or shown
        # The articles (by identity) the library's junk items were read into, so ``H`` reads them once.
        self._junk_read_into: dict[str, Article] | None = None

    # ---- the keys -----------------------------------------------------------------------------------

    def edit_title(self) -> None:
        self._ask(TITLE, lambda file, article, others, text: file.set_title(article, text, other_ids=others))

    def set_city(self) -> None:
        self._ask(CITY, lambda file, article, others, text: file.set_city(article, text, other_ids=others))

    def toggle_junk(self) -> None:
        article = self._article()
        if article is not None:
            junk = not article.junk
            self._save(article, lambda file, article, others: file.set_junk(article, junk, other_ids=others))

    def toggle_shown_junk(self) -> None:
        screen = self.screen
        if not self._ready():
            return
        self.show_junk = not self.show_junk
        articles, service, query, path = screen.articles, screen.service, screen.search_query, screen.library_path
        assert service is not None  # _ready saw to it
        read = self.show_junk and self._junk_read_into is not articles

        def show() -> None:
            try:
                reading = self._reading(_with_junk(path) if read else articles, query, service)
            except (FiveStarError, OSError) as exc:
                screen.app.call_from_thread(self._failed, f"The items marked as junk cannot be read: {exc}")
                return
            screen.app.call_from_thread(self._shown_junk, reading, read)

        self._run(show, "show or hide the items marked as junk")

    def junk_ids(self) -> frozenset[str]:
        """The items marked as junk that the tree shows (none unless ``H`` shows them)."""
        if not self.show_junk:
            return frozenset()
        return frozenset(article_id for article_id, article in self.screen.articles.items() if article.junk)

    def junk_note(self, ids: list[str]) -> str:
        """For the export dialog: how many of the items it would write are marked as junk, if any."""
        articles = self.screen.articles
        junk = sum(1 for article_id in ids if articles[article_id].junk) if self.show_junk else 0
        return f" {junk:,} of them marked as junk (shown by H), with “junk” in their corrected column." if junk else ""

    def check_file(self) -> None:
        """Say once, at launch, when the corrections file is damaged: its corrections are not applied."""
        file, screen = CorrectionsFile(self.screen.library_path), self.screen

        def check() -> None:
            problem = file.problem()
            if problem is not None:
                screen.app.call_from_thread(screen.notify, problem, title="Corrections", severity="error",
                                            markup=False, timeout=30)

        screen.run_worker(check, thread=True, group="corrections-check", description="check the corrections file")

    # ---- asking, saving, showing ---------------------------------------------------------------------

    def _ready(self) -> bool:
        screen = self.screen
        if screen.reading or screen.service is None:
            screen.notify("The library is still being read; try again in a moment.", severity="warning")
            return False
        if self.busy:
            screen.notify("Still saving the last correction; press the key again in a moment.", severity="warning")
            return False
        return True

    def _article(self) -> Article | None:
        """The article under the cursor, if corrections can be made now."""
        if not self._ready():
            return None
        node = self.screen.query_one(ArticleTree).cursor_node
        article_id = node.data.article_id if node is not None and node.data is not None else None
        article = self.screen.articles.get(article_id) if article_id is not None else None
        if article is None:
            self.screen.notify("Put the cursor on an article first.", severity="warning")
        return article

    def _ask(self, field: str, change: Callable[[CorrectionsFile, Article, frozenset[str], str], Article]) -> None:
        article = self._article()
        if article is None:
            return

        def answered(text: str | None) -> None:
            if text is not None:
                self._save(article, lambda file, article, others: change(file, article, others, text))

        self.screen.app.push_screen(CorrectionDialog(field, article), answered)

    def _save(self, article: Article, change: Change) -> None:
        if not self._ready():  # a dialog's answer may come after another change began
            return
        screen = self.screen
        articles, service, query, path = screen.articles, screen.service, screen.search_query, screen.library_path
        assert service is not None  # _ready saw to it

        def save() -> None:
            try:
                saved = change(CorrectionsFile(path), article, frozenset(articles))
            except (FiveStarError, ValueError) as exc:
                screen.app.call_from_thread(self._failed, str(exc))
                return
            with suppress(OSError):  # the tree's cached summaries are out of date: the next launch makes them anew
                summary_cache_path(path).unlink(missing_ok=True)
            changed = {**articles, saved.id: saved}
            # The tree first (a tenth of a second at 20,000 articles), then search, which sees titles, cities and
            # junk: folding every text again takes the best part of a second.
            screen.app.call_from_thread(self._saved, article, saved, self._reading(changed, query, service), articles)
            searchable = QueryService([article for article in changed.values() if not article.junk])
            screen.app.call_from_thread(self._searchable, changed, searchable)

        self._run(save, "save a correction")

    def _run(self, work: Callable[[], None], description: str) -> None:
        self.busy = True
        self.screen.run_worker(work, thread=True, group="corrections", description=description)

    def _reading(self, articles: dict[str, Article], query: str, service: QueryService) -> Reading:
        """What the screen shows with ``articles`` (in a worker thread), searched by ``service`` until a new one
        has been made for them."""
        shown = [article for article in articles.values() if self.show_junk or not article.junk]
        return Reading(articles, BrowseIndex.of(shown, self.screen.grouping), service, service.answer(query) if query.strip() else None)

    def _saved(self, before: Article, saved: Article, reading: Reading, base: dict[str, Article]) -> None:
        screen = self.screen
        screen.notify(_what_changed(before, saved), title="Correction saved", markup=False)
        if screen.articles is not base:  # the library was read again meanwhile: once more, with this change
            query, path = screen.search_query, screen.library_path
            self._run(lambda: self._read_again(path, query), "read the library again with a correction")
            return
        tree = screen.query_one(ArticleTree)
        # The cursor's article goes away: the cursor goes to the next article shown, else the one before.
        neighbour = _nearest_other(tree, saved.id) if saved.junk and not self.show_junk else None
        if self._junk_read_into is screen.articles:
            self._junk_read_into = reading.articles  # made from them, so it holds the junk read too
        self._show(reading)
        if neighbour is not None:
            screen.go_to_article(neighbour)

    def _read_again(self, path: Path, query: str) -> None:
        try:
            articles = _with_junk(path)
        except (FiveStarError, OSError) as exc:
            self.screen.app.call_from_thread(self._failed, f"The library cannot be read again: {exc}")
            return
        service = QueryService([article for article in articles.values() if not article.junk])
        self.screen.app.call_from_thread(self._shown_junk, self._reading(articles, query, service), True)

    def _searchable(self, articles: dict[str, Article], service: QueryService) -> None:
        if self.screen.articles is articles:  # else a later change (or a library read again) has its own
            self.screen.open_search(service)

    def _shown_junk(self, reading: Reading, read: bool) -> None:
        if read:
            self._junk_read_into = reading.articles
        self._show(reading)

    def _show(self, reading: Reading) -> None:
        self.busy = False
        self.screen.reload_library(reading.articles, reading.index, reading.service, reading.answer)

    def _failed(self, reason: str) -> None:
        self.busy = False
        self.screen.notify(reason, title="Correction not saved", severity="error", markup=False, timeout=15)


def _nearest_other(tree: ArticleTree, article_id: str) -> str | None:
    """The article on the nearest line below the cursor that is another article, else above it."""
    for line in chain(range(tree.cursor_line + 1, tree.last_line + 1), range(tree.cursor_line - 1, -1, -1)):
        node = tree.get_node_at_line(line)
        if node is not None and node.data is not None and node.data.article_id not in (None, article_id):
            return node.data.article_id
    return None


def _with_junk(path: Path) -> dict[str, Article]:
    """Every article of the library, junk included (``Library.articles`` leaves junk out by default)."""
    with freeze_after(), Library.open(path, create=False) as library:
        return {article.id: article for article in library.articles(junk=True)}


def _what_changed(before: Article, after: Article) -> str:
    """One line for the notice."""
    if after.junk != before.junk:
        if after.junk:
            return f"Marked as junk: {one_line(after.label)} (hidden from the tree, searches and exports)"
        return f"Restored: {one_line(after.label)}"
    if after.title != before.title:
        if TITLE in after.extracted:
            return f"Title set: {one_line(after.title)}"
        return f"Title back to the extracted one: {one_line(after.label)}"
    if (after.city, after.region) != (before.city, before.region):
        where = "set" if CITY in after.extracted else "back to the extracted one"
        return f"City {where}: {city_key(after)} ({one_line(after.label)})"
    return f"Nothing changed: {one_line(after.label)}"
