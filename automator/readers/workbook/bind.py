"""Bind: place a workbook's cells onto a rule's fields and tables (contract §1).

Labels match a field by key, Chinese or English label or alias (case, blanks
and a trailing colon ignored). What cannot be placed is kept in
`Document.unknown`; what cannot be parsed keeps its cell and a `problem`.
"""

from __future__ import annotations


from automator.readers.workbook.a1 import column_letter as get_column_letter

from automator.limits import MAX_ROWS
from automator.errors import InputError
from automator.document import CellRef, Document, Row, Table, Value
from automator.rules.model import FieldSpec, Rule, TableSpec, norm_label
from automator.readers.workbook.classify import form_sheet
from automator.readers.workbook.read import RawCell, RawSheet, RawWorkbook
from automator.values import parse_value

TOTAL_WORDS = {norm_label(x) for x in ("合计", "总计", "小计", "Total", "Totals", "Sum", "合計", "总额")}


def _value(spec: FieldSpec, cell: RawCell | None, sheet: RawSheet, book: RawWorkbook) -> Value:
    if cell is None:
        return Value(spec.key, None, None, None, spec.type)
    ref = sheet.ref(cell)
    if cell.uncached and cell.external:
        # ='C:\\预算\\[2026.xlsx]Sheet1'!B2 or =[1]Sheet1!A1: the value lives in a file we never see
        problem = (f"公式 {cell.formula} 引用了另一个工作簿（外部链接），文件里没有它的计算结果，无法核对；"
                   "请把数值直接填入单元格，或在 Excel/WPS 中更新链接后保存")
        return Value(spec.key, cell.formula, None, ref, spec.type, problem, cell.formula)
    if cell.uncached:
        problem = (f"公式 {cell.formula} 没有保存计算结果（文件可能由程序生成，未在 Excel/WPS 中保存过），"
                   "无法核对；请在 Excel/WPS 中打开并保存一次")
        return Value(spec.key, cell.formula, None, ref, spec.type, problem, cell.formula)
    value, problem = parse_value(cell.value, spec.type, book.epoch)
    return Value(spec.key, cell.value, value, ref, spec.type, problem, cell.formula)


def _bind_form(doc: Document, rule: Rule, book: RawWorkbook) -> None:
    name = form_sheet(book)
    if name is None:
        return
    sheet = book.sheets[name]
    by_label = {label: spec for spec in rule.fields for label in spec.labels()}
    for _, cells in sheet.ordered_rows():
        label_cell = next((c for c in cells if c.col == 1), None)
        if label_cell is None or label_cell.merged_title:
            continue  # an empty label is ignored; a merged title line is not a field
        value_cell = next((c for c in cells if c.col == 2), None)
        spec = by_label.get(norm_label(label_cell.value))
        if spec is None:
            doc.unknown.append((str(label_cell.value).strip(), sheet.ref(label_cell), "字段"))
            continue
        if spec.key in doc.fields and not doc.fields[spec.key].blank:
            if value_cell is not None:  # the same label twice: the second is reported, not merged
                doc.unknown.append((f"{label_cell.value}（重复）", sheet.ref(label_cell), "字段"))
            continue
        doc.fields[spec.key] = _value(spec, value_cell, sheet, book)
        if value_cell is None:
            doc.fields[spec.key].ref = CellRef(name, f"B{label_cell.row}")


def _find_sheet(book: RawWorkbook, spec: TableSpec) -> RawSheet | None:
    labels = spec.labels()
    return next((s for n, s in book.sheets.items() if norm_label(n) in labels), None)


def _bind_table(doc: Document, spec: TableSpec, sheet: RawSheet, book: RawWorkbook) -> Table:
    table = Table(spec.key, sheet.name)
    rows = sheet.ordered_rows()
    if not rows:
        return table
    header_row, header = rows[0]
    table.header_row = header_row
    by_label = {label: col for col in spec.columns for label in col.labels()}
    columns: dict[int, FieldSpec] = {}
    extra: dict[int, str] = {}
    for cell in header:
        col = by_label.get(norm_label(cell.value))
        if col is None or col.key in table.columns:
            extra[cell.col] = str(cell.value).strip()
            doc.unknown.append((str(cell.value).strip(), sheet.ref(cell), "列"))
            continue
        columns[cell.col] = col
        table.columns[col.key] = sheet.ref(cell)
        table.column_letters[col.key] = get_column_letter(cell.col)
    table.extra_columns = list(extra.values())
    if len(rows) - 1 > MAX_ROWS:
        raise InputError(f"工作表「{sheet.name}」有 {len(rows) - 1:,} 行，超过一份文档的上限 {MAX_ROWS:,} 行",
                         hint="请确认是否放错了文件，或把明细拆成多份文档", code="too-large")
    for number, cells in rows[1:]:
        row = Row(number)
        first = cells[0].value
        is_total = isinstance(first, str) and norm_label(first) in TOTAL_WORDS
        present = {c.col: c for c in cells}
        for col_index, col in columns.items():
            cell = present.get(col_index)
            if is_total and cell is cells[0]:
                continue  # the 合计 word itself is not a value of its column
            row.cells[col.key] = _value(col, cell, sheet, book)
            if cell is None:
                row.cells[col.key].ref = CellRef(sheet.name, f"{get_column_letter(col_index)}{number}")
        for col_index, title in extra.items():
            if col_index in present:
                cell = present[col_index]
                row.extra[title] = Value(title, cell.value, cell.value, sheet.ref(cell), "text")
        if is_total:
            table.totals = row
        else:
            table.rows.append(row)
    return table


def bind(book: RawWorkbook, rule: Rule) -> Document:
    doc = Document(source=book.path, doc_type=rule.key, sheets=list(book.sheets))
    used = {form_sheet(book)} | {s.name for spec in rule.tables if (s := _find_sheet(book, spec)) is not None}
    book.resolve([(name, cell) for name, cell in book.formulas if name in used])  # only what is bound
    _bind_form(doc, rule, book)
    for spec in rule.tables:
        sheet = _find_sheet(book, spec)
        if sheet is not None:
            doc.tables[spec.key] = _bind_table(doc, spec, sheet, book)
    for name, sheet in book.sheets.items():
        if name not in used and sheet.rows:
            doc.unknown.append((name, CellRef(name, "A1"), "工作表"))
    return doc
