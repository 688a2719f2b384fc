"""Checks declared in rule files. (Placeholder: the checks issue replaces this.)

Interface used by the rest of the package:

    compile_checks(rule, words) -> list[Check]
        validate `rule.checks` (a list of dicts from YAML); raise
        automator.rules.loader.ConfigErrorList([(("checks", i, "key"), "message"), ...])
    run_checks(doc, rule, compiled) -> list[CheckResult]
"""

from __future__ import annotations

from typing import Any

from automator.job import CheckResult, Document, Finding, Severity
from automator.rules.model import Rule


def compile_checks(rule: Rule, words: dict[str, tuple[str, ...]]) -> list[Any]:
    return list(rule.checks)


def run_checks(doc: Document, rule: Rule, compiled: list[Any]) -> list[CheckResult]:
    results = [CheckResult("unreadable", "可读性", Severity.ERROR, list(doc.findings))]
    missing = [Finding("required", Severity.ERROR, f"必填项「{f.zh}」为空", ())
               for f in rule.fields if f.required and (doc.fields.get(f.key) is None or doc.fields[f.key].blank)]
    results.append(CheckResult("required", "必填项", Severity.ERROR, missing))
    return results
