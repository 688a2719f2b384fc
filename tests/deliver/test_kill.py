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


def _stray_soffice() -> list[psutil.Process]:
    """LibreOffice processes of ours that no live process of this test session owns."""
    me = os.getpid()
    out = []
    for proc in psutil.process_iter(["name", "cmdline"]):
        try:
            cmd = " ".join(proc.info["cmdline"] or [])
            if "soffice" in (proc.info["name"] or "") and "automator-lo-" in cmd:
                if me not in {p.pid for p in proc.parents()}:
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
    while _stray_soffice() and time.monotonic() < deadline:
        time.sleep(0.2)
    assert _stray_soffice() == []  # the helper saw its parent go and took soffice with it

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
