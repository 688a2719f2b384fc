"""The code has no lint errors that are bugs (unused names, undefined names, loop-variable
closures, mutable defaults…): ruff with the rules in pyproject.toml."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


def test_ruff_finds_nothing() -> None:
    ruff = shutil.which("ruff")
    if ruff is None:
        pytest.skip("ruff is in the test extra: pip install -e '.[test]'")
    proc = subprocess.run([ruff, "check", "automator", "tests", "tools", "bench"], cwd=REPO,
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr
