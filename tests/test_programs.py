"""Programs, star categories and star tallies: each rule on sentences like the seed pages'."""

from __future__ import annotations

import json
import shutil
from importlib.resources import as_file

import pytest
from hypothesis import given
from hypothesis import strategies as st

from five_star.store import resources
from five_star.store.extraction.programs import (
    find_programs,
    find_star_counts,
    find_stars,
    labels,
    program_evidence,
    trigger_words,
)

LABELS = ["五星支部创建", "红色物业", "乡村振兴", "脱贫攻坚", "人居环境整治", "基层治理", "网格化管理", "人才工作",
          "党员教育", "志愿服务", "文明创建", "集体经济", "平安建设"]  # fmt: skip

FILLER = "会议要求，各级各部门要提高政治站位，压实工作责任，确保各项任务落到实处。" * 5  # no trigger words


def test_all_thirteen_labels_in_the_documented_order():
    assert labels() == LABELS


def test_labels_come_back_in_set_order_not_text_order():
    text = FILLER + "持续开展志愿服务活动，志愿者走进社区。扎实推进“五星”支部创建，“五星”支部创建成效明显。"
    assert find_programs(text) == ["五星支部创建", "志愿服务"]


def test_passing_mention_is_not_a_label():
    text = FILLER + "与脱贫攻坚、美丽乡村等重点工作有机结合，促进了乡村振兴。"
    assert "乡村振兴" not in find_programs(text)


def test_work_described_is_a_label():
    text = FILLER + "写好乡村振兴这篇大文章，把基层党组织打造成乡村振兴的桥头堡，使之成为乡村振兴的主力军。"
    assert "乡村振兴" in find_programs(text)


def test_agency_name_is_not_the_program():
    # 市乡村振兴局 is an agency taking part, not rural-revitalisation work.
    text = FILLER + "牵头市自然资源和规划局、市农业农村局、市乡村振兴局、市乡村振兴局等9家单位"
    assert program_evidence(text)["乡村振兴"].score == 0


def test_quotes_and_spaces_do_not_break_trigger_words():
    text = FILLER + "示范区培育 1 个“红色\n物业 ”省级示范点、13 个“红色物业”市级示范点"
    assert "红色物业" in find_programs(text)


def test_title_counts_more_than_the_body():
    text = FILLER + "推进人居环境整治。"
    assert "人居环境整治" in find_programs(text)
    assert program_evidence(text, title="人居环境整治见成效")["人居环境整治"].score > program_evidence(text)["人居环境整治"].score


def test_short_caption_needs_one_trigger():
    assert find_programs("志愿者为群众检查口腔。") == ["志愿服务"]
    assert find_programs("健康扶贫下乡来。") == ["脱贫攻坚"]
    assert find_programs("图为表彰大会现场。") == []


def test_longest_trigger_counts_once():
    # 脱贫攻坚 is one mention, not 脱贫攻坚 + 脱贫.
    assert program_evidence(FILLER + "脱贫攻坚")["脱贫攻坚"].score == 2


def test_labels_and_triggers_are_data(tmp_path, monkeypatch):
    with as_file(resources.DATA) as bundled:
        shutil.copytree(bundled, tmp_path / "data")
    rules = tmp_path / "data" / "programs.json"
    data = json.loads(rules.read_text(encoding="utf-8"))
    data["programs"].append({"label": "垃圾分类", "threshold": 1, "triggers": {"垃圾分类": 1}})
    rules.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    monkeypatch.setattr(resources, "DATA", tmp_path / "data")
    resources.reload()
    try:
        assert "垃圾分类" in find_programs(FILLER + "小区开展垃圾分类宣传")
    finally:
        monkeypatch.undo()
        resources.reload()
    assert "垃圾分类" not in labels()


def test_trigger_words_listed_for_the_dictionary():
    words = trigger_words()
    assert "红色物业" in words and "人居环境" in words


def padded(sentence: str) -> str:
    """A sentence inside a normal-length article, so the short-text rule does not apply."""
    return FILLER + sentence + FILLER


def test_p1_a_framing_clause_is_no_label():
    # P1: the campaign as 总抓手 and 推动乡村振兴 as its aim describe no work under either.
    clause = "村党支部把“五星”支部创建作为总抓手,推动乡村振兴。"
    assert find_programs(padded(clause)) == []
    work = "村里对照“五星”支部创建标准逐项整改，召开评星会议，今年被评定为“四星”支部。"
    assert find_programs(padded(clause + work)) == ["五星支部创建"]


@pytest.mark.parametrize(
    "clause",
    [
        "镇里以“五星”支部创建为引领，扎实推进各项工作。",
        "五星支部创建工作开展以来，村里面貌一新。",
        "为推动乡村振兴注入活力，照亮乡村振兴路。",
        "不断完善基层治理体系，提升基层治理能力。",
        "观摩团实地察看了人居环境整治、产业发展情况。",
        "小吴村先后获得县级文明村、先进基层党组织等荣誉称号。",
    ],
)
def test_frames_banners_aims_and_topics_count_for_nothing(clause):
    assert all(e.score == 0 for e in program_evidence(padded(clause)).values()), clause


def test_one_passing_mention_of_a_two_mention_program_is_no_label():
    assert "志愿服务" not in find_programs(padded("党员亮身份、明责任，志愿服务送上门。"))
    assert "志愿服务" in find_programs(padded("党员亮身份、明责任，志愿服务送上门。志愿者每周为老人打扫卫生。"))


@pytest.mark.parametrize(
    ("sentence", "label"),
    [
        # P2, each padded into a normal-length article
        ("某村开展星级文明户、好媳妇好婆婆评选,设立道德积分超市,文明新风吹遍村庄。", "文明创建"),
        ("村两委带领群众打造五美庭院,清理房前屋后卫生死角,如今村里处处干净整洁。", "人居环境整治"),
        ("巾帼服务队的20名队员轮流义务劳动,每天为高龄老人送餐上门。", "志愿服务"),
        ("围绕平安法治星,村里组建治安巡逻队,扎实开展“三零”村创建。", "平安建设"),
        # variants: the same work in other words
        ("村里评选十星文明户，设立道德银行，开展道德评议，移风易俗蔚然成风。", "文明创建"),
        ("党员带头清理卫生死角，拆除残垣断壁，打造美丽庭院。", "人居环境整治"),
        ("青年志愿者服务队开展公益劳动，义务为孤寡老人理发。", "志愿服务"),
        ("村里成立矛盾纠纷调解室，组织党员治安巡逻，推进“三零”创建。", "平安建设"),
    ],
)
def test_p2_lexicon(sentence, label):
    assert label in find_programs(padded(sentence)), sentence


@pytest.mark.parametrize(
    ("sentence", "label"),
    [
        ("围绕“生态宜居星”，村里每周组织环境卫生大扫除，清理垃圾杂物30余吨。", "人居环境整治"),
        ("平安法治星创建中，村里组建巡逻队夜间巡逻，调解邻里矛盾纠纷12起。", "平安建设"),
        ("对照“文明幸福星”，村里推进移风易俗，开展道德评议，评选星级文明户。", "文明创建"),
        ("争创“产业兴旺星”，村集体流转土地300亩，村集体收入达到15万元。", "集体经济"),
    ],
)
def test_work_under_a_star_counts_for_its_program_not_the_campaign(sentence, label):
    found = find_programs(padded(sentence))
    assert label in found and "五星支部创建" not in found, (sentence, found)


def test_a_list_of_the_five_stars_is_no_work_under_them():
    text = padded("在创建产业兴旺星、生态宜居星、平安法治星、文明幸福星、支部过硬星方面持续发力。")
    assert find_programs(text) == []


def test_charity_is_not_poverty_alleviation():
    assert program_evidence(padded("扶贫济困送温暖，帮扶济困献爱心。"))["脱贫攻坚"].score == 0


# --- star categories -------------------------------------------------------------------------------


def test_known_star_categories_in_order():
    text = "“产业兴旺星这一项，西营村集体同双汇对接。808个村基本符合“生态宜居星”创建条件"
    assert find_stars(text) == ["产业兴旺星", "生态宜居星"]


def test_local_variant_categories_when_quoted_or_after_a_verb():
    assert find_stars("社区创建“共建共享星”“宜业兴业星”") == ["共建共享星", "宜业兴业星"]
    assert find_stars("今年争创绿色发展星") == ["绿色发展星"]
    assert find_stars("争创“数字赋能星”") == ["数字赋能星"]


def test_urban_community_stars_and_names_split_by_quotes():
    # S1/S2: 幸福和谐星 holds 和, which no unknown name may; 生态宜居“星” is one name split by quotes.
    assert find_stars("社区以创建“幸福和谐星”为抓手,还点亮了生态宜居“星”。") == ["幸福和谐星", "生态宜居星"]
    assert find_stars("争创“共建共享”星和宜业兴业 星，“平安法治”“星”同步推进") == ["共建共享星", "宜业兴业星", "平安法治星"]


def test_tiers_honours_and_place_names_are_not_categories():
    for text in [
        "全市创建“五星”支部70个、“四星”支部387个",
        "舞阳县14个争创五星、四星的“强村”与53个创建一星、二星的“弱村”结成对子",
        "评选“十星文明户”120户",
        "三星花园小区居民",
        "“天桥义工”是一颗闪亮的明星",
        "获评“服务之星”",
    ]:
        assert find_stars(text) == [], text


# --- star tallies ----------------------------------------------------------------------------------


def tallies(text):
    found = find_star_counts(text)
    for tally in found:
        assert tally.text in text
    return [(t.tier, t.count) for t in found]


def test_tier_first_tallies():
    text = "目前，全市创建“五星”支部70个、“四星”支部387个，“三星”支部1095个……"
    assert tallies(text) == [(5, 70), (4, 387), (3, 1095)]


def test_count_first_tally():
    text = "去年，漯河市有16个村(社区)获评省2022年度“五星”支部，漓江路社区党支部也榜上有名。"
    assert tallies(text) == [(5, 16)]
    assert find_star_counts(text)[0].text.startswith("16个村(社区)获评")


def test_rural_and_urban_tallies_both_counted():
    text = "全县农村“五星”支部12个，城市社区“五星”党支部3个，“四星”社区达到9个。"
    assert tallies(text) == [(5, 12), (5, 3), (4, 9)]


def test_chinese_numeral_counts_and_spaces():
    assert tallies("评定“五星 ”支部二十个") == [(5, 20)]
    assert tallies("“四星”支部 387 个") == [(4, 387)]


def test_mixed_tiers_categories_and_honours_are_not_tallies():
    for text in [
        "舞阳县14个争创五星、四星的“强村”与53个创建一星、二星的“弱村”结成对子",
        "漯河市808个村基本符合“生态宜居星”创建条件",
        "全镇评选“十星文明户”120户",
        "三星花园小区2个单元",
        "“五星”、“四星”支部共120个",
        "全省首批“五星”支部",
        "“五星”支部创建重点工作涉及全市1269个行政村",
    ]:
        assert tallies(text) == [], text


@given(st.text(alphabet=st.sampled_from(list("“”五四三星支部村社区个获评创建12340、，。 \n十争花园")), max_size=60))
def test_tally_text_is_always_a_substring(text):
    for tally in find_star_counts(text):
        assert tally.text in text
        assert 1 <= tally.tier <= 5


@given(st.text(max_size=200))
def test_never_raises(text):
    find_programs(text, title=text[:10])
    find_stars(text)
    find_star_counts(text)
