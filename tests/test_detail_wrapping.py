"""The article text is wrapped by the app itself: figures and search hits stay whole, CJK punctuation rules hold."""

from __future__ import annotations

from itertools import pairwise

import pytest
from rich.cells import cell_len

from five_star.tui.widgets.line_breaks import NO_LINE_END, NO_LINE_START, wrap_lines, wrapped_line_of


def lines_of(text, width, keep=()):
    return [text[start:end] for start, end in wrap_lines(text, width, keep)]


def assert_well_formed(text, width, keep=()):
    lines = wrap_lines(text, width, keep)
    # every character is on exactly one line, in order; the only thing left out is a paragraph's newline
    assert lines[0][0] == 0 and lines[-1][1] == len(text)
    for (_, end), (start, _) in pairwise(lines):
        assert start == end or (start == end + 1 and text[end] == "\n")
    for start, end in lines:
        assert cell_len(text[start:end]) <= width or end - start == 1
    return [text[s:e] for s, e in lines]


def test_a_figure_at_the_edge_moves_whole_to_the_next_line():
    text = "带动企业218家，创造岗位"
    figure = (4, 8)  # 218家
    # 4 CJK characters fill 8 cells: "218家" would be cut after "2" by a plain wrap
    assert assert_well_formed(text, 10, [figure]) == ["带动企业", "218家，创", "造岗位"]
    for width in range(7, 30):
        for line in assert_well_formed(text, width, [figure]):
            assert "218家" in line or not any(part in line for part in ("218", "18家", "家"))


def test_a_number_is_not_cut_even_when_it_is_no_figure():
    # a plain wrap would end the first line on "20"
    assert assert_well_formed("共有党员2023名同志", 10) == ["共有党员", "2023名同志"]


def test_closing_punctuation_never_starts_a_line():
    text = "一二三四，五六七八。九十、十一"
    for width in range(4, 20):
        lines = assert_well_formed(text, width)
        assert not any(line[0] in NO_LINE_START for line in lines if line), (width, lines)
    # the character before the comma goes down with it
    assert assert_well_formed("一二三四，五六", 8) == ["一二三", "四，五六"]


def test_opening_punctuation_never_ends_a_line():
    text = "甲乙丙（丁戊）己“庚辛”壬《癸》"
    for width in range(4, 20):
        lines = assert_well_formed(text, width)
        assert not any(line[-1] in NO_LINE_END for line in lines if line), (width, lines)
    assert assert_well_formed("甲乙丙（丁戊）", 8) == ["甲乙丙", "（丁戊）"]


def test_a_run_of_punctuation_longer_than_a_line_is_cut_where_the_line_is_full():
    text = "一二三" + "。" * 9 + "四"
    lines = assert_well_formed(text, 8)
    assert all(cell_len(line) <= 8 for line in lines)
    assert "".join(lines) == text
    assert lines[0] == "一二"  # 三 keeps the first 。 company as far as it can


def test_a_figure_longer_than_the_line_is_cut_to_fit():
    text = "共计12345678910元整"
    figure = (2, 13)  # 11 cells, the line has 6
    assert assert_well_formed(text, 6, [figure]) == ["共计", "123456", "78910", "元整"]


def test_a_search_hit_stays_on_one_line_and_a_figure_may_end_at_the_edge():
    text = "五星支部创建红色物业全覆盖"
    hit = (6, 10)  # 红色物业
    lines = assert_well_formed(text, 14, [hit])
    assert lines == ["五星支部创建", "红色物业全覆盖"]
    # a span that fits exactly at the end of a line stays there
    assert assert_well_formed(text, 20, [hit]) == ["五星支部创建红色物业", "全覆盖"]


def test_paragraphs_and_empty_lines_are_kept():
    text = "一二三四五六\n\n短"
    assert assert_well_formed(text, 8) == ["一二三四", "五六", "", "短"]


def test_wrapped_line_of_agrees_with_the_wrapping():
    text = "带动企业218家，创造岗位\n\n短句。"
    keep = [(4, 8)]
    lines = wrap_lines(text, 10, keep)
    for offset in range(len(text)):
        number = wrapped_line_of(text, offset, 10, keep)
        start, end = lines[number]
        assert start <= offset <= end
    assert wrapped_line_of(text, 4, 10, keep) == 1  # 218家 starts the second line
    assert wrapped_line_of(text, 14, 10, keep) == 3  # the empty paragraph
    assert wrapped_line_of(text, len(text), 10, keep) == 4


# ---- in the app -------------------------------------------------------------------------------


@pytest.mark.slow
async def test_a_real_article_at_80_columns_keeps_figures_whole_and_punctuation_off_line_starts(tmp_path_factory, tmp_path):
    from five_star.store.query.browse import NO_PROGRAM, UNLOCATED
    from five_star.store.sanitize import strip_controls
    from five_star.tui.widgets.article_detail import ArticleText
    from helpers.app import library_copy, make_app, read_articles, settle, tree_of, visible_nodes

    db = library_copy(tmp_path_factory, tmp_path)
    articles = read_articles(db)
    article = max(articles, key=lambda a: len(a.figures))
    assert strip_controls(article.text) == article.text  # offsets in the text are offsets on screen
    app = make_app(db, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        tree = tree_of(app)
        for wanted in (article.city or UNLOCATED, (article.programs or [NO_PROGRAM])[0], article.id):
            lines = [node for _, node in visible_nodes(tree)]
            target = next(
                i for i, node in enumerate(lines)
                if node.data is not None and wanted in (node.data.article_id, node.data.middle, node.data.top)
                and (wanted == node.data.article_id or not node.data.is_article)
            )
            for _ in range(abs(target - tree.cursor_line)):
                await pilot.press("j" if target > tree.cursor_line else "k")
            if wanted != article.id:
                await pilot.press("l")
        await settle(pilot)
        body = app.screen.query_one(ArticleText)
        assert body.article is article or body.article.id == article.id
        width = body.content_region.width
        assert 20 < width < 80
        shown = [body.render_line(y).text.rstrip() for y in range(body.size.height)]
        # what is on screen is the article text, cut into lines (a wrap may drop a space at a fold)
        assert "".join(shown).replace(" ", "") == article.text.replace("\n", "").replace(" ", "")
        assert not any(line[0] in "，。、；：？！）」』”’》" for line in shown if line), shown
        assert not any(line[-1] in "（「『“‘《" for line in shown if line), shown
        # every figure that fits on a line is on one line
        starts, at = [], 0
        for line in shown:
            starts.append(at)
            at += len(line)
        flat = article.text.replace("\n", "")
        checked = 0
        for figure in article.figures:
            text = figure.text
            if cell_len(text) > width or "\n" in text:
                continue
            start = len(article.text[: figure.start].replace("\n", ""))
            assert flat[start : start + len(text)] == text
            first = max(i for i, s in enumerate(starts) if s <= start)
            assert start + len(text) <= starts[first] + len(shown[first]), (figure.text, shown[first])
            checked += 1
        assert checked == len(article.figures)
        # stepping to the last figure scrolls its line into view
        await pilot.press("left_square_bracket")
        await pilot.pause()
        last = article.figures[-1]
        line = body.virtual_region.y + body.screen_line_of(last.start)
        scroll = app.screen.query_one("#detail-scroll")
        assert scroll.scroll_y <= line < scroll.scroll_y + scroll.scrollable_content_region.height
        assert last.text in shown[body.screen_line_of(last.start)]
