"""The mails, in Chinese: what they say (written when the document is committed, kept in
the delivery row) and the MIME message built from that when it is sent.

Every value from a workbook is text here: control characters are removed from anything
that lands in a header, addresses are `email.headerregistry.Address` objects (a name with
a line break cannot add a header), and the message is encoded by `email.policy.SMTP`
(RFC 2047 for Chinese subjects and names, UTF-8 bodies, CRLF line ends).
"""

from __future__ import annotations

import mimetypes
import re
from email.headerregistry import Address
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime, localtime, make_msgid
from pathlib import Path
from typing import Any

from automator.document import Finding

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]+")
MAX_FINDINGS = 50


def one_line(text: object, limit: int = 160) -> str:
    """Text safe in a header or a one-line mention: no control characters, bounded length."""
    line = _CONTROL.sub(" ", str(text or "")).strip()
    return line if len(line) <= limit else line[: limit - 1] + "…"


def parse_sender(sender: str) -> Address:
    """`文档中心 <docs@example.com>` or `docs@example.com` → an Address (ValueError if neither)."""
    m = re.fullmatch(r"\s*(?:\"?([^\"<]*?)\"?\s*)?<([^<>\s]+@[^<>\s]+)>\s*|\s*([^<>\s]+@[^<>\s]+)\s*", sender)
    if not m:
        raise ValueError(f"sender {sender!r} is not an address such as 文档中心 <docs@example.com>")
    return Address(display_name=one_line(m.group(1) or ""), addr_spec=m.group(2) or m.group(3))


def new_message_id(sender: str) -> str:
    return make_msgid(domain=parse_sender(sender).domain or "automator.local")


def _finding_lines(findings: list[Finding]) -> list[str]:
    lines = []
    for n, f in enumerate(findings[:MAX_FINDINGS], start=1):
        lines.append(f"  {n}. {one_line(f.message, 400)}{f.where}")
    if len(findings) > MAX_FINDINGS:
        lines.append(f"  ……另有 {len(findings) - MAX_FINDINGS} 项，见附件和检查报告")
    return lines


def document_text(*, what: str, client: str, title: str, date: str, summary: str, warnings: list[Finding],
                  changes: list[str], version: int | None, archived: str, notes: list[str],
                  internal: bool) -> tuple[str, str]:
    """Subject and body of an archived document's mail. `internal`: every recipient is ours, so
    warnings and notes about recipients may be shown."""
    corrected = bool(version and version > 1)
    subject = f"{'【更正版】' if corrected else ''}{what}｜{client}｜{title}" + (f"（{date}）" if date else "")
    body = ["各位好：", "", f"附件是{client}「{title}」的{what}" + (f"（{date}）" if date else "") + "，PDF 版。"]
    if corrected:
        body += ["", f"这是更正版（第 {version} 版），请以此版为准，替换此前收到的版本。"]
        body += ["改动：", *[f"  - {one_line(c, 400)}" for c in changes]] if changes else ["（与上一版相比，数字和日期未变，仅文字有修改）"]
    body += ["", f"检查报告：{summary}"]
    if internal and warnings:
        body += ["提醒：", *_finding_lines(warnings)]
    if internal:
        body += [*(["", *notes] if notes else []), "", f"归档位置：{archived}"]
    body += ["", "—— 文档中心自动发送，请勿直接回复此邮件。"]
    return one_line(subject, 200), "\n".join(body) + "\n"


def review_text(*, name: str, what: str, reason: str, errors: list[Finding], warnings: list[Finding],
                folder: str, rejected: bool) -> tuple[str, str]:
    """Subject and body of the notice to the AE."""
    if rejected:
        subject = f"【已拒收】{name}：文件无法读取"
        body = [f"你放入收件箱的 {name} 无法作为文档读取，已退回，未归档。", "", f"原因：{one_line(reason, 400)}",
                "", f"原文件在：{folder}", "请改正后重新放入收件箱。"]
    else:
        subject = f"【待复核】{name}：{len(errors)} 项错误需修改"
        body = [f"你放入收件箱的{what} {name} 没有通过检查，未归档，也没有发给任何人。", "",
                "需要修改（错误）：", *_finding_lines(errors)]
        if warnings:
            body += ["", "提醒：", *_finding_lines(warnings)]
        body += ["", "附件是标注过的工作簿：标红的单元格就是要改的地方，批注里写着原因。",
                 f"复核区：{folder}", "改好原工作簿后重新放入收件箱即可。"]
    body += ["", "—— 文档中心自动发送，请勿直接回复此邮件。"]
    return one_line(subject, 200), "\n".join(body) + "\n"


def _address(person: dict[str, Any]) -> Address:
    return Address(display_name=one_line(person.get("name", ""), 80), addr_spec=str(person["email"]).strip())


def build(*, sender: str, message_id: str, recipients: list[dict[str, Any]], payload: dict[str, Any],
          root: Path, references: str | None = None) -> EmailMessage:
    """The message as sent. Attachments are read now, from the root-relative paths in the payload."""
    msg = EmailMessage(policy=SMTP)
    msg["From"] = parse_sender(sender)
    to = [_address(p) for p in recipients if p.get("role", "to") == "to"]
    cc = [_address(p) for p in recipients if p.get("role") == "cc"]
    if to:
        msg["To"] = to
    if cc:
        msg["Cc"] = cc
    msg["Subject"] = one_line(payload["subject"], 200)
    msg["Date"] = format_datetime(localtime())
    msg["Message-ID"] = message_id
    if references:
        msg["References"] = references
        msg["In-Reply-To"] = references
    msg["Auto-Submitted"] = "auto-generated"  # RFC 3834: autoresponders stay quiet
    msg.set_content(payload["body"], charset="utf-8")
    for rel in payload.get("attach", []):
        path = root / rel
        kind, _ = mimetypes.guess_type(path.name)
        maintype, _, subtype = (kind or "application/octet-stream").partition("/")
        msg.add_attachment(path.read_bytes(), maintype=maintype, subtype=subtype, filename=path.name)
    return msg
