"""Route: decide the job's status and its destination (archive, review or rejected folder).

Runs inside the commit transaction: the duplicate check and the choice of a free name
cannot interleave with another worker's. The destination itself is `archive.route.plan`,
a pure function the dry run shares, so a dry run reports exactly what a run would do.
"""

from __future__ import annotations

from automator.archive.route import plan
from automator.archive.versions import changes, figures
from automator.outcome import Status
from automator.pipeline.context import Context
from automator.pipeline.job import Job
from automator.pipeline.stage import Stage


class Route(Stage):
    name = "route"
    phase = "commit"

    def applies(self, job: Job) -> bool:
        return job.status != Status.DUPLICATE

    def run(self, job: Job, ctx: Context) -> None:
        archive = ctx.archive()
        if job.status is None:
            prior = archive.seen(job.sha) if archive is not None and job.sha else None
            if prior is not None:  # another worker archived the same bytes a moment ago
                job.duplicate_of(prior)
                return
            job.status = Status.REVIEW if job.errors else Status.ARCHIVED
        reading = job.reading
        job.destination = plan(ctx.settings, status=job.status, origin=job.origin,
                               doc=reading.doc if reading else None, rule=reading.rule if reading else None,
                               roles=set(job.staged), archive=archive,
                               keep_source=job.reason_code not in ("link", "special"))
        previous = job.destination.previous
        if previous is not None and reading is not None:
            job.changes = changes(previous.figures, figures(reading.doc), reading.rule)
