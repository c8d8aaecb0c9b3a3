"""Keywords: an article's top terms by jieba's TF-IDF.

Segmentation goes through the domain tokenizer (``vocabulary.domain_tokenizer()``), with gazetteer city and
county names and program trigger words in its dictionary so 驻马店市 or 红色物业 come out whole; the
stopword list (``data/stopwords.txt``) drops function words and the vocabulary every report here uses.
Everything is set up on first use: jieba's dictionary and IDF table take about a second to load.
"""

from __future__ import annotations

import re

from five_star.store.extraction.vocabulary import domain_tokenizer
from five_star.store.resources import derived, word_list

# A keyword names something: it has a CJK character or is a real Latin word (not 2023, 12.6%, or the
# `zh` of a pinyin fragment).
_WORDLIKE = re.compile(r"[\u3400-\u9fff]|[A-Za-z]{3,}")
# Pieces of quantities that jieba cuts out of figures (七十五, 万元以上, 28个村 -> 个村) are not topics.
_QUANTITY = re.compile(r"[\d零〇一二两三四五六七八九十百千万亿.%]+[个万元以上多余人名户次]*|[个名户项次件].*")


def stopwords() -> set[str]:
    return set(word_list("stopwords.txt"))


@derived
def _idf() -> tuple[dict[str, float], float, frozenset[str]]:
    """jieba's IDF table (word -> weight), the median weight for unseen words, and the stopwords."""
    import jieba.analyse  # lazy for start-up time: importing it loads the IDF table (about a second)

    domain_tokenizer()
    # Importing jieba.analyse already loaded the IDF table; reuse it rather than reading it again.
    table = jieba.analyse.default_tfidf
    return table.idf_freq, table.median_idf, frozenset(table.STOP_WORDS) | stopwords()


def top_keywords(text: str, k: int = 8) -> list[str]:
    """The ``k`` terms of ``text`` with the highest TF-IDF weight, best first.

    The same weighting as ``jieba.analyse.extract_tags``, but segmenting without the HMM (new-word
    guessing): domain words are in the dictionary already, and it makes extraction about a third faster.
    """
    if k <= 0 or not text or not text.strip():
        return []
    idf, median, stop = _idf()
    counts: dict[str, int] = {}
    for word in domain_tokenizer().cut(text, HMM=False):
        word = word.strip()
        if len(word) < 2 or word.lower() in stop or not _WORDLIKE.search(word) or _QUANTITY.fullmatch(word):
            continue
        counts[word] = counts.get(word, 0) + 1
    ranked = sorted(counts, key=lambda w: (-counts[w] * idf.get(w, median), w))
    return ranked[:k]
