"""Stage 4: the library: pages and articles kept in TinyDB (crash-safe storage), and ingest into it."""
