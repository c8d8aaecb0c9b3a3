"""Component styles as they are drawn, for widgets that colour parts of their text."""

from __future__ import annotations

from rich.style import Style
from textual.widget import Widget


def component_style(widget: Widget, component: str) -> Style:
    """Only what the component's rule sets, but with colours worked out as Textual draws them.

    The partial style alone drops what the full one computes: translucent backgrounds blended onto the
    widget's own, and ``auto`` text colours (``$text``, ``$text-muted``) chosen to contrast with them,
    which is what keeps text readable in light themes. The full style alone also carries the widget's own
    colours, which would wipe out the styles layered beneath it.
    """
    partial = widget.get_component_rich_style(component, partial=True)
    full = widget.get_component_rich_style(component)
    colours = Style(
        color=full.color if partial.color is not None else None,
        bgcolor=full.bgcolor if partial.bgcolor is not None else None,
    )
    return colours + partial.without_color
