"""The app and ``five-star-tui search`` answer through the one query service: the same hits, the same
warnings, and a query with nothing usable in it refused by both, never widened to the whole library."""

from __future__ import annotations

from collections import Counter

import pytest

from five_star.store.query.service import read_query
from five_star.store.sanitize import one_line
from five_star.tui.cli import main
from five_star.tui.widgets.search_bar import SearchBar
from helpers.app import (
    APP_SIZE,
    make_app,
    read_articles,
    settle,
    shown_article_ids,
    status_of,
    top_labels,
    tree_of,
)

pytestmark = pytest.mark.slow  # drives the real app through a pilot: a second or more per test

GOOD = ["红色物业", "党员 -红色物业", '"五星 支部"', "unit:万元 value>=100万", "qqqzzz"]
PARTLY_USABLE = ["红色物业 kind:banana", "党员 value>=abc", "党员 city:"]
REFUSED = ["kind:banana", "value>=abc", "value>=1o00", "city:"]


def queries(db) -> list[str]:
    city = Counter(a.city for a in read_articles(db) if a.city).most_common(1)[0][0]
    return [*GOOD, f"党 city:{city}", *PARTLY_USABLE, *REFUSED]


def flat(text: str) -> str:
    """Rich wraps stderr at 80 columns when it is not a terminal."""
    return " ".join(text.split())


def cli_search(db, query: str, capsys) -> tuple[set[str], str]:
    """The ids `five-star-tui search` prints (tab-separated, the id last) and what it says on stderr."""
    main(["--db", str(db), "search", query])
    out, err = capsys.readouterr()
    return {line.split("\t")[-1] for line in out.splitlines() if line}, flat(err)


async def app_search(pilot, query: str) -> tuple[set[str], str, list[str]]:
    """The articles the tree shows for ``query`` typed into the search box, the status line, the tree."""
    bar = pilot.app.screen.query_one(SearchBar)
    if not bar.has_focus:
        await pilot.press("slash")
    await pilot.press("ctrl+u", *query)
    await settle(pilot)
    assert bar.value == query
    tree = tree_of(pilot.app)
    return shown_article_ids(tree), status_of(pilot.app), top_labels(tree)


def shows_problem(status: str, problem: str) -> bool:
    """The status line shows the warning whole, or (on a line too narrow for it) its first 20 or more
    characters and an ellipsis, with the counts and the selection after it."""
    text = one_line(problem)
    return text in status or any(f"{text[:k]}… · " in status for k in range(20, len(text)))


async def test_the_app_and_the_command_line_give_the_same_hits_and_warnings(db, tmp_path, capsys):
    asked = queries(db)
    # Before the app runs: it takes over stdout, and `search` prints a table to a terminal.
    cli = {query: cli_search(db, query, capsys) for query in asked}
    app = make_app(db, tmp_path)
    async with app.run_test(size=APP_SIZE) as pilot:
        await settle(pilot)
        for query in asked:
            in_app, status, labels = await app_search(pilot, query)
            on_cli, stderr = cli[query]
            answer = read_query(query)
            assert in_app == on_cli, query
            if answer.problem:
                assert flat(answer.problem) in stderr, query
                assert shows_problem(status, answer.problem), query
            else:
                assert "ignored" not in stderr and "nothing usable" not in stderr, query
                assert "ignored" not in status and "nothing usable" not in status, query
            if answer.refused:
                assert not in_app, query  # never everything
                assert labels == [one_line(answer.problem)], query
                assert "hits" not in status, query
            elif in_app:
                assert f"{len(in_app)} hit" in status, query


@pytest.mark.parametrize("query", REFUSED)
async def test_a_query_with_nothing_usable_shows_no_hits_and_says_why(db, tmp_path, query):
    app = make_app(db, tmp_path)
    async with app.run_test(size=APP_SIZE) as pilot:
        await settle(pilot)
        shown, status, labels = await app_search(pilot, query)
        problem = read_query(query).problem
        assert problem and problem.startswith("nothing usable")
        assert shown == set()
        assert labels == [one_line(problem)]
        assert shows_problem(status, problem)
        await pilot.press("enter", "e")  # nothing shown: nothing to go to, nothing to export
        await settle(pilot)
        assert app.screen is app.browse
