"""Deliveries: queue the document's PDF, mails and webhook as ledger rows, inside the same
commit transaction as its own row — a process killed right after the commit still
delivers once, from the queue, at the next run. Sending is the deliveries chore's work
(automator/deliver/queue.py); this stage only writes rows, and never in a dry run."""

from __future__ import annotations

import logging

from automator.errors import LedgerError
from automator.outcome import Status
from automator.pipeline.context import Context
from automator.pipeline.job import Job
from automator.pipeline.stage import Stage

log = logging.getLogger(__name__)


class Deliveries(Stage):
    name = "deliveries"
    phase = "commit"
    effects = True

    def applies(self, job: Job) -> bool:
        return job.status in (Status.ARCHIVED, Status.REVIEW, Status.REJECTED)

    def run(self, job: Job, ctx: Context) -> None:
        if ctx.dry_run or job.claim is None or job.entry_id is None:
            return
        from automator.deliver.enqueue import queue_for

        try:
            queue_for(job, ctx)
        except LedgerError:
            raise  # the database failed: the whole document is retried, nothing is lost
        except Exception:  # noqa: BLE001 - a mail that cannot be planned never un-archives its document
            log.exception("%s: the deliveries could not be queued", job.origin)
