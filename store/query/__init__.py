"""Stage 5: asking the library: the query language and search index, grouping for the tree and stats."""
