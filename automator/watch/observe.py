"""The file-system observer and the checks that keep it honest.

The observer only feeds a queue; everything else happens in the watcher's
own loop. Because events are a hint, not a guarantee (network shares send
none for other machines' writes, inotify queues overflow, a polling thread
can stop when the share drops), the watcher also rescans, checks that the
inbox is there, and sends a probe file through the observer to prove it
still delivers.
"""

from __future__ import annotations

import logging
import os
import queue
import socket
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers.polling import PollingObserver

from automator.inbox import ignored

log = logging.getLogger(__name__)
KINDS = {"created", "modified", "moved", "closed"}  # opened/closed_no_write/deleted never matter


class Handler(FileSystemEventHandler):
    """Turns events into ("file" | "dir" | "probe", path) items on a queue."""

    def __init__(self, items: queue.Queue[tuple[str, Any]], probe_name: str) -> None:
        self.items = items
        self.probe_name = probe_name

    def on_any_event(self, event: FileSystemEvent) -> None:
        if event.event_type not in KINDS:
            return  # a deletion is never acted on: an unmounted share looks like one
        raw = getattr(event, "dest_path", "") if event.event_type == "moved" else event.src_path
        if not raw:
            return
        path = Path(os.fsdecode(raw))
        if path.name == self.probe_name:
            self.items.put(("probe", path))
        elif event.is_directory:
            if event.event_type in ("created", "moved"):
                self.items.put(("dir", path))  # a folder moved in brings files without events
        elif not ignored(path):
            self.items.put(("closed" if event.event_type == "closed" else "file", path))


def inbox_problem(inbox: Path) -> str | None:
    """Why the inbox cannot be watched right now, or None."""
    try:
        if not inbox.is_dir():
            return "文件夹不存在" if not inbox.exists() else "不是文件夹"
        with os.scandir(inbox) as entries:
            next(entries, None)
    except OSError as exc:
        return exc.strerror or str(exc)
    return None


def identity(inbox: Path) -> tuple[int, int] | None:
    try:
        st = inbox.stat()
    except OSError:
        return None
    return st.st_dev, st.st_ino


def start(inbox: Path, handler: Handler, *, polling: bool, interval: float) -> tuple[Any, str]:
    """Start an observer on `inbox` (recursive); returns it and a word for its kind."""
    if not polling:
        from watchdog.observers import Observer

        observer = Observer()
        try:
            observer.schedule(handler, str(inbox), recursive=True)
            observer.start()
            return observer, type(observer).__name__.replace("Observer", "").lower() or "native"
        except OSError as exc:  # e.g. the inotify watch limit: polling still works
            log.error("无法使用系统文件事件监视 %s（%s），改用轮询（每 %.1f 秒）", inbox, exc, interval)
    observer = PollingObserver(timeout=interval)
    observer.schedule(handler, str(inbox), recursive=True)
    observer.start()
    return observer, "polling"


def alive(observer: Any) -> bool:
    """The observer thread and every emitter thread still run."""
    return bool(observer.is_alive() and observer.emitters and all(e.is_alive() for e in observer.emitters))


def stop(observer: Any) -> None:
    try:
        observer.stop()
        observer.join(timeout=5)
    except Exception as exc:  # noqa: BLE001 - a dead observer may fail to stop; it is replaced anyway
        log.debug("stopping the observer: %s", exc)


@dataclass
class Probe:
    """A hidden file written into the inbox whose event must come back in time."""

    inbox: Path
    deadline: float
    name: str = f".automator-probe-{socket.gethostname()}-{os.getpid()}"
    sent: float | None = None
    enabled: bool = True

    @property
    def path(self) -> Path:
        return self.inbox / self.name

    def send(self, now: float) -> None:
        if not self.enabled or self.sent is not None:
            return
        try:
            self.path.write_text(f"{time.time()}\n", "utf-8")
        except OSError as exc:
            self.enabled = False  # a read-only inbox: the rescans still find every file
            log.info("无法在 %s 写入探测文件（%s），不再探测观察线程", self.inbox, exc.strerror or exc)
            return
        self.sent = now

    def seen(self) -> None:
        self.sent = None
        self.remove()

    def overdue(self, now: float) -> bool:
        return self.sent is not None and now - self.sent > self.deadline

    def remove(self) -> None:
        try:
            self.path.unlink(missing_ok=True)
        except OSError:
            pass
