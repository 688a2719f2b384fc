"""Generate Chinese vendor quotes (报价单) and invoices (发票) as PDF for the tests.

Uses reportlab's built-in Adobe-GB1 CID font STSong-Light, so no font file is
needed. Each document is built from business data (`QLine`s plus header
facts); `overrides` plant mistakes (a wrong line amount, subtotal, tax, total
or 大写). Layout knobs cover what real files do: ruling lines or none, tables
that break across pages with or without a repeated header, fake-bold text.

    python tests/pdf/make_pdfs.py OUT_DIR     # writes a few samples to look at
"""

from __future__ import annotations

import subprocess
import sys
from dataclasses import dataclass, field, replace
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from reportlab.lib.pagesizes import A4
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

from automator.capital import to_capital

FONT = "STSong-Light"
pdfmetrics.registerFont(UnicodeCIDFont(FONT))
CENT = Decimal("0.01")
PAGE_W, PAGE_H = A4
MARGIN = 40.0
ROW_H = 20.0


def money(d: Decimal, *, yen: bool = True) -> str:
    return f"{'¥' if yen else ''}{d.quantize(CENT):,.2f}"


@dataclass
class QLine:
    item: str
    spec: str
    qty: Decimal
    unit_price: Decimal
    amount: Decimal | None = None  # None: qty × unit_price (set it to plant a wrong amount)
    unit: str = "项"

    @property
    def right_amount(self) -> Decimal:
        return (self.qty * self.unit_price).quantize(CENT, ROUND_HALF_UP)

    @property
    def shown_amount(self) -> Decimal:
        return self.amount if self.amount is not None else self.right_amount


@dataclass
class PdfSpec:
    """A laid-out document: everything the drawing code needs, nothing more."""

    title: str
    info: list[tuple[str, str]]                 # label, value — laid out two to a line
    columns: list[tuple[str, float, str]]       # header, width, align ("l" or "r")
    rows: list[list[str]]
    letterhead: str | None = None
    table_totals: list[list[str]] = field(default_factory=list)  # rows drawn inside the table
    totals: list[str] = field(default_factory=list)   # free lines under the table
    footer_info: list[tuple[str, str]] = field(default_factory=list)  # e.g. 销售方 under the table
    notes: list[str] = field(default_factory=list)
    ruled: bool = True
    first_page_rows: int = 30
    later_page_rows: int = 34
    repeat_header: bool = True
    fake_bold: bool = False
    page_numbers: bool = True


SAMPLE_LINES = [
    QLine("导演费", "3天", Decimal(1), Decimal("45000")),
    QLine("摄影及灯光组", "含设备，3天", Decimal(3), Decimal("8000.10")),
    QLine("演员费", "主演2人", Decimal(2), Decimal("12000")),
    QLine("场地租赁", "棚拍", Decimal(2), Decimal("6500")),
    QLine("后期剪辑调色", "15秒+5秒", Decimal(1), Decimal("18000")),
    QLine("音乐版权", "1年网络", Decimal(1), Decimal("9999.70")),
]


def quote_spec(lines: list[QLine] | None = None, *, tax_rate: Decimal | None = Decimal("0.06"),
               vendor: str = "星辰影视制作有限公司", client: str = "星河乳业（上海）有限公司",
               date: str = "2026年11月20日", number: str = "XC-2026-118",
               overrides: dict[str, str] | None = None, **layout: object) -> PdfSpec:
    """A production house's quote. overrides: subtotal, tax, total, capital (as printed)."""
    lines = SAMPLE_LINES if lines is None else lines
    o = overrides or {}
    subtotal = sum((ln.right_amount for ln in lines), Decimal(0))
    tax = (subtotal * tax_rate).quantize(CENT, ROUND_HALF_UP) if tax_rate is not None else Decimal(0)
    total = subtotal + tax
    rows = [[str(i), ln.item, ln.spec, f"{ln.qty:f}", money(ln.unit_price), money(ln.shown_amount)]
            for i, ln in enumerate(lines, 1)]
    totals = [f"小计：{o.get('subtotal', money(subtotal))}"]
    if tax_rate is not None:
        totals.append(f"税额（{tax_rate * 100:.0f}%）：{o.get('tax', money(tax))}")
    totals += [f"合计：{o.get('total', money(total))}",
               f"大写：人民币{o.get('capital', to_capital(total))}"]
    spec = PdfSpec(
        title="报 价 单", letterhead=vendor,
        info=[("报价单位", vendor), ("编号", number), ("致", client), ("日期", date),
              ("项目", "星河酸奶冬季新品TVC拍摄"), ("联系人", "王磊 138 0000 0000")],
        columns=[("序号", 36, "l"), ("项目", 120, "l"), ("规格", 100, "l"), ("数量", 45, "r"),
                 ("单价", 85, "r"), ("金额", 95, "r")],
        rows=rows, totals=totals,
        notes=["备注：报价有效期30天；可开具6%增值税专用发票。", "付款方式：签约后支付50%，交片后支付50%。"])
    return replace(spec, **layout)  # type: ignore[arg-type]


AGENCY = "华夏智联广告有限公司"  # the buyer on a vendor's invoice is the agency itself


def invoice_spec(lines: list[QLine] | None = None, *, tax_rate: Decimal = Decimal("0.06"),
                 vendor: str = "星辰影视制作有限公司", buyer: str = AGENCY,
                 date: str = "2026年12月05日", number: str = "26312000000012345678",
                 line_tax: dict[int, str] | None = None,
                 overrides: dict[str, str] | None = None, **layout: object) -> PdfSpec:
    """A VAT invoice (数电发票 layout). line_tax: {line index: printed tax} to plant a wrong line tax."""
    lines = SAMPLE_LINES[:3] if lines is None else lines
    o, bad_tax = overrides or {}, line_tax or {}
    rate = f"{tax_rate * 100:.0f}%"
    taxes = [(ln.shown_amount * tax_rate).quantize(CENT, ROUND_HALF_UP) for ln in lines]
    rows = [[f"*广告服务*{ln.item}", ln.spec, ln.unit, f"{ln.qty:f}", money(ln.unit_price, yen=False),
             money(ln.shown_amount, yen=False), rate, bad_tax.get(i, money(t, yen=False))]
            for i, (ln, t) in enumerate(zip(lines, taxes, strict=True))]
    subtotal = sum((ln.right_amount for ln in lines), Decimal(0))
    tax = sum(taxes, Decimal(0))
    total = subtotal + tax
    spec = PdfSpec(
        title="电子发票（增值税专用发票）",
        info=[("发票号码", number), ("开票日期", date), ("购买方名称", buyer),
              ("统一社会信用代码/纳税人识别号", "91310000MA1FL0XX1X"),
              ("销售方名称", vendor), ("统一社会信用代码/纳税人识别号", "91310115MA1K4YY22Y")],
        columns=[("项目名称", 130, "l"), ("规格型号", 70, "l"), ("单位", 30, "l"), ("数量", 40, "r"),
                 ("单价", 70, "r"), ("金额", 75, "r"), ("税率", 35, "r"), ("税额", 65, "r")],
        rows=rows,
        table_totals=[["合计", "", "", "", "", o.get("subtotal", money(subtotal)), "", o.get("tax", money(tax))]],
        totals=[f"价税合计（大写） ⊗{o.get('capital', to_capital(total))}    （小写）{o.get('total', money(total))}"],
        notes=["备注：星河酸奶冬季新品TVC拍摄", "开票人：李静"])
    return replace(spec, **layout)  # type: ignore[arg-type]


# ---------------------------------------------------------------- drawing

class _Pen:
    def __init__(self, path: Path, spec: PdfSpec, encrypt: str | None) -> None:
        self.c = canvas.Canvas(str(path), pagesize=A4, encrypt=encrypt)
        self.c.setTitle(spec.title.replace(" ", ""))
        self.spec = spec
        self.page = 1

    def text(self, x: float, y: float, s: str, size: float = 10, align: str = "l", *, bold: bool = False) -> None:
        self.c.setFont(FONT, size)
        draw = self.c.drawRightString if align == "r" else (
            self.c.drawCentredString if align == "c" else self.c.drawString)
        draw(x, y, s)
        if bold or self.spec.fake_bold:  # fake bold: the same glyphs again, offset a hair
            draw(x + 0.3, y, s)

    def new_page(self) -> None:
        self.footer()
        self.c.showPage()
        self.page += 1

    def footer(self) -> None:
        if self.spec.page_numbers:
            self.text(PAGE_W / 2, 25, f"第 {self.page} 页", 8, "c")


LEADING = 11.0  # a wrapped line inside a cell sits this far below the one above


def _height(cells: list[str]) -> float:
    return ROW_H + LEADING * (max(c.count("\n") for c in cells) if cells else 0)


def _table_row(pen: _Pen, y: float, cells: list[str]) -> float:
    """Draw one row (a cell may hold several lines, split by \n); return its height."""
    x = MARGIN
    for (_, width, align), cell in zip(pen.spec.columns, cells, strict=True):
        for k, part in enumerate(cell.split("\n")):
            pen.text(x + width - 3 if align == "r" else x + 3, y - 14 - k * LEADING, part, 9, align)
        x += width
    return _height(cells)


def _grid(pen: _Pen, top: float, heights: list[float]) -> None:
    if not pen.spec.ruled or not heights:
        return
    width = sum(w for _, w, _ in pen.spec.columns)
    bottom = top - sum(heights)
    pen.c.setLineWidth(0.6)
    y = top
    for h in [0.0, *heights]:
        y -= h
        pen.c.line(MARGIN, y, MARGIN + width, y)
    x = MARGIN
    for _, w, _ in [*pen.spec.columns, ("", 0, "")]:
        pen.c.line(x, top, x, bottom)
        x += w


def render(spec: PdfSpec, path: Path, *, encrypt: str | None = None) -> Path:
    """Draw `spec` to `path` (A4). Returns the path."""
    path.parent.mkdir(parents=True, exist_ok=True)
    pen = _Pen(path, spec, encrypt)
    y = PAGE_H - 50
    if spec.letterhead:
        pen.text(PAGE_W / 2, y, spec.letterhead, 14, "c")
        y -= 32
    pen.text(PAGE_W / 2, y, spec.title, 20, "c", bold=True)
    y -= 34
    for i in range(0, len(spec.info), 2):
        for col, (label, value) in enumerate(spec.info[i:i + 2]):
            pen.text(MARGIN + col * 280, y, f"{label}：{value}")
        y -= 18
    y -= 6
    header = [h for h, _, _ in spec.columns]
    body = [*spec.rows, *spec.table_totals]
    room = spec.first_page_rows
    top, heights = y, [_table_row(pen, y, header)]
    y -= heights[0]
    for row in body:
        if room == 0:
            _grid(pen, top, heights)
            pen.new_page()
            y = PAGE_H - 50
            top, heights = y, []
            if spec.repeat_header:
                heights.append(_table_row(pen, y, header))
                y -= heights[-1]
            room = spec.later_page_rows
        heights.append(_table_row(pen, y, row))
        y, room = y - heights[-1], room - 1
    _grid(pen, top, heights)
    y -= 12
    for line in spec.totals:
        pen.text(MARGIN + 300 if len(line) < 24 else MARGIN, y, line)
        y -= 18
    for i in range(0, len(spec.footer_info), 2):
        for col, (label, value) in enumerate(spec.footer_info[i:i + 2]):
            pen.text(MARGIN + col * 280, y, f"{label}：{value}")
        y -= 18
    y -= 10
    for note in spec.notes:
        pen.text(MARGIN, y, note, 9)
        y -= 15
    pen.footer()
    pen.c.save()
    return path


def scan_of(pdf: Path, out: Path) -> Path:
    """What a scanner makes of `pdf`: its first page as a picture, no text layer."""
    png = pdf.with_name(f"{pdf.stem}-scan")  # beside the source, not in the folder `out` lands in
    subprocess.run(["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", "-singlefile", str(pdf), str(png)],
                   check=True, timeout=60)
    c = canvas.Canvas(str(out), pagesize=A4)
    c.drawImage(str(png.with_suffix(".png")), 0, 0, PAGE_W, PAGE_H)
    c.save()
    return out


def without_text_encoding(pdf: Path, out: Path) -> Path:
    """The same PDF with its CJK font switched to Identity-H and no ToUnicode map:
    the glyphs still print, but text extraction yields (cid:NNN) and mojibake."""
    data = pdf.read_bytes()
    assert b"/UniGB-UCS2-H" in data
    out.write_bytes(data.replace(b"/UniGB-UCS2-H", b"/Identity-H  "))  # same length: offsets hold
    return out


def write_samples(folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    return [render(quote_spec(), folder / "报价单_星辰影视.pdf"),
            render(quote_spec(ruled=False), folder / "报价单_无框线.pdf"),
            render(invoice_spec(), folder / "发票_星辰影视.pdf"),
            render(quote_spec(first_page_rows=4, repeat_header=False), folder / "报价单_跨页.pdf")]


if __name__ == "__main__":
    for p in write_samples(Path(sys.argv[1] if len(sys.argv) > 1 else "pdf-samples")):
        sys.stdout.write(f"{p}\n")
