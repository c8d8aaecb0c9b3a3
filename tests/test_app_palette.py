"""The command palette with untrusted text in its entries: file names and titles stay plain text."""

from __future__ import annotations

import json

from textual.command import CommandPalette
from textual.widgets import OptionList

from five_star.tui.widgets.article_tree import ArticleTree
from helpers.app import APP_SIZE, library_of_page, make_app, settle, wait_until

PAGE = "郑州市某村召开五星支部创建推进会\n\n本报讯 郑州市某村投资100万元建设党群服务中心。\n"


async def test_a_file_name_that_looks_like_markup_is_shown_literally_in_the_palette(tmp_path):
    name = "[b]报道[red].txt"
    db, (article,) = library_of_page(tmp_path, name, PAGE)
    app = make_app(db, tmp_path)
    async with app.run_test(size=APP_SIZE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")
        await wait_until(pilot, lambda: isinstance(app.screen, CommandPalette))
        await pilot.press(*"推进会")
        await settle(pilot)  # the palette gathers its commands in a worker
        palette = app.screen
        assert isinstance(palette, CommandPalette)
        options = palette.query_one(OptionList)
        shown = [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]
        assert any(name in prompt for prompt in shown), shown
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen.query_one(ArticleTree).cursor_node.data.article_id == article.id


async def test_a_city_name_that_looks_like_markup_is_listed_literally_when_the_palette_opens(tmp_path):
    """City names come from library rows, which a hand-edited or foreign library may fill with anything."""
    db, _ = library_of_page(tmp_path, "page.txt", PAGE)
    hostile = "[/x]郑州[b]市"
    data = json.loads(db.read_text(encoding="utf-8"))
    for row in data["articles"].values():
        row["city"] = hostile
    db.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    app = make_app(db, tmp_path)
    async with app.run_test(size=APP_SIZE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")  # the discovery list, before anything is typed
        await wait_until(pilot, lambda: isinstance(app.screen, CommandPalette))
        await settle(pilot)
        options = app.screen.query_one(OptionList)
        shown = [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]
        assert f"Jump to city: {hostile}" in [prompt.split("\n")[0] for prompt in shown], shown
