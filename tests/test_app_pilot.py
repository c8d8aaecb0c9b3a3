"""The real app, driven key by key through Textual's pilot, against a real library built from the seeds."""

from __future__ import annotations

import ast
import csv
import importlib
import inspect
import json
import pkgutil
import textwrap
from collections import Counter

import pytest
from rich.console import Console
from textual.binding import Binding
from textual.command import CommandPalette
from textual.widgets import Input

from five_star.store.export.formats import FORMATS
from five_star.store.query.browse import NO_PROGRAM, UNLOCATED
from five_star.store.sanitize import one_line, strip_controls
from five_star.tui.screens.export import ConfirmOverwrite, ExportDialog
from five_star.tui.screens.help import HelpScreen
from five_star.tui.widgets.article_detail import (
    ArticleHeader,
    ArticleRecord,
    ArticleText,
    FigureTable,
    kind_class,
)
from five_star.tui.widgets.article_tree import ArticleTree
from five_star.tui.widgets.search_bar import SearchBar
from five_star.tui.widgets.status_bar import StatusBar
from helpers.app import (
    APP_SIZE,
    label_of,
    library_of_page,
    make_app,
    pane_text,
    read_articles,
    settle,
    status_of,
    toasts,
    top_labels,
    tree_of,
    type_query,
    visible_nodes,
    wait_until,
)

pytestmark = pytest.mark.slow  # drives the real app through a pilot: a second or more per test

ARTICLES_CSV_COLUMNS = [
    "id", "story", "title", "published", "city", "region", "counties", "programs", "stars", "authors", "dates", "source",
    "first_line", "last_line", "figure_count", "figures", "star_counts", "corrected", "text",
]


def ranked(counter: Counter, catch_all: str) -> list[tuple[str, int]]:
    return sorted(counter.items(), key=lambda kv: (kv[0] == catch_all, -kv[1], kv[0]))


async def cursor_to(pilot, predicate) -> None:
    """Walk the cursor with j/k (as a user would) until it rests on a node matching ``predicate``."""
    tree = tree_of(pilot.app)
    lines = [node for _, node in visible_nodes(tree)]
    target = next(i for i, node in enumerate(lines) if predicate(node))
    step = "j" if target > tree.cursor_line else "k"
    for _ in range(abs(target - tree.cursor_line)):
        await pilot.press(step)
    await pilot.pause()
    assert tree.cursor_node is lines[target]


def is_group(name):
    return lambda node: node.data is not None and not node.data.is_article and (
        node.data.middle == name if node.data.middle is not None else node.data.top == name
    )


def is_article(article_id):
    return lambda node: node.data is not None and node.data.article_id == article_id


async def open_article(pilot, articles_by_id, article_id) -> None:
    """From the top of the city tree: open the article's city and first program, land on it."""
    article = articles_by_id[article_id]
    await cursor_to(pilot, is_group(article.city or UNLOCATED))
    await pilot.press("l")
    await cursor_to(pilot, is_group((article.programs or [NO_PROGRAM])[0]))
    await pilot.press("l")
    await cursor_to(pilot, is_article(article_id))


def figure_rich(articles):
    return max(articles, key=lambda a: len(a.figures))


# ---- launch and tree --------------------------------------------------------------------------


async def test_launch_lists_cities_most_first_with_counts(db, articles, tmp_path):
    app = make_app(db, tmp_path)
    async with app.run_test(size=APP_SIZE) as pilot:
        await settle(pilot)
        expected = ranked(Counter(a.city or UNLOCATED for a in articles), UNLOCATED)
        assert top_labels(tree_of(app)) == [f"▶ {city} {n}" for city, n in expected]
        assert status_of(app).startswith(f"{len(articles)} articles · cities → programs")
        assert "0 selected" in status_of(app)
        # nothing below the first level is built until asked for
        assert all(not node.children for node in tree_of(app).root.children)


async def test_first_run_ingests_the_bundled_seeds_and_shows_progress(tmp_path):
    from five_star.seeds import seed_paths
    from five_star.tui.app import FiveStarApp

    progress = []

    class Recording(FiveStarApp):
        def on_load_progress(self, message):
            progress.append((message.note, message.done, message.total))

    db = tmp_path / "fresh" / "library.json"
    app = Recording(db, export_dir=tmp_path)
    async with app.run_test(size=APP_SIZE) as pilot:
        await settle(pilot)
        stored = read_articles(db)
        assert stored, "the seeds were not ingested"
        assert status_of(app).startswith(f"{len(stored)} articles")
        assert sum(int(label.rsplit(" ", 1)[1]) for label in top_labels(tree_of(app))) == len(stored)
    notes = [note for note, _, _ in filter(None, progress)]
    assert any("seed" in note for note in notes)
    total = len(seed_paths())
    assert (total, total) in [p[1:] for p in progress if p]


async def test_an_article_under_several_programs_appears_under_each(db, articles, tmp_path):
    multi = next((a for a in articles if len(set(a.programs)) >= 2), None)
    if multi is None:
        pytest.skip("no seed article names two programs")
    app = make_app(db, tmp_path)
    async with app.run_test(size=APP_SIZE) as pilot:
        await settle(pilot)
        await cursor_to(pilot, is_group(multi.city or UNLOCATED))
        await pilot.press("l")
        city_node = tree_of(app).cursor_node
        expected = ranked(
            Counter(p for a in articles if (a.city or UNLOCATED) == (multi.city or UNLOCATED)
                    for p in (dict.fromkeys(a.programs) or [NO_PROGRAM])),
            NO_PROGRAM,
        )
        assert [label_of(tree_of(app), n) for n in city_node.children] == [f"▶ {p} {n}" for p, n in expected]
        for program in dict.fromkeys(multi.programs):
            await cursor_to(pilot, is_group(program))
            await pilot.press("l")
            leaves = [n.data.article_id for n in tree_of(app).cursor_node.children]
            assert multi.id in leaves


async def test_articles_naming_no_program_sit_under_the_other_group(db, articles, tmp_path):
    loose = next((a for a in articles if not a.programs), None)
    if loose is None:
        pytest.skip("every seed article names a program")
    app = make_app(db, tmp_path)
    async with app.run_test(size=APP_SIZE) as pilot:
        await settle(pilot)
        await cursor_to(pilot, is_group(loose.city or UNLOCATED))
        await pilot.press("l")
        await cursor_to(pilot, is_group(NO_PROGRAM))
        await pilot.press("l")
        labels = {n.data.article_id: label_of(tree_of(app), n) for n in tree_of(app).cursor_node.children}
        assert loose.id in labels
        assert one_line(loose.label) in labels[loose.id]
        if loose.kind == "photo":
            assert labels[loose.id].startswith("○ 图 ")


async def test_t_switches_to_programs_then_cities_and_back(db, articles, tmp_path):
    app = make_app(db, tmp_path)
    async with app.run_test(size=APP_SIZE) as pilot:
        await settle(pilot)
        by_city = top_labels(tree_of(app))
        await pilot.press("t")
        await pilot.pause()
        programs = Counter(p for a in articles for p in (dict.fromkeys(a.programs) or [NO_PROGRAM]))
        assert top_labels(tree_of(app)) == [f"▶ {p} {n}" for p, n in ranked(programs, NO_PROGRAM)]
        assert "programs → cities" in status_of(app)
        top = ranked(programs, NO_PROGRAM)[0][0]
        await pilot.press("l")
        cities = Counter(a.city or UNLOCATED for a in articles if top in (a.programs or [NO_PROGRAM]))
        assert [label_of(tree_of(app), n) for n in tree_of(app).cursor_node.children] == [
            f"▶ {c} {n}" for c, n in ranked(cities, UNLOCATED)
        ]
        await pilot.press("t")
        await pilot.pause()
        assert top_labels(tree_of(app)) == by_city


async def test_j_k_g_G_move_the_tree_cursor(db, articles, tmp_path):
    app = make_app(db, tmp_path)
    async with app.run_test(size=APP_SIZE) as pilot:
        await settle(pilot)
        tree = tree_of(app)
        assert tree.cursor_line == 0
        await pilot.press("j", "j")
        assert tree.cursor_line == 2
        await pilot.press("k")
        assert tree.cursor_line == 1
        await pilot.press("G")
        assert tree.cursor_line == len(tree.root.children) - 1
        await pilot.press("g")
        assert tree.cursor_line == 0
        await pilot.press("l", "l")  # open the first city, step onto its first program
        assert tree.cursor_node.data.middle is not None
        await pilot.press("h")  # back to the city
        assert tree.cursor_node.data.middle is None and tree.cursor_node.is_expanded
        await pilot.press("h")  # and close it
        assert not tree.cursor_node.is_expanded


# ---- detail pane ------------------------------------------------------------------------------


async def test_detail_pane_shows_metadata_text_and_figure_table(db, articles, tmp_path):
    article = figure_rich(articles)
    app = make_app(db, tmp_path)
    async with app.run_test(size=APP_SIZE) as pilot:
        await settle(pilot)
        await open_article(pilot, {a.id: a for a in articles}, article.id)
        # What is drawn: a fact cut short in the header (one line each) is drawn in full under the text.
        header, below = (
            "\n".join(widget.render_line(y).text for y in range(widget.size.height))
            for widget in (app.screen.query_one(ArticleHeader), app.screen.query_one(ArticleRecord))
        )
        if article.title:
            assert one_line(article.title) in header
        assert (article.city or "未定位") in header
        for value in [
            f"{article.source} lines {article.first_line}–{article.last_line}",
            *article.authors, *article.programs, *article.repairs, *article.counties,
        ]:
            assert one_line(value) in header or one_line(value) in below, value
        body = app.screen.query_one(ArticleText)
        assert body.render().plain == strip_controls(article.text)
        table = app.screen.query_one(FigureTable)
        assert table.row_count == len(article.figures)
        for row, figure in enumerate(article.figures):
            cells = [cell.plain for cell in table.get_row_at(row)]
            assert cells[0] == one_line(figure.text)
            assert cells[2] == (figure.unit or "")
            assert cells[3] == (figure.qualifier or "")
            assert cells[4] == figure.kind
            assert one_line(figure.text) in cells[5]  # the sentence it stands in


async def test_figures_are_coloured_by_kind(db, articles, tmp_path):
    article = figure_rich(articles)
    app = make_app(db, tmp_path)
    async with app.run_test(size=APP_SIZE) as pilot:
        await settle(pilot)
        await open_article(pilot, {a.id: a for a in articles}, article.id)
        body = app.screen.query_one(ArticleText)
        rendered = body.render()
        console = Console()
        kinds = set()
        for figure in article.figures:
            expected = body.style_of([kind_class(figure.kind)])
            style = rendered.get_style_at_offset(console, figure.start)
            assert style.bgcolor == expected.bgcolor and style.bgcolor is not None, figure
            kinds.add(figure.kind)
        colours = {body.style_of([kind_class(k)]).bgcolor for k in kinds}
        assert len(colours) == len(kinds)  # every kind looks different
        outside = rendered.get_style_at_offset(console, 0)
        if not any(f.start == 0 for f in article.figures):
            assert outside.bgcolor is None


async def test_brackets_step_through_figures_and_scroll_to_them(db, articles, tmp_path):
    article = figure_rich(articles)
    assert len(article.figures) >= 3
    app = make_app(db, tmp_path)
    async with app.run_test(size=(140, 30)) as pilot:
        await settle(pilot)
        await open_article(pilot, {a.id: a for a in articles}, article.id)
        body = app.screen.query_one(ArticleText)
        table = app.screen.query_one(FigureTable)
        await pilot.press("right_square_bracket")
        assert body.current == 0 and table.cursor_row == 0
        await pilot.press("right_square_bracket")
        assert body.current == 1 and table.cursor_row == 1
        await pilot.press("left_square_bracket")
        assert body.current == 0
        await pilot.press("left_square_bracket")  # wraps round to the last figure
        await pilot.pause()
        last = len(article.figures) - 1
        assert body.current == last and table.cursor_row == last
        current = body.render().get_style_at_offset(Console(), article.figures[last].start)
        assert current.underline and current.bold
        scroll = app.screen.query_one("#detail-scroll")
        from five_star.tui.widgets.line_breaks import wrapped_line_of

        line = body.virtual_region.y + wrapped_line_of(
            article.text, article.figures[last].start, body.content_region.width
        )
        assert scroll.scroll_y <= line < scroll.scroll_y + scroll.scrollable_content_region.height


async def test_moving_in_the_figure_table_highlights_that_figure(db, articles, tmp_path):
    article = figure_rich(articles)
    app = make_app(db, tmp_path)
    async with app.run_test(size=APP_SIZE) as pilot:
        await settle(pilot)
        await open_article(pilot, {a.id: a for a in articles}, article.id)
        table = app.screen.query_one(FigureTable)
        while not table.has_focus:  # tab along the focus chain, as a person would
            await pilot.press("tab")
        await pilot.press("down", "down")
        body = app.screen.query_one(ArticleText)
        assert table.cursor_row == 2 and body.current == 2
        style = body.render().get_style_at_offset(Console(), article.figures[2].start)
        assert style.underline and style.bold


# ---- search -----------------------------------------------------------------------------------


def containing(articles, word):
    return {a.id for a in articles if word in (a.title or "") or word in a.text}


async def test_search_filters_the_tree_as_you_type_and_counts_hits(db, articles, tmp_path):
    word = "红色物业"
    expected = containing(articles, word)
    assert 0 < len(expected) < len(articles)
    app = make_app(db, tmp_path)
    async with app.run_test(size=APP_SIZE) as pilot:
        await settle(pilot)
        await type_query(pilot, word)
        assert app.screen.query_one(SearchBar).value == word
        shown = {n.data.article_id for _, n in visible_nodes(tree_of(app)) if n.data.is_article}
        assert shown == expected
        assert f"{len(expected)} hits for “{word}”" in status_of(app)
        city_total = sum(int(label.rsplit(" ", 1)[1]) for label in top_labels(tree_of(app)))
        assert city_total == len(expected)


async def test_enter_goes_to_the_first_hit_and_n_N_walk_the_hits(db, articles, tmp_path):
    from five_star.store.query.search import SearchIndex

    word = "党员"
    hits = SearchIndex(articles).search(word)
    assert len(hits) >= 3
    app = make_app(db, tmp_path)
    async with app.run_test(size=APP_SIZE) as pilot:
        await settle(pilot)
        await type_query(pilot, word)
        await pilot.press("enter")
        tree = tree_of(app)
        assert tree.has_focus
        assert tree.cursor_node.data.article_id == hits[0].article_id
        assert f"hit 1 of {len(hits)}" in status_of(app)
        await pilot.press("n")
        assert tree.cursor_node.data.article_id == hits[1].article_id
        await pilot.press("n", "N")
        assert tree.cursor_node.data.article_id == hits[1].article_id
        await pilot.press("N", "N")  # before the first hit comes the last
        assert tree.cursor_node.data.article_id == hits[-1].article_id
        # the hit is reversed in the text (or the title)
        await pilot.press("n")
        body = app.screen.query_one(ArticleText)
        spans = [(s, e) for field, s, e in hits[0].spans if field == "text"]
        if spans:
            style = body.render().get_style_at_offset(Console(), spans[0][0])
            assert style.reverse


@pytest.mark.parametrize("queries", [["南阳"], ["南阳", "焦作"], ["qqqzzz"]])
async def test_the_pane_describes_the_node_under_the_cursor_after_every_search(db, tmp_path, queries):
    app = make_app(db, tmp_path)
    async with app.run_test(size=APP_SIZE) as pilot:
        await settle(pilot)
        for query in queries:
            bar = app.screen.query_one(SearchBar)
            bar.value = ""
            await type_query(pilot, query)
            await settle(pilot)
            cursor = tree_of(app).cursor_node
            label = label_of(tree_of(app), cursor)
            pane = pane_text(app)
            if cursor.data.ids:  # a group: its name and its count, as the tree line says
                *_, name, count = label.split(" ")
                assert pane.startswith(name) and f"{count} articles" in pane, (label, pane)
            else:  # the empty tree's message
                assert label in pane


async def test_the_pane_follows_the_cursor_after_switching_the_grouping(db, tmp_path):
    app = make_app(db, tmp_path)
    async with app.run_test(size=APP_SIZE) as pilot:
        await settle(pilot)
        await pilot.press("t")
        await settle(pilot)
        label = label_of(tree_of(app), tree_of(app).cursor_node)
        *_, name, count = label.split(" ")
        assert pane_text(app).startswith(name) and f"{count} articles" in pane_text(app)


async def test_a_search_without_hits_says_so(db, tmp_path):
    app = make_app(db, tmp_path)
    async with app.run_test(size=APP_SIZE) as pilot:
        await settle(pilot)
        await type_query(pilot, "qqqzzz")
        assert top_labels(tree_of(app)) == ["No hits for “qqqzzz”"]
        assert "no hits for “qqqzzz”" in status_of(app)


async def test_escape_clears_the_search_and_shows_everything(db, articles, tmp_path):
    app = make_app(db, tmp_path)
    async with app.run_test(size=APP_SIZE) as pilot:
        await settle(pilot)
        everything = top_labels(tree_of(app))
        await type_query(pilot, "红色物业")
        assert top_labels(tree_of(app)) != everything
        await pilot.press("escape")
        await settle(pilot)
        assert top_labels(tree_of(app)) == everything
        assert not app.screen.query_one(SearchBar).display
        assert "hits" not in status_of(app)
        assert tree_of(app).has_focus


async def test_search_uses_the_query_language(db, articles, tmp_path):
    city = Counter(a.city for a in articles if a.city).most_common(1)[0][0]
    expected = {a.id for a in articles if a.city == city and "党" in (a.title or "") + a.text}
    app = make_app(db, tmp_path)
    async with app.run_test(size=APP_SIZE) as pilot:
        await settle(pilot)
        await type_query(pilot, f"党 city:{city}")
        shown = {n.data.article_id for _, n in visible_nodes(tree_of(app)) if n.data.is_article}
        assert shown == expected
        assert top_labels(tree_of(app)) == [f"▼ {city} {len(expected)}"]


# ---- selection --------------------------------------------------------------------------------


async def test_space_toggles_an_article_and_a_whole_group(db, articles, tmp_path):
    app = make_app(db, tmp_path)
    async with app.run_test(size=APP_SIZE) as pilot:
        await settle(pilot)
        tree = tree_of(app)
        city = tree.cursor_node.data.top
        in_city = {a.id for a in articles if (a.city or UNLOCATED) == city}
        await pilot.press("space")
        assert app.screen.selected == in_city
        assert f"{len(in_city)} selected" in status_of(app)
        assert label_of(tree, tree.cursor_node).endswith(f"● {len(in_city)}")
        await pilot.press("space")
        assert app.screen.selected == set()
        assert "0 selected" in status_of(app)
        await pilot.press("l", "l", "l", "j")  # city → first program → its first article
        node = tree.cursor_node
        assert node.data.is_article
        await pilot.press("space")
        assert app.screen.selected == {node.data.article_id}
        assert label_of(tree, node).startswith("● ")
        assert "1 selected" in status_of(app)
        await pilot.press("space")
        assert label_of(tree, node).startswith("○ ")


async def test_A_selects_everything_shown_and_U_clears(db, articles, tmp_path):
    app = make_app(db, tmp_path)
    async with app.run_test(size=APP_SIZE) as pilot:
        await settle(pilot)
        await type_query(pilot, "红色物业")
        await pilot.press("enter", "A")
        assert app.screen.selected == containing(articles, "红色物业")
        await pilot.press("escape")
        await settle(pilot)
        assert f"{len(containing(articles, '红色物业'))} selected" in status_of(app)  # survives the search
        await pilot.press("A")
        assert app.screen.selected == {a.id for a in articles}
        await pilot.press("U")
        assert app.screen.selected == set()
        assert "0 selected" in status_of(app)


# ---- export -----------------------------------------------------------------------------------


def read_csv(path):
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf"), "CSV must start with a UTF-8 BOM for Excel"
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


async def export_to(pilot, path, format_steps: int = 0) -> None:
    """In the open export dialog: pick the format (down ``format_steps`` times), type a path, Enter.

    A path in the export folder is typed as a bare name, which the dialog resolves against that folder.
    """
    dialog = pilot.app.screen
    assert isinstance(dialog, ExportDialog)
    if format_steps:
        await pilot.press("shift+tab", *["down"] * format_steps, "enter", "tab")
    path_input = dialog.query_one("#export-path", Input)
    assert path_input.has_focus
    await pilot.press("ctrl+u")
    typed = path.name if path.parent == pilot.app.export_dir else str(path)
    await pilot.press(*typed)
    await pilot.press("enter")
    await settle(pilot)


async def test_e_exports_the_selection_as_articles_csv(db, articles, tmp_path):
    app = make_app(db, tmp_path)
    out = tmp_path / "chosen.csv"
    async with app.run_test(size=APP_SIZE, notifications=True) as pilot:
        await settle(pilot)
        await pilot.press("l", "l", "l", "j", "space", "j", "space")
        chosen = set(app.screen.selected)
        assert len(chosen) == 2
        await pilot.press("e")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, ExportDialog)
        assert str(dialog.query_one("#export-scope").render()) == "The 2 selected articles."
        default = dialog.query_one("#export-path", Input).value
        assert default == str(tmp_path / "five-star-export-20240504-123015.csv")
        await export_to(pilot, out)
        assert not isinstance(app.screen, ExportDialog)
        rows = read_csv(out)
        assert any(f"Exported 2 articles to {out}" in t for t in toasts(app))
    with out.open(encoding="utf-8-sig", newline="") as handle:
        assert next(csv.reader(handle)) == ARTICLES_CSV_COLUMNS
    by_id = {a.id: a for a in articles}
    assert [r["id"] for r in rows] == [a.id for a in articles if a.id in chosen]  # library order
    for row in rows:
        article = by_id[row["id"]]
        assert row["title"] == (article.title or "")
        assert row["city"] == (article.city or "")
        assert row["source"] == article.source
        assert int(row["first_line"]) == article.first_line
        assert int(row["figure_count"]) == len(article.figures)


async def test_launching_and_exporting_never_repr_the_library(db, tmp_path, monkeypatch):
    """Textual describes a worker by repr() of its arguments, on the UI thread, unless told otherwise: for a
    big library that is a frozen screen (summaries at launch, every article of an export)."""
    from five_star.store.model import Article
    from five_star.store.query.browse import Summary

    calls: list[str] = []
    monkeypatch.setattr(Article, "__repr__", lambda self: calls.append("article") or "Article(…)")
    monkeypatch.setattr(Summary, "__repr__", lambda self: calls.append("summary") or "Summary(…)")
    app = make_app(db, tmp_path)
    async with app.run_test(size=APP_SIZE, notifications=True) as pilot:
        await settle(pilot)
        await pilot.press("e")
        await wait_until(pilot, lambda: isinstance(app.screen, ExportDialog))
        await export_to(pilot, tmp_path / "all.csv")
        await wait_until(pilot, lambda: any("Exported" in t for t in toasts(app)))
    assert calls == []


async def test_with_nothing_selected_export_takes_the_filtered_view_as_figures_csv(db, articles, tmp_path):
    word = "红色物业"
    hits = containing(articles, word)
    app = make_app(db, tmp_path)
    out = tmp_path / "figures.csv"
    async with app.run_test(size=APP_SIZE, notifications=True) as pilot:
        await settle(pilot)
        await type_query(pilot, word)
        await pilot.press("enter", "e")
        await pilot.pause()
        scope = str(app.screen.query_one("#export-scope").render())
        assert scope == f"Nothing is selected, so the {len(hits)} articles matching “{word}”."
        await export_to(pilot, out, format_steps=1)
        rows = read_csv(out)
        figure_total = sum(len(a.figures) for a in articles if a.id in hits)
        assert len(rows) == figure_total
        assert any(f"Exported {figure_total:,} figures to {out}" in t for t in toasts(app))
    written = Counter((r["article_id"], r["figure"], r["kind"]) for r in rows)
    assert written == Counter((a.id, f.text, f.kind) for a in articles if a.id in hits for f in a.figures)


async def test_export_as_json_lines_writes_the_full_records(db, articles, tmp_path):
    app = make_app(db, tmp_path)
    out = tmp_path / "all.jsonl"
    async with app.run_test(size=APP_SIZE) as pilot:
        await settle(pilot)
        await pilot.press("e")
        await pilot.pause()
        assert str(app.screen.query_one("#export-scope").render()) == (
            f"Nothing is selected, so all {len(articles)} articles in the library."
        )
        await pilot.press("shift+tab", "down", "down", "enter", "tab")
        assert app.screen.query_one("#export-path", Input).value.endswith(".jsonl")
        await export_to(pilot, out)
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert records == [a.to_dict() for a in articles]


@pytest.mark.parametrize(
    ("format_steps", "typed", "written"),
    [
        (2, "picked.csv", "picked.jsonl"),  # JSON Lines chosen, then a .csv name typed
        (0, "picked.jsonl", "picked.csv"),  # articles CSV chosen, a .jsonl name typed
        (1, "picked.JSONL", "picked.csv"),
        (2, "picked.txt", "picked.txt"),  # a name of the person's own is kept
    ],
)
async def test_the_file_gets_the_ending_of_the_chosen_format(db, articles, tmp_path, format_steps, typed, written):
    app = make_app(db, tmp_path)
    async with app.run_test(size=APP_SIZE, notifications=True) as pilot:
        await settle(pilot)
        await pilot.press("e")
        await wait_until(pilot, lambda: isinstance(app.screen, ExportDialog))
        await export_to(pilot, tmp_path / typed, format_steps=format_steps)
        assert any(f"to {tmp_path / written}" in t for t in toasts(app))
    assert [p.name for p in tmp_path.glob("picked.*")] == [written]
    text = (tmp_path / written).read_text(encoding="utf-8-sig")
    if format_steps == 2:
        assert [json.loads(line)["id"] for line in text.splitlines()] == [a.id for a in articles]
    else:  # articles CSV, or figures CSV
        assert text.startswith("id," if format_steps == 0 else "article_id,")


async def test_export_asks_before_overwriting(db, articles, tmp_path):
    app = make_app(db, tmp_path)
    out = tmp_path / "exists.csv"
    out.write_text("keep me", encoding="utf-8")
    async with app.run_test(size=APP_SIZE) as pilot:
        await settle(pilot)
        await pilot.press("e")
        await pilot.pause()
        await export_to(pilot, out)
        assert isinstance(app.screen, ConfirmOverwrite)
        await pilot.press("n")
        await settle(pilot)
        assert isinstance(app.screen, ExportDialog)
        assert out.read_text(encoding="utf-8") == "keep me"
        await pilot.press("enter")  # the path field still has focus
        await pilot.pause()
        assert isinstance(app.screen, ConfirmOverwrite)
        await pilot.press("y")
        await settle(pilot)
    assert len(read_csv(out)) == len(articles)


async def test_escape_cancels_the_export_dialog(db, tmp_path):
    app = make_app(db, tmp_path)
    async with app.run_test(size=APP_SIZE) as pilot:
        await settle(pilot)
        await pilot.press("e")
        await pilot.pause()
        assert isinstance(app.screen, ExportDialog)
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, ExportDialog)
    assert not list(tmp_path.glob("five-star-export-*"))


# ---- help, palette, theme, quit ---------------------------------------------------------------


async def test_question_mark_lists_every_key(db, tmp_path):
    from five_star.tui.app import FiveStarApp
    from five_star.tui.screens.browse import BrowseScreen

    app = make_app(db, tmp_path)
    async with app.run_test(size=APP_SIZE) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        console = Console(width=120, record=True)
        console.print(app.screen.query_one("#help-keys").content)
        listed = console.export_text()
        for cls in (FiveStarApp, BrowseScreen, ArticleTree, SearchBar, ExportDialog):
            for binding in cls.BINDINGS:
                assert " ".join((binding.tooltip or binding.description).split()) in " ".join(listed.split()), binding
        for key in ("/", "space", "e", "t", "A", "U", "n", "N", "]", "[", "j", "k", "g", "G", "q", "^q", "^p", "?"):
            assert any(line.strip().startswith(key + " ") for line in listed.splitlines()), key
        await pilot.press("escape")
        assert not isinstance(app.screen, HelpScreen)


async def palette(pilot, text: str) -> None:
    await pilot.press("ctrl+p")
    await wait_until(pilot, lambda: isinstance(pilot.app.screen, CommandPalette))
    await pilot.press(*text)
    await settle(pilot)  # the palette gathers its commands in a worker
    await pilot.press("enter")
    await settle(pilot)


async def test_palette_jumps_to_a_city(db, articles, tmp_path):
    cities = ranked(Counter(a.city or UNLOCATED for a in articles), UNLOCATED)
    city = cities[-2][0] if len(cities) > 1 else cities[0][0]
    app = make_app(db, tmp_path)
    async with app.run_test(size=APP_SIZE) as pilot:
        await settle(pilot)
        await palette(pilot, f"city {city}")
        node = tree_of(app).cursor_node
        assert node.data.top == city and node.data.middle is None


async def test_palette_jumps_to_an_article_by_title(db, articles, tmp_path):
    article = next(a for a in reversed(articles) if a.title)
    app = make_app(db, tmp_path)
    async with app.run_test(size=APP_SIZE) as pilot:
        await settle(pilot)
        await palette(pilot, one_line(article.title))
        assert tree_of(app).cursor_node.data.article_id == article.id
        assert one_line(article.title) in app.screen.query_one(ArticleHeader).render().plain


async def test_palette_offers_export_and_grouping(db, tmp_path):
    app = make_app(db, tmp_path)
    async with app.run_test(size=APP_SIZE) as pilot:
        await settle(pilot)
        await palette(pilot, "group prog")
        assert "programs → cities" in status_of(app)
        for fmt in FORMATS:  # the palette offers every format of the one table, each opening the dialog on it
            await palette(pilot, f"Export: {fmt.label}")
            assert isinstance(app.screen, ExportDialog)
            assert app.screen.chosen_format is fmt
            assert app.screen.query_one("#export-path", Input).value.endswith(fmt.suffix)
            await pilot.press("escape")
        await palette(pilot, "Help: list every key")
        assert isinstance(app.screen, HelpScreen)


async def test_theme_picker_changes_the_theme_and_the_figure_colours(db, articles, tmp_path):
    article = figure_rich(articles)
    app = make_app(db, tmp_path)
    async with app.run_test(size=APP_SIZE) as pilot:
        await settle(pilot)
        await open_article(pilot, {a.id: a for a in articles}, article.id)
        body = app.screen.query_one(ArticleText)
        before = body.style_of(["figure--money"])
        await palette(pilot, "theme")
        await pilot.press(*"textual-light")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert app.theme == "textual-light"
        assert body.style_of(["figure--money"]) != before


@pytest.mark.parametrize("key", ["q", "ctrl+q"])
async def test_q_and_ctrl_q_quit(db, tmp_path, key):
    app = make_app(db, tmp_path)
    async with app.run_test(size=APP_SIZE) as pilot:
        await settle(pilot)
        await pilot.press(key)
        await pilot.pause()
        assert app.return_code == 0


async def test_q_in_the_search_box_is_just_a_letter(db, tmp_path):
    app = make_app(db, tmp_path)
    async with app.run_test(size=APP_SIZE) as pilot:
        await settle(pilot)
        await type_query(pilot, "q")
        assert app.screen.query_one(SearchBar).value == "q"
        assert app.return_code is None


# ---- the cached tree --------------------------------------------------------------------------


async def test_every_launch_draws_the_tree_before_reading_the_library(db, articles, tmp_path):
    from five_star.store.query.browse import read_cached_summaries

    shown_before_reading = []

    class Watching(type(make_app(db, tmp_path))):
        def on_library_loaded(self, message):  # runs before the app's own handler
            shown_before_reading.append((top_labels(tree_of(self)), message.index))

    for _ in range(2):
        app = Watching(db, export_dir=tmp_path)
        async with app.run_test(size=APP_SIZE) as pilot:
            await settle(pilot)
            expected = top_labels(tree_of(app))
            assert "reading the library" not in status_of(app)
        # the tree was there before the library was read, and right: no second drawing
        assert shown_before_reading.pop() == (expected, None)
    # the first launch drew from the file's own summaries and left the (quicker) cache for the second
    assert [s.id for s in read_cached_summaries(db)] == [a.id for a in articles]


async def test_with_corrections_a_second_launch_draws_the_tree_from_cached_summaries(db, articles, tmp_path):
    from five_star.store.library.corrections import CorrectionsFile
    from five_star.store.query.browse import read_cached_summaries

    CorrectionsFile(db).set_title(articles[0], "我的标题")  # the file's summaries do not show it
    first = make_app(db, tmp_path)
    async with first.run_test(size=APP_SIZE) as pilot:
        await settle(pilot)
        expected = top_labels(tree_of(first))
    cached = read_cached_summaries(db)
    assert [s.id for s in cached] == [a.id for a in articles]
    assert next(s.label for s in cached if s.id == articles[0].id) == "我的标题"

    shown_before_reading = []

    class Watching(type(first)):
        def on_library_loaded(self, message):  # runs before the app's own handler
            shown_before_reading.append((top_labels(tree_of(self)), message.index))

    second = Watching(db, export_dir=tmp_path)
    async with second.run_test(size=APP_SIZE) as pilot:
        await settle(pilot)
        assert shown_before_reading == [(expected, None)]
        assert top_labels(tree_of(second)) == expected


async def test_a_stale_cache_is_replaced_by_what_the_library_holds(db, articles, tmp_path):
    from five_star.store.query.browse import (
        Summary,
        library_stamp,
        write_cached_summaries,
    )

    wrong = [Summary.of(a) for a in articles[:3]]
    wrong = [Summary(s.id, "郑州市", s.programs, s.label, s.kind, s.source) for s in wrong]
    write_cached_summaries(db, library_stamp(db), wrong)  # claims to be current, but is not
    app = make_app(db, tmp_path)
    async with app.run_test(size=APP_SIZE) as pilot:
        await settle(pilot)
        expected = ranked(Counter(a.city or UNLOCATED for a in articles), UNLOCATED)
        assert top_labels(tree_of(app)) == [f"▶ {city} {n}" for city, n in expected]


# ---- untrusted text ---------------------------------------------------------------------------

HOSTILE_PAGE = (
    "[b]红色物业[/b]点亮漯河“五星”支部 \x1b[31m红字\x1b[0m[link=http://x]链接[/link]\n"
    "\n"
    "本报讯（记者 [i]张三[/i]）漯河市舞阳县投入985万元，建成[red]12个[/red]党群服务中心\x07，"
    "惠及3000人\x1b[2J。[/]结束\x08。\n"
)


async def test_markup_ansi_and_control_characters_in_articles_show_as_plain_text(tmp_path):
    db, stored = library_of_page(tmp_path, "hostile.txt", HOSTILE_PAGE)
    article = next(a for a in stored if "[b]" in (a.title or "") + a.text)
    app = make_app(db, tmp_path)
    async with app.run_test(size=APP_SIZE) as pilot:
        await settle(pilot)
        await open_article(pilot, {a.id: a for a in stored}, article.id)
        tree = tree_of(app)
        label = label_of(tree, tree.cursor_node)
        header = app.screen.query_one(ArticleHeader).render().plain
        body = app.screen.query_one(ArticleText).render().plain
        for shown in (label, header, body):
            assert not any(ch in shown for ch in "\x1b\x07\x08"), shown
        assert "[b]红色物业[/b]" in label  # literally, never as bold
        assert "[b]红色物业[/b]" in header
        for literal in ("[red]12个[/red]", "[link=http://x]链接[/link]", "[i]张三[/i]", "[/]结束"):
            assert literal in body
        assert body == strip_controls(article.text)
        screen_svg = app.export_screenshot()
        assert "[b]" in screen_svg and "\x1b" not in screen_svg
        # and nothing was styled by the would-be markup: "红色物业" inside [b]…[/b] is not bold in the body
        text_widget = app.screen.query_one(ArticleText)
        rendered = text_widget.render()
        assert not rendered.get_style_at_offset(Console(), rendered.plain.index("[b]红色物业") + 3).bold
        # figure offsets survive the removal of control characters: 12个 is still highlighted as a count
        figure = rendered.plain.index("12个")
        assert rendered.get_style_at_offset(Console(), figure).bgcolor == text_widget.style_of(
            [kind_class("count")]
        ).bgcolor


# ---- Textual's own API stays Textual's --------------------------------------------------------


async def test_double_clicking_the_status_bar_leaves_the_app_working(db, tmp_path):
    # Textual answers a double click by selecting the widget's text, which calls its query(); a reactive
    # named `query` on the status bar made that a string, and the app crashed.
    app = make_app(db, tmp_path)
    async with app.run_test(size=APP_SIZE) as pilot:
        await settle(pilot)
        await pilot.click(StatusBar, times=2)
        await pilot.click(StatusBar)
        await pilot.click(StatusBar)
        await settle(pilot)
        assert app.is_running and app.return_code is None
        await pilot.press("t")
        await settle(pilot)
        assert "programs → cities" in status_of(app)


# Textual methods and class settings that our classes are meant to fill in.
TEXTUAL_HOOKS = {
    "AUTO_FOCUS", "BINDINGS", "COMMANDS", "COMPONENT_CLASSES", "CSS_PATH", "DEFAULT_CLASSES", "DEFAULT_CSS",
    "SUB_TITLE", "TITLE", "check_action", "compose", "deliver_screenshot", "discover", "get_default_screen",
    "get_system_commands",
    "handle_bindings_clash", "on_mount", "on_ready", "render", "render_label", "search",
    # a Visual of our own (the wrapped article text) fills in Visual's abstract methods
    "get_height", "get_optimal_width", "render_strips",
    # the figure explorer's table draws only the rows on screen, through the Line API
    "render_line",
    # the library tree measures its labels without drawing them, and takes them as the one line they are
    "get_label_width", "process_label",
    # the ingest dialog's path completion: the Suggester's one abstract method
    "get_suggestion",
}


def our_textual_classes():
    """Every class in five_star.tui built on a Textual class, with the nearest Textual class below it."""
    package = importlib.import_module("five_star.tui")
    for info in pkgutil.walk_packages(package.__path__, "five_star.tui."):
        module = importlib.import_module(info.name)
        for cls in vars(module).values():
            if inspect.isclass(cls) and cls.__module__ == module.__name__:
                textual = next((b for b in cls.__mro__ if b.__module__.startswith("textual.")), None)
                if textual is not None:
                    yield cls, textual


def shadowed(cls, textual) -> set[str]:
    """Names of Textual's API that ``cls`` defines again: as class attributes (reactives included), or as
    methods turned into data by a ``self.x = …`` in one of its methods (as `StatusBar.query` was)."""
    settings = set(vars(type("Probe", (textual,), {})))  # what Textual sets on every subclass itself
    names = {name for name in vars(cls) if name not in settings and hasattr(textual, name)}
    for node in ast.walk(ast.parse(textwrap.dedent(inspect.getsource(cls)))):
        if (
            isinstance(node, ast.Attribute)
            and isinstance(node.ctx, ast.Store)
            and isinstance(node.value, ast.Name)
            and node.value.id == "self"
            and callable(getattr(textual, node.attr, None))
        ):
            names.add(node.attr)
    return {name for name in names if not name.startswith("_") and name not in TEXTUAL_HOOKS}


def test_no_attribute_of_ours_shadows_textual_api():
    clashes = {
        f"{cls.__module__}.{cls.__name__}.{name}"
        for cls, textual in our_textual_classes()
        for name in shadowed(cls, textual)
    }
    assert not clashes


def test_every_binding_of_ours_has_an_id_and_ids_are_unique():
    ids = Counter()
    for cls, _ in our_textual_classes():
        for binding in vars(cls).get("BINDINGS", []):
            assert isinstance(binding, Binding) and binding.id, (cls.__name__, binding)
            ids[binding.id] += 1
    assert ids and max(ids.values()) == 1, ids
