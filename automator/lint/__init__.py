"""Check a Word template before anything is rendered with it.

    problems = lint_template(Path("templates/agenda.docx"), rule, ruleset)   # [] = usable

A user who edits a template in Word or WPS and breaks it gets a precise message
naming the place (`第12段`, `表格2 第3行第1列`, `页眉`), the tag and what to do:
wrong file type, damaged XML, tracked changes, look-alike braces typed with a
Chinese IME, tags Word split in a way docxtpl cannot repair, unpaired `{%tr %}`
/ `{%p %}` blocks, Jinja syntax errors, unsafe attribute access, and — given the
rule — variables the data does not provide and required fields never used.
Finally a trial render with the rule's example values must pass `verify_docx`.
Never raises on any input file.

The checks live by job: `parts` (the file and its paragraphs), `tags` (what Word
does to tags), `jinja` (syntax and references), `rule` (the rule and the trial render).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from automator.lint.names import used_names
from automator.lint.jinja import (
    DUNDER,
    parse_parts,
    patched_sources,
    unsafe_attributes,
)
from automator.lint.parts import (
    FONTS,
    MAIN_TYPES,
    RESAVE,
    W_NS,
    W,
    font_warnings,
    open_parts,
    paragraph_text,
    paragraphs,
)
from automator.lint.problem import LintProblem
from automator.lint.rule import trial_render, variable_checks
from automator.lint.tags import (
    LOOKALIKE,
    NO_OPENER,
    SPLIT,
    TRACKED,
    UNCLOSED,
    block_checks,
    split_checks,
    text_checks,
    tracked_changes,
)
from automator.outputs.verify import _sections as page_problems

if TYPE_CHECKING:
    from automator.rules.loader import RuleSet
    from automator.rules.model import Rule

__all__ = [
    "DUNDER",
    "FONTS",
    "LOOKALIKE",
    "MAIN_TYPES",
    "NO_OPENER",
    "RESAVE",
    "SPLIT",
    "TRACKED",
    "UNCLOSED",
    "W_NS",
    "LintProblem",
    "W",
    "lint_template",
    "page_problems",
    "paragraph_text",
    "used_names",
]


def lint_template(path: Path, rule: Rule | None = None, ruleset: RuleSet | None = None, *,
                  trial: bool = True) -> list[LintProblem]:
    """Every problem found in the template at `path`; [] when it is ready to use.

    `trial=False` skips the trial render (about half the time): the static checks
    still catch every problem the tests know of.
    """
    from automator.outputs.render import environment

    problems: list[LintProblem] = []
    parts = open_parts(Path(path), problems)
    if parts is None:
        return problems
    units = paragraphs(parts)
    problems += tracked_changes(parts, units)
    problems += text_checks(units)
    problems += split_checks(units)
    blocks = block_checks(units)
    problems += blocks
    trees, syntax = parse_parts(patched_sources(parts), units, environment())
    if not blocks:  # an unpaired block also breaks the syntax; one message is enough
        problems += syntax
    problems += unsafe_attributes(trees, units)
    if rule is not None and not syntax:
        problems += variable_checks(trees, units, rule, ruleset)
    problems += [LintProblem("页面设置", "", f"{message}；请在「布局 → 纸张大小」中选 A4")
                 for message in page_problems(parts["正文"])]
    problems += font_warnings(Path(path))
    clean = not any(p.severity == "error" for p in problems)
    if trial and clean and rule is not None and ruleset is not None:
        problems += trial_render(Path(path), rule, ruleset)
    return problems
