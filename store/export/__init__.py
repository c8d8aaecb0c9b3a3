"""Stage 6: export of articles and figures to CSV and JSON Lines (the formats are listed in ``formats``)."""
