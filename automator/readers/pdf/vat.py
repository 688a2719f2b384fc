"""Chinese VAT invoices (增值税发票: 航信/Aisino and 百望 普票/专票, 数电 电子发票), read by position.

    page = vat_page(page_data, lines)          # labels found once per page
    doc = read_vat(path, rule, pages, title)  # Document with every value's place (`p1!L7`, `p1!R3C7`)

One reader for every template family: the national form fixes the labels, not where the
issuer's software puts them, so nothing here knows a coordinate. Each value is the text to
the right of its label on the label's band, in the first box along that band that holds any
(the 航信 价税合计(大写) label has its own cell, the words are in the next), up to the next
label; when there is none, the nearest text below inside the label's box (`layout.py`).
Whose 名称/纳税人识别号 it is comes from the 购买方/销售方 block it sits in: the block's
marker (购/买/方 printed down the left edge, 销售方信息 on 数电) nearest to its left.

The buyer is kept as `buyer`, never as `client`: on a vendor's invoice the buyer is the
agency itself; the client is where the AE files it (`automator.readers.client`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from automator.document import CellRef, Document, Row, Table
from automator.readers.pdf.cells import cell_value
from automator.readers.pdf.layout import Found, Grid, Hit, band_lines, find_labels, find_stacks, fold, join, overlaps
from automator.readers.pdf.lines import TextLine
from automator.readers.pdf.source import Char, PageData
from automator.readers.pdf.vat_items import PageItems, build_rows, read_page
from automator.readers.pdf.vat_labels import OWNED_FOLDED, ROW_LABELS, STACK_LABELS, VAT_MARKS
from automator.rules.model import Rule

TABLE = "lines"
_FIGURE_AT_END = re.compile(r"[¥￥´]?\s*-?\d[\d,]*\.\d{2}$")
_CLIENT_NOTE = re.compile(r"客户(?:名称)?\s*[:：]\s*([^\s;；,，]+)")
_PARTY_KEYS = ("name", "tax_id", "address", "bank")
_FIELD_OF = {("seller", "name"): "vendor", ("buyer", "name"): "buyer", ("seller", "tax_id"): "vendor_tax_id",
             ("buyer", "tax_id"): "buyer_tax_id"}


@dataclass
class VatPage:
    number: int
    width: float
    height: float
    lines: list[TextLine]
    grid: Grid
    hits: list[Hit]
    free: list[Char]                                   # glyphs that are no label
    chars: list[Char] = field(default_factory=list)    # every glyph
    line_of: dict[Char, int] = field(default_factory=dict)


def is_vat(lines: list[TextLine]) -> bool:
    """A VAT invoice page: it prints 价税合计 and 开票日期 (receipts and price lists do not)."""
    text = "".join(fold(ln.text) for ln in lines)
    return all(mark in text for mark in VAT_MARKS)


def vat_page(page: PageData, lines: list[TextLine]) -> VatPage:
    line_of = {c: ln.number for ln in lines for c in ln.chars}
    hits = find_labels(lines, ROW_LABELS)
    taken = {c for h in hits for c in h.chars}
    stacks = [h for h in find_stacks([c for c in page.chars if c not in taken], STACK_LABELS, page.number, line_of)]
    hits += stacks
    taken |= {c for h in stacks for c in h.chars}
    free = [c for c in page.chars if c not in taken and not c.text.isspace()]
    return VatPage(page.number, page.width, page.height, lines, Grid(page.rules, page.width, page.height),
                   hits, free, [c for c in page.chars if not c.text.isspace()], line_of)


# ---------------------------------------------------------------- a label's value

def value_of(page: VatPage, hit: Hit, *, below: bool = True) -> Found | None:
    """The value printed for `hit`: right of it on its band, else right under it."""
    limit = min([h.x0 for h in page.hits if h is not hit and h.x0 >= hit.x1 - 0.5 * hit.size
                 and _on_band(h, hit)], default=page.width)
    right = [c for c in page.free if (c.x0 + c.x1) / 2 > hit.x1 - 0.2 * hit.size
             and (c.x0 + c.x1) / 2 < limit and overlaps(c, hit.top, hit.bottom)]
    if right:
        cuts = page.grid.columns(hit.top + 1, hit.bottom - 1, hit.x1, limit)
        boxes = _split(right, cuts)
        first = next(b for b in boxes if b)
        return _found(page, first)
    if not below:
        return None
    return _below(page, hit, limit)


def _on_band(h: Hit, hit: Hit) -> bool:
    return min(h.bottom, hit.bottom) - max(h.top, hit.top) >= 0.3 * min(h.bottom - h.top, hit.bottom - hit.top)


def _split(chars: list[Char], cuts: list[float]) -> list[list[Char]]:
    boxes: list[list[Char]] = [[] for _ in range(len(cuts) + 1)]
    for c in chars:
        mid = (c.x0 + c.x1) / 2
        boxes[sum(mid > x for x in cuts)].append(c)
    return boxes


def _below(page: VatPage, hit: Hit, limit: float) -> Found | None:
    right = min(limit, page.grid.right(hit.x1, hit.top, hit.bottom))
    floor = min([h.top for h in page.hits if h.top > hit.bottom - 0.5 and h.x0 < right and h.x1 > hit.x0],
                default=page.height)
    floor = min(floor, page.grid.below(hit.bottom, hit.x0, hit.x1), hit.bottom + 2.5 * hit.size)
    chars = [c for c in page.free if c.top >= hit.bottom - 0.5 and c.bottom <= floor + 1
             and hit.x0 - hit.size <= (c.x0 + c.x1) / 2 < right]
    rows = band_lines(chars, hit.size)
    return _found(page, rows[0]) if rows else None


def _found(page: VatPage, chars: list[Char]) -> Found | None:
    text = join(chars)
    if not text:
        return None
    first = min(chars, key=lambda c: c.x0)
    return Found(text, CellRef(f"p{page.number}", f"L{page.line_of.get(first, 0)}"), first.x0, first.top)


# ---------------------------------------------------------------- the facts

def header_facts(page: VatPage) -> dict[str, Found]:
    out: dict[str, Found] = {}
    for hit in sorted(page.hits, key=lambda h: (h.top, h.x0)):
        if hit.key in ("invoice_code", "number", "doc_date", "check_code") and hit.key not in out:
            found = value_of(page, hit, below=False)
            if found is not None:
                out[hit.key] = found
    return out


def party_facts(page: VatPage) -> dict[str, Found]:
    """vendor, buyer and their tax ids, each from the block its label sits in."""
    markers = [h for h in page.hits if h.key in ("buyer", "seller")]
    out: dict[str, Found] = {}
    for hit in sorted(page.hits, key=lambda h: (h.top, h.x0)):
        if hit.key == "owned":
            whose, what = OWNED_FOLDED.get(fold(hit.text).rstrip(":"), (None, None))
        elif hit.key in _PARTY_KEYS:
            whose, what = _owner(hit, markers, page), hit.key
        else:
            continue
        key = _FIELD_OF.get((whose or "", what or ""))
        if key and key not in out and (found := value_of(page, hit)) is not None:
            out[key] = found
    return out


def _owner(hit: Hit, markers: list[Hit], page: VatPage) -> str | None:
    """The block marker nearest to the label's left whose rows it shares; else above it."""
    left = [m for m in markers if m.x1 <= hit.x0 + 1 and m.top - 2 * m.size <= hit.cy <= m.bottom + 2 * m.size]
    if left:
        return max(left, key=lambda m: m.x1).key
    above = [m for m in markers if not m.vertical and m.bottom <= hit.top + 1 and m.x0 <= hit.x0 + 2 * hit.size]
    if above:
        return max(above, key=lambda m: m.bottom).key
    return None


def total_facts(page: VatPage) -> dict[str, Found]:
    out: dict[str, Found] = {}
    for hit in sorted(page.hits, key=lambda h: (h.top, h.x0)):
        if hit.key == "capital" and "total_capital" not in out:
            found = value_of(page, hit, below=False)
            if found is not None:
                # the words only: no ⊗ before them, no figure after them (when no (小写) label parts them)
                found.text = re.split(r"\s*[¥￥´\d]", found.text.lstrip("⊗ⓧ⨂Ⓧ☒ "), maxsplit=1)[0]
                out["total_capital"] = found
        elif hit.key == "figure" and "total" not in out:
            found = value_of(page, hit, below=False)
            if found is not None:
                out["total"] = found
    capital = next((h for h in page.hits if h.key == "capital"), None)
    if "total" not in out and capital is not None:
        out.update(_unlabelled_total(page, capital))
    return out


def _unlabelled_total(page: VatPage, hit: Hit) -> dict[str, Found]:
    """No (小写) label: the figure at the end of the 价税合计 band is the total."""
    band = [c for c in page.free if c.x0 > hit.x1 and overlaps(c, hit.top, hit.bottom)]
    words = _split(band, [])[0]
    text = join(words)
    m = _FIGURE_AT_END.search(text)
    if not m:
        return {}
    start = len(text[:m.start()].replace(" ", ""))
    glyphs = sorted(words, key=lambda c: c.x0)[start:]
    found = _found(page, glyphs)
    return {"total": found} if found is not None else {}


def remark(page: VatPage) -> Found | None:
    """The 备注 box: everything right of the marker inside its ruled box."""
    hit = next((h for h in page.hits if h.key == "remark"), None)
    if hit is None:
        return None
    top = page.grid.above(hit.cy, hit.x1 + 6, hit.x1 + 8)
    bottom = page.grid.below(hit.cy, hit.x1 + 6, hit.x1 + 8)
    top, bottom = max(top, hit.top - 2 * hit.size), min(bottom, hit.bottom + 2 * hit.size)
    left = hit.x1
    right = page.grid.right(left, hit.cy - 1, hit.cy + 1)
    if right - left < 3 * hit.size:  # the marker has a narrow cell of its own (航信, 数电): the box is next
        left, right = right, page.grid.right(right + 0.5, hit.cy - 1, hit.cy + 1)
    # Every glyph in the box: words such as 购方 or 名称 inside a remark are text there, not labels.
    chars = [c for c in page.chars if c.x0 >= left - 0.5 and c.x1 <= right + 1 and c.top >= top - 0.5
             and c.bottom <= bottom + 0.5 and c not in hit.chars]
    rows = band_lines(chars, hit.size)
    if not rows:
        return None
    found = _found(page, rows[0])
    if found is not None:
        found.text = " ".join(join(r) for r in rows)
    return found


# ---------------------------------------------------------------- the document

def read_vat(path: Path, rule: Rule, pages: list[VatPage], title: TextLine) -> Document:
    doc = Document(source=path, doc_type=rule.key)
    doc.sheets = [f"p{p.number}" for p in pages]
    first = pages[0]
    found = {**header_facts(first), **party_facts(first), **total_facts(first)}
    note = remark(first)
    if note is not None:
        found["remark"] = note
        named = _CLIENT_NOTE.search(note.text)
        if named:  # 备注：客户：星河乳业 — the document names its client
            found["client"] = Found(named.group(1), note.ref, note.x0, note.top)
    for key, f in found.items():
        spec = rule.field(key)
        if spec is not None:
            doc.fields[key] = cell_value(key, f.text, spec.type, f.ref)
    big = max(c.size for c in title.chars)
    heading = "".join(c.text for c in title.chars if c.size >= 0.8 * big)
    doc.fields["doc_type"] = cell_value("doc_type", heading, "text", title.ref)
    spec = rule.table(TABLE)
    if spec is not None:
        items = [p for p in (read_page(vp.number, vp.lines, vp.hits, spec, vp.grid, vp.width) for vp in pages) if p]
        if items:
            doc.tables[spec.key] = _table(items, spec)
            _totals(doc, rule, items)
    return doc


def _table(items: list[PageItems], spec) -> Table:  # type: ignore[no-untyped-def]
    first = items[0]
    columns = {c.key: CellRef(f"p{first.page}", f"R1C{i + 1}") for i, c in enumerate(first.columns) if c.key}
    return Table(key=spec.key, sheet=f"p{first.page}", header_row=1, columns=columns, rows=build_rows(items, spec),
                 extra_columns=[c.label for c in first.columns if c.key is None])


def _totals(doc: Document, rule: Rule, items: list[PageItems]) -> None:
    """合计 row -> subtotal and tax (合计 wins over 小计; the invoice's own page first); one rate."""
    pick = None
    for kind in ("sum_row", "sub_row"):
        pick = next((p.totals[kind] for p in items if kind in p.totals and p.totals[kind]), None)
        if pick:
            break
    table = doc.tables[TABLE]
    if pick:
        table.totals = Row(0)
        for column, field_key in (("amount", "subtotal"), ("tax", "tax")):
            if column in pick:
                raw, ref = pick[column]
                table.totals.cells[column] = cell_value(column, raw, "money", ref)
                if rule.field(field_key) is not None:
                    doc.fields.setdefault(field_key, cell_value(field_key, raw, "money", ref))
    rates = [r.cells.get("tax_rate") for r in table.rows]
    usable = [v for v in rates if v is not None and v.problem is None and v.value is not None]
    if rule.field("tax_rate") and usable and len(usable) == len(rates) and len({v.value for v in usable}) == 1:
        doc.fields.setdefault("tax_rate", cell_value("tax_rate", str(usable[0].raw), "percent", usable[0].ref))
