"""Shared fixtures. Gold annotations live outside the project (../shared); tests that need them skip cleanly."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("FIVE_STAR_SHARED") or REPO.parent / "shared")


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    if not SHARED.is_dir():
        pytest.skip(f"shared material not found at {SHARED}")
    return SHARED


@pytest.fixture(scope="session")
def gold(shared_dir) -> list[dict]:
    path = shared_dir / "gold" / "seeds.jsonl"
    if not path.is_file():
        pytest.skip(f"gold annotations not found at {path}")
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


@pytest.fixture(autouse=True)
def _isolated_user_dirs(tmp_path, tmp_path_factory, monkeypatch):
    """Keep tests away from the real user's library; each test gets its own, the jieba cache is shared."""
    cache = tmp_path_factory.getbasetemp() / "cache"
    monkeypatch.setenv("FIVE_STAR_CACHE", str(cache))
    monkeypatch.setenv("XDG_CACHE_HOME", str(cache))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.setenv("FIVE_STAR_DB", str(tmp_path / "data" / "library.json"))
