"""Helpers shared by the library, storage, search and export tests: real seed libraries and articles,
built once per session through the real pipeline, and the benchmark's library generator."""

from __future__ import annotations

import importlib.util
import shutil
import sys
from pathlib import Path

from five_star.store.library.ingest import ingest
from five_star.store.library.page_store import page_store_path

REPO = Path(__file__).resolve().parents[2]

_cache: dict[str, object] = {}


def library_generator():
    """``benchmarks/library_gen.py`` as a module (benchmarks/ is not a package)."""
    if "gen" not in _cache:
        spec = importlib.util.spec_from_file_location("library_gen", REPO / "benchmarks" / "library_gen.py")
        module = importlib.util.module_from_spec(spec)
        sys.modules["library_gen"] = module
        spec.loader.exec_module(module)
        _cache["gen"] = module
    return _cache["gen"]


def seeds_library(tmp_path_factory) -> Path:
    """A library file holding the bundled seeds; copy it before changing it."""
    if "seeds" not in _cache:
        from five_star.seeds import seed_paths
        from five_star.store.library.library import Library

        path = tmp_path_factory.mktemp("seeds-library") / "library.json"
        with Library.open(path) as library:
            ingest(library, seed_paths())
        _cache["seeds"] = path
    return _cache["seeds"]


def copy_library(source: Path, folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / "library.json"
    shutil.copyfile(source, target)
    if page_store_path(source).is_dir():  # the pages' raw text lives beside the file
        shutil.copytree(page_store_path(source), page_store_path(target))
    return target


def seed_articles():
    if "seed_articles" not in _cache:
        from five_star.seeds import seed_paths
        from five_star.store.pipeline import extract_paths

        _cache["seed_articles"] = [a for page in extract_paths(seed_paths()) for a in page.articles]
    return _cache["seed_articles"]


def generated_articles(count: int = 300, seed: int = 3):
    """Articles of a generated library (seed pages with places, numbers and programs varied)."""
    key = f"generated-{count}-{seed}"
    if key not in _cache:
        from five_star.store.pipeline import extract_text

        pages = library_generator().generate_pages(count, seed)
        _cache[key] = [a for name, text in pages for a in extract_text(text, name).articles]
    return _cache[key]
