"""Keeping the observer honest: the inbox is there and readable, the observer threads are
alive, the inbox folder was not replaced, and a probe file's event comes back in time.

`Supervisor.check(now)` says what the watcher should do: nothing, or rescan the inbox
(after the observer was (re)started). A missing inbox is reported once and never taken for
deleted files.
"""

from __future__ import annotations

import logging
from typing import Any

from automator.settings import Settings
from automator.watch import observe

log = logging.getLogger("automator.watch")


class Supervisor:
    def __init__(self, settings: Settings, handler: observe.Handler, probe: observe.Probe, *, polling: bool,
                 interval: float) -> None:
        self.settings, self.handler, self.probe = settings, handler, probe
        self.polling, self.interval = polling, interval
        self.observer: Any = None
        self.kind = "polling" if polling else "native"
        self.inbox_id: tuple[int, int] | None = None
        self.down: str | None = None  # why the inbox cannot be watched right now
        self.restarts = 0

    def mode(self) -> str:
        return f"轮询，每 {self.interval:g} 秒" if self.kind == "polling" else f"系统文件事件（{self.kind}）"

    def check(self, *, starting: bool = False) -> bool:
        """Look at the inbox and the observer; True when the inbox should be rescanned now."""
        problem = observe.inbox_problem(self.settings.inbox)
        if problem is not None:
            if self.down is None:
                log.error("收件箱 %s 无法访问（%s）。共享盘可能已断开：这不会被当作文件被删除，服务继续运行，"
                          "每 %g 秒检查一次，恢复后自动继续。", self.settings.inbox, problem, self.interval)
                self.down = problem
                self.stop()
            return False
        if self.down is not None:
            log.warning("收件箱 %s 已恢复，继续监视", self.settings.inbox)
            self.down = None
            return self.restart()
        if starting or self.observer is None:
            self.restart()
            return False
        why = self._unhealthy()
        if why is None:
            return False
        log.warning("%s，重新启动观察线程并全面复查收件箱", why)
        self.restarts += 1
        return self.restart()

    def _unhealthy(self) -> str | None:
        import time

        if not observe.alive(self.observer):
            return "观察线程已停止"
        if self.kind != "polling" and observe.identity(self.settings.inbox) != self.inbox_id:
            return "收件箱文件夹被删除后重建"
        if self.probe.overdue(time.monotonic()):
            return f"探测文件 {self.probe.deadline:g} 秒内没有事件返回"
        return None

    def restart(self) -> bool:
        """(Re)start the observer; True when it runs (the caller rescans)."""
        self.stop()
        self.probe.sent = None
        self.probe.remove()
        try:
            self.observer, self.kind = observe.start(self.settings.inbox, self.handler, polling=self.polling,
                                                     interval=self.interval)
        except OSError as exc:
            self.observer = None  # tried again at the next health check
            log.error("无法监视收件箱 %s：%s", self.settings.inbox, exc.strerror or exc)
            return False
        self.inbox_id = observe.identity(self.settings.inbox)
        return True

    def stop(self) -> None:
        if self.observer is not None:
            observe.stop(self.observer)
            self.observer = None
