"""The invoice register (from the ledger's figures of archived invoices), the daily digest, and monthly
seals — each through the real CLI on real files."""

from __future__ import annotations

import datetime as dt
import os
import re
import sys
from decimal import Decimal
from pathlib import Path

import openpyxl

from conftest import REPO, run_cli, run_json
from followkit import FOLDER, links, resolve, sheet_rows

sys.path.insert(0, str(REPO / "tests" / "pdf"))
from make_pdfs import invoice_spec, render  # noqa: E402


def test_invoice_register_lists_each_invoice_once_with_its_figures(root: Path) -> None:
    inbox = root / "inbox" / "星河乳业（上海）有限公司"  # an invoice's client is the folder it is dropped in
    render(invoice_spec(), inbox / "星辰发票.pdf")
    render(invoice_spec(vendor="远景灯光器材租赁有限公司", number="26312000000099990001", date="2026年12月08日"),
           inbox / "远景发票.pdf")
    render(invoice_spec(number="26312000000011110000", date="2026年12月09日", line_tax={0: "9.99"}), inbox / "错的发票.pdf")
    code, out = run_json("run", root=root)
    assert sorted(r["status"] for r in out["results"]) == ["archived", "archived", "review"]
    book = root / "outbox" / FOLDER / "2026" / "发票台账.xlsx"
    rows = sheet_rows(book, "2026年发票")
    figures = {r["outputs"][0]: r["fields"] for r in out["results"] if r["status"] == "archived"}
    assert [(r[0].date().isoformat(), r[1], r[2], r[6]) for r in rows[:-1]] == [
        ("2026-12-09", "星辰影视制作有限公司", "26312000000011110000", "待复核"),
        ("2026-12-08", "远景灯光器材租赁有限公司", "26312000000099990001", "已归档"),
        ("2026-12-05", "星辰影视制作有限公司", "26312000000012345678", "已归档")]
    for row in rows[1:-1]:  # the figures are the ones the reader put in the ledger
        (fields,) = [f for path, f in figures.items() if f["number"]["value"] == row[2]]
        assert [Decimal(str(x)).quantize(Decimal("0.01")) for x in row[3:6]] == [
            Decimal(fields[k]["value"]) for k in ("subtotal", "tax", "total")]
    total = rows[-1]
    assert total[1] == "合计（已归档）" and total[2] == "2 张"
    assert round(total[5], 2) == round(sum(r[5] for r in rows[1:3]), 2)  # the review one is not counted
    targets = [resolve(book, t) for t in links(book, "2026年发票")]
    assert len(targets) == 3 and all(t.is_file() for t in targets)
    assert any("_待复核" in str(t) for t in targets)


def test_digest_lists_due_archived_and_waiting_with_since_when(root: Path, make_workbook) -> None:  # type: ignore[no-untyped-def]
    inbox = root / "inbox"
    make_workbook(inbox, "agenda")
    make_workbook(inbox, "creative_brief", fields={"budget_total": 1})  # the sums no longer agree: review
    run_json("run", root=root)
    now = dt.datetime.now() + dt.timedelta(hours=1)
    code, out = run_cli("digest", "--now", now.isoformat(timespec="minutes"), root=root)
    assert code == 0, out
    md = root / "outbox" / "_digest" / f"{now.date().isoformat()}.md"
    text = md.read_text("utf-8")
    assert "## 逾期事项（1）" in text and "会议报告未归档：2026-11-24 冬季新品上市创意提案会" in text
    assert "## 过去24小时归档（1）" in text and "| 会议议程 | 冬季新品上市创意提案会 | 1 |" in text
    assert "## 待复核（1）" in text
    assert re.search(r"\| (59 分钟|1 小时) \| 星河乳业（上海）有限公司 \| 创意简报 \| 星河酸奶冬季新品上市 \| outbox/\\_待复核/", text)
    wb = openpyxl.load_workbook(md.with_suffix(".xlsx"))
    assert wb.sheetnames == ["逾期事项", "过去24小时归档", "待复核"]
    assert wb["逾期事项"]["B2"].value == "星河乳业（上海）有限公司" and wb["待复核"]["E2"].value == "星河酸奶冬季新品上市"
    for sheet in wb.sheetnames:
        assert all(resolve(md, t).exists() for t in links(md.with_suffix(".xlsx"), sheet)), sheet
    tomorrow = now + dt.timedelta(days=2)
    run_cli("digest", "--now", tomorrow.isoformat(timespec="minutes"), root=root)
    later = (md.parent / f"{tomorrow.date().isoformat()}.md").read_text("utf-8")
    assert "## 过去24小时归档（0）" in later and "## 待复核（1）" in later and "2 天" in later


def test_the_digest_chore_writes_once_a_day_at_digest_at(root: Path, make_workbook) -> None:  # type: ignore[no-untyped-def]
    from automator.followup import digest
    from automator.pipeline import load_context
    from automator.settings import Settings

    run_json("run", str(make_workbook(root / "inbox", "agenda")), root=root)
    ctx = load_context(Settings.from_root(root), lint=False)
    assert digest.daily(ctx) is None  # no digest_at: nothing
    (root / "automator.yaml").write_text('digest_at: "00:00"\nmail: {host: 127.0.0.1, port: 2525, sender: a@b.c}\n',
                                         "utf-8")
    ctx = load_context(Settings.from_root(root), lint=False)
    first = digest.daily(ctx)
    assert first is not None and [p.name for p in first.files] == [f"{dt.date.today()}.md", f"{dt.date.today()}.xlsx"]
    assert "逾期 1 项" in first.subject
    assert digest.daily(ctx) is None  # once a day: the day's .md says it was done
    assert digest.due_now("09:00", dt.datetime(2026, 11, 27, 8, 59)) is False
    assert digest.due_now("09:00", dt.datetime(2026, 11, 27, 9, 0)) is True


def test_seal_manifest_and_verify(root: Path, make_workbook) -> None:  # type: ignore[no-untyped-def]
    inbox = root / "inbox"
    run_json("run", str(make_workbook(inbox, "agenda")), str(make_workbook(inbox, "contact_report")), root=root)
    month = dt.date.today().strftime("%Y-%m")
    code, out = run_json("seal", "--month", month, root=root)
    assert code == 0
    (seal,) = out["seals"]
    assert seal["files"] == 6 and seal["manifest"] == f"outbox/{FOLDER}/{month[:4]}/归档清单-{month}.sha256"
    manifest = root / seal["manifest"]
    lines = manifest.read_text("utf-8").splitlines()
    assert all(len(line.split("  ")[0]) == 64 for line in lines)
    assert any(line.endswith("  会议纪要/2026-11-24_会议议程_冬季新品上市创意提案会.docx") for line in lines)
    book = manifest.with_suffix(".xlsx")
    assert len(sheet_rows(book, "归档清单")) == 6 and all(resolve(book, t).is_file() for t in links(book, "归档清单"))
    code, out = run_json("verify-seal", root=root)
    assert code == 0 and out["ok"] and out["seals"][0]["files"] == 6

    # Sealed files are never overwritten: a corrected report is added beside them as _v2.
    corrected = make_workbook(inbox, "contact_report", "客户会议报告-更正.xlsx", rows={"actions": {0: {"status": "已完成"}}})
    code, out = run_json("run", str(corrected), root=root)
    assert out["results"][0]["outputs"][0].endswith("_v2.docx")
    code, out = run_json("verify-seal", root=root)
    assert code == 0 and out["ok"]
    code, out = run_json("seal", "--month", month, root=root)  # sealing again: a second manifest beside the first
    assert out["seals"][0]["manifest"].endswith(f"归档清单-{month}_v2.sha256") and out["seals"][0]["files"] == 9
    code, out = run_json("seal", "--month", month, root=root)
    assert out["seals"][0]["manifest"] is None  # nothing new since

    # Someone edits a sealed file and deletes another: verify-seal names both, and the exit code says so.
    sealed = [root / "outbox" / FOLDER / month[:4] / line.split("  ", 1)[1] for line in lines]
    docx = next(p for p in sealed if p.name.endswith("议程_冬季新品上市创意提案会.docx"))
    docx.write_bytes(docx.read_bytes() + b"x")
    report = next(p for p in sealed if p.name.endswith(".检查报告.md"))
    report.unlink()
    code, out = run_cli("verify-seal", root=root)
    assert code == 1
    assert f"✗ 封存后被改动：{os.path.relpath(docx, root)}" in out and f"✗ 封存后不见了：{os.path.relpath(report, root)}" in out
    manifest.write_text(manifest.read_text("utf-8").replace(lines[0][:8], "00000000"), "utf-8")
    code, out = run_json("verify-seal", root=root)
    first = next(s for s in out["seals"] if s["manifest"].endswith(f"{month}.sha256"))
    assert first["problem"] == "清单文件本身被改动过"
    code, out = run_cli("seal", "--month", "November", root=root)
    assert code == 2 and "--month 'November' 不是月份" in out
