"""Stage 2: splitting a page into articles and photo items, and reading each one's title, authors and dates."""
