"""What the app remembers between launches: theme, grouping, last export folder and format.

A small JSON object in the settings folder (``settings.json`` beside the keymap; ``$FIVE_STAR_CONFIG`` moves
both). Settings are a convenience, never a reason not to start: a file that cannot be read or parsed gives
the defaults and one line saying why, and a folder that cannot be written to only means nothing is
remembered. The values are kept as text here; which themes, groupings and formats exist is the app's
business, and it checks them.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, fields
from pathlib import Path

from five_star.store.library.storage import write_atomically
from five_star.store.locations import config_dir

SETTINGS_FILE = "settings.json"


@dataclass(frozen=True)
class Settings:
    """Each one None until the person has chosen it."""

    theme: str | None = None
    grouping: str | None = None
    export_folder: str | None = None
    export_format: str | None = None


def settings_path() -> Path:
    return config_dir() / SETTINGS_FILE


def read_settings(path: Path) -> tuple[Settings, list[str]]:
    """The settings in ``path`` and what was wrong with them; no file is the defaults, with nothing wrong.

    A file that cannot be read or is not a JSON object gives the defaults; otherwise each value that is
    not text is left at its default and reported, and names this version does not know are ignored (a
    newer version may have written them).
    """
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return Settings(), []
    except (OSError, UnicodeDecodeError) as exc:
        return Settings(), [f"cannot be read ({exc})"]
    except json.JSONDecodeError as exc:
        return Settings(), [f"is not valid JSON ({exc})"]
    if not isinstance(data, dict):
        return Settings(), [f"holds {type(data).__name__}, not an object of settings"]
    values: dict[str, str] = {}
    problems = []
    for field in fields(Settings):
        value = data.get(field.name)
        if value is None:
            continue
        if isinstance(value, str):
            values[field.name] = value
        else:
            problems.append(f"{field.name}: expected text, not {value!r}")
    return Settings(**values), problems


def write_settings(path: Path, settings: Settings) -> None:
    """Replace the file whole (a crash leaves the old settings or the new ones); raises OSError."""
    chosen = {name: value for name, value in asdict(settings).items() if value is not None}
    write_atomically(path, (json.dumps(chosen, ensure_ascii=False, indent=2) + "\n").encode("utf-8"))
