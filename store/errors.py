"""Errors meant for a person: the message is the whole story, printed as one line."""


class FiveStarError(Exception):
    """A failure the user can act on; the CLI prints ``str(exc)`` and never a traceback."""
