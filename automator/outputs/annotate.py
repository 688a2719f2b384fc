"""A marked copy of the dropped workbook for the AE: offending cells filled and commented.

    annotate_workbook(source, out, findings)

- every cell a finding names is filled light red (error) or light yellow
  (warning only) and carries a comment by "automator" with the messages;
  values, formulas and the rest of the formatting are kept;
- a first sheet 「检查结果」 lists every finding, with a link to its cell
  (findings without a cell, such as a missing label row, are only there).

Marks from an earlier run (an annotated copy dropped again) are cleared first,
so the copy shows only what is wrong now.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from pathlib import Path

import openpyxl
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.worksheet.hyperlink import Hyperlink
from openpyxl.worksheet.worksheet import Worksheet

from automator.checks.unknown_label import SUMMARY_SHEET
from automator.document import CellRef, Finding, Severity
from automator.formatting import clean, printable
from automator.outputs.xlsx_text import append, put

log = logging.getLogger(__name__)
__all__ = ["AUTHOR", "SUMMARY_SHEET", "annotate_workbook"]

AUTHOR = "automator"
ERROR_FILL = PatternFill(fill_type="solid", start_color="FFFFC7CE", end_color="FFFFC7CE")    # Excel's light red
WARNING_FILL = PatternFill(fill_type="solid", start_color="FFFFEB9C", end_color="FFFFEB9C")  # Excel's light yellow
_OURS = {"FFFFC7CE", "FFFFEB9C"}
LABELS = {Severity.ERROR: "错误", Severity.WARNING: "提醒"}


def _anchor(ws: Worksheet, coord: str) -> str:
    """A merged cell's comment and fill belong on the merge's top-left cell."""
    for rng in ws.merged_cells.ranges:
        if coord in rng:
            return str(rng.start_cell.coordinate)
    return coord


def _clear_old_marks(wb: openpyxl.Workbook) -> None:
    if SUMMARY_SHEET in wb.sheetnames:
        del wb[SUMMARY_SHEET]
    for ws in wb.worksheets:
        for cell in list(ws._cells.values()):  # noqa: SLF001 - only cells present in the file
            if cell.comment is not None and cell.comment.author == AUTHOR:
                cell.comment = None
                if cell.fill is not None and cell.fill.fill_type == "solid" and \
                        str(cell.fill.start_color.rgb).upper() in _OURS:
                    cell.fill = PatternFill(fill_type=None)


def _comment(findings: list[Finding], existing: Comment | None) -> Comment:
    lines = [f"【{LABELS.get(f.severity, str(f.severity))}】{printable(clean(f.message))}" for f in findings]
    if existing is not None and existing.author != AUTHOR:
        lines = [existing.text.rstrip(), "——", *lines]
    text = "\n".join(lines)
    comment = Comment(text, AUTHOR)
    # CJK wraps at about 16 characters per line in a 300 pt wide box.
    rows = sum(max(1, len(line) // 16 + 1) for line in text.splitlines())
    comment.width, comment.height = 300, min(600, 20 + 18 * rows)
    return comment


def _summary_sheet(wb: openpyxl.Workbook, findings: list[Finding], placed: set[CellRef]) -> None:
    ws = wb.create_sheet(SUMMARY_SHEET, 0)
    put(ws, 1, 1, "automator 检查结果：请按下列问题修改原工作簿，改好后重新放入收件箱").font = Font(bold=True, size=12)
    for column, title in enumerate(("序号", "级别", "问题", "单元格"), start=1):
        put(ws, 3, column, title).font = Font(bold=True)
    ordered = sorted(findings, key=lambda f: f.severity != Severity.ERROR)  # errors first, order kept
    for n, f in enumerate(ordered, start=1):
        row = append(ws, [n, LABELS.get(f.severity, str(f.severity)), f.message,
                          "、".join(f.refs) or "（无具体单元格）"])
        ws.cell(row, 2).fill = ERROR_FILL if f.severity == Severity.ERROR else WARNING_FILL
        ws.cell(row, 3).alignment = Alignment(wrap_text=True, vertical="top")
        first = next((c for c in f.cells if c in placed), None)
        if first is not None:
            target = ws.cell(row, 4)
            quoted = first.sheet.replace("'", "''")
            target.hyperlink = Hyperlink(ref=target.coordinate, location=f"'{quoted}'!{first.a1}")
            target.font = Font(color="FF0563C1", underline="single")
    ws.column_dimensions["A"].width = 6
    ws.column_dimensions["B"].width = 8
    ws.column_dimensions["C"].width = 70
    ws.column_dimensions["D"].width = 24
    ws.freeze_panes = "A4"
    # Printed or exported to PDF: one page wide, landscape.
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0


def annotate_workbook(source: Path, out: Path, findings: list[Finding]) -> None:
    """Write to `out` a copy of `source` with every finding's cells marked and a summary sheet first."""
    keep_vba = source.suffix.lower() == ".xlsm"
    with source.open("rb") as fh:
        wb = openpyxl.load_workbook(fh, keep_vba=keep_vba, keep_links=True, rich_text=True)
    try:
        _clear_old_marks(wb)
        by_cell: dict[tuple[str, str], list[Finding]] = defaultdict(list)
        placed: set[CellRef] = set()
        for f in findings:
            for ref in f.cells:
                if ref.a1 is None or ref.sheet not in wb.sheetnames:
                    log.info("%s: finding cell %s is not in the workbook", source.name, ref)
                    continue
                sheet, coord = ref.sheet, _anchor(wb[ref.sheet], ref.a1)
                if f not in by_cell[(sheet, coord)]:
                    by_cell[(sheet, coord)].append(f)
                placed.add(ref)
        for (sheet, coord), cell_findings in by_cell.items():
            cell = wb[sheet][coord]
            error = any(f.severity == Severity.ERROR for f in cell_findings)
            cell.fill = ERROR_FILL if error else WARNING_FILL
            cell.comment = _comment(cell_findings, cell.comment)
        _summary_sheet(wb, findings, placed)
        for ws in wb.worksheets:  # several selected tabs would open as a group in Excel
            ws.sheet_view.tabSelected = False
        wb.active = 0
        wb[SUMMARY_SHEET].sheet_view.tabSelected = True
        wb.save(out)
    finally:
        wb.close()
