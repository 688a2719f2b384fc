"""`automator explain`: why a document went where it went, in words; and the JSON shapes of
`history --json` and `explain --json`, which the web pages' /api/… twins return too."""

from __future__ import annotations

from typing import Any

from automator.outcome import STATUS_ZH as STATUS, Status
from automator.archive.ledger import Entry


def explain_text(entry: Entry) -> str:
    e = entry.explain
    lines = [f"{entry.input}：{STATUS.get(entry.status, entry.status)}（{entry.at}）"]
    if entry.status == Status.REJECTED:
        lines.append(f"  原因：{entry.reason}")
    if entry.status == Status.DUPLICATE:
        lines.append(f"  {entry.reason}")
    if e:
        lines += [
            f"  规则：{e.get('rule_zh')}（{e.get('rule')}，{e.get('rule_file')}，版本 {e.get('rule_version')}）",
            f"  为什么是这个类型：{e.get('how')}",
            f"  客户文件夹取自：{e.get('client_cell') or '（未填）'}",
            f"  年份取自：{e.get('date_field')}（{e.get('date_cell') or '未填'}）",
            f"  文件名取自：{e.get('title_field')}（{e.get('title_cell') or '未填'}）和日期",
            f"  去向：{e.get('folder')}/{e.get('file')}",
            *([f"  模板：{e.get('template')}（版本 {e.get('template_version')}）"] if e.get("template") else []),
            f"  检查：{e.get('summary')}",
        ]
    if entry.version and entry.version > 1:
        lines.append(f"  这是第 {entry.version} 版；改动：")
        lines += [f"    - {c}" for c in entry.changes] or ["    （无可比较的改动）"]
    errors = [f for f in entry.findings if f.get("severity") == "error"]
    if errors:
        lines.append("  错误：")
        lines += [f"    - {f['message']}（{'、'.join(f.get('cells', []))}）" for f in errors]
    lines.append("  输出：")
    lines += [f"    {o}" for o in entry.outputs]
    return "\n".join(lines)


def history_item(e: Entry) -> dict[str, Any]:
    """One ledger entry as `automator history --json` lists it."""
    return {"at": e.at, "input": e.input, "status": e.status, "doc_type": e.doc_type, "client": e.client,
            "version": e.version, "outputs": e.outputs, "findings": len(e.findings), "reason": e.reason,
            "reason_code": e.reason_code}


def explain_item(e: Entry) -> dict[str, Any]:
    """One ledger entry as `automator explain --json` shows it."""
    return {"input": e.input, "status": e.status, "outputs": e.outputs, "explain": e.explain, "changes": e.changes}
