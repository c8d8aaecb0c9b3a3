"""Score ``find_figures`` against other projects' own test vectors (``../shared/peers``, see its README).

    python benchmarks/peers_score.py [--shared PATH] [--failures]

What is compared, per file (values compare with a relative tolerance of 1e-9):

- ``msrt_numberwithunit_zh.jsonl``, CurrencyModel and DimensionModel rows (Microsoft Recognizers-Text
  specs). A row passes when every expected result with a value is met by a figure that overlaps its span
  and has that value (as ``value`` or, for a range, ``value_max``), and no figure of the model's kind —
  money for currency; length, area and other measures for dimension — appears where none is expected.
  A row expecting nothing passes when no figure of that kind is found.
- ``msrt_number_zh.jsonl``, PercentModel rows: the same, with percent figures (成 is read as ×10 %).
- ``jionlp_money.jsonl``, rows whose currency is 元 (``parse_money`` on a lone expression): the first
  money figure must have the expected value; an expected range ``[lo, hi]`` must be ``value``/``value_max``.
- ``jionlp_money_extract.jsonl``: the money spans in 元 (``extract_money`` on sentences): the figures with
  unit 元 must be exactly the expected spans (same offsets), no more; spans in other currencies are ignored.

Rows out of scope are counted and listed with the reason, never dropped silently (``--failures`` shows them):

- forms the README already marks as not news-relevant: financial uppercase (壹贰叁), k/w slang (15k, 30w),
  角/分 amounts, negative numbers, colloquial elliptic numbers (三万五);
- units that are not news quantities here: 两 as a weight (it is also the numeral two), 兆 as a numeral
  (mega or 10^12 depending on region), 美分/日本銭 compounds, currency symbols ($20, ￥300);
- a bare number with no unit written (三百万, 小于40万): ``parse_money`` presumes money; in prose a bare
  number is not a figure;
- vague amounts (数十亿元, 几十万块, 十几块钱): not figures by the project's gold convention (数十名, 几个人);
- discounts (九折) and the 五五/三八 two-digit readings.

The goal (≥ 95% on values) applies to the news-relevant rows in scope; every count is printed.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

from five_star.store.figures import find_figures

REPO = Path(__file__).resolve().parents[1]
TAG_OUT_OF_SCOPE = {
    "financial_uppercase": "financial uppercase numerals",
    "kw_slang": "k/w slang",
    "jiao_fen": "角/分 amounts",
    "negative": "negative numbers",
    "colloquial_elliptic": "colloquial elliptic numbers",
}
TEXT_OUT_OF_SCOPE = [
    (re.compile(r"[0-9一二三四五六七八九十百千]两$|^二两$"), "两 as a weight"),
    (re.compile(r"兆(?![字赫瓦])"), "兆 as a numeral"),
    (re.compile(r"美分|日本銭"), "compound currency amounts"),
    (re.compile(r"[$￥¥]"), "currency symbols"),
    (re.compile(r"数十|几十|十几|几百|几千"), "vague amount (gold convention)"),
    (re.compile(r"折"), "discounts"),
    (re.compile(r"五五|三八|九九|七 ?2"), "two-digit discount readings"),
]
UNIT_WORDS = re.compile(r"[元块圆]|币|美元|欧元|港元|日元")
KINDS = {
    "CurrencyModel": {"money"},
    "DimensionModel": {"length", "area", "other"},
    "PercentModel": {"percent"},
}
YUAN_SPAN = re.compile(r"(?<![日美港欧韩澳加])元$|块钱?$")


@dataclass
class Tally:
    rows: int = 0
    relevant: int = 0
    in_scope: int = 0
    passed: int = 0
    passed_in_scope: int = 0
    out_of_scope: dict = field(default_factory=dict)
    failures: list = field(default_factory=list)

    def add(self, row: dict, ok: bool, reason: str | None) -> None:
        self.rows += 1
        if not row.get("news_relevant"):
            return
        self.relevant += 1
        self.passed += ok
        if reason:
            self.out_of_scope.setdefault(reason, []).append((row["input"], ok))
            return
        self.in_scope += 1
        self.passed_in_scope += ok
        if not ok:
            self.failures.append(row["input"])


def same_value(expected: float, figure) -> bool:
    return any(
        v is not None and abs(float(v) - expected) <= 1e-9 * max(1.0, abs(expected))
        for v in (figure.value, figure.value_max)
    )


def overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def scope_reason(row: dict, text: str) -> str | None:
    for tag, reason in TAG_OUT_OF_SCOPE.items():
        if tag in row.get("tags", []):
            return reason
    for pattern, reason in TEXT_OUT_OF_SCOPE:
        if pattern.search(text):
            return reason
    return None


def msrt_row_ok(row: dict, kinds: set[str]) -> bool:
    figures = find_figures(row["input"])
    expected = [e for e in row["normalized"] if e.get("value") is not None]
    spans = [(e["start"], e["end_inclusive"] + 1) for e in row["normalized"]]
    for e in expected:
        span = (e["start"], e["end_inclusive"] + 1)
        if not any(overlaps(span, (f.start, f.end)) and same_value(e["value"], f) for f in figures):
            return False
    extras = [f for f in figures if f.kind in kinds and not any(overlaps(s, (f.start, f.end)) for s in spans)]
    return not extras


def score_msrt(path: Path, models: set[str]) -> dict[str, Tally]:
    tallies: dict[str, Tally] = {}
    for row in read_jsonl(path):
        model = row.get("model")
        if model not in models:
            continue
        texts = row["input"] + "".join(e.get("text") or "" for e in row["normalized"])
        tallies.setdefault(model, Tally()).add(row, msrt_row_ok(row, KINDS[model]), scope_reason(row, texts))
    return tallies


def jionlp_money_ok(row: dict) -> bool:
    money = [f for f in find_figures(row["input"]) if f.kind == "money"]
    if not money:
        return False
    figure, norm = money[0], row["normalized"]
    if norm.get("value_range"):
        low, high = norm["value_range"]
        return figure.value == low and figure.value_max == high
    return figure.value_max is None and same_value(norm["value"], figure)


def score_jionlp_money(path: Path) -> Tally:
    tally = Tally()
    for row in read_jsonl(path):
        if row["normalized"].get("unit") != "元":
            continue
        reason = scope_reason(row, row["input"])
        if reason is None and not UNIT_WORDS.search(row["input"]):
            reason = "no unit written (parse_money presumes money)"
        tally.add(row, jionlp_money_ok(row), reason)
    return tally


def score_jionlp_extract(path: Path) -> Tally:
    tally = Tally()
    for row in read_jsonl(path):
        wanted = {tuple(e["offset"]) for e in row["expected"] if YUAN_SPAN.search(e["text"])}
        others = [e for e in row["expected"] if not YUAN_SPAN.search(e["text"])]
        found = {(f.start, f.end) for f in find_figures(row["input"]) if f.kind == "money" and f.unit == "元"}
        reason = scope_reason(row, "".join(e["text"] for e in row["expected"]))
        if reason is None and others and not wanted:
            reason = "no span in 元"
        tally.add(row, found == wanted, reason)
    return tally


def read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def report(name: str, tally: Tally, show_failures: bool) -> None:
    rate = tally.passed_in_scope / tally.in_scope if tally.in_scope else 1.0
    raw = tally.passed / tally.relevant if tally.relevant else 1.0
    print(
        f"{name:<44} {tally.rows:>5} {tally.relevant:>9} {tally.passed:>5} {raw:>7.1%}"
        f" {tally.in_scope:>9} {tally.passed_in_scope:>5} {rate:>7.1%}"
    )
    if not show_failures:
        return
    for text in tally.failures:
        print(f"    FAIL  {text}")
    for reason, rows in tally.out_of_scope.items():
        for text, ok in rows:
            print(f"    out of scope ({reason}){' [passes anyway]' if ok else ''}: {text}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    default = os.environ.get("FIVE_STAR_SHARED") or str(REPO.parent / "shared")
    parser.add_argument("--shared", default=default, help="folder holding peers/ (default: %(default)s)")
    parser.add_argument("--failures", action="store_true", help="list failing and out-of-scope rows")
    args = parser.parse_args(argv)
    peers = Path(args.shared) / "peers"
    if not peers.is_dir():
        print(f"peers_score: no peers folder at {peers}", file=sys.stderr)
        return 1

    header = ("rows", "relevant", "pass", "rate", "in scope", "pass", "rate")
    print(f"{'file / model':<44} " + " ".join(f"{h:>{w}}" for h, w in zip(header, (5, 9, 5, 7, 9, 5, 7))))
    units = score_msrt(peers / "msrt_numberwithunit_zh.jsonl", {"CurrencyModel", "DimensionModel"})
    percent = score_msrt(peers / "msrt_number_zh.jsonl", {"PercentModel"})
    for model in ("CurrencyModel", "DimensionModel"):
        report(f"msrt_numberwithunit_zh {model}", units[model], args.failures)
    report("msrt_number_zh PercentModel", percent["PercentModel"], args.failures)
    report("jionlp_money (元)", score_jionlp_money(peers / "jionlp_money.jsonl"), args.failures)
    extract = score_jionlp_extract(peers / "jionlp_money_extract.jsonl")
    report("jionlp_money_extract (元 spans)", extract, args.failures)
    return 0


if __name__ == "__main__":
    sys.exit(main())
