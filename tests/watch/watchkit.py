"""Helpers for the watch tests: real `automator watch` processes on a temporary root, and what they leave behind.

Nothing is mocked: each test starts the CLI as a subprocess (in its own
session, so SIGKILL can take the whole process tree, as a power cut would),
drops real workbooks into inbox/ and polls the ledger and outbox/ until
the work is done.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import zipfile
from collections import Counter
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
TITLE = {"agenda": "meeting_title", "contact_report": "meeting_title", "creative_brief": "project",
         "media_brief": "campaign"}
KEYS = list(TITLE)
POLL = 0.5  # --interval for the polling observer in tests


def env() -> dict[str, str]:
    out = {**os.environ, "PYTHONIOENCODING": "utf-8", "PYTHONUNBUFFERED": "1"}
    out.pop("AUTOMATOR_ROOT", None)
    return out


def wait_until(condition: Callable[[], object], what: str, timeout: float = 90.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:.0f}s waiting for: {what}")
        time.sleep(0.1)


class Watch:
    """One `automator watch` process."""

    count = 0

    def __init__(self, root: Path, mode: str, *extra: str) -> None:
        Watch.count += 1
        args = [sys.executable, "-m", "automator", "watch", "--root", str(root), *extra]
        if mode == "polling":
            args += ["--polling", "--interval", str(POLL)]
        self.root = root
        self.log = root.parent / f"watch-{Watch.count}.out"
        self._out = self.log.open("wb")
        self.proc = subprocess.Popen(args, stdout=self._out, stderr=subprocess.STDOUT, env=env(),
                                     start_new_session=True)

    @property
    def status_file(self) -> Path:
        return self.root / "watchers" / f"{socket.gethostname()}-{self.proc.pid}.json"

    def status(self) -> dict[str, object]:
        try:
            return dict(json.loads(self.status_file.read_text("utf-8")))
        except (OSError, ValueError):
            return {}

    def ready(self, timeout: float = 60) -> Watch:
        def up() -> bool:
            assert self.proc.poll() is None, f"watcher exited early:\n{self.output()}"
            return self.status().get("state") == "watching"
        wait_until(up, "the watcher to start", timeout)
        return self

    def output(self) -> str:
        if not self._out.closed:
            self._out.flush()
        return self.log.read_text("utf-8", errors="replace")

    def stop(self, timeout: float = 20) -> float:
        """SIGTERM; returns how long it took to exit (asserts a clean exit)."""
        start = time.monotonic()
        self.proc.send_signal(signal.SIGTERM)
        code = self.proc.wait(timeout=timeout)
        took = time.monotonic() - start
        self._out.close()
        assert code == 0, f"exit {code}:\n{self.output()}"
        return took

    def kill(self) -> None:
        """SIGKILL to the whole process tree (watcher, fork server, workers): a crash."""
        os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait(timeout=20)
        self._out.close()

    def cleanup(self) -> None:
        if self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            self.proc.wait(timeout=20)
        if not self._out.closed:
            self._out.close()


def drop(files: list[Path], inbox: Path, sub: str | None = None) -> list[str]:
    """Copy workbooks into the inbox (as a user's copy does: not atomically); returns their inputs."""
    folder = inbox / sub if sub else inbox
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for path in files:
        shutil.copyfile(path, folder / path.name)
        out.append((folder / path.name).relative_to(inbox.parent).as_posix())
    return out


def ledger(root: Path) -> list[tuple[str, str, list[str]]]:
    """(input, status, outputs) of every ledger row."""
    path = root / "ledger.sqlite"
    if not path.exists():
        return []
    db = sqlite3.connect(path, timeout=30)
    try:
        rows = db.execute("SELECT input, status, outputs FROM inputs ORDER BY id").fetchall()
    except sqlite3.OperationalError:
        return []  # the schema is being created
    finally:
        db.close()
    return [(i, s, json.loads(o)) for i, s, o in rows]


def archived(root: Path) -> Counter[str]:
    return Counter(i for i, s, _ in ledger(root) if s == "archived")


def every_file(folder: Path) -> list[Path]:
    """All files below `folder`, hidden ones included."""
    return [Path(d) / f for d, _, names in os.walk(folder) for f in names]


def assert_archived_exactly_once(root: Path, inputs: list[str]) -> None:
    rows = ledger(root)
    counts = Counter(i for i, s, _ in rows if s == "archived")
    assert sorted(counts) == sorted(inputs), "archived inputs differ from what was dropped"
    assert set(counts.values()) == {1}, [i for i, n in counts.items() if n > 1]
    others = [(i, s) for i, s, _ in rows if s != "archived"]
    assert not others, f"rows other than archived: {others[:5]}"
    files = every_file(root / "outbox")
    leftovers = [p for p in files if p.name.endswith(".tmp") or p.name.startswith(".")]
    assert not leftovers, f"temporary files left in outbox: {leftovers[:5]}"
    docx = [p for p in files if p.suffix == ".docx"]
    assert len(docx) == len(inputs)
    for path in docx + [p for p in files if p.suffix == ".xlsx"]:
        with zipfile.ZipFile(path) as archive:
            assert archive.testzip() is None, f"damaged output {path}"
    claims = [p for p in (root / "processing").glob("*")] if (root / "processing").exists() else []
    assert not claims, f"claims left in processing/: {claims}"
