"""Telling people what happened: one log line per document, a short console line, and
log records from the worker processes written (once) by the watcher."""

from __future__ import annotations

import logging
import time

from automator.outcome import STATUS_MARK as MARK
from automator.outcome import STATUS_ZH, Result
QUIET = 3600.0  # a repeated warning from a worker is written again only after this many seconds


def describe(result: Result) -> str:
    """The log line: status, file, where it went, finding count (the log adds the time)."""
    where = result.outputs[0] if result.outputs else "-"
    line = f"{result.status} {STATUS_ZH.get(result.status, '')} {result.input} → {where} 问题 {len(result.findings)}"
    if result.status in ("rejected", "retry") and result.reason:
        line += f"：{result.reason}"
    return line


def console_line(result: Result) -> str:
    mark = MARK.get(result.status, "?")
    where = f" → {result.outputs[0]}" if result.outputs and result.status != "duplicate" else ""
    tail = f"（{len(result.findings)} 个问题）" if result.findings else ""
    reason = f"：{result.reason}" if result.status in ("rejected", "duplicate") and result.reason else ""
    zh = STATUS_ZH.get(result.status, result.status)
    return f"{time.strftime('%H:%M:%S')} {mark} {zh} {result.input}{where}{tail}{reason}"


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
