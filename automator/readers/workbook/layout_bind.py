"""Known document types laid out on one sheet: fields from label–value pairs, tables from the finder.

    rule, how = pick(layout, rules, filename)     # or None: checked as a general workbook
    doc = bind_layout(layout, rule)

A type is chosen only on evidence: its name in a title line, the sheet name or the file
name, *and* every field it requires (the client may come from the inbox folder instead)
and every table it requires found; without a title, at least three of its own fields and
one of its tables. Anything less is checked as a general workbook — never sent to review
for a missing field the layout only seemed to promise.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from automator.document import CellRef, Document, Row, Table, Value
from automator.readers.workbook.raw import RawCell
from automator.readers.workbook.tables import Layout
from automator.readers.workbook.tables.model import ADJUSTMENTS, CAPITAL, ITEM, TAX, TOTALS, FoundTable, TRow
from automator.readers.workbook.tables.numbers import read_number
from automator.readers.workbook.tables.pairs import Pair
from automator.readers.workbook.tables.vocab import Vocabulary, bare
from automator.rules.model import FieldSpec, Rule, TableSpec, norm_label
from automator.values import parse_value

COMMON = ("doc_type", "client", "brand")


def field_labels(rule: Rule, spec: FieldSpec) -> set[str]:
    extra = (rule.options.get("labels") or {}).get(spec.key) or []
    return spec.labels() | {norm_label(x) for x in extra} | {bare(x) for x in (spec.zh, *spec.aliases, *extra)}


def titled(layout: Layout, rule: Rule, filename: str) -> bool:
    names = {bare(x) for x in (rule.zh, *rule.aliases, *(rule.options.get("titles") or ())) if len(bare(x)) >= 2}
    places = [bare(t) for lines in layout.titles.values() for t, _ in lines]
    places += [bare(s) for s in layout.book.sheets] + [bare(Path(filename).stem)]
    return any(n in p for n in names for p in places)


def _pair_for(pairs: list[Pair], labels: set[str]) -> Pair | None:
    return next((p for p in pairs if norm_label(p.label) in labels or bare(p.label) in labels), None)


def _value(spec: FieldSpec, raw: object, ref: CellRef, formula: str | None = None) -> Value:
    value, problem = parse_value(raw, spec.type)
    if problem and spec.type in ("money", "number", "int"):
        num = read_number(raw)
        if num is not None and num.expr is None and not num.percent:
            value, problem = (int(num.value) if spec.type == "int" else num.value), None
    return Value(spec.key, raw, value, ref, spec.type, problem, formula)


def _fields(layout: Layout, rule: Rule) -> dict[str, Value]:
    out: dict[str, Value] = {}
    for spec in rule.fields:
        if spec.key == "doc_type":
            continue
        pair = _pair_for(layout.pairs, field_labels(rule, spec))
        if pair is not None and str(pair.value).strip():
            out[spec.key] = _value(spec, pair.value, pair.ref, pair.cell.formula if pair.cell else None)
    company = rule.options.get("company_title")
    if company and company not in out and rule.field(company) is not None:
        vocab = layout.vocab or Vocabulary.from_words(None)
        line = next(((t, r) for lines in layout.titles.values() for t, r in lines if vocab.names_company(t)), None)
        if line is not None:
            out[company] = _value(rule.field(company), line[0], line[1])  # type: ignore[arg-type]
    return out


def _match_columns(table: FoundTable, spec: TableSpec) -> dict[int, FieldSpec]:
    out: dict[int, FieldSpec] = {}
    for column in table.columns:
        parts = [column.title.split("/")[-1], column.title] if column.title else []
        for col in spec.columns:
            labels = col.labels() | {bare(x) for x in (col.zh, col.en, *col.aliases)}
            if col not in out.values() and any(norm_label(p) in labels or bare(p) in labels for p in parts):
                out[column.col] = col
                break
    factors = [c for c in table.columns if c.numeric and c.role in ("qty", "discount")]
    if len(factors) > 1:  # 数量 and 天数: the rule's qty × unit_price would not hold; leave qty out
        out = {c: s for c, s in out.items() if not (table.column(c) and table.column(c).role == "qty")}  # type: ignore
    return out


def _table_for(layout: Layout, spec: TableSpec) -> tuple[FoundTable, dict[int, FieldSpec]] | None:
    best: tuple[int, FoundTable, dict[int, FieldSpec]] | None = None
    for table in layout.tables:
        mapping = _match_columns(table, spec)
        required = [c for c in spec.columns if c.required]
        if len(mapping) < 2 or any(c not in mapping.values() for c in required):
            continue
        score = len(mapping) * 2 + (3 if bare(table.title) in spec.labels() or any(
            label in bare(table.title) for label in spec.labels() if len(label) >= 2) else 0)
        if best is None or score > best[0]:
            best = (score, table, mapping)
    return (best[1], best[2]) if best else None


def _simple(table: FoundTable) -> bool:
    """One total row and no 税金 lines or figured parents: a totals row the `sum` check can hold."""
    totals = [r for r in table.rows if r.role in TOTALS]
    return len(totals) == 1 and not any(r.role in ADJUSTMENTS for r in table.rows) and not _parents(table)


def _parents(table: FoundTable) -> bool:
    items = [r for r in table.rows if r.role == ITEM]
    return any(b.level > a.level and a.figures & b.figures for a, b in zip(items, items[1:], strict=False))


def _row(table: FoundTable, trow: TRow, mapping: dict[int, FieldSpec]) -> Row:
    row = Row(trow.row)
    for col, spec in mapping.items():
        cell = trow.cells.get(col)
        ref = table.ref(trow.row, col)
        if cell is None:
            row.cells[spec.key] = Value(spec.key, None, None, ref, spec.type)
        elif cell.uncached:
            row.cells[spec.key] = Value(spec.key, cell.formula, None, ref, spec.type,
                                        f"公式 {cell.formula} 没有保存计算结果，无法核对；请在 Excel/WPS 中打开并保存一次",
                                        cell.formula)
        else:
            row.cells[spec.key] = _value(spec, cell.value, ref, cell.formula)
    return row


def _bind_table(table: FoundTable, spec: TableSpec, mapping: dict[int, FieldSpec]) -> Table:
    out = Table(spec.key, table.sheet, header_row=table.header_rows[-1])
    for col, col_spec in mapping.items():
        out.columns[col_spec.key] = table.ref(table.header_rows[-1], col)
        out.column_letters[col_spec.key] = table.ref(1, col).coord.rstrip("0123456789")
    skip_children = _parents(table)
    levels: list[int] = []
    for trow in table.rows:
        if trow.role != ITEM:
            continue
        if skip_children and levels and trow.level > min(levels):
            continue  # a parent's indented children: the parent row stands for them
        levels.append(trow.level)
        out.rows.append(_row(table, trow, mapping))
    if _simple(table):
        total = next(r for r in table.rows if r.role in TOTALS)
        out.totals = _row(table, total, {c: s for c, s in mapping.items() if c in total.figures})
    return out


def _zone_fields(layout: Layout, rule: Rule, doc: Document) -> None:
    """The totals zone under the main table → the rule's fields (`options.sheet_fields`)."""
    names = rule.options.get("sheet_fields") or {}
    main = doc.tables and next(iter(doc.tables.values()))
    found = next((t for t in layout.tables if main and t.sheet == main.sheet and t.header_rows[-1] == main.header_row),
                 None)
    if not names or found is None:
        return
    col = found.main_column()
    rows = found.rows
    totals = [r for r in rows if r.role in TOTALS and col in r.figures]
    taxes = [r for r in rows if r.role == TAX and col in r.figures]

    def put(key: str | None, row: TRow | None, raw: object = None, at: RawCell | None = None) -> None:
        spec = rule.field(key) if key else None
        if spec is None or row is None or spec.key in doc.fields:
            return
        cell = at or (row.cells.get(col) if raw is None else row.label_cell)
        value = raw if raw is not None else (cell.value if cell is not None else None)
        if cell is not None and value is not None:
            doc.fields[spec.key] = _value(spec, value, layout_ref(found, cell), cell.formula)

    if totals:
        put(names.get("total"), totals[-1])
    _put_subtotal_and_tax(found, col, main, totals, taxes, names, put)
    capital = next((r for r in rows if r.role == CAPITAL or r.words), None)
    if capital is not None:
        from automator.readers.workbook.tables.cells import capital_words

        found_words = next(((w, c) for c in sorted(capital.cells.values(), key=lambda c: c.col)
                            if (w := capital_words(str(c.value)))), None)
        if found_words:
            put(names.get("capital"), capital, raw=found_words[0], at=found_words[1])


def _put_subtotal_and_tax(found: FoundTable, col: int, main: Table, totals: list[TRow], taxes: list[TRow],
                          names: dict[str, str], put) -> None:  # type: ignore[no-untyped-def]
    """The quote's 小计 + 税额 = 总计 and 税额 = 小计 × 税率 fields, only where the sheet is that simple:
    no 服务费 or 优惠 lines (which those checks do not know), at most one 税金 line, and a 小计 that the
    lines add up to — anything else is the general sheet check's to judge, so no field check guesses."""
    if any(r.role in ADJUSTMENTS and r.role != TAX for r in found.rows) or len(taxes) > 1 or _parents(found):
        return
    before = [r for r in totals if not taxes or r.row < taxes[0].row]
    if not before:
        return
    sub = before[-1].number(col)
    amounts = [v.value for row in main.rows if (v := row.cells.get("amount")) is not None and v.problem is None
               and isinstance(v.value, Decimal | int)]
    if sub is None or not amounts or cents(sum(amounts, Decimal(0))) != cents(sub.value):
        return
    put(names.get("subtotal"), before[-1])
    if taxes:
        put(names.get("tax"), taxes[0])
        rate, tax = taxes[0].rate, taxes[0].number(col)
        if rate is not None and tax is not None and cents(sub.value * rate) == cents(tax.value):
            put(names.get("tax_rate"), taxes[0], raw=str(Decimal(rate) * 100) + "%")


def cents(d: Decimal) -> Decimal:
    return Decimal(d).quantize(Decimal("0.01"))


def layout_ref(table: FoundTable, cell: object) -> CellRef:
    return table.ref(cell.row, cell.col)  # type: ignore[attr-defined]


def bind_layout(layout: Layout, rule: Rule) -> Document:
    book = layout.book
    doc = Document(source=book.path, doc_type=rule.key, sheets=list(book.sheets), layout=layout)
    doc.fields = _fields(layout, rule)
    for spec in rule.tables:
        found = _table_for(layout, spec)
        if found is not None:
            doc.tables[spec.key] = _bind_table(found[0], spec, found[1])
    _zone_fields(layout, rule, doc)
    doc.notes = ["按单张工作表的版式读取：字段取自「标签：值」，表格由表头识别", *layout.describe()]
    return doc


def pick(layout: Layout, rules: list[Rule], filename: str, *, named: bool = False) -> tuple[Rule, str] | None:
    """The known type this one-sheet layout is, with the evidence; None when the evidence is short.

    `named`: the file name matched the rule's pattern (客户会议报告-….xlsx): the AE meant this type, so two
    of its own fields are evidence enough and its `required` check says what is missing."""
    best: tuple[int, Rule, str] | None = None
    for rule in rules:
        fields = _fields(layout, rule)
        tables = {spec.key: t for spec in rule.tables if (t := _table_for(layout, spec)) is not None}
        if any(spec.required and spec.key not in tables for spec in rule.tables):
            continue
        probe = Document(source=layout.book.path, fields=dict(fields))
        if tables:
            spec0 = next(s for s in rule.tables if s.key in tables)
            probe.tables[spec0.key] = _bind_table(tables[spec0.key][0], spec0, tables[spec0.key][1])
            _zone_fields(layout, rule, probe)
        need = [f.key for f in rule.fields if f.required and f.key not in COMMON]
        own = sum(1 for k in probe.fields if k not in COMMON)
        if any(k not in probe.fields or probe.fields[k].blank for k in need) and not (named and own >= 2):
            continue
        title = titled(layout, rule, filename)
        if not title and (own < 3 or not tables):
            continue
        score = own + 2 * len(tables) + (10 if title else 0)
        how = (f"单张工作表的版式：{'标题/文件名含「' + rule.zh + '」，' if title else ''}"
               f"找到 {own} 个字段、{len(tables)} 张表")
        if best is None or score > best[0]:
            best = (score, rule, how)
    return (best[1], best[2]) if best else None
