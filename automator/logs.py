"""Logging for operators: a rotating file in the root, and concise stderr."""

from __future__ import annotations

import logging
import logging.handlers
from pathlib import Path

FORMAT = "%(asctime)s %(levelname)s %(processName)s %(name)s: %(message)s"


class _OneLine(logging.Formatter):
    """Every record on one line: a newline or a control character in a file name (or a
    traceback) cannot forge a log line; a traceback follows indented, marked as such."""

    def format(self, record: logging.LogRecord) -> str:
        from automator.present import safe

        saved, record.exc_info, record.exc_text = record.exc_info, None, None
        try:
            line = safe(super().format(record))
        finally:
            record.exc_info = saved
        if saved and self.tracebacks:
            line += "\n" + "\n".join("    | " + t for t in self.formatException(saved).splitlines())
        return line

    def __init__(self, fmt: str, *, tracebacks: bool) -> None:
        super().__init__(fmt)
        self.tracebacks = tracebacks


def setup(log_file: Path | None, *, verbose: bool = False, console: bool = True) -> None:
    root = logging.getLogger("automator")
    root.setLevel(logging.DEBUG if verbose else logging.INFO)
    for handler in list(root.handlers):
        root.removeHandler(handler)
        handler.close()
    if log_file is not None:
        try:
            log_file.parent.mkdir(parents=True, exist_ok=True)
            handler = logging.handlers.RotatingFileHandler(log_file, maxBytes=5_000_000, backupCount=5,
                                                           encoding="utf-8", delay=True)
            handler.setFormatter(_OneLine(FORMAT, tracebacks=True))
            handler.setLevel(logging.INFO)
            root.addHandler(handler)
        except OSError:
            pass  # a read-only root still runs; stderr gets the messages
    if console:
        stream = logging.StreamHandler()
        stream.setFormatter(_OneLine("%(levelname)s: %(message)s", tracebacks=verbose))  # details go to the log
        stream.setLevel(logging.DEBUG if verbose else logging.WARNING)
        root.addHandler(stream)
    root.propagate = False
