"""The bundled default corpus: five real scraped/OCR'd pages, so a first launch has something to show."""

from importlib.resources import files
from pathlib import Path


def seed_paths() -> list[Path]:
    """The seed page files, in name order."""
    folder = Path(str(files(__name__)))
    return sorted(folder.glob("*.txt"))
