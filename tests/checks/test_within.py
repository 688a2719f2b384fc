import datetime as dt

D, DT = dt.date, dt.datetime
ACTIONS = {"check": "within", "table": "actions", "columns": ["due"], "start": "meeting_date", "severity": "error"}
PLAN = {"check": "within", "table": "plan", "columns": ["start", "end"], "start": "campaign_start",
        "end": "campaign_end", "severity": "error"}


def test_action_due_before_the_meeting(rules, make_doc, check):
    rule = rules["contact_report"]
    doc = make_doc(rule, fields={"meeting_date": DT(2026, 11, 20, 14, 0)}, tables={"actions": [
        {"action": "提交修改稿", "owner": "李娜", "due": D(2026, 11, 27)},
        {"action": "确认排期", "owner": "张伟", "due": D(2026, 11, 18)},
        {"action": "当天回复", "owner": "王磊", "due": D(2026, 11, 20)}]})
    assert check(rule, doc, ACTIONS) == [
        ("within", "error", "行动事项第3行截止日期 2026-11-18 早于 会议日期 2026-11-20 14:00", ("行动事项!D3",))]


def test_deliverable_due_after_the_final_deadline(rules, make_doc, check):
    rule = rules["creative_brief"]
    spec = {"check": "within", "table": "deliverables", "columns": ["due"], "end": "final_deadline",
            "severity": "error"}
    doc = make_doc(rule, fields={"final_deadline": D(2026, 12, 15)}, tables={"deliverables": [
        {"item": "TVC", "due": D(2026, 12, 15)}, {"item": "KV", "due": DT(2026, 12, 20, 0, 0)}]})
    assert check(rule, doc, spec) == [
        ("within", "error", "交付物第3行交付日期 2026-12-20 晚于 最终交付日期 2026-12-15", ("交付物!F3",))]


def test_media_lines_outside_the_campaign(rules, make_doc, check):
    rule = rules["media_brief"]
    doc = make_doc(rule, fields={"campaign_start": D(2026, 12, 1), "campaign_end": D(2027, 1, 31)},
                   tables={"plan": [
                       {"media": "分众", "start": D(2026, 12, 1), "end": D(2027, 1, 31)},
                       {"media": "抖音", "start": D(2026, 11, 25), "end": D(2027, 2, 5)}]})
    assert [(m, c) for _, _, m, c in check(rule, doc, PLAN)] == [
        ("媒介排期第3行开始日期 2026-11-25 早于 投放开始 2026-12-01", ("媒介排期!C3",)),
        ("媒介排期第3行结束日期 2027-02-05 晚于 投放结束 2027-01-31", ("媒介排期!D3",))]


def test_blank_cells_and_bounds_are_skipped(rules, make_doc, check, bad):
    rule = rules["media_brief"]
    doc = make_doc(rule, fields={"campaign_start": None, "campaign_end": bad("下个月底")},
                   tables={"plan": [{"start": D(2020, 1, 1)}]})
    assert check(rule, doc, PLAN) == []
    doc = make_doc(rule, fields={"campaign_start": D(2026, 12, 1)},
                   tables={"plan": [{"start": None, "end": bad("月底")}]})
    assert check(rule, doc, PLAN) == []


def test_compile_errors(rules, compile_error):
    rule = rules["contact_report"]
    assert compile_error(rule, {"check": "within", "table": "actions", "columns": ["owner"],
                                "severity": "error", "start": "meeting_date"}) == [
        (("checks", 0, "columns"), "column 'actions.owner' has type text; this check needs date or datetime")]
    assert compile_error(rule, {"check": "within", "table": "actions", "columns": ["due"], "severity": "error"}) == [
        (("checks", 0), "give `start:` and/or `end:` (form fields holding the window)")]
