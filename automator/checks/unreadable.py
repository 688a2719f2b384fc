"""`unreadable`: every value the reader could not parse or compute becomes a finding."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Literal

from automator.checks.base import Check, CheckContext
from automator.checks.common import refs, walk
from automator.document import Finding

if TYPE_CHECKING:
    from automator.document import Document
    from automator.rules.model import Rule


class Unreadable(Check):
    """Values the reader could not read: unparseable text, a formula without a
    cached value that could not be computed, …

    YAML keys: `severity`, `why`, `message` (nothing else).

    Every bound value with `.problem` set gives one finding at its cell; the
    other checks skip such values, so a figure that was not there is never
    counted as zero. Finding cell: the value's cell.

    Message placeholders: `{where}` (e.g. 「会议日期」), `{problem}` (the
    reader's explanation), `{raw}` (the cell's content as typed).
    Default: "「会议日期」无法读取：不是日期（单元格内容「下周三」）".
    """

    name = "unreadable"
    placeholders = ("where", "problem", "raw")
    default_why = "读不出的数值无法核对"

    check: Literal["unreadable"]

    def title(self, rule: Rule) -> str:
        return "所有数值都能读取"

    def run(self, doc: Document, rule: Rule, ctx: CheckContext) -> Iterator[Finding]:
        for where, v in walk(doc, rule):
            if not v.problem:
                continue
            raw = v.formula or ("" if v.raw is None else str(v.raw))
            shown = raw.strip() and raw.strip() not in v.problem  # the reader may have quoted it already
            default = "{where}无法读取：{problem}" + ("（单元格内容「{raw}」）" if shown else "")
            yield self.finding(default, refs(v.ref), where=where, problem=v.problem, raw=raw)
