"""The checks the manual implies, as declared in rules/*.yaml: each clean document
passes every check; each planted mistake gives exactly one finding at its cell."""

import datetime as dt
from decimal import Decimal as D

import pytest

T, DT = dt.time, dt.datetime


def agenda(make_doc, rule, **changes):
    fields = {"client": "星河乳业（上海）有限公司", "meeting_title": "新品上市创意提案会",
              "meeting_date": dt.date(2026, 11, 20), "start_time": T(14, 0), "end_time": T(16, 0),
              "venue": "客户总部3楼会议室", "sent_at": DT(2026, 11, 20, 10, 0)}
    items = [{"no": 1, "topic": "品牌现状回顾", "presenter": "张伟", "minutes": 30},
             {"no": 2, "topic": "创意方案提案", "presenter": "李娜", "minutes": 60},
             {"no": 3, "topic": "讨论与下一步", "presenter": "王磊", "minutes": 30}]
    fields.update(changes.pop("fields", {}))
    for (i, key), value in changes.pop("items", {}).items():
        items[i][key] = value
    return make_doc(rule, fields=fields, tables={"items": items})


def contact_report(make_doc, rule, **changes):
    fields = {"client": "星河乳业（上海）有限公司", "meeting_title": "新品上市创意提案会",
              "meeting_date": DT(2026, 11, 20, 14, 0), "report_date": dt.date(2026, 11, 21), "author": "李娜",
              "distribution": "全体与会人员；客户市场部；项目组"}
    actions = [{"no": 1, "action": "提交修改稿", "owner": "李娜", "due": dt.date(2026, 11, 27)},
               {"no": 2, "action": "确认媒介排期", "owner": "张伟", "due": dt.date(2026, 12, 1)}]
    budget = [{"item": "视频拍摄", "amount": D("120000")}, {"item": "平面设计", "amount": D("80000")}]
    total = {"item": "合计", "amount": D("200000")}
    fields.update(changes.pop("fields", {}))
    for (i, key), value in changes.pop("actions", {}).items():
        actions[i][key] = value
    total.update(changes.pop("total", {}))
    return make_doc(rule, fields=fields, tables={"actions": actions, "budget": budget}, totals={"budget": total})


def creative_brief(make_doc, rule, **changes):
    fields = {"client": "星河乳业", "project": "星河酸奶冬季新品上市", "brief_date": dt.date(2026, 11, 2),
              "ae": "李娜", "background": "冬季是酸奶消费淡季", "objective": "新品认知度达到30%",
              "target_audience": "25–35岁一线城市白领女性", "proposition": "温热也好喝的酸奶",
              "budget_total": D("350000"), "first_review": dt.date(2026, 11, 16),
              "final_deadline": dt.date(2026, 12, 15)}
    rows = [{"item": "15秒TVC", "qty": D(1), "unit_price": D("180000"), "amount": D("180000"),
             "due": dt.date(2026, 12, 10)},
            {"item": "平面KV", "qty": D(4), "unit_price": D("42500"), "amount": D("170000"),
             "due": dt.date(2026, 12, 1)}]
    fields.update(changes.pop("fields", {}))
    for (i, key), value in changes.pop("rows", {}).items():
        rows[i][key] = value
    return make_doc(rule, fields=fields, tables={"deliverables": rows})


def media_brief(make_doc, rule, **changes):
    fields = {"client": "星河乳业", "campaign": "星河酸奶冬季新品上市", "brief_date": dt.date(2026, 11, 2),
              "campaign_start": dt.date(2026, 12, 1), "campaign_end": dt.date(2027, 1, 31),
              "budget_total": D("1200000"), "target_audience": "25–35岁一线城市白领女性"}
    rows = [{"media": "分众电梯屏", "start": dt.date(2026, 12, 1), "end": dt.date(2026, 12, 31), "spots": D(300),
             "unit_price": D(2000), "discount": D("0.8"), "net": D(480000), "share": D("0.4")},
            {"media": "抖音开屏", "start": dt.date(2027, 1, 1), "end": dt.date(2027, 1, 31), "spots": D(18),
             "unit_price": D(50000), "discount": D("0.8"), "net": D(720000), "share": D("0.6")}]
    fields.update(changes.pop("fields", {}))
    for (i, key), value in changes.pop("rows", {}).items():
        rows[i][key] = value
    return make_doc(rule, fields=fields, tables={"plan": rows})


BUILD = {"agenda": agenda, "contact_report": contact_report, "creative_brief": creative_brief,
         "media_brief": media_brief}


@pytest.mark.parametrize("key", list(BUILD))
def test_clean_documents_pass_every_check(rules, make_doc, results, key):
    rule = rules[key]
    out = results(rule, BUILD[key](make_doc, rule))
    # every declared check reports, but sheet_totals (nothing to look at: this layout is form + table sheets)
    assert len(out) == len([c for c in rule.checks if c["check"] != "sheet_totals"])
    assert [(r.check, r.findings) for r in out if r.findings] == []
    assert all(r.title and r.why for r in out)


PLANTED = [
    # agenda: end after start; minutes add up; sent at least 1 hour before; every item has a presenter
    ("agenda", {"fields": {"end_time": T(13, 0)}}, "date_order", "error", ("基本信息!B4", "基本信息!B5")),
    ("agenda", {"items": {(1, "minutes"): 50}}, "duration", "error", ("基本信息!B4", "基本信息!B5")),
    ("agenda", {"fields": {"sent_at": DT(2026, 11, 20, 13, 30)}}, "date_order", "warning",
     ("基本信息!B7", "基本信息!B3", "基本信息!B4")),
    ("agenda", {"items": {(2, "presenter"): None}}, "required", "error", ("议程!C4",)),
    ("agenda", {"fields": {"venue": "内部会议室"}}, "words", "warning", ("基本信息!B6",)),
    # contact report: within 24 hours; owner and due; no due before the meeting; budget; sensitive words
    ("contact_report", {"fields": {"report_date": dt.date(2026, 11, 23)}}, "date_order", "error",
     ("基本信息!B3", "基本信息!B4")),
    ("contact_report", {"actions": {(1, "owner"): None}}, "required", "error", ("行动事项!C3",)),
    ("contact_report", {"actions": {(0, "due"): dt.date(2026, 11, 19)}}, "within", "error", ("行动事项!D2",)),
    ("contact_report", {"total": {"amount": D("210000")}}, "sum", "error", ("预算!B4",)),
    ("contact_report", {"fields": {"distribution": "全体与会人员（机密）"}}, "words", "error", ("基本信息!B6",)),
    # creative brief: amount = qty × price; sum = budget; brief < first review < deadline; due by the deadline
    ("creative_brief", {"rows": {(1, "unit_price"): D("42000")}}, "row_formula", "error", ("交付物!E3",)),
    ("creative_brief", {"fields": {"budget_total": D("360000")}}, "sum", "error", ("基本信息!B9",)),
    ("creative_brief", {"fields": {"first_review": dt.date(2026, 11, 2)}}, "date_order", "error",
     ("基本信息!B3", "基本信息!B10")),
    ("creative_brief", {"fields": {"first_review": dt.date(2026, 12, 15)}}, "date_order", "error",
     ("基本信息!B10", "基本信息!B11")),
    ("creative_brief", {"rows": {(0, "due"): dt.date(2026, 12, 20)}}, "within", "error", ("交付物!F2",)),
    ("creative_brief", {"fields": {"background": ""}}, "required", "error", ("基本信息!B5",)),
    # media brief: net; sum; shares; window; two weeks (warning)
    ("media_brief", {"rows": {(0, "discount"): D("0.7")}}, "row_formula", "error", ("媒介排期!H2",)),
    ("media_brief", {"fields": {"budget_total": D("1000000")}}, "sum", "error", ("基本信息!B6",)),
    ("media_brief", {"rows": {(1, "share"): D("0.5")}}, "percent_total", "error", ("媒介排期!I1",)),
    ("media_brief", {"rows": {(1, "end"): dt.date(2027, 2, 10)}}, "within", "error", ("媒介排期!D3",)),
    ("media_brief", {"fields": {"brief_date": dt.date(2026, 11, 20)}}, "date_order", "warning",
     ("基本信息!B3", "基本信息!B4")),
]


@pytest.mark.parametrize(("key", "changes", "check_name", "severity", "cells"), PLANTED)
def test_planted_mistake(rules, make_doc, check, key, changes, check_name, severity, cells):
    rule = rules[key]
    out = check(rule, BUILD[key](make_doc, rule, **changes))
    assert [(c, s, cl) for c, s, _, cl in out] == [(check_name, severity, cells)], out


def test_agenda_sent_late_reads_well(rules, make_doc, check):
    rule = rules["agenda"]
    out = check(rule, agenda(make_doc, rule, fields={"sent_at": DT(2026, 11, 20, 13, 30)}))
    assert out[0][2] == "议程应在会议开始（2026-11-20 14:00）前至少 1小时 发出，实际发送时间 2026-11-20 13:30"
