"""Figures: every quantity in an article's text — a number with a unit or measure word, or a percentage.

``find_figures(text)`` returns ``Figure`` objects in text order, with ``text[start:end] == figure.text``.
It reads Arabic and Chinese numerals and their mixtures (``12.6万余人次``, ``一百二十八万``, ``四五万袋``),
ranges (``3至5个``), percentages (``73.39%``, ``百分之五十``, ``三成``, ``八五折``) and qualifiers
(``近``, ``多``, ``以上`` …).

``Figure.qualifier`` takes the values of article-json.md — 多 余 近 约 以上 超过 左右, or None — and one more:
``以下`` for an upper bound (不到1.9万, 不足5%, 小于40万元, 18岁以下, 5公里以内), which the shape has no
value for; 不少于/及以上 are 以上 as before. A space joins numerals only where both sides are clearly one
number (``1.7 万``, ``五十 万元``, ``一 百 五 十``), never two complete ones (``百分之五十 二十多万人``).

How it works, in order:
1. ``plain_forms`` maps full-width and traditional forms to the plain forms the patterns use, one character for
   one character, so offsets in the folded text are offsets in the original text.
2. One precompiled pattern finds every *candidate*: a number (with an optional range, 多/余 and scale word)
   followed by a unit or counted noun from the data files, or a 百分之 percentage.
3. Each candidate goes through small named rules that drop what is not a quantity — dates, ordinals,
   names in short quotes, a lone 一 used as an article, idioms from ``figure_exclusions.txt`` and so on.
4. The survivors get their value, base unit, kind and qualifier.

Everything language-specific lives in ``store/data``: ``units.tsv``, ``counted_nouns.tsv``,
``qualifiers.tsv``, ``figure_context.tsv`` and ``figure_exclusions.txt``. Chinese numerals are read by
cn2an; only scale words, consecutive-digit ranges (四五万) and Arabic decimals are handled here.
"""
from five_star.store.extraction.figures.find import find_figures
from five_star.store.extraction.figures.numerals import parse_number
from five_star.store.extraction.figures.rules import (
    CN_SCALES,
    figure_rules,
    plain_forms,
    unit_table,
    user_exclusions_path,
)

__all__ = ["CN_SCALES", "figure_rules", "find_figures", "parse_number", "plain_forms", "unit_table", "user_exclusions_path"]
