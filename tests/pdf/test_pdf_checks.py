"""Each planted mistake in a generated quote or invoice gives the right finding at the right place;
clean documents give none. The approval check reads a real ledger holding a real creative brief."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import pytest
from make_pdfs import SAMPLE_LINES, PdfSpec, QLine, invoice_spec, quote_spec, render

from automator.checks import CheckContext, run_checks
from automator.checks.approved import item_name, vendor_names
from automator.document import Document, Finding, Severity
from automator.readers import Reading
from automator.readers.client import agency_names, check_buyer, settle_client
from automator.readers.pdf import read_pdf
from automator.rules.loader import RuleSet
from automator.readers.workbook.bind import bind
from automator.archive.versions import figures
from automator.archive.ledger import Ledger
from automator.readers.workbook.read import read_workbook

CLIENT = "星河乳业（上海）有限公司"


@pytest.fixture
def check(tmp_path: Path, ruleset: RuleSet) -> Callable[..., tuple[Document, list[Finding]]]:
    """Read and check as the pipeline does: dropped into inbox/<client>/ (the client of an invoice)."""
    def run(spec: PdfSpec, archive: Ledger | None = None, client: str = CLIENT) -> tuple[Document, list[Finding]]:
        doc = read_pdf(render(spec, tmp_path / f"{len(list(tmp_path.iterdir()))}.pdf"), ruleset)
        reading = Reading(doc, ruleset.rules[doc.doc_type or ""], "")
        agency = agency_names((), ruleset.agency)
        settle_client(reading, f"inbox/{client}/x.pdf", agency)
        check_buyer(reading, agency)
        results = run_checks(doc, ruleset.rules[doc.doc_type or ""], ruleset.checks[doc.doc_type or ""],
                             CheckContext(archive=archive))
        return doc, [f for r in results for f in r.findings]
    return run


def errors(findings: list[Finding]) -> list[tuple[str, tuple[str, ...]]]:
    return [(f.check, f.refs) for f in findings if f.severity == Severity.ERROR]


@pytest.mark.parametrize("make", [quote_spec, invoice_spec])
@pytest.mark.parametrize("ruled", [True, False])
def test_clean_documents_pass(check, make, ruled: bool) -> None:  # type: ignore[no-untyped-def]
    _, findings = check(make(ruled=ruled))
    assert findings == []


def test_clean_quote_over_two_pages_passes(check) -> None:  # type: ignore[no-untyped-def]
    _, findings = check(quote_spec(first_page_rows=3, repeat_header=False, ruled=False))
    assert findings == []


@pytest.mark.parametrize("ruled", [True, False])
def test_wrong_line_amount(check, ruled: bool) -> None:  # type: ignore[no-untyped-def]
    lines = list(SAMPLE_LINES)
    lines[1] = QLine("摄影及灯光组", "含设备，3天", Decimal(3), Decimal("8000.10"), amount=Decimal("24000.00"))
    _, findings = check(quote_spec(lines, ruled=ruled))
    row = [f for f in findings if f.check == "row_formula"]
    assert [(f.refs, f.message) for f in row] == [
        (("p1!R3C6",), "报价明细第2行金额 24,000.00 与 数量 3 × 单价 8,000.10 = 24,000.30 不符，相差 0.30")]
    # The printed lines no longer add up to the printed subtotal either.
    assert ("sum", ("p1!L13",)) in errors(findings)


def test_wrong_line_amount_on_the_second_page(check) -> None:  # type: ignore[no-untyped-def]
    lines = list(SAMPLE_LINES)
    lines[4] = QLine("后期剪辑调色", "15秒+5秒", Decimal(1), Decimal("18000"), amount=Decimal("18800"))
    _, findings = check(quote_spec(lines, first_page_rows=4, repeat_header=True))
    assert [f.refs for f in findings if f.check == "row_formula"] == [("p2!R2C6",)]


def test_wrong_subtotal(check) -> None:  # type: ignore[no-untyped-def]
    _, findings = check(quote_spec(overrides={"subtotal": "¥134,100.00"}))
    found = [f for f in findings if f.check == "sum"]
    assert [(f.refs, f.message) for f in found] == [
        (("p1!L13",), "小计 134,100.00 与报价明细金额之和 134,000.00 不符，相差 100.00")]


def test_wrong_tax(check) -> None:  # type: ignore[no-untyped-def]
    _, findings = check(quote_spec(overrides={"tax": "¥8,400.00"}))
    formulas = {f.message: f.refs for f in findings if f.check == "field_formula"}
    assert formulas == {
        "税额 8,400.00 与 小计 134,000.00 × 税率 6% = 8,040.00 不符，相差 360.00": ("p1!L14", "p1!L13"),
        "总计 142,040.00 与 小计 134,000.00 + 税额 8,400.00 = 142,400.00 不符，相差 360.00":
            ("p1!L15", "p1!L13", "p1!L14")}


def test_wrong_total(check) -> None:  # type: ignore[no-untyped-def]
    _, findings = check(quote_spec(overrides={"total": "¥142,400.00", "capital": "壹拾肆万贰仟肆佰元整"}))
    assert errors(findings) == [("field_formula", ("p1!L15", "p1!L13", "p1!L14"))]


def test_capital_disagrees(check) -> None:  # type: ignore[no-untyped-def]
    _, findings = check(quote_spec(overrides={"capital": "壹拾肆万贰仟零肆拾伍元整"}))
    assert [(f.check, f.refs, f.message) for f in findings] == [
        ("capital_amount", ("p1!L16", "p1!L15"),
         "大写金额「壹拾肆万贰仟零肆拾伍元整」= 142,045.00，与总计 142,040.00 不符（应为「壹拾肆万贰仟零肆拾元整」）")]


def test_capital_unreadable(check) -> None:  # type: ignore[no-untyped-def]
    _, findings = check(invoice_spec(overrides={"capital": "玖万捌仟伍佰捌拾元叁角贰分分"}))
    assert [(f.check, f.refs) for f in findings] == [("capital_amount", ("p1!L10",))]  # 大写 and 小写 share a line
    assert "无法识别" in findings[0].message


def test_invoice_wrong_line_tax(check) -> None:  # type: ignore[no-untyped-def]
    _, findings = check(invoice_spec(line_tax={1: "1,400.02"}))
    assert [(f.refs, f.message) for f in findings if f.check == "row_formula"] == [
        (("p1!R3C8",), "发票明细第2行税额 1,400.02 与 金额 24,000.30 × 税率 6% = 1,440.02 不符，相差 40.00")]
    assert [(f.refs, f.message) for f in findings if f.check == "sum"] == [
        (("p1!R5C8",), "税额 5,580.02 与发票明细税额之和 5,540.02 不符，相差 40.00")]


def test_invoice_wrong_total(check) -> None:  # type: ignore[no-untyped-def]
    _, findings = check(invoice_spec(overrides={"total": "¥98,850.32"}))
    assert ("field_formula", ("p1!L10", "p1!R5C6", "p1!R5C8")) in errors(findings)
    assert ("capital_amount", ("p1!L10",)) in errors(findings)


# ---------------------------------------------------------------- approved by the client

@pytest.fixture
def ledger(tmp_path: Path, make_workbook, ruleset: RuleSet) -> Ledger:  # type: ignore[no-untyped-def]
    """A ledger that archived the example creative brief, whose first deliverable names the vendor."""
    path = make_workbook(tmp_path, "creative_brief",
                         rows={"deliverables": {0: {"spec": "星辰影视拍摄，1920×1080，含 6 秒剪辑版"}}})
    doc = bind(read_workbook(path), ruleset.rules["creative_brief"])
    book = Ledger(tmp_path / "ledger.sqlite")
    book.record(sha256=hashlib.sha256(path.read_bytes()).hexdigest(), input="inbox/创意简报.xlsx",
                status="archived", doc_type="creative_brief", client=CLIENT, figures=figures(doc))
    yield book
    book.close()


def tvc_invoice(price: str, *, vendor: str = "星辰影视制作有限公司", item: str = "TVC拍摄制作") -> PdfSpec:
    return invoice_spec([QLine(item, "15秒", Decimal(1), Decimal(price))], vendor=vendor)


def test_invoice_within_the_approved_brief(check, ledger: Ledger) -> None:  # type: ignore[no-untyped-def]
    _, findings = check(tvc_invoice("160000"), archive=ledger)   # 169,600.00 with tax ≤ 180,000.00
    assert findings == []


def test_invoice_above_the_approved_brief(check, ledger: Ledger) -> None:  # type: ignore[no-untyped-def]
    doc, findings = check(tvc_invoice("180000"), archive=ledger)  # 190,800.00 with tax
    assert [(f.check, f.refs, f.message) for f in findings] == [(
        "approved", (str(doc.fields["total"].ref),),
        "价税合计 190,800.00 超出客户已批准的金额 180,000.00（创意简报「星河酸奶冬季新品上市」 2026-11-02："
        "交付物第1行「15 秒 TVC」），超出 10,800.00")]


def test_brief_line_found_by_item_when_vendor_is_not_named(check, ledger: Ledger) -> None:  # type: ignore[no-untyped-def]
    _, findings = check(tvc_invoice("60000", vendor="云图设计工作室", item="平面主视觉"), archive=ledger)  # 63,600 > 60,000
    assert [f.check for f in findings] == ["approved"] and "交付物第2行「平面主视觉」" in findings[0].message


def test_no_approval_to_compare_with(check, ledger: Ledger) -> None:  # type: ignore[no-untyped-def]
    _, other_vendor = check(tvc_invoice("900000", vendor="云图设计工作室", item="户外大牌"), archive=ledger)
    _, other_client = check(invoice_spec([QLine("TVC拍摄制作", "15秒", Decimal(1), Decimal("900000"))]),
                            archive=ledger, client="另一家客户有限公司")
    _, no_ledger = check(tvc_invoice("900000"))
    assert other_vendor == other_client == no_ledger == []


def test_names_as_briefs_write_them() -> None:
    assert vendor_names("星辰影视制作（上海）有限公司") == ["星辰影视制作(上海)有限公司", "星辰影视制作", "星辰"]
    assert item_name("*广告服务*15 秒 TVC") == "15秒tvc"
