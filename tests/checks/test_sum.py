from decimal import Decimal as D


def test_budget_lines_not_adding_up_to_the_totals_row(rules, make_doc, check):
    rule = rules["contact_report"]
    doc = make_doc(rule, tables={"budget": [{"item": "视频拍摄", "amount": D("120000")},
                                            {"item": "平面设计", "amount": D("90000")}]},
                   totals={"budget": {"item": "合计", "amount": D("200000")}})
    spec = {"check": "sum", "table": "budget", "column": "amount", "severity": "error"}
    assert check(rule, doc, spec) == [
        ("sum", "error", "预算合计 200,000.00 与金额明细之和 210,000.00 不符，相差 10,000.00", ("预算!B4",))]


def test_budget_that_adds_up_to_the_cent(rules, make_doc, check):
    rule = rules["contact_report"]
    doc = make_doc(rule, tables={"budget": [{"item": "a", "amount": D("0.1")}, {"item": "b", "amount": D("0.2")},
                                            {"item": "c", "amount": 100000.005}]},
                   totals={"budget": {"amount": D("100000.31")}})
    assert check(rule, doc, {"check": "sum", "table": "budget", "column": "amount", "severity": "error"}) == []


def test_a_one_cent_difference_is_reported(rules, make_doc, check):
    rule = rules["contact_report"]
    doc = make_doc(rule, tables={"budget": [{"amount": D("100.00")}, {"amount": D("200.00")}]},
                   totals={"budget": {"amount": D("300.01")}})
    out = check(rule, doc, {"check": "sum", "table": "budget", "column": "amount", "severity": "warning"})
    assert out == [("sum", "warning", "预算合计 300.01 与金额明细之和 300.00 不符，相差 0.01", ("预算!B4",))]


def test_tolerance_in_yuan(rules, make_doc, check):
    rule = rules["contact_report"]
    doc = make_doc(rule, tables={"budget": [{"amount": D("100.00")}, {"amount": D("200.00")}]},
                   totals={"budget": {"amount": D("300.50")}})
    spec = {"check": "sum", "table": "budget", "column": "amount", "severity": "error", "tolerance": 0.5}
    assert check(rule, doc, spec) == []


def test_deliverables_against_the_budget_total_field(rules, make_doc, check):
    rule = rules["creative_brief"]
    doc = make_doc(rule, fields={"project": "星河酸奶冬季新品", "budget_total": D("350000")},
                   tables={"deliverables": [{"item": "15秒TVC", "amount": D("180000")},
                                            {"item": "平面KV", "amount": D("180000")}]},
                   totals={"deliverables": {"item": "合计", "amount": D("360000")}})
    spec = {"check": "sum", "table": "deliverables", "column": "amount", "field": "budget_total",
            "severity": "error"}
    assert check(rule, doc, spec) == [
        ("sum", "error", "预算总额 350,000.00 与交付物金额之和 360,000.00 不符，相差 10,000.00",
         ("基本信息!B2", "交付物!E4"))]


def test_field_comparison_without_totals_row_points_at_the_field(rules, make_doc, check):
    rule = rules["media_brief"]
    doc = make_doc(rule, fields={"budget_total": D("1200000")},
                   tables={"plan": [{"media": "分众", "net": D("480000")}, {"media": "抖音", "net": D("700000")}]})
    spec = {"check": "sum", "table": "plan", "column": "net", "field": "budget_total", "severity": "error"}
    assert check(rule, doc, spec) == [
        ("sum", "error", "预算总额 1,200,000.00 与媒介排期净额之和 1,180,000.00 不符，相差 20,000.00",
         ("基本信息!B1",))]


def test_blank_lines_are_left_out_and_a_blank_total_is_not_compared(rules, make_doc, check):
    rule = rules["creative_brief"]
    spec = {"check": "sum", "table": "deliverables", "column": "amount", "field": "budget_total",
            "severity": "error"}
    doc = make_doc(rule, fields={"budget_total": None},
                   tables={"deliverables": [{"amount": D("100")}, {"amount": None}, {"item": "x"}]},
                   totals={"deliverables": {"amount": D("100")}})
    assert check(rule, doc, spec) == []


def test_an_unreadable_line_is_never_summed_as_zero(rules, make_doc, check, bad):
    rule = rules["contact_report"]
    doc = make_doc(rule, tables={"budget": [{"amount": D("100")}, {"amount": bad("=B2*2", "公式没有缓存值")}]},
                   totals={"budget": {"amount": D("300")}})
    spec = {"check": "sum", "table": "budget", "column": "amount", "severity": "error"}
    assert check(rule, doc, spec) == []
    # …the unreadable check reports that cell instead
    out = check(rule, doc, {"check": "unreadable", "severity": "error"})
    assert [(c, cells) for c, _, _, cells in out] == [("unreadable", ("预算!B3",))]


def test_custom_message(rules, make_doc, check):
    rule = rules["contact_report"]
    doc = make_doc(rule, tables={"budget": [{"amount": D("1")}]}, totals={"budget": {"amount": D("2")}})
    spec = {"check": "sum", "table": "budget", "column": "amount", "severity": "error",
            "message": "请核对{table}：合计写的是 {total}，明细加起来是 {sum}"}
    assert check(rule, doc, spec)[0][2] == "请核对预算：合计写的是 2.00，明细加起来是 1.00"


def test_compile_errors(rules, compile_error):
    rule = rules["creative_brief"]
    assert compile_error(rule, {"check": "sum", "table": "deliverables", "column": "item", "severity": "error"}) == [
        (("checks", 0, "column"), "column 'deliverables.item' has type text; this check needs int or minutes or money or number")]
    assert compile_error(rule, {"check": "sum", "table": "deliverable", "column": "amount", "severity": "error"}) == [
        (("checks", 0, "table"), "'deliverable' is not one of this rule's tables (tables: deliverables)")]
    assert compile_error(rule, {"check": "sum", "table": "deliverables", "column": "amount", "field": "project",
                                "severity": "error"}) == [
        (("checks", 0, "field"), "field 'project' has type text; this check needs int or minutes or money or number")]
    assert compile_error(rule, {"check": "sum", "table": "deliverables", "column": "amount", "severity": "error",
                                "tolerance": -1}) == [
        (("checks", 0, "tolerance"), "Input should be greater than or equal to 0 (got -1)")]
