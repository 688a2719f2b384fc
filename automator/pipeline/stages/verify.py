"""Verify: re-open the rendered .docx and make sure it is a document we can send."""

from __future__ import annotations

from automator.document import CheckResult, Finding, Severity
from automator.pipeline.context import Context
from automator.pipeline.job import Job
from automator.pipeline.stage import Stage


class Verify(Stage):
    name = "verify"

    def applies(self, job: Job) -> bool:
        return "docx" in job.staged and job.template_context is not None

    def run(self, job: Job, ctx: Context) -> None:
        # python-docx and the template lint load here, not at import (see the render stage)
        from automator.lint import used_names
        from automator.outputs.render import expected_values
        from automator.outputs.verify import verify_docx

        assert job.reading is not None and job.reading.rule.template and job.template_context is not None
        template = ctx.settings.templates / job.reading.rule.template
        problems = verify_docx(job.staged["docx"], expected_values(job.template_context, used=used_names(template)))
        if problems:
            finding = Finding("verify", Severity.ERROR, "生成的 Word 文档未通过复核：" + "；".join(problems), ())
            job.checks.append(CheckResult("verify", "文档复核", Severity.ERROR, [finding]))
