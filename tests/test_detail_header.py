"""The detail pane's header leaves room for the article: one line per fact, the rest in full under the text."""

from __future__ import annotations

import pytest
from rich.cells import cell_len

from five_star.store.sanitize import one_line
from five_star.tui.widgets.article_detail import ArticleHeader, ArticleRecord, ArticleText, FigureLegend
from five_star.tui.widgets.header_rows import LABEL_CELLS, MORE, Row, header_rows
from helpers.app import library_copy, make_app, read_articles, settle

REPAIRS = Row("repairs", ("t2s", "punctuation-spaces:97", "number-spaces:47", "rejoined-lines:124"), separator=", ")


def test_a_row_that_fits_is_not_cut():
    assert REPAIRS.cut(200) is None
    assert REPAIRS.value == "t2s, punctuation-spaces:97, number-spaces:47, rejoined-lines:124"


def test_a_long_list_keeps_whole_items_and_says_how_many_are_left_out():
    cut = REPAIRS.cut(50)
    assert cut == f"t2s, punctuation-spaces:97 … +2 {MORE}"
    assert LABEL_CELLS + cell_len(cut) <= 50


def test_one_long_value_is_cut_off_where_the_line_ends():
    source = Row("source", ("002_c583b74fb9e7868d.txt lines 2–203",))
    cut = source.cut(30)
    assert cut is not None and cut.endswith("…" + MORE) and LABEL_CELLS + cell_len(cut) == 30
    assert source.value.startswith(cut.removesuffix("…" + MORE))


def test_an_empty_row_says_so():
    assert Row("authors").value == "—"
    assert Row("repairs", empty="none").value == "none"


def drawn(widget) -> list[str]:
    """The lines the widget shows, as drawn at its width."""
    return [widget.render_line(y).text.rstrip() for y in range(widget.size.height)]


@pytest.mark.slow
async def test_at_80x24_the_article_starts_on_the_first_screen_and_every_fact_can_be_read(tmp_path_factory, tmp_path):
    db = library_copy(tmp_path_factory, tmp_path)
    by_id = {a.id: a for a in read_articles(db)}
    app = make_app(db, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("l", "l", "l", "j")  # the first article with repairs enough to wrap (see the snapshot)
        await settle(pilot)
        header = app.screen.query_one(ArticleHeader)
        article = by_id[header.article.id]
        assert len(article.repairs) >= 3
        width = header.content_region.width
        header_lines = drawn(header)
        # the title, then one line for each fact: the repairs no longer run over several lines
        assert len(header_lines) == 1 + len(header.rows)
        assert all(cell_len(line) <= width for line in header_lines)
        repairs_line = next(line for line in header_lines if line.startswith("repairs"))
        assert MORE in repairs_line
        assert len(drawn(app.screen.query_one(FigureLegend))) == 1
        # the body's first lines are inside the scrolling pane's view, not below it
        scroll = app.screen.query_one("#detail-scroll")
        body = app.screen.query_one(ArticleText)
        assert scroll.region.bottom - body.region.y >= 3
        # what was cut short is under the text, whole
        record = "\n".join(drawn(app.screen.query_one(ArticleRecord)))
        for repair in article.repairs:
            assert one_line(repair) in record
        assert "programs" not in record or all(one_line(p) in record for p in article.programs)


def test_kicker_photos_and_planned_tallies_have_rows_only_when_the_article_has_them(articles):
    from dataclasses import replace

    from five_star.store.model import StarCount
    plain = next(a for a in articles if not a.kicker and not a.captions)
    assert [row.label for row in header_rows(plain)] == ["", "published", "authors", "programs", "stars", "source", "repairs"]
    lohe = next(a for a in articles if a.captions)
    labels = [row.label for row in header_rows(lohe)]
    assert labels.index("photos") == labels.index("source") - 1
    kicked = next(a for a in articles if a.kicker)
    assert [row.label for row in header_rows(kicked)][:2] == ["", "kicker"]
    goal = replace(plain, star_counts=[StarCount(tier=5, count=6, text="拟创建“五星”支部的6个村", plan=True)])
    (stars,) = [row for row in header_rows(goal) if row.label == "stars"]
    assert stars.items == ("五星 6 planned (拟创建“五星”支部的6个村)",)
