"""five-star-tui's data side; each subpackage is one stage, and imports only the stages before it:

1. ``reading``    files and their encodings; line repairs, each a named pure function
2. ``splitting``  a page into articles and photo items; titles, authors, dates
3. ``extraction`` figures, places, programs and stars, keywords
   ``pipeline``   stages 1-3 over a page: raw text in, a ``Page`` of ``Article`` s out
4. ``library``    the TinyDB library, its crash-safe storage, ingest and reindex
5. ``query``      the query language and search index, the one query service, grouping
6. ``export``     CSV and JSON Lines, and the table of export formats

Beneath them: ``model`` (one dataclass per concept, one JSON shape), ``resources`` (every data file,
loaded and checked once), ``segment`` (jieba), ``locations`` (the user's folders), ``sanitize``, ``errors``.
Nothing here imports Textual; the terminal app lives in ``five_star.tui``.
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("five-star-tui")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0"
