"""Checks declared in rule files: `checks:` lists in `rules/*.yaml`.

    compile_checks(rule, words) -> list[Check]
        Validate `rule.checks` (dicts from YAML) into typed checks, once, when
        the rules load. Every mistake — unknown check or key, a field, table or
        column that does not exist or has the wrong type — is collected and
        raised as one `ConfigErrorList([(("checks", i, key), message), ...])`.
    run_checks(doc, rule, compiled, ctx=None) -> list[CheckResult]
        One CheckResult per declared check (plus a leading `reader` result with
        the reader's own notes when there are any). Never raises: a check that
        crashes becomes an error finding asking for a manual check.

`KNOWN` maps each YAML check name to its class; the class docstrings document
the YAML keys. New check types: see `registry.py`.
"""

from __future__ import annotations

import dataclasses
import logging
import string
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from automator.checks.base import Check, CheckContext
from automator.checks.registry import REGISTRY
from automator.errors import ConfigErrorList, UnknownCheck
from automator.document import CheckResult, Finding, Severity

if TYPE_CHECKING:
    from automator.document import Document
    from automator.rules.model import Rule

log = logging.getLogger("automator.checks")

KNOWN: dict[str, type[Check]] = dict(REGISTRY.items())
MAX_FINDINGS = 50  # per check; more are summarised in one line so a report stays readable

__all__ = ["KNOWN", "MAX_FINDINGS", "Check", "CheckContext", "compile_checks", "run_checks"]


def _allowed_keys(cls: type[Check]) -> list[str]:
    return [f.alias or name for name, f in cls.model_fields.items()]


def _explain(err: Any, cls: type[Check]) -> str:
    kind, loc = err["type"], err["loc"]
    key = loc[-1] if loc else ""
    if kind == "extra_forbidden":
        return f"unknown key {key!r} for check {cls.name!r}; allowed keys: {', '.join(_allowed_keys(cls))}"
    if kind == "missing":
        return f"check {cls.name!r} needs `{key}:`"
    msg = str(err["msg"]).removeprefix("Value error, ")
    got = err.get("input")
    return msg if isinstance(got, dict | list) or kind == "value_error" else f"{msg} (got {got!r})"


def compile_one(i: int, spec: Any, rule: Rule,
                words: dict[str, tuple[str, ...]]) -> tuple[Check | None, list[tuple[tuple[Any, ...], str]]]:
    where: tuple[Any, ...] = ("checks", i)
    if not isinstance(spec, dict):
        return None, [(where, "each check must be a mapping, e.g. {check: sum, table: budget, column: amount}")]
    name = spec.get("check")
    if name is None:
        return None, [(where, f"missing `check:`; known checks: {', '.join(REGISTRY.names())}")]
    try:
        cls = REGISTRY.get(str(name))
    except UnknownCheck as exc:
        return None, [((*where, "check"), exc.message)]
    try:
        check = cls.model_validate(spec)
    except ValidationError as exc:
        return None, [((*where, *e["loc"]), _explain(e, cls)) for e in exc.errors()]
    errors: list[tuple[tuple[Any, ...], str]] = []
    if check.message:
        used = {f for _, f, _, _ in string.Formatter().parse(check.message) if f is not None}
        bad = sorted(used - set(cls.placeholders))
        if bad:
            errors.append(((*where, "message"),
                           f"unknown placeholder {', '.join('{' + b + '}' for b in bad)}; "
                           f"{cls.name} offers {', '.join('{' + p + '}' for p in cls.placeholders) or 'none'}"))
    errors += [((*where, key), msg) for key, msg in check.problems(rule, words)]
    if errors:
        return None, errors
    check.bind(words)
    return check, []


def compile_checks(rule: Rule, words: dict[str, tuple[str, ...]]) -> list[Check]:
    compiled: list[Check] = []
    errors: list[tuple[tuple[Any, ...], str]] = []
    for i, spec in enumerate(rule.checks):
        check, problems = compile_one(i, spec, rule, words)
        errors += problems
        if check is not None:
            compiled.append(check)
    if errors:
        raise ConfigErrorList(errors)
    return compiled


def _worst(findings: list[Finding]) -> Severity:
    return Severity.ERROR if any(f.severity == Severity.ERROR for f in findings) else Severity.WARNING


def run_checks(doc: Document, rule: Rule, compiled: list[Check], ctx: CheckContext | None = None) -> list[CheckResult]:
    ctx = ctx or CheckContext()
    results: list[CheckResult] = []
    if doc.findings:
        results.append(CheckResult("reader", "读取工作簿", _worst(doc.findings), list(doc.findings),
                                   why="读取时发现的问题"))
    for check in compiled:
        if not check.applies(doc):
            continue
        try:
            title = check.title(rule)
        except Exception:  # noqa: BLE001 — a title must never stop the checks
            title = check.name
        earlier = tuple(f for r in results for f in r.findings)
        try:
            findings = list(check.run(doc, rule, dataclasses.replace(ctx, earlier=earlier)))
        except Exception:  # noqa: BLE001 — one broken check must not stop the others
            log.exception("check %s crashed on %s", check.name, doc.source)
            findings = [Finding(check.name, Severity.ERROR,
                                f"本项检查（{title}）因程序错误未能完成，请人工核对", ())]
        if len(findings) > MAX_FINDINGS:
            rest = findings[MAX_FINDINGS:]  # summarised at their own worst severity: unlisted warnings stay warnings
            findings = [*findings[:MAX_FINDINGS],
                        Finding(check.name, _worst(rest), f"另有 {len(rest)} 处同类问题未列出", ())]
        results.append(CheckResult(check.name, title, check.severity, findings, why=check.reason()))
    return results
