"""Place resolution rules, each on a sentence of the kind the seed pages hold."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from five_star.store.extraction.gazetteer import NameIndex
from five_star.store.extraction.places import (
    gazetteer,
    resolve_page_places,
    resolve_places,
    village_short_name,
)
from five_star.store.model import Article
from five_star.store.pipeline import extract_text
from five_star.store.query.browse import contradicting_places
from five_star.store.resources import ResourceError


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


def test_township_without_any_county_or_city_is_taken_only_when_unique_in_henan():
    assert [p.county for p in resolve_places("水屯镇党委书记发言").places] == ["驿城区"]
    assert resolve_places("大营镇党委书记发言").places == []  # 大营镇: several in Henan


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


def test_banner_never_decides_the_city_even_when_the_article_names_none():
    result = resolve_places("驻马店日报\n会议强调要抓好落实")
    assert (result.city, result.region, result.places) == (None, "unknown", [])


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


# ---- townships and villages named without their county (unique in Henan) ----------------------------------


@pytest.mark.parametrize(
    ("text", "township", "county", "city"),
    [
        ("西夏亭镇召开“五星”支部创建推进会", "西夏亭镇", "西华县", "周口市"),
        ("近日，磨头镇组织党员开展志愿服务", "磨头镇", "博爱县", "焦作市"),
        ("关津乡各村党支部书记参加观摩", "关津乡", "新蔡县", "驻马店市"),
        ("北林路街道召开“红色物业”推进会", "北林路街道", "金水区", "郑州市"),
    ],
)
def test_a_township_unique_in_henan_gives_its_county_and_city(text, township, county, city):
    result = resolve_places(text)
    assert [(p.name, p.level, p.county, p.city) for p in result.places] == [(township, "township", county, city)]
    assert (result.city, result.region) == (city, "henan")
    assert result.counties == []  # the county is where the township lies, not a county the text names


def test_an_ambiguous_township_alone_decides_nothing():
    assert len(gazetteer().township_rows("城关镇")) > 1
    result = resolve_places("城关镇召开会议")
    assert (result.places, result.city, result.region) == ([], None, "unknown")


def test_a_lone_township_never_outweighs_the_city_the_text_names():
    result = resolve_places("漯河市召开会议，西夏亭镇代表应邀介绍经验")
    assert result.city == "漯河市"
    assert ("西夏亭镇", "周口市") in [(p.name, p.city) for p in result.places]


def test_a_village_unique_in_henan_decides_the_city_when_nothing_else_does():
    result = resolve_places("走进琉璃沟村，村党支部书记介绍创建经验")
    assert [(p.name, p.level, p.county, p.city) for p in result.places] == [("琉璃沟村", "village", "禹州市", "许昌市")]
    assert result.city == "许昌市"


@pytest.mark.parametrize(
    "text",
    [
        "走进张庄村，满眼绿意",  # 张庄村: one of ~150 in Henan
        "全县的五星村越来越多",  # a star title, though Henan has one village called 五星村
        "争创五星村",
        "示范村建设如火如荼",
        "南琉璃沟村召开会议",  # not a word of its own: 南琉璃沟村 is not 琉璃沟村
    ],
)
def test_villages_that_are_repeated_ordinary_words_or_inside_a_longer_name_decide_nothing(text):
    result = resolve_places(text)
    assert (result.places, result.city) == ([], None)


def test_a_lone_village_in_another_city_than_the_text_settles_is_left_out():
    # 000's 汝南县老君庙镇小方村 is not in the gazetteer; Henan's one 小方村 lies in 商丘's 柘城县.
    result = resolve_places("驻马店市召开会议。“目前，小方村已建有各种大棚300多座”")
    assert result.city == "驻马店市"
    assert "小方村" not in names(result)


# ---- functional zones written without their city (C2) --------------------------------------------------


@pytest.mark.parametrize(
    ("text", "zone", "city"),
    [
        ("平原示范区师寨镇立足资源优势，把“五星”支部创建与蔬菜产业发展结合起来", "新乡市平原城乡一体化示范区", "新乡市"),
        ("平原城乡一体化示范区召开推进会", "新乡市平原城乡一体化示范区", "新乡市"),
        ("焦作示范区各村开展人居环境整治", "焦作城乡一体化示范区", "焦作市"),
        ("南阳示范区枣林街道夏营村", "南阳市城乡一体化示范区", "南阳市"),
        ("郑州经开区召开会议", "郑州经济技术开发区", "郑州市"),
        ("三门峡经济开发区召开会议", "河南三门峡经济开发区", "三门峡市"),
    ],
)
def test_a_functional_zone_without_its_city_is_a_place_but_not_a_county(text, zone, city):
    result = resolve_places(text)
    assert zone in names(result, "county")
    assert (result.city, result.counties) == (city, [])


def test_the_zone_city_before_it_picks_the_zone_not_the_airport_zone():
    assert names(resolve_places("漯河经开区召开会议"), "county") == ["漯河经济技术开发区"]


# ---- region: outside Henan ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "走进安徽省青阳县蓉城镇五星村，满眼绿意。五星村党支部书记介绍经验",
        "近日，杭州市余杭区发布“五星幸福体”指导意见",
        "浙江：“五星幸福体”建设见实效\n余杭区各社区……",
    ],
)
def test_an_article_about_a_place_outside_henan_has_no_city(text):
    title, _, body = text.rpartition("\n")
    result = resolve_places(body, title or None)
    assert (result.city, result.region, result.places) == (None, "outside", [])


def test_a_henan_name_after_another_province_and_its_units_is_not_the_henan_place():
    # Henan has one 五星村 (and a 蓉城镇 nowhere): after 安徽省青阳县蓉城镇 it is Anhui's.
    assert resolve_places("安徽省青阳县蓉城镇五星村").places == []


@pytest.mark.parametrize(
    "text",
    [
        "北京时间昨晚，漯河市召开“五星”支部创建推进会",
        "漯河市召开推进会。会上，曾在上海务工的返乡青年发言",
        "驻马店市组织642名村党支部书记赴延安、杭州等地参观学习",
        "新蔡县召开会议，吉林同志主持",  # a person, not 吉林省
        "从江苏省回到家乡漯河市创业",  # 家乡 is no unit of 江苏省: 漯河市 is not in 江苏
    ],
)
def test_places_outside_henan_in_passing_leave_the_henan_city(text):
    result = resolve_places(text)
    assert result.region == "henan"
    assert result.city is not None


def test_outside_needs_more_than_a_passing_body_mention():
    result = resolve_places("会议强调要抓好落实。" * 20 + "曾在上海务工的青年发言")
    assert (result.city, result.region) == (None, "unknown")


# ---- region: province-wide roundups (C3) -------------------------------------------------------------------

ROUNDUP = "记者近日先后走访了兰考县、新县、林州市等地。在兰考县，……；在新县，……；在林州市，……"


def test_a_roundup_of_several_cities_under_a_province_title_is_province_wide():
    result = resolve_places(ROUNDUP, "河南：“五星”支部建设两年见实效")
    assert (result.city, result.region) == (None, "province")
    assert result.counties == ["兰考县", "新县", "林州市"]  # the places stay listed


def test_no_city_with_half_the_weight_is_province_wide_even_without_a_title():
    assert resolve_places(ROUNDUP.replace("记者", "我省")).region == "province"
    result = resolve_places("漯河市、周口市、南阳市三地交流创建经验")
    assert (result.city, result.region) == (None, "province")


def test_a_province_title_without_any_city_is_province_wide():
    result = resolve_places("会议强调要抓好落实", "全省“五星”支部创建推进会召开")
    assert (result.city, result.region) == (None, "province")


def test_a_province_title_naming_a_city_keeps_the_city():
    result = resolve_places("会议在漯河市召开，与会人员观摩了舞阳县辛安镇", "全省“五星”支部创建现场会在漯河召开")
    assert (result.city, result.region) == ("漯河市", "henan")


def test_a_city_with_most_of_the_weight_stays_the_city():
    result = resolve_places("驻马店市召开会议，驿城区、汝南县作典型发言，组织赴兰考参观学习")
    assert (result.city, result.region) == ("驻马店市", "henan")


@pytest.mark.parametrize("credit", ["新华社发", "（新华社记者 李某 摄）", "王某 摄"])
def test_a_leading_photo_caption_gets_no_opening_weight(credit):
    text = f"图为兰考县村民在采摘。{credit}\n记者近日走访了信阳市新县，……" + "……" * 60 + "兰考县也有经验"
    assert resolve_places(text).city == "信阳市"
    # The same line as text (not leading) would weigh as the opening.
    assert resolve_places("记者近日走访了信阳市新县，兰考县，……\n" + text).city is not None


def test_page_context_never_overrides_a_region():
    items = [("周口市召开会议", "一"), (ROUNDUP, "河南：两年见实效"), ("走进安徽省青阳县蓉城镇五星村", "二"), ("图为现场。", None)]
    results = resolve_page_places(items)
    assert [(r.city, r.region) for r in results] == [
        ("周口市", "henan"), (None, "province"), (None, "outside"), ("周口市", "henan")
    ]


# ---- banners (C1) ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "banner",
    [
        "云上许昌\n扫码下载【云上许昌】APP\n许昌广播电视台官微",
        "扫码下载【云上许昌】APP，看更多许昌新闻，许昌本地资讯、许昌政务服务、许昌生活服务一网打尽",
        "许昌市建安区人民政府网",
        "许昌广播电视台官微",
    ],
)
def test_app_promotion_and_site_names_never_decide_the_city(banner):
    result = resolve_places(banner + "\n洛宁县下峪镇“五星”支部创建见闻：村里的变化大")
    assert result.city == "洛阳市"
    assert "许昌市" not in {p.city for p in result.places}


def test_a_banner_alone_leaves_the_article_unlocated():
    result = resolve_places("云上许昌\n扫码下载【云上许昌】APP\n村里召开会议，部署创建工作")
    assert (result.city, result.region) == (None, "unknown")


def test_an_ordinary_sentence_about_an_app_stays_text():
    assert resolve_places("许昌市群众扫码即可办理业务").city == "许昌市"


# ---- short forms across a title and a surname (K1) ---------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "新蔡县召开会议。县委常委、组织部部长葛某某出席会议并讲话。",
        "新蔡县召开会议，宣传部副部长葛某主持",
        "新蔡县召开会议，副县长垣某某出席",
        "新蔡县召开会议，县纪委书记葛某讲话",
    ],
)
def test_a_county_short_form_is_not_read_across_a_title_and_a_surname(text):
    result = resolve_places(text)
    assert result.counties == ["新蔡县"]
    assert result.city == "驻马店市"


def test_the_same_short_form_after_other_words_is_still_a_place():
    assert resolve_places("组织村干部赴长葛参观学习").counties == ["长葛市"]
    assert resolve_places("部长到长葛调研").counties == ["长葛市"]


# ---- places contradicting the article's city ---------------------------------------------------------------


def _article(city, text):
    located = resolve_places(text)
    return Article(id="x", source="x.txt", first_line=1, last_line=1, city=city, places=located.places)


def test_contradicting_places_are_county_level_places_of_another_city():
    article = _article("驻马店市", "驻马店市驿城区组织赴兰考县、濮阳市参观，平原示范区也来交流，西夏亭镇代表发言")
    assert [(p.name, p.city) for p in contradicting_places(article)] == [
        ("兰考县", "开封市"), ("新乡市平原城乡一体化示范区", "新乡市")
    ]


def test_nothing_contradicts_an_article_without_a_city_or_with_its_own_places_only():
    assert contradicting_places(_article(None, "兰考县召开会议")) == []
    assert contradicting_places(_article("漯河市", "漯河市舞阳县辛安镇郝庄村")) == []


def test_the_other_provinces_table_holds_every_province_but_henan_and_their_prefectures():
    from five_star.store.resources import other_divisions

    rows = other_divisions()
    assert sum(1 for d in rows if d.level == "province") == 30
    assert sum(1 for d in rows if d.level == "city") == 316
    assert not [d for d in rows if d.code.startswith("41") or d.name in ("市辖区", "县")]


def test_name_index_finds_the_longest_name_at_every_start():
    index = NameIndex({"漯河", "漯河市", "河市", "舞阳县", "阳县"}, "places.json")
    # Overlapping starts are all reported (scanning decides which to keep); a lone first character is not.
    assert list(index.longest("在漯河市舞阳县漯")) == [(1, "漯河市"), (2, "河市"), (4, "舞阳县"), (5, "阳县")]
    with pytest.raises(ResourceError, match=r"^data file places\.json: place name “豫” is too short"):
        NameIndex({"豫"}, "places.json")
