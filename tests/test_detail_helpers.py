"""The detail pane's pure helpers: marks, wrapping, figure values."""

from __future__ import annotations

from five_star.store.model import Figure
from five_star.tui.widgets.article_detail import (
    Mark,
    figure_value,
    place_marks,
    styled_pieces,
    wrapped_line_of,
)


def test_styled_pieces_cut_at_every_boundary_and_keep_all_text():
    text = "投入985万元建成12个中心"
    marks = [Mark(2, 7, "figure--money"), Mark(9, 12, "figure--count"), Mark(2, 5, "figure--hit")]
    pieces = styled_pieces(text, marks)
    assert "".join(piece for piece, _ in pieces) == text
    assert pieces == [
        ("投入", ()),
        ("985", ("figure--money", "figure--hit")),
        ("万元", ("figure--money",)),
        ("建成", ()),
        ("12个", ("figure--count",)),
        ("中心", ()),
    ]


def test_styled_pieces_ignore_marks_outside_the_text():
    assert styled_pieces("abc", [Mark(2, 9, "x"), Mark(-1, 1, "y")]) == [("abc", ())]


def test_place_marks_find_full_and_short_forms():
    text = "漯河市舞阳县，舞阳的党员"
    marks = place_marks(text, ["舞阳县"])
    assert sorted((m.start, m.end) for m in marks) == [(3, 5), (3, 6), (7, 9)]


def test_wrapped_line_of_counts_paragraphs_and_wraps():
    text = "一二三四五六七八九十\n短\n一二三四五六七八九十一二"
    # width 10 cells = 5 CJK characters per line
    assert wrapped_line_of(text, 0, 10) == 0
    assert wrapped_line_of(text, 5, 10) == 1
    assert wrapped_line_of(text, 11, 10) == 2  # 短
    assert wrapped_line_of(text, 13, 10) == 3
    assert wrapped_line_of(text, 13 + 10, 10) == 5


def test_figure_value_formats_integers_ranges_and_unknowns():
    def fig(value, value_max=None):
        return Figure("x", value, "元", None, "money", 0, 1, value_max)

    assert figure_value(fig(29540000)) == "29,540,000"
    assert figure_value(fig(73.39)) == "73.39"
    assert figure_value(fig(40000, 50000)) == "40,000–50,000"
    assert figure_value(fig(None)) == "?"
