from decimal import Decimal as D

import pytest

SPEC = {"check": "percent_total", "table": "plan", "column": "share", "severity": "error"}


def shares(*values):
    return {"plan": [{"media": f"媒体{i}", "share": v} for i, v in enumerate(values)]}


def test_shares_adding_to_90_percent(rules, make_doc, check):
    rule = rules["media_brief"]
    doc = make_doc(rule, tables=shares(D("0.4"), D("0.3"), D("0.2")))
    assert check(rule, doc, SPEC) == [
        ("percent_total", "error", "媒介排期占比合计 90%，应为 100%，相差 10 个百分点", ("媒介排期!I1",))]


def test_the_totals_row_cell_is_pointed_at_when_there_is_one(rules, make_doc, check):
    rule = rules["media_brief"]
    doc = make_doc(rule, tables=shares(D("0.5"), D("0.4")), totals={"plan": {"media": "合计", "share": D(1)}})
    assert [c for *_, c in check(rule, doc, SPEC)] == [("媒介排期!I4",)]


@pytest.mark.parametrize("values", [
    (D("0.3333"), D("0.3333"), D("0.3334")),       # exact
    (D("0.3334"), D("0.3334"), D("0.3333")),       # 100.01 %
    (D("0.3333"), D("0.3333"), D("0.3333")),       # 99.99 %
    tuple([D("0.1429")] * 7),                      # 100.03 %: seven shares rounded to 14.29 %
])
def test_rounded_shares_are_accepted(rules, make_doc, check, values):
    rule = rules["media_brief"]
    assert check(rule, make_doc(rule, tables=shares(*values)), SPEC) == []


def test_whole_percent_rounding_needs_a_declared_tolerance(rules, make_doc, check):
    rule = rules["media_brief"]
    doc = make_doc(rule, tables=shares(D("0.33"), D("0.33"), D("0.33")))
    assert check(rule, doc, SPEC)[0][2] == "媒介排期占比合计 99%，应为 100%，相差 1 个百分点"
    assert check(rule, doc, {**SPEC, "tolerance": 1}) == []


def test_blank_shares_left_out_unreadable_ones_skip(rules, make_doc, check, bad):
    rule = rules["media_brief"]
    assert check(rule, make_doc(rule, tables=shares(D("0.6"), None, D("0.4"))), SPEC) == []
    assert check(rule, make_doc(rule, tables=shares(D("0.6"), bad("六成"))), SPEC) == []


def test_compile_error_on_a_money_column(rules, compile_error):
    assert compile_error(rules["media_brief"], {**SPEC, "column": "net"}) == [
        (("checks", 0, "column"), "column 'plan.net' has type money; this check needs percent")]
