"""Generate Chinese VAT invoices as vendors send them, in the three template families.

    inv = Invoice(lines=[Line("*广告服务*视频制作", qty="1", price="2241.51", rate="6%")])
    render_vat(inv, "aisino", path)        # or "baiwang", "digital"

- `aisino` — 航信-style 增值税电子普通发票 (like the corpus' 京东/阿里云 ones): 609×394 pt, a ruled grid,
  labels letter-spaced (`名      称:`) and drawn before every value (text order: the blank form
  first, then the values with no labels), values a point or two off their labels, 购/买/方 down
  the left edge, the date as separate glyphs (`2020` `年` `06` `月`…, 月 higher than the rest),
  a round seal whose text is turned and overlaps the title.
- `baiwang` — 百望-style: another grid, `名称：` unspaced, 购/买/方 as one-character lines, the
  密码区 ciphertext on the buyer lines' baselines right after the rule (text order glues them).
- `digital` — 数电 电子发票（增值税专用发票/普通发票）: 20-digit number, no 发票代码, buyer and
  seller side by side under 购买方信息/销售方信息 stacks, no column rules in the goods table,
  the `¥` a separate glyph in another font.

Business facts live in `Invoice`/`Line`; the printed figures are computed from them, and
`plant` overrides what is printed (`amount:1`, `subtotal`, `tax`, `total`, `capital`) to make
one mistake at a time. Trap knobs: `sign` (¥ ￥ ´ or none), `yuan` (元/圆), `fake_bold` (each
label glyph three times), wrapped names (`wrap`), discount lines, 13-decimal prices, 免税
(`rate="免税"`, tax `***`), red invoices (negative amounts), 小计+合计 rows, a 销货清单 page.

    python tests/pdf/vat_pdfs.py OUT_DIR     # writes one of each layout to look at
"""

from __future__ import annotations

import math
import sys
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

from automator.capital import to_capital

CJK = "STSong-Light"
pdfmetrics.registerFont(UnicodeCIDFont(CJK))
MONO = "Courier"
CENT = Decimal("0.01")
AGENCY = "华夏智联广告有限公司"


@dataclass
class Line:
    item: str
    spec: str = ""
    unit: str = ""
    qty: str = ""                 # as printed ("" for a discount line)
    price: str = ""               # as printed, up to 13 decimals
    rate: str = "6%"              # 6%, 3%, 免税, 不征税
    amount: Decimal | None = None  # None: qty × price rounded to the cent
    tax: Decimal | None = None     # None: amount × rate rounded (`***` when no tax is levied)

    @property
    def net(self) -> Decimal:
        if self.amount is not None:
            return self.amount
        return (Decimal(self.qty) * Decimal(self.price)).quantize(CENT, ROUND_HALF_UP)

    @property
    def levied(self) -> bool:
        return self.rate.endswith("%")

    @property
    def vat(self) -> Decimal:
        if self.tax is not None:
            return self.tax
        if not self.levied:
            return Decimal(0)
        return (self.net * Decimal(self.rate.rstrip("%")) / 100).quantize(CENT, ROUND_HALF_UP)


@dataclass
class Invoice:
    lines: list[Line]
    title: str = ""                # default by layout
    code: str = "033002000111"
    number: str = ""               # default by layout (8 digits, 20 on 数电)
    date: tuple[int, int, int] = (2024, 3, 31)
    buyer: str = AGENCY
    buyer_id: str = "91310106MA1FY8XX3K"
    seller: str = "星辰影视制作有限公司"
    seller_id: str = "91310115MA1K4YY22Y"
    remark: str = ""
    sign: str = "¥"                # ¥ ￥ ´ or ""
    yuan: str = "圆"               # 圆 or 元 in the 大写
    whole: str = "整"              # after 角 on 数电 (捌仟…陆角整); "" as 航信 prints it
    fake_bold: bool = False
    wrap: int = 0                  # wrap item names after this many characters (0: layout default)
    subtotal_row: bool = False     # a 小计 row before the 合计 row
    list_page: bool = False        # lines on a 销货清单 second page (航信)
    plant: dict[str, str] = field(default_factory=dict)
    small_label: bool = True       # print （小写） before the total (some issuers print the figure alone)
    # Another issuer's geometry: values moved (dx, dy) off their labels, the page scaled.
    jitter: tuple[float, float, float] = (0.0, 0.0, 1.0)

    def subtotal(self) -> Decimal:
        return sum((ln.net for ln in self.lines), Decimal(0))

    def tax(self) -> Decimal:
        return sum((ln.vat for ln in self.lines), Decimal(0))

    def total(self) -> Decimal:
        return self.subtotal() + self.tax()

    def money(self, d: Decimal, sign: bool = True) -> str:
        return f"{self.sign if sign else ''}{d:.2f}"

    def capital(self) -> str:
        if "capital" in self.plant:
            return self.plant["capital"]
        words = to_capital(self.total()).replace("元", self.yuan)
        if self.whole and not words.endswith(("整", "分")):
            words += self.whole
        return words

    def figures(self) -> dict[str, str]:
        """What the 合计 row and 价税合计 print (planted mistakes included)."""
        levied = any(ln.levied for ln in self.lines)
        return {"subtotal": self.plant.get("subtotal", self.money(self.subtotal())),
                "tax": self.plant.get("tax", self.money(self.tax()) if levied else "***"),
                "total": self.plant.get("total", self.money(self.total())), "capital": self.capital()}

    def row(self, i: int, ln: Line) -> dict[str, str]:
        """One goods line as printed."""
        amount = self.plant.get(f"amount:{i}", f"{ln.net:.2f}")
        tax = self.plant.get(f"tax:{i}", f"{ln.vat:.2f}" if ln.levied else "***")
        return {"item": ln.item, "spec": ln.spec, "unit": ln.unit, "qty": ln.qty, "price": ln.price,
                "amount": amount, "rate": ln.rate, "tax": tax}


# ---------------------------------------------------------------- drawing primitives

class Pen:
    """reportlab with top-down coordinates (as pdfplumber reports them)."""

    def __init__(self, path: Path, width: float, height: float, inv: Invoice) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        dx, dy, scale = inv.jitter
        self.c = canvas.Canvas(str(path), pagesize=(width * scale, height * scale))
        self.c.scale(scale, scale)
        self.h, self.inv, self.dx, self.dy = height, inv, dx, dy

    def text(self, x: float, top: float, s: str, size: float = 9, font: str = CJK, *, align: str = "l",
             label: bool = False, color: tuple[float, float, float] = (0, 0, 0)) -> None:
        if not s:
            return
        if font == MONO and not all(ord(ch) < 256 for ch in s):
            font = CJK  # ￥ and Chinese are not in Courier
        if not label:
            x, top = x + self.dx, top + self.dy
        self.c.setFont(font, size)
        self.c.setFillColorRGB(*color)
        base = self.h - top - size * (0.73 if font == CJK else 0.8)
        width = pdfmetrics.stringWidth(s, font, size)
        x0 = x - width if align == "r" else x - width / 2 if align == "c" else x
        for k in range(3 if label and self.inv.fake_bold else 1):  # fake bold: each glyph three times
            self.c.drawString(x0 + 0.25 * k, base, s)

    def spaced(self, x: float, top: float, s: str, step: float, size: float = 9, **kw: object) -> None:
        """A letter-spaced label: one glyph every `step` points (`名      称:`)."""
        for k, ch in enumerate(s):
            self.text(x + k * step, top, ch, size, label=True, **kw)  # type: ignore[arg-type]

    def stack(self, x: float, top: float, s: str, step: float, size: float = 9, **kw: object) -> None:
        """A label printed down the page, one glyph a line (购/买/方)."""
        for k, ch in enumerate(s):
            self.text(x, top + k * step, ch, size, label=True, **kw)  # type: ignore[arg-type]

    def hline(self, x0: float, x1: float, top: float) -> None:
        self.c.setStrokeColorRGB(0.55, 0.25, 0.15)
        self.c.setLineWidth(0.7)
        self.c.line(x0, self.h - top, x1, self.h - top)

    def vline(self, x: float, top: float, bottom: float) -> None:
        self.c.setStrokeColorRGB(0.55, 0.25, 0.15)
        self.c.setLineWidth(0.7)
        self.c.line(x, self.h - top, x, self.h - bottom)

    def rect(self, x0: float, top: float, x1: float, bottom: float) -> None:
        self.c.setStrokeColorRGB(0.55, 0.25, 0.15)
        self.c.setLineWidth(0.7)
        self.c.rect(x0, self.h - bottom, x1 - x0, bottom - top, stroke=1, fill=0)

    def crossed(self, x: float, top: float, r: float = 3.5) -> None:
        """⊗ drawn as a circle and two strokes, the way the invoice software draws it."""
        cx, cy = x + r, self.h - top - r
        self.c.setStrokeColorRGB(0, 0, 0)
        self.c.circle(cx, cy, r)
        d = r * 0.7
        self.c.line(cx - d, cy - d, cx + d, cy + d)
        self.c.line(cx - d, cy + d, cx + d, cy - d)

    def seal(self, cx: float, top: float, words: str, inner: str) -> None:
        """The red oval 监制章: turned glyphs along the rim, small upright ones inside."""
        cy = self.h - top
        self.c.setStrokeColorRGB(0.85, 0.1, 0.1)
        self.c.setFillColorRGB(0.85, 0.1, 0.1)
        self.c.ellipse(cx - 45, cy - 25, cx + 45, cy + 25)
        for k, ch in enumerate(words):
            angle = math.pi * (0.9 - 0.8 * k / max(len(words) - 1, 1))
            self.c.saveState()
            self.c.translate(cx + 38 * math.cos(angle), cy + 18 * math.sin(angle))
            self.c.rotate(math.degrees(angle) - 90)
            self.c.setFont(CJK, 8)
            self.c.drawCentredString(0, -3, ch)
            self.c.restoreState()
        self.c.setFont(CJK, 7)
        self.c.drawCentredString(cx, cy - 10, inner)
        self.c.setFillColorRGB(0, 0, 0)

    def new_page(self) -> None:
        self.c.showPage()
        self.c.scale(self.inv.jitter[2], self.inv.jitter[2])

    def save(self) -> None:
        self.c.save()


def wrap(text: str, width: int) -> list[str]:
    if width <= 0 or len(text) <= width:
        return [text]
    return [text[i:i + width] for i in range(0, len(text), width)]


def render_vat(inv: Invoice, layout: str, path: Path) -> Path:
    from vat_layouts import LAYOUTS

    LAYOUTS[layout](inv, path)
    return path


def render_receipt(path: Path, title: str = "运输费收款凭证") -> Path:
    """A freight company's 收款凭证: amounts, a 合计 and a 大写, but no VAT form."""
    pen = Pen(path, 595.3, 420.0, Invoice([]))
    pen.text(297.6, 30.0, title, 18, align="c")
    pen.text(40.0, 70.0, "付款单位：华夏智联广告有限公司", 10)
    pen.text(360.0, 70.0, "日期：2024年04月02日", 10)
    pen.text(40.0, 90.0, "凭证号：SK-20240402-017", 10)
    pen.rect(40.0, 110.0, 555.0, 230.0)
    for k, (item, amount) in enumerate((("项目", "金额"), ("上海—北京 整车运费", "3,200.00"), ("装卸费", "300.00"),
                                        ("合计", "3,500.00"))):
        pen.hline(40.0, 555.0, 110.0 + 30 * k)
        pen.text(60.0, 118.0 + 30 * k, item, 10)
        pen.text(540.0, 118.0 + 30 * k, amount, 10, align="r")
    pen.text(40.0, 250.0, "人民币（大写）：叁仟伍佰元整", 10)
    pen.text(40.0, 280.0, "收款单位：申通物流上海有限公司（收款专用章）", 10)
    pen.save()
    return path


def write_samples(folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    lines = [Line("*广告服务*视频拍摄制作费用（含脚本策划与后期）", "TVC-15S", "项", "1", "45000", "6%"),
             Line("*广告服务*视频拍摄制作费用（含脚本策划与后期）", amount=Decimal("-500.00"), rate="6%"),
             Line("*设计服务*平面主视觉", "KV-3", "套", "3", "8000.1033333333333", "6%")]
    return [render_vat(Invoice(lines), name, folder / f"{name}.pdf") for name in ("aisino", "baiwang", "digital")]


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).parent))
    for p in write_samples(Path(sys.argv[1] if len(sys.argv) > 1 else "vat-samples")):
        sys.stdout.write(f"{p}\n")
