"""The export formats, in one table that the command line, the export dialog and the palette all read."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from five_star.store.errors import FiveStarError
from five_star.store.export.writers import write_articles_csv, write_figures_csv, write_jsonl
from five_star.store.model import Article


@dataclass(frozen=True)
class ExportFormat:
    name: str  # what `--format` and the dialog call it
    label: str  # one line for a person choosing
    suffix: str  # the file ending that goes with it
    writer: Callable[[Iterable[Article], str | os.PathLike], int]  # returns the rows written
    row: str  # what one row is, singular ("article", "figure")

    def rows(self, count: int) -> str:
        return f"{count:,} {self.row}{'' if count == 1 else 's'}"

    def default_name(self, now: datetime) -> str:
        return f"five-star-export-{now:%Y%m%d-%H%M%S}{self.suffix}"

    def fits(self, path: Path) -> bool:
        """Whether ``path`` ends as a file of this format should."""
        return path.suffix.lower() == self.suffix


FORMATS: tuple[ExportFormat, ...] = (
    ExportFormat("articles", "Articles CSV — one row per article", ".csv", write_articles_csv, "article"),
    ExportFormat("figures", "Figures CSV — one row per figure", ".csv", write_figures_csv, "figure"),
    ExportFormat("jsonl", "JSON Lines — one article per line, the full record", ".jsonl", write_jsonl, "article"),
)
FORMAT_NAMES: tuple[str, ...] = tuple(f.name for f in FORMATS)
SUFFIXES: frozenset[str] = frozenset(f.suffix for f in FORMATS)


def export_format(name: str) -> ExportFormat:
    for fmt in FORMATS:
        if fmt.name == name:
            return fmt
    raise FiveStarError(f"no export format {name!r}; choose one of {', '.join(FORMAT_NAMES)}")
