"""find_figures: one test per rule, the data files taken at their word, and a property test over any text."""

from __future__ import annotations

import json
import subprocess
import sys
from importlib.resources import files

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from five_star.store import resources
from five_star.store.extraction.figures import find_figures, parse_number, plain_forms


def found(text: str) -> list[tuple]:
    """(text, value, unit, qualifier) of each figure, checking the offsets on the way."""
    out = []
    for f in find_figures(text):
        assert text[f.start : f.end] == f.text
        out.append((f.text, f.value, f.unit, f.qualifier))
    return out


def only(text: str):
    figures = find_figures(text)
    assert len(figures) == 1, figures
    return figures[0]


def data_rows(name: str) -> list[list[str]]:
    text = (files("five_star.store") / "data" / name).read_text(encoding="utf-8")
    return [line.split("\t") for line in text.splitlines() if line.strip() and not line.startswith("#")]


# --- numbers and scale words --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, expected",
    [
        ("投资985万元", ("985万元", 9850000, "元", None)),
        ("带动就业1.7万人次", ("1.7万人次", 17000, "人次", None)),
        ("5.23万个", ("5.23万个", 52300, "个", None)),
        ("总投资1.2亿元", ("1.2亿元", 120000000, "元", None)),
        ("共2,954名", ("2,954名", 2954, "名", None)),
        ("一百二十八万元", ("一百二十八万元", 1280000, "元", None)),
        ("村室大院两个，", ("两个", 2, "个", None)),
        ("先后三次", ("三次", 3, "次", None)),
        ("东芝另需1万亿日元", ("1万亿日元", 1000000000000, "日元", None)),
        ("１２３４５元", ("１２３４５元", 12345, "元", None)),
        ("兩千六百萬元", ("兩千六百萬元", 26000000, "元", None)),
    ],
)
def test_numbers_and_scale_words(text, expected):
    assert found(text) == [expected]


def test_values_are_exact_not_float_noise():
    assert only("5.23万个").value == 52300 and isinstance(only("5.23万个").value, int)
    assert only("占比73.39%").value == 73.39


def test_scale_word_after_qualifier():
    assert found("二十多万人") == [("二十多万人", 200000, "人", "多")]
    assert found("12.6万余人次") == [("12.6万余人次", 126000, "人次", "余")]
    assert found("百余万元") == [("百余万元", 1000000, "元", "余")]


def test_bare_scale_word_counts_things_but_not_idioms():
    assert found("百个先锋党支部、千名尖兵党员、带动万名党员") == [
        ("百个", 100, "个", None),
        ("千名", 1000, "名", None),
        ("万名", 10000, "名", None),
    ]
    assert found("投资近千万元") == [("近千万元", 10000000, "元", "近")]
    assert found("千年古镇，百米冲刺") == []


def test_parse_number_rejects_lists_codes_and_zero():
    assert parse_number("一二三") is None
    assert parse_number("二〇二三") is None
    assert parse_number("零") is None
    assert parse_number("万万") is None
    assert parse_number("一百一十一点一一二") == parse_number("111.112")


# --- ranges ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, value, value_max, unit",
    [
        ("四五万袋", 40000, 50000, "袋"),
        ("3至5个", 3, 5, "个"),
        ("3-5个", 3, 5, "个"),
        ("二三十人", 20, 30, "人"),
        ("两到三万港元", 20000, 30000, "港元"),
        ("十八至三十万日元", 180000, 300000, "日元"),
        ("1万元--5万元", 10000, 50000, "元"),
        ("1万(含)-5万元", 10000, 50000, "元"),
        ("报账金额在1 万(含)-5 万元之间", 10000, 50000, "元"),
        ("5%-10%", 5, 10, "%"),
        ("百分之五到百分之十", 5, 10, "%"),
    ],
)
def test_ranges(text, value, value_max, unit):
    figure = only(text)
    assert (figure.value, figure.value_max, figure.unit) == (value, value_max, unit)
    assert figure.to_dict()["value_max"] == value_max


def test_a_backwards_range_is_two_figures():
    assert found("约2.5亿年~6500万年") == [("约2.5亿年", 250000000, "年", "约"), ("6500万年", 65000000, "年", None)]


def test_single_values_have_no_value_max_key():
    assert "value_max" not in only("3个").to_dict()


# --- percentages -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, value",
    [("占比73.39%", 73.39), ("百分之五十", 50), ("百分之百", 100), ("千分之2.4", 0.24), ("九成", 90), ("２２％", 22)],
)
def test_percentages(text, value):
    figure = only(text)
    assert (figure.value, figure.unit, figure.kind) == (value, "%", "percent")


@pytest.mark.parametrize(
    "text, value",
    [("打八折", 80), ("9.9折", 99), ("三点一折", 31), ("兩折", 20), ("五五折", 55), ("75折", 75), ("一折", 10)],
)
def test_discounts_are_tenths_of_the_price(text, value):
    figure = only(text)
    assert (figure.value, figure.unit, figure.kind) == (value, "%", "percent")


def test_not_discounts():
    assert find_figures("十折") == []  # ten tenths is the full price
    assert find_figures("这一折腾") == []
    assert find_figures("三折叠屏") == []
    assert find_figures("一波三折") == []
    assert only("七到八折").value_max == 80


def test_tenths_with_a_half():
    assert found("三成半") == [("三成半", 35, "%", None)]


def test_percentage_points_and_bounds():
    assert found("提高3个百分点") == [("3个百分点", 3, "百分点", None)]
    assert found("50%以上") == [("50%以上", 50, "%", "以上")]
    assert found("百分之七十百分位") == [("百分之七十", 70, "%", None)]


def test_fractions_are_percentages():
    assert found("三分之一，五百分之2.2") == [("三分之一", 33.33, "%", None), ("五百分之2.2", 0.44, "%", None)]
    assert found("百万分之五") == [("百万分之五", 0.0005, "%", None)]


# --- qualifiers --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, expected",
    [
        ("300多座", ("300多座", 300, "座", "多")),
        ("20余个", ("20余个", 20, "个", "余")),
        ("近10万人次", ("近10万人次", 100000, "人次", "近")),
        ("约1500万元", ("约1500万元", 15000000, "元", "约")),
        ("超过6000人", ("超过6000人", 6000, "人", "超过")),
        ("不少于1次", ("不少于1次", 1, "次", "以上")),
        ("80分及以上", ("80分及以上", 80, "分", "以上")),
        ("5万元以上", ("5万元以上", 50000, "元", "以上")),
        ("50万元（含）以上", ("50万元（含）以上", 500000, "元", "以上")),
        ("30岁左右", ("30岁左右", 30, "岁", "左右")),
        ("两年多", ("两年多", 2, "年", "多")),
        ("3个多小时", ("3个多小时", 3, "小时", "多")),
    ],
)
def test_qualifiers(text, expected):
    assert found(text) == [expected]


def test_qualifier_words_inside_other_words_are_not_qualifiers():
    assert found("预约3次") == [("3次", 3, "次", None)]
    assert found("附近5个") == [("5个", 5, "个", None)]


def test_every_qualifier_is_in_the_documented_set():
    # article-json.md's values, and 以下 for upper bounds, which the module docstring documents
    allowed = {"多", "余", "近", "约", "以上", "超过", "左右", "以下"}
    assert {row[1] for row in data_rows("qualifiers.tsv")} <= allowed


@pytest.mark.parametrize(
    "text, expected",
    [
        ("不到1.9万台币", ("不到1.9万台币", 19000, "新台币", "以下")),
        ("小于40万元", ("小于40万元", 400000, "元", "以下")),
        ("不足5%", ("不足5%", 5, "%", "以下")),
        ("18岁以下", ("18岁以下", 18, "岁", "以下")),
        ("5公里以内", ("5公里以内", 5, "公里", "以下")),
        ("最多3人", ("最多3人", 3, "人", "以下")),
        ("不超过5人", ("不超过5人", 5, "人", "以下")),  # not 超过: the longer word wins
        ("超过5人", ("超过5人", 5, "人", "超过")),
    ],
)
def test_upper_bounds(text, expected):
    assert found(text) == [expected]


def test_an_upper_bound_word_inside_another_word_is_not_one():
    assert found("想不到3个") == [("3个", 3, "个", None)]


# --- units and counted nouns -------------------------------------------------------------------------------


def test_every_unit_row_is_recognised_after_a_number():
    for surface, unit, kind, factor, *flags in data_rows("units.tsv"):
        if "symbol" in flags:
            figures = find_figures(f"共{surface}3的")
        elif "alone" in flags:
            figures = find_figures(f"共3{surface}。")
        else:
            figures = find_figures(f"共3{surface}的")
        if kind == "none":
            assert figures == [], surface
            continue
        assert len(figures) == 1, surface
        assert (figures[0].unit, figures[0].kind) == (unit, kind), surface
        assert figures[0].value == pytest.approx(3 * float(factor)), surface


def test_every_counted_noun_follows_an_arabic_number():
    for noun, kind, _use in data_rows("counted_nouns.tsv"):
        assert found(f"共3{noun}。") == [(f"3{noun}", 3, noun, None)], noun
        assert only(f"共3{noun}。").kind == kind


def test_counted_nouns_by_use():
    assert found("24.8万群众") == [("24.8万群众", 248000, "群众", None)]
    assert found("两群众") == []  # people nouns need an Arabic or scaled number
    assert found("通过三举措") == [("三举措", 3, "举措", None)]
    assert found("五大片区") == [("五大片区", 5, "片区", None)]
    assert found("兩大優勢") == [("兩大優勢", 2, "优势", None)]
    assert found("六大专项行动") == [("六大专项行动", 6, "专项行动", None)]
    assert found("三片区") == []  # "nda" nouns need 大 after a bare Chinese numeral
    assert found("一大批干部，党的二十大精神") == []


def test_kilo_units_keep_their_kilo():
    assert found("12千米") == [("12千米", 12, "公里", None)]
    assert found("2.3千克") == [("2.3千克", 2.3, "公斤", None)]


def test_half_after_a_measure():
    assert found("两米半") == [("两米半", 2.5, "米", None)]
    assert found("一年半") == [("一年半", 1.5, "年", None)]


def test_kuai_is_money_only_without_a_noun_after_it():
    assert only("卖了三五百块。").unit == "元"
    assert only("挂了两块牌子").unit == "块"


# --- what is not a figure ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        # dates and clock times
        "2023年", "2022年度", "3月5日", "2月16日早上6点多", "上午9时30分", "2021-2023年", "二〇二三年", "90年代",
        # relative time frames
        "两年来", "过去的一年", "上半年", "一季度", "每半年", "每周四", "近三年", "五天后",
        # ordinals and anniversaries
        "第一", "第 61 个", "第四期", "首批", "第二批", "一是加强，五是完善", "114周年", "七十五周年",
        # names and slogans
        "“五星”支部", "三会一课", "一村一品", "二十大", "一把手", "“三零”", "四川", "一线", "“五大楼宇 ”",
        "“四个课堂”", "树牢四个意识", "“123”主题", "“1+14”政策", "百分制", "一岗双责", "一人一档", "七个一",
        # hierarchy levels
        "三级联动", "四级党员干部",
        # an article, rhetoric and idioms
        "一辆", "一幅", "一个个", "一件件", "郭天保是一名“最美志愿者”", "一天比一天高", "千家万户", "一花独放",
        "举一反三", "十分重要",
        # vague amounts
        "数十名", "几个人", "几位", "十几个", "上万人", "成千上万",
    ],
)
def test_not_figures(text):
    assert find_figures(text) == []


def test_a_lone_one_counts_with_every_or_as_a_duration():
    assert found("每月召开一次会议") == [("一次", 1, "次", None)]
    assert found("在每个支部确定一名党建骨干") == [("一名", 1, "名", None)]
    assert found("利用一天时间") == [("一天", 1, "天", None)]
    assert found("仅一家企业") == [("一家", 1, "家", None)]
    assert found("每一户") == []
    assert found("缴获近一吨") == [("近一吨", 1, "吨", "近")]


def test_ordinal_title_next_to_a_count():
    assert found("派驻第一书记72人") == [("72人", 72, "人", None)]


def test_short_quotes_hide_names_but_long_quotes_keep_counts():
    assert found("“百个先锋党支部、千名尖兵党员、带动万名党员”")[0][:2] == ("百个", 100)
    assert found("打通“最后一公里”") == []


def test_every_exclusion_phrase_yields_nothing():
    text = (files("five_star.store") / "data" / "figure_exclusions.txt").read_text(encoding="utf-8")
    for phrase in (line.strip() for line in text.splitlines()):
        if phrase and not phrase.startswith("#"):
            assert find_figures(phrase) == [], phrase


def test_place_names_that_read_like_counts():
    # from the bundled gazetteer: the place keeps its suffix, so ordinary counts survive
    assert found("在三家店镇、四棵树乡和张千村民委员会") == []
    assert found("种了四棵树") == [("四棵", 4, "棵", None)]


def test_web_addresses_are_not_percentages():
    assert find_figures("见 https://www.test.com/search?q=30%25%2020% 和 issn%280024%2D9114%") == []


def test_signed_percentages_and_temperatures():
    assert found("同比增长-3.8%") == [("-3.8%", -3.8, "%", None)]
    assert found("负3.9%，零下四摄氏度") == [("负3.9%", -3.9, "%", None), ("零下四摄氏度", -4, "摄氏度", None)]
    assert found("10%-20%") == [("10%-20%", 10, "%", None)]
    assert only("建设3-5个").value == 3  # counts take no sign


def test_an_inner_qualifier_of_two_characters_is_a_one_line_error(tmp_path, monkeypatch):
    import shutil
    from importlib.resources import as_file

    copy = tmp_path / "data"
    with as_file(resources.DATA) as bundled:
        shutil.copytree(bundled, copy)
    path = copy / "qualifiers.tsv"
    path.write_text(path.read_text(encoding="utf-8").replace("来\t约\tinner", "来着\t约\tinner"), encoding="utf-8")
    monkeypatch.setattr(resources, "DATA", copy)
    resources.reload()
    try:
        with pytest.raises(resources.ResourceError, match=r"^data file qualifiers.tsv, line \d+: an inner qualifier is one character"):
            find_figures("二十来亩")
    finally:
        monkeypatch.undo()
        resources.reload()


def test_a_user_can_add_exclusions(tmp_path, monkeypatch):
    from five_star.store.extraction.figures import user_exclusions_path

    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    assert found("开展“双百”活动，共建三百工程") == [("三百工程", 300, "工程", None)]
    user_exclusions_path().parent.mkdir(parents=True)
    user_exclusions_path().write_text("# mine\n三百工程\n", encoding="utf-8")
    resources.reload()
    try:
        assert found("开展“双百”活动，共建三百工程") == []
    finally:
        monkeypatch.undo()
        resources.reload()


def test_non_integral_counts_are_section_numbers():
    assert found("2.2本计划投资3541.07万元") == [("3541.07万元", 35410700, "元", None)]


# --- messy text --------------------------------------------------------------------------------------------


def test_spaces_and_a_line_break_inside_a_figure():
    assert found("建成通车道路 13 条") == [("13 条", 13, "条", None)]
    assert found("带动就业 1.7 万\n人次") == [("1.7 万\n人次", 17000, "人次", None)]
    assert found("一 百 五 十 个 百 分 点") == [("一 百 五 十 个 百 分 点", 150, "百分点", None)]


def test_a_space_between_two_complete_numbers_keeps_them_apart():
    # cleaned article text keeps the spaces between CJK phrases (headlines such as 支部强 产业旺)
    assert found("百分之五十 二十多万人参加") == [
        ("百分之五十", 50, "%", None),
        ("二十多万人", 200000, "人", "多"),
    ]
    assert found("百分之十 二十多万人") == [("百分之十", 10, "%", None), ("二十多万人", 200000, "人", "多")]
    assert found("三十 二人") == [("二人", 2, "人", None)]
    assert found("三十 十人") == [("十人", 10, "人", None)]
    assert found("五十 百人") == [("百人", 100, "人", None)]
    assert found("3 十人") == [("十人", 10, "人", None)]


def test_a_space_inside_one_number_is_bridged():
    assert found("投资五十 万元") == [("五十 万元", 500000, "元", None)]
    assert found("二 十多万人") == [("二 十多万人", 200000, "人", "多")]
    assert found("二十多 万人") == [("二十多 万人", 200000, "人", "多")]
    assert found("投资 985 万元") == [("985 万元", 9850000, "元", None)]
    assert found("5 千元") == [("5 千元", 5000, "元", None)]
    assert found("百分之五 十") == [("百分之五 十", 50, "%", None)]
    assert found("百分之一 点五") == [("百分之一 点五", 1.5, "%", None)]
    assert found("四点 五个百分点") == [("四点 五个百分点", 4.5, "百分点", None)]


def test_zhao_as_a_numeral_is_ten_to_the_twelfth():
    # the package docstring says why; as a unit prefix (兆瓦) it keeps its unit's reading
    assert found("为四十九兆九千五百九十二億元") == [("四十九兆九千五百九十二億元", 49959200000000, "元", None)]
    assert found("50兆瓦") == [("50兆瓦", 50, "兆瓦", None)]


def test_a_scale_word_after_numeral_and_qualifier_never_starts_a_number():
    # 二十来万人 is about 200,000 people, and its 万人 is not 10,000 people of its own
    assert found("二十来万人") == [("二十来万人", 200000, "人", "约")]
    assert found("百分之二十多万人") == [("百分之二十", 20, "%", None)]


def test_a_blank_line_separates():
    assert find_figures("共13\n\n条") == []


def test_a_lost_leading_digit_gives_no_value():
    figure = only("累计投入?0余万元")
    assert (figure.text, figure.value, figure.unit, figure.qualifier) == ("?0余万元", None, "元", "余")
    assert only("共?30个").value == 30  # a ? before an ordinary number is just punctuation


def test_very_long_numbers_are_identifiers_not_figures():
    assert find_figures("1" * 5000 + "元") == []
    assert only("我们有 202107211321363588510367 美元").value == 202107211321363588510367


def test_plain_forms_keep_length():
    text = "１２％，兩萬個\u3000"
    assert len(plain_forms(text)) == len(text)


def test_non_text_input_gives_nothing():
    assert find_figures("") == []
    assert find_figures(None) == []  # type: ignore[arg-type]


# --- property ----------------------------------------------------------------------------------------------

FRAGMENTS = [
    "1", "23", "0", "4.5", "2,954", "１２", "一", "两", "十", "百", "千", "万", "亿", "二十", "四五", "〇", "零",
    "多", "余", "近", "约", "以上", "及以上", "左右", "超过", "不少于", "第", "每", "大", "半", "几", "数",
    "个", "名", "人次", "万元", "元", "%", "％", "百分之", "个百分点", "年", "月", "日", "周年", "分", "时",
    "群众", "片区", "举措", "块", "千米", "“", "”", "《", "》", "?", "\ufffd", "-", "至", "~", "—", " ", "\n",
    "，", "。", "村", "党员", "(含)", "比", "来", "折", "以下", "不到", "兆", "成",
    # forms added for the unseen-page categories
    "/", "$", "￥", "，", "毛", "角", "颗", "分之", "个亿", "卖了", "壹", "肆", "拾", "惠民", "工程", "又", "美分",
    "时间", "都", "到", "两", "去年", "分享", "一等奖", "、", "收入",
]
texty = st.one_of(
    st.text(max_size=60),
    st.lists(st.sampled_from(FRAGMENTS), max_size=25).map("".join),
    st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=3)), max_size=20).map("".join),
)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(texty)
def test_never_raises_and_offsets_hold(text):
    figures = find_figures(text)
    previous_end = 0
    for f in figures:
        assert 0 <= f.start < f.end <= len(text)
        assert text[f.start : f.end] == f.text
        assert f.start >= previous_end  # sorted and not overlapping
        previous_end = f.end
        assert f.value is None or isinstance(f.value, (int, float))
        assert f.value_max is None or f.value_max > f.value
        assert f.kind in {"money", "people", "count", "area", "length", "percent", "duration", "age", "other"}
        json.dumps(f.to_dict(), ensure_ascii=False)


# --- the figures command -----------------------------------------------------------------------------------


def run_figures(data: bytes) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "five_star.tui.cli", "figures"], input=data, capture_output=True, timeout=60
    )


def test_figures_command_prints_one_array_per_line():
    lines = ["投资985万元，带动就业1.7万人次", "", "2023年3月5日", "近10万人次\r", "\xff乱码 3个"]
    data = "\n".join(lines[:4]).encode("utf-8") + b"\n\xff\xfe 3\xe4\xb8\xaa\n"
    result = run_figures(data)
    assert result.returncode == 0 and result.stderr == b""
    out = [json.loads(line) for line in result.stdout.decode("utf-8").splitlines()]
    assert len(out) == 5
    assert [f["text"] for f in out[0]] == ["985万元", "1.7万人次"]
    assert out[0][0] == {
        "text": "985万元",
        "value": 9850000,
        "unit": "元",
        "qualifier": None,
        "kind": "money",
        "start": 2,
        "end": 7,
    }
    assert out[1] == [] and out[2] == []
    assert out[3][0]["start"] == 0 and out[3][0]["text"] == "近10万人次"
    assert out[4][0]["text"] == "3个" and out[4][0]["start"] == 3  # offsets count the replacement characters


def test_figures_command_offsets_are_relative_to_each_line():
    lines = [f"第{i}行：新增{i}个网格，投入{i}万元" for i in range(1, 200)]
    result = run_figures(("\n".join(lines) + "\n").encode("utf-8"))
    out = [json.loads(line) for line in result.stdout.decode("utf-8").splitlines()]
    assert len(out) == len(lines)
    for line, figures in zip(lines, out, strict=True):
        assert [line[f["start"] : f["end"]] for f in figures] == [f["text"] for f in figures]
        assert len(figures) == 2


@pytest.mark.parametrize("text", ["（单位：万元）", "单位:亿元", "投资万元"])
def test_a_lone_money_scale_word_is_a_unit_label_not_an_amount(text):
    assert find_figures(text) == []


def test_a_sized_lone_money_scale_word_is_an_amount():
    (figure,) = find_figures("累计投入近万元")
    assert (figure.text, figure.value, figure.unit, figure.qualifier) == ("近万元", 10000, "元", "近")
