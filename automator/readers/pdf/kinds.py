"""PDFs that look like invoices but are not VAT invoices: refused, saying what they are.

A 航空运输电子客票行程单 is titled 电子发票, a freight company's 收款凭证 lists amounts
and a 合计, a 定额发票 or a taxi receipt has a number and a sum — none of them prints
the VAT form (价税合计, 税额 per line, 购买方/销售方), so no check of ours applies, and
reading one as an invoice would send it to review with a page of false alarms.
"""

from __future__ import annotations

from pathlib import Path

from automator.errors import InputError
from automator.readers.pdf.lines import TextLine, norm
from automator.readers.pdf.vat_labels import NOT_VAT
from automator.rules.model import Rule


def page_title(lines: list[TextLine]) -> TextLine | None:
    """The line printed biggest (the first of them) in the upper half of the page's lines."""
    head = lines[: max(4, len(lines) // 2)]
    if not head:
        return None
    big = max(ln.size for ln in head)
    return next(ln for ln in head if ln.size >= 0.9 * big)


def not_vat(path: Path, lines: list[TextLine], rules: list[Rule]) -> None:
    """Raise InputError when the page's title names a receipt that is no VAT invoice."""
    title = page_title(lines)
    if title is None:
        return
    text = title.compact
    word = next((w for w in NOT_VAT if norm(w) in text), None)
    if word is None:
        return
    names = "、".join(r.zh for r in rules)
    # The part of the title line that names it (a 仅供预览 box may share the line).
    part = next((seg for seg in title.segments if norm(word) in norm("".join(t.text for t in seg))), title.tokens)
    shown = "".join(c.text for t in part for c in t.chars if c.size >= 0.8 * title.size).strip()
    raise InputError(
        f"{path.name}：这是「{shown}」（{word}），不是增值税发票（普票/专票/数电发票），也不是报价单，"
        f"无法按发票核对金额和税额（第 {title.page} 页第 {title.number} 行）",
        hint=f"报销单据请走报销流程；若这是供应商的费用，请向对方索取增值税发票 PDF 后再放入 inbox/（可处理：{names}）",
        code="pdf-not-vat-invoice")
