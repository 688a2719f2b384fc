"""The pipeline: one ordered list of stages (`STAGES`), run by a loop (`runner`).

    ctx = load_context(settings)             # rules loaded, templates linted, once
    result = process_path(ctx, path)         # claim, run every stage, file, record

See `stage.py` for the contract each stage follows and `runner.py` for the loop.
"""

from __future__ import annotations

from pathlib import Path

from automator.errors import InputError
from automator.pipeline.context import Context, load_context
from automator.pipeline.job import Job
from automator.pipeline.runner import process_claim, process_path, recover, run_job
from automator.pipeline.stages import STAGES, Check, Read
from automator.readers.sniff import sniff

__all__ = ["STAGES", "Context", "Job", "check_file", "load_context", "process_claim", "process_path", "recover",
           "run_job"]


def check_file(ctx: Context, path: Path) -> Job:
    """Read and check one file where it lies (`automator check`): the Read and Check stages, nothing filed."""
    job = Job(origin=ctx.settings.rel(path), path=path)  # inbox/<客户>/x.pdf names the client
    try:
        job.kind = sniff(path)
        for stage in (Read(), Check()):
            stage.run(job, ctx)
    except InputError as exc:
        job.reject(exc)
    return job
