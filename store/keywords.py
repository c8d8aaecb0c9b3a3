"""Keywords: an article's top terms by jieba's TF-IDF.

Segmentation goes through the shared quiet tokenizer (``segment.tokenizer()``), with gazetteer city and
county names and program trigger words in its dictionary so 驻马店市 or 红色物业 come out whole; the
stopword list (``data/stopwords.txt``) drops function words and the vocabulary every report here uses.
Everything is set up on first use: jieba's dictionary and IDF table take about a second to load.
"""

from __future__ import annotations

import copy
import re
from functools import lru_cache
from importlib.resources import files

_DATA = files("five_star.store") / "data"
# A keyword names something: it has a CJK character or is a real Latin word (not 2023, 12.6%, or the
# `zh` of a pinyin fragment).
_WORDLIKE = re.compile(r"[\u3400-\u9fff]|[A-Za-z]{3,}")
# Pieces of quantities that jieba cuts out of figures (七十五, 万元以上, 28个村 -> 个村) are not topics.
_QUANTITY = re.compile(r"[\d零〇一二两三四五六七八九十百千万亿.%]+[个万元以上多余人名户次]*|[个名户项次件].*")


def stopwords() -> set[str]:
    lines = (_DATA / "stopwords.txt").read_text(encoding="utf-8").splitlines()
    return {line.strip() for line in lines if line.strip() and not line.startswith("#")}


@lru_cache(maxsize=1)
def domain_tokenizer():
    """The shared tokenizer with place names and program trigger words in its dictionary.

    Places and keywords both segment through this, so the dictionary is the same whichever runs first.
    """
    from .places import dictionary_words
    from .programs import trigger_words
    from .segment import add_words, tokenizer

    tok = tokenizer()
    tok.check_initialized()
    add_words(dictionary_words())
    add_words(trigger_words())
    return tok


@lru_cache(maxsize=1)
def _extractor():
    import jieba.analyse
    import jieba.posseg

    tok = domain_tokenizer()
    # Importing jieba.analyse already built a TFIDF with the IDF table loaded; a shallow copy shares that
    # (read-only) table instead of reading it again, and takes our tokenizer and stopwords.
    extractor = copy.copy(jieba.analyse.default_tfidf)
    extractor.tokenizer = tok
    extractor.postokenizer = jieba.posseg.POSTokenizer(tok)
    extractor.stop_words = set(extractor.STOP_WORDS) | stopwords()
    return extractor


def top_keywords(text: str, k: int = 8) -> list[str]:
    """The ``k`` terms of ``text`` with the highest TF-IDF weight, best first."""
    if k <= 0 or not text or not text.strip():
        return []
    ranked = _extractor().extract_tags(text, topK=None)
    return [word for word in ranked if _WORDLIKE.search(word) and not _QUANTITY.fullmatch(word)][:k]
