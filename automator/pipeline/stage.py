"""The contract every pipeline stage follows.

A stage is a small class with:

- `name` — short, unique; used in timings (`--timings`), logs and the README's stage list;
- `phase` — when it runs:
  - "prepare": reads and checks, writes only into the job's scratch folder;
  - "commit": decides and places the outputs and records the ledger row, all inside one
    ledger transaction (serialised across processes and watchers), so the choice of a
    free name, the files and the row can never interleave between two workers;
  - "after": work that follows a committed document (a PDF, a mail, an index): it MUST
    NOT change the document's status, and a failure there is logged, not raised;
- `applies(job)` — MUST be free of side effects; the runner skips the stage when False;
- `run(job, ctx)` — sets this stage's fields on `job`. MUST NOT call another stage. To
  end a job early it sets `job.status` (a duplicate), which later stages' `applies` see.
  It raises InputError for an input that cannot be read (the job is then rejected and
  continues to the commit phase to be filed as such), RouteError / LedgerError /
  ConfigError for what is not the input's fault (the file goes back to the inbox and is
  retried). Under `ctx.dry_run` only stages whose `effects` is True change anything
  outside the scratch folder — they MUST do nothing then;
- `cleanup(job, ctx)` — called for every stage that ran, after the job, whether it
  succeeded or not; MUST NOT raise.

The runner (runner.py) promises: stages run in list order, each at most once per
attempt; `cleanup` always runs; an unexpected exception is recorded and the file kept
in the rejected folder, never lost.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar, Literal

if TYPE_CHECKING:
    from automator.pipeline.context import Context
    from automator.pipeline.job import Job

Phase = Literal["prepare", "commit", "after"]


class Stage:
    name: ClassVar[str] = ""
    phase: ClassVar[Phase] = "prepare"
    effects: ClassVar[bool] = False  # writes outside the scratch folder (honours the dry run)

    def applies(self, job: Job) -> bool:
        return True

    def run(self, job: Job, ctx: Context) -> None:
        raise NotImplementedError

    def cleanup(self, job: Job, ctx: Context) -> None:
        return None

    def __repr__(self) -> str:
        return f"<stage {self.name}>"
