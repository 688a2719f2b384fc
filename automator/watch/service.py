"""`automator watch`: the long-running service.

One loop in the main thread owns all state. Its inputs are a queue fed by
the observer thread (file events, probe echoes) and by finished work; on
each turn it:

- notes event paths in the settle `Tracker`, and hands the files that are
  finished to a process pool (one worker per core), a few at a time, so a
  burst uses every core and a stop request never waits for a long queue;
- every `rescan` seconds walks the whole inbox (lost events, files dropped
  while the watcher was down), finishes abandoned claims (a watcher killed
  with -9, here or on another machine), and sends a probe through the
  observer;
- every `interval` seconds checks the inbox is there and readable and the
  observer threads alive, restarting the observer when needed; a missing
  inbox is reported once and never taken for deleted files;
- every two seconds rewrites its status file for `automator status`.

Claims (an atomic rename into processing/) make two watchers on one share
safe; the ledger's content hash makes a repeated file a duplicate.
"""

from __future__ import annotations

import logging
import logging.handlers
import multiprocessing
import os
import queue
import signal
import socket
import time
from collections import deque
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from automator.inbox import files_under, waiting
from automator.outcome import Result, Status
from automator.settings import Settings
from automator.watch import heartbeat, observe, worker
from automator.watch.config_watch import HOLD, ConfigWatch
from automator.watch.supervise import Supervisor
from automator.watch.settle import PATIENCE, SETTLE, Tracker
from automator.present import console_line, log_line
from automator.watch.tell import Relay

log = logging.getLogger("automator.watch")
RETRY_FIRST, RETRY_MAX = 10.0, 600.0  # back-off for files put back after a write failure
PRELOAD = ["automator.watch.worker", "automator.pipeline", "automator.readers.workbook.read", "automator.outputs.render"]


@dataclass
class Options:
    polling: bool = False
    interval: float = 1.0    # polling period, and how often the inbox and observer are checked
    settle: float = SETTLE
    rescan: float = 30.0     # full inbox walk + abandoned-claim recovery
    jobs: int | None = None  # worker processes (default: one per core)
    patience: float = PATIENCE


class Watcher:
    queue: str | None = None  # the work queue the files go to instead of the pool (scale/watcher.py)

    def __init__(self, settings: Settings, options: Options, *, echo: Callable[[str], None] | None = None) -> None:
        self.settings = settings
        self.opt = options
        self.echo = echo or (lambda line: None)
        self.items: queue.Queue[tuple[str, Any]] = queue.Queue()
        self.tracker = Tracker(settle=options.settle, patience=options.patience)
        self.jobs = options.jobs or os.cpu_count() or 1
        self.ready: deque[Path] = deque()
        self.queued: set[Path] = set()  # the paths in `ready`
        self.inflight: dict[Future[Any], str] = {}
        self.recheck: set[Path] = set()
        self.attempts: dict[Path, int] = {}
        self.stopping = False
        self.probe = observe.Probe(settings.inbox, deadline=max(5.0, 3 * options.interval + 5.0))
        self.supervisor = Supervisor(settings, observe.Handler(self.items, self.probe.name), self.probe,
                                     polling=options.polling, interval=options.interval)
        self.started = time.time()
        self.counts: dict[str, int] = {}
        self.recent: deque[dict[str, Any]] = deque(maxlen=20)
        self.status_path = heartbeat.own_file(settings)
        self.pool: ProcessPoolExecutor | None = None
        self.last_event = 0.0
        self.chore_due: dict[str, float] = {}
        self.config = ConfigWatch(settings)

    # -- start and stop ------------------------------------------------------------------

    def run(self) -> None:
        from automator.pipeline import load_context

        heartbeat.clear_dead(self.settings)
        self._beat("starting")
        mp = multiprocessing.get_context("forkserver" if "forkserver" in multiprocessing.get_all_start_methods()
                                         else "spawn")
        if mp.get_start_method() == "forkserver":
            mp.set_forkserver_preload(PRELOAD)
        log_queue = mp.Queue()
        logging.getLogger("watchdog.observers.inotify").addFilter(  # noise from an emitter being replaced
            lambda r: "thread is inactive" not in r.getMessage())
        listener = logging.handlers.QueueListener(log_queue, Relay())
        listener.start()
        self.pool_args = (mp, log_queue)
        previous = self._signals()
        try:
            self._new_pool()
            self._submit_recovery()  # workers start (and finish abandoned claims) while the templates are checked
            load_context(self.settings)  # rules and templates checked once: a broken one stops here, named
            self._health(time.monotonic(), starting=True)
            self._rescan(time.monotonic())
            work = f"文件交给任务队列 {self.queue}" if self.queue else f"{self.jobs} 个处理进程"
            self.echo(f"正在监视 {self.settings.inbox}（{self.supervisor.mode()}，{work}，"
                      f"每 {self.opt.rescan:g} 秒全面复查）。按 Ctrl+C 停止。")
            log.info("watch started: pid %s, %s, %d workers, settle %.2fs", os.getpid(), self.supervisor.mode(), self.jobs,
                     self.opt.settle)
            self._loop()
        finally:
            self._shutdown()
            listener.stop()
            for sig, handler in previous.items():
                signal.signal(sig, handler)

    def _signals(self) -> dict[int, Any]:
        def stop(signum: int, _frame: Any) -> None:
            if self.stopping:
                os._exit(130)  # asked twice: leave now; unfinished claims are finished at next start
            self.stopping = True  # only a flag: the loop wakes every 50 ms (a queue lock here could deadlock)

        previous = {}
        for name in ("SIGINT", "SIGTERM", "SIGBREAK", "SIGHUP"):
            if hasattr(signal, name):
                sig = getattr(signal, name)
                previous[sig] = signal.signal(sig, stop)
        return previous

    def _shutdown(self) -> None:
        if self.inflight:
            self.echo("正在停止：等手头的文件处理完……")
        self.supervisor.stop()
        self.probe.remove()
        for future in list(self.inflight):
            if future.cancel():
                self.inflight.pop(future)
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)
        for future in list(self.inflight):
            self._done(future)
        self._beat("stopped")
        self.status_path.unlink(missing_ok=True)
        log.info("watch stopped: pid %s", os.getpid())
        self.echo("已停止。")

    def _new_pool(self) -> None:
        mp, log_queue = self.pool_args
        self.pool = ProcessPoolExecutor(max_workers=self.jobs, mp_context=mp, initializer=worker.init,
                                        initargs=(str(self.settings.root), log_queue, os.getpid()),
                                        max_tasks_per_child=500)

    # -- the loop ------------------------------------------------------------------------

    def _loop(self) -> None:
        now = time.monotonic()
        next_health, next_rescan, next_beat = now + self.opt.interval, now + self.opt.rescan, now
        while not self.stopping:
            try:
                item = self.items.get(timeout=0.05)
                self._handle(item)
                while True:
                    self._handle(self.items.get_nowait())
            except queue.Empty:
                pass
            now = time.monotonic()
            if now >= next_health:
                self._health(now)
                next_health = now + self.opt.interval
            if now >= next_rescan:
                self._rescan(now)
                next_rescan = now + self.opt.rescan
            self._feed(now)
            self._chores(now)
            if now >= next_beat:
                self._beat("watching")
                next_beat = now + heartbeat.BEAT

    def _handle(self, item: tuple[str, Any]) -> None:
        kind, value = item
        now = time.monotonic()
        if kind in ("file", "closed"):
            self.last_event = now
            if value not in self.queued:
                self.tracker.note(value, now, closed=kind == "closed")
        elif kind == "dir":
            self.last_event = now
            for path in files_under(value):  # a folder moved in brings files without events
                self.tracker.note(path, now)
        elif kind == "probe":
            self.probe.seen()
        elif kind == "done":
            self._done(value)

    def _feed(self, now: float) -> None:
        for path, reason in self.tracker.notices():
            log.info("%s 暂不处理：%s", self.settings.rel(path), reason)
        busy = set(self.inflight.values())
        for path in self.tracker.due(now):
            if str(path) in busy:
                self.recheck.add(path)  # a new file under the name being processed: look again after
            elif path not in self.queued:
                self.ready.append(path)
                self.queued.add(path)
        while self.ready and len(self.inflight) < 2 * self.jobs and not self.stopping:
            path = self.ready.popleft()
            self.queued.discard(path)
            self._dispatch(path)

    def _dispatch(self, path: Path) -> None:  # scale/watcher.py: to the work queue instead
        self._submit(worker.process, str(path), label=str(path))

    def _submit(self, fn: Callable[..., Any], *args: Any, label: str) -> None:
        assert self.pool is not None
        try:
            future = self.pool.submit(fn, *args)
        except BrokenProcessPool:
            self._pool_broke()
            future = self.pool.submit(fn, *args)
        self.inflight[future] = label
        future.add_done_callback(lambda f: self.items.put(("done", f)))

    def _chores(self, now: float) -> None:
        """Start each periodic chore whose time has come, unless it is still running."""
        from automator.chores import CHORES

        busy = set(self.inflight.values())
        for chore in CHORES:
            label = f"<chore:{chore.name}>"
            if now >= self.chore_due.get(chore.name, 0.0) and label not in busy and not self.stopping:
                self.chore_due[chore.name] = now + chore.every
                self._submit(worker.chore, chore.name, label=label)

    def _submit_recovery(self) -> None:
        self._submit(worker.recover, label="<recover>")

    # -- results -------------------------------------------------------------------------

    def _done(self, future: Future[Any]) -> None:
        label = self.inflight.pop(future, None)
        if label is None:
            return
        try:
            outcome = future.result()
        except BrokenProcessPool:
            log.error("一个处理进程意外退出，重新启动进程池；它手上的文件会在下次复查时完成")
            self._pool_broke()
            if not _internal(label):
                self.tracker.note(Path(label), time.monotonic())
            return
        except Exception as exc:  # noqa: BLE001 - a worker bug must not stop the service; it is logged
            log.error("处理 %s 时出错：%s", label, exc)
            return
        if _internal(label) and not isinstance(outcome, list):  # a chore: it logs what it did
            return
        if isinstance(outcome, list):  # recovered claims
            for result in outcome:
                self._report(result, recovered=True)
            return
        path = Path(outcome.path)
        if path in self.recheck:
            self.recheck.discard(path)
            self.tracker.note(path, time.monotonic())
        if outcome.error is not None:
            self._back_off(path, f"无法取走文件：{outcome.error}", first=2.0)
        elif outcome.result is not None:
            if outcome.result.status == Status.RETRY and outcome.result.reason_code == "config":
                self._hold_for_config(path, outcome.result.reason or "")
            elif outcome.result.status == Status.RETRY:
                self._back_off(path, outcome.result.reason or "", first=RETRY_FIRST)
            else:
                self.attempts.pop(path, None)
            self._report(outcome.result)

    def _hold_for_config(self, path: Path, reason: str) -> None:
        """Put back because a rule or template is broken: wait until it is mended, not on a timer."""
        self.config.report(reason)
        self.config.held.add(path)
        now = time.monotonic()
        self.tracker.hold(path, now + HOLD, now)

    def _back_off(self, path: Path, reason: str, *, first: float) -> None:
        tries = self.attempts.get(path, 0) + 1
        self.attempts[path] = tries
        delay = min(RETRY_MAX, first * 2 ** (tries - 1))
        now = time.monotonic()
        self.tracker.hold(path, now + delay, now)
        if tries == 1:
            log.warning("%s 暂时无法处理（%s），将在 %.0f 秒后重试，之后间隔逐步加长（最长 %.0f 分钟）",
                        self.settings.rel(path), reason, delay, RETRY_MAX / 60)

    def _report(self, result: Result, *, recovered: bool = False) -> None:
        if result.status == Status.RETRY and self.attempts.get(self.settings.root / result.input, 0) > 1:
            log.debug("%s", log_line(result))
            return
        log.info("%s", log_line(result) + ("（上次中断后完成）" if recovered else ""))
        self.counts[result.status] = self.counts.get(result.status, 0) + 1
        self.recent.appendleft({"at": time.strftime("%Y-%m-%d %H:%M:%S"), "input": result.input,
                                "status": result.status, "output": result.outputs[0] if result.outputs else None,
                                "findings": len(result.findings)})
        if result.status != "retry":  # for a retry the warning from _back_off has said it on the console
            self.echo(console_line(result, recovered=recovered))

    def _pool_broke(self) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=False, cancel_futures=True)
        for future, label in list(self.inflight.items()):
            if not _internal(label) and not future.done():
                self.tracker.note(Path(label), time.monotonic())
        self.inflight.clear()
        self._new_pool()

    # -- health and rescans --------------------------------------------------------------

    def _health(self, now: float, *, starting: bool = False) -> None:
        if self.config.changed():
            for path in self.config.held:
                self.tracker.hold(path, now, now)  # mended: take them now
            self.config.held.clear()
        was_down = self.supervisor.down
        rescan = self.supervisor.check(starting=starting)
        if self.supervisor.down is not None and was_down is None:
            self._beat("inbox-missing")
        if rescan:
            self._rescan(now)

    def _rescan(self, now: float) -> None:
        if self.supervisor.down is not None:
            return
        busy = set(self.inflight.values())
        present = waiting(self.settings)
        for path in present:
            if path not in self.queued and str(path) not in busy:
                self.tracker.note(path, now)
        if self.attempts:  # forget the back-off of files that are gone (removed by hand, filed)
            keep = set(present) | {Path(p) for p in busy}
            self.attempts = {p: n for p, n in self.attempts.items() if p in keep}
        if not self.stopping and "<recover>" not in busy:
            self._submit_recovery()
        if self.supervisor.observer is not None:
            self.probe.send(now)

    # -- status --------------------------------------------------------------------------

    def _beat(self, state: str) -> None:
        heartbeat.write(self.status_path, {
            "state": state, "pid": os.getpid(), "host": socket.gethostname(), "root": str(self.settings.root),
            "started": self.started, "heartbeat": time.time(), "mode": self.supervisor.kind, "interval": self.opt.interval,
            "settle": self.opt.settle, "rescan": self.opt.rescan, "workers": self.jobs,
            "inbox_problem": self.supervisor.down, "observer_restarts": self.supervisor.restarts,
            "config_problem": self.config.problem, "config_held": len(self.config.held),
            "in_hand": sorted(self.settings.rel(Path(p)) for p in self.inflight.values() if not _internal(p)),
            "queued": len(self.ready), "settling": {self.settings.rel(Path(p)): why
                                                     for p, why in list(self.tracker.waiting().items())[:50]},
            "counts": self.counts, "recent": list(self.recent), "queue": self.queue})


def _internal(label: str) -> bool:
    """An in-flight task that is not a dropped file: recovery (`<recover>`) or a chore (`<chore:…>`)."""
    return label.startswith("<")


def watch(settings: Settings, options: Options | None = None, *, echo: Callable[[str], None] | None = None) -> None:
    """Run the watcher until SIGINT/SIGTERM (with `broker:` the CLI runs scale.watcher.QueueWatcher)."""
    Watcher(settings, options or Options(), echo=echo).run()
