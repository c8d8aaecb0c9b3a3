"""Stage 1: reading files (encodings, bad input) and repairing their lines (named, reported repairs)."""
