"""A workbook of no known type, as document type `workbook` (通用表格): checked, not rejected.

Its fields are what routing needs — the client (a 客户/Client label on the sheet), the
date (立项日期, 报价日期… on the sheet, else the day it was received), a title (the file
name) — and its archive category comes from the words of the rule's `options.categories`
found in the sheet's title lines, the sheet names or the file name, in that list's order
(otherwise the rule's own category, 其他). Its tables are the ones the finder saw.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from automator.document import Document, Row, Table, Value
from automator.readers.workbook.layout_bind import field_labels
from automator.readers.workbook.tables import Layout
from automator.readers.workbook.tables.model import ITEM, TOTALS, FoundTable
from automator.readers.workbook.tables.vocab import bare, fold
from automator.rules.model import Rule, norm_label
from automator.values import parse_value


# A table longer than this is checked in full but not copied row by row into the document's
# figures (`--json`, the ledger): a 7,784-row media inventory would be 114k values there.
MAX_LISTED_ROWS = 2000


def category(layout: Layout, rule: Rule, filename: str) -> tuple[str, str]:
    """(category, the words that decided it) — the rule's own category when nothing matches."""
    places = [t for lines in layout.titles.values() for t, _ in lines] + list(layout.book.sheets) + [
        Path(filename).stem]
    folded = [fold(p) for p in places]
    for entry in rule.options.get("categories") or []:
        for word in entry.get("words") or []:
            w = fold(word)
            hit = next((p for p, f in zip(places, folded, strict=True) if w and w in f), None)
            if hit is not None:
                return str(entry["category"]), f"「{hit}」含「{word}」"
    return rule.category, ""


def _field(layout: Layout, rule: Rule, key: str) -> Value | None:
    spec = rule.field(key)
    if spec is None:
        return None
    labels = field_labels(rule, spec)
    for pair in layout.pairs:
        if norm_label(pair.label) in labels or bare(pair.label) in labels:
            value, problem = parse_value(pair.value, spec.type, layout.book.epoch)
            if problem is None and value is not None:
                return Value(key, pair.value, value, pair.ref, spec.type)
    return None


def _column_keys(table: FoundTable) -> dict[int, str]:
    keys: dict[int, str] = {}
    for column in table.columns:
        key = column.title.split("/")[-1] or column.letter
        keys[column.col] = key if key not in keys.values() else f"{key}（{column.letter}列）"
    return keys


def _plain(raw: Any, num: Any) -> Any:
    if num is not None:
        return num.declared if num.declared is not None else num.value
    return raw.strip() if isinstance(raw, str) else raw


def _table(table: FoundTable) -> Table:
    out = Table(f"{table.sheet}!{table.area}", table.sheet, header_row=table.header_rows[-1])
    keys = _column_keys(table)
    for col, key in keys.items():
        out.columns[key] = table.ref(table.header_rows[-1], col)
        out.column_letters[key] = table.column(col).letter  # type: ignore[union-attr]
    for trow in table.rows:
        if trow.role not in (ITEM, *TOTALS):
            continue
        row = Row(trow.row)
        for col, cell in trow.cells.items():
            if col in keys and not cell.copy:
                num = trow.number(col)
                row.cells[keys[col]] = Value(keys[col], cell.value, _plain(cell.value, num), table.ref(trow.row, col),
                                             "number" if num is not None else "text", formula=cell.formula)
        if trow.role == ITEM:
            out.rows.append(row)
        else:
            out.totals = row
    return out


def bind_generic(layout: Layout, rule: Rule, filename: str, *, received: dt.date | None = None) -> Document:
    book = layout.book
    doc = Document(source=book.path, doc_type=rule.key, sheets=list(book.sheets), layout=layout)
    title = Path(filename).stem or rule.zh
    doc.fields["title"] = Value("title", title, title, None, "text")
    for key in ("client", "brand"):
        found = _field(layout, rule, key)
        if found is not None:
            doc.fields[key] = found
    date = _field(layout, rule, rule.date_field)
    if date is None:
        today = received or dt.date.today()
        date = Value(rule.date_field, None, today, None, "date")
        doc.notes.append(f"表上没有写日期，按收到的日期 {today.isoformat()} 归档")
    doc.fields[rule.date_field] = date
    doc.category, why = category(layout, rule, filename)
    doc.notes.append(f"归档类别：{doc.category}" + (f"（{why}）" if why else "（标题、工作表名和文件名里没有类别词）"))
    for table in layout.tables:
        if len(table.rows) <= MAX_LISTED_ROWS:
            doc.tables[f"{table.sheet}!{table.area}"] = _table(table)
        else:
            doc.notes.append(f"{table.sheet}!{table.area} 有 {len(table.rows):,} 行，已全部核对，但不逐行列入 --json 和台账")
    doc.notes += [f"识别到的表格：{t.describe()}" for t in layout.tables] or ["没有识别到带表头的表格：只检查了外部链接和公式"]
    doc.notes += layout.skipped
    return doc
