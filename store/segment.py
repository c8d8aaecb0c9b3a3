"""jieba, configured once for the whole app.

jieba logs to stderr on import (which draws over a running TUI) and caches its dictionary in /tmp
(shared, world-writable, wiped on reboot); both are redirected here. Every module that segments text
goes through ``tokenizer()`` so those settings always apply first.
"""

from __future__ import annotations

import logging
import warnings
from functools import lru_cache

from five_star.store.locations import cache_dir


@lru_cache(maxsize=1)
def tokenizer():
    """The shared, quiet jieba tokenizer with its cache in the user's cache directory."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # jieba imports pkg_resources, which warns on stderr
        import jieba  # lazy for start-up time (~0.15 s): commands that never segment never load it

    # jieba logs only debugging and, with a traceback, a cache it could not save: the cache is optional.
    jieba.setLogLevel(logging.CRITICAL)
    logging.getLogger("jieba").setLevel(logging.CRITICAL)
    tok = jieba.Tokenizer()
    try:
        tok.tmp_dir = str(cache_dir())
        tok.cache_file = "jieba.cache"
    except OSError:
        pass  # no cache folder can be made: jieba keeps its own default (the system's temporary folder)
    return tok


_extra_words_added: set[str] = set()


def add_words(words) -> None:
    """Keep domain words (places, program names) whole when segmenting."""
    tok = tokenizer()
    for word in words:
        if word and word not in _extra_words_added:
            tok.add_word(word, freq=20000)
            _extra_words_added.add(word)
