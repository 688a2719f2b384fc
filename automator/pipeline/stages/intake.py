"""Intake: the content hash, a duplicate already in the ledger, and what the bytes are."""

from __future__ import annotations

from automator.pipeline.context import Context
from automator.pipeline.job import Job
from automator.pipeline.stage import Stage
from automator.readers.sniff import content_hash, sniff


class Intake(Stage):
    name = "intake"

    def run(self, job: Job, ctx: Context) -> None:
        job.sha = content_hash(job.path)
        if job.status is not None:  # rejected before reading (a poison file): only its hash is wanted
            return
        archive = ctx.archive()
        prior = archive.seen(job.sha) if archive is not None else None
        if prior is not None:
            job.duplicate_of(prior)
            return
        job.kind = sniff(job.path)
