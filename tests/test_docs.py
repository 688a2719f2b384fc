"""The docs say what the code does: generated pages are current, commands are documented."""

from __future__ import annotations

import re
import sys
from pathlib import Path

from automator.checks import KNOWN
from automator.cli import main

REPO = Path(__file__).resolve().parent.parent
README = (REPO / "README.md").read_text("utf-8")


def test_check_vocabulary_page_is_current() -> None:
    sys.path.insert(0, str(REPO / "tools"))
    from make_docs import render

    assert (REPO / "docs" / "checks.md").read_text("utf-8") == render(), "run python tools/make_docs.py"


def test_every_check_is_documented_with_its_keys() -> None:
    for name, cls in KNOWN.items():
        assert cls.__doc__ and "YAML keys" in cls.__doc__, name


def test_every_command_is_in_the_readme_with_help_text() -> None:
    for name, command in main.commands.items():
        assert f"automator {name}" in README, name
        assert command.help, name


def test_ci_runs_the_readme_test_command() -> None:
    commands = re.findall(r"```bash\n(.+?)\n```", README, re.S)
    test_command = next(c for c in commands if "pytest" in c)
    assert test_command in (REPO / ".ci" / "run").read_text("utf-8")
