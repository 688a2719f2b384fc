"""Index: an archived document becomes searchable (search.sqlite, the web app's 搜索).

An "after" stage: the document is already filed. It reads back the ledger row just
committed (so the index holds exactly what the ledger holds) and adds one row; a failure
is logged by the runner and healed by the `search-index` chore, never the document's fault.
"""

from __future__ import annotations

from automator.outcome import Status
from automator.pipeline.context import Context
from automator.pipeline.job import Job
from automator.pipeline.stage import Stage


class Index(Stage):
    name = "index"
    phase = "after"
    effects = True

    def applies(self, job: Job) -> bool:
        return job.status == Status.ARCHIVED and job.destination is not None and job.destination.doc_key is not None

    def run(self, job: Job, ctx: Context) -> None:
        assert job.destination is not None and job.destination.doc_key is not None
        if ctx.dry_run:
            return
        from automator.search.index import add_entry

        entry = ctx.open_ledger().latest_version(job.destination.doc_key)
        # A newer version committed meanwhile by another worker is indexed by its own stage;
        # this one is then an old version, which the chore adds to the versions later.
        if entry is not None and entry.outputs and entry.outputs[0] == ctx.settings.rel(job.destination.first):
            add_entry(ctx.settings, entry)
