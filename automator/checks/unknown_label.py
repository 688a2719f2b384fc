"""`unknown_label`: what the reader found but could not place becomes a finding."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Literal

from automator.checks.base import Check, CheckContext
from automator.checks.common import refs
from automator.document import Finding

if TYPE_CHECKING:
    from automator.document import Document
    from automator.rules.model import Rule

# The summary sheet `automator.outputs.annotate` puts first in a marked copy. An AE who fixes
# the marked copy and drops it again has not typed anything into it: not a finding.
SUMMARY_SHEET = "检查结果"

# The reader says what it could not place in English or Chinese; say it in Chinese.
KINDS = {"label": "标签", "field": "标签", "header": "列标题", "column": "列标题",
         "sheet": "工作表", "table": "工作表"}  # others (字段, 列…) are shown as given


class UnknownLabel(Check):
    """Labels, column headers and sheets the reader could not match to the rule.

    YAML keys: `severity`, `why`, `message` (nothing else).

    Reads `doc.unknown` — (text as typed, cell, what it was) — so nothing typed
    into the workbook is silently dropped. Finding cell: the label's cell.
    The 「检查结果」 sheet of a marked copy dropped again is not reported.

    Message placeholders: `{text}`, `{kind}` (标签 / 列标题 / 工作表).
    Default: "未识别的字段「预算备注」，其内容没有用到（名称请按模板填写）".
    """

    name = "unknown_label"
    placeholders = ("text", "kind")
    default_why = "工作簿里的内容不应被悄悄忽略"

    check: Literal["unknown_label"]

    def title(self, rule: Rule) -> str:
        return "没有未识别的标签、列或工作表"

    def run(self, doc: Document, rule: Rule, ctx: CheckContext) -> Iterator[Finding]:
        for text, cell, what in doc.unknown:
            if cell.sheet == SUMMARY_SHEET and KINDS.get(str(what).strip().lower(), what) == "工作表":
                continue
            kind = KINDS.get(str(what).strip().lower(), str(what) or "标签")
            yield self.finding("未识别的{kind}「{text}」，其内容没有用到（名称请按模板填写）",
                               refs(cell), text=text, kind=kind)
