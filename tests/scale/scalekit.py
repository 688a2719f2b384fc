"""Helpers for the scale tests: real redis-server and PostgreSQL (tools/services.py), a root configured
for them, `automator watch` and `automator worker` as real processes, and what they leave behind.

Nothing is mocked. Workers run in their own sessions so SIGKILL takes a worker's whole
process tree (its Celery main process and pool), as a host losing power would.
"""

from __future__ import annotations

import copy
import json
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
TITLE = {"agenda": "meeting_title", "contact_report": "meeting_title", "creative_brief": "project",
         "media_brief": "campaign"}
KEYS = list(TITLE)


def env() -> dict[str, str]:
    out = {**os.environ, "PYTHONIOENCODING": "utf-8", "PYTHONUNBUFFERED": "1"}
    for name in ("AUTOMATOR_ROOT", "AUTOMATOR_LEDGER_URL", "AUTOMATOR_BROKER_URL"):
        out.pop(name, None)
    return out


def wait_until(condition: Any, what: str, timeout: float = 90.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:.0f}s waiting for: {what}")
        time.sleep(0.2)


sys.path.insert(0, str(REPO / "tools"))
from make_examples import EXAMPLES, NAMES  # noqa: E402

__all__ = ["KEYS", "REPO", "Proc", "configure", "ledger_rows", "make_workbooks", "outputs", "wait_until"]


def make_workbooks(folder: Path, count: int) -> list[Path]:
    """`count` distinct valid workbooks (the four example types, a different title each)."""
    from automator.rules import load_rules
    from automator.sample import write_workbook

    folder.mkdir(parents=True, exist_ok=True)
    ruleset = load_rules(REPO / "rules")
    out = []
    for i in range(count):
        key = KEYS[i % 4]
        data = copy.deepcopy(EXAMPLES[key])
        data["fields"][TITLE[key]] = f"{data['fields'][TITLE[key]]}（第{i:03d}场）"
        out.append(write_workbook(ruleset.rules[key], folder / f"{i:03d}-{NAMES[key]}", **data))
    return out


def configure(root: Path, *, broker: str | None = None, ledger: str | None = None,
              visibility_timeout: float = 30, requeue_after: float = 20) -> None:
    lines = ["pdf: {enabled: false}"]  # these tests are about the queue and the ledger; PDFs are deliveries' own
    if broker:
        lines += [f"broker: {broker}", f"queue: {{visibility_timeout: {visibility_timeout}, "
                                       f"requeue_after: {requeue_after}}}"]
    if ledger:
        lines.append(f"ledger: {ledger}")
    (root / "automator.yaml").write_text("\n".join(lines) + "\n", "utf-8")


class Proc:
    """One `automator …` process in its own session, its output in a file beside the root."""

    count = 0

    def __init__(self, root: Path, *args: str) -> None:
        Proc.count += 1
        self.root = root
        self.log = root.parent / f"{args[0]}-{Proc.count}.out"
        self._out = self.log.open("wb")
        self.proc = subprocess.Popen([sys.executable, "-m", "automator", *args, "--root", str(root)],
                                     stdout=self._out, stderr=subprocess.STDOUT, env=env(), start_new_session=True)

    def output(self) -> str:
        if not self._out.closed:
            self._out.flush()
        return self.log.read_text("utf-8", errors="replace")

    def alive(self) -> bool:
        return self.proc.poll() is None

    def kill(self) -> None:
        """SIGKILL to the whole process tree: a crash."""
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.proc.wait(timeout=20)

    def stop(self, timeout: float = 30) -> int:
        if self.alive():
            self.proc.send_signal(signal.SIGTERM)
            try:
                return self.proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.kill()
        return self.proc.returncode

    def cleanup(self) -> None:
        if self.alive():
            self.kill()
        self._out.close()


def ledger_rows(url: str) -> list[dict[str, Any]]:
    import psycopg
    from psycopg.rows import dict_row

    with psycopg.connect(url, row_factory=dict_row, connect_timeout=5) as db:
        if db.execute("SELECT to_regclass('inputs') AS t").fetchone()["t"] is None:
            return []
        return list(db.execute("SELECT input, status, sha256, outputs FROM inputs ORDER BY id").fetchall())


def safe_rows(url: str) -> list[dict[str, Any]]:
    try:
        return ledger_rows(url)
    except Exception:  # noqa: BLE001 - the server is down for a moment in some tests
        return []


def outputs(root: Path) -> Counter[str]:
    """Archived .docx files under outbox/ per document (title), hidden temp files counted too."""
    found = [p for p in (root / "outbox").rglob("*") if p.is_file()]
    return Counter(p.name for p in found)


def claims_left(root: Path) -> list[str]:
    processing = root / "processing"
    return sorted(p.name for p in processing.iterdir()) if processing.is_dir() else []


def inbox_left(root: Path) -> list[str]:
    return sorted(p.name for p in (root / "inbox").rglob("*") if p.is_file())


def status_json(root: Path) -> dict[str, Any]:
    done = subprocess.run([sys.executable, "-m", "automator", "status", "--json", "--root", str(root)],
                          env=env(), capture_output=True, text=True, timeout=60)
    return dict(json.loads(done.stdout))


def settle(seconds: float) -> None:
    time.sleep(seconds)
