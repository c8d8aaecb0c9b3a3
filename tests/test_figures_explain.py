"""Explainable figures: one named registry of checks, each firing on an example of its own, and
``figures --explain`` printing every candidate with the rule that kept or dropped it."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from five_star.store.extraction.figures import CHECKS, explain_figures, figure_rules, find_figures
from five_star.store.extraction.figures.checks import overlaps_previous
from five_star.store.extraction.figures.context import Candidate, SpanSet
from five_star.store.extraction.figures.reading import Reading, Scan

# A text on which the check drops its candidate, and that candidate's text.
EXAMPLES = {
    "web-address": ("见 https://x.cn/?q=30%25", "30%"),
    "exclusion-list": ("千家万户", "千家"),
    "short-quote-name": ("创建“五星”支部", "五星"),
    "ordinal": ("获得第一名", "一名"),
    "vague-amount": ("数十名党员", "十名"),
    "time-point": ("3月5日", "3月"),
    "arabic-only-unit": ("十分重要", "十分"),
    "share-counter": ("得分95\n分,位列", "95\n分"),
    "unit-not-alone": ("说了三两句", "三两"),
    "no-half": ("三个半", "三个半"),
    "counted-noun-misfit": ("两群众", "两群众"),
    "n-da-misfit": ("一大批干部", "一大批"),
    "year": ("2023年", "2023年"),
    "date-fraction": ("定于3/4上午", "3/4"),
    "clock-minutes": ("9时30分", "30分"),
    "reduplication": ("一个个", "一个"),
    "numeral-slogan": ("推进七个一", "七个"),
    "comparison": ("一天比一天高", "一天"),
    "bare-scale-name": ("千年古镇", "千年"),
    "distributive-one": ("每到一处都认真听", "一处"),
    "rate-denominator": ("一亩地一年能收3000斤", "一亩"),
    "indefinite-one": ("开来一辆车", "一辆"),
    "time-frame": ("两年来", "两年"),
    "discount-word": ("这一折腾", "一折"),
    "no-money-cue": ("接待游客5万,", "5万"),
    "unreadable-number": ("一二三个", "一二三个"),
    "backwards-range": ("建设5-3个", "5-3个"),
    "fractional-count": ("2.2本计划", "2.2本"),
}


def test_checks_form_one_registry_of_unique_documented_names():
    names = [check.name for check in CHECKS]
    assert len(names) == len(set(names))
    assert all(re.fullmatch(r"[a-z]+(?:-[a-z]+)*", name) for name in names)
    assert all(check.drops.__doc__ for check in CHECKS)
    assert set(EXAMPLES) | {"overlaps-previous"} == set(names)


@pytest.mark.parametrize("name", list(EXAMPLES))
def test_each_check_drops_its_example(name):
    text, candidate = EXAMPLES[name]
    decisions = {d.text: d for d in explain_figures(text)}
    assert candidate in decisions, decisions
    assert (decisions[candidate].kept, decisions[candidate].rule) == (False, name)


def test_a_qualifier_may_not_reach_into_the_figure_before():
    # no text found so far makes a qualifier word reach back (the check guards the API's promise)
    text = "共近5个"
    rules = figure_rules()
    folded = text.translate(rules.plain_table)
    scan = Scan(text, folded, rules, SpanSet([]), SpanSet([]), SpanSet([]))
    reading = Reading(Candidate(rules.pattern.search(folded), folded), scan)
    assert not overlaps_previous(reading)
    scan.previous_end = 2
    assert overlaps_previous(reading)


def test_kept_decisions_are_the_figures():
    text = "投资985万元，2023年带动1.7万人次，卖了十五六万，这台电脑两美元又三美分，超过2/3"
    kept = [d.figure for d in explain_figures(text) if d.figure is not None]
    figures = find_figures(text)
    assert [f.text for f in figures] == ["985万元", "1.7万人次", "十五六万", "两美元又三美分", "超过2/3"]
    assert kept[:3] == figures[:3] and kept[-1] == figures[-1]
    assert [d.rule for d in explain_figures(text) if d.kept] == [
        "quantity",
        "quantity",
        "implicit-money",
        "quantity",
        "compound-money",
        "fraction",
    ]


def run_explain(data: bytes) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(Path(sys.executable).with_name("five-star-tui")), "figures", "--explain"],
        input=data,
        capture_output=True,
        timeout=60,
    )


def test_explain_prints_one_line_per_candidate():
    lines = ["投资985万元，2023年带动1.7万人次", "", "卖了十五六万，一亩地一年能收3000多斤", "带动就业 1.7 万\r"]
    result = run_explain(("\n".join(lines) + "\n").encode("utf-8"))
    assert result.returncode == 0 and result.stderr == b""
    assert result.stdout.decode("utf-8").splitlines() == [
        '1\t"985万元"\tkept\tquantity\t9850000 元',
        '1\t"2023年"\tdropped\tyear',
        '1\t"1.7万人次"\tkept\tquantity\t17000 人次',
        '3\t"十五六万"\tkept\timplicit-money\t150000-160000 元',
        '3\t"一亩"\tdropped\trate-denominator',
        '3\t"一年"\tdropped\trate-denominator',
        '3\t"3000多斤"\tkept\tquantity\t3000 斤 多',
        '4\t"1.7 万"\tdropped\tno-money-cue',
    ]

