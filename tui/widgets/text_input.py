"""A one-line text field whose editing keys act in the order they were typed."""

from __future__ import annotations

from textual import events
from textual.binding import Binding
from textual.widgets import Input

# Input's own editing keys; not Enter, which the screens around each field answer.
EDITING_ACTIONS = frozenset(binding.action for binding in Input.BINDINGS if isinstance(binding, Binding)) - {"submit"}


class TextInput(Input):
    """Textual runs a key's binding once the key has bubbled up to the app, and by then the keys behind it
    have reached the field: ctrl+u with new text right after it (a fast typist, a script) erased the new text
    too. Here the editing keys act as they arrive, between the characters around them."""

    async def _on_key(self, event: events.Key) -> None:
        for binding in self._bindings.key_to_bindings.get(event.key, ()):
            if binding.action in EDITING_ACTIONS:
                event.stop()
                event.prevent_default()
                self._restart_blink()
                await self.run_action(binding.action)
                return
        await super()._on_key(event)
