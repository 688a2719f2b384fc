"""Read a vendor quote (报价单) or invoice (发票) PDF into a `Document`.

    read_pdf(path, ruleset) -> Document

`doc_type` is the key of the `input: pdf` rule whose title the document shows
(`options.titles`); fields are keyed as in that rule; the line items are the
table `lines`, every value carrying its place (`p1!R3C6`: page, row and column
of the table on that page; `p1!L12`: line 12 of page 1 for text outside the
table) and the text read (`raw`).

A Chinese VAT invoice (it prints 价税合计 and 开票日期) is read by position
(`vat.py`, every template family alike); quotes and other invoices by lines and
tables. A file that is not a usable text PDF raises `InputError` with a plain
reason: encrypted, damaged, no pages, a scan without a text layer, glyphs without
a text encoding, a receipt that is no VAT invoice (行程单, 收款凭证…), or neither a
quote nor an invoice.
"""

from __future__ import annotations

from pathlib import Path

from automator.limits import MAX_PAGES
from automator.errors import InputError
from automator.document import CellRef, Document, Row, Table
from automator.readers.pdf import fields as F
from automator.readers.pdf.cells import cell_value
from automator.readers.pdf.lines import TextLine, build_lines
from automator.readers.pdf.kinds import not_vat
from automator.readers.pdf.source import no_text_reason, pages
from automator.readers.pdf.scan import scan_page
from automator.readers.pdf.table import TableState
from automator.readers.pdf.vat import VatPage, is_vat, read_vat, vat_page
from automator.rules.loader import RuleSet
from automator.rules.model import Rule

TITLE_PAGES = 2  # the title is on the first page (the second, behind a cover sheet); no need to read 60
TABLE = "lines"


def pdf_rules(ruleset: RuleSet) -> list[Rule]:
    return [r for r in ruleset.rules.values() if r.input == "pdf"]


def read_pdf(path: Path, ruleset: RuleSet) -> Document:
    rules = pdf_rules(ruleset)
    if not rules:
        raise InputError(f"{path.name}：没有处理 PDF 的规则（rules/ 中缺少 input: pdf 的规则文件）",
                         code="pdf-no-rule")
    max_pages = max(int(r.options.get("max_pages", MAX_PAGES)) for r in rules)
    all_lines: list[TextLine] = []
    rule: Rule | None = None
    title: TextLine | None = None
    state: TableState | None = None
    vat: list[VatPage] | None = None
    n_chars = n_images = 0
    width = 595.0
    for page in pages(path, max_pages=max_pages):
        lines = build_lines(page.chars, page.number)
        n_chars += len(page.chars)
        n_images += page.images
        width = page.width
        all_lines += lines
        if rule is None:
            kind = F.detect_kind(lines, rules)
            if kind is None:
                not_vat(path, lines, rules)
                if page.number >= TITLE_PAGES and n_chars:
                    break
                continue
            rule, title = kind
            if rule.key == "invoice" and is_vat(lines):
                vat = []
            else:
                not_vat(path, lines, rules)
                state = _table_state(rule)
        if vat is not None:
            vat.append(vat_page(page, lines))
        elif state is not None:
            scan_page(state, page, lines)
    if n_chars == 0:
        raise InputError(f"{path.name}：{no_text_reason(n_chars, n_images)}", code="pdf-no-text-layer")
    if vat and rule is not None and title is not None:
        return read_vat(path, rule, vat, title)
    if rule is None or title is None:
        names = "、".join(f"{r.zh}（{'/'.join(F.titles_of(r)[:3])}）" for r in rules)
        raise InputError(f"{path.name}：PDF 上找不到文档标题，无法判断是哪种文档；可处理的 PDF：{names}",
                         hint="请确认这是供应商的报价单或发票", code="pdf-unknown-type")
    return _document(path, rule, title, state, all_lines, width)


def _table_state(rule: Rule) -> TableState | None:
    spec = rule.table(TABLE) or (rule.tables[0] if rule.tables else None)
    return TableState(spec) if spec else None


def _document(path: Path, rule: Rule, title: TextLine, state: TableState | None,
              lines: list[TextLine], width: float) -> Document:
    doc = Document(source=path, doc_type=rule.key)
    doc.sheets = sorted({f"p{ln.page}" for ln in lines}, key=lambda s: int(s[1:]))
    used = state.used if state else set()
    free = [ln for ln in lines if (ln.page, ln.number) not in used]
    found = F.text_fields(rule, free, width)
    if "vendor" not in found and (head := F.letterhead(lines, title)):
        found["vendor"] = head
    top = _table_top(state, lines)
    above = [ln for ln in free if (ln.page, ln.top) < top]
    if "doc_date" not in found and (date := F.first_date(above)):
        found["doc_date"] = date
    if "number" not in found and (num := F.first_number(above)):
        found["number"] = num
    figures = [f for ln in free for f in F.text_totals(rule, ln.text, ln.ref, (ln.page, ln.top))]
    if state is not None:
        figures += F.table_totals(rule, state.totals)
        for raw in state.total_lines:  # totals rows read as text: by line, or by row and last cell
            last = max((i for i, c in enumerate(raw.cells) if c), default=0)
            ref = (CellRef(f"p{raw.page}", f"L{raw.line}") if raw.line is not None
                   else CellRef(f"p{raw.page}", f"R{raw.r}C{last + 1}"))
            figures += F.text_totals(rule, raw.text, ref, (raw.page, raw.top))
    found.update(F.settle(figures))
    for key, f in found.items():
        if rule.field(key) is not None:
            doc.fields[key] = F.to_value(rule, f)
    doc.fields.setdefault("doc_type", cell_value("doc_type", title.text, "text", title.ref))
    if state is not None and state.bands:
        doc.tables[state.spec.key] = _table(state)
        _rate_from_lines(doc, rule, state)
    return doc


def _table_top(state: TableState | None, lines: list[TextLine]) -> tuple[int, float]:
    """Where the table starts; the header facts (date, number) are above it."""
    if state is None or not state.first_page:
        return (10**6, 0.0)
    header = next((ln for ln in lines if ln.page == state.first_page and (ln.page, ln.number) in state.used), None)
    return (state.first_page, header.top if header else 0.0)


def _table(state: TableState) -> Table:
    table = Table(key=state.spec.key, sheet=f"p{state.first_page or 1}", header_row=state.header_r,
                  columns=state.columns(), rows=state.rows, extra_columns=list(state.extra))
    if state.totals:
        totals = Row(0)
        specs = {c.key: c for c in state.spec.columns}
        for cell in state.totals:
            if cell.column in specs and cell.column not in totals.cells:
                totals.cells[cell.column] = cell_value(cell.column, cell.raw, specs[cell.column].type, cell.ref)
        table.totals = totals
    return table


def _rate_from_lines(doc: Document, rule: Rule, state: TableState) -> None:
    """One tax rate for the document when every line states the same one (invoices)."""
    if F.RATE_KEY in doc.fields or rule.field(F.RATE_KEY) is None:
        return
    rates = [r.cells.get(F.RATE_KEY) for r in state.rows]
    usable = [v for v in rates if v is not None and v.problem is None and v.value is not None]
    if usable and len(usable) == len(rates) and len({v.value for v in usable}) == 1:
        first = usable[0]
        doc.fields[F.RATE_KEY] = cell_value(F.RATE_KEY, str(first.raw), "percent", first.ref)
