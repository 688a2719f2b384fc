"""Rules and templates edited under a running watcher.

A file that meets a broken template or rule is not at fault: it is put back and held
(not retried every few seconds). This watches the rules/ and templates/ folders; when
they change it checks them once (the same check as at start-up) and, when they are
right again, lets the held files go. While they are wrong, the problem is logged once
and shown by `automator status`: "模板 agenda.docx 有误：…，等待修复".
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

from automator.errors import ConfigError
from automator.settings import Settings

log = logging.getLogger("automator.watch")
HOLD = 600.0  # a held file is tried again after this long even if nothing changed


def folder_stamp(*folders: Path) -> tuple[tuple[str, int, int], ...]:
    out = []
    for folder in folders:
        try:
            with os.scandir(folder) as entries:
                out += [(f"{folder.name}/{e.name}", e.stat().st_size, e.stat().st_mtime_ns) for e in entries]
        except OSError:
            continue
    return tuple(sorted(out))


class ConfigWatch:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.stamp = folder_stamp(settings.rules, settings.templates)
        self.problem: str | None = None
        self.held: set[Path] = set()

    def report(self, reason: str) -> None:
        """A configuration problem (found by the check here, or met by a worker on a file):
        logged once; while one is known, the same problem met again is not logged again."""
        if self.problem is None:
            log.error("规则或模板有误：%s——相关文件已放回收件箱，等待修复后自动处理", reason)
            self.problem = reason

    def changed(self) -> bool:
        """True when rules/ or templates/ changed and are now fine (held files may go)."""
        stamp = folder_stamp(self.settings.rules, self.settings.templates)
        if stamp == self.stamp:
            return False
        self.stamp = stamp
        from automator.pipeline import load_context

        try:
            load_context(self.settings)
        except ConfigError as exc:
            self.report(exc.message)
            self.problem = exc.message  # the check's wording names every problem at once
            return False
        if self.problem is not None:
            log.warning("规则和模板已修复，继续处理等待中的 %d 个文件", len(self.held))
        self.problem = None
        return True
