"""`automator watch` with a broker: the watcher claims and enqueues; workers do the work.

Everything else is the embedded watcher's (observer, settle tracker, health checks,
rescans, status file). What changes:

- a settled file is claimed here (the atomic rename into processing/, as always), given
  a queued lease and its folder name is sent to the queue; if Redis cannot be reached
  the claim is given back to the inbox and the file retried after a pause;
- every rescan looks at processing/ instead of finishing abandoned claims itself: a
  claim whose worker died, or one still waiting `queue.requeue_after` seconds after it
  was queued (a Redis that lost its queue), gets a new queued lease and is sent again.
  A task sent twice is harmless: the first worker to take the lease does the work, the
  other finds it taken or done;
- chores are sent to the queue instead of run here.
"""

from __future__ import annotations

import logging
import time
from pathlib import Path
from typing import Any

from automator import claim as claims
from automator.scale import lease
from automator.scale.app import CHORE, PROCESS, enqueue, make_app
from automator.scale.status import masked_broker
from automator.settings import Settings
from automator.watch.service import RETRY_FIRST, Options, Watcher

log = logging.getLogger("automator.watch")
PAUSE = 5.0  # after a failed send, this long before Redis is tried again (files wait in the inbox meanwhile)


class QueueWatcher(Watcher):
    def __init__(self, settings: Settings, options: Options, **kwargs: Any) -> None:
        super().__init__(settings, options, **kwargs)
        self.app = make_app(settings)
        self.queue = masked_broker(settings)
        self.requeue_after = settings.config.queue.requeue_after
        self.unsent: set[str] = set()  # claims leased for the queue whose sending failed: sent at next rescan
        self.down_until = 0.0  # Redis failed a moment ago: leave files in the inbox until then

    def _new_pool(self) -> None:
        self.pool = None  # the work happens in `automator worker`s

    def _dispatch(self, path: Path) -> None:
        if time.monotonic() < self.down_until:  # not even claimed: nothing to give back
            self._back_off(path, "任务队列（Redis）无法连接", first=PAUSE)
            return
        try:
            taken = claims.claim(self.settings, path)
        except OSError as exc:  # locked by its writer, no permission: the tracker looks again later
            self._back_off(path, f"无法取走文件：{exc.strerror or exc}", first=2.0)
            return
        if taken is None:
            return  # another watcher took it first
        first = lease.current(taken.dir)
        queued = lease.write(taken.dir, first, queued=True, attempts=0) if first is not None else None
        if queued is None or not self._send(taken.dir.name):
            taken.release()  # back to the inbox, untouched; tried again after a pause
            self._back_off(path, "任务队列（Redis）无法连接", first=RETRY_FIRST)
            return
        self.attempts.pop(path, None)
        self.counts["queued"] = self.counts.get("queued", 0) + 1
        log.info("%s → 已排队（%s）", taken.origin, taken.dir.name)

    def _send(self, name: str, *, task: str = PROCESS, **options: Any) -> bool:
        if time.monotonic() < self.down_until:
            return False
        try:
            enqueue(self.app, task, name, **options)
        except Exception as exc:  # noqa: BLE001 - kombu/redis connection errors of every kind
            log.warning("无法把 %s 放入任务队列：%s；%g 秒后再试", name, exc, PAUSE)
            self.down_until = time.monotonic() + PAUSE
            return False
        return True

    def _submit_recovery(self) -> None:
        """At start and every rescan: send again what a dead worker held or what waited too long."""
        for name in sorted(self.unsent):
            if self._send(name):
                self.unsent.discard(name)
        try:
            folders = sorted(p for p in self.settings.processing.iterdir() if p.is_dir() and not p.name.startswith("."))
        except OSError:
            return
        for folder in folders:
            now = lease.current(folder)
            if now is None or folder.name in self.unsent:
                continue
            if now.queued and now.age < self.requeue_after:
                continue
            if not now.queued and now.alive():
                continue
            attempts = now.attempts if now.queued else now.attempts + 1
            if lease.write(folder, now, queued=True, attempts=attempts) is None:
                continue  # a worker took it this instant
            why = "等待超时，重新排队" if now.queued else "处理它的进程已不在，重新排队"
            log.warning("%s：%s", folder.name, why)
            if not self._send(folder.name):
                self.unsent.add(folder.name)

    def _chores(self, now: float) -> None:
        from automator.chores import CHORES

        for chore in CHORES:
            if now >= self.chore_due.get(chore.name, 0.0) and not self.stopping:
                self.chore_due[chore.name] = now + chore.every
                # expires: a chore nobody picked up before its next turn is dropped, not piled up
                self._send(chore.name, task=CHORE, expires=time.time() + chore.every)
