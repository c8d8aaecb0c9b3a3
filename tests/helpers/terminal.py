"""The installed app in a real terminal (tmux), read back as text: what a person sees."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

TIMEOUT = 90  # a first run ingests the seeds and may build jieba's caches


def installed_script() -> str:
    script = shutil.which("five-star-tui", path=str(Path(sys.executable).parent)) or shutil.which("five-star-tui")
    if script is None:
        pytest.skip("the five-star-tui console script is not installed")
    return script


class Tmux:
    """The app in a 140×40 tmux window on library ``db``, with caches and settings of its own in ``tmp_path``."""

    def __init__(self, tmp_path: Path, db: Path) -> None:
        if shutil.which("tmux") is None:
            pytest.skip("tmux is not installed")
        self.name = f"fst-{os.getpid()}-{tmp_path.name}"
        env = f"FIVE_STAR_DB={db} FIVE_STAR_CACHE={tmp_path / 'cache'} FIVE_STAR_CONFIG={tmp_path / 'config'}"
        command = f"cd {tmp_path} && {env} TERM=xterm-256color {installed_script()}"
        subprocess.run(["tmux", "new-session", "-d", "-s", self.name, "-x", "140", "-y", "40", command], check=True)

    def keys(self, *keys: str) -> None:
        subprocess.run(["tmux", "send-keys", "-t", self.name, *keys], check=True)

    def screen(self) -> str:
        return subprocess.run(
            ["tmux", "capture-pane", "-p", "-t", self.name], capture_output=True, text=True, check=True
        ).stdout

    def wait_for(self, pattern: str, timeout: float = TIMEOUT) -> re.Match:
        deadline = time.monotonic() + timeout
        while True:
            match = re.search(pattern, self.screen())
            if match or time.monotonic() > deadline:
                assert match, f"never saw {pattern!r} on:\n{self.screen()}"
                return match
            time.sleep(0.1)

    def close(self) -> None:
        subprocess.run(["tmux", "kill-session", "-t", self.name], capture_output=True)
