"""The runner: a loop over the stage list, and nothing more.

    prepare  Intake → Read → Check → Render → Verify → Annotate → Recipients
    commit   Route → Report → Place → Ledger → Deliveries   (one ledger transaction)
    after    (work that follows a committed document)

An InputError in the prepare phase rejects the input; the job still goes through the
commit phase, which files it under _已拒收 with its reason. A RouteError, LedgerError or
ConfigError is not the input's fault: the file goes back to the inbox and is retried
(a template being mended, a full disk, a locked ledger). Anything else is a bug: it is
logged and the input rejected with its original kept, so one bad file never stops a batch.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from pathlib import Path

from automator import claim as claims
from automator.archive.place import unplace
from automator.errors import ConfigError, InputError, LedgerError, RouteError
from automator.outcome import Result, Status
from automator.pipeline.context import Context, scratch
from automator.pipeline.job import Job
from automator.pipeline.stage import Stage
from automator.pipeline.stages import STAGES
from automator.recovery import MAX_ATTEMPTS, committed_before_crash, poison

log = logging.getLogger(__name__)
RETRYABLE = (RouteError, LedgerError, ConfigError)


def process_path(ctx: Context, path: Path) -> Result | None:
    """Claim `path` and process it (a dry run reads it where it is). None when another process claimed it first."""
    if ctx.dry_run:
        return run_job(ctx, Job(origin=ctx.settings.rel(path), path=path))
    taken = claims.claim(ctx.settings, path)
    if taken is None:
        return None
    return process_claim(ctx, taken)


def process_claim(ctx: Context, claim: claims.Claim, *, reject: InputError | None = None) -> Result:
    """Process a claimed file; `reject` files it as rejected without reading it (a poison file)."""
    job = Job(origin=claim.origin, path=claim.file, claim=claim)
    if reject is not None:
        job.reject(reject)
    return run_job(ctx, job)


def recover(ctx: Context) -> list[Result]:
    """Finish what a killed process had claimed and not completed. With a work queue (`broker:`)
    the claims belong to the queue: the watchers send them again, workers finish them (scale/)."""
    if ctx.settings.config.broker:
        return []
    results = []
    for claim in claims.abandoned(ctx.settings):
        try:
            done = committed_before_crash(ctx, claim)
        except RETRYABLE as exc:  # the ledger cannot be read: the file goes back, nothing is decided
            job = Job(origin=claim.origin, path=claim.file, claim=claim)
            job.put_back(exc)
            _settle_claim(job)
            results.append(job.result(ctx.settings.rel))
            continue
        if done is None:
            done = process_claim(ctx, claim, reject=poison(claim) if claim.attempts >= MAX_ATTEMPTS else None)
        results.append(done)
    return results


def run_job(ctx: Context, job: Job, stages: Sequence[Stage] = STAGES) -> Result:
    ran: list[Stage] = []
    with scratch() as folder:
        job.scratch = folder
        try:
            ctx.refresh()
            _prepare(ctx, job, [s for s in stages if s.phase == "prepare"], ran)
            if job.claim is not None and job.claim.changed():
                raise RouteError(f"{job.name} 在处理期间仍在写入（大小或修改时间变了）", hint="写完后会自动重新处理")
            _commit(ctx, job, [s for s in stages if s.phase == "commit"], ran)
        except RETRYABLE as exc:
            job.put_back(exc)
        finally:
            _cleanup(ctx, job, ran)
        if job.committed:
            _after(ctx, job, [s for s in stages if s.phase == "after"])
    _settle_claim(job)
    return job.result(ctx.settings.rel)


def _run(stage: Stage, job: Job, ctx: Context, ran: list[Stage]) -> None:
    if not stage.applies(job):
        return
    ran.append(stage)
    start = time.perf_counter()
    try:
        stage.run(job, ctx)
    finally:
        job.seconds[stage.name] = job.seconds.get(stage.name, 0.0) + time.perf_counter() - start


def _prepare(ctx: Context, job: Job, stages: list[Stage], ran: list[Stage]) -> None:
    try:
        for stage in stages:
            _run(stage, job, ctx, ran)
    except InputError as exc:
        job.reject(exc)
    except RETRYABLE:
        raise
    except Exception as exc:  # noqa: BLE001 - the runner's catch-all: record, keep the original, go on
        job.crash(exc)


def _commit(ctx: Context, job: Job, stages: list[Stage], ran: list[Stage]) -> None:
    try:
        with ctx.transaction():
            for stage in stages:
                _run(stage, job, ctx, ran)
    except RETRYABLE:
        raise
    except Exception as exc:  # noqa: BLE001 - as above; the rejection is then filed in a new transaction
        if job.status == Status.REJECTED:
            raise RouteError(f"无法把 {job.name} 归入已拒收：{exc}") from exc  # a retry, never a lost file
        unplace(job.placed)
        job.placed.clear()
        job.reject(exc) if isinstance(exc, InputError) else job.crash(exc)
        with ctx.transaction():
            for stage in stages:
                _run(stage, job, ctx, ran)
    job.committed = not ctx.dry_run and job.claim is not None


def _after(ctx: Context, job: Job, stages: list[Stage]) -> None:
    for stage in stages:
        try:
            _run(stage, job, ctx, [])
        except Exception:  # noqa: BLE001 - follow-up work never un-archives a document; it is logged
            log.exception("%s: %s failed after the document was filed", job.origin, stage.name)


def _cleanup(ctx: Context, job: Job, ran: list[Stage]) -> None:
    for stage in reversed(ran):
        try:
            stage.cleanup(job, ctx)
        except Exception:  # noqa: BLE001 - cleanup must never hide the outcome
            log.exception("%s: cleanup of %s failed", job.origin, stage.name)


def _settle_claim(job: Job) -> None:
    """Done: the claim folder goes. Put back: the file returns to where it was dropped."""
    if job.claim is None:
        return
    if job.status == Status.RETRY:
        log.error("%s: %s — 文件已放回收件箱，稍后重试", job.origin, job.reason)
        job.claim.release()
    elif job.committed:
        job.claim.finish()
