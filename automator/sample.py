"""Input workbooks written from a rule: the blank one an AE starts from
(`automator sample`), and filled ones (examples, tests, the benchmark)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from automator.rules.model import FieldSpec, Rule

FORM_SHEET = "基本信息"
HEADER_FILL = PatternFill("solid", fgColor="DDE5F0")
HINTS = {"date": "日期，如 2026-11-20 或 2026年11月20日", "datetime": "日期，可带时间，如 2026-11-20 14:00",
         "time": "时间，如 14:30", "money": "金额（元），如 12800 或 ¥12,800.00", "number": "数字",
         "int": "整数", "minutes": "分钟数，如 20", "percent": "百分比，如 25%", "discount": "折扣，如 8折、80% 或 0.8"}


def _comment(spec: FieldSpec) -> Comment:
    parts = [spec.help or HINTS.get(spec.type, ""), f"例：{spec.example}" if spec.example else "",
             "（必填）" if spec.required else ""]
    comment = Comment("\n".join(p for p in parts if p) or spec.en, "automator")
    comment.width, comment.height = 240, 90
    return comment


def _validation(spec: FieldSpec) -> DataValidation | None:
    if spec.type in ("date", "datetime"):
        dv = DataValidation(type="date", operator="greaterThan", formula1="36526", allow_blank=True)
        dv.error, dv.prompt = "请填写日期，如 2026-11-20", HINTS[spec.type]
    elif spec.type in ("money", "number", "minutes", "int"):
        dv = DataValidation(type="decimal", operator="greaterThanOrEqual", formula1="0", allow_blank=True)
        dv.error, dv.prompt = "请填写数字", HINTS[spec.type]
    else:
        return None
    dv.showErrorMessage = False  # text forms like 2026年11月20日 are accepted too: hint, don't block
    dv.showInputMessage = True
    return dv


def _label(spec: FieldSpec | Any, labels: str) -> str:
    return spec.en if labels == "en" else spec.zh


def write_workbook(rule: Rule, path: Path, *, fields: dict[str, Any] | None = None,
                   tables: dict[str, list[dict[str, Any]]] | None = None,
                   totals: dict[str, dict[str, Any]] | None = None,
                   labels: str = "zh", blank: bool = False) -> Path:
    """A workbook laid out per contract §1. With `blank`, labels, headers, hints and validation only."""
    fields = {"doc_type": rule.zh if labels == "zh" else rule.en, **(fields or {})}
    wb = Workbook()
    form = wb.active
    form.title = FORM_SHEET if labels == "zh" else "Info"
    form.column_dimensions["A"].width = 18
    form.column_dimensions["B"].width = 48
    for row, spec in enumerate(rule.fields, start=1):
        label = form.cell(row, 1, _label(spec, labels))
        label.font = Font(bold=spec.required)
        value = form.cell(row, 2, fields.get(spec.key))
        value.alignment = Alignment(wrap_text=True, vertical="top")
        if blank:
            label.comment = _comment(spec)
            if (dv := _validation(spec)) is not None:
                form.add_data_validation(dv)
                dv.add(value)
    for spec in rule.tables:
        rows = (tables or {}).get(spec.key)
        if rows is None and not blank:
            continue
        ws = wb.create_sheet(_label(spec, labels))
        for col, column in enumerate(spec.columns, start=1):
            cell = ws.cell(1, col, _label(column, labels))
            cell.font, cell.fill = Font(bold=True), HEADER_FILL
            ws.column_dimensions[get_column_letter(col)].width = max(10, len(column.zh) * 2 + 6)
            if blank:
                cell.comment = _comment(column)
                if (dv := _validation(column)) is not None:
                    ws.add_data_validation(dv)
                    dv.add(f"{get_column_letter(col)}2:{get_column_letter(col)}200")
        for r, record in enumerate(rows or [], start=2):
            for col, column in enumerate(spec.columns, start=1):
                ws.cell(r, col, record.get(column.key))
        total = (totals or {}).get(spec.key)
        if total is not None:
            r = len(rows or []) + 2
            ws.cell(r, 1, "合计" if labels == "zh" else "Total").font = Font(bold=True)
            for col, column in enumerate(spec.columns, start=1):
                if column.key in total:
                    ws.cell(r, col, total[column.key]).font = Font(bold=True)
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path


def blank_workbook(rule: Rule, path: Path) -> Path:
    return write_workbook(rule, path, blank=True)
