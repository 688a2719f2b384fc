"""The calamine-only path for formula-free workbooks gives what the openpyxl path gives."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from openpyxl import Workbook

from automator.readers.workbook.read import RawWorkbook, _read_openpyxl, _read_plain, read_workbook
from conftest import CORPUS_ROOT

CORPUS = CORPUS_ROOT / "xlsx"


def _cells(book: RawWorkbook) -> dict[str, dict[tuple[int, int], tuple[object, ...]]]:
    return {name: {(c.row, c.col): (type(c.value).__name__, c.value, c.formula, c.uncached, c.merged_title)
                   for cells in sheet.rows.values() for c in cells.values()}
            for name, sheet in book.sheets.items()}


def _typed(path: Path) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.title = "基本信息"
    rows = [("客户", "星河乳业（上海）有限公司"), ("会议日期", dt.datetime(2026, 11, 24, 14, 0)),
            ("报告日期", dt.date(2026, 11, 25)), ("开始时间", dt.time(14, 30)), ("时长", dt.timedelta(hours=30)),
            ("金额", 180000), ("单价", 12.5), ("确认", True), ("备注", "  前后有空格 ")]
    for r, (label, value) in enumerate(rows, start=1):
        ws.cell(r, 1, label)
        ws.cell(r, 2, value)
    ws["C1"] = 45000
    ws["C1"].number_format = "yyyy年m月d日"
    ws.merge_cells("D1:F1")
    ws["D1"] = "标题横跨三列"
    ws.merge_cells("G2:G4")
    ws["G2"] = "竖向合并"
    table = wb.create_sheet("预算")
    table.append(["项目", "金额"])
    table.append(["TVC 拍摄制作", 180000])
    table.append(["合计", 180000])
    wb.save(path)
    return path


def test_plain_path_matches_openpyxl_on_typed_values_and_merges(tmp_path: Path) -> None:
    path = _typed(tmp_path / "类型.xlsx")
    plain, full = _read_plain(path), _read_openpyxl(path)
    assert plain is not None and full is not None
    assert plain.reader == "calamine"
    assert _cells(plain) == _cells(full)
    assert plain.sheets["基本信息"].rows[2][2].value == dt.datetime(2026, 11, 24, 14, 0)
    assert plain.sheets["基本信息"].rows[3][2].value == dt.datetime(2026, 11, 25)  # not a bare date
    assert type(plain.sheets["预算"].rows[2][2].value) is int


def test_a_workbook_with_a_formula_takes_the_openpyxl_path(tmp_path: Path) -> None:
    wb = Workbook()
    ws = wb.active
    ws.append(["项目", "金额"])
    ws.append(["拍摄", 100])
    ws.append(["合计", "=SUM(B2:B2)"])
    path = tmp_path / "公式.xlsx"
    wb.save(path)
    assert _read_plain(path) is None
    book = read_workbook(path)
    assert book.reader == "openpyxl"
    assert book.sheets[ws.title].rows[3][2].formula == "=SUM(B2:B2)"


@pytest.mark.skipif(not CORPUS.is_dir(), reason="real-world corpus not present")
def test_plain_path_matches_openpyxl_on_the_corpus() -> None:
    compared = 0
    for path in sorted(CORPUS.glob("*.xlsx")):
        try:
            plain = _read_plain(path)
            full = _read_openpyxl(path) if plain is not None else None
        except Exception:  # noqa: BLE001 - damaged files are other tests' business
            continue
        if plain is None or full is None:
            continue
        a, b = _cells(full), _cells(plain)
        assert set(a) == set(b), path.name
        for name in a:
            assert set(a[name]) == set(b[name]), (path.name, name)
            for key, (kind, value, *rest) in a[name].items():
                got = b[name].get(key)
                assert got is not None, (path.name, name, key)
                if kind == "float" and got[0] == "int":  # a whole number written as "72.0"
                    assert value == got[1]
                elif kind == "str":  # calamine trims an inline string's unpreserved spaces
                    assert str(value).strip() == str(got[1]).strip()
                else:
                    assert (kind, value, *rest) == got, (path.name, name, key)
        compared += 1
    assert compared >= 20
