"""Our xlsx writer (automator/followup/cells.py, xlsx.py, zipwrite.py) against the readers people use:
hostile strings stay text, dates are dates, money numbers, links relative and Excel-shaped; the package
is a valid zip of well-formed parts, [Content_Types].xml first; openpyxl, python-calamine and
LibreOffice read back the same values."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
import xml.etree.ElementTree as ET
import zipfile
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
import python_calamine

from automator.followup import xlsx
from automator.followup.sheets import Column, Link, Sheet, stage
from followkit import resolve

TEXTS = ["=1+1", '=HYPERLINK("http://evil.example/","点我")', "+86 138 0000 0000", "-5", "@SUM(A1)",
         "中文 & <标签> \"引号\" 'single'", "  lead and trail  ", "tab\there", "line1\nline2", "0042", "1e5", "TRUE",
         "_x0041_ stays literal"]
COLUMNS = [Column("文本", 30), Column("日期", 12, "date"), Column("时间", 17, "datetime"), Column("金额", 14, "money"),
           Column("整数", 8, "int"), Column("链接", 30, "link")]
WHEN = dt.datetime(2026, 11, 24, 14, 30, 15)


def _book(folder: Path, rows: list[list[object]], *, name: str = "测试&表", bold: set[int] | None = None) -> Path:
    sheet = Sheet(name, COLUMNS, rows, bold_rows=bold or set())
    path = folder / "book.xlsx"
    os.replace(stage(path, [sheet, Sheet("空", [Column("甲")])], title="标题 & <测试>", comments="注"), path)
    return path


def _hostile(folder: Path) -> Path:
    (folder / "2026" / "会议 纪要").mkdir(parents=True)
    target = folder / "2026" / "会议 纪要" / "文件 #1 100%.docx"
    target.write_bytes(b"x")
    rows: list[list[object]] = [[text, WHEN.date(), WHEN, Decimal("-1234567.891"), i,
                                 Link("文件 #1.docx", "2026/会议 纪要/文件 #1 100%.docx")] for i, text in enumerate(TEXTS)]
    rows.append(["a\x01b\x0bc\x1f\ufffe" + "x" * 40000, dt.date(1899, 12, 31), None, Decimal("1E+20"), True,
                 Link("太长", "a/" + "长" * 3000)])
    rows.append(["合计", None, None, Decimal("0.1") + Decimal("0.2"), 10**17, ""])
    return _book(folder, rows, bold={len(rows) - 1})


def test_values_read_back_as_written_in_openpyxl_and_calamine(tmp_path: Path) -> None:
    book = _hostile(tmp_path)
    wb = openpyxl.load_workbook(book)
    assert wb.sheetnames == ["测试&表", "空"]
    ws = wb["测试&表"]
    rows = list(ws.iter_rows(min_row=2))
    assert [r[0].value for r in rows[:len(TEXTS) - 1]] == TEXTS[:-1]
    assert {r[0].data_type for r in rows[:len(TEXTS)]} == {"s"}    # every one a string: no formula, number, bool
    assert rows[0][1].value == dt.datetime(2026, 11, 24) and rows[0][1].number_format == "yyyy-mm-dd"
    assert rows[0][2].value.replace(microsecond=0) == WHEN and rows[0][2].number_format == "yyyy-mm-dd hh:mm"
    assert rows[0][3].value == -1234567.891 and rows[0][3].number_format == "#,##0.00"
    assert rows[1][4].value == 1 and rows[1][4].data_type == "n"
    assert rows[0][5].value == "文件 #1.docx" and resolve(book, rows[0][5].hyperlink.target).is_file()
    odd = rows[len(TEXTS)]
    assert odd[0].value == "abc" + "x" * (32767 - 3)        # control characters dropped, cut at Excel's limit
    assert odd[1].value == "1899-12-31" and odd[1].data_type == "s"   # Excel cannot show it as a date
    assert odd[3].value == 1e20 and odd[4].value == "是"
    assert odd[5].hyperlink is None and odd[5].value == "a/" + "长" * 3000   # too long for a link: the path as text
    total = rows[-1]
    assert total[0].font.b and total[3].value == pytest.approx(0.3) and total[5].value is None
    assert ws.freeze_panes == "A2" and ws.auto_filter.ref == "A1:F15"   # the totals row stays out of the filter
    assert wb["空"]["A2"].value == "（暂无）"

    sheet = python_calamine.CalamineWorkbook.from_path(str(book)).get_sheet_by_name("测试&表").to_python()
    assert [r[0] for r in sheet[1:len(TEXTS) + 1]] == TEXTS    # calamine decodes _x005F_ as Excel does
    assert sheet[1][1] == WHEN.date() and sheet[1][2] == WHEN and sheet[1][3] == -1234567.891
    assert sheet[len(TEXTS) + 1][1] == "1899-12-31"


def test_the_package_is_a_valid_zip_of_well_formed_parts_without_formulas(tmp_path: Path) -> None:
    book = _hostile(tmp_path)
    with zipfile.ZipFile(book) as zf:
        assert zf.testzip() is None
        names = zf.namelist()
        assert names[0] == "[Content_Types].xml"
        parts = {n: zf.read(n) for n in names}
    for data in parts.values():
        ET.fromstring(data)   # well-formed XML, every one
    sheet = parts["xl/worksheets/sheet1.xml"].decode()
    assert "<f>" not in sheet and 't="inlineStr"' in sheet and "<hyperlinks>" in sheet
    rels = parts["xl/worksheets/_rels/sheet1.xml.rels"].decode()
    assert 'Target="2026\\会议%20纪要\\文件%20%231%20100%25.docx" TargetMode="External"' in rels   # Excel's form
    types = parts["[Content_Types].xml"].decode()
    assert all(f"/{n}" in types for n in names if n.endswith(".xml") and not n.startswith("["))


def test_a_sheet_keeps_excels_limit_of_links(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(xlsx, "MAX_LINKS", 2)
    (tmp_path / "f.docx").write_bytes(b"x")
    book = _book(tmp_path, [["a", None, None, None, None, Link(f"f{i}", "f.docx")] for i in range(4)])
    ws = openpyxl.load_workbook(book)["测试&表"]
    assert [c.value for c in ws["F"][1:]] == ["f0", "f1", "f2", "f3"]
    assert [bool(c.hyperlink) for c in ws["F"][1:]] == [True, True, False, False]


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice not installed")
def test_libreoffice_reads_the_same_values(tmp_path: Path) -> None:
    book = _hostile(tmp_path)
    env = {"HOME": str(tmp_path), "PATH": "/usr/bin:/bin:/usr/local/bin", "LANG": "C.UTF-8"}  # UTF-8 file names
    out = tmp_path / "csv"
    done = subprocess.run(["soffice", "--headless", "--convert-to",
                           "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1",
                           "--outdir", str(out), str(book)], capture_output=True, text=True, timeout=180, env=env)
    import csv

    sheet = next(out.glob("*测试*.csv"), None)
    assert sheet is not None, (done.stderr, list(out.iterdir()) if out.exists() else None)
    rows = list(csv.reader(sheet.read_text("utf-8").splitlines(keepends=True)))
    assert [r[0] for r in rows[1:len(TEXTS) + 1]] == TEXTS   # formula-looking text stays text: no "2" for =1+1
    assert rows[1][1:5] == ["2026-11-24", "2026-11-24 14:30:15", "-1234567.891", "0"]
