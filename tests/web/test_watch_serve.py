"""`automator watch --serve`: the pages run beside the watcher, show it running and what it
files, and stop with it."""

from __future__ import annotations

import json
import signal
import socket
import time
import urllib.request
from pathlib import Path
from urllib.parse import quote

import pytest

from .conftest import free_port, start, stop
from .site import maker

pytestmark = pytest.mark.slow


def _json(url: str) -> dict[str, object]:
    with urllib.request.urlopen(url, timeout=10) as response:
        return dict(json.loads(response.read()))


def test_watch_serve_shows_the_watcher_and_finds_what_it_files(root: Path) -> None:
    port = free_port()
    proc = start("watch", "--root", str(root), "--polling", "--interval", "0.5", "--serve", "--serve-port", str(port),
                 cwd=root, port=port)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while not _json(base + "/api/overview")["running"]:
            assert time.monotonic() < deadline, "the overview never saw the watcher running"
            time.sleep(0.2)
        maker()(root / "inbox", "contact_report", "金麦.xlsx", fields={"client": "金麦食品", "meeting_title": "周会"})
        while not _json(base + "/api/search?q=" + quote("金麦"))["results"]:  # filed, then indexed by its stage
            assert time.monotonic() < deadline, "the document never became searchable"
            time.sleep(0.2)
        proc.send_signal(signal.SIGTERM)  # once: a second one means "leave now" (exit 130)
        out, err = proc.communicate(timeout=90)
        assert proc.returncode == 0, err
        assert f"网页：http://127.0.0.1:{port}/" in out and "Traceback" not in err
    finally:
        stop(proc)
    with socket.socket() as sock:  # nobody listens any more: the web thread stopped with the watcher
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # (closed connections may linger in TIME_WAIT)
        sock.bind(("127.0.0.1", port))


def test_watch_serve_refuses_a_public_address_before_watching(root: Path) -> None:
    import subprocess
    import sys

    proc = subprocess.run([sys.executable, "-m", "automator", "watch", "--root", str(root), "--serve",
                           "--serve-host", "0.0.0.0"], capture_output=True, text=True, timeout=60, encoding="utf-8")
    assert proc.returncode == 2 and "拒绝在 0.0.0.0 上提供网页" in proc.stderr
    assert not (root / "watchers").exists() or not list((root / "watchers").iterdir())
