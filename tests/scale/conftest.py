"""Fixtures for the scale tests: a real redis-server per test, one PostgreSQL cluster per module with a fresh
database per test, a root laid out by `automator init`, and processes that are always cleaned up."""

from __future__ import annotations

import os
import sys
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from .scalekit import REPO, Proc, make_workbooks

sys.path.insert(0, str(REPO / "tools"))
from services import Postgres, Redis, postgres_bin, redis_binary  # noqa: E402



def missing(what: str) -> None:
    """Skip where the Debian package is not installed — but never in CI, where a skip would hide the tests."""
    message = f"{what} is not installed (Debian package {what.split()[0]}); .ci/run must install it"
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture(scope="module")
def cluster() -> Iterator[Postgres]:
    if postgres_bin() is None:
        missing("postgresql server")
    with Postgres() as pg:
        yield pg


@pytest.fixture
def pg_url(cluster: Postgres) -> Iterator[str]:
    """A new, empty database in the module's cluster, dropped after the test."""
    name = f"t_{uuid.uuid4().hex[:10]}"
    url = cluster.createdb(name)
    yield url
    cluster.dropdb(name)


@pytest.fixture
def redis(tmp_path: Path) -> Iterator[Redis]:
    if redis_binary() is None:
        missing("redis-server")
    with Redis(tmp_path) as server:
        yield server


@pytest.fixture
def root(tmp_path: Path) -> Path:
    from automator.init import init_root

    path = tmp_path / "根目录"
    init_root(path)
    return path


@pytest.fixture(scope="session")
def books(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    """200 distinct, valid workbooks."""
    return make_workbooks(tmp_path_factory.mktemp("books"), 200)


@pytest.fixture
def procs(root: Path) -> Iterator[Callable[..., Proc]]:
    """procs("worker", "--concurrency", "1") starts `automator …` on `root`; all are killed at the end."""
    started: list[Proc] = []

    def start(*args: str) -> Proc:
        proc = Proc(root, *args)
        started.append(proc)
        return proc

    yield start
    for proc in started:
        proc.cleanup()
