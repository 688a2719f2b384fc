import datetime as dt

SPEC = {"check": "duration", "table": "items", "column": "minutes", "start": "start_time", "end": "end_time",
        "severity": "error"}


def items(*minutes):
    return {"items": [{"topic": f"议题{i}", "minutes": m} for i, m in enumerate(minutes, start=1)]}


def test_minutes_do_not_fill_the_meeting(rules, make_doc, check):
    rule = rules["agenda"]
    doc = make_doc(rule, fields={"start_time": dt.time(14, 0), "end_time": dt.time(16, 0)},
                   tables=items(30, 45, 35))
    assert check(rule, doc, SPEC) == [
        ("duration", "error", "议程各项时长(分钟)之和 110 分钟，与 14:00–16:00 的 120 分钟不符，相差 10 分钟",
         ("基本信息!B1", "基本信息!B2"))]


def test_totals_row_cell_comes_first(rules, make_doc, check):
    rule = rules["agenda"]
    doc = make_doc(rule, fields={"start_time": dt.time(14, 0), "end_time": dt.time(16, 0)},
                   tables=items(30, 100), totals={"items": {"no": "合计", "minutes": 130}})
    assert check(rule, doc, SPEC)[0][3] == ("议程!D4", "基本信息!B1", "基本信息!B2")


def test_minutes_that_fill_the_meeting(rules, make_doc, check):
    rule = rules["agenda"]
    doc = make_doc(rule, fields={"start_time": dt.time(14, 0), "end_time": dt.time(16, 0)},
                   tables=items(30, 45, 45))
    assert check(rule, doc, SPEC) == []


def test_tolerance_in_minutes(rules, make_doc, check):
    rule = rules["agenda"]
    doc = make_doc(rule, fields={"start_time": dt.time(9, 30), "end_time": dt.time(11, 0)}, tables=items(40, 45))
    assert check(rule, doc, {**SPEC, "tolerance": 5}) == []


def test_skipped_when_a_row_is_blank_or_the_end_is_not_after_the_start(rules, make_doc, check):
    rule = rules["agenda"]
    doc = make_doc(rule, fields={"start_time": dt.time(14, 0), "end_time": dt.time(16, 0)}, tables=items(30, None))
    assert check(rule, doc, SPEC) == []
    doc = make_doc(rule, fields={"start_time": dt.time(16, 0), "end_time": dt.time(14, 0)}, tables=items(30))
    assert check(rule, doc, SPEC) == []


def test_compile_errors(rules, compile_error):
    assert compile_error(rules["agenda"], {**SPEC, "start": "meeting_date"}) == [
        (("checks", 0, "start"), "field 'meeting_date' has type date; this check needs datetime or time")]
    assert compile_error(rules["agenda"], {**SPEC, "column": "topic"}) == [
        (("checks", 0, "column"), "column 'items.topic' has type text; this check needs int or minutes or number")]
