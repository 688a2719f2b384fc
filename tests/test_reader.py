"""The workbook reader (contract §1): form and table sheets, labels, totals, cells."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from automator.errors import InputError
from conftest import MINIMAL_REPORT, corpus_file, raw_workbook
from automator.readers.workbook.bind import bind
from automator.readers.workbook.classify import classify
from automator.readers.workbook.read import read_workbook



def read(path: Path, ruleset):  # type: ignore[no-untyped-def]
    book = read_workbook(path)
    return bind(book, classify(book, ruleset, path.name).rule)


def test_contact_report_fields_tables_and_cells(tmp_path: Path, make_workbook, ruleset) -> None:  # type: ignore[no-untyped-def]
    doc = read(make_workbook(tmp_path, "contact_report"), ruleset)
    assert doc.doc_type == "contact_report"
    assert doc.value("client") == "星河乳业（上海）有限公司"
    assert doc.value("meeting_date") == dt.datetime(2026, 11, 24, 14, 0)
    assert doc.value("report_date") == dt.date(2026, 11, 25)  # typed as 2026年11月25日
    assert str(doc.fields["report_date"].ref) == "基本信息!B7"
    actions = doc.tables["actions"]
    assert [r.cells["owner"].value for r in actions.rows] == ["赵敏", "李娜", "刘佳", "王磊"]
    assert actions.rows[2].cells["due"].value == dt.date(2026, 11, 26)  # typed as 2026/11/26
    assert str(actions.rows[2].cells["due"].ref) == "行动事项!D4"
    budget = doc.tables["budget"]
    assert [r.cells["amount"].value for r in budget.rows] == [Decimal(180000), Decimal("60000.00"), Decimal(60000)]
    assert budget.totals is not None and budget.totals.cells["amount"].value == Decimal(300000)
    assert str(budget.totals.cells["amount"].ref) == "预算!B5"
    assert doc.unknown == []


def test_english_labels_and_sheet_names(tmp_path: Path, make_workbook, ruleset) -> None:  # type: ignore[no-untyped-def]
    doc = read(make_workbook(tmp_path, "media_brief", "plan.xlsx", labels="en"), ruleset)
    assert doc.doc_type == "media_brief"
    assert doc.value("budget_total") == Decimal(1200000)
    plan = doc.tables["plan"]
    assert plan.sheet == "Media plan"
    assert [r.cells["discount"].value for r in plan.rows] == [Decimal("0.8"), Decimal("0.9"), Decimal(1), Decimal("0.8")]
    assert plan.totals is not None and plan.totals.cells["share"].value == Decimal(1)


def test_labels_ignore_case_blanks_colons_and_use_aliases(tmp_path: Path, ruleset) -> None:  # type: ignore[no-untyped-def]
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Info"
    for row in [("DOCUMENT TYPE:", "contact report"), (" 客户名称： ", "某某公司"), ("会议主题", "周会"),
                ("", "no label: ignored"), ("会议日期", "2026-11-20"), ("报告日期", "2026-11-20"),
                ("撰写人", "李娜"), ("预算负责人", "王磊")]:
        ws.append(row)
    wb.create_sheet("Actions").append(["No.", "Action", "OWNER", "Due date", "备注"])
    wb["Actions"].append([1, "出稿", "李娜", "2026-11-22", "加急"])
    path = tmp_path / "x.xlsx"
    wb.save(path)
    doc = read(path, ruleset)
    assert doc.value("client") == "某某公司"
    assert doc.tables["actions"].rows[0].cells["owner"].value == "李娜"
    assert doc.tables["actions"].rows[0].extra["备注"].value == "加急"
    assert [(label, str(ref), kind) for label, ref, kind in doc.unknown] == [
        ("预算负责人", "Info!A8", "字段"), ("备注", "Actions!E1", "列")]


def test_unreadable_values_keep_their_cell(tmp_path: Path, make_workbook, ruleset) -> None:  # type: ignore[no-untyped-def]
    path = make_workbook(tmp_path, "creative_brief", fields={"budget_total": "三十五万", "first_review": "11月16日"})
    doc = read(path, ruleset)
    assert doc.fields["budget_total"].value is None
    assert "三十五万" in (doc.fields["budget_total"].problem or "")
    assert "缺少年份" in (doc.fields["first_review"].problem or "")
    assert str(doc.fields["first_review"].ref) == "基本信息!B16"


def test_formula_values_come_from_the_cache_and_missing_caches_are_never_zero(tmp_path: Path, ruleset) -> None:  # type: ignore[no-untyped-def]
    path = raw_workbook(tmp_path / "formula.xlsx", {
        "基本信息": MINIMAL_REPORT,
        "预算": [("项目", "金额"), ("拍摄", 100), ("剪辑", 50), ("合计", "=SUM(B2:B3)")]})  # openpyxl writes no cache
    doc = read(path, ruleset)
    total = doc.tables["budget"].totals.cells["amount"]  # type: ignore[union-attr]
    assert total.formula == "=SUM(B2:B3)"
    # Either evaluated to the true sum, or marked unreadable: never 0 or blank without a problem.
    assert total.value == Decimal(150) or (total.value is None and "没有保存计算结果" in (total.problem or ""))


def test_merged_label_applies_to_each_row(tmp_path: Path, ruleset) -> None:  # type: ignore[no-untyped-def]
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "基本信息"
    ws.append(["客户会议报告"])
    ws.merge_cells("A1:B1")  # a title line across the form: not a field
    for row in [("文档类型", "客户会议报告"), ("客户", "某某"), ("会议主题", "周会")]:
        ws.append(row)
    path = tmp_path / "merged.xlsx"
    wb.save(path)
    doc = read(path, ruleset)
    assert doc.value("client") == "某某"
    assert doc.unknown == []


def test_strict_open_xml_is_read_not_reported_empty() -> None:
    book = read_workbook(corpus_file("xlsx", "calamine__strict_iso_paths.xlsx"))
    assert book.reader == "calamine" and sum(len(s.rows) for s in book.sheets.values()) > 0


def test_a_workbook_with_no_sheets_is_rejected_in_plain_words() -> None:
    with pytest.raises(InputError, match="没有可读取的工作表"):
        read_workbook(corpus_file("xlsx", "excelize__BadWorkbook.xlsx"))
