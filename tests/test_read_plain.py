"""The calamine-only path for formula-free workbooks gives what the openpyxl path gives."""

from __future__ import annotations

import datetime as dt
import re
import zipfile
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


def test_a_workbook_with_formulas_keeps_them_without_openpyxl(tmp_path: Path) -> None:
    wb = Workbook()
    ws = wb.active
    ws.append(["项目", "金额"])
    ws.append(["拍摄", 100])
    ws.append(["设计", 50])
    ws.append(["合计", "=SUM(B2:B3)"])
    ws["C2"] = "=B2*2"
    ws["C3"] = "=B3*2"  # openpyxl writes these two as they are; Excel would share one formula
    path = tmp_path / "公式.xlsx"
    wb.save(path)
    assert _read_plain(path) is None
    book = read_workbook(path, evaluate=False)
    assert book.reader == "calamine"
    total = book.sheets[ws.title].rows[4][2]
    assert (total.formula, total.value, total.uncached) == ("=SUM(B2:B3)", None, True)  # not computed yet
    book.resolve([(ws.title, total)])
    assert (total.value, total.uncached) == (150, False)
    assert book.sheets[ws.title].rows[3][3].uncached  # only what was asked for


def _shared_formula_book(path: Path) -> Path:
    """Excel writes a filled-down formula once, as a shared formula; openpyxl does not, so patch it in."""
    wb = Workbook()
    ws = wb.active
    for r in range(1, 5):
        ws.cell(r, 1, r * 10)
        ws.cell(r, 2, f"=A{r}*2")
    wb.save(path)
    with zipfile.ZipFile(path) as zin:
        parts = {i.filename: zin.read(i) for i in zin.infolist()}
    xml = parts["xl/worksheets/sheet1.xml"].decode()
    xml = xml.replace("<f>A1*2</f><v></v>", '<f t="shared" ref="B1:B4" si="0">A1*2</f><v>20</v>')
    for r in range(2, 5):
        xml = xml.replace(f"<f>A{r}*2</f><v></v>", f'<f t="shared" si="0"/><v>{r * 20}</v>')
    parts["xl/worksheets/sheet1.xml"] = xml.encode()
    with zipfile.ZipFile(path, "w") as zout:
        for name, data in parts.items():
            zout.writestr(name, data)
    return path


def test_shared_formulas_are_expanded_as_openpyxl_expands_them(tmp_path: Path) -> None:
    path = _shared_formula_book(tmp_path / "共享公式.xlsx")
    ours, theirs = read_workbook(path), _read_openpyxl(path)
    assert theirs is not None
    for book in (ours, theirs):
        assert [book.sheets["Sheet"].rows[r][2].formula for r in range(1, 5)] == [f"=A{r}*2" for r in range(1, 5)]
        assert [book.sheets["Sheet"].rows[r][2].value for r in range(1, 5)] == [20, 40, 60, 80]


def _cjk_dates(path: Path) -> Path:
    """numFmtId 31 is zh-CN's built-in yyyy"年"m"月"d"日" (no <numFmt> entry: Excel knows it)."""
    wb = Workbook()
    ws = wb.active
    ws["A1"], ws["B1"] = 44037, 0.5
    ws["A1"].number_format = ws["B1"].number_format = "0.0000000"  # a custom id (164) to patch
    wb.save(path)
    with zipfile.ZipFile(path) as zin:
        parts = {i.filename: zin.read(i) for i in zin.infolist()}
    styles = re.sub(rb"<numFmts.*?</numFmts>", b"", parts["xl/styles.xml"]).replace(b'numFmtId="164"',
                                                                                    b'numFmtId="31"')
    parts["xl/styles.xml"] = styles
    with zipfile.ZipFile(path, "w") as zout:
        for name, data in parts.items():
            zout.writestr(name, data)
    return path


def test_east_asian_built_in_date_formats_are_dates_on_both_paths(tmp_path: Path) -> None:
    """What Excel (zh-CN) shows for these cells is 2020年7月25日: a date, not the serial 44037."""
    path = _cjk_dates(tmp_path / "进度.xlsx")
    plain, full = _read_plain(path), _read_openpyxl(path)
    assert plain is not None and full is not None
    for book in (plain, full):
        assert book.sheets["Sheet"].rows[1][1].value == dt.datetime(2020, 7, 25)
        assert book.sheets["Sheet"].rows[1][2].value == dt.time(12, 0)


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


@pytest.mark.slow  # an openpyxl normal-mode load of every corpus workbook with formulas: ~5 s
@pytest.mark.skipif(not CORPUS.is_dir(), reason="real-world corpus not present")
def test_formula_path_matches_openpyxl_on_the_corpus() -> None:
    """Formulas from the sheet XML and cached values from calamine = what openpyxl reads."""
    compared = 0
    for path in sorted(CORPUS.glob("*.xls[xm]")):
        try:
            ours = read_workbook(path, evaluate=False)
            theirs = _read_openpyxl(path) if ours.reader == "calamine" and ours.formulas else None
        except Exception:  # noqa: BLE001 - damaged files are other tests' business
            continue
        if theirs is None:
            continue
        mine = {(s, c.row, c.col): (c.formula, c.uncached) for s, c in ours.formulas}
        # openpyxl also takes a *text* cell that begins with "=" for a formula; it is text
        other = {(s, c.row, c.col): (c.formula, c.uncached) for s, c in theirs.formulas
                 if (s, c.row, c.col) in mine or ours.sheets[s].rows.get(c.row, {}).get(c.col) is None}
        assert mine == other, path.name
        for sheet, cell in theirs.formulas:
            if not cell.uncached:
                got = ours.sheets[sheet].rows[cell.row][cell.col].value
                assert got == cell.value or str(got) == str(cell.value), (path.name, sheet, cell.coord)
        compared += 1
    assert compared >= 5
