"""The address book and the mail's headers: quick, no server needed."""

from __future__ import annotations

from email import message_from_bytes
from email.policy import default
from pathlib import Path

import openpyxl
import pytest

from conftest import run_cli
from automator.config import Mail
from automator.deliver.contacts import read_contacts
from automator.deliver.message import build, document_text, new_message_id
from automator.deliver.recipients import plan_document
from automator.errors import ConfigError
from automator.readers import read
from .kit import AGENCY, PEOPLE, write_contacts

MAIL = Mail(host="127.0.0.1", sender="文档中心 <docs@huaxia.test>")


def test_groups_ambiguity_and_bad_rows(tmp_path: Path) -> None:
    people = [*PEOPLE, ("张伟", "zw1@huaxia.test", AGENCY, "创意部", ""), ("张伟", "zw2@xinghe.test", "星河乳业", "", ""),
              ("", "nobody@huaxia.test", AGENCY, "", ""), ("坏地址", "not-an-address", AGENCY, "", "")]
    book = read_contacts(write_contacts(tmp_path, people), [AGENCY])
    assert [p.email for p in book.find("创意部").people] == ["zhaomin@huaxia.test", "zw1@huaxia.test"]
    assert book.find("华夏智联项目组").people[0].email == "team@huaxia.test"   # a list address of its own
    assert book.find(" 李 娜 ").people[0].ours and not book.find("陈思远").people[0].ours
    assert "2 个「张伟」" in (book.find("张伟").problem or "")
    assert book.find("张伟", company="星河乳业").people[0].email == "zw2@xinghe.test"
    assert "找不到「王总」" in (book.find("王总").problem or "")
    assert len(book.problems) == 2 and "not-an-address" in book.problems[1]
    assert [p.name for p in book.owners_of("星河乳业")] == ["李娜"]


def test_a_book_without_its_columns_is_named(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    wb.active.title = "通讯录"
    wb.active.append(["姓名", "电话"])
    wb.save(tmp_path / "contacts.xlsx")
    with pytest.raises(ConfigError, match="缺少列：邮箱、单位"):
        read_contacts(tmp_path / "contacts.xlsx", [AGENCY])


def test_sample_writes_a_blank_book_that_reads_back(root: Path) -> None:
    code, out = run_cli("sample", "通讯录", root=root)
    assert code == 0 and (root / "contacts.xlsx").exists()
    book = read_contacts(root / "contacts.xlsx", [AGENCY])
    assert [p.ours for p in book.people] == [True, False]
    assert run_cli("sample", "通讯录", root=root)[0] == 2  # never overwritten


def test_recipients_of_the_example_report(tmp_path: Path, ruleset, make_workbook) -> None:  # type: ignore[no-untyped-def]
    book = read_contacts(write_contacts(tmp_path), [AGENCY])
    path = make_workbook(tmp_path, "contact_report")
    doc = read("workbook", path, ruleset, name=path.name).doc
    plan = plan_document(doc, "contact_report", book, MAIL)
    assert plan is not None
    assert [p.name for p in plan.to] == ["王磊", "李娜", "赵敏"] and [p.name for p in plan.cc] == ["华夏智联项目组"]
    assert plan.held_back == ["陈思远", "刘佳"]
    assert [str(c) for f in plan.warnings for c in f.cells] == ["基本信息!B9"]


def test_cell_values_cannot_inject_headers(tmp_path: Path) -> None:
    (tmp_path / "a.pdf").write_bytes(b"%PDF-1.7 x")
    subject, body = document_text(what="客户会议报告", client="星河\r\nBcc: evil@x.test", title="周会\nX-Evil: 1",
                                  date="2026-11-24", summary="检查 8 项：全部通过", warnings=[], changes=[],
                                  version=1, archived="outbox/x.docx", notes=[], internal=True)
    people = [{"name": "李娜\r\nBcc: evil@x.test", "email": "lina@huaxia.test", "role": "to"}]
    msg = build(sender=MAIL.sender, message_id=new_message_id(MAIL.sender), recipients=people,
                payload={"subject": subject, "body": body, "attach": ["a.pdf"]}, root=tmp_path)
    raw = msg.as_bytes()
    parsed = message_from_bytes(raw, policy=default)
    assert parsed["Bcc"] is None and parsed["X-Evil"] is None
    assert [a.addr_spec for a in parsed["To"].addresses] == ["lina@huaxia.test"]
    assert parsed["Subject"].startswith("客户会议报告｜星河 Bcc: evil@x.test｜周会 X-Evil: 1")
    assert b"=?utf-8?" in raw.split(b"\r\n\r\n")[0]  # Chinese headers are RFC 2047 encoded
    assert all(len(line) <= 998 for line in raw.split(b"\r\n"))
