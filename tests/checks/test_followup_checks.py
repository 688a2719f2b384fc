"""The client follow-up record's checks: `one_of` (紧急/不紧急) and `within` with `where:` and a gap
(`end: visit_date + 3d` only for urgent rows), each finding at its cell."""

import datetime as dt

D = dt.date
URGENT_3D = {"check": "within", "table": "problems", "columns": ["deadline"], "end": "visit_date + 3d",
             "where": {"urgency": "紧急"}, "severity": "warning"}
CHOICE = {"check": "one_of", "table": "problems", "column": "urgency", "values": ["紧急", "不紧急"],
          "severity": "error"}


def _doc(make_doc, rule, *rows):
    return make_doc(rule, fields={"visit_date": D(2026, 11, 26)}, tables={"problems": list(rows)})


def test_urgent_deadline_more_than_three_days_after_the_visit_is_a_warning_at_its_cell(rules, make_doc, check):
    rule = rules["followup"]
    doc = _doc(make_doc, rule,
               {"problem": "灯箱偏暗", "urgency": "紧急", "department": "创意部", "deadline": D(2026, 11, 29)},
               {"problem": "估价单核对", "urgency": " 紧急 ", "department": "制作部", "deadline": D(2026, 12, 1)},
               {"problem": "每周数据", "urgency": "不紧急", "department": "媒介部", "deadline": D(2026, 12, 20)})
    assert check(rule, doc, URGENT_3D) == [
        ("within", "warning", "问题清单第3行处理期限 2026-12-01 晚于 回访日期后3天 2026-11-29", ("问题清单!E3",))]


def test_the_shipped_rule_words_it_for_the_ae(rules, make_doc, check):
    rule = rules["followup"]
    doc = make_doc(rule, fields={"client": "星河", "visit_date": D(2026, 11, 26), "visitor": "李娜", "contact": "陈思远"},
                   tables={"problems": [{"problem": "估价单核对", "urgency": "紧急", "department": "制作部",
                                         "deadline": D(2026, 12, 1)}]})
    assert check(rule, doc) == [
        ("within", "warning", "问题清单第2行是紧急问题，处理期限 2026-12-01 晚于 回访日期后3天（2026-11-29）", ("问题清单!E2",))]


def test_deadline_before_the_visit_and_missing_urgency_or_department_are_errors(rules, make_doc, check):
    rule = rules["followup"]
    doc = make_doc(rule, fields={"client": "星河", "visit_date": D(2026, 11, 26), "visitor": "李娜", "contact": "陈思远"},
                   tables={"problems": [
                       {"problem": "灯箱偏暗", "urgency": "紧急", "department": "创意部", "deadline": D(2026, 11, 25)},
                       {"problem": "数据周报", "urgency": None, "department": None, "deadline": D(2026, 12, 1)}]})
    assert check(rule, doc) == [
        ("required", "error", "问题清单第3行「紧急程度」为空", ("问题清单!C3",)),
        ("required", "error", "问题清单第3行「负责部门」为空", ("问题清单!D3",)),
        ("within", "error", "问题清单第2行处理期限 2026-11-25 早于 回访日期 2026-11-26", ("问题清单!E2",))]


def test_one_of_names_the_value_and_the_choices(rules, make_doc, check):
    rule = rules["followup"]
    doc = _doc(make_doc, rule, {"problem": "a", "urgency": "很急"}, {"problem": "b", "urgency": "ＵＲＧＥＮＴ"},
               {"problem": "c", "urgency": "不紧急"}, {"problem": "d", "urgency": None})
    assert check(rule, doc, CHOICE) == [
        ("one_of", "error", "问题清单第2行紧急程度「很急」不是可选值（紧急、不紧急）", ("问题清单!C2",)),
        ("one_of", "error", "问题清单第3行紧急程度「ＵＲＧＥＮＴ」不是可选值（紧急、不紧急）", ("问题清单!C3",))]


def test_rule_mistakes_are_refused_at_load(rules, compile_error):
    rule = rules["followup"]
    assert compile_error(rule, {**URGENT_3D, "where": {"urgent": "紧急"}}) == [
        (("checks", 0, "where"), "'urgent' is not a column of table 'problems' (columns: no, problem, urgency, "
                                 "department, deadline, status)")]
    assert compile_error(rule, {**URGENT_3D, "end": "visit_date + 3 weeks"}) == [
        (("checks", 0, "end"), "gap must look like 30m, 1h, 24h or 14d (got '3 weeks')")]
    assert compile_error(rule, {**CHOICE, "values": []}) == [
        (("checks", 0, "values"), "`values:` must list the allowed choices, e.g. [紧急, 不紧急]")]
    assert compile_error(rule, {**CHOICE, "column": "deadline"}) == [
        (("checks", 0, "column"), "column 'problems.deadline' has type date; this check needs text")]
