"""Fixtures for the web tests: one root with every kind of page (built once through the real
CLI), the app in-process (Starlette's TestClient) and the real server on a free loopback port."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from automator.settings import Settings
from automator.web.access import Access
from automator.web.app import create_app

from .site import build_site


@pytest.fixture(scope="session")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The shared root; tests only read it (a test that changes a root makes its own)."""
    return build_site(tmp_path_factory.mktemp("site") / "root")


def app_client(root: Path, access: Access | None = None, **kwargs: object) -> TestClient:
    kwargs.setdefault("base_url", "http://127.0.0.1")
    return TestClient(create_app(Settings.from_root(root), access or Access()), **kwargs)  # type: ignore[arg-type]


@pytest.fixture
def client(site: Path) -> TestClient:
    return app_client(site)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for(url: str, proc: subprocess.Popen[str], timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"the server exited: {proc.communicate()}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.1)
    raise AssertionError(f"{url} did not answer in {timeout} s")


def start(*args: str, cwd: Path, port: int, env: dict[str, str] | None = None) -> subprocess.Popen[str]:
    """`automator <args>` as a real process, waited for until /healthz answers on `port`."""
    proc = subprocess.Popen([sys.executable, "-m", "automator", *args], cwd=cwd, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            env={**os.environ, "PYTHONIOENCODING": "utf-8", **(env or {})})
    wait_for(f"http://127.0.0.1:{port}/healthz", proc)
    return proc


def stop(proc: subprocess.Popen[str]) -> tuple[str, str]:
    if proc.poll() is None:
        proc.terminate()
    try:
        return proc.communicate(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
        return proc.communicate()


@pytest.fixture
def server(site: Path) -> Iterator[str]:
    """`automator serve` on the site, on a free port: its base URL."""
    port = free_port()
    proc = start("serve", "--root", str(site), "--port", str(port), cwd=site, port=port)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        stop(proc)
