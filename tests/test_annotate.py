"""The marked copy of a workbook sent to review: red cells, comments, a summary sheet; opens in LibreOffice."""

import shutil
import subprocess

import openpyxl
import pytest
from openpyxl.comments import Comment

from automator.outputs.annotate import AUTHOR, SUMMARY_SHEET, annotate_workbook
from automator.document import Finding, Severity

SUM = Finding("sum", Severity.ERROR, "预算合计 200,000.00 与金额明细之和 210,000.00 不符，相差 10,000.00", ("预算!B4",))
OWNER = Finding("required", Severity.ERROR, "行动事项第3行「负责人」为空", ("行动事项!C3",))
WORDS = Finding("words", Severity.WARNING, "「抄送」含有敏感字样「内部」，请删除或改写", ("基本信息!B3",))
LATE = Finding("date_order", Severity.ERROR, "报告日期 2026-11-23 比 会议日期 2026-11-20 晚 3天，超过 24小时",
               ("基本信息!B1", "基本信息!B2"))
MISSING = Finding("required", Severity.ERROR, "缺少必填项「撰写人」：表中没有这一行，请补上", ())


@pytest.fixture
def workbook(tmp_path):
    wb = openpyxl.Workbook()
    info = wb.active
    info.title = "基本信息"
    for row in (["会议日期", "2026-11-20"], ["报告日期", "2026-11-23"], ["抄送", "内部项目组"],
                ["客户", "星河乳业（上海）有限公司"]):
        info.append(row)
    info["A4"].comment = Comment("客户全称", "李娜")
    budget = wb.create_sheet("预算")
    for row in (["项目", "金额"], ["视频拍摄", 120000], ["平面设计", 90000], ["合计", 200000], ["备注", "=B2+B3"]):
        budget.append(row)
    actions = wb.create_sheet("行动事项")
    for row in (["序号", "行动", "负责人", "截止日期"], [1, "提交修改稿", "李娜", "2026-11-27"],
                [2, "确认排期", None, "2026-11-28"]):
        actions.append(row)
    actions.merge_cells("C3:C4")
    path = tmp_path / "客户会议报告.xlsx"
    wb.save(path)
    return path


def test_offending_cells_are_filled_and_commented(workbook, tmp_path):
    out = tmp_path / "标注.xlsx"
    annotate_workbook(workbook, out, [SUM, OWNER, WORDS, LATE, MISSING])
    wb = openpyxl.load_workbook(out)
    b4 = wb["预算"]["B4"]
    assert (b4.value, b4.fill.start_color.rgb, b4.comment.author) == (200000, "FFFFC7CE", AUTHOR)
    assert b4.comment.text == "【错误】预算合计 200,000.00 与金额明细之和 210,000.00 不符，相差 10,000.00"
    assert wb["预算"]["B5"].value == "=B2+B3"                        # formulas kept
    assert wb["基本信息"]["B3"].fill.start_color.rgb == "FFFFEB9C"    # a warning is yellow
    assert wb["基本信息"]["B3"].comment.text == "【提醒】「抄送」含有敏感字样「内部」，请删除或改写"
    assert [wb["基本信息"][c].comment.text for c in ("B1", "B2")] == [f"【错误】{LATE.message}"] * 2
    assert wb["行动事项"]["C3"].comment.text == f"【错误】{OWNER.message}"   # anchor of the merged C3:C4
    assert wb["基本信息"]["A4"].comment.author == "李娜"                # untouched comment stays
    assert wb["基本信息"]["A1"].fill.fill_type is None                 # untouched cells stay plain


def test_summary_sheet_lists_every_finding_with_links(workbook, tmp_path):
    out = tmp_path / "标注.xlsx"
    annotate_workbook(workbook, out, [WORDS, SUM, MISSING])
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == [SUMMARY_SHEET, "基本信息", "预算", "行动事项"]
    assert wb.active.title == SUMMARY_SHEET
    ws = wb[SUMMARY_SHEET]
    rows = [[c.value for c in row] for row in ws.iter_rows(min_row=3)]
    assert rows == [["序号", "级别", "问题", "单元格"],
                    [1, "错误", SUM.message, "预算!B4"],
                    [2, "错误", MISSING.message, "（无具体单元格）"],
                    [3, "提醒", WORDS.message, "基本信息!B3"]]
    assert ws["D4"].hyperlink.location == "'预算'!B4"
    assert ws["D5"].hyperlink is None
    assert [s.sheet_view.tabSelected for s in wb.worksheets] == [True, False, False, False]


def test_comment_added_to_an_existing_one_and_old_marks_cleared(workbook, tmp_path):
    note = Finding("required", Severity.ERROR, "必填项「客户」为空", ("基本信息!A4",))
    first, second = tmp_path / "1.xlsx", tmp_path / "2.xlsx"
    annotate_workbook(workbook, first, [note, SUM])
    assert openpyxl.load_workbook(first)["基本信息"]["A4"].comment.text == f"客户全称\n——\n【错误】{note.message}"
    annotate_workbook(first, second, [OWNER])      # the marked copy, fixed and dropped again
    wb = openpyxl.load_workbook(second)
    assert (wb["预算"]["B4"].comment, wb["预算"]["B4"].fill.fill_type) == (None, None)
    assert wb.sheetnames.count(SUMMARY_SHEET) == 1
    assert wb["行动事项"]["C3"].comment.author == AUTHOR


def test_cells_outside_the_workbook_are_listed_only(workbook, tmp_path):
    odd = Finding("sum", Severity.ERROR, "发票合计不符", ("p1!R3C5", "没有这张表!B2"))
    out = tmp_path / "标注.xlsx"
    annotate_workbook(workbook, out, [odd])
    ws = openpyxl.load_workbook(out)[SUMMARY_SHEET]
    assert (ws["C4"].value, ws["D4"].value, ws["D4"].hyperlink) == ("发票合计不符", "p1!R3C5、没有这张表!B2", None)


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice not installed")
def test_opens_in_libreoffice(workbook, tmp_path):
    out = tmp_path / "标注.xlsx"
    annotate_workbook(workbook, out, [SUM, OWNER, WORDS, LATE, MISSING])
    done = subprocess.run(["soffice", "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path), str(out)],
                          capture_output=True, text=True, timeout=120,
                          env={"HOME": str(tmp_path), "PATH": "/usr/bin:/bin:/usr/local/bin"})
    pdf = tmp_path / "标注.pdf"
    assert pdf.exists(), done.stderr
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True).stdout
        assert "检查结果" in text and "不符" in text
