"""Mail, end to end: real workbooks through the real CLI to a real SMTP server on loopback."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from conftest import run_cli, run_json
from .kit import Smtp, addresses, configure, deliveries, free_port, write_contacts

pytestmark = pytest.mark.slow  # LibreOffice makes each PDF; the mail waits for it

OURS = {"lina@huaxia.test", "wanglei@huaxia.test", "zhaomin@huaxia.test"}
CLIENTS = {"chen@xinghe.test", "liujia@xinghe.test"}


@pytest.fixture
def smtp() -> Iterator[Smtp]:
    server = Smtp(free_port())
    yield server
    server.stop()


@pytest.fixture
def mail_root(root: Path, smtp: Smtp) -> Path:
    configure(root, port=smtp.port)
    write_contacts(root)
    return root


def drop(make_workbook, root: Path, key: str = "contact_report", folder: str = "", **changes) -> Path:  # type: ignore[no-untyped-def]
    target = root / "inbox" / folder
    target.mkdir(parents=True, exist_ok=True)
    return make_workbook(target, key, **changes)


def test_contact_report_goes_to_our_attendees_author_and_cc_with_its_pdf(mail_root: Path, smtp: Smtp,
                                                                         make_workbook) -> None:  # type: ignore[no-untyped-def]
    drop(make_workbook, mail_root)
    code, out = run_json("run", root=mail_root)
    assert code == 0, out
    result = out["results"][0]
    assert result["status"] == "archived"
    # 星河乳业市场部 is in nobody's contacts: a warning with its cell, never a silent drop
    unknown = [f for f in result["findings"] if f["code"] == "recipient-unknown"]
    assert [f["cells"] for f in unknown] == [["基本信息!B9"]] and "星河乳业市场部" in unknown[0]["message"]
    assert len(smtp.received) == 1
    got = smtp.received[0]
    msg = got.message
    assert set(got.rcpt_tos) == OURS | {"team@huaxia.test"}          # no client by default
    assert addresses(msg, "To") == OURS and addresses(msg, "Cc") == {"team@huaxia.test"}
    assert msg["Subject"] == "客户会议报告｜星河乳业（上海）有限公司｜冬季新品上市创意提案会（2026-11-24 14:00）"
    assert msg["From"].addresses[0].addr_spec == "docs@huaxia.test" and msg["Message-ID"]
    body = msg.get_body(("plain",)).get_content()
    assert "检查报告：检查" in body and "星河乳业市场部" in body and "陈思远" in body  # held back, said so
    (pdf,) = [p for p in msg.iter_attachments()]
    assert pdf.get_filename() == "2026-11-24_客户会议报告_冬季新品上市创意提案会.pdf"
    data = pdf.get_content()
    assert data[:5] == b"%PDF-"
    from automator.deliver.pdfcheck import fonts

    folder = next((mail_root / "outbox").rglob("*客户会议报告*.pdf"))
    assert folder.read_bytes() == data
    assert fonts(folder) and all(fonts(folder).values())  # every font embedded
    # the ledger keeps who got it; a re-run sends nothing more
    mails = [d for d in deliveries(mail_root) if d["kind"] == "mail"]
    assert [(d["state"], d["purpose"]) for d in mails] == [("sent", "document")]
    assert {r["email"] for r in json.loads(mails[0]["recipients"])} == OURS | {"team@huaxia.test"}
    run_cli("run", root=mail_root)
    run_cli("deliver", root=mail_root)
    assert len(smtp.received) == 1


def test_clients_are_mailed_only_when_switched_on(root: Path, smtp: Smtp, make_workbook) -> None:  # type: ignore[no-untyped-def]
    configure(root, port=smtp.port, clients=True)
    write_contacts(root)
    drop(make_workbook, root)
    assert run_cli("run", root=root)[0] == 0
    (got,) = smtp.received
    assert CLIENTS <= set(got.rcpt_tos)
    body = got.message.get_body(("plain",)).get_content()
    assert "归档位置" not in body and "星河乳业市场部" not in body  # internal notes stay internal


def test_agenda_goes_to_attendees(mail_root: Path, smtp: Smtp, make_workbook) -> None:  # type: ignore[no-untyped-def]
    drop(make_workbook, mail_root, "agenda")
    assert run_cli("run", root=mail_root)[0] == 0
    (got,) = smtp.received
    assert set(got.rcpt_tos) == OURS and got.message["Subject"].startswith("会议议程｜")


def test_review_notice_goes_to_the_ae_alone_with_the_marked_workbook(mail_root: Path, smtp: Smtp,
                                                                     make_workbook) -> None:  # type: ignore[no-untyped-def]
    drop(make_workbook, mail_root, rows={"actions": {1: {"owner": None}}})
    code, out = run_json("run", root=mail_root)
    assert code == 1 and out["results"][0]["status"] == "review"
    (got,) = smtp.received
    assert got.rcpt_tos == ["lina@huaxia.test"]  # the 撰写人, nobody else
    msg = got.message
    assert msg["Subject"].startswith("【待复核】客户会议报告-冬季新品提案会.xlsx：1 项错误")
    body = msg.get_body(("plain",)).get_content()
    assert "行动事项!C3" in body  # the finding with its cell
    (marked,) = list(msg.iter_attachments())
    assert "标注" in marked.get_filename() and marked.get_content()[:2] == b"PK"
    assert not list((mail_root / "outbox").rglob("*.pdf"))  # nothing of a failed document goes out


def test_review_without_author_goes_to_the_owner_of_the_sub_folder(mail_root: Path, smtp: Smtp,
                                                                    make_workbook) -> None:  # type: ignore[no-untyped-def]
    drop(make_workbook, mail_root, folder="星河乳业", fields={"author": None})
    assert run_cli("run", root=mail_root)[0] == 1
    (got,) = smtp.received
    assert got.rcpt_tos == ["lina@huaxia.test"]  # 负责客户 星河乳业


def test_rejected_file_tells_the_sub_folder_owner(mail_root: Path, smtp: Smtp) -> None:
    (mail_root / "inbox" / "星河乳业").mkdir(parents=True)
    (mail_root / "inbox" / "星河乳业" / "坏文件.xlsx").write_bytes(b"not a workbook at all")
    assert run_cli("run", root=mail_root)[0] == 1
    (got,) = smtp.received
    assert got.rcpt_tos == ["lina@huaxia.test"] and got.message["Subject"].startswith("【已拒收】坏文件.xlsx")


def test_a_corrected_version_is_sent_as_correction_with_what_changed(mail_root: Path, smtp: Smtp,
                                                                     make_workbook) -> None:  # type: ignore[no-untyped-def]
    drop(make_workbook, mail_root)
    assert run_cli("run", root=mail_root)[0] == 0
    drop(make_workbook, mail_root, rows={"budget": {0: {"amount": 170000}}}, totals={"budget": {"amount": 290000}})
    assert run_cli("run", root=mail_root)[0] == 0
    first, second = smtp.received
    assert second.message["Subject"].startswith("【更正版】客户会议报告｜")
    assert second.message["References"] == first.message["Message-ID"]
    body = second.message.get_body(("plain",)).get_content()
    assert "第 2 版" in body and "170000" in body.replace(",", "")
    assert second.message.iter_attachments().__next__().get_filename().endswith("_v2.pdf")


def test_duplicate_drop_and_dry_run_send_nothing(mail_root: Path, smtp: Smtp, make_workbook) -> None:  # type: ignore[no-untyped-def]
    path = drop(make_workbook, mail_root)
    spare = mail_root / "spare.xlsx"
    shutil.copy(path, spare)
    assert run_cli("run", "--dry-run", root=mail_root)[0] == 0
    assert smtp.received == [] and not (mail_root / "ledger.sqlite").exists()
    assert run_cli("run", root=mail_root)[0] == 0
    shutil.copy(spare, mail_root / "inbox" / "又一份.xlsx")
    code, out = run_json("run", root=mail_root)
    assert out["results"][0]["status"] == "duplicate"
    assert len(smtp.received) == 1 and len([d for d in deliveries(mail_root) if d["kind"] == "mail"]) == 1


def test_smtp_down_archives_queues_and_sends_once_when_back(root: Path, make_workbook) -> None:  # type: ignore[no-untyped-def]
    port = free_port()  # nothing listens here yet
    configure(root, port=port)
    write_contacts(root)
    drop(make_workbook, root)
    code, out = run_cli("run", root=root)
    assert code == 0 and "邮件未发出" in out and "稍后自动重试" in out
    assert list((root / "outbox").rglob("*客户会议报告*.docx")) and list((root / "outbox").rglob("*.pdf"))
    code, status = run_json("status", root=root)
    (waiting,) = [d for d in status["deliveries"] if d["kind"] == "mail"]
    assert waiting["state"] == "waiting" and "无法连接邮件服务器" in waiting["last_error"]
    server = Smtp(port)
    try:
        run_cli("run", root=root)
        run_cli("run", root=root)
        assert len(server.received) == 1
        assert run_json("status", root=root)[1]["deliveries"] == []
    finally:
        server.stop()


def test_password_only_from_the_environment(root: Path, smtp: Smtp, make_workbook, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    configure(root, port=smtp.port)
    text = (root / "automator.yaml").read_text("utf-8").replace("timeout: 10}", "timeout: 10, username: docs}")
    (root / "automator.yaml").write_text(text, "utf-8")
    write_contacts(root)
    monkeypatch.delenv("AUTOMATOR_SMTP_PASSWORD", raising=False)
    drop(make_workbook, root)
    code, out = run_cli("run", root=root)
    assert "AUTOMATOR_SMTP_PASSWORD" in out and smtp.received == []
    code, out = run_cli("doctor", root=root)
    assert "AUTOMATOR_SMTP_PASSWORD" in out
