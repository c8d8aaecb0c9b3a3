"""The domain tokenizer: jieba with Henan place names and program trigger words in its dictionary.

Places, keywords and search all segment through it, so 驻马店市 or 红色物业 come out whole and the
dictionary is the same whichever of them runs first.
"""

from __future__ import annotations

from five_star.store.extraction.gazetteer import dictionary_words
from five_star.store.extraction.programs import trigger_words
from five_star.store.resources import derived
from five_star.store.segment import add_words, tokenizer


@derived
def domain_tokenizer():
    """The shared tokenizer with place names and program trigger words in its dictionary."""
    tok = tokenizer()
    tok.check_initialized()
    add_words(dictionary_words())
    add_words(trigger_words())
    return tok
