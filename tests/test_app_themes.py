"""Every Textual theme, light ones too, keeps the app's coloured text readable: measured as drawn."""

from __future__ import annotations

import pytest
from rich.color import Color as RichColor
from textual.color import Color

from five_star.store.model import FIGURE_KINDS
from five_star.tui.widgets.article_detail import ArticleText, kind_class
from helpers.app import APP_SIZE, library_copy, make_app, settle, tree_of

pytestmark = pytest.mark.slow  # drives the real app through a pilot: a second or more per test

# WCAG's contrast for body text (AA). Counts in the tree are muted on purpose, and held to its floor for
# text that is secondary.
BODY_TEXT = 4.5
MUTED_TEXT = 4.0


def luminance(colour: RichColor) -> float:
    def channel(value: int) -> float:
        value_ = value / 255
        return value_ / 12.92 if value_ <= 0.03928 else ((value_ + 0.055) / 1.055) ** 2.4

    c = Color.from_rich_color(colour)
    return 0.2126 * channel(c.r) + 0.7152 * channel(c.g) + 0.0722 * channel(c.b)


def contrast(a: RichColor, b: RichColor) -> float:
    light, dark = sorted((luminance(a), luminance(b)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


async def test_figures_and_group_counts_are_readable_in_every_theme(tmp_path_factory, tmp_path):
    app = make_app(library_copy(tmp_path_factory, tmp_path), tmp_path)
    async with app.run_test(size=APP_SIZE) as pilot:
        await settle(pilot)
        await pilot.press("l", "l", "l", "j")  # an article open, so the text widget has its styles
        await settle(pilot)
        body = app.screen.query_one(ArticleText)
        components = [*(kind_class(kind) for kind in FIGURE_KINDS), "figure--current"]
        poor = []
        for name, theme in sorted(app.available_themes.items()):
            app.theme = name
            await settle(pilot)
            widget = body.rich_style
            for component in components:
                style = body.style_of([component])
                ratio = contrast(style.color or widget.color, style.bgcolor or widget.bgcolor)
                if ratio < BODY_TEXT:
                    poor.append((name, component, round(ratio, 1)))
            if theme.ansi:
                continue  # the tree's counts are drawn in the terminal's own colours
            tree = tree_of(app)
            group_line = tree.render_line(1)  # line 0 has the cursor, drawn in the cursor's colours
            count = next(segment.style for segment in group_line if segment.text.strip().isdigit())
            ratio = contrast(count.color, count.bgcolor)
            if ratio < MUTED_TEXT:
                poor.append((name, "group count", round(ratio, 1)))
        assert not poor


async def test_every_figure_kind_has_its_own_colour_in_every_theme_with_colours_of_its_own(tmp_path_factory, tmp_path):
    app = make_app(library_copy(tmp_path_factory, tmp_path), tmp_path)
    async with app.run_test(size=APP_SIZE) as pilot:
        await settle(pilot)
        body = app.screen.query_one(ArticleText)
        for name, theme in sorted(app.available_themes.items()):
            if theme.ansi:
                continue  # sixteen terminal colours cannot be blended into nine shades
            app.theme = name
            await settle(pilot)
            backgrounds = {body.style_of([kind_class(kind)]).bgcolor for kind in FIGURE_KINDS}
            assert len(backgrounds) == len(FIGURE_KINDS), name
