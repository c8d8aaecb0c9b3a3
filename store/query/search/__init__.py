"""Search: the query language and the index that the app and ``five-star-tui search`` share.

Matching is exact substring matching on *folded* text. ``fold`` maps every character on its own to
NFKC (full width → half width, ① → 1), then traditional → simplified (OpenCC t2s, character by
character), then lower case, and drops whitespace, invisible control/format characters (zero-width
spaces from scraped pages) and quotation marks (so 五星支部 finds “五星”支部). Folding character by
character, rather than phrase by phrase, is what makes it exact: if a query occurs in a text, its
folded form occurs in the folded text, so nothing is missed.

The query language (``parse_query`` accepts any string and never raises):

- ``红色物业 乡村振兴`` — every word must occur in the title or the text.
  A run typed without spaces is segmented with jieba (``漯河红色物业`` → 漯河 · 红色物业), and each word
  must occur, not necessarily next to each other: Chinese is typed without spaces, and people mean the
  words. Articles holding the whole run unbroken rank higher. Runs without CJK characters stay whole.
- ``"五星 支部"`` (also “…” or 「…」) — the phrase exactly, as written (after folding, so spaces do not matter).
- ``-脱贫`` / ``-"…"`` — leave out articles containing it; the literal text, never segmented.
- ``city:漯河  county:舞阳  program:红色物业  star:产业兴旺  author:王远  source:001`` — the value must occur
  in that field (``city:漯河`` matches 漯河市); ``city:未定位`` finds articles with no city.
  ``kind:photo`` / ``kind:article`` filter items; ``kind:money`` (or people, count, area, ...) asks for
  a figure of that kind.
- ``tier:5`` (also ``tier:五星``, ``tier:五``) — articles that count branches at that tier (a star tally
  such as “五星”支部70个), planned tallies included (拟创建“五星”支部的6个村 is a statement about 五星 too);
  ``tier:planned`` finds articles with a planned tally, so ``tier:5 -tier:planned`` leaves out any article
  holding a goal. A tier is never a star category: ``star:五星`` (四星, 5星, ...) is read as ``tier:5``,
  while ``star:产业兴旺星`` and ``star:幸福和谐`` look in the star categories an article names.
- Figure tests: ``unit:万元`` ``value>=1000000`` (also ``>``, ``<``, ``<=``, ``=``; values are read as the
  figures' own numerals are, so they may carry a scale or be written in Chinese: ``value>=100万``, ``value>=一百万``). All figure tests of a query must hold for one and the same figure: ``unit:元
  value>=1000000`` means a money figure of at least a million, not any amount of money plus any big number.
  Units are compared as stored, without scale: ``unit:万元`` is read as 元 (a figure of 5000元 matches;
  ask ``value>=10000`` for size). A range (四五万) matches a comparison when any value in it satisfies it.
- ``date:2023``, ``date:2023-05``, ``date:2023-05-01`` (also ``2023年5月``) — the article's ``published`` date
  falls in that year, month or day; ``date>=2023-05-01``, ``date<2024`` compare with the period's first
  (``>=``, ``<``) or last day (``>``, ``<=``); ``date:none`` finds articles whose page states no date.
- Any filter can be negated with ``-`` (``-city:郑州``). Keys and colons may be full width (``city：漯河``).
  Unknown keys are plain text (``http://…`` is searched as written).

Ranking: articles with more query words in the title first, then those holding each multi-word run
unbroken, then library order.

The index is an inverted index of single characters and character pairs (UTF-16 code units, so each key
is a plain integer and characters outside the BMP still match) over the folded title and text, plus the
exact sets of the library's frequent words. Sets of articles are bit masks (Python ints) where that is
smaller than a list, so intersecting them runs at C speed. A needle of one or two code units, or a
frequent word, is answered by its set alone; any other needle by intersecting its pairs' sets and then
checking each candidate by substring search. Either way the result is exactly the brute-force result.
Filters are answered from per-field maps, ranking from the same kind of index over titles.
Costs at 20,000 articles (benchmarks/library_bench.py): ``SearchIndex(articles)`` returns in ~0.5 s, the
index is ready ~6 s later (built in the background; until then queries scan), it holds ~25 MB beside
the ~30 MB of folded text; a query takes under 1 ms when it matches a few hundred articles and 2-5 ms
when it matches most of the library (every hit has to be produced), 5-10x faster than scanning.
"""
from five_star.store.query.search.fold import fold
from five_star.store.query.search.hits import Hit, Span, find_spans
from five_star.store.query.search.index import SearchIndex
from five_star.store.query.search.language import FIELDS, Query, parse_query

__all__ = ["FIELDS", "Hit", "Query", "SearchIndex", "Span", "find_spans", "fold", "parse_query"]
