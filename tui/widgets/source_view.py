"""The source view: the raw page lines an article came from, numbered, with the current figure marked.

It takes the place of the cleaned text in the article pane (``r``). The page text is read from the
library and the figures located in it (``source_lines``) in a worker thread; the last few pages are kept,
so toggling back and forth reads nothing again. Raw lines are untrusted: control characters are stripped
piece by piece (so figure offsets stay valid) and they go on screen as ``Text``, never markup.

It also puts the article or its current figure on the clipboard (``y``, ``Y``), since copying a figure
needs the page line it stands on.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from pathlib import Path
from typing import ClassVar

from rich.style import Style
from rich.text import Text
from textual import work
from textual.containers import ScrollableContainer
from textual.geometry import Region
from textual.message import Message
from textual.reactive import reactive

from five_star.store.errors import FiveStarError
from five_star.store.model import Article
from five_star.store.sanitize import one_line, strip_controls
from five_star.tui.widgets.by_width import ByWidth
from five_star.tui.widgets.figure_styles import FigureStyled, kind_class
from five_star.tui.widgets.line_breaks import wrap_lines
from five_star.tui.widgets.source_lines import (
    SourcePage,
    article_clip,
    figure_clip,
    line_span,
    missing_page,
    source_page,
)

PageReader = Callable[[str], str | None]
"""An article id → the stored text of its page (None when not stored); called in a worker thread."""

_KEPT_PAGES = 16  # recent pages kept, each only its article's lines: toggling back needs no reading
_MARKER = "▶"  # before the number of a line holding the current figure
_TITLE_CELLS = 40  # of an article's title in a notice


def library_page_reader(library_path: Path) -> PageReader:
    """Read page texts from the library file at ``library_path`` (read for each page: nothing is held)."""

    def read(article_id: str) -> str | None:
        from five_star.store.library.library import page_text  # lazy: only reading a page needs it

        return page_text(library_path, article_id)

    return read


class PageRead(Message):
    """An article's page text has been read and its figures located (in a worker thread)."""

    def __init__(self, page: SourcePage) -> None:
        super().__init__()
        self.page = page


class SourceView(FigureStyled):
    """The article's raw lines (``first_line``…``last_line``), numbered and wrapped like the cleaned text."""

    DEFAULT_CSS = """
    SourceView {
        & > .source-view--heading { text-style: bold; }
        & > .source-view--marker { text-style: bold; }
    }
    """

    COMPONENT_CLASSES: ClassVar[set[str]] = FigureStyled.COMPONENT_CLASSES | {
        "source-view--heading",
        "source-view--number",
        "source-view--marker",
        "source-view--note",
    }

    current: reactive[int | None] = reactive(None)

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.article: Article | None = None
        self._pages: OrderedDict[str, SourcePage] = OrderedDict()  # recently read, by article id
        self._waiting: dict[str, list[Callable[[SourcePage], None]]] = {}  # pages being read, and who waits
        # The drawn lines and the screen row of each page line by width, for (article, current figure, theme).
        self._laid_out: tuple[tuple[object, ...], dict[int | None, tuple[Text, dict[int, int]]]] = ((), {})

    @property
    def page(self) -> SourcePage | None:
        """The shown article's page, once read."""
        return self._pages.get(self.article.id) if self.article is not None else None

    def show(self, article: Article | None, read: PageReader | None = None, current: int | None = None) -> None:
        """Show ``article``'s page lines (reading them with ``read`` unless kept); None shows nothing."""
        self.article = article
        self.set_reactive(SourceView.current, current)
        if article is not None and read is not None:
            self.when_read(article, read, self._page_shown)
        self.refresh(layout=True)

    def watch_current(self) -> None:
        self.refresh()

    def when_read(self, article: Article, read: PageReader, then: Callable[[SourcePage], None]) -> None:
        """Call ``then`` with the article's page: now if it is kept, else once a worker has read it."""
        page = self._pages.get(article.id)
        if page is not None:
            self._pages.move_to_end(article.id)
            then(page)
            return
        waiting = self._waiting.setdefault(article.id, [])
        waiting.append(then)
        if len(waiting) == 1:
            self._read(article, read)

    @work(thread=True, group="source-page", description="read the page text")
    def _read(self, article: Article, read: PageReader) -> None:
        try:
            page = source_page(article, read(article.id))
        except (FiveStarError, OSError) as exc:  # a library moved or damaged since it was opened
            page = missing_page(article, f"The page text could not be read: {one_line(exc)}")
        self.post_message(PageRead(page))

    def on_page_read(self, message: PageRead) -> None:
        message.stop()
        page = message.page
        self._pages[page.article_id] = page
        while len(self._pages) > _KEPT_PAGES:
            self._pages.popitem(last=False)
        for then in self._waiting.pop(page.article_id, []):
            then(page)

    def _page_shown(self, page: SourcePage) -> None:
        if self.article is not None and self.article.id == page.article_id:
            self.refresh(layout=True)
            if self.display:  # not if the cleaned text is back by now
                self.call_after_refresh(self.scroll_to_current)

    # ---- drawing ---------------------------------------------------------------------------------------

    def render(self) -> Text:
        text = ByWidth(lambda width: self._layout(width)[0])
        text.append_text(self._layout(None)[0])
        return text

    def _layout(self, width: int | None) -> tuple[Text, dict[int, int]]:
        key = (self.article.id if self.article else None, self.page is not None, self.current, self.app.theme)
        if self._laid_out[0] != key:
            self._laid_out = key, {}
        by_width = self._laid_out[1]
        if width not in by_width:
            by_width[width] = self._lay_out(width)
        return by_width[width]

    def _lay_out(self, width: int | None) -> tuple[Text, dict[int, int]]:
        """The view at ``width`` cells (None: lines unwrapped), and the screen row each page line starts on."""
        article, page = self.article, self.page
        text = Text()
        rows: dict[int, int] = {}
        if article is None:
            return text, rows
        style = self.get_component_rich_style
        said = [(f"Page text · {one_line(article.source)} · {line_span(article)}", style("source-view--heading"))]
        if page is None or page.lines is None or page.problem:
            said.append(("Reading the page text…" if page is None else page.problem, style("source-view--note")))
        for said_line, said_style in said:  # wrapped here, so that the rows counted below are the rows drawn
            cuts = wrap_lines(said_line, width) if width is not None else [(0, len(said_line))]
            text.append("\n".join(said_line[start:end] for start, end in cuts), said_style)
            text.append("\n")
        text.rstrip()
        if page is None or page.lines is None:
            return text, rows
        figure = article.figures[self.current] if self.current is not None and self.current < len(article.figures) else None
        marked = {number: (start, end) for number, start, end in page.spot(self.current)}
        figure_style = self.style_of([kind_class(figure.kind), "figure--current"]) if figure else None
        digits = len(str(page.last_line))
        gutter = len(_MARKER) + 1 + digits + 3  # "▶ 12 │ "
        room = max(1, width - gutter) if width is not None else None
        row = text.plain.count("\n") + 1
        for number, raw in enumerate(page.lines, page.first_line):
            line, keep = _sanitised(raw, marked.get(number), figure_style)
            cuts = wrap_lines(line.plain, room, keep) if room is not None else [(0, len(line))]
            rows[number] = row
            for index, (start, end) in enumerate(cuts):
                text.append("\n")
                if index == 0:
                    text.append(_MARKER if number in marked else " ", style("source-view--marker"))
                    text.append(f" {number:>{digits}} │ ", style("source-view--number"))
                else:
                    text.append(f"{'':>{gutter - 2}}│ ", style("source-view--number"))
                text.append_text(line[start:end])
            row += len(cuts)
        return text, rows

    def scroll_to_current(self) -> None:
        """Scroll the pane to the page line holding the current figure (or to the top: the header first)."""
        scroll = self.parent
        page = self.page
        if not isinstance(scroll, ScrollableContainer) or page is None:
            return
        spans = page.spot(self.current)
        if not spans:
            scroll.scroll_home(animate=False)
            return
        row = self._layout(self.content_region.width)[1].get(spans[0][0], 0)
        scroll.scroll_to_region(Region(0, self.virtual_region.y + row, 1, 1), center=True, animate=False)

    # ---- the clipboard ---------------------------------------------------------------------------------

    def copy_article(self, article: Article | None) -> None:
        if article is None:
            self.notify("No article is open to copy.", severity="warning")
            return
        clip = article_clip(article)
        self.app.copy_to_clipboard(clip)
        self.notify(f"Copied the article “{_short(article.label)}” ({len(clip):,} characters)", title="Clipboard",
                    markup=False)

    def copy_figure(self, article: Article | None, index: int | None, read: PageReader) -> None:
        """Copy figure ``index`` with its sentence and page line, once the page has been read."""
        if article is None:
            self.notify("No article is open: there is no figure to copy.", severity="warning")
        elif not article.figures:
            self.notify("This article has no figures to copy.", severity="warning", markup=False)
        elif index is None or not 0 <= index < len(article.figures):
            self.notify("No figure is highlighted to copy: step to one with ] or [, or pick one in the figure table.",
                        severity="warning", markup=False)
        else:
            self.when_read(article, read, lambda page: self._copy_figure(article, index, page))

    def _copy_figure(self, article: Article, index: int, page: SourcePage) -> None:
        clip, where = figure_clip(article, index, page)
        self.app.copy_to_clipboard(clip)
        self.notify(f"Copied the figure “{_short(article.figures[index].text)}” with its sentence and its page "
                    f"line ({where})", title="Clipboard", markup=False)


def _short(text: str) -> str:
    text = one_line(text)
    return text if len(text) <= _TITLE_CELLS else text[: _TITLE_CELLS - 1] + "…"


def _sanitised(raw: str, marked: tuple[int, int] | None, style: Style | None) -> tuple[Text, list[tuple[int, int]]]:
    """A raw line as safe text (controls stripped, tabs as spaces), the figure's span in ``style``; and
    that span in the sanitised line's offsets, to be kept on one screen line."""
    pieces = [(raw, False)]
    if marked is not None:
        start, end = marked
        pieces = [(raw[:start], False), (raw[start:end], True), (raw[end:], False)]
    line = Text()
    keep = []
    for piece, is_figure in pieces:
        safe = strip_controls(piece).replace("\t", " ")
        if is_figure:
            keep.append((len(line), len(line) + len(safe)))
        line.append(safe, style if is_figure else None)
    return line, keep
