"""five-star-tui's data side: reading pages, repairing text, splitting, extraction, the library.

Nothing here imports Textual; the terminal app lives in ``five_star.tui``.
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("five-star-tui")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0"
