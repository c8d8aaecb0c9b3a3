"""An article's raw page lines, where each of its figures is among them, and what the clipboard gets.

Pure functions of an article and its page text (no Textual): the source view draws what ``source_page``
finds, in a worker thread, since aligning a long article with its page takes a noticeable moment.

Raw lines are what the page held before the pipeline's repairs: traditional characters, pinyin glued in
(``鄉(xiāng)``), lost indents (``????``), doubled characters. A figure of the cleaned text is found in them by
comparing both in the search's folded form (``fold``: traditional → simplified character by character,
full-width → half-width, spaces and quote marks dropped), which undoes most repairs, and by letting the
raw side carry what the repairs took out (an annotation between two characters of a figure).
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher
from itertools import pairwise

from five_star.store.model import Article, stable_id
from five_star.store.query.search.fold import fold, fold_origins
from five_star.store.sanitize import one_line, strip_controls

RawSpan = tuple[int, int, int]
"""Part of a figure in the page: (line number counted from 1, start, end) offsets in that raw line."""

# Raw characters between two of a figure's characters that folding keeps but the repairs removed: a
# pinyin annotation is at most ``(zhuàng)``; a lost indent or a doubled character is shorter.
_MAX_GAP = 10
# Characters on each side of a figure that must line up with the page too, so that a figure (1次, or
# one whose sentence the page holds twice) is never placed by a match of its characters, or of one side
# of it, in another sentence.
_ANCHOR = 3
# Folded characters of an article aligned at once (see ``_aligned``); most articles are one stretch.
_STRETCH = 3000
# Context tried on each side of a figure when the alignment did not place it (a paragraph the splitter
# moved, say): the first that occurs exactly once in the page wins.
_CONTEXTS = (0, 4, 8, 16)
# A pinyin annotation as folding leaves it (tone marks kept, lower case), or its mangled ``?zhí)`` form.
_ANNOTATION = r"(?:[(?][a-z\u00e0-\u01dc]{1,7}\))?"


@dataclass(frozen=True)
class SourcePage:
    """The raw lines an article came from (``first_line`` on), and where each figure is among them.

    ``lines`` is None when the page text is not stored (an article ingested from JSON Lines) or could
    not be read; ``problem`` then says why, in one line.
    """

    article_id: str
    source: str
    first_line: int
    last_line: int
    lines: tuple[str, ...] | None
    spots: tuple[tuple[RawSpan, ...], ...] = ()  # per figure, in the article's order; () when not found
    problem: str = ""

    def spot(self, index: int | None) -> tuple[RawSpan, ...]:
        if index is None or not 0 <= index < len(self.spots):
            return ()
        return self.spots[index]

    def line(self, number: int) -> str:
        assert self.lines is not None
        return self.lines[number - self.first_line]


def missing_page(article: Article, problem: str) -> SourcePage:
    return SourcePage(article.id, article.source, article.first_line, article.last_line, None, problem=problem)


def source_page(article: Article, raw: str | None) -> SourcePage:
    """The article's lines of ``raw`` (its whole page text) with its figures located; None: not stored."""
    if raw is None:
        return missing_page(article, "The page text is not stored in the library.")
    from five_star.store.pipeline import split_raw_lines  # lazy: the pipeline's imports cost start-up time

    page_lines = split_raw_lines(raw)
    lines = tuple(page_lines[article.first_line - 1 : article.last_line])
    problem = ""
    # The id hashes the article's raw lines: a page stored since with other text is said to be, not hidden.
    if stable_id(article.source, article.first_line, "\n".join(lines)) != article.id:
        problem = "The stored page text has changed since this article was extracted from it: its lines may differ."
    return SourcePage(
        article.id, article.source, article.first_line, article.last_line, lines,
        tuple(locate_figures(article, lines, article.first_line)), problem,
    )


def locate_figures(article: Article, lines: Sequence[str], first_line: int) -> list[tuple[RawSpan, ...]]:
    """Where each figure of ``article`` is in ``lines`` (page lines from ``first_line``); () where not found.

    When a figure cannot be found for certain, nothing is marked: an empty spot, never a guess, since a
    mark on the wrong line would send a reader checking a figure to the wrong sentence. First the whole
    folded text is aligned with the folded page (``SequenceMatcher``), which places repeated figures by
    their order; a figure counts as placed only when its characters and some on either side line up
    closely. What that leaves (text the splitter moved, or a stretch the alignment paired elsewhere) is
    searched for with growing context, each of its characters allowed a pinyin annotation after it,
    and placed only where it occurs exactly once.
    """
    page = "".join(fold(line) for line in lines)
    where = [(number, column) for number, line in enumerate(lines, first_line) for column in fold_origins(line)]
    text, text_at = fold(article.text), fold_origins(article.text)
    paired = _aligned(text, page)
    spots = []
    for figure in article.figures:
        first, end = bisect_left(text_at, figure.start), bisect_left(text_at, figure.end)
        # Context stops at the figure's paragraph: the page may hold other lines (chrome, a caption)
        # between two paragraphs, and folding drops the line breaks that would say so.
        opening = article.text.rfind("\n", 0, figure.start) + 1
        closing = article.text.find("\n", figure.end)
        bounds = bisect_left(text_at, opening), bisect_left(text_at, len(article.text) if closing < 0 else closing)
        found = None
        if first < end:
            found = _placed(paired, bounds, first, end) or _searched(text, page, bounds, first, end)
        spots.append(_raw_spans(where, found) if found is not None else ())
    return spots


def _aligned(text: str, page: str) -> dict[int, int]:
    """Folded text offset → folded page offset, for every character the alignment pairs.

    A long text is aligned a stretch at a time, each against the part of the page where the stretch
    before it ended (a window wide enough for the page's annotations and chrome): the matcher's cost grows
    with the product of the two lengths, 2 s for a 20,000-character article aligned whole.
    """
    paired: dict[int, int] = {}
    at = 0  # where in the page the text aligned so far ends
    for start in range(0, len(text), _STRETCH):
        stretch = text[start : start + _STRETCH]
        low = max(0, at - _STRETCH)
        window = page[low : at + 3 * _STRETCH]
        ends = [at]
        for block in SequenceMatcher(None, stretch, window, autojunk=False).get_matching_blocks():
            for k in range(block.size):
                paired[start + block.a + k] = low + block.b + k
            if block.size:
                ends.append(low + block.b + block.size)
        at = max(ends) if len(ends) > 1 else at + len(stretch)
    return paired


def _placed(paired: dict[int, int], bounds: tuple[int, int], first: int, end: int) -> tuple[int, int] | None:
    """The page offsets of the figure at text ``first``…``end`` when the alignment placed it surely: it and
    the characters on both sides of it (within its paragraph) paired, close together, in order."""
    chain = range(max(bounds[0], first - _ANCHOR), min(bounds[1], end + _ANCHOR))
    if any(i not in paired for i in chain):
        return None
    if all(0 < paired[b] - paired[a] <= _MAX_GAP for a, b in pairwise(chain)):
        return paired[first], paired[end - 1] + 1
    return None


def _searched(text: str, page: str, bounds: tuple[int, int], first: int, end: int) -> tuple[int, int] | None:
    """The figure at text ``first``…``end`` found in the page with the least context that makes it unique."""
    for context in _CONTEXTS:
        start, stop = max(bounds[0], first - context), min(bounds[1], end + context)
        pattern = re.compile(
            _pattern(text[start:first]) + "(" + _pattern(text[first:end]) + ")" + _pattern(text[end:stop])
        )
        matches = list(pattern.finditer(page))
        if len(matches) == 1:
            return matches[0].start(1), matches[0].end(1)
        if not matches:  # more context can only match less
            return None
    return None


def _pattern(folded: str) -> str:
    return "".join(re.escape(ch) + _ANNOTATION for ch in folded).removesuffix(_ANNOTATION)


def _raw_spans(where: Sequence[tuple[int, int]], found: tuple[int, int]) -> tuple[RawSpan, ...]:
    """Folded page offsets ``found`` as raw (line, start, end) spans, one per line the figure touches."""
    spans: dict[int, tuple[int, int]] = {}
    for number, column in where[found[0] : found[1]]:
        start, end = spans.get(number, (column, column + 1))
        spans[number] = (min(start, column), max(end, column + 1))
    return tuple((number, start, end) for number, (start, end) in sorted(spans.items()))


# ---- the clipboard ---------------------------------------------------------------------------------


def line_span(article: Article) -> str:
    if article.first_line == article.last_line:
        return f"line {article.first_line}"
    return f"lines {article.first_line}–{article.last_line}"


def article_clip(article: Article) -> str:
    """The article as the clipboard gets it: title, where it is in its page, the cleaned text."""
    title = one_line(article.title) if article.title else "(untitled)"
    return f"{title}\n{one_line(article.source)}, {line_span(article)}\n\n{strip_controls(article.text)}\n"


def figure_clip(article: Article, index: int, page: SourcePage) -> tuple[str, str]:
    """The figure ``index`` as the clipboard gets it (its text, its sentence, the page line it stands on)
    and a few words saying where that line is, or why it is not there."""
    figure = article.figures[index]
    sentence = strip_controls(article.sentence_of(figure))
    spans = page.spot(index) if page.lines is not None else ()
    source = one_line(article.source)
    if page.lines is None:
        where, lines = f"{source}, {line_span(article)}", [f"(the page text is not stored: {page.problem})"]
        said = "the page text is not stored"
    elif not spans:
        where, lines = f"{source}, {line_span(article)}", ["(the figure was not found in the page's lines)"]
        said = "its line in the page was not found"
    else:
        numbers = [number for number, _, _ in spans]
        where = f"{source}, line {numbers[0]}" + (f"–{numbers[-1]}" if len(numbers) > 1 else "")
        lines = [one_line(page.line(number)) for number in numbers]
        said = where
    clip = "\n".join([one_line(figure.text), sentence, f"{where}:", *lines]) + "\n"
    return clip, said
