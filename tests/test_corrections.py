"""The person's corrections (issue 14, deliverable 4): kept beside the library, applied wherever articles are
read, found again after reindex gives an article a new id, exported with the fields they set.

Every test works on a real library built by the real ingest (the bundled seeds), through the real command
line (``tui.cli.main``) where a person would use it.
"""

from __future__ import annotations

import csv
import json
from dataclasses import replace
from pathlib import Path

import pytest
from tinydb import Query, TinyDB

from five_star.seeds import seed_paths
from five_star.store.errors import FiveStarError
from five_star.store.library.corrections import CorrectionsFile, corrections_path, read_place
from five_star.store.library.ingest import ingest
from five_star.store.library.library import Library
from five_star.store.library.storage import WriteLock, backup_path
from five_star.store.model import Article
from five_star.tui.cli import main


def library_articles(db: Path, *, junk: bool = False) -> list[Article]:
    with Library.open(db, create=False) as library:
        return library.articles(junk=junk)


def titled(db: Path, words: str) -> Article:
    """The one article of the library whose title holds ``words``."""
    [article] = [a for a in library_articles(db, junk=True) if a.title and words in a.title]
    return article


def exported(db: Path, tmp_path: Path, name: str, *options: str) -> list[dict[str, str]]:
    """The rows of ``five-star-tui export`` (articles CSV unless ``options`` say otherwise), read back."""
    out = tmp_path / name
    assert main(["--db", str(db), "export", "-o", str(out), *options]) == 0
    if out.suffix == ".jsonl":
        return [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    with out.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def by_id(rows: list[dict]) -> dict[str, dict]:
    return {row["id"]: row for row in rows}


# ---- the acceptance: reindex, export, junk ---------------------------------------------------------------


def test_a_correction_survives_reindex_and_appears_in_the_export(db, tmp_path, capsys):
    luohe, crash = titled(db, "璀璨"), titled(db, "逃逸途中")
    total = len(library_articles(db))
    corrections = CorrectionsFile(db)
    corrections.set_title(luohe, "漯河：五星支部创建纪实")
    corrections.set_city(luohe, "郑州")
    corrections.set_junk(crash, True)

    assert main(["--db", str(db), "reindex"]) == 0
    assert "Re-extracted" in capsys.readouterr().out

    rows = by_id(exported(db, tmp_path, "articles.csv"))
    row = rows[luohe.id]
    assert (row["title"], row["city"], row["corrected"]) == ("漯河：五星支部创建纪实", "郑州市", "title;city")
    assert crash.id not in rows and len(rows) == total - 1
    assert all(other["corrected"] == "" for article_id, other in rows.items() if article_id != luohe.id)

    # The command line's search and stats see the corrected article too.
    assert main(["--db", str(db), "search", "city:郑州"]) == 0
    assert "漯河：五星支部创建纪实" in capsys.readouterr().out
    assert main(["--db", str(db), "stats"]) == 0
    assert "郑州市" in capsys.readouterr().out

    # Restored, the junk item is back in the export, and no longer marked.
    with Library.open(db, create=False) as library:
        marked = library.get(crash.id)
    assert marked is not None and marked.junk
    CorrectionsFile(db).set_junk(marked, False)
    rows = by_id(exported(db, tmp_path, "restored.csv"))
    assert len(rows) == total and rows[crash.id]["corrected"] == "" and rows[crash.id]["title"] == crash.title


def test_the_json_lines_export_names_the_corrected_fields_and_what_extraction_gave(db, tmp_path):
    luohe = titled(db, "璀璨")
    CorrectionsFile(db).set_title(luohe, "新的标题")
    rows = by_id(exported(db, tmp_path, "articles.jsonl", "--format", "jsonl"))
    row = rows[luohe.id]
    assert row["title"] == "新的标题"
    assert row["corrected"] == ["title"] and row["extracted"] == {"title": luohe.title}
    assert all("corrected" not in other for article_id, other in rows.items() if article_id != luohe.id)


def test_extraction_keeps_its_shape(db):
    """``to_dict`` (what ``extract`` prints and the library stores) has the same fields, corrected or not."""
    luohe = titled(db, "璀璨")
    corrected = CorrectionsFile(db).set_city(luohe, "全省")
    assert (corrected.city, corrected.region, corrected.corrected) == (None, "province", ["city"])
    assert corrected.to_dict().keys() == luohe.to_dict().keys()
    assert "extracted" not in corrected.to_dict() and "junk" not in corrected.to_dict()


# ---- finding the article again -------------------------------------------------------------------------


def test_reindex_giving_an_article_a_new_id_keeps_its_correction(db):
    """The stored rows are made those of an older extractor (another id, another title); the correction is
    made on them, then ``reindex`` extracts the article as today, under its new id."""
    luohe = titled(db, "璀璨")
    data = json.loads(db.read_text(encoding="utf-8"))
    [row] = [row for row in data["articles"].values() if row["id"] == luohe.id]
    row.update(id="0123456789abcdef", story="0123456789abcdef", title="漯河 五星")
    db.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    [old] = [a for a in library_articles(db) if a.id == "0123456789abcdef"]
    CorrectionsFile(db).set_city(old, "洛阳")

    assert main(["--db", str(db), "reindex"]) == 0

    with Library.open(db, create=False) as library:
        articles = library.articles()
        orphans = library.corrections.orphans
        found = library.get(luohe.id)
    assert orphans == 0
    assert all(a.id != "0123456789abcdef" for a in articles)
    assert found is not None
    assert (found.title, found.city, found.extracted) == (luohe.title, "洛阳市", {"city": "漯河市", "region": "henan"})
    assert [a.id for a in articles if a.corrected] == [luohe.id]


def test_a_page_changed_and_ingested_again_keeps_its_article_corrections(tmp_path):
    page = tmp_path / "pages" / "luohe.txt"
    page.parent.mkdir()
    [luohe_page] = [p for p in seed_paths() if "16e4797a334fea6c" in p.name]
    text = luohe_page.read_text(encoding="utf-8")
    page.write_text(text, encoding="utf-8")
    db = tmp_path / "library.json"
    with Library.open(db) as library:
        ingest(library, [page])
    before = titled(db, "璀璨")
    CorrectionsFile(db).set_title(before, "漯河 五星支部创建")

    page.write_text("【本站讯】\n" + text, encoding="utf-8")  # the site added a line: every line moves down
    with Library.open(db) as library:
        ingest(library, [page])
        [after] = [a for a in library.articles() if a.corrected]
    assert after.id != before.id and after.first_line == before.first_line + 1
    assert (after.title, after.extracted) == ("漯河 五星支部创建", {"title": before.title})


def test_a_correction_whose_article_is_gone_stays_in_the_file_and_goes_to_no_other(db):
    """Same page, same first line, but neither its title nor its opening: the first line alone is no proof."""
    luohe = titled(db, "璀璨")
    gone = replace(luohe, id="f" * 16, title="已删除的文章", text="这篇文章的正文与库中任何一篇都不一样。")
    CorrectionsFile(db).set_junk(gone, True)
    with Library.open(db, create=False) as library:
        articles = library.articles(junk=True)
        orphans = library.corrections.orphans
    assert orphans == 1
    assert not any(a.corrected for a in articles)
    assert len(CorrectionsFile(db).read()) == 1


# ---- what may be typed ----------------------------------------------------------------------------------


def test_a_city_is_one_of_henans_cities_or_a_group_for_none(db):
    cities = {a.city for a in library_articles(db) if a.city}
    assert len(cities) > 5
    for city in cities:
        assert read_place(city) == read_place(city.removesuffix("市")) == (city, "henan")
    assert read_place("全省") == (None, "province")
    assert read_place("河南省外") == (None, "outside")
    assert read_place("  ") is None
    with pytest.raises(ValueError, match="东京 is not a city of Henan; type one of 郑州市"):
        read_place("东京")
    with pytest.raises(ValueError):
        CorrectionsFile(db).set_city(titled(db, "璀璨"), "舞阳县")  # a county, not a city
    assert not corrections_path(db).exists()


def test_an_empty_answer_goes_back_to_what_extraction_found(db):
    luohe = titled(db, "璀璨")
    corrections = CorrectionsFile(db)
    corrected = corrections.set_title(luohe, "临时标题")
    restored = corrections.set_title(corrected, "   ")
    assert restored == luohe
    assert corrections.read() == []
    assert library_articles(db) == library_articles(db, junk=True)
    assert titled(db, "璀璨") == luohe


# ---- the file ---------------------------------------------------------------------------------------------


def test_the_corrections_file_is_tinydb_replaced_whole_with_the_version_before_kept(db):
    luohe = titled(db, "璀璨")
    corrections = CorrectionsFile(db)
    first = corrections.set_title(luohe, "第一稿")
    corrections.set_title(first, "第二稿")
    path = corrections_path(db)
    assert path == db.with_name("library.json.corrections.json")
    with TinyDB(path, access_mode="r") as stock:
        [row] = stock.table("corrections").search(Query().id == luohe.id)
        assert row["title"] == "第二稿" and row["extracted_title"] == luohe.title
    with TinyDB(backup_path(path), access_mode="r") as stock:
        assert [row["title"] for row in stock.table("corrections").all()] == ["第一稿"]
    assert not list(path.parent.glob("*.tmp"))


def test_an_ingest_holding_the_library_lock_does_not_hold_up_a_correction(db):
    luohe = titled(db, "璀璨")
    with WriteLock(db, 0):  # what an ingest in another terminal holds for its whole run
        assert CorrectionsFile(db, lock_timeout=0.2).set_title(luohe, "照常保存").title == "照常保存"
    with WriteLock(corrections_path(db), 0), pytest.raises(FiveStarError, match="could not save your correction"):
        CorrectionsFile(db, lock_timeout=0.2).set_title(luohe, "等不到")
    assert titled(db, "照常保存").id == luohe.id


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        ("{not json", "not valid JSON"),
        ('{"corrections": {}}', "schema version is missing"),
        ('{"meta": {"1": {"schema": 1}}, "corrections": {"1": {"id": "x"}}}', "row '1' has no 'source'"),
        ('{"meta": {"1": {"schema": 1}}, "corrections": {"1": {"id": "x", "source": "a.txt", "first_line": 1, '
         '"opening": "", "city": "东京市", "region": "henan"}}}', "row '1' has a city and region"),
    ],
)
def test_a_damaged_corrections_file_is_one_line_and_the_library_still_opens(db, tmp_path, capsys, content, reason):
    luohe = titled(db, "璀璨")
    CorrectionsFile(db).set_title(luohe, "将被忽略")
    path = corrections_path(db)
    path.write_text(content, encoding="utf-8")
    with Library.open(db, create=False) as library:
        articles = library.articles()
        problem = library.corrections.problem
    assert problem is not None and "\n" not in problem
    assert str(path) in problem and "damaged" in problem and reason in problem
    assert titled(db, "璀璨").title == luohe.title and not any(a.corrected for a in articles)

    capsys.readouterr()
    rows = exported(db, tmp_path, "articles.csv")  # the command line works on, uncorrected, and says why
    assert len(rows) == len(articles)
    err = capsys.readouterr().err
    assert "damaged" in err and reason in " ".join(err.split()) and "Traceback" not in err
    assert main(["--db", str(db), "stats"]) == 0
    assert "your corrections are not applied" in " ".join(capsys.readouterr().err.split())
    with pytest.raises(FiveStarError, match="is damaged") as raised:  # and the person's file is never written over
        CorrectionsFile(db).set_junk(luohe, True)
    assert "\n" not in str(raised.value)
    assert path.read_text(encoding="utf-8") == content
