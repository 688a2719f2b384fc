"""Shared fixtures: a fresh working root, example workbooks with planted changes,
the CLI run in-process (CliRunner) or as a real subprocess."""

from __future__ import annotations

import copy
import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from hypothesis import settings as hypothesis_settings

REPO = Path(__file__).resolve().parent.parent
CORPUS_ROOT = REPO.parent / "shared" / "corpus"   # real files from many producers, next to the project


def corpus_file(*parts: str) -> Path:
    """A file or folder of ../shared/corpus; the test is skipped, saying why, when it is not there."""
    path = CORPUS_ROOT.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"{path} is not here: the shared corpus sits next to the project root (../shared/corpus)")
    return path

# CI replays the same examples every run (a red CI must mean a real regression); locally,
# hypothesis explores new ones each time. Anything it finds becomes a named regression test.
hypothesis_settings.register_profile("ci", derandomize=True, deadline=None, print_blob=True)
if os.environ.get("CI"):
    hypothesis_settings.load_profile("ci")
sys.path.insert(0, str(REPO / "tools"))

from make_examples import EXAMPLES, NAMES  # noqa: E402

from automator.cli import main  # noqa: E402
from automator.init import init_root  # noqa: E402
from automator.rules import load_rules  # noqa: E402
from automator.sample import write_workbook  # noqa: E402
from automator.settings import Settings  # noqa: E402


@pytest.fixture
def root(tmp_path: Path) -> Path:
    """A working root laid out by `automator init` (packaged templates and rules), making no
    PDFs: LibreOffice costs ~0.2 s a document, and the PDF tests (tests/deliver, slow) turn
    it on in their own automator.yaml."""
    path = tmp_path / "root"
    init_root(path)
    (path / "automator.yaml").write_text("pdf: {enabled: false}\n", "utf-8")
    return path


@pytest.fixture
def settings(root: Path) -> Settings:
    return Settings.from_root(root)


@pytest.fixture(scope="session")
def ruleset():  # type: ignore[no-untyped-def]
    return load_rules(REPO / "rules")


def example_data(key: str) -> dict[str, Any]:
    return copy.deepcopy(EXAMPLES[key])


@pytest.fixture
def make_workbook(ruleset) -> Callable[..., Path]:  # type: ignore[no-untyped-def]
    """make_workbook(folder, key, name=None, fields={...}, rows={table: {i: {col: v}}}, totals=..., labels=...)

    Starts from the shipped example of `key` and applies the changes.
    """
    def make(folder: Path, key: str, name: str | None = None, *, fields: dict[str, Any] | None = None,
             rows: dict[str, dict[int, dict[str, Any]]] | None = None, tables: dict[str, Any] | None = None,
             totals: dict[str, Any] | None = None, labels: str = "zh") -> Path:
        data = example_data(key)
        data["fields"].update(fields or {})
        for table, changes in (rows or {}).items():
            for index, change in changes.items():
                data["tables"][table][index].update(change)
        if tables is not None:
            data["tables"].update(tables)
        if totals is not None:
            data["totals"] = {**data.get("totals", {}), **totals}
        return write_workbook(ruleset.rules[key], folder / (name or NAMES[key]), labels=labels, **data)

    return make


MINIMAL_REPORT = [("文档类型", "客户会议报告"), ("客户", "某某"), ("会议主题", "周会"), ("会议日期", "2026-11-20"),
                  ("报告日期", "2026-11-20"), ("撰写人", "李娜")]


def raw_workbook(path: Path, sheets: dict[str, list[tuple[Any, ...]]]) -> Path:
    """A workbook written cell by cell (sheet name -> rows), for layouts write_workbook would not make."""
    import openpyxl

    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for row in rows:
            ws.append(row)
    wb.save(path)
    return path


def tracked_insertion(paragraph: Any, text: str) -> None:
    """Append `text` to a python-docx paragraph as a Word tracked change (<w:ins>)."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    ins = OxmlElement("w:ins")
    for attr, value in (("w:id", "1"), ("w:author", "李娜"), ("w:date", "2026-11-20T10:00:00Z")):
        ins.set(qn(attr), value)
    run = OxmlElement("w:r")
    t = OxmlElement("w:t")
    t.text = text
    run.append(t)
    ins.append(run)
    paragraph._p.append(ins)


def run_cli(*args: str, root: Path | None = None) -> tuple[int, str]:
    """The CLI in-process (fast); returns (exit code, stdout)."""
    argv = [*args, *(["--root", str(root)] if root else [])]
    result = CliRunner().invoke(main, argv, catch_exceptions=False)
    return result.exit_code, result.output


def run_json(*args: str, root: Path) -> tuple[int, dict[str, Any]]:
    code, out = run_cli(*args, "--json", root=root)
    return code, json.loads(out)


def run_subprocess(*args: str, cwd: Path, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """The installed CLI as a real process, as a user or script runs it."""
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    env.pop("AUTOMATOR_ROOT", None)
    return subprocess.run([sys.executable, "-m", "automator", *args], cwd=cwd, env=env, text=True,
                          capture_output=True, timeout=timeout)


def tree(folder: Path) -> list[str]:
    """Every file under `folder`, relative, sorted (hidden temp files included, to catch leftovers)."""
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())
