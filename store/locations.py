"""Where five-star-tui keeps things on this machine: one home for the user's folders (platformdirs).

Each can be moved with an environment variable, which is how tests and scripts keep away from a
person's real library.
"""

from __future__ import annotations

import os
from pathlib import Path

from platformdirs import user_cache_dir, user_config_dir, user_data_dir

APP = "five-star-tui"


def default_library_path() -> Path:
    """``$FIVE_STAR_DB``, else ``library.json`` in the user data directory."""
    override = os.environ.get("FIVE_STAR_DB")
    if override:
        return Path(override).expanduser()
    return Path(user_data_dir(APP, appauthor=False)) / "library.json"


def cache_dir() -> Path:
    """The user's cache folder for five-star-tui (``$FIVE_STAR_CACHE`` overrides it); made if missing."""
    path = Path(os.environ.get("FIVE_STAR_CACHE") or user_cache_dir(APP))
    path.mkdir(parents=True, exist_ok=True)
    return path


def config_dir() -> Path:
    """The user's settings folder (``$FIVE_STAR_CONFIG`` overrides it): word lists of their own, the keymap."""
    return Path(os.environ.get("FIVE_STAR_CONFIG") or user_config_dir(APP))
