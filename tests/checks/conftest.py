"""Build Documents directly, the way the reader would, for one rule at a time.

Layout (so tests can assert exact cells):
- fields go on sheet 基本信息, column B, one per row in the order given: B1, B2, …;
- a table goes on a sheet named by its Chinese label; its columns take letters
  in the rule's column order (A, B, C…), header on row 1, records from row 2,
  then the totals row.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from openpyxl.utils import get_column_letter

from automator.checks import compile_checks, run_checks
from automator.document import CellRef, CheckResult, Document, Finding, Row, Table, Value
from automator.rules import RuleSet, load_rules
from automator.rules.model import Rule

RULES_DIR = Path(__file__).resolve().parents[2] / "rules"
FORM = "基本信息"


@dataclass(frozen=True)
class Bad:
    """A cell the reader could not read: its raw text and the reader's problem."""

    raw: Any
    problem: str = "无法识别"


MINE = ("_common.yaml", "words.yaml", "agenda.yaml", "contact_report.yaml", "creative_brief.yaml",
        "media_brief.yaml", "followup.yaml")


@pytest.fixture(scope="session")
def ruleset(tmp_path_factory: pytest.TempPathFactory) -> RuleSet:
    """The four workbook document types as shipped (other rule files may be work in progress)."""
    import shutil

    folder = tmp_path_factory.mktemp("rules")
    for name in MINE:
        shutil.copy(RULES_DIR / name, folder / name)
    return load_rules(folder)


def _value(key: str, given: Any, ref: CellRef, kind: str) -> Value:
    if isinstance(given, Bad):
        return Value(key, given.raw, None, ref, kind, given.problem)
    return Value(key, given, given, ref, kind)


def make_doc(rule: Rule, fields: dict[str, Any] | None = None,
             tables: dict[str, list[dict[str, Any]]] | None = None,
             totals: dict[str, dict[str, Any]] | None = None,
             unknown: list[tuple[str, CellRef, str]] | None = None) -> Document:
    doc = Document(source=Path("测试.xlsx"), doc_type=rule.key)
    for n, (key, given) in enumerate((fields or {}).items(), start=1):
        spec = rule.field(key)
        doc.fields[key] = _value(key, given, CellRef(FORM, f"B{n}"), spec.type if spec else "text")
    for tkey, rows in (tables or {}).items():
        spec = rule.table(tkey)
        assert spec is not None, tkey
        letters = {c.key: get_column_letter(i) for i, c in enumerate(spec.columns, start=1)}
        types = {c.key: c.type for c in spec.columns}
        table = Table(tkey, spec.zh, 1, {k: CellRef(spec.zh, f"{v}1") for k, v in letters.items()}, letters)

        def row(number: int, cells: dict[str, Any], sheet: str = spec.zh, letters: dict[str, str] = letters,
                types: dict[str, str] = types) -> Row:
            return Row(number, {k: _value(k, v, CellRef(sheet, f"{letters[k]}{number}"), types[k])
                                for k, v in cells.items()})

        table.rows = [row(i, cells) for i, cells in enumerate(rows, start=2)]
        if totals and tkey in totals:
            table.totals = row(len(rows) + 2, totals[tkey])
        doc.tables[tkey] = table
    doc.unknown = list(unknown or [])
    return doc


def with_checks(rule: Rule, *specs: dict[str, Any]) -> Rule:
    return rule.model_copy(update={"checks": tuple(specs)})


def run(ruleset: RuleSet, rule: Rule, doc: Document, *specs: dict[str, Any]) -> list[CheckResult]:
    """Run `specs` (default: the rule's own checks) on `doc`."""
    target = with_checks(rule, *specs) if specs else rule
    return run_checks(doc, target, compile_checks(target, ruleset.words))


def findings(results: list[CheckResult]) -> list[Finding]:
    return [f for r in results for f in r.findings]


def flat(results: list[CheckResult]) -> list[tuple[str, str, str, tuple[str, ...]]]:
    """(check, severity, message, cells) of every finding: a compact thing to assert."""
    return [(f.check, str(f.severity), f.message, f.refs) for f in findings(results)]


# Fixtures: tests take these instead of importing from conftest.

@pytest.fixture
def rules(ruleset: RuleSet) -> dict[str, Rule]:
    return ruleset.rules


@pytest.fixture(name="make_doc")
def _make_doc() -> Any:
    return make_doc


@pytest.fixture(name="bad")
def _bad() -> type[Bad]:
    return Bad


@pytest.fixture
def check(ruleset: RuleSet) -> Any:
    """check(rule, doc, *specs) -> flat findings of `specs` (default: the rule's checks)."""
    def _check(rule: Rule, doc: Document, *specs: dict[str, Any]) -> list[tuple[str, str, str, tuple[str, ...]]]:
        return flat(run(ruleset, rule, doc, *specs))
    return _check


@pytest.fixture
def results(ruleset: RuleSet) -> Any:
    """results(rule, doc, *specs) -> the CheckResults."""
    def _results(rule: Rule, doc: Document, *specs: dict[str, Any]) -> list[CheckResult]:
        return run(ruleset, rule, doc, *specs)
    return _results


@pytest.fixture
def compile_error(ruleset: RuleSet) -> Any:
    """compile_error(rule, *specs) -> the (location, message) pairs compile_checks refuses with."""
    from automator.rules.loader import ConfigErrorList

    def _compile_error(rule: Rule, *specs: dict[str, Any]) -> list[tuple[tuple[Any, ...], str]]:
        with pytest.raises(ConfigErrorList) as exc:
            compile_checks(with_checks(rule, *specs), ruleset.words)
        return exc.value.items
    return _compile_error
