"""Quality against the hand annotations (../shared/gold/seeds.jsonl), per seed file.

    python benchmarks/gold_report.py [--shared ../shared]

Scores the real pipeline (``extract_paths`` over the bundled seeds) with the scorer the gold tests use,
tests/helpers/gold.py, whose docstring says how items pair and how each field is compared.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))

from helpers.gold import DEFAULT_SHARED, load_gold, pipeline_articles, report  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=DEFAULT_SHARED)
    args = parser.parse_args()
    print(report(load_gold(args.shared), pipeline_articles()))


if __name__ == "__main__":
    main()
