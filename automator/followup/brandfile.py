"""The brand file (品牌档案): one workbook per client, `outbox/<客户>/品牌档案.xlsx`.

The manual's "accurate, continuous, up-to-date record of the brand's history", as the
archive knows it. Five sheets, the newest first:

- 文档 — every archived document, once per version: date, type, title, version, status, link;
- 行动事项 — every action of the latest version of each contact report: action, owner, due,
  status, whether it is settled (a later report may have closed or re-dated it), source report;
- 决议 — the decisions, with their meeting;
- 预算 — the budget lines of each brief, campaign and contact report, with the approved total;
- 回访问题 — the problems of each client follow-up record, with urgency and department.

Overdue open actions and overdue urgent problems are coloured when the file is opened (the
formula compares with TODAY(), so the colour is right on the day it is read, not the day it
was written).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from automator.followup import items
from automator.followup.records import Doc, chronology, relative
from automator.followup.sheets import Column, Link, Sheet

if TYPE_CHECKING:
    from automator.followup.records import Client

NAME = "品牌档案.xlsx"
SETTLED, OPEN = "已了结", "未了结"


def _link(doc: Doc, base: str, text: str | None = None) -> Link | str:
    file = doc.file
    if not file:
        return text or doc.label
    return Link(text or file.rsplit("/", 1)[-1], relative(file, base))


def _newest(docs: list[Doc]) -> list[Doc]:
    return sorted(docs, key=lambda d: (d.date is not None, d.date, d.moment is not None, d.moment, d.id), reverse=True)


def _status(client: Client, doc: Doc, sealed: dict[tuple[str, str], str]) -> str:
    parts = ["已归档"]
    if doc.warnings:
        parts[0] += f"（{doc.warnings} 条警告）"
    newer = client.newer_version(doc)
    if newer:
        parts.append(f"已由第{newer}版取代")
    seal_at = sealed.get((client.folder.casefold(), doc.at.strftime("%Y-%m")))
    if seal_at is not None and doc.at.isoformat(timespec="seconds") <= seal_at:
        parts.append(f"已封存 {doc.at:%Y-%m}")
    return " · ".join(parts)


def documents(client: Client, base: str, sealed: dict[tuple[str, str], str]) -> Sheet:
    sheet = Sheet("文档", [Column("日期", 12, "date"), Column("类型", 14), Column("标题", 40), Column("版本", 7, "int"),
                          Column("状态", 26), Column("文件", 52, "link"), Column("归档时间", 17, "datetime")],
                  empty="（还没有归档的文档）")
    for doc in _newest(client.archived()):
        sheet.rows.append([doc.date, doc.zh, doc.title, doc.version, _status(client, doc, sealed),
                           _link(doc, base), doc.at])
    return sheet


def _settled(item: items.Item) -> tuple[str, str]:
    """(已了结/未了结, a note saying which later document settled or moved it)."""
    if item.closed_by is not None:
        return SETTLED, f"已在 {item.closed_by.label} 中标为完成"
    if item.moved_to is not None:
        return OPEN, f"后续见 {item.moved_to.label}"
    return (SETTLED, "") if item.done else (OPEN, "")


def _alert(due_col: str, settled_col: str, extra: str = "") -> str:
    return f'=AND(ISNUMBER(${due_col}2),${due_col}2<TODAY(),${settled_col}2="{OPEN}"{extra})'


def actions(client: Client, base: str, done_words: tuple[str, ...]) -> Sheet:
    sheet = Sheet("行动事项", [Column("截止日期", 12, "date"), Column("行动", 40), Column("负责人", 12), Column("状态", 12),
                           Column("是否了结", 10), Column("备注", 30), Column("来源报告", 44, "link"),
                           Column("会议日期", 12, "date")],
                  alert=_alert("A", "E"), empty="（还没有会议报告列出的行动事项）")
    found = items.actions(client, done_words)
    for item in sorted(found, key=lambda i: (chronology(i.source), -i.no), reverse=True):
        settled, note = _settled(item)
        sheet.rows.append([item.due, item.what, item.owner, item.status, settled, note,
                           _link(item.source, base, item.source.label), item.source.date])
    return sheet


def decisions(client: Client, base: str) -> Sheet:
    sheet = Sheet("决议", [Column("会议日期", 12, "date"), Column("事项", 24), Column("决议", 50),
                         Column("会议", 44, "link")], empty="（还没有会议报告列出的决议）")
    found = items.decisions(client)
    for d in sorted(found, key=lambda d: chronology(d.source), reverse=True):
        sheet.rows.append([d.source.date, d.item, d.decision, _link(d.source, base, d.source.label)])
    return sheet


def budget(client: Client, base: str) -> Sheet:
    sheet = Sheet("预算", [Column("日期", 12, "date"), Column("文档", 14), Column("简报/活动", 32), Column("项目", 36),
                         Column("金额", 16, "money"), Column("来源", 40, "link")],
                  empty="（还没有简报或报告列出预算）")
    for b in sorted(items.budgets(client), key=lambda b: chronology(b.source), reverse=True):
        src = _link(b.source, base, b.source.label)
        for what, amount in b.lines:
            sheet.rows.append([b.source.date, b.source.zh, b.source.title, what, amount, src])
        sheet.bold_rows.add(len(sheet.rows))
        sheet.rows.append([b.source.date, b.source.zh, b.source.title, "批准总额", b.total, src])
    return sheet


def problems(client: Client, base: str, done_words: tuple[str, ...]) -> Sheet:
    sheet = Sheet("回访问题", [Column("回访日期", 12, "date"), Column("问题", 40), Column("紧急程度", 10),
                           Column("负责部门", 12), Column("处理期限", 12, "date"), Column("状态", 12),
                           Column("是否了结", 10), Column("备注", 28), Column("来源", 40, "link")],
                  alert=_alert("E", "G", f',$C2="{items.URGENT}"'), empty="（还没有客户回访记录）")
    for item in sorted(items.problems(client, done_words), key=lambda i: (chronology(i.source), -i.no), reverse=True):
        settled, note = _settled(item)
        sheet.rows.append([item.source.date, item.what, item.urgency, item.owner, item.due, item.status, settled,
                           note, _link(item.source, base, item.source.label)])
    return sheet


def sheets(client: Client, *, base: str, done_words: tuple[str, ...] = (),
           sealed: dict[tuple[str, str], str] | None = None) -> list[Sheet]:
    """The brand file's sheets; `base` is the brand file's folder (root-relative), for the links."""
    return [documents(client, base, sealed or {}), actions(client, base, done_words), decisions(client, base),
            budget(client, base), problems(client, base, done_words)]
