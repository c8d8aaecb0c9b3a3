"""The inverted index: which texts hold each code unit, each pair, and each frequent word."""

from __future__ import annotations

from array import array
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import partial

from five_star.store.extraction.vocabulary import domain_tokenizer
from five_star.store.library.storage import gc_paused
from five_star.store.query.search.sets import Bits, array_typecode, set_size

# ---- the index -------------------------------------------------------------------------------------------


def _code_units(text: str) -> bytes:
    return text.encode("utf-16-le", "surrogatepass")


def _pair_keys(data: bytes) -> set[int]:
    """Every pair of adjacent UTF-16 code units in ``data``, each as one integer: (u, v) is u + (v << 16).

    Code units keep every key a plain integer (cheap to hash and store), and characters outside the BMP
    still match correctly. Folding drops U+0000, so a pair key is never below 65536: single units can
    share the same dictionary as keys 0-65535.
    """
    even, odd = array("I"), array("I")
    even.frombytes(data[: len(data) // 4 * 4])
    odd.frombytes(data[2 : 2 + (len(data) - 2) // 4 * 4])
    keys = set(even)
    keys.update(odd)
    return keys


def _needle_keys(needle: str) -> list[int]:
    """The keys of the postings that together hold every text containing ``needle``.

    For a needle of one or two code units that is a single posting, and it is the exact answer.
    """
    data = _code_units(needle)
    if len(data) <= 4:
        return [int.from_bytes(data, "little")] if data else []
    return list(_pair_keys(data))


PHRASE_SAMPLE = 400
"""Articles segmented to learn which words of the library are frequent (see ``Postings``)."""


class Postings:
    """Which of ``texts`` hold each code unit and each pair of code units (an inverted index), and which
    hold each of the library's frequent words.

    Frequent keys are bit masks (at most one bit per text), rare ones arrays of text numbers. A needle of
    one or two code units is answered by its posting alone. A longer one is answered by its pairs' postings,
    which propose candidates, and a substring check of each candidate, which makes the answer exact; that
    check is most of the cost of a query that matches thousands of articles, and such queries are nearly
    always frequent words. So the words that a sample of the texts, segmented as queries are, shows in at
    least ~1.5% of them get their exact sets worked out here, once (~1 s at 20,000 articles).
    """

    def __init__(self, texts: Sequence[str], bits: Bits, *, words: bool = False) -> None:
        self.texts, self.bits = texts, bits
        self.words: dict[str, int] = {}
        grown: dict[int, array] = defaultdict(partial(array, array_typecode(bits.size)))
        with gc_paused():
            for number, text in enumerate(texts):
                data = _code_units(text)
                if data:
                    grown[int.from_bytes(data[-2:], "little")].append(number)  # the last unit (see _add_units)
                for posting in map(grown.__getitem__, _pair_keys(data)):
                    posting.append(number)
            self.postings: Mapping[int, int | array] = {}
            built: dict[int, int | array] = {}
            self.postings = built
            while grown:  # one by one, so the two forms are never all held at once
                key, numbers = grown.popitem()
                built[key] = bits.compact(numbers)
            self._add_units(built)
            if words:
                self.words = {word: self.containing(word, bits.all) for word in self._frequent_words()}

    @classmethod
    def restored(cls, texts: Sequence[str], bits: Bits, postings: Mapping[int, int | array], words: dict[str, int]) -> Postings:
        """The index as ``saved`` read it back: nothing to build."""
        restored = cls.__new__(cls)
        restored.texts, restored.bits, restored.postings, restored.words = texts, bits, postings, words
        return restored

    def _add_units(self, postings: dict[int, int | array]) -> None:
        """Single code units, from the pairs: every unit of a text but its last starts a pair, and the
        postings already hold each text under its last unit."""
        starting: dict[int, list[int | array]] = defaultdict(list)
        for key, found in postings.items():
            if key > 0xFFFF:
                starting[key & 0xFFFF].append(found)
        for unit, pieces in starting.items():
            last = postings.get(unit)
            postings[unit] = self.bits.compact(self.bits.union(pieces if last is None else [*pieces, last]))

    def _frequent_words(self) -> list[str]:
        texts = self.texts
        sample = texts[:: max(1, len(texts) // PHRASE_SAMPLE)]
        counts: Counter[str] = Counter()
        cut = domain_tokenizer().cut  # the whole table: a sample of texts is far more than a query
        for text in sample:
            counts.update({word for word in cut(text, HMM=False) if _needs_check(word)})
        least = max(2, len(sample) // 64)
        return [word for word, count in counts.items() if count >= least]

    def exact(self, needle: str) -> bool:
        """Whether ``candidates`` is the exact answer for ``needle``."""
        return needle in self.words or not _needs_check(needle)

    def estimate(self, needle: str) -> int:
        """At most this many texts contain ``needle``: its rarest key's count."""
        if needle in self.words:
            return self.words[needle].bit_count()
        postings = self.postings
        return min((set_size(postings.get(key, 0)) for key in _needle_keys(needle)), default=self.bits.size)

    def candidates(self, needle: str, within: int) -> int:
        """Texts of ``within`` holding every key of ``needle`` (see ``exact``)."""
        known = self.words.get(needle)
        if known is not None:
            return within & known
        postings, bits = self.postings, self.bits
        for found in sorted((postings.get(key, 0) for key in _needle_keys(needle)), key=set_size):
            within &= bits.mask(found)
            if not within:
                break
        return within

    def verified(self, needles: Iterable[str], within: int) -> int:
        """Texts of ``within`` containing every one of ``needles``, checked one by one."""
        texts, bits = self.texts, self.bits
        numbers = None
        for needle in needles:
            if numbers is None:
                numbers = bits.members(within)
            numbers = [n for n in numbers if needle in texts[n]]
        return within if numbers is None else bits.of(numbers)

    def containing(self, needle: str, within: int) -> int:
        """Texts of ``within`` containing ``needle``."""
        found = self.candidates(needle, within)
        return found if not found or self.exact(needle) else self.verified([needle], found)


def _needs_check(needle: str) -> bool:
    """Beyond two code units, holding every pair is not yet holding the needle."""
    return len(needle) > 2 or len(_code_units(needle)) > 4


@dataclass(frozen=True)
class Indexes:
    docs: Postings  # over title + "\n" + text
    titles: Postings
