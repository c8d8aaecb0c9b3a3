"""Place resolution rules, each on a sentence of the kind the seed pages hold."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from five_star.store.extraction.places import (
    gazetteer,
    resolve_page_places,
    resolve_places,
    village_short_name,
)
from five_star.store.pipeline import extract_text


def names(result, level=None):
    return [p.name for p in result.places if level is None or p.level == level]


@pytest.mark.parametrize(
    ("text", "city", "counties"),
    [
        ("漯河市委书记到舞阳县调研", "漯河市", ["舞阳县"]),
        ("漯河全域开展创建，舞阳14个村结成对子", "漯河市", ["舞阳县"]),
        ("组织村党支部书记赴兰考参观学习", "开封市", ["兰考县"]),
        ("邓州市财富世家社区召开会议", "南阳市", ["邓州市"]),
        ("汝州市大力实施育苗计划", "平顶山市", ["汝州市"]),
        ("到邓州考察", "南阳市", ["邓州市"]),
        ("博爱县清化镇街道组织夜话活动", "焦作市", ["博爱县"]),
    ],
)
def test_full_and_short_forms_resolve_to_city(text, city, counties):
    result = resolve_places(text)
    assert result.city == city
    assert result.counties == counties


def test_short_name_of_a_city_beats_the_county_of_the_same_name():
    result = resolve_places("组织书记赴濮阳参观学习")
    assert result.city == "濮阳市"
    assert result.counties == []  # 濮阳县 is written in full when meant


def test_district_short_form_needs_its_city_in_the_article():
    assert resolve_places("郾城的发展日新月异").counties == []
    assert resolve_places("漯河市各区县中，郾城发展最快").counties == ["郾城区"]


@pytest.mark.parametrize(
    ("alias", "city"),
    [("天中大地处处新景", "驻马店市"), ("沙澧大地处处呈现美好景象", "漯河市"), ("鹰城百姓", "平顶山市")],
)
def test_city_aliases(alias, city):
    assert resolve_places(alias).city == city


def test_county_alias_and_former_name_give_the_official_name():
    assert resolve_places("许昌县将官池镇").counties == ["建安区"]
    assert resolve_places("管城区的社区").counties == ["管城回族区"]
    assert resolve_places("漯河市源汇新区坚持五星领航").counties == ["源汇区"]


def test_functional_zone_is_resolved_by_the_city_before_it_and_is_not_a_county():
    result = resolve_places("南阳市城乡一体化示范区召开会议")
    assert result.city == "南阳市"
    assert result.counties == []
    assert [(p.name, p.code) for p in result.places] == [("南阳市城乡一体化示范区", "411372")]


def test_bare_zone_takes_the_article_city():
    result = resolve_places("市城乡一体化示范区召开会议。会上，南阳市有关负责人讲话")
    assert "南阳市城乡一体化示范区" in names(result)
    assert result.counties == []


def test_zone_of_a_city_without_a_gazetteer_row_adds_no_place():
    result = resolve_places("漯河市城乡一体化示范区黑龙潭镇老应村")
    assert result.city == "漯河市"
    assert names(result, "county") == []


def test_zone_written_as_alias():
    result = resolve_places("航空港区新开工项目12个")
    assert result.city == "郑州市"
    assert result.counties == []
    assert names(result) == ["郑州航空港经济综合实验区"]


@pytest.mark.parametrize(
    "text",
    ["创新乡村治理模式", "打造一批示范县", "构建安全格局", "今天中午开会", "新华社记者报道", "坚持解放思想", "中原大地春意浓"],
)
def test_short_forms_inside_ordinary_words_are_not_places(text):
    result = resolve_places(text)
    assert result.places == []
    assert result.city is None


@pytest.mark.parametrize("text", ["南京鼓楼区的分店", "福建省鼓楼区鼓楼医院", "石家庄市新华区"])
def test_same_name_outside_henan_is_not_the_henan_unit(text):
    assert resolve_places(text).places == []


@pytest.mark.parametrize("text", ["组织干部赴延安参观学习", "先后两次赴杭州学习先进地区工作经验"])
def test_places_outside_henan_never_become_city(text):
    assert resolve_places(text).city is None


def test_henan_city_wins_over_a_study_tour_outside_henan():
    text = "驻马店市组织642名村党支部书记赴延安、杭州等地参观学习"
    assert resolve_places(text).city == "驻马店市"


def test_ambiguous_township_needs_its_county():
    assert names(resolve_places("城关镇召开会议")) == []
    # 洛阳 has several 城关镇: the city alone does not settle which.
    assert names(resolve_places("洛阳市城关镇召开会议"), "township") == []
    result = resolve_places("嵩县城关镇召开会议")
    assert [(p.name, p.code, p.county) for p in result.places if p.level == "township"] == [
        ("城关镇", "410325100", "嵩县")
    ]


def test_township_settled_by_city_when_unique_in_it():
    result = resolve_places("驻马店市召开会议，水屯镇党委书记发言")
    township = [p for p in result.places if p.level == "township"]
    assert [(p.name, p.county, p.city) for p in township] == [("水屯镇", "驿城区", "驻马店市")]


def test_township_without_any_county_or_city_is_not_guessed():
    assert resolve_places("水屯镇党委书记发言").places == []


def test_village_needs_its_township_or_county():
    assert resolve_places("走进郝庄村，满眼绿意").places == []
    result = resolve_places("走进舞阳县辛安镇郝庄村，满眼绿意")
    village = [p for p in result.places if p.level == "village"]
    assert [(p.name, p.county, p.city) for p in village] == [("郝庄村", "舞阳县", "漯河市")]
    assert village[0].code.startswith("411121104")


def test_village_name_must_start_a_word():
    # 南石庄村 is not 石庄村, even though 建安区 has a 石庄村.
    result = resolve_places("许昌市建安区将官池镇南石庄村不断加强文化广场建设")
    assert names(result, "village") == []


def test_title_and_opening_outweigh_the_body():
    text = "近日，漯河市郾城区开展活动。\n" + "活动中，平顶山市的专家、信阳市的专家进行了交流。" * 1
    assert resolve_places(text, title="漯河市郾城区 弘扬榜样力量").city == "漯河市"
    body_only = "近日召开会议。" * 30 + "平顶山市、平顶山市专家与漯河市专家交流"
    assert resolve_places(body_only, title="漯河市 召开会议").city == "漯河市"


def test_banner_does_not_decide_the_city():
    text = "驻马店日报\n首页 >> 新闻 >> 驻马店\n漯河市郾城区召开五星支部创建推进会"
    result = resolve_places(text)
    assert result.city == "漯河市"
    assert "驻马店市" not in names(result)


def test_banner_is_a_fallback_when_the_article_names_no_city():
    assert resolve_places("驻马店日报\n会议强调要抓好落实").city == "驻马店市"


def test_context_city_only_when_the_article_names_no_place():
    assert resolve_places("志愿者为群众检查口腔。", context_city="周口市").city == "周口市"
    assert resolve_places("志愿者为群众检查口腔。", context_city="周口").city == "周口市"
    assert resolve_places("志愿者为群众检查口腔。").city is None
    assert resolve_places("漯河市开展活动", context_city="周口市").city == "漯河市"
    assert resolve_places("志愿者检查口腔", context_city="杭州市").city is None


def test_page_city_is_what_most_items_are_about():
    items = [("周口市召开会议", "一"), ("周口市开展活动", "二"), ("漯河市来人", "三"), ("图为表彰大会现场。", None)]
    results = resolve_page_places([(text, title) for text, title in items])
    assert [r.city for r in results] == ["周口市", "周口市", "漯河市", "周口市"]


def test_page_city_tie_goes_to_the_first_city_and_no_city_leaves_items_alone():
    tie = resolve_page_places([("图为表彰大会现场。", None), ("漯河市来人", "一"), ("周口市召开会议", "二")])
    assert [r.city for r in tie] == ["漯河市", "漯河市", "周口市"]
    assert [r.city for r in resolve_page_places([("图为表彰大会现场。", None)])] == [None]


def test_the_pipeline_locates_through_the_page():
    page = "## 周口市召开创建会议\n\n周口市召开会议，部署“五星”支部创建工作。会议要求各县区抓好落实。\n\n图为表彰大会现场。（记者 王远 摄）\n"
    articles = extract_text(page, "p.txt").articles
    expected = resolve_page_places([(a.text, a.title) for a in articles])
    assert [(a.city, a.counties, a.places) for a in articles] == [(r.city, r.counties, r.places) for r in expected]
    assert articles[-1].city == "周口市"


def test_place_fields():
    result = resolve_places("舞阳县辛安镇")
    assert [p.to_dict() for p in result.places] == [
        {"name": "舞阳县", "level": "county", "code": "411121", "city": "漯河市", "county": "舞阳县"},
        {"name": "辛安镇", "level": "township", "code": "411121104", "city": "漯河市", "county": "舞阳县"},
    ]


def test_counties_in_order_of_first_mention_title_first():
    result = resolve_places("上蔡县在发展；汝南县老君庙镇", title="驻马店市驿城区 召开会议")
    assert result.counties == ["驿城区", "上蔡县", "汝南县"]


def test_jiyuan_is_a_city_not_a_county():
    result = resolve_places("济源市克井镇召开会议")
    assert result.city == "济源市"
    assert result.counties == []
    assert [(p.name, p.level, p.county) for p in result.places] == [("济源市", "city", None), ("克井镇", "township", "济源市")]


def test_hard_wrapped_pdf_spaces_between_characters_are_ignored():
    assert resolve_places("周口 市召开会议").city == "周口市"


@pytest.mark.parametrize(
    ("official", "short"),
    [
        ("王庄村村民委员会", "王庄村"),
        ("王庄村委会", "王庄村"),
        ("西营村民委员会", "西营村"),
        ("漓江路社区居民委员会", "漓江路社区"),
        ("御井居委会", "御井社区"),
        ("杨岗村村民委员会（新乡市古龙实业公司））", "杨岗村"),
    ],
)
def test_village_short_names(official, short):
    assert village_short_name(official) == short


def test_longest_name_wins_and_scanning_goes_on_after_it():
    result = resolve_places("平顶山市城乡一体化示范区和平顶山市湛河区、舞阳县")
    assert [p.name for p in result.places] == ["平顶山市城乡一体化示范区", "平顶山市", "湛河区", "舞阳县"]


def test_gazetteer_holds_every_unit():
    gaz = gazetteer()
    levels = {}
    for unit in gaz.units.values():
        levels[unit.level] = levels.get(unit.level, 0) + 1
    assert levels == {"city": 18, "county": 181, "township": 2586, "village": 52329}


def test_never_raises_on_odd_text():
    for text in ["", "\n\n", "村", "社区社区", "市城乡一体化示范区", "河南", "a" * 1000, "县" * 50]:
        resolve_places(text, title=text)


def test_jianan_short_form_in_a_xuchang_article():
    result = resolve_places("许昌市召开会议。建安将官池镇董庄村村民幸福感持续提升")
    assert result.counties == ["建安区"]
    assert "将官池镇" in names(result, "township")
    assert resolve_places("构建安全格局，许昌市各县区行动").counties == []


_PLACE_CHARS = "漯河市舞阳县郾城区辛安镇郝庄村驻马店天中示范县构建安全今天中午城关镇社区新乡村河南省南京鼓楼“”、，。\n "


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from(list(_PLACE_CHARS)), max_size=80), st.one_of(st.none(), st.text(max_size=20)))
def test_any_text_gives_a_consistent_result(text, title):
    result = resolve_places(text, title)
    assert set(result.counties) <= {p.name for p in result.places}
    # No banner or context here, so the city is always one of the places found.
    assert result.city is None or result.city in {p.city for p in result.places}
    assert all(p.code.startswith("41") for p in result.places)
