"""What the detail pane says about a group of the tree (a city, a program, or one under the other)."""

from __future__ import annotations

from collections.abc import Collection

from rich.text import Text

from five_star.store.query.browse import BrowseIndex, Grouping
from five_star.store.sanitize import one_line
from five_star.tui.widgets.article_tree import NodeRef


def group_summary(ref: NodeRef, index: BrowseIndex, grouping: Grouping, selected: Collection[str],
                  shown: Collection[str] | None) -> Text:
    """The group's name, its stories and articles, how many are selected and, for a top group, what it
    holds one level down (among the articles ``shown``)."""
    text = Text()
    text.append(" → ".join(one_line(n) for n in (ref.top, ref.middle) if n), "bold")
    chosen = sum(1 for i in ref.ids if i in selected)
    stories = index.stories(ref.ids)  # what the group's count (and the counts below) count
    told = f"{stories:,} stories ({len(ref.ids):,} articles)" if stories < len(ref.ids) else f"{len(ref.ids):,} articles"
    text.append(f"\n{told} · {chosen:,} selected\n")
    if ref.middle is None and ref.top is not None:  # the city's programs among the hits too, though the tree leaves them out
        groups = index.middle(grouping, ref.top, shown)
        for group in groups:
            text.append(f"\n  {one_line(group.name)}  {group.count:,}")
        text.append("\n")
        total = sum(group.count for group in groups)
        if total > stories:  # an article naming several programs is counted under each of them
            several = "programs" if grouping is Grouping.CITY else "cities"
            text.append(
                f"\nThese add up to {total:,}, more than {stories:,}: "
                f"an article in several {several} is counted under each.\n",
                "italic",
            )
    text.append("\nspace selects or unselects all of them · enter or → opens the group", "dim")
    return text
