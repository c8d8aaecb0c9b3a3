"""Wait for a condition, not for a length of time.

A fixed sleep is either too short on a loaded machine (a flaky test) or too long everywhere else (a
slow one). This polls the condition and gives up with a clear failure at a deadline far above what a
healthy run needs. (Under a Textual pilot, use ``helpers.app.wait_until``, which lets the app run.)
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")

DEADLINE = 10.0  # seconds: generous, since it only matters when something is wrong


def wait_for(predicate: Callable[[], T], timeout: float = DEADLINE, interval: float = 0.005, what: str = "") -> T:
    """Call ``predicate`` until it returns something true, and return that; fail after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() >= deadline:
            raise AssertionError(f"gave up after {timeout}s waiting for {what or predicate}")
        time.sleep(interval)

