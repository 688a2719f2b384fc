"""Logging for operators: a rotating file in the root, and concise stderr."""

from __future__ import annotations

import logging
import logging.handlers
from pathlib import Path

FORMAT = "%(asctime)s %(levelname)s %(processName)s %(name)s: %(message)s"


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
            handler.setFormatter(logging.Formatter(FORMAT))
            handler.setLevel(logging.INFO)
            root.addHandler(handler)
        except OSError:
            pass  # a read-only root still runs; stderr gets the messages
    if console:
        stream = logging.StreamHandler()
        stream.setFormatter(logging.Formatter("%(levelname)s: %(message)s"))
        stream.setLevel(logging.DEBUG if verbose else logging.WARNING)
        root.addHandler(stream)
    root.propagate = False
