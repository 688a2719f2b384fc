"""What an `automator worker` process runs: one queued claim through the same stage list.

    process(name)   take processing/<name>/ (lease.take), then do what recovery does for a
                    claim: a run that had committed before its worker died stands as
                    recorded; one that had not is finished (clear_stale removes the outputs
                    no ledger row owns, so a redelivered task never leaves a second output);
                    a file that killed MAX_ATTEMPTS workers is rejected as poison
    chore(name)     one periodic chore (automator/chores.py), sent by a watcher

A ledger or disk that fails for a while (LedgerError, RouteError, ConfigError) does not
send the file back to the inbox: the claim stays, queued again, and the task is retried
after a growing pause. Nothing is rejected for what is not the file's fault.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from celery import Celery, Task

from automator import claim as claims
from automator.errors import AutomatorError
from automator.outcome import Result, Status
from automator.scale import lease
from automator.scale.app import CHORE, PROCESS
from automator.settings import Settings

log = logging.getLogger("automator.worker")
RETRY_FIRST, RETRY_MAX = 5.0, 300.0
_state: dict[str, Any] = {}


def preload(settings: Settings) -> None:
    """In the worker's main process, before its pool forks: rules loaded and templates linted once
    (a broken one stops the worker at start-up). The ledger is opened in each pool process."""
    from automator.pipeline import load_context

    _state["ctx"] = load_context(settings)
    _state["pid"] = os.getpid()


def context() -> Any:
    ctx = _state["ctx"]
    if _state.get("pid") != os.getpid():  # a fresh pool process: never share a parent's connection
        ctx.ledger, ctx._lookup, _state["pid"] = None, None, os.getpid()
    return ctx


@dataclass
class QueuedClaim(claims.Claim):
    """A claim taken from the queue. Giving it back (a retry) keeps it in processing/, queued again."""

    held: lease.Lease | None = None
    given_back: bool = False

    def release(self) -> None:
        if self.held is not None and not self.given_back:
            lease.write(self.dir, self.held, queued=True, attempts=self.held.attempts)
            self.given_back = True


def _claim(settings: Settings, folder: Path, held: lease.Lease) -> QueuedClaim | None:
    files = sorted(p for p in folder.iterdir() if not claims.bookkeeping(p.name))
    if not files:
        claims.Claim(folder, folder, "", None).finish()  # nothing left to file (a run finished it)
        return None
    try:
        origin = (folder / claims.ORIGIN).read_text("utf-8")
    except OSError:
        origin = f"inbox/{files[0].name}"
    source = settings.root / origin if origin.startswith("inbox/") else None
    return QueuedClaim(folder, files[0], origin, source, copied=source is None, attempts=held.attempts,
                       stamp=claims.claimed_stamp(folder), held=held)


def _finish(ctx: Any, claim: QueuedClaim) -> Result | None:
    from automator.pipeline import process_claim
    from automator.recovery import MAX_ATTEMPTS, committed_before_crash, poison

    try:
        done = committed_before_crash(ctx, claim)
        if done is None:
            done = process_claim(ctx, claim, reject=poison(claim) if claim.attempts >= MAX_ATTEMPTS else None)
        return done
    except AutomatorError as exc:  # the ledger failed before the stages ran (recovery's lookup)
        log.warning("%s：%s — 稍后重试", claim.origin, exc.message)
    except Exception:  # noqa: BLE001 - a bug must not strand the claim with a live worker's lease
        log.exception("%s: unexpected error in the worker; the claim is queued again", claim.origin)
    claim.release()
    return None


def backoff(retries: int, visibility_timeout: float) -> float:
    # A task waiting for its countdown is unacknowledged: keep it well inside the visibility timeout.
    return min(RETRY_MAX, visibility_timeout / 2, RETRY_FIRST * 2 ** retries)


def process(task: Task, name: str) -> str:
    from automator.present import log_line

    ctx = context()
    folder = ctx.settings.processing / Path(name).name  # a bare folder name, never a path elsewhere
    held = lease.take(folder)
    if held is None:
        log.debug("%s: already done or in another worker's hands", name)
        return "skipped"
    claim = _claim(ctx.settings, folder, held)
    if claim is None:
        return "done"
    result = _finish(ctx, claim)
    if result is not None:
        log.info("%s", log_line(result))
    if claim.given_back:
        wait = backoff(task.request.retries, ctx.settings.config.queue.visibility_timeout)
        if result is not None and result.status == Status.RETRY:
            log.warning("%s：%s — %.0f 秒后重试", claim.origin, result.reason, wait)
        raise task.retry(countdown=wait, max_retries=None)
    return str(result.status) if result is not None else "retry"


def chore(name: str) -> None:
    from automator.chores import by_name, run_chore

    try:
        found = by_name(name)
    except StopIteration:
        log.warning("unknown chore %s (sent by a watcher of another release?)", name)
        return
    run_chore(context(), found)


def register(app: Celery) -> None:
    app.task(name=PROCESS, bind=True, max_retries=None)(process)
    app.task(name=CHORE)(chore)
