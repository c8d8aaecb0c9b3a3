"""Figures: every quantity in an article's text — a number with a unit or measure word, or a percentage.

``find_figures(text)`` returns ``Figure`` objects in text order, with ``text[start:end] == figure.text``.
It reads Arabic and Chinese numerals and their mixtures (``12.6万余人次``, ``一百二十八万``, ``四五万袋``),
financial numerals (``肆佰叁拾萬圆``), spoken amounts (``1万2``, ``3个亿``, ``5毛钱``), ranges (``3至5个``),
percentages (``73.39%``, ``百分之五十``, ``三成``, ``八五折``), fractions as percentages (``三分之一`` → 33.33,
``2/3`` → 66.67), amounts after a currency symbol (``$20``, ``￥300``) and qualifiers (``近``, ``多``, ``来``,
``以上`` …). ``explain_figures(text)`` yields every candidate with the rule that kept or dropped it.

``Figure.qualifier`` takes the values of article-json.md — 多 余 近 约 以上 超过 左右, or None — and one more:
``以下`` for an upper bound (不到1.9万, 不足5%, 小于40万元, 18岁以下, 5公里以内), which the shape has no
value for; 不少于/及以上 are 以上 as before; 来 (二十来亩) is 约.

**兆** is read as 10^12 (万亿) when it is part of a numeral (四十九兆九千五百九十二亿元). Mainland text no
longer writes 兆 as a numeral (it writes 万亿), so where it does appear it is quoted or translated from
Taiwan, Hong Kong or Japan, where 兆 is 10^12; the mainland's SI 兆 (10^6) only appears as a unit prefix,
and those units are rows of their own (兆瓦, 兆字节, 兆赫兹) that keep their own reading. A 兆 that opens a
"number" (预兆, 好兆头) is no number.

**两** is a weight (二两, 三十两) only with no Chinese character after it: 两 is the numeral two far more often
(两个, 三两句), and 一两天 is a range. A space joins numerals only where both sides are clearly one
number (``1.7 万``, ``五十 万元``, ``一 百 五 十``), never two complete ones (``百分之五十 二十多万人``).

How it works, in order:
1. ``plain_forms`` maps full-width and traditional forms to the plain forms the patterns use, one character for
   one character, so offsets in the folded text are offsets in the original text.
2. One precompiled pattern finds every *candidate*: a number (with an optional range, 多/余/来 and scale
   word) followed by a unit or counted noun from the data files, an N大 form (六大惠民工程), a number with
   万/亿 and no unit, a percentage or fraction, or an amount after a currency symbol.
3. Each candidate is read (``reading.py``: its unit and, when asked, its value) and goes through the one
   registry of named checks (``checks.CHECKS``) that drop what is not a quantity — dates, ordinals, names
   in short quotes, a lone 一 used as an article or a rate's denominator, time frames, share counters,
   vague amounts, idioms from ``figure_exclusions.txt`` and so on. The first check that holds names why.
4. The survivors become figures; a minor unit right after an amount completes it (两美元又三美分).

Everything language-specific lives in ``store/data``: ``units.tsv``, ``counted_nouns.tsv``,
``qualifiers.tsv``, ``figure_context.tsv`` and ``figure_exclusions.txt``. Chinese numerals are read by
cn2an; only scale words, consecutive-digit ranges (四五万) and Arabic decimals are handled here.
"""
from five_star.store.extraction.figures.checks import CHECKS
from five_star.store.extraction.figures.find import Decision, explain_figures, find_figures
from five_star.store.extraction.figures.numerals import parse_number
from five_star.store.extraction.figures.rules import (
    CN_SCALES,
    figure_rules,
    plain_forms,
    unit_table,
    user_exclusions_path,
)

__all__ = [
    "CHECKS",
    "CN_SCALES",
    "Decision",
    "explain_figures",
    "figure_rules",
    "find_figures",
    "parse_number",
    "plain_forms",
    "unit_table",
    "user_exclusions_path",
]
