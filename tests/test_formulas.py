"""Formula cells without cached values (workbooks written by scripts) are computed, or left absent."""

import time
from decimal import Decimal as D

import openpyxl
import pytest

from automator.document import CellRef
from automator.readers.workbook.formulas import evaluate


def book(path, sheets):
    """sheets: {name: {coord: value}} -> an .xlsx written by openpyxl (so: no cached formula values)."""
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, cells in sheets.items():
        ws = wb.create_sheet(name)
        for coord, value in cells.items():
            ws[coord] = value
    wb.save(path)
    return path


@pytest.fixture
def brief(tmp_path):
    return book(tmp_path / "创意简报.xlsx", {
        "基本信息": {"A1": "预算总额", "B1": "=交付物!E5", "A2": "含税", "B2": "=ROUND(B1*1.06,2)",
                  "A3": "余额", "B3": "='交付物 备注'!B1-B1"},
        "交付物": {"A1": "项目", "C1": "数量", "D1": "单价", "E1": "金额",
                "A2": "TVC", "C2": 3, "D2": 8000.1, "E2": "=C2*D2",
                "A3": "KV", "C3": 2, "D3": 1000.1, "E3": "=$C$3*$D$3",
                "A4": "海报", "C4": 1, "D4": 333.333, "E4": "=ROUND(C4*D4,2)",
                "A5": "合计", "E5": "=SUM(E2:E4)"},
        "交付物 备注": {"B1": 100000},
    })


def test_sum_products_round_and_references_across_sheets(brief):
    refs = [CellRef("交付物", c) for c in ("E2", "E3", "E4", "E5")] + [CellRef("基本信息", c) for c in
                                                                      ("B1", "B2", "B3")]
    assert evaluate(brief, refs) == {
        CellRef("交付物", "E2"): D("24000.3"),       # exact: not 24000.300000000003
        CellRef("交付物", "E3"): D("2000.2"),
        CellRef("交付物", "E4"): D("333.33"),
        CellRef("交付物", "E5"): D("26333.83"),
        CellRef("基本信息", "B1"): D("26333.83"),
        CellRef("基本信息", "B2"): D("27913.86"),    # 27913.8598 rounded
        CellRef("基本信息", "B3"): D("73666.17"),    # quoted sheet name with a blank
    }


@pytest.mark.parametrize(("formula", "expected"), [
    ("=-A1+A2*2", D(6)),
    ("=(A1+A2)/4", D("4.5")),
    ("=A1*50%", D(5)),
    ("=SUM(A1:A3, 4, -1)", D(21)),        # A3 is text: SUM skips it
    ("=A1+B9", D(10)),                    # an empty cell is 0 in arithmetic, as in Excel
    ("=ROUND(2.5,0)+ROUND(-2.5,0)", D(0)),  # half away from zero: 3 + -3
    ("=ROUND(1234.5,-2)", D(1200)),
    ("=ROUNDUP(1.21,1)+ROUNDDOWN(1.29,1)", D("2.5")),
    ("=MAX(A1:A2)-MIN(A1:A2)+ABS(-1)", D(3)),
    ("=AVERAGE(A1:A2)*PRODUCT(A1,2)", D(180)),
    ("=sum(a1:a2)", D(18)),
])
def test_arithmetic_and_functions(tmp_path, formula, expected):
    path = book(tmp_path / "x.xlsx", {"S": {"A1": 10, "A2": 8, "A3": "备注", "C1": formula}})
    assert evaluate(path, [CellRef("S", "C1")]) == {CellRef("S", "C1"): expected}


@pytest.mark.parametrize("formula", [
    "=A1/0",                 # #DIV/0!
    "=C1+1",                 # refers to itself
    "=缺失!A1",               # no such sheet
    "=#REF!+1",
    "=A3*2",                 # text in arithmetic: #VALUE!
])
def test_cells_that_cannot_be_computed_are_absent(tmp_path, formula):
    path = book(tmp_path / "x.xlsx", {"S": {"A1": 10, "A3": "备注", "C1": formula}})
    assert evaluate(path, [CellRef("S", "C1")]) == {}


def test_other_functions_go_to_the_formulas_package(tmp_path):
    path = book(tmp_path / "x.xlsx", {"S": {"A1": 10, "A2": 8, "C1": '=IF(A1>A2,A1-A2,0)',
                                            "C2": "=NOSUCHFUNCTION(A1)", "C3": "=A1*3"}})
    out = evaluate(path, [CellRef("S", "C1"), CellRef("S", "C2"), CellRef("S", "C3")])
    assert out == {CellRef("S", "C1"): D(2), CellRef("S", "C3"): D(30)}


def test_the_reader_gets_computed_values(tmp_path):
    from automator.readers.workbook.read import read_workbook

    path = book(tmp_path / "x.xlsx", {"预算": {"A1": "项目", "B1": "金额", "A2": "拍摄", "B2": 120000,
                                            "A3": "设计", "B3": 90000.5, "A4": "合计", "B4": "=SUM(B2:B3)",
                                            "A5": "坏", "B5": "=B2/0"}})
    cells = read_workbook(path).sheets["预算"].rows
    assert (cells[4][2].value, cells[4][2].uncached) == (D("210000.5"), False)
    assert (cells[5][2].value, cells[5][2].uncached) == (None, True)


def test_fast_enough(tmp_path):
    rows = {f"E{r}": f"=C{r}*D{r}" for r in range(2, 202)}
    rows.update({f"C{r}": r for r in range(2, 202)} | {f"D{r}": 1.5 for r in range(2, 202)})
    rows["E202"] = "=SUM(E2:E201)"
    path = book(tmp_path / "big.xlsx", {"S": rows})
    start = time.perf_counter()
    out = evaluate(path, [CellRef("S", f"E{r}") for r in range(2, 203)])
    elapsed = time.perf_counter() - start
    assert out[CellRef("S", "E202")] == D("30450")
    assert elapsed < 0.5, elapsed  # typically ~25 ms
