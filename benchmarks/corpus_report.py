"""Quality on the development corpus of real pages (tests/corpus), per page and site.

    python benchmarks/corpus_report.py [--check]

``--check`` scores tests/corpus/check instead: pages annotated after the rules were tuned on the corpus.

Scores the real pipeline with the scorer the corpus test uses (tests/helpers/corpus.py, whose docstring
says how items pair and how each field is compared).
"""

from __future__ import annotations

import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))

from helpers.corpus import CHECK, CORPUS, report, score_corpus  # noqa: E402

if __name__ == "__main__":
    print(report(score_corpus(CHECK if "--check" in sys.argv[1:] else CORPUS)))
