"""Sets of article numbers as Python ints (bit masks) or arrays, whichever is smaller."""

from __future__ import annotations

from array import array
from collections import deque
from collections.abc import Iterable
from itertools import chain, compress, repeat

# ---- sets of articles ------------------------------------------------------------------------------------

_FLAGS = bytes.maketrans(b"01", b"\x00\x01")


class Bits:
    """Sets of numbers below ``size`` as Python ints, bit n standing for number n.

    And, or and not then run at C speed over the whole library (a few microseconds at 20,000 articles),
    and converting to and from lists of numbers takes a few C-level passes, no Python loop.
    """

    __slots__ = ("_numbers", "all", "size")

    def __init__(self, size: int) -> None:
        self.size = size
        self.all = (1 << size) - 1
        self._numbers = list(range(size))  # made once: listing members then allocates no integers

    def of(self, numbers: Iterable[int]) -> int:
        flags = bytearray(b"0" * self.size)
        deque(map(flags.__setitem__, numbers, repeat(ord("1"))), maxlen=0)
        flags.reverse()  # int() reads the highest bit first
        return int(flags, 2) if flags else 0

    def flags(self, mask: int) -> bytes:
        """One byte per number, 1 for the members (trailing non-members left out)."""
        return format(mask, "b").encode("ascii")[::-1].translate(_FLAGS)

    def members(self, mask: int, labels: list | None = None) -> list:
        """The members, ascending (or ``labels[n]`` for each member n)."""
        if not mask:
            return []
        return list(compress(self._numbers if labels is None else labels, self.flags(mask)))

    def mask(self, found: int | array) -> int:
        return found if isinstance(found, int) else self.of(found)

    def compact(self, found: int | list[int] | array) -> int | array:
        """The smaller form: a bit mask for a large set, an array of numbers for a small one."""
        typecode = array_typecode(self.size)
        large = set_size(found) * array(typecode).itemsize * 8 >= self.size
        if isinstance(found, int):
            return found if large else array(typecode, self.members(found))
        if large:
            return self.of(found)
        return found if isinstance(found, array) else array(typecode, found)

    def union(self, sets: Iterable[int | array]) -> int:
        masks, listed = 0, []
        for found in sets:
            if isinstance(found, int):
                masks |= found
            else:
                listed.append(found)
        return masks | (self.of(chain.from_iterable(listed)) if listed else 0)


def array_typecode(count: int) -> str:
    """Article and figure numbers in 2 bytes each while they fit."""
    return "H" if count <= 0xFFFF else "I"


def set_size(found: int | list[int] | array) -> int:
    return found.bit_count() if isinstance(found, int) else len(found)
