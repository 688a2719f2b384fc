"""compile_checks: every mistake in a `checks:` list, at once, with its place; and the loader's file:line."""

import shutil

import pytest

from automator.errors import ConfigError
from automator.rules import load_rules


def test_unknown_check_lists_the_known_ones(rules, compile_error):
    from automator.checks import KNOWN

    assert compile_error(rules["agenda"], {"check": "sum_equals", "severity": "error"}) == [
        (("checks", 0, "check"), f"unknown check 'sum_equals'; known checks: {', '.join(KNOWN)}")]
    assert ", ".join(KNOWN).startswith("required, sum, row_formula, percent_total, date_order, within, duration, "
                                       "words, unknown_label, unreadable")


def test_unknown_and_missing_keys(rules, compile_error):
    assert compile_error(rules["contact_report"], {"check": "sum", "table": "budget", "colum": "amount",
                                                   "severity": "error"}) == [
        (("checks", 0, "column"), "check 'sum' needs `column:`"),
        (("checks", 0, "colum"), "unknown key 'colum' for check 'sum'; allowed keys: check, severity, message, why, "
                                 "table, column, totals, field, tolerance")]


def test_severity_is_required_and_checked(rules, compile_error):
    assert compile_error(rules["agenda"], {"check": "unreadable"}) == [
        (("checks", 0, "severity"), "check 'unreadable' needs `severity:`")]
    assert compile_error(rules["agenda"], {"check": "unreadable", "severity": "fatal"}) == [
        (("checks", 0, "severity"), "Input should be 'error' or 'warning' (got 'fatal')")]


def test_message_placeholders_are_checked(rules, compile_error):
    spec = {"check": "sum", "table": "budget", "column": "amount", "severity": "error",
            "message": "{table}合计 {totl} 不对"}
    assert compile_error(rules["contact_report"], spec) == [
        (("checks", 0, "message"), "unknown placeholder {totl}; sum offers {table}, {column}, {target}, {total}, "
                                   "{sum}, {diff}")]
    assert compile_error(rules["contact_report"], {**spec, "message": "合计 {total"}) == [
        (("checks", 0, "message"), "expected '}' before end of string")]


def test_all_mistakes_are_reported_together(rules, compile_error):
    items = compile_error(rules["agenda"],
                          {"check": "unreadable", "severity": "error"},
                          "sum",
                          {"severity": "error"},
                          {"check": "words", "list": "nope", "severity": "warning"})
    assert [loc for loc, _ in items] == [("checks", 1), ("checks", 2), ("checks", 3, "list")]


def test_loader_reports_file_and_line(tmp_path):
    folder = tmp_path / "rules"
    folder.mkdir()
    for name in ("_common.yaml", "words.yaml", "contact_report.yaml"):
        shutil.copy(_rules_dir() / name, folder / name)
    path = folder / "contact_report.yaml"
    text = path.read_text(encoding="utf-8").replace("max_gap: 24h", "max_gap: 24 hours")
    path.write_text(text, encoding="utf-8")
    line = next(i for i, t in enumerate(text.splitlines(), start=1) if "24 hours" in t)
    with pytest.raises(ConfigError) as exc:
        load_rules(folder)
    assert f"contact_report.yaml:{line}: checks[1].max_gap: gap must look like 30m, 1h, 24h or 14d " \
           f"(got '24 hours')" in str(exc.value)


def _rules_dir():
    from pathlib import Path
    return Path(__file__).resolve().parents[2] / "rules"
