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
  A row that writes no unit (三百万, 小于40万: ``parse_money`` presumes money) is scored in the form news
  prose writes it, with 元 appended (三百万元, 小于40万元); such rows are listed as *adapted*. The bound
  is compared too, for information: JioNLP's ``definition`` against our ``qualifier`` (accurate = none,
  blur- = 近/以下, blur+ = 以上/超过, blur = 约/左右/多/余 or a range).
- ``jionlp_money_extract.jsonl``: the money spans in 元 (``extract_money`` on sentences): the figures with
  unit 元 must be exactly the expected spans (same offsets), no more; spans in other currencies are ignored.

Rows out of scope are counted and listed with the reason, never dropped silently (``--failures`` shows them):

- forms the README marks as not news-relevant and the extractor does not read: k/w slang (15k, 30w),
  negative numbers;
- vague amounts (数十亿元, 几十万块, 十几块钱): not figures by the project's gold convention (数十名, 几个人).

Financial numerals (壹贰叁), 角/毛 amounts, spoken amounts (三万五, 1万2), 两 as a weight, 兆 as a numeral
(10^12), compound amounts (两美元又三美分) and currency symbols ($20, ￥300) are read, so their rows are
in scope.

Columns: ``rows`` in the file (or model), ``all ok`` of them passing, ``relevant`` rows flagged
``news_relevant`` by the collection and how many pass as written, then the relevant rows ``in scope``
and how many pass. The goal (≥ 95% on values) applies to the news-relevant rows in scope; the plain
news-relevant rate is printed beside it. Every out-of-scope and adapted row is listed with its reason,
and every in-scope failure with what was found; ``--failures`` adds the failing rows not flagged
news-relevant.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

from five_star.store.extraction.figures import find_figures

REPO = Path(__file__).resolve().parents[1]
TAG_OUT_OF_SCOPE = {
    "kw_slang": "k/w slang",
    "negative": "negative numbers",
}
TEXT_OUT_OF_SCOPE = [
    (re.compile(r"数十|几十|十几|几百|几千"), "vague amount (gold convention)"),
]
UNIT_WORDS = re.compile(r"[元块圆$￥¥]|币|美元|欧元|港元|日元")
KINDS = {
    "CurrencyModel": {"money"},
    "DimensionModel": {"length", "area", "other"},
    "PercentModel": {"percent"},
}
YUAN_SPAN = re.compile(r"(?<![日美港欧韩澳加])[元圆]整?$|块钱?$")


@dataclass
class Row:
    """One vector's outcome: ``scope`` is None (in scope), ``"adapted: …"`` or an out-of-scope reason."""

    text: str
    relevant: bool
    ok: bool
    scope: str | None = None
    found: str = ""
    bound_ok: bool | None = None
    adapted_ok: bool | None = None  # for an adapted row: the result on the adapted text

    @property
    def ok_in_scope(self) -> bool:
        return self.ok if self.adapted_ok is None else self.adapted_ok


@dataclass
class Tally:
    rows: list[Row] = field(default_factory=list)

    def add(self, row: dict, ok: bool, scope: str | None = None, found: str = "", **more) -> None:
        self.rows.append(Row(row["input"], bool(row.get("news_relevant")), ok, scope, found, **more))

    @property
    def relevant(self) -> list[Row]:
        return [r for r in self.rows if r.relevant]

    @property
    def in_scope(self) -> list[Row]:
        return [r for r in self.relevant if r.scope is None or r.scope.startswith("adapted")]


def same_value(expected: float, figure) -> bool:
    return any(
        v is not None and abs(float(v) - expected) <= 1e-9 * max(1.0, abs(expected))
        for v in (figure.value, figure.value_max)
    )


def overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def scope_reason(row: dict, text: str) -> str | None:
    """Why a row is out of scope, or None; what the text shows is more specific than the row's tags."""
    for pattern, reason in TEXT_OUT_OF_SCOPE:
        if pattern.search(text):
            return reason
    for tag, reason in TAG_OUT_OF_SCOPE.items():
        if tag in row.get("tags", []):
            return reason
    return None


def shown(figures) -> str:
    """What was found, compactly: text=value[-value_max] unit qualifier."""
    parts = []
    for f in figures:
        value = f"{f.value}" + (f"-{f.value_max}" if f.value_max is not None else "")
        parts.append(f"{f.text!r}={value}{f.unit}" + (f"({f.qualifier})" if f.qualifier else ""))
    return ", ".join(parts) or "nothing"


def msrt_row_ok(row: dict, kinds: set[str], figures) -> bool:
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
        figures = find_figures(row["input"])
        ok = msrt_row_ok(row, KINDS[model], figures)
        tallies.setdefault(model, Tally()).add(row, ok, scope_reason(row, texts), shown(figures))
    return tallies


BOUNDS = {"accurate": {None}, "blur-": {"近", "以下"}, "blur+": {"以上", "超过"}, "blur": {"约", "左右", "多", "余"}}


def jionlp_money_ok(norm: dict, money: list) -> tuple[bool, bool | None]:
    """(value right, bound right) for the first money figure."""
    if not money:
        return False, None
    figure = money[0]
    if norm.get("value_range"):
        low, high = norm["value_range"]
        ok = figure.value == low and figure.value_max == high
    else:
        ok = figure.value_max is None and same_value(norm["value"], figure)
    bound = figure.value_max is not None and norm.get("definition") == "blur"
    return ok, bound or figure.qualifier in BOUNDS.get(norm.get("definition"), set())


def score_jionlp_money(path: Path) -> Tally:
    tally = Tally()
    for row in read_jsonl(path):
        if row["normalized"].get("unit") != "元":
            continue
        text, reason = row["input"], scope_reason(row, row["input"])
        if reason is None and not UNIT_WORDS.search(text):
            text += "元"
            reason = f"adapted: no unit written (parse_money presumes money), scored as {text}"
        figures = find_figures(text)
        ok, bound_ok = jionlp_money_ok(row["normalized"], [f for f in figures if f.kind == "money"])
        if text == row["input"]:
            tally.add(row, ok, reason, shown(figures), bound_ok=bound_ok)
            continue
        as_written = [f for f in find_figures(row["input"]) if f.kind == "money"]
        ok_as_written = jionlp_money_ok(row["normalized"], as_written)[0]
        tally.add(row, ok_as_written, reason, shown(figures), bound_ok=bound_ok, adapted_ok=ok)
    return tally


def score_jionlp_extract(path: Path) -> Tally:
    tally = Tally()
    for row in read_jsonl(path):
        wanted = {tuple(e["offset"]) for e in row["expected"] if YUAN_SPAN.search(e["text"])}
        others = [e for e in row["expected"] if not YUAN_SPAN.search(e["text"])]
        figures = [f for f in find_figures(row["input"]) if f.kind == "money" and f.unit == "元"]
        reason = scope_reason(row, "".join(e["text"] for e in row["expected"]))
        if reason is None and others and not wanted:
            reason = "no span in 元"
        tally.add(row, {(f.start, f.end) for f in figures} == wanted, reason, shown(figures))
    return tally


def read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def rate(passed: int, total: int) -> str:
    return f"{passed / total:7.1%}" if total else "      –"


def report(name: str, tally: Tally, show_all_failures: bool) -> None:
    relevant, in_scope = tally.relevant, tally.in_scope
    all_ok = sum(r.ok for r in tally.rows)
    ok = sum(r.ok for r in relevant)
    ok_in_scope = sum(r.ok_in_scope for r in in_scope)
    print(
        f"{name:<36} {len(tally.rows):>5} {all_ok:>6} {len(relevant):>9} {ok:>5} {rate(ok, len(relevant))}"
        f" {len(in_scope):>9} {ok_in_scope:>5} {rate(ok_in_scope, len(in_scope))}"
    )
    bounds = [r.bound_ok for r in in_scope if r.bound_ok is not None and r.ok_in_scope]
    if bounds:
        print(f"    bound/approximation agrees with the peer's definition on {sum(bounds)}/{len(bounds)} passing rows")
    for r in relevant:
        if r.scope and not r.scope.startswith("adapted"):
            print(f"    out of scope ({r.scope}){' [passes anyway]' if r.ok else ''}: {r.text}")
        elif r.scope:
            print(f"    {r.scope}: {'pass' if r.ok_in_scope else 'FAIL'} ({r.found})")
        elif not r.ok:
            print(f"    FAIL  {r.text}   found: {r.found}")
    if show_all_failures:
        for r in tally.rows:
            if not r.relevant and not r.ok:
                print(f"    fails, not flagged news-relevant: {r.text}   found: {r.found}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    default = os.environ.get("FIVE_STAR_SHARED") or str(REPO.parent / "shared")
    parser.add_argument("--shared", default=default, help="folder holding peers/ (default: %(default)s)")
    parser.add_argument("--failures", action="store_true", help="also list failing rows not flagged news-relevant")
    args = parser.parse_args(argv)
    peers = Path(args.shared) / "peers"
    if not peers.is_dir():
        print(f"peers_score: no peers folder at {peers}", file=sys.stderr)
        return 1

    header = ("rows", "all ok", "relevant", "pass", "rate", "in scope", "pass", "rate")
    widths = (5, 6, 9, 5, 7, 9, 5, 7)
    print(f"{'file / model':<36} " + " ".join(f"{h:>{w}}" for h, w in zip(header, widths, strict=True)))
    units = score_msrt(peers / "msrt_numberwithunit_zh.jsonl", {"CurrencyModel", "DimensionModel"})
    percent = score_msrt(peers / "msrt_number_zh.jsonl", {"PercentModel"})
    for model in ("CurrencyModel", "DimensionModel"):
        report(f"msrt_numberwithunit_zh {model[:-5]}", units[model], args.failures)
    report("msrt_number_zh Percent", percent["PercentModel"], args.failures)
    report("jionlp_money (元)", score_jionlp_money(peers / "jionlp_money.jsonl"), args.failures)
    report("jionlp_money_extract (元 spans)", score_jionlp_extract(peers / "jionlp_money_extract.jsonl"), args.failures)
    return 0


if __name__ == "__main__":
    sys.exit(main())
