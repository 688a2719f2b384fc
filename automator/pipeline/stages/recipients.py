"""Recipients: who the document's mail would reach, looked up in contacts.xlsx before the
commit — so a name that reaches nobody is a warning in the 检查报告 and `--json`, with its
cell, never a silent drop. Only with `mail:` set in automator.yaml."""

from __future__ import annotations

from automator.deliver.enqueue import contacts_of
from automator.deliver.recipients import CHECK, plan_document, plan_review
from automator.document import CheckResult, Finding, Severity
from automator.pipeline.context import Context
from automator.pipeline.job import Job
from automator.pipeline.stage import Stage

WHY = "会议报告须发给全体与会者、客户主要联系人和团队（手册）；收件人按通讯录 contacts.xlsx 查找"


class Recipients(Stage):
    name = "recipients"
    phase = "prepare"

    def applies(self, job: Job) -> bool:
        return job.reading is not None and job.status is None

    def run(self, job: Job, ctx: Context) -> None:
        mail = ctx.settings.config.mail
        if mail is None:
            return
        assert job.reading is not None
        doc, rule = job.reading.doc, job.reading.rule
        contacts, problem = contacts_of(ctx)
        if contacts is None:
            if job.errors or rule.key in ("contact_report", "agenda"):
                job.checks.append(CheckResult(CHECK, "收件人（通讯录）", Severity.WARNING, [
                    Finding(CHECK, Severity.WARNING, f"{problem}，邮件不会发出", code="no-contacts")], why=WHY))
            return
        if job.errors:
            plan = plan_review(doc, job.origin, contacts, mail, purpose="review")
        else:
            found = plan_document(doc, rule.key, contacts, mail)
            if found is None:
                return
            plan = found
        job.deliveries.append(plan)
        job.checks.append(CheckResult(CHECK, "收件人（通讯录）", Severity.WARNING, list(plan.warnings), why=WHY))
