"""Ledger: one row per input — status, outputs, findings, versions, figures — in the
same transaction as the placement, so a document is archived exactly once."""

from __future__ import annotations

from typing import Any

from automator.archive.versions import doc_key, figures
from automator.outcome import Status
from automator.outputs.report import summary
from automator.pipeline.context import Context
from automator.pipeline.job import Job
from automator.pipeline.stage import Stage


def explain(job: Job, ctx: Context) -> dict[str, Any]:
    """Why the document went where it went (`automator explain`)."""
    assert job.reading is not None and job.destination is not None
    doc, rule = job.reading.doc, job.reading.rule

    def cell(key: str | None) -> str | None:
        value = doc.fields.get(key or "")
        return str(value.ref) if value is not None and value.ref else None

    return {"rule": rule.key, "rule_zh": rule.zh, "rule_file": ctx.settings.rel(ctx.ruleset.files[rule.key]),
            "how": job.reading.how, "client_cell": cell("client"), "date_field": rule.date_field,
            "date_cell": cell(rule.date_field), "title_field": rule.title_field, "title_cell": cell(rule.title_field),
            "folder": ctx.settings.rel(job.destination.folder), "file": job.destination.first.name,
            "template": rule.template, "template_version": job.template_version,
            "rule_version": ctx.ruleset.versions[rule.key], "summary": summary(job.checks)}


class Ledger(Stage):
    name = "ledger"
    phase = "commit"
    effects = True

    def run(self, job: Job, ctx: Context) -> None:
        if ctx.dry_run or job.claim is None:
            return
        ledger = ctx.open_ledger()
        result = job.result(ctx.settings.rel)
        common = {"input": job.origin, "status": str(result.status), "doc_type": result.doc_type,
                  "client": result.client, "outputs": result.outputs}
        if job.status == Status.DUPLICATE:
            assert job.prior is not None
            job.entry_id = ledger.record(in_transaction=True, sha256=job.prior.sha256, reason=result.reason, **common)
            return
        row: dict[str, Any] = {"sha256": job.sha or "", "findings": [f.to_json() for f in job.findings],
                               "reason": job.reason, "reason_code": job.reason_code}
        if job.reading is not None and job.status != Status.REJECTED:
            rule = job.reading.rule
            row.update(doc_key=doc_key(job.reading.doc, rule), rule_version=ctx.ruleset.versions[rule.key],
                       template_version=job.template_version, explain=explain(job, ctx),
                       figures=figures(job.reading.doc), changes=job.changes,
                       version=job.destination.version if job.destination else None)
        job.entry_id = ledger.record(in_transaction=True, **common, **row)
