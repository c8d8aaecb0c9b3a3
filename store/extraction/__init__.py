"""Stage 3: extraction from an article's text: figures, places, programs and stars, keywords."""
