"""Log records from the watcher's worker processes, written (once) by the watcher."""

from __future__ import annotations

import logging
import time

QUIET = 3600.0  # a repeated warning from a worker is written again only after this many seconds


class Relay(logging.Handler):
    """Log records from workers, re-emitted here (one process writes the rotating file);
    the same warning about the same file is written once an hour, not on every retry."""

    def __init__(self) -> None:
        super().__init__()
        self.recent: dict[tuple[str, str], float] = {}

    def emit(self, record: logging.LogRecord) -> None:
        if record.levelno >= logging.WARNING:
            key, now = (record.name, record.getMessage()), time.monotonic()
            if now - self.recent.get(key, -QUIET) < QUIET:
                return
            if len(self.recent) > 1000:  # a service runs for months: forget what is past its quiet hour
                self.recent = {k: t for k, t in self.recent.items() if now - t < QUIET}
            self.recent[key] = now
        logger = logging.getLogger(record.name)
        if logger.isEnabledFor(record.levelno):
            logger.handle(record)
