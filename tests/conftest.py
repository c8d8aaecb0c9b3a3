"""Shared fixtures. Gold annotations live outside the project (../shared); only their absence skips a test.

A broken import, a pipeline that raises, or a gold file that is present but unreadable fails: those are
bugs, and a skip would hide them.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from helpers.app import library_copy, read_articles
from helpers.gold import DEFAULT_SHARED, GoldScore, load_gold, pipeline_articles, score

SHARED = DEFAULT_SHARED


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    if not SHARED.is_dir():
        pytest.skip(f"shared material not found at {SHARED}")
    return SHARED


@pytest.fixture(scope="session")
def gold(shared_dir) -> list[dict]:
    return load_gold(shared_dir)


@pytest.fixture(scope="session")
def seed_pipeline_articles() -> list:
    """What the real pipeline (``extract_paths`` over the bundled seeds) extracts; do not change them."""
    return pipeline_articles()


@pytest.fixture(scope="session")
def gold_score(gold, seed_pipeline_articles) -> GoldScore:
    return score(gold, seed_pipeline_articles)


@pytest.fixture(scope="session", autouse=True)
def _session_cache(tmp_path_factory):
    """The shared cache folder, set before any session or module fixture runs the pipeline."""
    cache = tmp_path_factory.getbasetemp() / "cache"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("FIVE_STAR_CACHE", str(cache))
        patch.setenv("XDG_CACHE_HOME", str(cache))
        yield cache


@pytest.fixture(autouse=True)
def _isolated_user_dirs(tmp_path, _session_cache, monkeypatch):
    """Keep tests away from the real user's library; each test gets its own, the jieba cache is shared."""
    cache = _session_cache
    monkeypatch.setenv("FIVE_STAR_CACHE", str(cache))
    monkeypatch.setenv("XDG_CACHE_HOME", str(cache))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.setenv("FIVE_STAR_DB", str(tmp_path / "data" / "library.json"))
    # Nor the user's settings (a keymap, word lists of their own).
    monkeypatch.setenv("FIVE_STAR_CONFIG", str(tmp_path / "config"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config-home"))


@pytest.fixture
def db(tmp_path_factory, tmp_path):
    """A private copy of the seed library (built once per session), for a test that may change it."""
    return library_copy(tmp_path_factory, tmp_path)


@pytest.fixture
def articles(db):
    """The articles of ``db``, as the library reads them."""
    return read_articles(db)
