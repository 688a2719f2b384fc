"""VAT invoices through `automator run --json`: filed under the client folder they were dropped in,
read figures in machine form, receipts and scans refused with what they are, the ledger's figures."""

from __future__ import annotations

import json
import sqlite3
from decimal import Decimal
from pathlib import Path

from conftest import run_json, tree
from make_pdfs import scan_of
from vat_pdfs import Invoice, Line, render_receipt, render_vat


def by_input(out: dict) -> dict[str, dict]:  # type: ignore[type-arg]
    return {Path(r["input"]).name: r for r in out["results"]}


def red() -> Invoice:
    return Invoice([Line("*广告服务*视频制作", "", "项", "-1", "3369.27", "3%")], yuan="元", whole="",
                   number="24312000000045678999", date=(2023, 9, 12))


def test_invoices_are_filed_by_their_client_folder(root: Path) -> None:
    client = root / "inbox" / "星河乳业"
    for layout in ("aisino", "baiwang", "digital"):
        render_vat(Invoice([Line("*广告服务*TVC拍摄制作", "15秒", "项", "1", "45000", "6%")],
                           number=f"{len(layout):08d}"), layout, client / f"{layout}.pdf")
    render_vat(red(), "digital", client / "红字.pdf")
    code, out = run_json("run", root=root)
    results = by_input(out)
    assert code == 0, [(r["input"], r["findings"], r.get("reason")) for r in out["results"]]
    assert {r["status"] for r in results.values()} == {"archived"}
    assert {r["client"] for r in results.values()} == {"星河乳业"}
    files = tree(root / "outbox")
    assert "星河乳业/2024/报价/2024-03-31_星辰影视制作有限公司_00000006.pdf" in files
    assert "星河乳业/2023/报价/2023-09-12_星辰影视制作有限公司_24312000000045678999.pdf" in files
    # What was read, in machine form: plain decimal strings, ISO dates, percents as fractions, places kept.
    f = results["红字.pdf"]["fields"]
    assert f["total"]["value"] == "-3470.35" and f["total"]["cells"][0].startswith("p1!L")
    assert (f["subtotal"]["value"], f["tax"]["value"], f["tax_rate"]["value"]) == ("-3369.27", "-101.08", "0.03")
    assert f["doc_date"] == {"value": "2023-09-12", "cells": [f["doc_date"]["cells"][0]]}
    assert f["number"]["value"] == "24312000000045678999" and f["vendor"]["value"] == "星辰影视制作有限公司"
    assert f["client"] == {"value": "星河乳业", "cells": []}  # from the folder: no place in the file
    assert results["红字.pdf"]["tables"]["lines"] == [
        {"item": "*广告服务*视频制作", "unit": "项", "qty": "-1", "unit_price": "3369.27", "amount": "-3369.27",
         "tax_rate": "0.03", "tax": "-101.08"}]


def test_ledger_figures_carry_what_the_registers_need(root: Path) -> None:
    render_vat(red(), "aisino", root / "inbox" / "星河乳业" / "红字.pdf")
    assert run_json("run", root=root)[1]["results"][0]["status"] == "archived"
    with sqlite3.connect(root / "ledger.sqlite") as db:
        (raw,) = db.execute("SELECT figures FROM inputs WHERE status = 'archived'").fetchone()
    got = json.loads(raw)["fields"]
    assert {k: got[k] for k in ("vendor", "number", "doc_date", "subtotal", "tax", "total")} == {
        "vendor": "星辰影视制作有限公司", "number": "24312000000045678999", "doc_date": "2023-09-12",
        "subtotal": "-3369.27", "tax": "-101.08", "total": "-3470.35"}


def test_no_client_folder_and_none_named_goes_to_review(root: Path) -> None:
    render_vat(Invoice([Line("*广告服务*投放", "", "项", "1", "100", "6%")]), "digital", root / "inbox" / "发票.pdf")
    code, out = run_json("run", root=root)
    (result,) = out["results"]
    assert code == 1 and result["status"] == "review"
    assert [f["message"] for f in result["findings"]] == ["缺少必填项「客户」：请放入 inbox/<客户>/ 或写明客户"]


def test_a_workbook_in_a_client_folder_without_a_client_field(root: Path, make_workbook) -> None:  # type: ignore[no-untyped-def]
    make_workbook(root / "inbox" / "云图文化", "contact_report", fields={"client": None})
    _, out = run_json("run", root=root)
    (result,) = out["results"]
    assert (result["status"], result["client"]) == ("archived", "云图文化")
    assert any(p.startswith("outbox/云图文化/") for p in result["outputs"])


def test_the_buyer_is_checked_against_the_agency_names(root: Path) -> None:
    render_vat(Invoice([Line("*广告服务*投放", "", "项", "1", "100", "6%")], buyer="华夏智联（上海）"), "baiwang",
               root / "inbox" / "星河乳业" / "a.pdf")
    (result,) = run_json("run", root=root)[1]["results"]
    assert result["status"] == "archived"
    assert [(f["code"], f["severity"]) for f in result["findings"]] == [("buyer-not-agency", "warning")]
    (root / "automator.yaml").write_text("agency:\n  names: [华夏智联广告有限公司, 华夏智联（上海）]\n", "utf-8")
    render_vat(Invoice([Line("*广告服务*投放", "", "项", "1", "200", "6%")], buyer="华夏智联(上海)", number="7"),
               "baiwang", root / "inbox" / "星河乳业" / "b.pdf")
    (result,) = run_json("run", root=root)[1]["results"]
    assert result["status"] == "archived" and result["findings"] == []


def test_receipts_and_scans_are_refused_saying_what_they_are(root: Path, tmp_path: Path) -> None:
    inbox = root / "inbox" / "星河乳业"
    render_receipt(inbox / "运费.pdf")
    scan_of(render_vat(Invoice([Line("*广告服务*投放", "", "项", "1", "100", "6%")]), "aisino", tmp_path / "原件.pdf"),
            inbox / "扫描发票.pdf")
    code, out = run_json("run", root=root)
    results = by_input(out)
    assert code == 1
    receipt, scan = results["运费.pdf"], results["扫描发票.pdf"]
    assert (receipt["status"], receipt["reason_code"]) == ("rejected", "pdf-not-vat-invoice")
    assert "运输费收款凭证" in receipt["reason"] and "不是增值税发票" in receipt["reason"]
    assert (scan["status"], scan["reason_code"]) == ("rejected", "pdf-no-text-layer")
    assert "扫描件，无文字层" in scan["reason"] and "电子发票原件" in scan["reason"]
    assert (root / "outbox" / "_已拒收" / "运费.pdf").exists()  # nothing lost


def test_check_json_carries_the_fields(root: Path) -> None:
    path = render_vat(red(), "baiwang", root / "inbox" / "星河乳业" / "红字.pdf")
    code, out = run_json("check", str(path), root=root)
    assert code == 0, out
    assert out["client"] == "星河乳业" and out["fields"]["total"]["value"] == "-3470.35"
    assert Decimal(out["tables"]["lines"][0]["amount"]) == Decimal("-3369.27")


def test_a_client_named_in_the_remark_wins(root: Path) -> None:
    for layout in ("aisino", "digital"):
        render_vat(Invoice([Line("*广告服务*投放", "", "项", "1", "100", "6%")], remark="客户：云图文化；项目：春季投放",
                           number=f"{len(layout)}"), layout, root / "inbox" / f"{layout}.pdf")
    results = run_json("run", root=root)[1]["results"]
    assert [(r["status"], r["client"]) for r in results] == [("archived", "云图文化")] * 2
    assert all(r["fields"]["client"]["cells"] for r in results)  # placed in the 备注 box
