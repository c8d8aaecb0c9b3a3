"""Pages → items: the promises about lost and kept text (scores against gold are in test_pipeline_gold.py)."""

from __future__ import annotations

import re
from collections import defaultdict

import opencc
import pytest

from five_star.seeds import seed_paths
from five_star.store.pipeline import extract_text
from five_star.store.reading.read import read_page


@pytest.fixture(scope="module")
def pages():
    return {path.name: extract_text(path.read_text(encoding="utf-8"), path.name) for path in seed_paths()}


@pytest.fixture(scope="module")
def articles(pages):
    return [article for page in pages.values() for article in page.articles]


def test_every_nonblank_raw_line_is_in_one_item_or_removed_with_a_reason(pages):
    for page in pages.values():
        owner: dict[int, list[str]] = defaultdict(list)
        for article in page.articles:
            for n in range(article.first_line, article.last_line + 1):
                owner[n].append(article.id)
        for removed in page.removed:
            assert removed.reason
            owner[removed.line].append(f"removed: {removed.reason}")
        for n, line in enumerate(page.raw.split("\n"), start=1):
            if line.strip():
                assert len(owner[n]) == 1, (page.source, n, line, owner[n])


def test_boilerplate_is_removed_and_named(pages):
    reasons = {r.line: r.reason for r in pages["001_16e4797a334fea6c.txt"].removed}
    assert reasons == {
        1: "stray line outside the articles",  # the site's header: a company name above the breadcrumb
        3: "breadcrumb",
        51: "page control",
        52: "list of place names",
    }
    dup = {r.line: r.reason for r in pages["004_178525eb2afbfdc3.txt"].removed}
    assert dup[3] == "page banner"
    assert dup[121].startswith("scrape duplication of line 115")


def test_001_is_clean_simplified_text_with_only_flagged_losses(pages):
    (article,) = pages["001_16e4797a334fea6c.txt"].articles
    assert not re.search(r"\([a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü]+\)", article.text)
    t2s = opencc.OpenCC("t2s")
    assert t2s.convert(article.text) == article.text
    assert t2s.convert(article.title) == article.title
    lost = [r.split(":", 1)[1] for r in article.repairs if r.startswith("lost-digit:")]
    for match in re.finditer(r"\?", article.text):
        assert any(article.text.startswith(excerpt, match.start()) for excerpt in lost), article.text[match.start() - 5 :][:20]
    assert any(r.startswith("mojibake:敖衲甏") for r in article.repairs)
    assert "t2s" in article.repairs
    assert any(r.startswith("pinyin-annotations:") for r in article.repairs)


def test_002_bold_caption_is_collapsed(pages):
    captions = [a for a in pages["002_c583b74fb9e7868d.txt"].articles if a.kind == "photo"]
    assert captions[0].text == "志愿者为群众检查口腔。"
    assert captions[0].authors == ["姬慧洋"]
    assert any(r.startswith("doubled-chars:") for r in captions[0].repairs)


def test_hard_wrapped_figures_are_rejoined(pages):
    text = pages["002_c583b74fb9e7868d.txt"].articles[0].text
    assert "科研服务机构14家" in text
    assert "带动就业1.7万人次" in text
    assert "2023 年" not in text


def test_scrambled_layout_reads_in_order(pages):
    article = pages["003_3fbd24c012b4a8be.txt"].articles[0]
    assert article.text.startswith("近年来，驻马店市驿城区坚持党建引领")
    assert "选优配强乡镇的党政正职，调整加强了服务脱贫攻坚工作任务较重的20余个单位领导班子" in article.text


def test_raw_page_is_kept_and_ids_are_stable(pages):
    for path in seed_paths():
        page = pages[path.name]
        assert page.raw == path.read_text(encoding="utf-8")
        again = extract_text(page.raw, path.name)
        assert [a.id for a in again.articles] == [a.id for a in page.articles]
    ids = [a.id for p in pages.values() for a in p.articles]
    assert len(set(ids)) == len(ids)


def test_dates_take_the_page_year_only_when_stated():
    page = extract_text("## 某县 召开会议\n\n2024年2月15日，某县召开会议。2月16日继续，年度目标完成。\n", "x.txt")
    (article,) = page.articles
    assert [(d.text, d.year, d.month, d.day) for d in article.dates] == [
        ("2024年2月15日", 2024, 2, 15),
        ("2月16日", 2024, 2, 16),
    ]


@pytest.mark.parametrize("encoding", ["gb18030", "utf-16", "utf-8-sig"])
def test_other_encodings_give_the_same_articles(tmp_path, pages, encoding):
    for path in seed_paths():
        target = tmp_path / encoding / path.name
        target.parent.mkdir(exist_ok=True)
        target.write_bytes(path.read_text(encoding="utf-8").encode(encoding))
        raw = read_page(target)
        again = extract_text(raw.text, raw.source)
        assert [a.to_dict() for a in again.articles] == [a.to_dict() for a in pages[path.name].articles]


def test_big5_traditional_page_matches_its_utf8_original(tmp_path):
    s2t = opencc.OpenCC("s2t")
    source = seed_paths()[4].read_text(encoding="utf-8")
    traditional = "".join(ch for ch in s2t.convert(source) if _big5_ok(ch))
    (tmp_path / "big5").mkdir()
    (tmp_path / "utf8").mkdir()
    (tmp_path / "big5" / "page.txt").write_bytes(traditional.encode("big5"))
    (tmp_path / "utf8" / "page.txt").write_text(traditional, encoding="utf-8")
    big5 = read_page(tmp_path / "big5" / "page.txt")
    utf8 = read_page(tmp_path / "utf8" / "page.txt")
    assert big5.encoding == "big5"
    from_big5 = extract_text(big5.text, big5.source)
    from_utf8 = extract_text(utf8.text, utf8.source)
    assert [a.to_dict() for a in from_big5.articles] == [a.to_dict() for a in from_utf8.articles]
    assert len(from_big5.articles) == 11
    assert from_big5.articles[0].title == "许昌市建安区将官池镇 村庄环境美 就业渠道多"


def _big5_ok(ch: str) -> bool:
    try:
        ch.encode("big5")
        return True
    except UnicodeEncodeError:
        return False


def test_a_wrap_that_fell_on_a_blank_line_is_joined(pages):
    texts = "\n".join(a.text for a in pages["002_c583b74fb9e7868d.txt"].articles)
    assert "\n发展是党执政兴国的第一要务。示范区围绕这个第一要务" in texts
    assert "第一要\n" not in texts


def test_the_article_s_own_photo_caption_stands_apart_from_its_text(pages):
    (article,) = pages["001_16e4797a334fea6c.txt"].articles
    assert article.captions == ["图①漯河市城乡一体化示范区黑龙舵老应村党群服务中心。（王远 摄）"]
    assert article.text.startswith("盛夏时节")
    assert "王远" in article.authors


def test_a_kicker_under_the_headline_is_neither_title_nor_text(pages):
    article = next(a for a in pages["002_c583b74fb9e7868d.txt"].articles if a.first_line == 340)
    assert article.title == "践行新时代“枫桥经验”推动矛盾纠纷源头化解"
    assert article.kicker == "示范区纪委监察工委"
    assert article.text.startswith("近期，市城乡一体化示范区纪委监察工委")
