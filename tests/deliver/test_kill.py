"""kill -9 between archive and send: the mail is sent once after a restart, and the killed
run leaves no LibreOffice behind."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest

from .kit import Handler, Smtp, configure, deliveries, free_port, write_contacts

pytestmark = pytest.mark.slow


def _automator(root: Path, *args: str) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    env.pop("AUTOMATOR_ROOT", None)
    return subprocess.Popen([sys.executable, "-m", "automator", *args, "--root", str(root)], env=env, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def _helpers(pid: int) -> list[int]:
    """The UNO helpers a process started (their pid names soffice's pipe: automator-<pid>-…)."""
    return [c.pid for c in psutil.Process(pid).children() if "helper.py" in " ".join(c.cmdline())]


def _soffice_of(helpers: list[int]) -> list[psutil.Process]:
    """LibreOffice processes still running for those helpers."""
    out = []
    for proc in psutil.process_iter(["name", "cmdline"]):
        try:
            cmd = " ".join(proc.info["cmdline"] or [])
            if "soffice" in (proc.info["name"] or "") and any(f"name=automator-{h}-" in cmd for h in helpers):
                out.append(proc)
        except psutil.Error:
            continue
    return out


def test_killed_between_archive_and_send_sends_once_after_restart(root: Path, make_workbook) -> None:  # type: ignore[no-untyped-def]
    port = free_port()
    held = Handler(hold=__import__("threading").Event())
    server = Smtp(port, held)
    configure(root, port=port)
    write_contacts(root)
    make_workbook(root / "inbox", "contact_report")
    run = _automator(root, "run")
    try:
        assert held.reached.wait(120), run.communicate(timeout=5)
        # The document is committed and its PDF made; the mail is on the wire, not yet accepted.
        helpers = _helpers(run.pid)
        assert helpers and _soffice_of(helpers)
        os.kill(run.pid, signal.SIGKILL)
        run.wait(timeout=30)
    finally:
        server.stop()
    assert run.returncode == -signal.SIGKILL
    assert server.received == []
    assert list((root / "outbox").rglob("*客户会议报告*.docx")) and list((root / "outbox").rglob("*.pdf"))
    (mail,) = [d for d in deliveries(root) if d["kind"] == "mail"]
    assert mail["state"] == "sending" and mail["owner"].endswith(f":{run.pid}")
    deadline = time.monotonic() + 30
    while _soffice_of(helpers) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert _soffice_of(helpers) == []  # the helper saw its parent go and took soffice with it

    back = Smtp(port)
    try:
        for _ in range(2):  # the restart sends it; a second run sends nothing more
            again = _automator(root, "run")
            out, err = again.communicate(timeout=180)
            assert again.returncode == 0, err
            assert "Traceback" not in err
        assert len(back.received) == 1
        assert back.received[0].message["Message-ID"] == mail["message_id"]  # the one queued at commit
    finally:
        back.stop()
    assert [d["state"] for d in deliveries(root)] == ["sent", "sent"]


def test_the_running_watcher_sends_what_was_queued_and_what_arrives(root: Path, make_workbook) -> None:  # type: ignore[no-untyped-def]
    """SMTP down while a document is archived; the watcher, started later, sends it once the
    server is back (back-off), and mails a new drop too — each once."""
    port = free_port()
    configure(root, port=port)
    write_contacts(root)
    make_workbook(root / "inbox", "agenda")
    first = _automator(root, "run")
    assert first.wait(timeout=180) == 0
    watcher = _automator(root, "watch", "--settle", "0.2", "-j", "1")
    server = Smtp(port)
    try:
        # the queued row waits out its first back-off (30 s) in the watcher; a new drop goes at once
        make_workbook(root / "inbox", "contact_report")
        deadline = time.monotonic() + 90
        while len(server.received) < 2 and time.monotonic() < deadline:
            time.sleep(0.5)
        subjects = sorted(r.message["Subject"][:6] for r in server.received)
        assert subjects == ["会议议程｜星", "客户会议报告"], subjects
        time.sleep(12)  # a few more chore rounds
        assert len(server.received) == 2
    finally:
        watcher.send_signal(signal.SIGTERM)
        watcher.communicate(timeout=60)
        server.stop()
