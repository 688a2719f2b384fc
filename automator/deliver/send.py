"""The deliveries chore: make the PDFs that wait, then send the mails and webhooks that wait.

    lines = send_due(ctx)              # the watcher, every few seconds: respects each row's back-off
    lines = send_due(ctx, eager=True)  # `automator run`: tries everything waiting once

Returns one line per thing done or failed, for the console (`automator run` prints them,
the watcher logs them). Nothing here can change a document's status.
"""

from __future__ import annotations

import logging
import shutil
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

from automator.archive.backends import has_ledger
from automator.deliver import queue
from automator.deliver.queue import Delivery

if TYPE_CHECKING:
    from automator.archive.ledger import Ledger
    from automator.pipeline.context import Context

log = logging.getLogger(__name__)


def send_due(ctx: Context, *, eager: bool = False) -> list[str]:
    if ctx.dry_run or not has_ledger(ctx.settings):
        return []
    ledger = ctx.open_ledger()
    queue.reclaim_abandoned(ledger)
    lines = make_pdfs(ctx, ledger, eager=eager) + send_mails(ctx, ledger, eager=eager)
    lines += send_webhooks(ctx, ledger, eager=eager)
    for line in lines:
        log.info("%s", line)
    return lines


# -- PDFs ----------------------------------------------------------------------------------

def _title_reads_back(title: str | None) -> str | None:
    return title if title and any("\u4e00" <= c <= "\u9fff" for c in title) else None


def make_pdf(ctx: Context, delivery: Delivery, conv: Any) -> tuple[str, int | None]:
    """Convert, check, and place the PDF beside its .docx (atomically, never over another file)."""
    from automator.archive.place import place
    from automator.deliver.convert import ConvertError
    from automator.deliver.pdfcheck import verify_pdf

    root = ctx.settings.root
    docx, pdf = root / delivery.payload["docx"], root / delivery.payload["pdf"]
    title = _title_reads_back(delivery.payload.get("title"))
    if pdf.exists():  # made by a run killed before it could note it: keep it if it is good
        problems = verify_pdf(pdf, text=title)
        if problems:
            raise ConvertError(f"{delivery.payload['pdf']} 已存在但不完整（{'；'.join(problems)}），请删除它以重新生成")
        return delivery.payload["pdf"], None
    if not docx.is_file():
        raise ConvertError(f"{delivery.payload['docx']} 已不在归档中，无法生成 PDF")
    work = Path(tempfile.mkdtemp(prefix="automator-pdf-"))
    try:
        made = work / "document.pdf"
        pages = conv.convert(docx, made)
        problems = verify_pdf(made, pages=pages, text=title)
        if problems:
            raise ConvertError("PDF 检查未通过：" + "；".join(problems))
        place(made, pdf, move=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return delivery.payload["pdf"], pages


def make_pdfs(ctx: Context, ledger: Ledger, *, eager: bool) -> list[str]:
    from automator.deliver.convert import ConvertError, converter
    from automator.deliver.office import INSTALL

    rows = queue.due(ledger, "pdf", eager=eager)
    if not rows:
        return []
    conv = converter(ctx.settings)
    lines = []
    if conv is None:
        for d in rows:
            if queue.claim(ledger, d):
                queue.later(ledger, d, "未安装 LibreOffice，PDF 暂未生成", counts=False)
        return [f"PDF：未安装 LibreOffice，{len(rows)} 份 PDF 暂未生成（.docx 已归档）。{INSTALL}"]
    for d in rows:
        if not queue.claim(ledger, d):
            continue  # another process took it
        try:
            output, pages = make_pdf(ctx, d, conv)
        except ConvertError as exc:
            state = queue.later(ledger, d, str(exc))
            lines.append(f"⚠ PDF 未生成：{d.payload['pdf']}：{exc}" + ("（已放弃，见 automator status）"
                                                                   if state == "failed" else "（稍后重试）"))
        except OSError as exc:  # the archive folder cannot be written now (disk full, share gone)
            queue.later(ledger, d, f"无法写入 PDF：{exc}", counts=False)
            lines.append(f"⚠ PDF 未生成：{d.payload['pdf']}：无法写入（{exc.strerror or exc}，稍后重试）")
        else:
            queue.finish(ledger, d, output=output)
            lines.append(f"PDF：{output}" + (f"（{pages} 页）" if pages else ""))
    return lines


# -- mail ----------------------------------------------------------------------------------

def _refs(d: Delivery) -> str | None:
    refs = d.payload.get("references")
    return str(refs) if refs else None


def send_mails(ctx: Context, ledger: Ledger, *, eager: bool) -> list[str]:
    from automator.deliver.message import build
    from automator.deliver.smtp import SendError, Session

    rows = queue.due(ledger, "mail", eager=eager)
    mail = ctx.settings.config.mail
    if not rows:
        return []
    if mail is None:
        return [f"邮件：automator.yaml 中没有 mail 设置，{len(rows)} 封邮件暂不发送"]
    lines: list[str] = []
    broken: SendError | None = None  # the server could not be reached: the rest wait too, untried
    with Session(mail) as session:
        for d in rows:
            if not queue.claim(ledger, d):
                continue
            people = "、".join(r["name"] for r in d.recipients)
            try:
                if broken is not None:
                    raise broken
                msg = build(sender=mail.sender, message_id=d.message_id or "", recipients=d.recipients,
                            payload=d.payload, root=ctx.settings.root, references=_refs(d))
                refused = session.send(msg, [r["email"] for r in d.recipients])
            except SendError as exc:
                if exc.transient and broken is None and "连接" in str(exc):
                    broken = exc
                state = queue.later(ledger, d, str(exc), counts=False, permanent=not exc.transient)
                lines.append(f"⚠ 邮件未发出：{d.payload['subject']} → {people}：{exc}"
                             + ("（已放弃，见 automator status）" if state == "failed" else "（稍后自动重试）"))
            except (OSError, ValueError) as exc:  # an attachment gone, an address the library refuses
                state = queue.later(ledger, d, f"邮件无法生成：{exc}")
                lines.append(f"⚠ 邮件未发出：{d.payload['subject']}：{exc}")
            else:
                notes = [f"服务器拒收 {addr}：{why}" for addr, why in refused.items()]
                queue.finish(ledger, d, warnings=d.warnings + notes)
                lines.append(f"✉ 已发送：{d.payload['subject']} → {people}" + (f"（{'；'.join(notes)}）" if notes else ""))
    return lines


# -- webhooks ------------------------------------------------------------------------------

def _outputs(ledger: Ledger, d: Delivery) -> list[str]:
    made = [r[0] for r in ledger.query("SELECT output FROM deliveries WHERE entry=? AND kind='pdf' AND state='sent' "
                                       "AND output IS NOT NULL", (d.entry,))]
    return list(d.payload.get("outputs", [])) + [m for m in made if m not in d.payload.get("outputs", [])]


def send_webhooks(ctx: Context, ledger: Ledger, *, eager: bool) -> list[str]:
    from automator.deliver.smtp import SendError
    from automator.deliver.webhook import post

    rows = queue.due(ledger, "webhook", eager=eager)
    notify = ctx.settings.config.notify
    if not rows or notify is None:
        return []
    lines = []
    for d in rows:
        if not queue.claim(ledger, d):
            continue
        payload = {**d.payload, "outputs": _outputs(ledger, d), "id": d.message_id}
        try:
            post(notify.webhook, notify.format, payload, delivery_id=d.message_id or str(d.id))
        except SendError as exc:
            state = queue.later(ledger, d, str(exc), counts=False, permanent=not exc.transient)
            lines.append(f"⚠ 通知未发出：{d.payload['input']}：{exc}" + ("（已放弃）" if state == "failed" else "（稍后重试）"))
        else:
            queue.finish(ledger, d)
    return lines
