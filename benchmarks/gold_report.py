"""Quality against the hand annotations (../shared/gold/seeds.jsonl), per seed file.

    python benchmarks/gold_report.py [--shared ../shared]

Items pair with gold when both ends of the span are within one line. Figures match as a multiset of
(value, unit); programs as micro-averaged labels; star tallies as (tier, count).
"""

from __future__ import annotations

import argparse
import json
import re
from collections import Counter
from pathlib import Path

from five_star.store.pipeline import extract_text

REPO = Path(__file__).resolve().parents[1]


def squash(text: str | None) -> str:
    return re.sub(r"\s+", "", text or "")


def figure_key(figure: dict) -> tuple:
    value = figure["value"]
    return (None if value is None else round(float(value), 4), figure["unit"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=REPO.parent / "shared")
    args = parser.parse_args()
    gold = [json.loads(line) for line in (args.shared / "gold" / "seeds.jsonl").open(encoding="utf-8")]

    rows = []
    totals = Counter()
    for source in sorted({g["source"] for g in gold}):
        page = extract_text((args.shared / "seeds" / source).read_text(encoding="utf-8"), source)
        mine = [a.to_dict() for a in page.articles]
        row = Counter(file=0)
        for g in (g for g in gold if g["source"] == source):
            row["items"] += 1
            match = next(
                (m for m in mine if abs(m["first_line"] - g["first_line"]) <= 1 and abs(m["last_line"] - g["last_line"]) <= 1),
                None,
            )
            if match is None:
                row["figures_gold"] += len(g["figures"])
                continue
            row["found"] += 1
            row["titles"] += squash(g["title"]) == squash(match["title"])
            row["authors"] += g["authors"] == match["authors"]
            row["city"] += g["city"] == match["city"]
            want, got = Counter(map(figure_key, g["figures"])), Counter(map(figure_key, match["figures"]))
            row["figures_gold"] += sum(want.values())
            row["figures_found"] += sum(got.values())
            row["figures_right"] += sum((want & got).values())
            want_p, got_p = set(g["programs"]), set(match["programs"])
            row["programs_tp"] += len(want_p & got_p)
            row["programs_fp"] += len(got_p - want_p)
            row["programs_fn"] += len(want_p - got_p)
            want_s = Counter((s["tier"], s["count"]) for s in g["star_counts"])
            got_s = Counter((s["tier"], s["count"]) for s in match["star_counts"])
            row["tallies_gold"] += sum(want_s.values())
            row["tallies_right"] += sum((want_s & got_s).values())
            row["tallies_invented"] += sum((got_s - want_s).values())
        row["extra_items"] = len(mine) - row["found"]
        rows.append((source, row))
        totals.update(row)

    header = ["file", "items", "found", "titles", "authors", "city", "fig P", "fig R", "prog F1", "tallies", "invented"]
    print(" | ".join(header))
    for source, row in rows + [("total", totals)]:
        precision = row["figures_right"] / row["figures_found"] if row["figures_found"] else 1.0
        recall = row["figures_right"] / row["figures_gold"] if row["figures_gold"] else 1.0
        tp, fp, fn = row["programs_tp"], row["programs_fp"], row["programs_fn"]
        f1 = 2 * tp / (2 * tp + fp + fn) if tp + fp + fn else 1.0
        print(" | ".join(str(x) for x in [
            source[:3] if source != "total" else "total", row["items"], row["found"], row["titles"], row["authors"],
            row["city"], f"{precision:.3f} ({row['figures_right']}/{row['figures_found']})",
            f"{recall:.3f} ({row['figures_right']}/{row['figures_gold']})", f"{f1:.3f}",
            f"{row['tallies_right']}/{row['tallies_gold']}", row["tallies_invented"],
        ]))


if __name__ == "__main__":
    main()
