"""Fixtures for the watch tests: 100 distinct workbooks, a root made by `automator init`,
the observer mode (native / --polling) and watcher processes that are always cleaned up."""

from __future__ import annotations

import copy
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from .watchkit import KEYS, REPO, TITLE, Watch, env

from automator.rules import load_rules
from automator.sample import write_workbook

sys.path.insert(0, str(REPO / "tools"))
from make_examples import EXAMPLES, NAMES  # noqa: E402


@pytest.fixture(scope="session")
def workbooks(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    """100 distinct, valid workbooks (the four example types, a different title each)."""
    folder = tmp_path_factory.mktemp("workbooks")
    ruleset = load_rules(REPO / "rules")
    out = []
    for i in range(100):
        key = KEYS[i % 4]
        data = copy.deepcopy(EXAMPLES[key])
        data["fields"][TITLE[key]] = f"{data['fields'][TITLE[key]]}（第{i:03d}场）"
        out.append(write_workbook(ruleset.rules[key], folder / f"{i:03d}-{NAMES[key]}", **data))
    return out


@pytest.fixture
def root(tmp_path: Path) -> Path:
    """A working root made by the real `automator init`."""
    path = tmp_path / "根目录"
    subprocess.run([sys.executable, "-m", "automator", "init", str(path)], env=env(), check=True,
                   capture_output=True, timeout=60)
    return path


@pytest.fixture(params=["native", "polling"])
def mode(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def watch(root: Path, mode: str) -> Iterator[Callable[..., Watch]]:
    """watch(*extra_args) starts a watcher on `root` in the test's mode; all are killed at the end."""
    started: list[Watch] = []

    def start(*extra: str) -> Watch:
        w = Watch(root, mode, *extra)
        started.append(w)
        return w

    yield start
    for w in started:
        w.cleanup()
