"""Keywords: jieba TF-IDF through the shared tokenizer, with domain words kept whole."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from five_star.store.extraction.keywords import stopwords, top_keywords
from five_star.store.extraction.vocabulary import domain_tokenizer
from five_star.store.segment import tokenizer

TEXT = (
    "走进汝南县老君庙镇小方村乡村振兴产业园的蔬菜种植大棚内，村民正忙着采摘应季蔬菜。"
    "小方村坚持以党建引领产业振兴，积极探索集体经济发展新模式，做大做强温棚蔬菜等产业种植基地。"
    "驻马店市各县区持续推进红色物业建设，红色物业覆盖所有城市社区。"
)


def test_domain_words_stay_whole():
    words = top_keywords(TEXT, k=20)
    assert "红色物业" in words
    assert "驻马店市" in words
    assert "老君庙镇" in words
    assert "蔬菜" in words


def test_returns_k_best_first_without_stopwords_or_numbers():
    text = TEXT + "2023年，投资985万元，新建32个党群服务中心，七十五周年。"
    words = top_keywords(text, k=8)
    assert len(words) == 8
    assert not set(words) & stopwords()
    assert not any(ch.isdigit() for word in words for ch in word)
    assert "七十五" not in words and "万元" not in words


def test_repeated_topic_words_outrank_a_single_mention():
    text = "消防安全隐患大排查。" * 3 + "会议要求抓好各项工作，确保平稳。"
    top = top_keywords(text, k=3)
    assert "消防安全" in top
    assert "平稳" not in top


def test_uses_the_shared_tokenizer():
    assert domain_tokenizer() is tokenizer()
    assert list(tokenizer().cut("漯河市源汇区开展红色物业创建", HMM=False))[:2] == ["漯河市", "源汇区"]


def test_empty_and_blank_text():
    assert top_keywords("") == []
    assert top_keywords("   \n") == []
    assert top_keywords(TEXT, k=0) == []


@settings(max_examples=50, deadline=None)
@given(st.text(max_size=300), st.integers(min_value=0, max_value=12))
def test_never_raises_and_respects_k(text, k):
    words = top_keywords(text, k=k)
    assert len(words) <= k
    assert len(set(words)) == len(words)
