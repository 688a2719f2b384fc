"""Generated VAT invoices in the three template families (航信, 百望, 数电): every trap of real files
is read right with no false alarm, and each planted mistake is found where it is printed.

Each case is one invoice drawn by vat_pdfs.py, read by the real reader, bound to its client as the
pipeline does (dropped into inbox/星河乳业/), and checked by the rule's checks."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import pytest
from vat_pdfs import AGENCY, Invoice, Line, render_vat

from automator.checks import run_checks
from automator.document import Document, Finding, Severity, machine_form
from automator.readers import Reading
from automator.readers.client import agency_names, check_buyer, settle_client
from automator.readers.pdf import read_pdf
from automator.rules.loader import RuleSet

LAYOUTS = ("aisino", "baiwang", "digital")
CLIENT = "星河乳业"
Checked = tuple[Document, list[Finding]]


@pytest.fixture
def check(tmp_path: Path, ruleset: RuleSet) -> Callable[[Invoice, str], Checked]:
    def run(inv: Invoice, layout: str) -> Checked:
        path = render_vat(inv, layout, tmp_path / f"{layout}-{len(list(tmp_path.iterdir()))}.pdf")
        doc = read_pdf(path, ruleset)
        rule = ruleset.rules[doc.doc_type or ""]
        reading = Reading(doc, rule, "")
        agency = agency_names((), ruleset.agency)
        settle_client(reading, f"inbox/{CLIENT}/{path.name}", agency)
        check_buyer(reading, agency)
        results = run_checks(doc, rule, ruleset.checks[rule.key])
        return doc, [f for r in results for f in r.findings]
    return run


def fields(doc: Document) -> dict[str, object]:
    return {k: v["value"] for k, v in machine_form(doc)[0].items()}


def lines(doc: Document) -> list[dict[str, object]]:
    return machine_form(doc)[1]["lines"]  # type: ignore[no-any-return]


def plain() -> Invoice:
    return Invoice([Line("*广告服务*TVC拍摄制作", "15秒", "项", "1", "45000", "6%"),
                    Line("*设计服务*平面主视觉", "KV", "套", "3", "8000.10", "6%")])


# ---------------------------------------------------------------- correct invoices: read right, no finding

@pytest.mark.parametrize("layout", LAYOUTS)
def test_a_plain_invoice_is_read_whole(check, layout: str) -> None:  # type: ignore[no-untyped-def]
    doc, findings = check(plain(), layout)
    assert findings == []
    f = fields(doc)
    assert (f["vendor"], f["buyer"], f["client"]) == ("星辰影视制作有限公司", AGENCY, CLIENT)
    assert (f["subtotal"], f["tax"], f["total"], f["tax_rate"]) == ("69000.30", "4140.02", "73140.32", "0.06")
    assert f["doc_date"] == "2024-03-31" and f["total_capital"] == "柒万叁仟壹佰肆拾圆叁角贰分"
    assert [ln["amount"] for ln in lines(doc)] == ["45000.00", "24000.30"]
    assert doc.value("doc_date") == dt.date(2024, 3, 31)
    if layout == "digital":   # 数电: a 20-digit number and no 发票代码
        assert len(str(f["number"])) == 20 and "invoice_code" not in f
    else:
        assert (f["invoice_code"], len(str(f["number"]))) == ("033002000111", 8)


@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("zero", ["", "零"])
def test_red_invoice(check, layout: str, zero: str) -> None:  # type: ignore[no-untyped-def]
    """负数发票 cancelling an earlier one: negative quantity, amounts and tax; 负…元(零)叁角伍分 both legal."""
    inv = Invoice([Line("*广告服务*视频制作", "", "项", "-1", "3369.27", "3%")], yuan="元", whole="",
                  plant={"capital": f"负叁仟肆佰柒拾元{zero}叁角伍分"})
    doc, findings = check(inv, layout)
    assert findings == []
    f = fields(doc)
    assert (f["subtotal"], f["tax"], f["total"]) == ("-3369.27", "-101.08", "-3470.35")


@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("rate", ["免税", "不征税"])
def test_no_tax_levied_prints_stars(check, layout: str, rate: str) -> None:  # type: ignore[no-untyped-def]
    inv = Invoice([Line("算法导论（原书第3版）/计算机科学丛书", "无", "本", "1", "108.10", rate)], whole="")
    doc, findings = check(inv, layout)
    assert findings == []
    f = fields(doc)
    assert (f["tax"], f["total"], f["total_capital"]) == ("0", "108.10", "壹佰零捌圆壹角")  # ends on 角, no 整
    assert doc.fields["tax"].raw == "***" and lines(doc)[0]["tax"] == "0"


@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize(("yuan", "whole"), [("圆", "整"), ("元", "整"), ("圆", ""), ("元", "")])
def test_yuan_or_yuan_with_or_without_zheng(check, layout: str, yuan: str, whole: str) -> None:  # type: ignore[no-untyped-def]
    inv = Invoice([Line("*广告服务*投放", "", "项", "1", "8321.70", "6%")], yuan=yuan, whole=whole)
    doc, findings = check(inv, layout)
    assert findings == [] and doc.value("total") == Decimal("8821.00")
    assert doc.value("total_capital").startswith("捌仟捌佰贰拾壹" + yuan)


@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("sign", ["¥", "￥", "´", ""])
def test_currency_signs(check, layout: str, sign: str) -> None:  # type: ignore[no-untyped-def]
    doc, findings = check(Invoice(plain().lines, sign=sign), layout)
    assert findings == []
    assert (doc.value("subtotal"), doc.value("total")) == (Decimal("69000.30"), Decimal("73140.32"))


@pytest.mark.parametrize("layout", LAYOUTS)
def test_discount_lines(check, layout: str) -> None:  # type: ignore[no-untyped-def]
    inv = Invoice([Line("*广告服务*TVC拍摄制作", "15秒", "项", "1", "45000", "6%"),
                   Line("*广告服务*TVC拍摄制作", amount=Decimal("-4500.00"), rate="6%")])
    doc, findings = check(inv, layout)
    assert findings == []
    assert [(ln["amount"], ln["tax"]) for ln in lines(doc)] == [("45000.00", "2700.00"), ("-4500.00", "-270.00")]
    assert fields(doc)["subtotal"] == "40500.00"


@pytest.mark.parametrize("layout", LAYOUTS)
def test_unit_prices_with_13_decimals(check, layout: str) -> None:  # type: ignore[no-untyped-def]
    inv = Invoice([Line("*公共安全设备*探测器", "10106650", "PCS", "200", "33.3495145631068", "3%"),
                   Line("*公共安全设备*底座", "30208316", "PCS", "200", "3.1553398058252", "3%")])
    doc, findings = check(inv, layout)
    assert findings == []
    assert [ln["unit_price"] for ln in lines(doc)] == ["33.3495145631068", "3.1553398058252"]
    assert [ln["amount"] for ln in lines(doc)] == ["6669.90", "631.07"]


@pytest.mark.parametrize("layout", LAYOUTS)
def test_names_wrap_over_three_lines_and_split_the_spec(check, layout: str) -> None:  # type: ignore[no-untyped-def]
    name = "*公共安全设备*JTY-GD-G3X点型光电感烟火灾探测器（含安装调试及三年质保服务）"
    inv = Invoice([Line(name, "JTY-GD-G3X-2024B", "PCS", "2", "1500", "13%"),
                   Line("*公共安全设备*底座", "DZ-02", "PCS", "2", "30", "13%")], wrap=10)
    doc, findings = check(inv, layout)
    assert findings == []
    got = lines(doc)
    assert [ln["item"] for ln in got] == [name, "*公共安全设备*底座"]
    assert [ln["spec"] for ln in got] == ["JTY-GD-G3X-2024B", "DZ-02"]


def test_total_printed_without_its_label(check) -> None:  # type: ignore[no-untyped-def]
    doc, findings = check(Invoice(plain().lines, small_label=False), "digital")
    assert findings == [] and fields(doc)["total"] == "73140.32"
    assert doc.fields["total"].ref == doc.fields["total_capital"].ref  # the 价税合计 line


def test_subtotal_and_total_rows(check) -> None:  # type: ignore[no-untyped-def]
    """A 小计 row above the 合计 row: the lines are counted once, 合计 is the amount before tax."""
    doc, findings = check(Invoice(plain().lines, subtotal_row=True), "digital")
    assert findings == [] and len(lines(doc)) == 2
    assert fields(doc)["subtotal"] == "69000.30"


def test_lines_on_a_list_page_with_subtotal_and_grand_total(check) -> None:  # type: ignore[no-untyped-def]
    """(详见销货清单) on the invoice, the lines on page 2 with 小计 and 总计 rows."""
    inv = Invoice(plain().lines + [Line("*广告服务*媒介投放", "", "次", "4", "2500", "6%")], list_page=True)
    doc, findings = check(inv, "aisino")
    assert findings == []
    assert doc.sheets == ["p1", "p2"]
    assert [ln["amount"] for ln in lines(doc)] == ["45000.00", "24000.30", "10000.00"]
    assert str(doc.tables["lines"].rows[0].cells["amount"].ref).startswith("p2!")


@pytest.mark.parametrize("layout", LAYOUTS)
def test_line_tax_may_be_a_cent_off(check, layout: str) -> None:  # type: ignore[no-untyped-def]
    """Tax as gross − net: 309.73 × 13% = 40.26 printed 40.27 is right; 40.29 is not."""
    ok = Invoice([Line("*日用品*纸巾", "", "箱", "1", "309.73", "13%", tax=Decimal("40.27"))])
    assert check(ok, layout)[1] == []
    bad = Invoice([Line("*日用品*纸巾", "", "箱", "1", "309.73", "13%", tax=Decimal("40.29"))])
    doc, findings = check(bad, layout)
    assert [(f.check, f.refs) for f in findings] == [("row_formula", (str(doc.tables["lines"].rows[0].cells["tax"].ref),))]


@pytest.mark.parametrize("layout", LAYOUTS)
def test_fake_bold_labels(check, layout: str) -> None:  # type: ignore[no-untyped-def]
    doc, findings = check(Invoice(plain().lines, fake_bold=True), layout)
    assert findings == []
    assert fields(doc)["total"] == "73140.32"
    assert doc.value("doc_type") in ("上海增值税电子普通发票", "深圳增值税电子普通发票", "电子发票（增值税专用发票）")


@pytest.mark.parametrize("layout", LAYOUTS)
def test_a_buyer_that_is_not_the_agency_is_a_warning(check, layout: str) -> None:  # type: ignore[no-untyped-def]
    doc, findings = check(Invoice(plain().lines, buyer="个人"), layout)
    assert [(f.check, f.severity) for f in findings] == [("buyer", Severity.WARNING)]
    assert doc.value("client") == CLIENT and "个人" in findings[0].message


# ---------------------------------------------------------------- planted mistakes, found where printed

MISTAKES = {
    # what is planted -> (the field whose place the finding names, the checks that fire)
    "amount": ("amount", ["row_formula"]),
    "subtotal": ("subtotal", ["sum", "field_formula"]),
    "tax": ("tax", ["sum", "field_formula"]),
    "total": ("total", ["field_formula", "capital_amount"]),
    "capital": ("total_capital", ["capital_amount"]),
}


def planted(what: str) -> Invoice:
    inv = plain()
    if what == "amount":  # printed 24,000.00 for 3 × 8,000.10 (the sums follow what is printed)
        inv.lines[1] = Line("*设计服务*平面主视觉", "KV", "套", "3", "8000.10", "6%", amount=Decimal("24000.00"))
    else:
        inv.plant[what] = {"subtotal": "¥69000.03", "tax": "¥4140.20", "total": "¥73140.23",
                           "capital": "柒万叁仟壹佰肆拾圆贰角叁分"}[what]
    return inv


@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("what", sorted(MISTAKES))
def test_planted_mistake_is_found_at_its_place(check, layout: str, what: str) -> None:  # type: ignore[no-untyped-def]
    doc, findings = check(planted(what), layout)
    key, checks = MISTAKES[what]
    assert sorted(f.check for f in findings) == sorted(checks), [f.message for f in findings]
    assert all(f.severity == Severity.ERROR for f in findings)
    place = doc.tables["lines"].rows[1].cells["amount"].ref if key == "amount" else doc.fields[key].ref
    assert all(str(place) in f.refs for f in findings), [(f.check, f.refs, str(place)) for f in findings]
    if key == "amount":
        assert doc.tables["lines"].rows[1].cells["amount"].raw == "24000.00"
    else:
        assert doc.fields[key].raw.lstrip("¥") == planted(what).plant[what].lstrip("¥")


@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("jitter", [(1.4, -1.5, 0.9), (0.0, 1.5, 1.1)])
def test_another_issuers_geometry(check, layout: str, jitter: tuple[float, float, float]) -> None:  # type: ignore[no-untyped-def]
    """The page 10 % smaller or larger, values 1.5 pt above or below their labels: read the same."""
    doc, findings = check(Invoice(plain().lines, jitter=jitter), layout)
    assert findings == []
    f = fields(doc)
    assert (f["vendor"], f["subtotal"], f["tax"], f["total"]) == ("星辰影视制作有限公司", "69000.30", "4140.02", "73140.32")
    assert [ln["amount"] for ln in lines(doc)] == ["45000.00", "24000.30"]
