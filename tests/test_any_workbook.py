"""Any workbook, any layout (issue 13): spreadsheets laid out as agencies receive them.

Each layout in tests/sheets/layouts.py is correct as made; each `plant` is one mistake a
person leaves. The clean version must be silent (no error, no warning); each planted
mistake must be an error at its cell. Read and checked in-process (the reader and the
checks the pipeline runs); the CLI tests at the end drop files into a real root.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from conftest import run_json
from sheets import layouts as L

from automator.checks import run_checks
from automator.readers.workbook import read_document


def check(path: Path, ruleset):  # type: ignore[no-untyped-def]
    reading = read_document(path, ruleset, path.name)
    results = run_checks(reading.doc, reading.rule, ruleset.checks[reading.rule.key])
    return reading, [f for r in results for f in r.findings]


def errors_at(findings) -> set[str]:  # type: ignore[no-untyped-def]
    return {str(c) for f in findings if f.severity == "error" for c in f.cells[:1]}


CASES = [
    # (layout, plant, the type it is read as, the cell the mistake must be reported at)
    (L.production_quote, "amount", "quote", "报价单!F9"),       # 1 × 8,000 typed as 7,000
    (L.production_quote, "subtotal", "quote", "报价单!F14"),    # a group's 小计 typed wrong
    (L.production_quote, "total", "quote", "报价单!F15"),       # 合计 ≠ the 小计s
    (L.production_quote, "tax", "quote", "报价单!F16"),         # 税金（6%）≠ 6% of 合计
    (L.production_quote, "grand", "quote", "报价单!F17"),       # 总计 ≠ 合计 + 税金
    (L.production_quote, "capital", "quote", "报价单!A18"),     # 大写 ≠ 总计
    (L.group_budget, "subtotal", "workbook", "2026预算!C8"),    # 媒介小计 ≠ its two lines
    (L.group_budget, "grand", "workbook", "2026预算!C14"),      # 总计 ≠ the 小计s
    (L.group_budget, "item", "workbook", "2026预算!C8"),        # a line changed, its 小计 not
    (L.merged_subtotal_quote, "merged", "workbook", "Sheet1!F6"),  # 小计 merged over F6:F8
    (L.text_amounts, "total", "workbook", "供应商费用!C10"),     # '673元/年', '1.2万', '3k'… and a typed 合计
    (L.text_amounts, "unit", "workbook", "供应商费用!C10"),      # 1.2万 → 1.3万 under an unchanged 合计
    (L.module_budget, "parent", "workbook", "项目预算!B7"),      # a module ≠ its indented lines
    (L.module_budget, "child", "workbook", "项目预算!B11"),      # a line under a module changed
    (L.formula_budget, "typed", "workbook", "预算!C9"),          # 合计 typed over the SUM
    (L.formula_budget, "text", "workbook", "预算!C6"),           # SUM skips '6825元' typed as text
    (L.formula_budget, "stale", "workbook", "预算!C9"),          # the saved result is out of date
    (L.formula_budget, "range", "workbook", "预算!C6"),          # =SUM(C4:C4) leaves out a line of its group
    (L.side_by_side, "right", "workbook", "费用汇总!F6"),         # the right-hand table's 合计
    (L.media_plan, "row", "workbook", "2026媒介排期!F3"),          # a row's 合计 column
    (L.text_sums, "wrong", "workbook", "Sheet!B2"),              # '9000+2190=11290' typed as text
    (L.days_quote, "amount", "workbook", "拍摄报价!E4"),           # 人数 × 天数 × 单价 ≠ 金额
    (L.one_sheet_contact_report, "budget", "contact_report", "会议报告!B22"),
    (L.unmarked_modules, "total", "workbook", "Sheet!B8"),       # nothing marks the module rows: still found
    (L.chapter_budget, "parent", "workbook", "预算!B2"),          # 一、 over unnumbered lines, confirmed by 合计
    (L.payment_schedule, "paid", "workbook", "回款计划!C5"),       # 已收 合计; the 余额 column is not added up
    (L.day_schedule, "row", "workbook", "12月排期!J4"),            # a header row of day numbers, a 合计 column
    (L.discount_quote, "amount", "workbook", "媒体报价!E3"),        # 数量 × 单价 × 折扣 (0.8 / 80% / 8折)
    (L.two_row_header_quote, "fee", "workbook", "活动报价!E9"),     # 服务费（10%）under a two-row header
    (L.one_sheet_brief, "amount", "creative_brief", "简报!E19"),    # a 创意简报 on one sheet: label | value lines
    (L.discounted_quote, "tax", "quote", "报价!E11"),               # 合计, 优惠, 服务费 8%, 税金 6%, 总计
    (L.merged_label_quote, "merged", "workbook", "Sheet!E4"),       # 小计 merged beside its lines, no header
]
LAYOUTS = sorted({case[0] for case in CASES}, key=lambda f: f.__name__)


@pytest.mark.parametrize("layout", LAYOUTS, ids=lambda f: f.__name__)
def test_the_clean_version_is_silent(tmp_path: Path, ruleset, layout) -> None:  # type: ignore[no-untyped-def]
    reading, findings = check(layout(tmp_path / f"{layout.__name__}.xlsx"), ruleset)
    assert [(f.severity, f.message, f.refs) for f in findings] == []
    assert reading.doc.layout is not None and reading.doc.layout.tables, "the tables were found"


@pytest.mark.parametrize(("layout", "plant", "kind", "cell"), CASES,
                         ids=[f"{c[0].__name__}-{c[1]}" for c in CASES])
def test_each_planted_mistake_is_an_error_at_its_cell(tmp_path: Path, ruleset, layout, plant, kind,  # type: ignore[no-untyped-def]
                                                      cell) -> None:
    reading, findings = check(layout(tmp_path / f"{layout.__name__}.xlsx", plant), ruleset)
    assert reading.rule.key == kind, reading.how
    assert cell in errors_at(findings), [(f.severity, f.message, f.refs) for f in findings]


def test_a_mistake_is_reported_once_and_explained(tmp_path: Path, ruleset) -> None:  # type: ignore[no-untyped-def]
    _, findings = check(L.group_budget(tmp_path / "b.xlsx", "subtotal"), ruleset)
    assert [f.refs for f in findings] == [("2026预算!C8",)]  # not also the 总计, which agrees with the lines
    _, findings = check(L.group_budget(tmp_path / "b.xlsx", "grand"), ruleset)
    [finding] = findings
    assert "720,000.00" in finding.message and "700,000.00" in finding.message
    assert (finding.expected, finding.actual) == ("700000.00", "720000.00")


def test_indentation_by_spaces_and_by_numbering_make_parents_too(tmp_path: Path, ruleset) -> None:  # type: ignore[no-untyped-def]
    for indent in ("spaces", "numbers"):
        clean = L.module_budget(tmp_path / f"{indent}.xlsx", indent=indent)
        assert check(clean, ruleset)[1] == [], indent
        planted = L.module_budget(tmp_path / f"{indent}-bad.xlsx", "parent", indent=indent)
        assert "项目预算!B7" in errors_at(check(planted, ruleset)[1]), indent


def test_a_typed_total_that_agrees_is_fine_and_formulas_are_computed(tmp_path: Path, ruleset) -> None:  # type: ignore[no-untyped-def]
    reading, findings = check(L.formula_budget(tmp_path / "f.xlsx", "typed-ok"), ruleset)
    assert findings == []
    reading, _ = check(L.formula_budget(tmp_path / "g.xlsx"), ruleset)
    table = reading.doc.layout.tables[0]
    total = next(r for r in table.rows if r.role == "total")
    assert total.numbers[3].value == 21825  # =C6+C8, saved by openpyxl without a result: computed by our engine


def test_what_cannot_be_decided_is_a_warning(tmp_path: Path, ruleset) -> None:  # type: ignore[no-untyped-def]
    _, findings = check(L.estimate_with_tbd(tmp_path / "待定.xlsx"), ruleset)
    assert [(f.severity, f.code, f.refs) for f in findings] == [("warning", "total-unsure", ("Sheet!B4",))]
    assert "待定" in findings[0].message


def test_formatting_across_whole_rows_costs_what_the_cells_cost(tmp_path: Path, ruleset) -> None:  # type: ignore[no-untyped-def]
    import time

    path = L.formatted_to_xfd(tmp_path / "宽.xlsx")  # the sheet's used range is A1:XFD40
    start = time.perf_counter()
    reading, findings = check(path, ruleset)
    assert time.perf_counter() - start < 2
    assert findings == [] and reading.doc.layout.tables[0].area == "A1:B40"


def test_an_external_link_is_a_warning_on_its_cell_and_never_computed(tmp_path: Path, ruleset) -> None:  # type: ignore[no-untyped-def]
    reading, findings = check(L.external_link(tmp_path / "x.xlsx"), ruleset)
    assert [(f.severity, f.code, f.refs) for f in findings] == [("warning", "external-link", ("Sheet!B2",))]
    assert reading.doc.layout.book.evaluated == 0


def test_the_quote_in_excel_is_read_as_a_quote(tmp_path: Path, ruleset) -> None:  # type: ignore[no-untyped-def]
    reading, _ = check(L.production_quote(tmp_path / "报价.xlsx"), ruleset)
    fields = {k: v.value for k, v in reading.doc.fields.items()}
    assert fields["vendor"] == "上海星光影视制作有限公司" and fields["client"] == "唐都食品"
    assert fields["doc_date"] == dt.date(2026, 3, 1) and fields["number"] == "XG-2026-018"
    assert (fields["subtotal"], fields["tax"], fields["total"]) == (53000, 3180, 56180)
    assert fields["total_capital"] == "伍万陆仟壹佰捌拾元整"
    assert [r.cells["item"].value for r in reading.doc.tables["lines"].rows] == ["导演", "脚本", "摄影师", "灯光"]
    assert str(reading.doc.fields["total"].ref) == "报价单!F17"


def test_a_contact_report_on_one_sheet_is_a_contact_report(tmp_path: Path, ruleset) -> None:  # type: ignore[no-untyped-def]
    reading, findings = check(L.one_sheet_contact_report(tmp_path / "会议.xlsx"), ruleset)
    assert reading.rule.key == "contact_report" and findings == []
    assert reading.doc.fields["meeting_date"].value == dt.datetime(2026, 1, 10, 14, 0)
    assert str(reading.doc.fields["author"].ref) == "会议报告!D5"  # the value right of its label
    assert {k: len(t.rows) for k, t in reading.doc.tables.items()} == {"attendees": 2, "actions": 2, "budget": 2}
    _, findings = check(L.one_sheet_contact_report(tmp_path / "会议2.xlsx", "late"), ruleset)
    assert [(f.check, f.severity) for f in findings] == [("date_order", "error")]


def test_the_report_says_what_tables_were_found(tmp_path: Path, ruleset) -> None:  # type: ignore[no-untyped-def]
    reading, _ = check(L.group_budget(tmp_path / "预算.xlsx"), ruleset)
    notes = "\n".join(reading.doc.notes)
    assert "2026预算!A4:D14" in notes and "2 行小计" in notes and "1 行总计" in notes
    assert "收款进度" in notes  # the category, from 预算 in the title


# --------------------------------------------------------------------------- through the CLI


def test_unknown_workbooks_are_filed_by_client_year_and_category(root: Path) -> None:
    L.group_budget(root / "inbox" / "2026预算.xlsx")
    L.media_plan(root / "inbox" / "排期.xlsx")
    L.text_amounts(root / "inbox" / "费用.xlsx", "total")
    _, data = run_json("run", root=root)
    out = {Path(r["input"]).name: r for r in data["results"]}
    budget = out["2026预算.xlsx"]
    assert (budget["status"], budget["doc_type"], budget["client"]) == ("archived", "workbook", "唐都食品")
    assert budget["outputs"][0].startswith("outbox/唐都食品/2026/收款进度/2026-01-15_")
    assert out["排期.xlsx"]["outputs"][0].split("/")[3] == "媒介"
    bad = out["费用.xlsx"]
    assert bad["status"] == "review"
    assert [(f["check"], f["cells"]) for f in bad["findings"]] == [
        ("client", []),  # a warning: it names no client and was dropped straight into inbox/
        ("sheet_totals", ["供应商费用!C10"])]
    assert "请放入 inbox/<客户>/ 或写明客户" in bad["findings"][0]["message"]
    marked = [p for p in bad["outputs"] if "标注" in p]
    assert marked and (root / marked[0]).exists()
    assert not list((root / "outbox").rglob("*.docx"))  # nothing is rendered for a general workbook


def test_an_excel_quote_is_filed_as_a_quote_and_its_folder_can_name_the_client(root: Path) -> None:
    folder = root / "inbox" / "唐都食品"
    folder.mkdir()
    L.production_quote(folder / "星光报价.xlsx")
    L.media_plan(folder / "排期.xlsx")  # names no client: the folder does
    _, data = run_json("run", root=root)
    out = {Path(r["input"]).name: r for r in data["results"]}
    quote = out["星光报价.xlsx"]
    assert (quote["status"], quote["doc_type"], quote["client"]) == ("archived", "quote", "唐都食品"), quote
    assert quote["outputs"] == ["outbox/唐都食品/2026/报价/2026-03-01_上海星光影视制作有限公司_XG-2026-018.xlsx",
                                "outbox/唐都食品/2026/报价/2026-03-01_上海星光影视制作有限公司_XG-2026-018.检查报告.md"]
    assert quote["fields"]["total"]["value"] == "56180" and quote["fields"]["total"]["cells"] == ["报价单!F17"]
    plan = out["排期.xlsx"]
    assert (plan["client"], plan["outputs"][0].split("/")[1:4:2]) == ("唐都食品", ["唐都食品", "媒介"])
    report = (root / quote["outputs"][1]).read_text("utf-8")
    assert "## 读取说明" in report and "报价单!A6:F18" in report


def test_a_file_named_for_a_type_is_read_as_it_and_told_what_is_missing(tmp_path: Path, ruleset) -> None:  # type: ignore[no-untyped-def]
    import openpyxl

    wb = openpyxl.load_workbook(L.one_sheet_contact_report(tmp_path / "x.xlsx"))
    wb.active["C5"], wb.active["D5"] = None, None  # no 撰写人
    wb.save(tmp_path / "客户会议报告-春节提案.xlsx")
    reading, findings = check(tmp_path / "客户会议报告-春节提案.xlsx", ruleset)
    assert reading.rule.key == "contact_report"
    assert [(f.check, f.severity) for f in findings] == [("required", "error")] and "撰写人" in findings[0].message
