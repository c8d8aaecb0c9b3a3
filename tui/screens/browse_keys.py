"""The browse screen's keys: what each does, shown by the help screen and the footer, and its id, by which
a keymap file remaps it (see README "Changing the keys")."""

from __future__ import annotations

from textual.binding import Binding, BindingType

BROWSE_BINDINGS: list[BindingType] = [
    # Handled before the search box sees it, so keys typed right after Enter already reach the tree.
    Binding("enter", "submit_search", "Go to the first hit", show=False, priority=True,
            tooltip="In the search box: go to the first hit", id="browse.first-hit"),
    # Before the tree sees it: the keys typed right behind it are then sent to the box, not the tree.
    Binding("slash", "search", "Search", priority=True,
            tooltip='Filter the tree as you type: words, "a phrase", -word, city: county: program: star: '
            'tier:5 (五星) tier:planned author: source: kind:photo unit: value>=N date:2023-05 date>=2023-05-01 '
            '(as `five-star-tui search`)',
            id="browse.search"),
    Binding("n", "next_hit", "Next hit", show=False, tooltip="Go to the next search hit", id="browse.next-hit"),
    Binding("N", "previous_hit", "Previous hit", show=False, tooltip="Go to the previous search hit",
            id="browse.previous-hit"),
    # Before the search box sees it too (its own Escape answers by a message, after keys typed meanwhile
    # had gone into the box), so keys typed right after Escape already reach the tree.
    Binding("escape", "clear_search", "Clear search", show=False, priority=True,
            tooltip="Clear the search and show every article again", id="browse.clear-search"),
    Binding("t", "toggle_grouping", "Cities⇄programs",
            tooltip="Group the tree by cities → programs, or by programs → cities", id="browse.toggle-grouping"),
    Binding("A", "select_shown", "Select all shown", show=False,
            tooltip="Select every article shown (the whole library, or the search hits)", id="browse.select-shown"),
    Binding("U", "clear_selection", "Clear selection", show=False, tooltip="Unselect everything",
            id="browse.clear-selection"),
    Binding("e", "export", "Export",
            tooltip="Export the selection (or, with nothing selected, what is shown) to CSV or JSON Lines",
            id="browse.export"),
    Binding("d", "dashboard", "Dashboard",
            tooltip="Star tallies per city and county, articles per city and per month, for the selection "
            "(or what is shown)", id="browse.dashboard"),
    Binding("f", "figures", "Figures",
            tooltip="Every figure of the selection (or what is shown): filter, sort, sum and export them; "
            "Enter opens one", id="browse.figures"),
    Binding("right_square_bracket", "next_figure", "Next figure", show=False,
            tooltip="Highlight the next figure in the article and scroll to it", id="browse.next-figure"),
    Binding("left_square_bracket", "previous_figure", "Previous figure", show=False,
            tooltip="Highlight the previous figure in the article and scroll to it", id="browse.previous-figure"),
    Binding("r", "toggle_source", "Page text", show=False,
            tooltip="Show the raw page lines the article came from, numbered, the current figure marked; "
            "again for the cleaned text", id="browse.source"),
    Binding("y", "copy_article", "Copy article", show=False,
            tooltip="Copy the article to the clipboard: title, source file and lines, cleaned text",
            id="browse.copy-article"),
    Binding("Y", "copy_figure", "Copy figure", show=False,
            tooltip="Copy the current figure to the clipboard with its sentence and its page line (file, line "
            "number)", id="browse.copy-figure"),
    Binding("i", "ingest", "Ingest", show=False,
            tooltip="Add a file or folder of pages (.txt .md .html .htm, or extract's .jsonl) to the library, "
            "in the background; the tree shows them as they are stored", id="browse.ingest"),
    Binding("I", "stop_ingest", "Stop ingest", show=False,
            tooltip="Stop the running ingest; the pages stored so far are kept", id="browse.stop-ingest"),
    Binding("E", "edit_title", "Edit title", show=False,
            tooltip="Set the article's title by hand (kept across reindex, shown as your correction; empty: "
            "back to the extracted title)", id="browse.edit-title"),
    Binding("C", "set_city", "Set city", show=False,
            tooltip="Set the article's city by hand: a city of Henan, or 全省, 河南省外, 未定位 (kept across "
            "reindex; empty: back to the extracted city)", id="browse.set-city"),
    Binding("X", "toggle_junk", "Junk", show=False,
            tooltip="Mark the article as junk: hidden from the tree, searches, counts and exports; again "
            "restores it", id="browse.toggle-junk"),
    Binding("H", "toggle_shown_junk", "Show junk", show=False,
            tooltip="Show the items marked as junk in the tree, marked ✗ junk (they are exported while "
            "shown), or hide them again", id="browse.show-junk"),
]
