"""Start-up template checks: every rule's template exists and lints clean,
so a broken template is one error naming the file — not a failure per document."""

from __future__ import annotations

from pathlib import Path

from automator.errors import TemplateError
from automator.rules.loader import RuleSet, load_rules
from automator.settings import Settings


def _lines(label: str, problems: list) -> list[str]:  # type: ignore[type-arg]
    return [f"{label}：{p.where}：{p.message}" + (f"（{p.tag}）" if p.tag else "") for p in problems]


def check_templates(settings: Settings, ruleset: RuleSet) -> None:
    from automator.lint import lint_template

    problems: list[str] = []
    for rule in ruleset.rules.values():
        if not rule.template:
            continue
        path = settings.templates / rule.template
        if not path.is_file():
            problems.append(f"{settings.rel(path)}：模板文件不存在（规则 {settings.rel(ruleset.files[rule.key])} 引用了它）")
            continue
        found = [p for p in lint_template(path, rule, ruleset) if p.severity == "error"]
        problems += _lines(settings.rel(path), found)
    if problems:
        raise TemplateError(f"{len(problems)} 个模板问题：\n  " + "\n  ".join(problems),
                            hint="修好模板后运行 `automator lint` 确认；`automator init` 可补回缺失的默认模板")


def lint_files(settings: Settings, files: list[Path]) -> list[str]:
    """Lint the given .docx files (matched to a rule by name when one uses it), or every rule's template."""
    from automator.lint import lint_template

    ruleset: RuleSet | None = None
    if settings.rules.is_dir():
        ruleset = load_rules(settings.rules)
    by_template = {r.template: r for r in (ruleset.rules.values() if ruleset else []) if r.template}
    if not files:
        if ruleset is None:
            return [f"{settings.root}：没有 rules/ 文件夹，无从得知要检查哪些模板；请给出 .docx 文件"]
        files = [settings.templates / t for t in by_template]
    out: list[str] = []
    for path in files:
        rule = by_template.get(path.name) if path.resolve().parent == settings.templates.resolve() else None
        if not path.exists():
            out.append(f"{path}：文件不存在")
            continue
        out += _lines(str(path), lint_template(path, rule, ruleset))
    return out
