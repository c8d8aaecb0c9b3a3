"""Every Textual theme, light ones too, keeps the app's coloured text readable and the current figure
unmistakable: measured from the styles as they are drawn."""

from __future__ import annotations

import pytest
from rich.color import Color as RichColor
from rich.style import Style
from textual.color import Color

from five_star.store.model import FIGURE_KINDS
from five_star.tui.widgets.article_detail import ArticleHeader, ArticleRecord, ArticleText, kind_class
from five_star.tui.widgets.styling import component_style
from helpers.app import APP_SIZE, library_copy, make_app, settle, tree_of

pytestmark = pytest.mark.slow  # drives the real app through a pilot: a second or more per test

# WCAG's contrast for body text (AA), for every text the app colours: figures, labels, counts.
BODY_TEXT = 4.5
# WCAG's contrast for what must be told apart without reading it (1.4.11, non-text contrast): the current
# figure against every figure kind's colour and the page.
TELL_APART = 3.0

FIGURE_COMPONENTS = [kind_class(kind) for kind in FIGURE_KINDS]


def luminance(colour: RichColor) -> float:
    def channel(value: int) -> float:
        value_ = value / 255
        return value_ / 12.92 if value_ <= 0.03928 else ((value_ + 0.055) / 1.055) ** 2.4

    c = Color.from_rich_color(colour)
    return 0.2126 * channel(c.r) + 0.7152 * channel(c.g) + 0.0722 * channel(c.b)


def contrast(a: RichColor, b: RichColor) -> float:
    light, dark = sorted((luminance(a), luminance(b)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def drawn(style: Style, base: Style) -> tuple[RichColor, RichColor]:
    """(text, background) as the terminal shows them: the widget's own where the style sets none, swapped
    by reverse."""
    colour, background = style.color or base.color, style.bgcolor or base.bgcolor
    assert colour is not None and background is not None
    return (background, colour) if style.reverse else (colour, background)


async def open_article_in_each_theme(pilot):
    """Yield each theme Textual ships, with an article open and its styles worked out in that theme."""
    app = pilot.app
    await settle(pilot)
    await pilot.press("l", "l", "l", "j")  # an article open, so the text widget has its styles
    await settle(pilot)
    for name, theme in sorted(app.available_themes.items()):
        app.theme = name
        await settle(pilot)
        yield name, theme


async def test_every_coloured_text_is_readable_in_every_theme(tmp_path_factory, tmp_path):
    app = make_app(library_copy(tmp_path_factory, tmp_path), tmp_path)
    async with app.run_test(size=APP_SIZE) as pilot:
        body = app.screen.query_one(ArticleText)
        poor = []
        async for name, theme in open_article_in_each_theme(pilot):
            highlights = {
                **{component: [component] for component in FIGURE_COMPONENTS},
                **{f"current {component}": [component, "figure--current"] for component in FIGURE_COMPONENTS},
            }
            if not theme.ansi:  # a hit reverses the widget's colours, which are the terminal's there
                highlights["figure--hit"] = ["figure--hit"]
            for what, components in highlights.items():
                ratio = contrast(*drawn(body.style_of(components), body.rich_style))
                if ratio < BODY_TEXT:
                    poor.append((name, what, round(ratio, 1)))
            if theme.ansi:
                continue  # labels and counts are drawn in the terminal's own colours
            for widget, component in (
                (app.screen.query_one(ArticleHeader), "article-header--title"),
                (app.screen.query_one(ArticleHeader), "article-header--label"),
                (app.screen.query_one(ArticleRecord), "article-record--title"),
                (app.screen.query_one(ArticleRecord), "article-record--label"),
            ):
                ratio = contrast(*drawn(component_style(widget, component), widget.rich_style))
                if ratio < BODY_TEXT:
                    poor.append((name, component, round(ratio, 1)))
            group_line = tree_of(app).render_line(1)  # line 0 has the cursor, drawn in the cursor's colours
            count = next(segment.style for segment in group_line if segment.text.strip().isdigit())
            ratio = contrast(count.color, count.bgcolor)
            if ratio < BODY_TEXT:
                poor.append((name, "group count", round(ratio, 1)))
        assert not poor


async def test_the_current_figure_looks_like_no_figure_kind_in_any_theme(tmp_path_factory, tmp_path):
    """It used to be drawn in the accent colour, which is the money colour in textual-dark."""
    app = make_app(library_copy(tmp_path_factory, tmp_path), tmp_path)
    async with app.run_test(size=APP_SIZE) as pilot:
        body = app.screen.query_one(ArticleText)
        alike = []
        async for name, theme in open_article_in_each_theme(pilot):
            base = body.rich_style
            backgrounds = {"text": base.bgcolor, **{c: drawn(body.style_of([c]), base)[1] for c in FIGURE_COMPONENTS}}
            for kind in FIGURE_COMPONENTS:
                current = body.style_of([kind, "figure--current"])
                assert current.bold and current.underline, (name, kind)
                if theme.ansi:
                    # The terminal's sixteen colours are not known here; reversing them is what stands out.
                    assert current.reverse, (name, kind)
                    continue
                background = drawn(current, base)[1]
                for other, colour in backgrounds.items():
                    ratio = contrast(background, colour)
                    if ratio < TELL_APART:
                        alike.append((name, f"current {kind}", other, round(ratio, 1)))
        assert not alike


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
