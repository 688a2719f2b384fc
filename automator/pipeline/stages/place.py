"""Place: put every planned file at its destination, atomically, never overwriting.

The source is copied, not moved: until the ledger row is committed the claim keeps the
input, so a process killed at any point here leaves a claim the next start can redo.
"""

from __future__ import annotations

from automator.archive.place import place, unplace
from automator.pipeline.context import Context
from automator.pipeline.job import Job
from automator.pipeline.stage import Stage
from automator.recovery import clear_stale


class Place(Stage):
    name = "place"
    phase = "commit"
    effects = True

    def applies(self, job: Job) -> bool:
        return job.destination is not None

    def run(self, job: Job, ctx: Context) -> None:
        assert job.destination is not None
        if ctx.dry_run or job.claim is None:
            return
        clear_stale(ctx, job.claim)
        job.claim.note_placing(list(job.destination.files.values()))
        for role, dest in job.destination.files.items():
            if role == "source":
                # An input we may not read cannot be copied: it is moved (renamed) instead.
                job.placed.append(place(job.claim.file, dest, move=job.reason_code == "unreadable"))
            else:
                job.placed.append(place(job.staged[role], dest, move=True))

    def cleanup(self, job: Job, ctx: Context) -> None:
        if not job.committed:
            unplace(job.placed)  # a later step failed (disk full, ledger): leave no half-filed document
            job.placed.clear()
