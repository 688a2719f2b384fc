"""What a committed document leaves in the delivery queue, decided inside its commit
transaction (so the rows exist exactly when the document does):

- archived Word document → a `pdf` row (when `pdf.enabled`), then its `mail` (contact
  report, agenda) waiting for that PDF;
- review → the AE's `mail` with the 标注 workbook; rejected → the sub-folder owner's `mail`;
- every archived / review / rejected result → a `webhook` row (when `notify:` is set).

The texts are written now, from the job; the send only reads them back.
"""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from typing import TYPE_CHECKING, Any

from automator.deliver import message, queue
from automator.deliver.contacts import Contacts, load_contacts
from automator.deliver.recipients import Planned, plan_review
from automator.document import Severity
from automator.errors import ConfigError
from automator.outcome import Status
from automator.outputs.report import summary

if TYPE_CHECKING:
    from automator.pipeline.context import Context
    from automator.pipeline.job import Job

log = logging.getLogger(__name__)


def agency_names(ctx: Context) -> list[str]:
    """Who "we" are: automator.yaml's agency.names, else the letterhead's name."""
    names = list(ctx.settings.config.agency.names)
    letterhead = str((ctx.ruleset.agency or {}).get("name") or "")
    return names or ([letterhead] if letterhead else [])


def contacts_of(ctx: Context) -> tuple[Contacts | None, str | None]:
    """The root's address book, or why there is none usable."""
    try:
        found = load_contacts(ctx.settings.root, agency_names(ctx))
    except ConfigError as exc:
        return None, exc.message
    return found, None if found is not None else "根目录没有通讯录 contacts.xlsx（`automator sample 通讯录` 可生成）"


def _display(value: Any) -> str:
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M") if (value.hour, value.minute) != (0, 0) else value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return message.one_line(value or "", 80)


def _recipients(plan: Planned) -> list[dict[str, Any]]:
    return [{"name": p.name, "email": p.email, "role": role, "ours": p.ours}
            for role, people in (("to", plan.to), ("cc", plan.cc)) for p in people]


def _notes(plan: Planned, ctx: Context) -> list[str]:
    notes = []
    if plan.held_back:
        notes.append(f"未发给客户方：{'、'.join(plan.held_back)}（automator.yaml 中 mail.send_to_clients 未开启）")
    notes += [f"未发送：{f.message}{f.where}" for f in plan.warnings]
    return notes


def _pdf(job: Job, ctx: Context) -> int | None:
    dest = job.destination
    if job.status != Status.ARCHIVED or dest is None or "docx" not in dest.files or not ctx.settings.config.pdf.enabled:
        return None
    docx, rel = dest.files["docx"], ctx.settings.rel
    rule = job.reading.rule if job.reading else None
    title = job.reading.doc.value(rule.title_field) if job.reading and rule and rule.title_field else None
    return queue.enqueue(ctx.open_ledger(), entry=job.entry_id or 0, kind="pdf", purpose="document",
                         payload={"docx": rel(docx), "pdf": rel(docx.with_suffix(".pdf")),
                                  "title": None if title is None else str(title)})


def _previous_message(job: Job, ctx: Context) -> str | None:
    previous = job.destination.previous if job.destination else None
    if previous is None:
        return None
    rows = ctx.open_ledger().query("SELECT message_id FROM deliveries WHERE entry=? AND kind='mail' "
                                   "AND purpose='document'", (previous.id,))
    return rows[0][0] if rows else None


def _document_mail(job: Job, ctx: Context, plan: Planned, pdf_id: int | None) -> None:
    assert job.reading is not None and job.destination is not None
    doc, rule, rel = job.reading.doc, job.reading.rule, ctx.settings.rel
    docx = job.destination.files["docx"]
    internal = all(p.ours for p in plan.everyone)
    subject, body = message.document_text(
        what=rule.zh, client=_display(doc.value("client")), title=_display(doc.value(rule.title_field or "")),
        date=_display(doc.value(rule.date_field or "")), summary=summary(job.checks),
        warnings=[f for f in job.findings if f.severity == Severity.WARNING and f.check != "recipients"],
        changes=job.changes, version=job.destination.version, archived=rel(docx), notes=_notes(plan, ctx),
        internal=internal)
    attach = [rel(docx.with_suffix(".pdf"))] if pdf_id is not None else [rel(docx)]
    _mail(job, ctx, plan, {"subject": subject, "body": body, "attach": attach,
                           "references": _previous_message(job, ctx)}, needs=pdf_id)


def _review_mail(job: Job, ctx: Context, plan: Planned) -> None:
    assert job.destination is not None
    rule = job.reading.rule if job.reading else None
    subject, body = message.review_text(
        name=job.name, what=rule.zh if rule else "文件", reason=job.reason or "",
        errors=[f for f in job.findings if f.severity == Severity.ERROR],
        warnings=[f for f in job.findings if f.severity == Severity.WARNING and f.check != "recipients"],
        folder=ctx.settings.rel(job.destination.folder), rejected=plan.purpose == "rejected")
    marked = job.destination.files.get("marked")
    _mail(job, ctx, plan, {"subject": subject, "body": body,
                           "attach": [ctx.settings.rel(marked)] if marked is not None else []})


def _mail(job: Job, ctx: Context, plan: Planned, payload: dict[str, Any], *, needs: int | None = None) -> None:
    mail = ctx.settings.config.mail
    assert mail is not None
    recipients = _recipients(plan)
    if not recipients:
        log.warning("%s：%s，没有可发送的收件人", job.origin, "；".join(f.message for f in plan.warnings) or "")
        return
    queue.enqueue(ctx.open_ledger(), entry=job.entry_id or 0, kind="mail", purpose=plan.purpose, payload=payload,
                  recipients=recipients, warnings=_notes(plan, ctx), needs=needs,
                  message_id=message.new_message_id(mail.sender))


def _webhook(job: Job, ctx: Context) -> None:
    result = job.result(ctx.settings.rel)
    payload = {"status": str(result.status), "input": result.input, "client": result.client,
               "doc_type": result.doc_type, "reason": result.reason, "outputs": result.outputs,
               "errors": result.errors, "warnings": len(result.findings) - result.errors}
    queue.enqueue(ctx.open_ledger(), entry=job.entry_id or 0, kind="webhook", purpose="result", payload=payload,
                  message_id=uuid.uuid4().hex)


def queue_for(job: Job, ctx: Context) -> None:
    """Insert this job's deliveries (inside the commit transaction)."""
    config = ctx.settings.config
    pdf_id = _pdf(job, ctx)
    if config.mail is not None:
        if job.status == Status.REJECTED:
            contacts, _ = contacts_of(ctx)
            if contacts is not None:
                _review_mail(job, ctx, plan_review(None, job.origin, contacts, config.mail, purpose="rejected"))
        for plan in job.deliveries:
            if plan.purpose == "document" and job.status == Status.ARCHIVED:
                _document_mail(job, ctx, plan, pdf_id)
            elif plan.purpose == "review" and job.status == Status.REVIEW:
                _review_mail(job, ctx, plan)
    if config.notify is not None and job.status in (Status.ARCHIVED, Status.REVIEW, Status.REJECTED):
        _webhook(job, ctx)
