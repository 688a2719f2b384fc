"""Read: the reader for the sniffed kind turns the file into a Document bound to its rule;
then whose it is: the client it names, else the inbox/<客户>/ folder (readers/client.py)."""

from __future__ import annotations

from automator import readers
from automator.readers.client import agency_names, check_buyer, settle_client
from automator.pipeline.context import Context
from automator.pipeline.job import Job
from automator.pipeline.stage import Stage


class Read(Stage):
    name = "read"

    def applies(self, job: Job) -> bool:
        return job.status is None and job.kind is not None

    def run(self, job: Job, ctx: Context) -> None:
        assert job.kind is not None
        job.reading = readers.read(job.kind, job.path, ctx.ruleset, name=job.name)
        agency = agency_names(ctx.settings.config.agency.names, ctx.ruleset.agency)
        settle_client(job.reading, job.origin, agency)
        check_buyer(job.reading, agency)
