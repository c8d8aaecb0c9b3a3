"""Data files: each read once, through ``resources``; a broken one stops the run with one line naming it."""

from __future__ import annotations

import json
import shutil
from collections import Counter
from collections.abc import Callable, Iterator
from importlib.resources import as_file
from pathlib import Path

import pytest

from five_star.seeds import seed_paths
from five_star.store import resources
from five_star.store.extraction.figures import find_figures
from five_star.store.extraction.keywords import top_keywords
from five_star.store.pipeline import extract_paths, extract_text
from five_star.store.query.search import parse_query
from five_star.tui.cli import main

PAGE = "## 漯河市召开“五星”支部创建推进会\n\n本报讯 漯河市投入资金300万元，建成12个党群服务中心。\n"


@pytest.fixture
def data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A copy of the bundled data files that ``resources`` reads instead; the tests break it."""
    copy = tmp_path / "data"
    with as_file(resources.DATA) as bundled:
        shutil.copytree(bundled, copy)
    monkeypatch.setattr(resources, "DATA", copy)
    resources.reload()
    yield copy
    monkeypatch.undo()
    resources.reload()


def edit(path: Path, change: Callable[[str], str]) -> None:
    path.write_text(change(path.read_text(encoding="utf-8")), encoding="utf-8")


def line_of(path: Path, start: str) -> int:
    """The number of the first line of ``path`` that starts with ``start``."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return next(n for n, line in enumerate(lines, start=1) if line.startswith(start))


def broken_json(path: Path, change: Callable[[dict], None]) -> None:
    data = json.loads(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")


def cli_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> str:
    """``five-star-tui extract`` on two pages: the one line it prints to stderr, checked to be alone."""
    pages = []
    for name in ("a.txt", "b.txt"):
        pages.append(tmp_path / name)
        pages[-1].write_text(PAGE, encoding="utf-8")
    assert main(["extract", *map(str, pages)]) == 1
    out, err = capsys.readouterr()
    assert out == ""
    assert "Traceback" not in err and len(err.splitlines()) == 1, err
    return err.rstrip("\n")


# ---- broken files ---------------------------------------------------------------------------------------------


def test_a_missing_key_in_page_rules_is_named_with_its_path(data, tmp_path, capsys):
    broken_json(data / "page_rules.json", lambda rules: rules["headline"].pop("min_chars"))
    message = "data file page_rules.json: no “headline.min_chars”, which the program needs"
    with pytest.raises(resources.ResourceError) as raised:
        extract_text(PAGE, "p.txt")
    assert str(raised.value) == message
    assert cli_error(tmp_path, capsys) == f"five-star-tui: {message}"


def test_a_units_row_with_three_columns(data, tmp_path, capsys):
    units = data / "units.tsv"
    line = line_of(units, "元\t")
    edit(units, lambda text: text.replace("元\t元\tmoney\t1\n", "元\t元\tmoney\n", 1))
    message = f"data file units.tsv, line {line}: expected 4 to 5 tab-separated columns, found 3"
    with pytest.raises(resources.ResourceError) as raised:
        find_figures("投入300万元")
    assert str(raised.value) == message
    assert cli_error(tmp_path, capsys) == f"five-star-tui: {message}"


def test_a_units_factor_that_is_not_a_number(data, tmp_path, capsys):
    units = data / "units.tsv"
    line = line_of(units, "元\t")
    edit(units, lambda text: text.replace("元\t元\tmoney\t1\n", "元\t元\tmoney\tone\n", 1))
    assert cli_error(tmp_path, capsys) == f"five-star-tui: data file units.tsv, line {line}: the factor “one” is not a number"


def test_search_reads_units_through_the_figures_table(data):
    units = data / "units.tsv"
    line = line_of(units, "元\t")
    edit(units, lambda text: text.replace("元\t元\tmoney\t1\n", "元\t元\tcash\t1\n", 1))
    with pytest.raises(resources.ResourceError, match=rf"^data file units.tsv, line {line}: unknown kind “cash” \("):
        parse_query("unit:万元")


@pytest.mark.parametrize(
    ("name", "start", "replace", "reason"),
    [
        ("counted_nouns.tsv", "群众\t", ("\tscaled", "\tsome"), "unknown use “some” (expected one of set, nda, scaled)"),
        ("qualifiers.tsv", "将近\t", ("\tbefore", "\tahead"), "unknown position “ahead” (expected one of before, inner, after)"),
        ("figure_context.tsv", "第\t", ("\tordinal", "\tordinary"), "unknown role “ordinary” (expected one of"),
    ],
)
def test_other_figure_tables_name_the_row(data, name, start, replace, reason):
    path = data / name
    line = line_of(path, start)
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[line - 1] = lines[line - 1].replace(*replace)
    path.write_text("".join(lines), encoding="utf-8")
    with pytest.raises(resources.ResourceError) as raised:
        find_figures("投入300万元")
    assert str(raised.value).startswith(f"data file {name}, line {line}: {reason}")


def test_a_regex_that_does_not_compile(data):
    broken_json(data / "page_rules.json", lambda rules: rules.update(news_lead="(本报讯"))
    with pytest.raises(resources.ResourceError, match=r"^data file page_rules.json: “news_lead” is not a valid regular expression \("):
        extract_text(PAGE, "p.txt")


def test_a_value_of_the_wrong_type(data):
    broken_json(data / "programs.json", lambda rules: rules["programs"][0]["triggers"].update({"五星支部": "two"}))
    with pytest.raises(resources.ResourceError) as raised:
        extract_text(PAGE, "p.txt")
    assert str(raised.value) == 'data file programs.json: “programs[0].triggers.五星支部” should be a number, not "two"'


def test_an_alias_of_a_city_the_gazetteer_lacks(data):
    broken_json(data / "places.json", lambda rules: rules["city_aliases"].update(天中="天中市"))
    with pytest.raises(resources.ResourceError) as raised:
        extract_text(PAGE, "p.txt")
    assert str(raised.value) == "data file places.json: “city_aliases.天中” names 天中市, which the gazetteer does not hold"


def test_a_gazetteer_row_with_a_missing_column(data):
    edit(data / "henan_divisions.csv", lambda text: text.replace("4101,郑州市,city,41\n", "4101,郑州市,city\n", 1))
    with pytest.raises(resources.ResourceError) as raised:
        extract_text(PAGE, "p.txt")
    assert str(raised.value) == "data file henan_divisions.csv, line 3: expected 4 columns, found 3"


def test_a_missing_word_list(data):
    (data / "stopwords.txt").unlink()
    with pytest.raises(resources.ResourceError, match=r"^data file stopwords.txt cannot be read \("):
        top_keywords("漯河市召开“五星”支部创建推进会")


def test_a_broken_file_stops_the_run_instead_of_skipping_every_page(data, tmp_path):
    broken_json(data / "page_rules.json", lambda rules: rules.pop("body_min_chars"))
    pages = [tmp_path / "a.txt", tmp_path / "b.txt"]
    for page in pages:
        page.write_text(PAGE, encoding="utf-8")
    results = extract_paths(pages)
    with pytest.raises(resources.ResourceError, match="no “body_min_chars”"):
        next(results)


# ---- read once ------------------------------------------------------------------------------------------------


def test_every_file_is_read_once_and_reload_reads_again(monkeypatch):
    reads: Counter[str] = Counter()
    read = resources._read

    def counted(name: str) -> str:
        reads[name] += 1
        return read(name)

    monkeypatch.setattr(resources, "_read", counted)
    resources.reload()
    try:
        first = [extract_text(path.read_text(encoding="utf-8"), path.name) for path in seed_paths()[:2]]
        parse_query("unit:万元 value>=100万 红色物业")
        expected = {
            "page_rules.json", "places.json", "programs.json", "henan_divisions.csv", "china_prefectures.csv", "units.tsv",
            "counted_nouns.tsv", "qualifiers.tsv", "figure_context.tsv", "figure_exclusions.txt", "stopwords.txt",
        }  # fmt: skip
        assert reads == Counter(expected)
        resources.reload()
        again = [extract_text(path.read_text(encoding="utf-8"), path.name) for path in seed_paths()[:2]]
        assert reads == Counter({name: 2 for name in expected})
        assert [p.to_dict() for p in again] == [p.to_dict() for p in first]
    finally:
        monkeypatch.undo()
        resources.reload()
