"""The role of each row of a found table, and the levels that make parents and children.

A row's role comes from its label (the text left of its first figure): 小计/合计/总计,
税金/服务费/优惠, 大写, 其中; otherwise a row with figures is an item and one with only
a short name is a section. Levels come from whichever signal the table uses — the label
pushed into a later column, leading blanks or Excel's indent, or the numbering
(一、 > 1. > 1.1 > (1)) — and only when the rows actually differ in it.
"""

from __future__ import annotations

import re
from decimal import Decimal

from automator.readers.workbook.raw import RawCell
from automator.readers.workbook.tables import cells as kinds
from automator.readers.workbook.tables.model import (
    CAPITAL,
    GRAND,
    ITEM,
    SUBTOTAL,
    TOTAL,
    NOTE,
    OF_WHICH,
    SECTION,
    FoundTable,
    TRow,
)
from automator.readers.workbook.tables.vocab import Vocabulary, bare

_RATE = re.compile(r"(\d+(?:\.\d+)?)\s*(?:%|％|个点|点)")
_RANKS = (
    (re.compile(r"^第[一二三四五六七八九十百\d]+[部分章节篇项类]"), 0),
    (re.compile(r"^[一二三四五六七八九十]+(?:[、.．\s]|$)"), 0),
    (re.compile(r"^[（(][一二三四五六七八九十]+[)）]"), 1),
    (re.compile(r"^\d+\.\d+\.\d+"), 4),
    (re.compile(r"^\d+\.\d+"), 3),
    (re.compile(r"^\d+(?:[、．)）]|\.(?!\d)|\s|$)"), 2),
    (re.compile(r"^[（(]\d+[)）]"), 5),
    (re.compile(r"^[①-⑳]"), 6),
)


def rate_in(text: str) -> Decimal | None:
    m = _RATE.search(text)
    return Decimal(m.group(1)) / 100 if m else None


def numbering_rank(cell: RawCell | None) -> int | None:
    if cell is None or cell.value is None:
        return None
    v = cell.value
    if isinstance(v, int) and not isinstance(v, bool):
        return 2
    if isinstance(v, float):
        return 3 if not v.is_integer() else 2
    s = str(v).strip()
    return next((rank for pattern, rank in _RANKS if pattern.match(s)), None)


def indent_of(cell: RawCell | None, indents: dict[tuple[int, int], int]) -> int:
    """Leading blanks (two half-width or one full-width = one step) plus Excel's own indent."""
    if cell is None or not isinstance(cell.value, str):
        return indents.get((cell.row, cell.col), 0) if cell is not None else 0
    raw = cell.value
    lead = raw[:len(raw) - len(raw.lstrip(" \u3000\t"))]
    steps = lead.count("\u3000") + lead.count("\t") + (lead.count(" ") + 1) // 2
    return steps + indents.get((cell.row, cell.col), 0)


def classify_row(row: TRow, vocab: Vocabulary, first_figure_col: int | None) -> None:
    """Set `row.role`, `label`, `label_cell` and `rate` from the row's cells."""
    texts = [(c, kinds.text(cell)) for c, cell in sorted(row.cells.items())
             if (row.kinds.get(c) or kinds.kind(cell)) == kinds.TEXT]
    labels = [(c, t) for c, t in texts if first_figure_col is None or c < first_figure_col][:3] or texts[:1]
    words = any("大写" in t or "人民币" in t for _, t in texts) and any(kinds.capital_words(t) for _, t in texts)
    for col, t in labels:
        pair = kinds.pair(t)
        kind = vocab.label_kind(t) or (vocab.label_kind(pair[0]) if pair else None)
        if kind:
            row.role, row.label, row.label_cell = kind, t, row.cells[col]
            row.rate = rate_in(t)
            break
    else:
        if words:
            col, t = next((c, t) for c, t in texts if kinds.capital_words(t) or "大写" in t)
            row.role, row.label, row.label_cell = CAPITAL, t, row.cells[col]
    if row.role == CAPITAL and row.figures:
        row.role = GRAND  # 合计（大写）：贰万元整 | ¥20,000.00: the grand total, with its words beside
    if row.role != "item" or words:
        row.words = words and row.role in (CAPITAL, GRAND, TOTAL, SUBTOTAL)
        return
    if labels:
        row.label_cell = row.cells[labels[0][0]]
        row.label = labels[0][1]
    filled = len(row.cells)
    numbered = len(texts) == 2 and numbering_rank(row.cells[texts[0][0]]) is not None
    if row.label and vocab.is_label(row.label.split("：")[0].split(":")[0], "of_which_labels"):
        row.role = OF_WHICH
    elif row.figures:
        row.role = ITEM
    elif row.label and (filled == 1 or (filled == 2 and numbered)) and len(row.label) <= 40:
        row.role = SECTION  # 一、前期制作 (or 一 | 前期制作): a group's name
    elif filled >= 2:
        row.role = ITEM  # a record without figures (参会人员: 张伟 | 唐都食品 | 市场总监)
    else:
        row.role = NOTE


def assign_levels(table: FoundTable, indents: dict[tuple[int, int], int]) -> None:
    """Levels for item and section rows, from the first signal that varies between them."""
    rows = [r for r in table.rows if r.role in (ITEM, SECTION, OF_WHICH) and r.label_cell is not None]
    if len(rows) < 2:
        return
    label_cols = [r.label_cell.col for r in rows]  # type: ignore[union-attr]
    base = min(label_cols)
    offsets = [c - base for c in label_cols]
    blanks = [indent_of(r.label_cell, indents) for r in rows]
    first = [numbering_rank(r.cells[min(r.cells)]) if r.cells else None for r in rows]
    if len(set(offsets)) > 1 and _stepped(rows, base):
        levels, how = [o * 10 + b for o, b in zip(offsets, blanks, strict=True)], "列位置"
    elif len(set(blanks)) > 1:
        levels, how = blanks, "缩进"
    elif len({f for f in first if f is not None}) > 1 and all(f is not None for f in first):
        levels, how = [f for f in first if f is not None], "编号"
    elif any(f is not None and f <= 1 for f in first) and any(f is None or f > 1 for f in first):
        # 一、/（一）numbered groups over lines numbered otherwise or not at all
        levels, how = [0 if f is not None and f <= 1 else 1 for f in first], "分组编号"
    else:
        return
    floor = min(levels)
    for row, level in zip(rows, levels, strict=True):
        row.level = level - floor
    previous = 0
    for row in table.rows:  # a row without a label continues the one above: never a parent
        if row.role in (ITEM, SECTION, OF_WHICH):
            if row.label_cell is None:
                row.level = previous
            previous = row.level
    table.hierarchy = how


def _stepped(rows: list[TRow], base: int) -> bool:
    """Labels in later columns are indented, not just an optional first column: a row whose label
    sits further left has no text where the others' labels sit (一、前期 in A over 导演 in B)."""
    deeper = {r.label_cell.col for r in rows if r.label_cell is not None and r.label_cell.col > base}
    for row in rows:
        col = row.label_cell.col if row.label_cell is not None else base
        if any(c > col and c in deeper and kinds.kind(cell) == kinds.TEXT and not cell.copy
               for c, cell in row.cells.items()):
            return False
    return True


def is_header_text(value: str) -> bool:
    """A column title: short (notes in brackets aside: `媒体类型 (必填* 电梯框架/…)`), not `label：value`,
    not a label waiting for its value (`项目名称：`), not a figure."""
    b = bare(value)
    return bool(value) and 0 < len(b) <= 24 and len(value) <= 60 and kinds.pair(value) is None \
        and not b.isdigit() and not value.rstrip().endswith((":", "："))
