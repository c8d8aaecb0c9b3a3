"""Pages from sites unlike the seeds: chrome removed by named rules, headlines kept, the page's own date.

Every page here is invented in the shape of a real site's template (see ``../shared/docs/unseen-page-cases.md``).
"""

from __future__ import annotations

import csv

import pytest

from five_star.store.export.writers import write_articles_csv
from five_star.store.pipeline import extract_text
from helpers.app import APP_SIZE, library_of_page, make_app, settle

BODY = (
    "近日，记者走进西平县出山镇，只见村道整洁、游园错落。"
    "该镇以“五星”支部创建为抓手，今年累计投入资金120万元，整治坑塘18处，村集体经济收入突破50万元。"
)

CMS_PAGE = f"""当前位置：首页 > 工作动态 > 基层党建
扫码下载【云上驻马店】APP
语音播报
西平县出山镇：“五星”支部点亮乡村振兴路
发布时间：2023-05-26 11:52:56  来源：西平县委组织部  浏览次数：1024
原标题：西平县出山镇：“五星”支部点亮乡村振兴路
{BODY}
“下一步，我们将持续用力，让更多支部晋位升级。”该镇党委书记说。
【信息来源】西平县委组织部
投稿邮箱：xpzzb@163.com
责任编辑：王某
相关阅读
漯河市召开“五星”支部创建推进会
舞阳县：红色物业暖民心
上一篇：全县党建工作会议召开
下一篇：出山镇开展志愿服务活动
12
分享至
本文由采集侠自动采集
版权所有：西平县人民政府 豫ICP备12345678号
"""


def page(text: str, name: str = "p.txt"):
    return extract_text(text, name)


def test_every_kind_of_chrome_is_removed_under_its_rule_name():
    result = page(CMS_PAGE)
    (article,) = result.articles
    reasons = {r.text: r.reason for r in result.removed}
    assert reasons["当前位置：首页 > 工作动态 > 基层党建"] == "breadcrumb"
    assert reasons["扫码下载【云上驻马店】APP"] == "app promotion"
    assert reasons["语音播报"] == "voice broadcast"
    assert reasons["原标题：西平县出山镇：“五星”支部点亮乡村振兴路"] == "original title"
    assert reasons["【信息来源】西平县委组织部"] == "source line"
    assert reasons["投稿邮箱：xpzzb@163.com"] == "submission"
    assert reasons["责任编辑：王某"] == "editor credit"
    assert reasons["舞阳县：红色物业暖民心"] == "related reading"
    assert reasons["上一篇：全县党建工作会议召开"] == "previous/next"
    assert reasons["12"] == "share counter"
    assert reasons["分享至"] == "share counter"
    assert reasons["本文由采集侠自动采集"] == "scraper stamp"
    assert reasons["版权所有：西平县人民政府 豫ICP备12345678号"] == "site footer"
    assert article.title == "西平县出山镇：“五星”支部点亮乡村振兴路"
    for removed in reasons:
        assert removed not in article.text.split("\n")
    assert article.text.startswith("近日，记者走进西平县出山镇")
    assert article.published == "2023-05-26"
    assert article.city == "驻马店市"
    assert [f.text for f in article.figures] == ["120万元", "18处", "50万元"]  # no share counter read as 12 分


@pytest.mark.parametrize(
    ("date_line", "published"),
    [
        ("发布时间：2023-05-26 11:52:56", "2023-05-26"),
        ("2024年12月03日09:07    来源：农民日报", "2024-12-03"),
        ("河南日报 | 记者 张三 | 2023-5-6 11:52:56", "2023-05-06"),
        ("时间:2021-06-27 05:10  来源:未知   作者:admin   点击:", "2021-06-27"),
        ("• 2016/3/25 14:32:10", "2016-03-25"),
        ("【信息时间】2022-11-23", "2022-11-23"),
        ("发布时间：2023-02-30", None),  # no such day: nothing is invented
    ],
)
def test_the_page_date_comes_from_its_date_line_in_any_site_format(date_line, published):
    (article,) = page(f"西平县出山镇：“五星”支部点亮乡村振兴路\n{date_line}\n{BODY}\n").articles
    assert article.title == "西平县出山镇：“五星”支部点亮乡村振兴路"
    assert article.published == published
    assert date_line.strip() not in article.text


def test_a_date_in_the_body_is_never_the_publication_date():
    text = f"西平县出山镇：“五星”支部点亮乡村振兴路\n\n2023年5月26日，{BODY}\n"
    (article,) = page(text).articles
    assert article.published is None
    assert [d.text for d in article.dates] == ["2023年5月26日"]


def test_each_date_mention_is_listed_once():
    text = f"标题：五星支部创建观摩会召开\n\n2023年，{BODY}2023年，全县再投入300万元。2023年底前完成。\n"
    (article,) = page(text).articles
    assert [d.text for d in article.dates] == ["2023年"]


def test_a_forum_stamp_is_taken_off_the_first_paragraph_and_dates_the_page():
    text = f"大许寨镇创建“五星”支部 激活基层治理“动力源”\n本帖最后由 开心健康 于 2023-4-15 14:37 编辑{BODY}\n页:\n[1]\n"
    result = page(text)
    (article,) = result.articles
    assert article.title == "大许寨镇创建“五星”支部 激活基层治理“动力源”"
    assert article.published == "2023-04-15"
    assert article.text.startswith("近日")
    assert {r.reason for r in result.removed} == {"forum stamp", "page control"}


def test_a_headline_run_straight_into_its_first_paragraph_is_the_title():
    (article,) = page(f"出山镇“五星”支部创建见闻\n{BODY}\n").articles
    assert article.title == "出山镇“五星”支部创建见闻"
    assert article.text.startswith("近日")


def test_a_headline_the_page_shows_twice_gives_one_article_with_its_byline():
    text = (
        "创五星 促发展丨西平县：“五星”闪耀乡村振兴路\n\n关注驻马店网\n微博\nQzone\n"
        "创五星 促发展丨西平县：“五星”闪耀乡村振兴路\n作者:  王向前 张嘉祥\n\n"
        f"河南日报客户端记者 王向前 通讯员 张嘉祥\n\n{BODY}\n"
    )
    result = page(text)
    (article,) = result.articles
    assert article.title == "西平县：“五星”闪耀乡村振兴路"  # the column tag before 丨 is not the headline
    assert article.authors == ["王向前", "张嘉祥"]
    reasons = {r.line: r.reason for r in result.removed}
    assert reasons[3] == "site name" and reasons[4] == reasons[5] == "page control"
    assert reasons[6].startswith("scrape duplication of line 1")


def test_original_title_names_an_untitled_article_and_never_makes_a_second_one():
    text = f"原标题：出山镇：支部过硬 产业兴旺\n\n{BODY}\n\n{BODY.replace('120', '130')}\n"
    result = page(text)
    assert len(result.articles) == 1
    assert result.articles[0].title == "出山镇：支部过硬 产业兴旺"


def test_tag_lists_and_app_banners_stay_out_of_the_text_but_credits_stay_in():
    text = f"云上许昌\n许昌广播电视台官微\n出山镇“五星”支部创建见闻\n\n{BODY}\n\n五星 支部 党建 乡村振兴 西平\n\n记者 王远 通讯员 王霖 摄\n"
    result = page(text)
    reasons = {r.text: r.reason for r in result.removed}
    assert reasons == {
        "云上许昌": "site name",
        "许昌广播电视台官微": "app promotion",
        "五星 支部 党建 乡村振兴 西平": "tag list",
    }
    assert result.articles[0].title == "出山镇“五星”支部创建见闻"


def test_published_and_region_are_columns_of_the_articles_csv(tmp_path):
    (article,) = page(CMS_PAGE).articles
    target = tmp_path / "articles.csv"
    write_articles_csv([article], target)
    with target.open(encoding="utf-8-sig", newline="") as handle:
        (row,) = list(csv.DictReader(handle))
    assert row["published"] == "2023-05-26"
    assert row["region"] == "henan"
    assert row["city"] == "驻马店市"


@pytest.mark.slow
async def test_the_header_shows_the_publication_date(tmp_path):
    from five_star.tui.widgets.article_detail import ArticleHeader

    db, (article,) = library_of_page(tmp_path, "cms.txt", CMS_PAGE)
    app = make_app(db, tmp_path)
    async with app.run_test(size=APP_SIZE) as pilot:
        await settle(pilot)
        await pilot.press("/")
        for key in "date:2023-05":
            await pilot.press(key)
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("down", "down", "down")
        await settle(pilot)
        header = app.screen.query_one(ArticleHeader).render().plain
        assert "published 2023-05-26" in header
        assert article.title in header


@pytest.mark.slow
async def test_the_header_flags_a_county_of_another_city(tmp_path):
    from five_star.tui.widgets.article_detail import ArticleHeader

    text = (
        "新蔡县：“五星”支部创建见闻\n\n"
        "新蔡县各村党支部学习先进经验，组织村干部赴兰考县考察学习，回村后新建蔬菜大棚36座，"
        "新蔡县今年创建“五星”支部3个，带动群众增收200万元。\n"
    )
    db, (article,) = library_of_page(tmp_path, "tour.txt", text)
    assert article.city == "驻马店市"
    app = make_app(db, tmp_path)
    async with app.run_test(size=APP_SIZE) as pilot:
        await settle(pilot)
        await pilot.press("/", *"大棚", "enter")
        await settle(pilot)
        await pilot.press("down", "down")
        await settle(pilot)
        header = app.screen.query_one(ArticleHeader).render().plain
        assert "驻马店市 · 新蔡县" in header
        assert "⚠ 兰考县 is in 开封市" in header


def test_a_headline_broken_where_no_headline_ends_is_joined_and_a_kicker_is_not():
    broken = f"西平县出山镇：让“五星”支部成为群众的\n主心骨\n\n{BODY}\n"
    (article,) = page(broken).articles
    assert article.title == "西平县出山镇：让“五星”支部成为群众的主心骨"
    assert not article.text.startswith("主心骨")
    kicker = f"出山镇\n\n让“五星”支部成为群众的主心骨\n\n本报记者 王远\n\n{BODY}\n"
    (article,) = page(kicker).articles
    assert article.title == "让“五星”支部成为群众的主心骨"
    assert article.authors == ["王远"]


@pytest.mark.parametrize(
    ("opening", "rule", "published"),
    [
        ("感受非遗之美遇到贴心“客服”主动退款?小心!这是诈骗!出山镇“五星”支部创建见闻市卫生监督所开展评查", "headline strip", None),
        ("第3138期:第02版 本期出版日期:2022-07-28", "e-paper page label", "2022-07-28"),
        ("第02版 上一期   下一期 上一版 下一版", "e-paper page label", None),
        ("•   标题    站内高级搜索", "page control", None),
        ("共产党员网来稿 打印 纠错 投稿须知 投稿", "page control", None),
        ("微信扫一扫 ×", "app promotion", None),
        ("万博体育3.0手机版", "app promotion", None),
        ("下载附件 (1.89 MB)", "attachment", None),
        ("共产党员网 先锋文汇先锋印记·难忘瞬间", "breadcrumb", None),
        ("部门动态", "column name", None),
        # a CMS's page-generation stamp is not the date the page was published
        ("Produced By CMS 网站群内容管理系统 publishdate:2024-11-21 13:00:19", "site footer", None),
    ],
)
def test_more_chrome_from_e_papers_portals_and_cms_pages(opening, rule, published):
    result = page(f"{opening}\n\n出山镇“五星”支部创建见闻\n\n{BODY}\n")
    (article,) = result.articles
    assert [r.reason for r in result.removed] == [rule]
    assert article.title == "出山镇“五星”支部创建见闻"
    assert article.published == published


def test_a_credit_of_units_and_names_is_a_byline_not_a_headline():
    text = f"废荒地蝶变“小游园” 乡村面貌换“新颜”\n\n淮阳区委组织部 郑集乡人民政府 刘宗帅 何鑫\n\n{BODY}\n"
    (article,) = page(text).articles
    assert article.title == "废荒地蝶变“小游园”乡村面貌换“新颜”"  # no space beside full-width punctuation
    assert article.authors == ["刘宗帅", "何鑫"]


def test_quoted_speech_opening_a_page_is_its_lead_not_its_headline():
    text = f"“你们看，现在俺们村路宽了，环境变美了……”\n{BODY}\n"
    (article,) = page(text).articles
    assert article.title is None
    assert article.text.startswith("“你们看")


@pytest.mark.parametrize(
    ("page_text", "title"),
    [
        # an outlet's name before the role words: a byline, not a headline
        (f"河南经济报 记者 刘海林 通讯员 杜慧欣\n{BODY}\n", None),
        # a headline may end asking, and a subhead may stand between it and the text
        (f"首页 > 专题 > 平安建设\n\n“三零”创建是什么?\n\n零上访/零事故/零案件\n\n{BODY}\n", "“三零”创建是什么？"),
        # a blog's account name between headline and text
        (f"【五星支部创建】观摩比拼亮成效 凝心聚力创“五星”\n\n王屯乡\n\n{BODY}\n", "观摩比拼亮成效 凝心聚力创“五星”"),
        # a content farm's clickbait tag glued to the headline
        (f"当前热议!西平县：创“生态宜居星”换来乡村新容颜\n2022-10-14 09:00:22 来源: 中国搜索\n\n{BODY}\n", "西平县：创“生态宜居星”换来乡村新容颜"),
        # a column tag in brackets, quotes and all
        (f"【对标对表创“五星”】出山镇：争创“五星”支部\n\n{BODY}\n", "出山镇：争创“五星”支部"),
        # the headline printed above the breadcrumb, bullets before the site's menu
        (
            f"• 主管:河南广播电视台   主办:河南电影电视制作集团\n  • 设为首页\n  • 河南县域经济网\n\n城市新闻:\n\n"
            f"永城市条河乡:创建“平安文明村” 百姓心头乐开花\n\n首页 > 三农 > 正文\n\n日期:2017-12-27 14:27:07 来源:大河网\n\n{BODY}\n",
            "永城市条河乡：创建“平安文明村”百姓心头乐开花",
        ),
        # a series overline is not a headline of its own
        (f"乡村振兴影像记——\n\n{BODY}\n", None),
    ],
)
def test_headlines_on_pages_from_other_templates(page_text, title):
    articles = page(page_text).articles
    assert [a.title for a in articles if a.kind == "article"] == [title]


def test_a_body_line_that_holds_a_date_is_text_not_the_page_s_date():
    for line in ("2023年5月26日全县召开五星支部创建推进会", "截至2023年5月26日全县共完成投资三亿元"):
        (article,) = page(f"出山镇“五星”支部创建见闻\n\n{BODY}\n{line}\n").articles
        assert article.published is None
        assert line in article.text


@pytest.mark.parametrize("slogan", ["美丽乡村 幸福社区 新风貌", "出山镇 张庄村 新变化"])
def test_spaced_phrases_under_a_headline_are_no_byline(slogan):
    (article,) = page(f"出山镇“五星”支部创建见闻\n\n{slogan}\n\n{BODY}\n").articles
    assert article.authors == []


def test_a_kicker_that_a_headline_repeats_is_no_headline_strip():
    text = f"漯河五星支部创建专题\n漯河五星支部创建专题：全市一百个支部获评五星\n\n本报记者 王远\n\n{BODY}\n"
    (article,) = page(text).articles
    assert article.title == "漯河五星支部创建专题：全市一百个支部获评五星"


def test_a_headline_printed_above_its_breadcrumb_is_kept():
    (article,) = page(f"出山镇五星支部创建见闻\n首页 > 三农 > 正文\n{BODY}\n").articles
    assert article.title == "出山镇五星支部创建见闻"


def test_related_reading_ends_where_the_next_article_begins():
    second = "盆尧镇党委坚持党建引领，今年新建冷库3座，带动200多名群众在家门口就业，村集体经济收入突破80万元。"
    text = f"出山镇“五星”支部创建见闻\n\n{BODY}\n\n相关阅读\n漯河市召开推进会\n\n盆尧镇：党建引领乡村振兴\n\n{second}\n"
    result = page(text)
    assert [a.title for a in result.articles] == ["出山镇“五星”支部创建见闻", "盆尧镇：党建引领乡村振兴"]
    assert {r.text: r.reason for r in result.removed} == {"相关阅读": "related reading", "漯河市召开推进会": "related reading"}


def test_original_title_in_brackets_names_the_article():
    (article,) = page(f"【原标题】：出山镇：支部过硬 产业兴旺\n\n{BODY}\n").articles
    assert article.title == "出山镇：支部过硬 产业兴旺"


def test_a_headline_of_four_spaced_phrases_is_no_tag_list():
    (article,) = page(f"党建引领 产业兴旺 乡村振兴 共同富裕\n\n{BODY}\n").articles
    assert article.title == "党建引领 产业兴旺 乡村振兴 共同富裕"


def test_a_page_number_in_a_source_line_does_not_cancel_the_date():
    text = f"出山镇“五星”支部创建见闻\n2023-05-26 来源：河南日报 2/3版\n\n{BODY}\n"
    (article,) = page(text).articles
    assert article.published == "2023-05-26"


def test_footers_are_chrome_whatever_their_case():
    result = page(f"出山镇“五星”支部创建见闻\n\n{BODY}\n\nCOPYRIGHT © 2023 西平县人民政府\n")
    assert [r.reason for r in result.removed] == ["site footer"]


def test_every_figure_row_carries_its_qualifier_and_its_sentence(tmp_path):
    from five_star.store.export.writers import write_figures_csv

    text = f"出山镇“五星”支部创建见闻\n\n{BODY}\n去年全镇接待游客近10万人次！带动增收300多万元。\n"
    (article,) = page(text).articles
    target = tmp_path / "figures.csv"
    write_figures_csv([article], target)
    with target.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert [(r["figure"], r["qualifier"]) for r in rows] == [
        ("120万元", ""), ("18处", ""), ("50万元", ""), ("近10万人次", "近"), ("300多万元", "多"),
    ]
    assert rows[3]["sentence"] == "去年全镇接待游客近10万人次！"
    assert rows[4]["sentence"] == "带动增收300多万元。"
    assert all(r["figure"] in r["sentence"] for r in rows)


@pytest.mark.slow
async def test_the_figure_table_shows_qualifier_and_sentence(tmp_path):
    from five_star.tui.widgets.article_detail import FigureTable

    text = f"出山镇“五星”支部创建见闻\n\n{BODY}\n去年全镇接待游客近10万人次！\n"
    db, (article,) = library_of_page(tmp_path, "tour.txt", text)
    assert article.figures[-1].text == "近10万人次"
    app = make_app(db, tmp_path)
    async with app.run_test(size=APP_SIZE) as pilot:
        await settle(pilot)
        await pilot.press("/", *"游客", "enter")
        await settle(pilot)
        await pilot.press("down", "down")
        await settle(pilot)
        table = app.screen.query_one(FigureTable)
        labels = [str(column.label) for column in table.columns.values()]
        assert labels == ["text", "value", "unit", "qualifier", "kind", "sentence"]
        last = [str(cell) for cell in table.get_row_at(table.row_count - 1)]
        assert last[0] == "近10万人次" and last[3] == "近" and last[5] == "去年全镇接待游客近10万人次！"


def test_x1_a_blog_headline_and_its_account_line_make_one_titled_article():
    text = (
        "张弓镇：“五星”支部创建观摩评比找差距\n\n@张弓镇党委\n\n"
        f'<p class="ql-block">  {BODY}</p><p class="ql-block">  下一步，该镇将持续用力。</p>\n\n五星 支部 党建 乡村振兴 观摩\n'
    )
    result = page(text)
    (article,) = result.articles
    assert article.kind == "article" and article.title == "张弓镇：“五星”支部创建观摩评比找差距"
    assert "<p" not in article.text and "@" not in article.text
    assert {r.reason for r in result.removed} == {"blog account", "tag list"}


def test_x2_breadcrumb_headline_and_date_run_together_give_a_titled_dated_article():
    text = f"当前位置：首页 > 基层党建 > 正文\n出山镇“五星”支部创建见闻\n发布时间：2023-06-01 09:30\n{BODY}\n"
    (article,) = page(text).articles
    assert article.title == "出山镇“五星”支部创建见闻"
    assert article.published == "2023-06-01"
    assert article.text.startswith("近日")


def test_x3_an_e_paper_page_gives_its_article_its_headline_and_no_strip_article():
    text = (
        "第A02版：要闻\n\n语音播报: 语音播报\n\n出山镇“五星”支部创建见闻\n\n"
        f"本报记者 王远\n\n{BODY}\n\n上一篇 下一篇\n"
    )
    result = page(text)
    (article,) = result.articles
    assert article.title == "出山镇“五星”支部创建见闻"
    assert article.authors == ["王远"]
    assert {r.reason for r in result.removed} == {"e-paper page label", "voice broadcast", "previous/next"}


def test_a_planned_tally_is_marked_in_the_articles_csv(tmp_path):
    text = f"出山镇“五星”支部创建见闻\n\n{BODY}全镇已创成“四星”支部5个，对今年拟创建“五星”支部的6个村逐一制定方案。\n"
    (article,) = page(text).articles
    target = tmp_path / "articles.csv"
    write_articles_csv([article], target)
    with target.open(encoding="utf-8-sig", newline="") as handle:
        (row,) = list(csv.DictReader(handle))
    assert row["star_counts"] == "四星 5; 五星 6 planned"
