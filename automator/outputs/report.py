"""The check report people read: Markdown in Chinese, one per processed document.

    write_report(path, *, doc, rule, results, status, source_name, outputs)
    summary(results) -> "检查 9 项：全部通过" / "检查 9 项：2 项错误，1 项提醒"
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING, Any

from automator.outcome import Status
from automator.checks.common import fmt_moment
from automator.formatting import printable
from automator.document import CheckResult, Finding, Severity

if TYPE_CHECKING:
    from automator.document import Document
    from automator.rules.model import Rule

MARKS = {"pass": "✓ 通过", Severity.ERROR: "✗ 错误", Severity.WARNING: "⚠ 提醒"}


def _outcome(result: CheckResult) -> str:
    """'pass', or the worst severity among the result's findings."""
    if not result.findings:
        return "pass"
    return Severity.ERROR if any(f.severity == Severity.ERROR for f in result.findings) else Severity.WARNING


def summary(results: list[CheckResult]) -> str:
    """One line for the document's footer and the ledger."""
    errors = sum(_outcome(r) == Severity.ERROR for r in results)
    warnings = sum(_outcome(r) == Severity.WARNING for r in results)
    head = f"检查 {len(results)} 项："
    if not errors and not warnings:
        return head + "全部通过"
    return head + "，".join(p for p in (f"{errors} 项错误" if errors else "",
                                        f"{warnings} 项提醒" if warnings else "") if p)


def _cell(text: Any) -> str:
    """Text safe inside a Markdown table cell."""
    return str(text).replace("\\", "\\\\").replace("|", "\\|").replace("\r", " ").replace("\n", " ").strip()


def _shown(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.date | dt.time):
        return fmt_moment(value)
    return str(value)


def _status_line(status: str, results: list[CheckResult]) -> str:
    words = Status(status).sentence  # the one wording table: outcome.Status
    if status == Status.ARCHIVED:
        warnings = sum(_outcome(r) == Severity.WARNING for r in results)
        if warnings:
            words += f"（有 {warnings} 项提醒，请看下文）"
    return words


def _findings(findings: list[Finding]) -> list[str]:
    lines = []
    for n, f in enumerate(findings, start=1):
        where = "、".join(f"`{c}`" for c in f.cells) if f.cells else "（无具体单元格）"
        lines.append(f"{n}. {f.message}  \n   单元格：{where}")
    return lines


def render_report(*, doc: Document, rule: Rule, results: list[CheckResult], status: str,
                  source_name: str, outputs: list[str], now: dt.datetime | None = None) -> str:
    title = _shown(doc.value(rule.title_field)) if rule.title_field else ""
    date = _shown(doc.value(rule.date_field))
    what = rule.zh + (f"《{title}》" if title else "") + (f"（{date}）" if date else "")
    lines = [f"# 检查报告：{what}", ""]
    facts = [("文档类型", f"{rule.zh}（{rule.en}）"), ("客户", _shown(doc.value("client"))),
             ("源文件", source_name), ("结果", f"**{_status_line(status, results)}**"),
             ("检查", summary(results)),
             ("检查时间", (now or dt.datetime.now()).strftime("%Y-%m-%d %H:%M"))]
    lines += ["| 项目 | 内容 |", "|---|---|"]
    lines += [f"| {k} | {_cell(v)} |" for k, v in facts if v]
    if outputs:
        lines += ["", "输出文件：", ""] + [f"- `{o}`" for o in outputs]
    if status == Status.REVIEW:
        lines += ["", "> **怎么改**：打开复核区里标注过的工作簿（文件名含「标注」），标红的单元格就是要改的地方，"
                      "批注里写着原因；第一张工作表「检查结果」列出了全部问题。改好原工作簿后重新放入收件箱。"
                      "复核区里的 Word 草稿**未通过检查**，只供参考，请勿发出。"]

    if doc.notes:  # what the reader saw (the tables found…): a wrong guess is visible here
        lines += ["", "## 读取说明", "", *[f"- {_cell(n)}" for n in doc.notes]]
    lines += ["", "## 检查项", "", "| 检查项 | 结果 | 说明 |", "|---|---|---|"]
    for r in results:
        outcome = _outcome(r)
        mark = MARKS[outcome] + (f"（{len(r.findings)}）" if r.findings else "")
        lines.append(f"| {_cell(r.title)} | {mark} | {_cell(r.why)} |")

    errors = [f for r in results for f in r.findings if f.severity == Severity.ERROR]
    warnings = [f for r in results for f in r.findings if f.severity == Severity.WARNING]
    if errors:
        lines += ["", "## 需要修改（错误）", "", *_findings(errors)]
    if warnings:
        lines += ["", "## 提醒", "", *_findings(warnings)]
    if not errors and not warnings and results:
        lines += ["", "全部检查通过。"]
    return "\n".join(lines) + "\n"


def write_report(path: Path, *, doc: Document, rule: Rule, results: list[CheckResult], status: str,
                 source_name: str, outputs: list[str]) -> None:
    path.write_text(printable(render_report(doc=doc, rule=rule, results=results, status=status,
                                            source_name=source_name, outputs=outputs)), encoding="utf-8")
