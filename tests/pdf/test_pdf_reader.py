"""read_pdf on generated Chinese quotes and invoices: fields, line items, totals, positions,
and a plain-words rejection for every PDF that cannot be read."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from make_pdfs import QLine, invoice_spec, quote_spec, render, scan_of, without_text_encoding

from automator.errors import InputError
from automator.document import Document
from automator.readers.pdf import read_pdf


def rows(doc: Document) -> list[dict[str, Any]]:
    """The line items as plain values (no positions), to compare readings."""
    return [{k: v.value for k, v in r.cells.items()} for r in doc.tables["lines"].rows]


def refs(doc: Document, column: str) -> list[str]:
    return [str(r.cells[column].ref) for r in doc.tables["lines"].rows]


@pytest.fixture
def quote(tmp_path: Path, ruleset) -> Document:  # type: ignore[no-untyped-def]
    return read_pdf(render(quote_spec(), tmp_path / "报价单.pdf"), ruleset)


def test_quote_fields(quote: Document) -> None:
    f = {k: v.value for k, v in quote.fields.items()}
    assert quote.doc_type == "quote"
    assert f["vendor"] == "星辰影视制作有限公司"
    assert f["client"] == "星河乳业（上海）有限公司"
    assert f["doc_date"] == dt.date(2026, 11, 20)
    assert f["number"] == "XC-2026-118"
    assert f["project"] == "星河酸奶冬季新品TVC拍摄"
    assert (f["subtotal"], f["tax_rate"], f["tax"], f["total"]) == (
        Decimal("134000.00"), Decimal("0.06"), Decimal("8040.00"), Decimal("142040.00"))
    assert f["total_capital"] == "壹拾肆万贰仟零肆拾元整"
    # Text outside the table is placed by page and line; the raw text is kept.
    assert str(quote.fields["total"].ref) == "p1!L15" and quote.fields["total"].raw == "¥142,040.00"


def test_quote_lines(quote: Document) -> None:
    table = quote.tables["lines"]
    assert [r.number for r in table.rows] == [1, 2, 3, 4, 5, 6]
    second = rows(quote)[1]
    assert second == {"no": "2", "item": "摄影及灯光组", "spec": "含设备，3天", "qty": Decimal(3),
                      "unit_price": Decimal("8000.10"), "amount": Decimal("24000.30")}
    # Page, row and column of the table: the header is R1, 金额 the sixth column.
    assert refs(quote, "amount")[:2] == ["p1!R2C6", "p1!R3C6"]
    assert table.rows[1].cells["amount"].raw == "¥24,000.30"
    assert str(table.columns["amount"]) == "p1!R1C6"


def test_ruling_lines_or_not_the_rows_are_the_same(tmp_path: Path, ruleset, quote: Document) -> None:  # type: ignore[no-untyped-def]
    bare = read_pdf(render(quote_spec(ruled=False), tmp_path / "无框线.pdf"), ruleset)
    assert rows(bare) == rows(quote)
    assert refs(bare, "amount") == refs(quote, "amount")
    assert {k: v.value for k, v in bare.fields.items()} == {k: v.value for k, v in quote.fields.items()}


@pytest.mark.parametrize("ruled", [True, False])
@pytest.mark.parametrize("repeat_header", [True, False])
def test_table_across_two_pages(tmp_path: Path, ruleset, quote: Document, ruled: bool,  # type: ignore[no-untyped-def]
                                repeat_header: bool) -> None:
    spec = quote_spec(first_page_rows=4, ruled=ruled, repeat_header=repeat_header)
    doc = read_pdf(render(spec, tmp_path / "跨页.pdf"), ruleset)
    assert doc.sheets == ["p1", "p2"]
    assert rows(doc) == rows(quote)
    first_on_p2 = "p2!R2C6" if repeat_header else "p2!R1C6"
    assert refs(doc, "amount")[3:5] == ["p1!R5C6", first_on_p2]
    assert doc.value("total") == Decimal("142040.00") and str(doc.fields["total"].ref).startswith("p2!")


@pytest.mark.parametrize("line", ["税率：6%    税额：¥8,040.00", "税率：6% 税额：¥8,040.00", "税率 6%   税额 ¥8,040.00",
                                  "税额（6%）：¥8,040.00"])
def test_two_label_value_pairs_on_one_line(tmp_path: Path, ruleset, line: str) -> None:  # type: ignore[no-untyped-def]
    """`税率：6%    税额：¥5,100.00` is two fields (the rate was once read as ¥5,100.00)."""
    spec = quote_spec()
    spec.totals[1] = line
    doc = read_pdf(render(spec, tmp_path / "两项.pdf"), ruleset)
    assert (doc.value("tax_rate"), doc.value("tax")) == (Decimal("0.06"), Decimal("8040.00"))
    assert doc.fields["tax"].raw == "¥8,040.00" and doc.fields["tax_rate"].raw == "6%"


def test_invoice(tmp_path: Path, ruleset) -> None:  # type: ignore[no-untyped-def]
    doc = read_pdf(render(invoice_spec(), tmp_path / "发票.pdf"), ruleset)
    f = {k: v.value for k, v in doc.fields.items()}
    assert doc.doc_type == "invoice"
    # The buyer is the agency itself: read as `buyer`, never as the client (that is the inbox folder).
    assert (f["vendor"], f["buyer"]) == ("星辰影视制作有限公司", "华夏智联广告有限公司") and "client" not in f
    assert (f["number"], f["doc_date"]) == ("26312000000012345678", dt.date(2026, 12, 5))
    # The 合计 row of the table holds the amount before tax and the tax; 价税合计 the total.
    assert (f["subtotal"], f["tax"], f["total"]) == (Decimal("93000.30"), Decimal("5580.02"), Decimal("98580.32"))
    assert str(doc.fields["subtotal"].ref) == "p1!R5C6" and str(doc.fields["tax"].ref) == "p1!R5C8"
    assert f["tax_rate"] == Decimal("0.06")
    assert f["total_capital"] == "玖万捌仟伍佰捌拾元叁角贰分"
    assert rows(doc)[0] == {"item": "*广告服务*导演费", "spec": "3天", "unit": "项", "qty": Decimal(1),
                            "unit_price": Decimal("45000.00"), "amount": Decimal("45000.00"),
                            "tax_rate": Decimal("0.06"), "tax": Decimal("2700.00")}
    totals = doc.tables["lines"].totals
    assert totals is not None and {k: v.value for k, v in totals.cells.items()} == {
        "amount": Decimal("93000.30"), "tax": Decimal("5580.02")}


def test_invoice_without_ruling_lines(tmp_path: Path, ruleset) -> None:  # type: ignore[no-untyped-def]
    ruled = read_pdf(render(invoice_spec(), tmp_path / "a.pdf"), ruleset)
    bare = read_pdf(render(invoice_spec(ruled=False), tmp_path / "b.pdf"), ruleset)
    assert rows(bare) == rows(ruled)
    assert {k: v.value for k, v in bare.fields.items()} == {k: v.value for k, v in ruled.fields.items()}


def test_fake_bold_is_read_once(tmp_path: Path, ruleset, quote: Document) -> None:  # type: ignore[no-untyped-def]
    doc = read_pdf(render(quote_spec(fake_bold=True), tmp_path / "粗体.pdf"), ruleset)
    assert rows(doc) == rows(quote)
    assert doc.value("vendor") == "星辰影视制作有限公司" and doc.value("total") == Decimal("142040.00")


@pytest.mark.parametrize("ruled", [True, False])
def test_amount_forms_and_wrapped_item_text(tmp_path: Path, ruleset, ruled: bool) -> None:  # type: ignore[no-untyped-def]
    lines = [QLine("主KV设计", "含3轮修改", Decimal(1), Decimal("128000")),
             QLine("户外大牌制作", "10块", Decimal(10), Decimal("12800"))]
    spec = quote_spec(lines, tax_rate=None, ruled=ruled)
    spec.rows[0][4:] = ["128,000.00元", "12.8万"]
    spec.rows[1][4:] = ["￥12,800.00", "RMB 128,000"]
    spec.rows[0][1] = "主KV设计\n（含源文件）"  # the item's text wraps onto a second line
    doc = read_pdf(render(spec, tmp_path / f"写法{ruled}.pdf"), ruleset)
    assert [(r["item"], r["unit_price"], r["amount"]) for r in rows(doc)] == [
        ("主KV设计（含源文件）", Decimal("128000.00"), Decimal("128000.0")),
        ("户外大牌制作", Decimal("12800.00"), Decimal("128000"))]
    # No tax stated: 合计 is both the subtotal and the total.
    assert doc.value("subtotal") == doc.value("total") == Decimal("256000.00")


# ---------------------------------------------------------------- rejected, with a reason

def reason(path: Path, ruleset) -> InputError:  # type: ignore[no-untyped-def]
    with pytest.raises(InputError) as caught:
        read_pdf(path, ruleset)
    return caught.value


def test_encrypted(tmp_path: Path, ruleset) -> None:  # type: ignore[no-untyped-def]
    err = reason(render(quote_spec(), tmp_path / "加密.pdf", encrypt="secret"), ruleset)
    assert err.code == "pdf-encrypted" and "PDF 已加密" in err.message


def test_scan_has_no_text_layer(tmp_path: Path, ruleset) -> None:  # type: ignore[no-untyped-def]
    pdf = render(quote_spec(), tmp_path / "原件.pdf")
    err = reason(scan_of(pdf, tmp_path / "扫描件.pdf"), ruleset)
    assert err.code == "pdf-no-text-layer" and "扫描件，无文字层" in err.message and "电子发票原件" in err.message


def test_glyphs_without_text_encoding(tmp_path: Path, ruleset) -> None:  # type: ignore[no-untyped-def]
    pdf = render(quote_spec(), tmp_path / "原件.pdf")
    err = reason(without_text_encoding(pdf, tmp_path / "乱码.pdf"), ruleset)
    assert err.code == "pdf-no-text"
    assert err.message.endswith("PDF 文字无法提取（字体缺少编码），请向供应商索取可复制文字的 PDF")


@pytest.mark.parametrize("keep", [0, 0.5, 0.9])
def test_damaged(tmp_path: Path, ruleset, keep: float) -> None:  # type: ignore[no-untyped-def]
    data = render(quote_spec(), tmp_path / "原件.pdf").read_bytes()
    cut = tmp_path / "损坏.pdf"
    cut.write_bytes(data[: int(len(data) * keep)])
    err = reason(cut, ruleset)
    assert err.code.startswith("pdf-") and ("损坏" in err.message or "空" in err.message or "标题" in err.message)


def test_neither_quote_nor_invoice(tmp_path: Path, ruleset) -> None:  # type: ignore[no-untyped-def]
    spec = quote_spec(title="会议纪要", letterhead=None)
    spec.info = [("会议日期", "2026年11月20日")]
    spec.notes = []
    err = reason(render(spec, tmp_path / "纪要.pdf"), ruleset)
    assert err.code == "pdf-unknown-type" and "报价单" in err.message and "发票" in err.message
