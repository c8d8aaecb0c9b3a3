"""The library tree: cities → programs → articles (or programs → cities → articles), loaded lazily.

A view may also leave out the middle level (cities → articles): the browse screen shows search hits so,
each article once under its one city.

A story told by several articles (reprints: ``Article.story``) is one line, the first of its articles shown,
saying "also on N sources"; its other articles are that line's children. Group counts are stories.

Only the first level is built up front; a group's children are added the first time it expands, so a
20,000-article library opens as fast as five. Selection marks and counts are drawn at render time
from the node's data, so toggling a selection only repaints; label widths are worked out without
drawing the labels, so a group of a thousand articles opens in a blink.

A group opens (and its children are added) in the very action of the key that opens it, so keys typed
right after it (``enter j space``) act on the opened group, never on the line that was below it.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass
from typing import ClassVar

from rich.cells import cell_len
from rich.style import Style
from rich.text import Text, TextType
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.widgets import Tree
from textual.widgets.tree import NodeID, TreeNode

from five_star.store.query.browse import BrowseIndex, Grouping
from five_star.store.sanitize import one_line
from five_star.tui.widgets.styling import component_style


@dataclass(frozen=True)
class NodeRef:
    """What a tree node stands for: a group (``top``, optionally ``middle``) or one article."""

    ids: tuple[str, ...]  # the shown articles under this node, library order
    top: str | None = None
    middle: str | None = None
    article_id: str | None = None
    stories: int | None = None  # a group's count: the stories its articles tell (None: one each)
    copies: tuple[str, ...] = ()  # an article's: the other articles of its story, its children

    @property
    def is_article(self) -> bool:
        return self.article_id is not None


@dataclass(frozen=True)
class TreeView:
    """Everything the tree shows: which articles, grouped how."""

    index: BrowseIndex
    grouping: Grouping
    shown: Collection[str] | None = None  # None: every article
    empty_message: str = "The library is empty."
    # False: articles sit right under the top groups (no programs under a city), so each shows once.
    middle_level: bool = True
    junk: Collection[str] = frozenset()  # shown articles the person marked as junk: marked so


JUNK_MARK = "✗ junk "


def also_on(copies: int) -> str:
    """What follows the title of a story told by ``copies`` more articles (reprints)."""
    return f"  also on {copies:,} source{'s' if copies != 1 else ''}"


class ArticleTree(Tree[NodeRef]):
    """Keyboard-first tree of the library with article selection."""

    DEFAULT_CSS = """
    ArticleTree {
        & > .article-tree--mark { text-style: bold; }
        & > .article-tree--group { text-style: bold; }
        & > .article-tree--empty { text-style: italic; }
        & > .article-tree--copies { text-style: italic; color: $text-muted; }
        & > .article-tree--junk { text-style: bold; color: $text-error; }
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("space", "toggle_selection", "Select",
                tooltip="Select for export (or unselect) the article, or every article under the city or program",
                id="tree.toggle-selection"),
        Binding("j", "cursor_down", "Down", show=False, tooltip="Cursor down", id="tree.down"),
        Binding("k", "cursor_up", "Up", show=False, tooltip="Cursor up", id="tree.up"),
        Binding("g", "scroll_home", "First", show=False, tooltip="Cursor to the first line", id="tree.first"),
        Binding("G", "scroll_end", "Last", show=False, tooltip="Cursor to the last line", id="tree.last"),
        Binding("l,right", "expand_node", "Expand", show=False, tooltip="Open the group, or step into it",
                id="tree.expand"),
        Binding("h,left", "collapse_node", "Collapse", show=False,
                tooltip="Close the group, or step out to the parent", id="tree.collapse"),
        # In place of Textual's own Tree binding, whose "Select" is not the selection for export.
        Binding("enter", "open_close", "Open or close", show=False, tooltip="Open or close the group",
                id="tree.open-close"),
    ]

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "article-tree--count",
        "article-tree--mark",
        "article-tree--photo",
        "article-tree--junk",
        "article-tree--group",
        "article-tree--empty",
        "article-tree--copies",
    }

    class SelectionChanged(Message):
        """The set of selected articles changed."""

        def __init__(self, count: int) -> None:
            super().__init__()
            self.count = count

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__("library", id=id)
        self.show_root = False
        self.auto_expand = True  # a click on a group opens it (Enter has an action of its own)
        self.view: TreeView | None = None
        # The tree owns the selection, so a key that acts on it right after space sees the change.
        self.selected: set[str] = set()
        # Selected articles under each group node, counted once per selection (labels and widths ask often).
        self._chosen: dict[NodeID, int] = {}

    # ---- building ---------------------------------------------------------------------------

    def show_view(self, view: TreeView, *, expand_all: bool = False) -> None:
        """Rebuild the first level for ``view``; ``expand_all`` opens every group (for small results)."""
        self.view = view
        self.clear()
        self._chosen.clear()  # node ids start again from 0
        # Tree.clear keeps the cursor line and the old cursor node, so moving to line 0 from line 0 would
        # neither update the node nor announce it: the detail pane would go on describing a tree that is gone.
        self.cursor_line = -1
        groups = view.index.top(view.grouping, view.shown)
        if not groups:
            self.root.add_leaf(Text(view.empty_message), NodeRef(ids=()))
        for group in groups:
            ids = tuple(view.index.under(view.grouping, group.name, shown=view.shown))
            node = self.root.add(Text(one_line(group.name)), NodeRef(ids=ids, top=group.name, stories=group.count))
            if expand_all:
                self._open_all(node)
        self.move_cursor_to_line(0)

    def _load_children(self, node: TreeNode[NodeRef]) -> None:
        ref = node.data
        view = self.view
        if view is None or ref is None or node.children:
            return
        if ref.is_article:  # a story's first article: its copies
            for copy in ref.copies:
                node.add_leaf(Text(one_line(view.index.articles[copy].label)), NodeRef(ids=(copy,), article_id=copy))
            return
        index, grouping, shown, top = view.index, view.grouping, view.shown, ref.top
        if top is None:  # the empty-tree message
            return
        if ref.middle is None and view.middle_level:
            for group in index.middle(grouping, top, shown):
                ids = tuple(index.leaves(grouping, top, group.name, shown))
                node.add(Text(one_line(group.name)), NodeRef(ids=ids, top=top, middle=group.name, stories=group.count))
            return
        articles = index.articles
        for article_id in index.leads(ref.ids):
            label = Text(one_line(articles[article_id].label))
            copies = tuple(index.copies_of(article_id)) if index.reprinted else ()
            article = NodeRef(ids=(article_id,), article_id=article_id, copies=copies)
            if copies:
                node.add(label, article)
            else:
                node.add_leaf(label, article)

    def _open(self, node: TreeNode[NodeRef]) -> None:
        self._load_children(node)
        node.expand()

    def _open_all(self, node: TreeNode[NodeRef]) -> None:
        self._open(node)
        for child in node.children:
            if child.allow_expand:
                self._open_all(child)

    def _on_tree_node_expanded(self, event: Tree.NodeExpanded[NodeRef]) -> None:
        self._load_children(event.node)

    def expand_path(self, top: str, middle: str | None = None, article_id: str | None = None) -> bool:
        """Open the groups down to an article (or group) and put the cursor on it; False if not shown."""
        target = self._child(self.root, lambda ref: ref.top == top)
        if target is None:
            return False
        for step, predicate in enumerate((
            (lambda ref: ref.middle == middle) if middle is not None else None,
            (lambda ref: ref.article_id == article_id) if article_id is not None else None,
        )):
            if predicate is None:  # no middle level asked for (a group, or an article in a two-level view)
                continue
            self._open(target)
            child = self._child(target, predicate)
            if child is None and step == 1:  # a copy: under its story's line
                holder = self._child(target, lambda ref: article_id in ref.copies)
                if holder is not None:
                    self._open(holder)
                    child = self._child(holder, predicate)
            if child is None:
                return False
            target = child
        self._move_to(target)
        return True

    def _move_to(self, node: TreeNode[NodeRef]) -> None:
        # Nodes just added or expanded have no line number until the tree re-lays its lines;
        # reading ``last_line`` makes it do so now rather than on the next idle.
        _ = self.last_line
        self.move_cursor(node)
        self.scroll_to_node(node, animate=False)

    @staticmethod
    def _child(node: TreeNode[NodeRef], predicate: Callable[[NodeRef], bool]) -> TreeNode[NodeRef] | None:
        return next((c for c in node.children if c.data is not None and predicate(c.data)), None)

    # ---- selection --------------------------------------------------------------------------

    def toggle(self, ids: Collection[str]) -> None:
        """Select all of ``ids``, or unselect them if they all were selected already."""
        ids = set(ids)
        if ids <= self.selected:
            self.selected -= ids
        else:
            self.selected |= ids
        self._selection_changed()

    def select(self, ids: Collection[str]) -> None:
        self.selected |= set(ids)
        self._selection_changed()

    def clear_selection(self) -> None:
        self.selected.clear()
        self._selection_changed()

    def keep_selected(self, ids: Collection[str]) -> None:
        """Unselect whatever is not in ``ids`` (articles gone from the library)."""
        if not self.selected <= set(ids):
            self.selected &= set(ids)
            self._selection_changed()

    def _selection_changed(self) -> None:
        self._chosen.clear()
        # Marks and counts changed on every line, and group labels changed width: Tree's own invalidation
        # drops the drawn lines and repaints once. (Refreshing node by node took 50–300 ms with a group
        # of a thousand articles open.)
        self._invalidate()
        self.post_message(self.SelectionChanged(len(self.selected)))

    def _chosen_under(self, node: TreeNode[NodeRef], ids: tuple[str, ...]) -> int:
        if node.id not in self._chosen:
            selected = self.selected
            self._chosen[node.id] = sum(1 for article_id in ids if article_id in selected) if selected else 0
        return self._chosen[node.id]

    # ---- rendering --------------------------------------------------------------------------

    def render_label(self, node: TreeNode[NodeRef], base_style: Style, style: Style) -> Text:
        ref = node.data
        text = super().render_label(node, base_style, style)
        if ref is None:  # the hidden root
            return text
        if not ref.ids:
            text.stylize(component_style(self, "article-tree--empty"))
            return text
        if ref.article_id is not None:
            return self._article_label(text, ref.article_id, style, len(ref.copies))
        return self._group_label(text, node, ref, style)

    def process_label(self, label: TextType) -> Text:
        # Every label given is already one line of plain Text (one_line): Tree's splitting and copying it
        # again was a third of the time of opening a group of a thousand articles.
        return label if isinstance(label, Text) else super().process_label(label)

    def get_label_width(self, node: TreeNode[NodeRef]) -> int:
        # Asked of every line each time the lines are laid out (every expand): drawing each label just to
        # measure it took most of the time of opening a group of a thousand articles.
        width = cell_len(self.ICON_NODE) if node.allow_expand else 0
        width += cell_len(str(node.label))  # str() of a Text is its plain text
        ref = node.data
        if ref is None or not ref.ids:
            return width
        if ref.article_id is not None:
            marks = sum(cell_len(part) for part in self._article_marks(ref.article_id))
            return width + marks + (cell_len(also_on(len(ref.copies))) if ref.copies else 0)
        return width + sum(cell_len(part) for part in self._group_counts(node, ref))

    def _article_marks(self, article_id: str) -> list[str]:
        """What goes before an article's title: the selection mark, ✗ junk for an item marked as junk, and 图
        for a photo."""
        marks = ["● " if article_id in self.selected else "○ "]
        if self.view is not None and article_id in self.view.junk:
            marks.append(JUNK_MARK)
        if self.view is not None and self.view.index.articles[article_id].kind == "photo":
            marks.append("图 ")
        return marks

    def _group_counts(self, node: TreeNode[NodeRef], ref: NodeRef) -> list[str]:
        """What follows a group's name: its number of stories, and how many articles are selected if any."""
        chosen = self._chosen_under(node, ref.ids)
        count = len(ref.ids) if ref.stories is None else ref.stories
        return [f" {count:,}", *([f"  ● {chosen:,}"] if chosen else [])]

    def _article_label(self, label: Text, article_id: str, style: Style, copies: int = 0) -> Text:
        mark, *kinds = self._article_marks(article_id)
        chosen = article_id in self.selected
        mark_style = component_style(self, "article-tree--mark") if chosen else Style(dim=True)
        parts = [Text(mark, style=mark_style + style)]
        parts.extend(
            Text(part, style=component_style(self, "article-tree--junk" if part == JUNK_MARK else "article-tree--photo")
                 + style)
            for part in kinds
        )
        if copies:
            label = Text.assemble(label, (also_on(copies), component_style(self, "article-tree--copies") + style))
        return Text.assemble(*parts, label)

    def _group_label(self, label: Text, node: TreeNode[NodeRef], ref: NodeRef, style: Style) -> Text:
        label.stylize(component_style(self, "article-tree--group"))
        count, *chosen = self._group_counts(node, ref)
        label.append(count, component_style(self, "article-tree--count") + style)
        for part in chosen:
            label.append(part, component_style(self, "article-tree--mark") + style)
        return label

    # ---- actions ----------------------------------------------------------------------------

    def action_open_close(self) -> None:
        # Now, in this key's turn. Tree's select_cursor opens the group when its NodeSelected message comes
        # round, after keys typed meanwhile have already moved the cursor: ``enter j space`` chose the line
        # below the group instead of its first child.
        node = self.cursor_node
        if node is not None and node.allow_expand:
            if node.is_expanded:
                node.collapse()
            else:
                self._open(node)

    def action_toggle_selection(self) -> None:
        node = self.cursor_node
        if node is not None and node.data is not None and node.data.ids:
            self.toggle(node.data.ids)

    def action_expand_node(self) -> None:
        node = self.cursor_node
        if node is None:
            return
        if node.allow_expand and not node.is_expanded:
            self._open(node)
        elif node.children:
            self._move_to(node.children[0])

    def action_collapse_node(self) -> None:
        node = self.cursor_node
        if node is None:
            return
        if node.allow_expand and node.is_expanded:
            node.collapse()
        elif node.parent is not None and node.parent is not self.root:
            self._move_to(node.parent)
