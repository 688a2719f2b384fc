"""What runs in the watcher's worker processes.

Each worker loads the rules once, sends its log records to the watcher
(one process writes the rotating log file), ignores Ctrl+C and SIGTERM (the
watcher decides when to stop, so a document in hand is finished, not cut
off) and exits by itself if the watcher dies (kill -9): what it had claimed
is then finished by the next start.
"""

from __future__ import annotations

import logging
import logging.handlers
import os
import signal
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from automator.claim import pid_alive
from automator.outcome import Result

_ctx: Any = None


@dataclass
class Done:
    path: str
    result: Result | None       # None: another watcher took the file first
    error: str | None = None    # the file could not be claimed (locked, no permission)


def init(root: str, log_queue: Any, watcher_pid: int) -> None:
    global _ctx
    for name in ("SIGINT", "SIGTERM", "SIGBREAK"):
        if hasattr(signal, name):
            signal.signal(getattr(signal, name), signal.SIG_IGN)
    logger = logging.getLogger("automator")
    for handler in list(logger.handlers):
        logger.removeHandler(handler)
    logger.addHandler(logging.handlers.QueueHandler(log_queue))
    logger.setLevel(logging.INFO)
    logger.propagate = False
    if os.name == "posix":  # on Windows a spawned worker ends when its pipe to the watcher breaks
        threading.Thread(target=_orphan_guard, args=(watcher_pid,), daemon=True, name="orphan-guard").start()

    from automator.pipeline import load_context
    from automator.settings import Settings

    _ctx = load_context(Settings(Path(root)), lint=False)


def _orphan_guard(watcher_pid: int) -> None:
    while True:
        time.sleep(1.0)
        if not pid_alive(watcher_pid):
            os._exit(3)  # the watcher is gone: stop now; an unfinished claim is recovered at next start


def process(path: str) -> Done:
    from automator.pipeline import process_path

    try:
        return Done(path, process_path(_ctx, Path(path)))
    except OSError as exc:  # the claim itself failed: file locked by its writer, no permission
        return Done(path, None, error=f"{exc.strerror or exc}")


def recover() -> list[Result]:
    """Finish claims whose process died (this watcher's earlier run, or another one's)."""
    from automator.pipeline import recover as finish_abandoned

    return finish_abandoned(_ctx)


def chore(name: str) -> None:
    """Run one periodic chore (see automator/chores.py) in this worker."""
    from automator.chores import by_name, run_chore

    run_chore(_ctx, by_name(name))
