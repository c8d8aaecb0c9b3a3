"""The figure categories F1–F12 of ../shared/docs/unseen-page-cases.md: every example there, and at
least one variant of each category written here, so that the category is fixed and not the sentence."""

from __future__ import annotations

import pytest

from five_star.store.extraction.figures import find_figures


def found(text: str) -> list[tuple]:
    """(text, value, value_max, unit, qualifier) of each figure, checking the offsets on the way."""
    out = []
    for f in find_figures(text):
        assert text[f.start : f.end] == f.text
        out.append((f.text, f.value, f.value_max, f.unit, f.qualifier))
    return out


def case(text: str, *figures: tuple) -> pytest.param:
    return pytest.param(text, list(figures), id=text[:24])


CASES = [
    # F1: money with no written unit after a money verb or noun, ranges included
    case("村民王大姐笑着说:“今年光草莓就卖了十五六万,日子越过越红火。”", ("十五六万", 150000, 160000, "元", None)),
    case(
        "“去年合作社光蘑菇就卖了1200多万,给村里分红也有30多万。”",
        ("1200多万", 12000000, None, "元", "多"),
        ("30多万", 300000, None, "元", "多"),
    ),
    case("全年接待游客5万多,带动周边群众增收。"),
    case("村集体固定资产从100多万增长到2000多万。", ("100多万", 1000000, None, "元", "多"), ("2000多万", 20000000, None, "元", "多")),
    case("这批花一卖估计能有20万收入。", ("20万", 200000, None, "元", None)),
    case("合作社去年营收近3亿,", ("近3亿", 300000000, None, "元", "近")),
    case("全镇常住人口3万,"),
    # F2: colloquial money
    case("养殖场负责人说,这几年累计投入了3个亿。", ("3个亿", 300000000, None, "元", None)),
    case("“辣椒行情好的时候,亩产值能到1万2。”", ("1万2", 12000, None, "元", None)),
    case("“土鸡蛋每斤能多卖5毛钱。”", ("5毛钱", 0.5, None, "元", None)),
    case("一个工时能挣两个亿？不，是八角钱", ("两个亿", 200000000, None, "元", None), ("八角钱", 0.8, None, "元", None)),
    case("每斤涨了3毛。", ("3毛", 0.3, None, "元", None)),
    # F3: 颗
    case("今年村里新摘得两颗星,总数达到四颗。", ("两颗", 2, None, "颗", None), ("四颗", 4, None, "颗", None)),
    case("支部把创建的五颗星分解到每名村干部身上。", ("五颗", 5, None, "颗", None)),
    case("村里种下的1200颗银杏苗已全部成活。", ("1200颗", 1200, None, "颗", None)),
    case("发放300余颗种子", ("300余颗", 300, None, "颗", "余")),
    # F4: 来
    case("他家种了二十来亩花生。", ("二十来亩", 20, None, "亩", "约")),
    case("合作社常年有三十来个工人在基地干活。", ("三十来个", 30, None, "个", "约")),
    case("村里有50来户养殖户", ("50来户", 50, None, "户", "约")),
    case("二十来万人", ("二十来万人", 200000, None, "人", "约")),
    # F5: a bare scale word with a sizing lead
    case("该镇建成近千亩高标准农田示范区。", ("近千亩", 1000, None, "亩", "近")),
    case("这棵古槐树龄已超过千年。", ("超过千年", 1000, None, "年", "超过")),
    case("合作社流转土地逾万亩。", ("逾万亩", 10000, None, "亩", "超过")),
    case("千亩荷塘,万亩良田"),
    case("修建约百米长的步道", ("约百米", 100, None, "米", "约")),
    # F6: N大 forms, the head noun as unit
    case("实施六大惠民工程。", ("六大惠民工程", 6, None, "工程", None)),
    case("全县形成花卉、苗木、文旅四大支柱产业。", ("四大支柱", 4, None, "支柱", None)),
    case("全镇梳理出15大类民生实事。", ("15大类", 15, None, "类", None)),
    case("开展四大比拼,聚焦五大抓手", ("四大比拼", 4, None, "比拼", None), ("五大抓手", 5, None, "抓手", None)),
    case("形成六大特色产业布局", ("六大特色产业", 6, None, "产业", None)),
    # F7: 一 as a rate denominator or distributive
    case("“一个大棚一年能收入七八万元。”", ("七八万元", 70000, 80000, "元", None)),
    case("“一亩地一年能收3000多斤红薯。”", ("3000多斤", 3000, None, "斤", "多")),
    case("工作组每走访一户,都详细登记家庭情况。"),
    case("每个村明确一名网格员。", ("一名", 1, None, "名", None)),
    case("每到一处都认真听、仔细看"),
    case("一头牛一年能卖两万元", ("两万元", 20000, None, "元", None)),
    case("利用一天时间完成3项任务", ("一天", 1, None, "天", None), ("3项", 3, None, "项", None)),
    # F8: time frames and measured durations
    case("“去年一年,合作社新建冷库2座。”", ("2座", 2, None, "座", None)),
    case("志愿者们用了近两个月时间,清理沟渠12公里。", ("近两个月", 2, None, "月", "近"), ("12公里", 12, None, "公里", None)),
    case("她坚持义务照顾孤寡老人近1年半。", ("近1年半", 1.5, None, "年", "近")),
    case("近两年来,合作社新建冷库2座。", ("2座", 2, None, "座", None)),
    case("今年一年,全村新增3家企业", ("3家", 3, None, "家", None)),
    case("村民通过近1个多月参加义务劳动", ("近1个多月", 1, None, "月", "近")),
    case("近三年,全县累计投入5亿元", ("5亿元", 500000000, None, "元", None)),
    # F9: a count before a noun that starts with a numeral
    case("共捧回四个一等奖和五个三等奖。", ("四个", 4, None, "个", None), ("五个", 5, None, "个", None)),
    case("该社区设有三个一站式服务窗口。", ("三个", 3, None, "个", None)),
    case("实现两个一百年,开展“四个一”活动,推进七个一"),
    case("获得两个二等奖", ("两个", 2, None, "个", None)),
    # F10: fractions as percentages
    case("全村有三分之一的劳动力在家门口就业。", ("三分之一", 33.33, None, "%", None)),
    case("脱贫户中超过2/3已入股合作社。", ("超过2/3", 66.67, None, "%", "超过")),
    case("集体经济收入的四分之一用于村内公益事业。", ("四分之一", 25, None, "%", None)),
    case("会议定于3/4上午召开,日期3/5"),
    case("近1/4的农户", ("近1/4", 25, None, "%", "近")),
    case("五分之二以上的土地", ("五分之二以上", 40, None, "%", "以上")),
    # F11: a share counter's 分 never crosses a line break
    case("网易首页 > 网易河南 > 正文\n\n标题\n\n12\n分享至"),
    case("3\n分享"),
    case("测评得分95\n分,位列第一"),
    case("测评得分95分", ("95分", 95, None, "分", None)),
    # F12: 块 after the noun it counts; 块 sold is money
    case(
        "制作宣传展板40余块,新建文化墙12块、宣传栏8块。",
        ("40余块", 40, None, "块", "余"),
        ("12块", 12, None, "块", None),
        ("8块", 8, None, "块", None),
    ),
    case("“一斤卖三块。”", ("三块", 3, None, "元", None)),
    case("平整土地5块,每斤菜卖两块,", ("5块", 5, None, "块", None), ("两块", 2, None, "元", None)),
]


@pytest.mark.parametrize("text, expected", CASES)
def test_unseen_page_cases(text, expected):
    assert found(text) == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        # F3 kinds: every figure of this category counts things
        ("两颗星", "count"),
        ("十五六万", None),  # no money word: nothing
        ("卖了十五六万", "money"),
        ("三分之一", "percent"),
        ("展板40余块", "count"),
        ("卖了三块。", "money"),
    ],
)
def test_kinds(text, expected):
    kinds = [f.kind for f in find_figures(text)]
    assert kinds == ([expected] if expected else [])


def test_financial_numerals_and_currency_symbols():
    assert found("肆佰叁拾萬圆") == [("肆佰叁拾萬圆", 4300000, None, "元", None)]
    assert found("贰仟元") == [("贰仟元", 2000, None, "元", None)]
    assert found("在下面的价格中选一个，$20，300美圆, ￥300, ok?") == [
        ("一个", 1, None, "个", None),  # closing its clause, 一个 counts (就有一个,)
        ("$20", 20, None, "美元", None),
        ("300美圆", 300, None, "美元", None),
        ("￥300", 300, None, "元", None),
    ]
    assert found("价格$1,200") == [("$1,200", 1200, None, "美元", None)]


def test_zhao_is_ten_to_the_twelfth_as_a_numeral_and_mega_in_a_unit():
    assert found("为四十九兆九千五百九十二億元") == [("四十九兆九千五百九十二億元", 49959200000000, None, "元", None)]
    assert found("50兆瓦") == [("50兆瓦", 50, None, "兆瓦", None)]
    assert found("瑞雪兆丰年,好兆头") == []


def test_liang_is_a_weight_only_at_the_end():
    assert found("二两") == [("二两", 2, None, "两", None)]
    assert found("三千两百两") == [("三千两百两", 3200, None, "两", None)]
    assert found("说了三两句") == []
    assert found("一两天") == [("一两天", 1, 2, "天", None)]


def test_compound_money():
    assert found("这台电脑两美元又三美分") == [("两美元又三美分", 2.03, None, "美元", None)]
    assert found("10日元5日本銭") == [("10日元5日本銭", 10.05, None, "日元", None)]
    assert found("50元6角") == [("50元6角", 50.6, None, "元", None)]
