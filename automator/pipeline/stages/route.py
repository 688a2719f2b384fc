"""Route: decide the job's status and its destination (archive, review or rejected folder).

Runs inside the commit transaction, holding (ledger.lock) the content hash and the folder
where it chooses a free name, so the duplicate check and that choice cannot interleave with
another worker's; on SQLite the whole transaction is serialised anyway. It first removes what
a killed run of the same claim had placed and not committed (recovery.clear_stale), so a
finished half-done claim gets the name it would have had, not `_v2` beside its own debris.
The destination itself is `archive.route.plan`, a pure function the dry run shares, so a dry
run reports exactly what a run would do.
"""

from __future__ import annotations

from pathlib import Path

from automator.archive.route import archive_folder, plan
from automator.archive.versions import changes, figures
from automator.claim import placed_before_crash
from automator.outcome import Status
from automator.pipeline.context import Context
from automator.pipeline.job import Job
from automator.pipeline.stage import Stage
from automator.recovery import clear_stale
from automator.settings import Settings


def naming_folder(settings: Settings, path: Path) -> str:
    """Where the free name for `path` is chosen: its folder; for review, the review folder itself."""
    return str(settings.review if path.is_relative_to(settings.review) else path.parent)


def _folder(job: Job, settings: Settings) -> Path:
    """The folder `plan` will choose a free name in (as `plan` decides it)."""
    reading = job.reading
    if job.status == Status.REJECTED or reading is None:
        return settings.rejected
    if job.status == Status.REVIEW:
        return settings.review
    return archive_folder(settings, reading.doc, reading.rule)


class Route(Stage):
    name = "route"
    phase = "commit"
    effects = True  # the killed run's leftovers go (never in a dry run)

    def applies(self, job: Job) -> bool:
        return job.status != Status.DUPLICATE

    def run(self, job: Job, ctx: Context) -> None:
        archive = ctx.archive()
        filing = not ctx.dry_run and job.claim is not None and archive is not None
        if job.status is None:
            if filing and job.sha:
                archive.lock(f"sha:{job.sha}")  # type: ignore[union-attr]
            prior = archive.seen(job.sha) if archive is not None and job.sha else None
            if prior is not None:  # another worker archived the same bytes a moment ago
                job.duplicate_of(prior)
                return
            job.status = Status.REVIEW if job.errors else Status.ARCHIVED
        if filing:
            assert job.claim is not None and archive is not None
            stale = placed_before_crash(job.claim)
            archive.lock(str(_folder(job, ctx.settings)), *{naming_folder(ctx.settings, p) for p in stale})
            clear_stale(ctx, job.claim)
        reading = job.reading
        job.destination = plan(ctx.settings, status=job.status, origin=job.origin,
                               doc=reading.doc if reading else None, rule=reading.rule if reading else None,
                               roles=set(job.staged), archive=archive,
                               keep_source=job.reason_code not in ("link", "special"))
        previous = job.destination.previous
        if previous is not None and reading is not None:
            job.changes = changes(previous.figures, figures(reading.doc), reading.rule)
