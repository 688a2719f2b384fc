"""Check: run the rule's checks; they consult the archive through an explicit CheckContext."""

from __future__ import annotations

from automator.checks import CheckContext, run_checks
from automator.pipeline.context import Context
from automator.pipeline.job import Job
from automator.pipeline.stage import Stage


class Check(Stage):
    name = "check"

    def applies(self, job: Job) -> bool:
        return job.reading is not None and job.status is None

    def run(self, job: Job, ctx: Context) -> None:
        assert job.reading is not None
        rule = job.reading.rule
        compiled = ctx.ruleset.checks.get(rule.key, [])
        job.checks = run_checks(job.reading.doc, rule, compiled, CheckContext(archive=ctx.archive()))
