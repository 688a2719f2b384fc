"""The template against its rule: every variable is one the data provides, every
required field is shown, and a trial render with the rule's example values verifies."""

from __future__ import annotations

import io
from pathlib import Path
from typing import TYPE_CHECKING, Any

from automator.lint.jinja import find_tag, references
from automator.lint.parts import Unit
from automator.lint.problem import LintProblem

if TYPE_CHECKING:
    from automator.rules.loader import RuleSet
    from automator.rules.model import Rule


def _provided(rule: Rule, ruleset: RuleSet | None) -> dict[str, set[str] | None]:
    """Every name the render context has → its attributes (None: a plain string)."""
    from automator.outputs.render import META_KEYS

    out: dict[str, set[str] | None] = {f.key: None for f in rule.fields}
    for table in rule.tables:
        cols = {c.key for c in table.columns}
        out[table.key], out[f"{table.key}[]"], out[f"{table.key}_total"] = set(), cols, cols
    out["doc"], out["meta"] = {"key", "zh", "en"}, set(META_KEYS)
    out["agency"] = set(ruleset.agency) if ruleset else None
    return out


def variable_checks(trees: dict[str, Any], units: list[Unit], rule: Rule,
                    ruleset: RuleSet | None) -> list[LintProblem]:
    from automator.outputs.render import environment

    provided = _provided(rule, ruleset)
    builtins = set(environment().globals) | {"loop"}   # range, dict, namespace…
    problems, used = [], set()
    for part, tree in trees.items():
        names, pairs = references(tree)
        used |= names
        for name in sorted(names - provided.keys() - builtins):
            problems.append(LintProblem(
                find_tag(units, part, name), name,
                f"变量「{name}」不是规则「{rule.zh}」中的字段或表格；"
                f"请改成规则里的名称，或先在 rules/{rule.key}.yaml 中添加"))
        for owner, attr in pairs:
            attrs = provided.get(owner)
            if owner not in provided or attrs is None or attr in attrs:
                continue  # unknown owner (reported above), a plain string, or fine
            shown = owner.removesuffix("[]")
            problems.append(LintProblem(
                find_tag(units, part, attr, attr=True), f"{shown}.{attr}",
                f"「{shown}」没有「{attr}」这一项；可用的有：{'、'.join(sorted(attrs)) or '（无）'}"))
    for spec in [*rule.fields, *rule.tables]:
        if spec.required and spec.key not in used:
            problems.append(LintProblem("模板", f"{{{{ {spec.key} }}}}",
                                        f"必填项「{spec.zh}」（{spec.key}）在模板中没有用到；请在模板中加上它"))
    return problems


def trial_render(path: Path, rule: Rule, ruleset: RuleSet) -> list[LintProblem]:
    """Fill the template with the rule's example values and verify the result."""
    from automator.errors import TemplateError
    from automator.outputs.render import (
        example_context,
        expected_values,
        render_document,
    )
    from automator.lint.names import used_names
    from automator.outputs.verify import verify_docx

    context = example_context(rule, ruleset)
    out = io.BytesIO()
    try:
        render_document(path, context, out)
    except TemplateError as exc:
        return [LintProblem("试填", "", f"用示例数据填充失败：{exc.message}")]
    return [LintProblem("试填", "", f"用示例数据填充后检查不通过：{problem}")
            for problem in verify_docx(out, expected_values(context, used=used_names(path)))]
