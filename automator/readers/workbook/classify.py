"""Classify: which document type is this workbook, laid out as the contract's form + table sheets?

In order: the form field 文档类型 / Document type (an unknown value is a rejection that
lists the types); the rules' file-name patterns; the rules' sheets. `classify` returns
None when none of these match: the workbook is then read by its layout
(`readers.workbook.choose`): a known type on one sheet, or a general workbook.
"""

from __future__ import annotations

import fnmatch
from dataclasses import dataclass

from automator.errors import InputError
from automator.rules.loader import RuleSet
from automator.rules.model import Rule, norm_label
from automator.readers.workbook.read import RawWorkbook

FORM_SHEETS = {norm_label(x) for x in ("基本信息", "Info", "信息", "Form", "表单")}


@dataclass(frozen=True)
class Match:
    rule: Rule
    how: str  # why this rule matched, for `automator explain`


def form_sheet(book: RawWorkbook) -> str | None:
    return next((name for name in book.sheets if norm_label(name) in FORM_SHEETS), None)


def declared_type(book: RawWorkbook, ruleset: RuleSet) -> tuple[str, str] | None:
    """(value typed in the 文档类型 row, its cell) when the form sheet has one."""
    name = form_sheet(book)
    if name is None:
        return None
    labels = next((f.labels() for r in ruleset.rules.values() for f in r.fields if f.key == "doc_type"),
                  {norm_label("文档类型"), norm_label("Document type"), "doc_type"})
    sheet = book.sheets[name]
    for _, cells in sheet.ordered_rows():
        if cells[0].col == 1 and norm_label(cells[0].value) in labels and len(cells) > 1:
            return str(cells[1].value).strip(), f"{name}!{cells[1].coord}"
    return None


def has_sheets_of(book: RawWorkbook, rule: Rule) -> bool:
    """The workbook is laid out as the contract says for this rule: a form sheet or one of its table sheets."""
    sheets = {norm_label(s) for s in book.sheets}
    return form_sheet(book) is not None or any(t.labels() & sheets for t in rule.tables)


def classify(book: RawWorkbook, ruleset: RuleSet, filename: str) -> Match | None:
    workbook_rules = [r for r in ruleset.rules.values() if r.input == "workbook" and not r.match.any_workbook]
    declared = declared_type(book, ruleset)
    if declared:
        value, cell = declared
        rule = ruleset.by_name(value)
        if rule is None or not rule.reads("workbook"):
            raise InputError(f"文档类型「{value}」（{cell}）无法识别",
                             hint=f"可用的类型：{_names(workbook_rules)}", code="unknown-type")
        return Match(rule, f"{cell} 填写的文档类型「{value}」")
    lowered = filename.casefold()
    for rule in workbook_rules:
        for pattern in rule.match.filename:
            if fnmatch.fnmatch(lowered, pattern.casefold()):
                return Match(rule, f"文件名「{filename}」符合规则 {pattern}")
    sheets = {norm_label(s) for s in book.sheets}
    for rule in workbook_rules:
        wanted = rule.match.sheets
        if wanted and all(_sheet_present(rule, w, sheets) for w in wanted):
            return Match(rule, f"工作簿含有工作表 {'、'.join(wanted)}")
    return None


def unknown_type(ruleset: RuleSet) -> InputError:
    """The contract's rejection when no type matches (only without a general `workbook` type)."""
    workbook_rules = [r for r in ruleset.rules.values() if r.input == "workbook"]
    return InputError("无法判断这是哪种文档：没有「文档类型」一栏，文件名和工作表也对不上任何类型",
                      hint=f"请在「基本信息」表填写「文档类型」，可用的类型：{_names(workbook_rules)}；"
                           "或用 `automator sample 类型` 生成空白模板",
                      code="unknown-type")


def _sheet_present(rule: Rule, wanted: str, sheets: set[str]) -> bool:
    table = next((t for t in rule.tables if norm_label(wanted) in t.labels()), None)
    labels = table.labels() if table else {norm_label(wanted)}
    return bool(labels & sheets)


def _names(rules: list[Rule]) -> str:
    return "、".join(f"{r.zh}（{r.en}）" for r in rules)
