"""The source view (``r``: the raw page lines an article came from) and the clipboard (``y``, ``Y``), in the real
app on a real seeds library, and where the figures are found among the raw lines (issue 14, deliverable 1).

What is expected comes from the seed files themselves (their lines as the pipeline numbers them), never
from the code under test: the line a figure is on is the one raw line of the article holding its digits.
"""

from __future__ import annotations

import io
import re
from contextlib import redirect_stdout
from dataclasses import replace
from pathlib import Path

import pytest
from rich.cells import cell_len

from five_star.seeds import seed_paths
from five_star.store.library.ingest import ingest
from five_star.store.library.library import Library
from five_star.store.model import Article
from five_star.store.pipeline import split_raw_lines
from five_star.store.query.search.fold import fold
from five_star.store.reading.repair import repair_line
from five_star.store.sanitize import one_line
from five_star.tui.cli import main
from five_star.tui.widgets.article_detail import ArticleText
from five_star.tui.widgets.source_lines import locate_figures, source_page
from five_star.tui.widgets.source_view import SourceView
from helpers.app import APP_SIZE, library_of_page, make_app, read_articles, settle, toasts, wait_until
from helpers.library import seed_articles

# A converter's pinyin glued after a character: 鄉(xiāng).
PINYIN = re.compile(r"[\u4e00-\u9fff][(（][a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü]+[)）]")


def seed_lines(article: Article) -> list[str]:
    """The page lines of the article's seed file, counted from 1 as the pipeline counts them."""
    path = next(p for p in seed_paths() if p.name == article.source)
    return ["", *split_raw_lines(path.read_text(encoding="utf-8"))]


def luohe(articles: list[Article]) -> Article:
    """The seeds' 漯河 article: the traditional-character page with pinyin glued in."""
    found = [a for a in articles if a.city == "漯河市" and any(r.startswith("pinyin-annotations") for r in a.repairs)]
    assert len(found) == 1, found
    return found[0]


def lines_holding(article: Article, needle: str) -> list[int]:
    lines = seed_lines(article)
    return [n for n in range(article.first_line, article.last_line + 1) if needle in lines[n]]


def surely_placed(article: Article) -> list[tuple[int, int]]:
    """(figure index, page line) for each figure whose digits are on exactly one raw line of the article."""
    placed = []
    for index, figure in enumerate(article.figures):
        digits = "".join(re.findall(r"[0-9.]+", figure.text))
        holding = lines_holding(article, digits) if len(digits) >= 2 else []
        if len(holding) == 1:
            placed.append((index, holding[0]))
    return placed


def on_screen(widget) -> list[str]:
    return [widget.render_line(y).text.rstrip() for y in range(widget.size.height)]


def shown_raw_lines(view: SourceView) -> dict[int, str]:
    """Page line number → what the view shows of it (its wrapped rows joined), as drawn on screen."""
    shown: dict[int, str] = {}
    number = None
    for row in on_screen(view):
        match = re.match(r"^[▶ ] +(\d+) │ ?(.*)$", row)
        if match:
            number = int(match.group(1))
            shown[number] = match.group(2)
        elif number is not None and re.match(r"^ +│", row):
            shown[number] += row.split("│", 1)[1].removeprefix(" ")
    return shown


def marked_rows(view: SourceView) -> list[int]:
    return [int(m.group(1)) for row in on_screen(view) if (m := re.match(r"^▶ +(\d+) │", row))]


async def open_article(pilot, article: Article) -> None:
    await settle(pilot)
    assert pilot.app.browse.go_to_article(article.id)
    await settle(pilot)
    assert pilot.app.screen.query_one(ArticleText).article.id == article.id


async def press(pilot, *keys: str) -> None:
    await pilot.press(*keys)
    await settle(pilot)


def pane(app) -> tuple[ArticleText, SourceView]:
    return app.screen.query_one(ArticleText), app.screen.query_one(SourceView)


# ---- in the app -------------------------------------------------------------------------------------------


@pytest.mark.slow
async def test_r_shows_the_raw_page_lines_numbered_and_r_again_the_cleaned_text(db, articles, tmp_path):
    article = luohe(articles)
    raw = seed_lines(article)
    annotated = [n for n in range(article.first_line, article.last_line + 1) if PINYIN.search(raw[n])]
    assert len(annotated) > 10  # the page is what the acceptance speaks of
    app = make_app(db, tmp_path)
    async with app.run_test(size=APP_SIZE) as pilot:
        await open_article(pilot, article)
        text, view = pane(app)
        await press(pilot, "r")
        assert view.display and not text.display
        assert view.region.height > 0  # on screen, under the header
        rows = on_screen(view)
        assert rows[0].startswith(f"Page text · {article.source} · lines {article.first_line}–{article.last_line}")
        shown = shown_raw_lines(view)
        assert sorted(shown) == list(range(article.first_line, article.last_line + 1))
        for number in annotated:  # traditional characters, pinyin and all, each under its own number
            assert shown[number].replace(" ", "") == raw[number].replace(" ", ""), number
        assert "鄉(xiāng)" in "".join(shown.values())
        # long lines wrap inside the pane, under the gutter
        width = view.content_region.width
        assert all(cell_len(row) <= width for row in rows)
        assert any(re.match(r"^ +│", row) for row in rows)

        await press(pilot, "r")
        assert text.display and not view.display
        cleaned = "".join(on_screen(text)).replace(" ", "")
        assert cleaned == article.text.replace("\n", "").replace(" ", "")
        assert "鄉" not in cleaned and "xiāng" not in cleaned


@pytest.mark.slow
@pytest.mark.parametrize("size", [APP_SIZE, (80, 24)])
async def test_the_current_figure_is_marked_on_the_raw_line_that_holds_it(db, articles, tmp_path, size):
    article = luohe(articles)
    placed = surely_placed(article)
    assert len(placed) >= 5
    (first, first_line), (second, second_line) = placed[0], next(p for p in placed[1:] if p[1] != placed[0][1])
    app = make_app(db, tmp_path)
    async with app.run_test(size=size) as pilot:
        await open_article(pilot, article)
        text, view = pane(app)
        await press(pilot, *["right_square_bracket"] * (first + 1))
        assert text.current == first
        await press(pilot, "r")
        assert marked_rows(view) == [first_line]
        # the figure itself is drawn in the current figure's style (its kind's colours reversed), on that row
        figure = article.figures[first]
        digits = "".join(re.findall(r"[0-9.]+", figure.text))
        y = next(y for y, row in enumerate(on_screen(view)) if re.match(rf"▶ +{first_line} │", row))
        styled = [
            s.text for row in range(y, y + 3) for s in view.render_line(row)
            if s.style is not None and s.style.reverse and s.style.underline
        ]
        assert digits in "".join(styled), styled
        # and it is on screen: the pane scrolled to it
        scroll = app.screen.query_one("#detail-scroll")
        assert scroll.scroll_offset.y <= view.virtual_region.y + y < scroll.scroll_offset.y + scroll.size.height

        # stepping to another figure moves the mark in the raw lines and in the cleaned text alike
        await press(pilot, *["right_square_bracket"] * (second - first))
        assert marked_rows(view) == [second_line]
        y = next(y for y, row in enumerate(on_screen(view)) if re.match(rf"▶ +{second_line} │", row))
        assert scroll.scroll_offset.y <= view.virtual_region.y + y < scroll.scroll_offset.y + scroll.size.height
        await press(pilot, "r")
        assert text.current == second


@pytest.mark.slow
async def test_y_copies_the_article_and_Y_the_current_figure_with_its_page_line(db, articles, tmp_path):
    article = luohe(articles)
    index, line = surely_placed(article)[0]
    figure = article.figures[index]
    app = make_app(db, tmp_path)
    async with app.run_test(size=APP_SIZE, notifications=True) as pilot:
        await open_article(pilot, article)
        await press(pilot, "y")
        clip = app.clipboard
        assert clip.splitlines()[:2] == [article.title, f"{article.source}, lines {article.first_line}–{article.last_line}"]
        assert article.text in clip
        assert f"Copied the article “{article.title}” ({len(clip):,} characters)" in " ".join(toasts(app))

        await press(pilot, "Y")  # no figure highlighted yet
        assert app.clipboard == clip
        assert any("No figure is highlighted" in t for t in toasts(app))

        await press(pilot, *["right_square_bracket"] * (index + 1))
        await press(pilot, "Y")
        await wait_until(pilot, lambda: app.clipboard != clip)
        assert app.clipboard.splitlines() == [
            figure.text,
            article.sentence_of(figure),
            f"{article.source}, line {line}:",
            one_line(seed_lines(article)[line]),
        ]
        assert any(f"Copied the figure “{figure.text}”" in t and f"line {line}" in t for t in toasts(app))


@pytest.mark.slow
async def test_Y_on_an_article_without_figures_says_there_is_none(db, articles, tmp_path):
    article = next(a for a in articles if not a.figures and a.kind == "article")
    app = make_app(db, tmp_path)
    async with app.run_test(size=APP_SIZE, notifications=True) as pilot:
        await open_article(pilot, article)
        await press(pilot, "Y")
        assert app.clipboard == ""
        assert any("has no figures" in t for t in toasts(app))


@pytest.fixture
def library_without_page_text(tmp_path) -> Path:
    """The seeds ingested from the JSON Lines ``extract`` writes: their pages keep no raw text."""
    out = io.StringIO()
    with redirect_stdout(out):
        assert main(["extract", *map(str, seed_paths())]) == 0
    rows = tmp_path / "articles.jsonl"
    rows.write_text(out.getvalue(), encoding="utf-8")
    db = tmp_path / "jsonl-library.json"
    with Library.open(db) as library:
        ingest(library, [rows])
        assert library.source_text(library.articles()[0].id) is None
    return db


@pytest.mark.slow
async def test_an_article_whose_page_text_is_not_stored_says_so_in_one_line(library_without_page_text, tmp_path):
    article = luohe(read_articles(library_without_page_text))
    app = make_app(library_without_page_text, tmp_path)
    async with app.run_test(size=APP_SIZE, notifications=True) as pilot:
        await open_article(pilot, article)
        await press(pilot, "r")
        text, view = pane(app)
        assert view.display and not text.display
        rows = [row for row in on_screen(view) if row]
        assert rows == [
            f"Page text · {article.source} · lines {article.first_line}–{article.last_line}",
            "The page text is not stored in the library.",
        ]
        assert app.is_running and not toasts(app)
        # a figure is still copied, saying that its page line cannot be
        await press(pilot, "right_square_bracket", "Y")
        await wait_until(pilot, lambda: bool(app.clipboard))
        assert app.clipboard.startswith(f"{article.figures[0].text}\n{article.sentence_of(article.figures[0])}\n")
        assert any("the page text is not stored" in t for t in toasts(app))


@pytest.mark.slow
async def test_control_characters_in_raw_lines_never_reach_the_screen(tmp_path):
    calm = "全市各级党组织把“五星”支部创建作为抓党建促乡村振兴的有力抓手，推动基层治理提质增效。\n\n" * 12
    page = (
        "驻马店市“五星”支部创建见成效\n\n"
        "本报讯 今年以来，\x1b[31m驻马店市投入资金\x1b]0;pwned\x07985万元，\x08建成示范村12个。\n\n" + calm
    )
    db, stored = library_of_page(tmp_path, "page.txt", page)
    article = next(a for a in stored if a.figures)
    app = make_app(db, tmp_path)
    async with app.run_test(size=APP_SIZE) as pilot:
        await open_article(pilot, article)
        await press(pilot, "right_square_bracket", "r")
        _, view = pane(app)
        drawn = "\n".join(on_screen(view))
        assert "\x1b" not in drawn and "\x07" not in drawn and "\x08" not in drawn and "pwned" not in drawn
        assert "驻马店市投入资金985万元，建成示范村12个。" in drawn
        assert marked_rows(view) == lines_of(page, "985万元")


def lines_of(page: str, needle: str) -> list[int]:
    return [n for n, line in enumerate(page.split("\n"), 1) if needle in line]


# ---- where figures are among the raw lines (no app) --------------------------------------------------------


def test_every_seed_figure_is_found_on_the_raw_line_that_holds_it():
    """Its raw text, repaired and folded, is the figure, and the text before it in the article is what
    stands before it in the page: the right occurrence, not only the right digits."""
    count = 0
    for article in seed_articles():
        lines = seed_lines(article)
        spots = locate_figures(article, lines[article.first_line : article.last_line + 1], article.first_line)
        for figure, spans in zip(article.figures, spots, strict=True):
            assert spans, (article.source, figure.text)
            raw = "".join(lines[n][start:end] for n, start, end in spans)
            assert fold(repair_line(raw).text) == fold(repair_line(figure.text).text), (figure.text, raw)
            paragraph = article.text.rfind("\n", 0, figure.start) + 1
            before = fold(article.text[max(paragraph, figure.start - 4) : figure.start])
            number, start, _ = spans[0]
            page_before = "".join(fold(repair_line(lines[n]).text) for n in range(max(1, number - 2), number))
            assert (page_before + fold(repair_line(lines[number][:start]).text)).endswith(before), figure.text
            count += 1
    assert count == sum(len(a.figures) for a in seed_articles()) > 100


def test_a_figure_the_page_does_not_hold_is_marked_nowhere():
    """Never the wrong line: with the line that holds a figure gone from the page, it is found nowhere,
    not on another line holding the same digits; the others are found as before."""
    article = luohe(seed_articles())
    lines = seed_lines(article)
    index, line = surely_placed(article)[0]
    gone = [lines[n] if n != line else "" for n in range(article.first_line, article.last_line + 1)]
    before = locate_figures(article, lines[article.first_line : article.last_line + 1], article.first_line)
    after = locate_figures(article, gone, article.first_line)
    assert before[index] and not after[index]
    kept = [i for i, spans in enumerate(before) if spans and all(n != line for n, _, _ in spans)]
    assert kept and all(after[i] == before[i] for i in kept)


def test_a_figure_repeated_in_the_page_is_placed_by_its_context():
    """The same figure written twice in one article is told apart by the text around each, in whatever
    order the page has the sentences; a page that repeats a sentence has the figure on either copy."""
    text = "全村投入资金50万元修路。\n今年又投入资金50万元建设游园。"
    at = [m.start() for m in re.finditer("50万元", text)]
    base = seed_articles()[0]
    figures = [replace(base.figures[0], text="50万元", start=s, end=s + len("50万元")) for s in at]
    article = replace(base, text=text, figures=figures, first_line=1, last_line=3)
    lines = ["全村投入資金50萬(wàn)元修路。", "", "今年又投入資金50萬元建設遊園。"]
    assert locate_figures(article, lines, 1) == [((1, 6, 15),), ((3, 7, 11),)]  # the annotation inside the first
    twice = ["今年又投入資金50萬元建設遊園。", "今年又投入資金50萬元建設遊園。", "全村投入資金50萬(wàn)元修路。"]
    spots = locate_figures(article, twice, 1)
    assert spots[0] == ((3, 6, 15),)
    assert spots[1] in (((1, 7, 11),), ((2, 7, 11),))  # either copy holds it whole


@pytest.mark.slow
async def test_the_keys_are_in_the_help_and_a_keymap_can_move_them(db, articles, tmp_path, monkeypatch):
    from rich.console import Console

    from five_star.tui.screens.help import HelpScreen

    config = tmp_path / "keys"
    config.mkdir()
    (config / "keymap.toml").write_text('browse.source = "v"\nbrowse.copy-article = "ctrl+y"\n', encoding="utf-8")
    monkeypatch.setenv("FIVE_STAR_CONFIG", str(config))
    article = luohe(articles)
    app = make_app(db, tmp_path)
    async with app.run_test(size=APP_SIZE, notifications=True) as pilot:
        await open_article(pilot, article)
        await press(pilot, "question_mark")
        assert isinstance(app.screen, HelpScreen)
        console = Console(width=200, record=True)
        console.print(app.screen.query_one("#help-keys").content)
        listed = [" ".join(line.split()) for line in console.export_text().splitlines()]
        assert any(line.startswith("v Show the raw page lines the article came from") for line in listed), listed
        assert any(line.startswith("^y Copy the article to the clipboard") for line in listed)
        assert any(line.startswith("Y Copy the current figure to the clipboard") for line in listed)
        await press(pilot, "escape", "r")  # r no longer does it
        text, view = pane(app)
        assert text.display and not view.display
        await press(pilot, "v")
        assert view.display and shown_raw_lines(view)
        await press(pilot, "ctrl+y")
        assert app.clipboard.startswith(f"{article.title}\n")


def test_a_page_text_other_than_the_one_the_article_came_from_is_said_to_be():
    article = luohe(seed_articles())
    path = next(p for p in seed_paths() if p.name == article.source)
    raw = path.read_text(encoding="utf-8")
    assert source_page(article, raw).problem == ""
    changed = source_page(article, raw.replace("1269", "1296"))
    assert changed.problem.startswith("The stored page text has changed since")
    assert changed.lines is not None and len(changed.lines) == article.last_line - article.first_line + 1
    assert source_page(article, None).lines is None
