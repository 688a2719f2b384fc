"""`automator run` on vendor PDFs dropped into inbox/: filed under 报价, sent to review with the
wrong figures named by page and position, or rejected with the reason."""

from __future__ import annotations

from pathlib import Path

from conftest import run_json, tree
from make_pdfs import invoice_spec, quote_spec, render, scan_of

FOLDER = "outbox/星河乳业(上海)有限公司/2026/报价"


def by_input(out: dict) -> dict[str, dict]:  # type: ignore[type-arg]
    return {Path(r["input"]).name: r for r in out["results"]}


def test_quotes_and_invoices_through_the_pipeline(root: Path, tmp_path: Path) -> None:
    inbox = root / "inbox"
    render(quote_spec(), inbox / "星辰报价.pdf")
    render(invoice_spec(ruled=False), inbox / "星河乳业（上海）有限公司" / "星辰发票.pdf")  # filed by its folder
    render(quote_spec(number="XC-2026-119", overrides={"subtotal": "¥134,100.00", "total": "¥142,140.00",
                                                      "capital": "壹拾肆万贰仟壹佰肆拾元整"}), inbox / "错的报价.pdf")
    scan_of(render(quote_spec(), tmp_path / "原件.pdf"), inbox / "扫描件.pdf")

    code, out = run_json("run", root=root)
    results = by_input(out)
    assert code == 1
    assert {k: r["status"] for k, r in results.items()} == {
        "星辰报价.pdf": "archived", "星辰发票.pdf": "archived", "错的报价.pdf": "review", "扫描件.pdf": "rejected"}
    assert results["星辰报价.pdf"]["doc_type"] == "quote" and results["星辰发票.pdf"]["doc_type"] == "invoice"
    files = tree(root / "outbox")
    assert f"{FOLDER[7:]}/2026-11-20_星辰影视制作有限公司_XC-2026-118.pdf" in files
    assert f"{FOLDER[7:]}/2026-12-05_星辰影视制作有限公司_26312000000012345678.pdf" in files
    # The wrong subtotal is named where it is printed; the tax and total built on it follow.
    wrong = results["错的报价.pdf"]["findings"]
    assert [(f["check"], f["cells"]) for f in wrong] == [
        ("sum", ["p1!L13"]),
        ("field_formula", ["p1!L14", "p1!L13"])]
    assert "扫描件，无文字层" in results["扫描件.pdf"]["reason"]


def test_an_invoice_above_the_archived_brief_goes_to_review(root: Path, make_workbook) -> None:  # type: ignore[no-untyped-def]
    from decimal import Decimal

    from make_pdfs import QLine

    # The client approved a brief whose TVC line names this vendor: 180,000.00.
    make_workbook(root / "inbox", "creative_brief",
                  rows={"deliverables": {0: {"spec": "星辰影视拍摄，1920×1080，含 6 秒剪辑版"}}})
    assert run_json("run", root=root)[1]["results"][0]["status"] == "archived"
    client = root / "inbox" / "星河乳业（上海）有限公司"
    render(invoice_spec([QLine("TVC拍摄制作", "15秒", Decimal(1), Decimal(180000))]), client / "超额发票.pdf")
    render(invoice_spec([QLine("TVC拍摄制作", "15秒", Decimal(1), Decimal(160000))], number="26312000000012345679"),
           client / "正常发票.pdf")
    code, out = run_json("run", root=root)
    results = by_input(out)
    assert results["正常发票.pdf"]["status"] == "archived"
    over = results["超额发票.pdf"]
    assert over["status"] == "review"
    assert [f["check"] for f in over["findings"]] == ["approved"]
    assert "超出客户已批准的金额 180,000.00" in over["findings"][0]["message"]


def test_an_archived_pdf_is_listed_first_and_explained(root: Path) -> None:
    from conftest import run_cli

    render(quote_spec(), root / "inbox" / "星辰报价.pdf")
    _, out = run_json("run", root=root)
    (result,) = out["results"]
    assert result["outputs"][0] == f"{FOLDER}/2026-11-20_星辰影视制作有限公司_XC-2026-118.pdf"
    code, text = run_cli("explain", "星辰报价.pdf", root=root)
    assert code == 0 and "PDF 标题识别为报价单" in text and "模板" not in text
