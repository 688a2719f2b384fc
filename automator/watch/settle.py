"""Deciding when a dropped file is finished and may be taken.

Events say "something happened to this path", not "the copy is done": a
created event arrives when the first bytes land, a slow copy over a share
sends dozens of modified events, Excel saves by renaming a temp file. So the
watcher only notes paths here, and `Tracker.due()` hands back the ones that
are ready:

1. size and modification time unchanged for `settle` seconds (default 0.5 s:
   long enough to see a copy pause, short enough that a drop is filed within
   about a second);
2. no Office or LibreOffice lock file beside it (`~$name.xlsx`,
   `.~lock.name.xlsx#`): the workbook is still open in Excel/WPS;
3. the content is complete: a workbook's zip directory (which is written
   last) opens, a PDF ends with `%%EOF`.

A file that is stable but still incomplete after `patience` seconds is handed
over anyway: the pipeline then rejects it as damaged, with a reason file,
instead of leaving it waiting for ever. A file open in Excel waits as long as
the lock file is there.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from automator.inbox import OPEN_IN_OFFICE, incomplete, open_in_office, stamp

__all__ = ["OPEN_IN_OFFICE", "PATIENCE", "SETTLE", "Tracker", "incomplete", "open_in_office"]

SETTLE = 0.5
PATIENCE = 60.0


@dataclass
class _Seen:
    size: int
    mtime: int
    since: float            # when these size/mtime values were first observed
    check_at: float         # next time worth looking at this path
    held_until: float = 0.0  # a retry back-off or a busy file: not before this
    waiting: str | None = None  # why it is not taken yet (for status and a one-time log line)
    closed: bool = False     # its writer closed it since its last change (inotify IN_CLOSE_WRITE)


class Tracker:
    """Per-path state between "something happened" and "ready to take"."""

    def __init__(self, *, settle: float = SETTLE, patience: float = PATIENCE) -> None:
        self.settle = settle
        self.patience = patience
        self._seen: dict[Path, _Seen] = {}
        self._notices: list[tuple[Path, str]] = []

    def __len__(self) -> int:
        return len(self._seen)

    def __contains__(self, path: Path) -> bool:
        return path in self._seen

    def note(self, path: Path, now: float, *, closed: bool = False) -> None:
        """Something happened to `path` (an event, or a rescan found it). `closed`: its writer
        closed it (a native close-after-write event): no need to wait the settle time when it
        is complete, since the writer has said it is done."""
        entry = self._seen.get(path)
        stat = _stat(path)
        if stat is None:
            self._seen.pop(path, None)  # gone (claimed, moved away): nothing to do, never an action
            return
        size, mtime = stat
        if entry is None:
            entry = self._seen[path] = _Seen(size, mtime, now, now + self.settle)
        elif (size, mtime) != (entry.size, entry.mtime):
            entry.size, entry.mtime, entry.since = size, mtime, now
            entry.check_at, entry.held_until = now + self.settle, 0.0  # new content: forget any back-off
            entry.closed = False
        if closed:
            entry.closed = True
            entry.check_at = max(now, entry.held_until)

    def hold(self, path: Path, until: float, now: float) -> None:
        """Do not take `path` before `until` (it was put back for a retry, or was busy)."""
        self.note(path, now)
        entry = self._seen.get(path)
        if entry is not None:
            entry.held_until = until
            entry.check_at = max(until, entry.since + self.settle)  # a shorter hold replaces a longer one

    def forget(self, path: Path) -> None:
        self._seen.pop(path, None)

    def waiting(self) -> dict[str, str]:
        """Paths not yet taken and why (for the status file)."""
        return {str(p): e.waiting or "等待文件写完" for p, e in self._seen.items()}

    def notices(self) -> list[tuple[Path, str]]:
        """Paths that started waiting for a reason since the last call (to log once)."""
        out, self._notices = self._notices, []
        return out

    def _wait(self, path: Path, entry: _Seen, reason: str, now: float) -> None:
        if entry.waiting != reason:
            entry.waiting = reason
            self._notices.append((path, reason))
        entry.check_at = now + max(self.settle, 1.0)

    def due(self, now: float) -> list[Path]:
        """Paths ready to be taken, oldest first."""
        ready: list[tuple[Path, float]] = []
        for path, entry in list(self._seen.items()):
            if entry.check_at > now:
                continue
            stat = _stat(path)
            if stat is None:
                del self._seen[path]
                continue
            if stat != (entry.size, entry.mtime):
                entry.size, entry.mtime = stat
                entry.since, entry.check_at, entry.closed = now, now + self.settle, False
                continue
            if (now - entry.since < self.settle and not entry.closed) or now < entry.held_until:
                entry.check_at = max(entry.since + self.settle, entry.held_until)
                continue
            if open_in_office(path):
                self._wait(path, entry, OPEN_IN_OFFICE, now)
                continue
            reason = incomplete(path)
            if reason is not None and now - entry.since < self.patience:
                self._wait(path, entry, reason, now)
                continue
            ready.append((path, entry.since))
        ready.sort(key=lambda item: item[1])
        for path, _ in ready:
            del self._seen[path]
        return [path for path, _ in ready]

    def next_check(self) -> float | None:
        return min((e.check_at for e in self._seen.values()), default=None)


def _stat(path: Path) -> tuple[int, int] | None:
    # The entry itself: a link or a special file is taken too (and rejected without being opened).
    return stamp(path)
