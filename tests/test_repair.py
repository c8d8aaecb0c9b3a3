"""Each named repair on its own, then the paragraph rejoining."""

from __future__ import annotations

import pytest

from five_star.store.reading import repair


@pytest.mark.parametrize(
    "line, expected, count",
    [
        ("城鄉(xiāng)治理", "城鄉治理", 1),
        ("內(nèi)容 優(yōu)勢", "內容 優勢", 2),
        ("黑龍?zhí)舵?zhèn)老應(yīng)村", "黑龍舵老應村", 3),
        ("世界卫生组织(WHO)报告", "世界卫生组织(WHO)报告", 0),  # an abbreviation is not pinyin
        ("选项(a)和(b)", "选项(a)和(b)", 0),
    ],
)
def test_remove_pinyin_annotations(line, expected, count):
    assert repair.remove_pinyin_annotations(line) == (expected, count)


def test_to_simplified_converts_and_is_idempotent():
    text, count = repair.to_simplified("漯河市城鄉一體化示範區")
    assert text == "漯河市城乡一体化示范区"
    assert count == 4
    assert repair.to_simplified(text) == (text, 0)


@pytest.mark.parametrize(
    "line, expected",
    [("????盛夏時節", "盛夏時節"), ("\ufffd\ufffd\ufffd本报讯", "本报讯"), ("正文", "正文")],
)
def test_remove_lost_indent(line, expected):
    assert repair.remove_lost_indent(line)[0] == expected


def test_question_mark_after_question_word_is_restored_not_deleted():
    assert repair.restore_question_marks("如何爭創?郾城區委書記") == ("如何爭創？郾城區委書記", 1)
    assert repair.restore_question_marks("本報記者?盧松") == ("本報記者?盧松", 0)


def test_mojibake_stop_and_lost_spaces():
    assert repair.restore_mojibake_stops("圖景?!敖衲")[0] == "圖景。敖衲"
    assert repair.restore_lost_spaces("本報記者?盧松?本報通訊員?王遠?") == ("本報記者 盧松 本報通訊員 王遠", 4)
    # a '?' standing for a lost digit is not a space: it stays, and is flagged elsewhere
    assert repair.restore_lost_spaces("投入?0余萬元")[0] == "投入?0余萬元"


def test_lost_text_is_flagged_not_invented():
    flags = repair.find_lost_text("圖景?!敖衲甏謇锢塾嬐度?0余萬元,開展")
    assert "lost-digit:?0余万元" in flags
    assert any(flag.startswith("mojibake:敖衲甏") for flag in flags)
    assert repair.find_lost_text("一切正常的句子。") == []


@pytest.mark.parametrize(
    "line, expected",
    [
        ("志志愿愿者者为为群群众众检检查查口口腔腔。。", "志愿者为群众检查口腔。"),
        ("谢谢大家，星星点点", "谢谢大家，星星点点"),
        ("红红火火的集体经济", "红红火火的集体经济"),
        ("久久为功，常常学习", "久久为功，常常学习"),
    ],
)
def test_collapse_doubled_chars_only_touches_bold_runs(line, expected):
    assert repair.collapse_doubled_chars(line)[0] == expected


@pytest.mark.parametrize(
    "line, expected",
    [
        ("2023 年，示范区 23 个机关", "2023年，示范区23个机关"),
        ("带动就业 1.7 万人次", "带动就业1.7万人次"),
        ("投资 985 万元", "投资985万元"),
        ("昌建·MOCO 新世界", "昌建·MOCO 新世界"),  # a space after Latin text is a real word break
    ],
)
def test_remove_number_spaces(line, expected):
    assert repair.remove_number_spaces(line)[0] == expected


def test_punctuation_spaces_and_halfwidth_commas():
    assert repair.remove_punctuation_spaces("党员干部， 坚持 、发展")[0] == "党员干部，坚持、发展"
    assert repair.widen_punctuation("走進,滿眼綠意;風景")[0] == "走進，滿眼綠意；風景"
    assert repair.widen_punctuation("共2,954人")[0] == "共2,954人"


def test_repair_line_reports_what_fired():
    result = repair.repair_line("????盛夏時節,走進舞陽縣辛安鎮(zhèn)")
    assert result.text == "盛夏时节，走进舞阳县辛安镇"
    assert {"lost-indent", "t2s", "pinyin-annotations", "halfwidth-punctuation"} <= set(result.fired)
    assert "trim" not in result.fired


def test_rejoin_wrapped_lines_keeps_subheads_and_paragraph_breaks():
    lines = [
        "2023 年，市城乡一体化示范区",
        "党工委带领全区各级党组织和广大",
        "",
        "党员干部，坚持以习近平新时代中",
        "国特色社会主义思想为指导。",
        "",
        "党建引领谋发展",
        "",
        "产业研究院9家、科研服务机构14",
        "家，带动就业1.7 万",
        "人次。",
    ]
    paragraphs, joins = repair.rejoin_wrapped_lines(lines)
    assert paragraphs == [
        "2023年，市城乡一体化示范区党工委带领全区各级党组织和广大党员干部，坚持以习近平新时代中国特色社会主义思想为指导。",
        "党建引领谋发展",
        "产业研究院9家、科研服务机构14家，带动就业1.7万人次。",
    ]
    assert joins == 5


def test_rejoin_does_not_break_inside_a_parenthesis():
    paragraphs, _ = repair.rejoin_wrapped_lines(["坚持属地原则，以村（社区）", "为基本单位。"])
    assert paragraphs == ["坚持属地原则，以村（社区）为基本单位。"]


@pytest.mark.parametrize(
    ("line", "repaired"),
    [
        ("如何打好“组合拳”?记者走访了多个村。", "如何打好“组合拳”？记者走访了多个村。"),  # R1
        ("村里为何把“三零”创建?放在首位", "村里为何把“三零”创建？放在首位"),
        ("怎样让“五星”支部“亮”起来?", "怎样让“五星”支部“亮”起来？"),
        ("村里“五星”?评上了", "村里“五星”?评上了"),  # no question word: left to the later repairs
        ("怎么办？大家说“好”?", "怎么办？大家说“好”?"),  # the question ended before the quotation
    ],
)
def test_a_question_mark_after_a_quotation_closes_a_question_begun_before_it(line, repaired):
    assert repair.restore_question_marks(line)[0] == repaired
