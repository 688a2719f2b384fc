import datetime as dt

import pytest

D, T, DT = dt.date, dt.time, dt.datetime
REPORT = {"check": "date_order", "earlier": "meeting_date", "later": "report_date", "max_gap": "24h",
          "severity": "error"}
SENT = {"check": "date_order", "earlier": "sent_at", "later": "meeting_date + start_time", "min_gap": "1h",
        "severity": "warning"}
TIMES = {"check": "date_order", "earlier": "start_time", "later": "end_time", "min_gap": "1m", "severity": "error"}
PREP = {"check": "date_order", "earlier": "brief_date", "later": "campaign_start", "min_gap": "14d",
        "severity": "warning"}


def test_contact_report_three_days_late(rules, make_doc, check):
    rule = rules["contact_report"]
    doc = make_doc(rule, fields={"meeting_date": DT(2026, 11, 20, 14, 0), "report_date": D(2026, 11, 23)})
    assert check(rule, doc, REPORT) == [
        ("date_order", "error", "报告日期 2026-11-23 比 会议日期 2026-11-20 14:00 晚 3天，超过 24小时",
         ("基本信息!B1", "基本信息!B2"))]


@pytest.mark.parametrize(("meeting", "report"), [
    (DT(2026, 11, 20, 14, 0), D(2026, 11, 21)),              # next day, date only: within 24 hours
    (D(2026, 11, 20), D(2026, 11, 21)),
    (DT(2026, 11, 20, 14, 0), DT(2026, 11, 21, 13, 59)),
    (DT(2026, 11, 20, 14, 0), DT(2026, 11, 21, 0, 0)),       # midnight = typed without a time
    (DT(2026, 11, 20, 14, 0), D(2026, 11, 20)),              # same day
])
def test_contact_report_in_time(rules, make_doc, check, meeting, report):
    rule = rules["contact_report"]
    doc = make_doc(rule, fields={"meeting_date": meeting, "report_date": report})
    assert check(rule, doc, REPORT) == []


def test_exact_times_past_24_hours(rules, make_doc, check):
    rule = rules["contact_report"]
    doc = make_doc(rule, fields={"meeting_date": DT(2026, 11, 20, 14, 0), "report_date": DT(2026, 11, 21, 16, 30)})
    assert check(rule, doc, REPORT)[0][2] == (
        "报告日期 2026-11-21 16:30 比 会议日期 2026-11-20 14:00 晚 1天2小时30分钟，超过 24小时")


def test_report_before_the_meeting(rules, make_doc, check):
    rule = rules["contact_report"]
    doc = make_doc(rule, fields={"meeting_date": D(2026, 11, 20), "report_date": D(2026, 11, 19)})
    assert check(rule, doc, REPORT)[0][2] == "报告日期 2026-11-19 早于 会议日期 2026-11-20"


def test_agenda_sent_too_late(rules, make_doc, check):
    rule = rules["agenda"]
    doc = make_doc(rule, fields={"meeting_date": D(2026, 11, 20), "start_time": T(14, 0),
                                 "sent_at": DT(2026, 11, 20, 13, 30)})
    assert check(rule, doc, SENT) == [
        ("date_order", "warning",
         "会议日期+开始时间 2026-11-20 14:00 只比 发送时间 2026-11-20 13:30 晚 30分钟，应至少晚 1小时",
         ("基本信息!B3", "基本信息!B1", "基本信息!B2"))]


@pytest.mark.parametrize("sent", [DT(2026, 11, 20, 12, 0), DT(2026, 11, 19, 18, 0), D(2026, 11, 20)])
def test_agenda_sent_in_time(rules, make_doc, check, sent):
    rule = rules["agenda"]
    doc = make_doc(rule, fields={"meeting_date": D(2026, 11, 20), "start_time": T(14, 0), "sent_at": sent})
    assert check(rule, doc, SENT) == []


def test_agenda_sent_after_the_meeting_started(rules, make_doc, check):
    rule = rules["agenda"]
    doc = make_doc(rule, fields={"meeting_date": D(2026, 11, 20), "start_time": T(14, 0),
                                 "sent_at": DT(2026, 11, 20, 15, 0)})
    assert check(rule, doc, SENT)[0][2] == (
        "会议日期+开始时间 2026-11-20 14:00 早于 发送时间 2026-11-20 15:00，应至少晚 1小时")


def test_blank_start_time_compares_by_day(rules, make_doc, check):
    rule = rules["agenda"]
    doc = make_doc(rule, fields={"meeting_date": D(2026, 11, 20), "start_time": None,
                                 "sent_at": DT(2026, 11, 21, 9, 0)})
    assert check(rule, doc, SENT) == [
        ("date_order", "warning", "会议日期+开始时间 2026-11-20 早于 发送时间 2026-11-21 09:00，应至少晚 1小时",
         ("基本信息!B3", "基本信息!B1"))]


def test_end_time_before_start_time(rules, make_doc, check):
    rule = rules["agenda"]
    doc = make_doc(rule, fields={"start_time": T(14, 0), "end_time": T(13, 0)})
    assert check(rule, doc, TIMES) == [
        ("date_order", "error", "结束时间 13:00 早于 开始时间 14:00，应至少晚 1分钟", ("基本信息!B1", "基本信息!B2"))]
    doc.fields["end_time"].value = T(14, 0)
    assert check(rule, doc, TIMES)[0][2] == "结束时间 14:00 只比 开始时间 14:00 晚 0分钟，应至少晚 1分钟"
    doc.fields["end_time"].value = T(16, 0)
    assert check(rule, doc, TIMES) == []


def test_media_brief_less_than_two_weeks(rules, make_doc, check):
    rule = rules["media_brief"]
    doc = make_doc(rule, fields={"brief_date": D(2026, 11, 22), "campaign_start": D(2026, 12, 1)})
    assert check(rule, doc, PREP) == [
        ("date_order", "warning", "投放开始 2026-12-01 只比 简报日期 2026-11-22 晚 9天，应至少晚 14天",
         ("基本信息!B1", "基本信息!B2"))]
    doc.fields["brief_date"].value = D(2026, 11, 17)
    assert check(rule, doc, PREP) == []


def test_blank_or_unreadable_sides_are_skipped(rules, make_doc, check, bad):
    rule = rules["contact_report"]
    assert check(rule, make_doc(rule, fields={"meeting_date": None, "report_date": D(2026, 1, 1)}), REPORT) == []
    assert check(rule, make_doc(rule, fields={"meeting_date": bad("下周三"),
                                              "report_date": D(2026, 1, 1)}), REPORT) == []
    assert check(rule, make_doc(rule, fields={}), REPORT) == []


@pytest.mark.parametrize(("spec", "loc", "message"), [
    ({**REPORT, "max_gap": "1 day"}, "max_gap", "gap must look like 30m, 1h, 24h or 14d (got '1 day')"),
    ({**REPORT, "later": "author"}, "later",
     "field 'author' has type text; this check needs date or datetime or time"),
    ({**REPORT, "earlier": "meeting_date + report_date"}, "earlier",
     "field 'report_date' has type datetime; this check needs time"),
    ({**REPORT, "earlier": "meeting_day"}, "earlier",
     "'meeting_day' is not one of this rule's fields (fields: doc_type, client, brand, meeting_title, "
     "meeting_date, venue, report_date, author, distribution)"),
])
def test_compile_errors(rules, compile_error, spec, loc, message):
    assert compile_error(rules["contact_report"], spec) == [(("checks", 0, loc), message)]


def test_a_time_cannot_be_compared_with_a_date(rules, compile_error):
    spec = {"check": "date_order", "earlier": "start_time", "later": "meeting_date", "severity": "error"}
    assert compile_error(rules["agenda"], spec) == [
        (("checks", 0, "later"), "a time of day can only be compared with another time "
                                 "(use `date_field + time_field` to compare with a date)")]
