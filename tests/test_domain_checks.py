"""Every check domain.md names, end to end: a workbook with the mistake planted is dropped into
inbox/, and the finding comes back with its check, severity and exact cell. The clean twins are the
shipped examples, which archive with no error (tests/test_pipeline.py)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from conftest import run_json

CASES = [
    # agenda 会议议程
    ("agenda", "结束时间早于开始时间", dict(fields={"end_time": "13:00"}),
     "date_order", "error", ["基本信息!B6", "基本信息!B7"]),
    ("agenda", "议题时长之和不等于会议时长", dict(rows={"items": {2: {"minutes": 30}}}),
     "duration", "error", None),
    ("agenda", "会前不足1小时发出", dict(fields={"sent_at": "2026-11-24 13:30"}),
     "date_order", "warning", ["基本信息!B11", "基本信息!B5", "基本信息!B6"]),
    ("agenda", "议题没有负责人", dict(rows={"items": {1: {"presenter": None}}}),
     "required", "error", ["议程!C3"]),
    # contact report 客户会议报告
    ("contact_report", "会后超过24小时才发报告", dict(fields={"report_date": "2026-11-27"}),
     "date_order", "error", ["基本信息!B5", "基本信息!B7"]),
    ("contact_report", "行动没有负责人", dict(rows={"actions": {1: {"owner": None}}}),
     "required", "error", ["行动事项!C3"]),
    ("contact_report", "行动没有截止日期", dict(rows={"actions": {2: {"due": None}}}),
     "required", "error", ["行动事项!D4"]),
    ("contact_report", "截止日期早于会议", dict(rows={"actions": {0: {"due": dt.date(2026, 11, 20)}}}),
     "within", "error", ["行动事项!D2"]),
    ("contact_report", "预算明细与合计不符", dict(totals={"budget": {"amount": 310000}}),
     "sum", "error", ["预算!B5"]),
    ("contact_report", "含有敏感字样", dict(fields={"distribution": "内部资料，不得外传"}),
     "words", "error", ["基本信息!B9"]),
    # creative brief 创意简报
    ("creative_brief", "金额不等于数量×单价", dict(rows={"deliverables": {1: {"amount": 61000}}}),
     "row_formula", "error", ["交付物!E3"]),
    ("creative_brief", "金额之和不等于预算总额", dict(fields={"budget_total": 360000}),
     "sum", "error", ["基本信息!B15", "交付物!E6"]),
    ("creative_brief", "简报日期晚于首次提案", dict(fields={"first_review": "2026-11-01"}),
     "date_order", "error", ["基本信息!B5", "基本信息!B16"]),
    ("creative_brief", "首次提案晚于最终交付", dict(fields={"final_deadline": dt.date(2026, 11, 10)}),
     "date_order", "error", ["基本信息!B16", "基本信息!B17"]),
    ("creative_brief", "交付物晚于最终交付日期", dict(rows={"deliverables": {0: {"due": dt.date(2026, 12, 20)}}}),
     "within", "error", ["交付物!F2"]),
    # media brief 媒介简报
    ("media_brief", "净额不等于次数×单价×折扣", dict(rows={"plan": {1: {"net": 380000}}}),
     "row_formula", "error", ["媒介排期!H3"]),
    ("media_brief", "净额之和不等于预算总额", dict(fields={"budget_total": 1300000}),
     "sum", "error", ["基本信息!B8", "媒介排期!H6"]),
    ("media_brief", "占比之和不是100%", dict(rows={"plan": {2: {"share": "25%"}}}),
     "percent_total", "error", ["媒介排期!I6"]),
    ("media_brief", "排期超出投放期", dict(rows={"plan": {3: {"end": dt.date(2027, 2, 10)}}}),
     "within", "error", ["媒介排期!D5"]),
    ("media_brief", "简报距投放不足两周", dict(fields={"brief_date": "2026-11-25"}),
     "date_order", "warning", ["基本信息!B5", "基本信息!B6"]),
]


@pytest.mark.parametrize("key,mistake,changes,check,severity,cells", CASES, ids=[c[1] for c in CASES])
def test_planted_mistake_is_found_at_its_cell(root: Path, make_workbook, key: str, mistake: str,  # type: ignore[no-untyped-def]
                                              changes: dict, check: str, severity: str, cells: list[str] | None) -> None:
    make_workbook(root / "inbox", key, **changes)
    code, out = run_json("run", root=root)
    (result,) = out["results"]
    found = [f for f in result["findings"] if f["check"] == check and f["severity"] == severity]
    assert found, result["findings"]
    if cells is not None:
        assert cells in [f["cells"] for f in found], found
    else:
        assert all(f["cells"] for f in found)
    # An error sends the document to review; a warning archives it with the warning in its report.
    expected = "review" if severity == "error" else "archived"
    assert (result["status"], code) == (expected, 1 if severity == "error" else 0)
    if severity == "warning":
        report = next(o for o in result["outputs"] if o.endswith("检查报告.md"))
        assert found[0]["message"] in (root / report).read_text("utf-8")


def test_a_new_check_is_one_line_in_the_rule_file(root: Path, make_workbook) -> None:  # type: ignore[no-untyped-def]
    rule = root / "rules" / "contact_report.yaml"
    rule.write_text(rule.read_text("utf-8") + (
        "  - {check: required, table: decisions, columns: [item, decision], severity: error,\n"
        "     why: 每项决议都要写明事项和决定}\n"), "utf-8")
    make_workbook(root / "inbox", "contact_report", rows={"decisions": {1: {"decision": None}}})
    code, out = run_json("run", root=root)
    (result,) = out["results"]
    assert result["status"] == "review"
    assert [f["cells"] for f in result["findings"]] == [["决议事项!C3"]]
