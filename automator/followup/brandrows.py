"""The brand file's rows of one archived document, rendered once and kept (brandcache.py).

A ledger row never changes (the ledger is append-only; a `_v2` is a new row), so what a
document puts in each of the brand file's five sheets never changes either — except three
cells that depend on the other documents: its 状态 in 文档 (a later version may supersede it,
a seal may cover it), and 是否了结/备注 of its actions and problems (a later report may close or
move them). Those are rendered as they stand for the document alone (已归档; 未了结 or 已了结 by
its own status) and swapped when the file is put together, for the few rows where a later
document says otherwise. Which rows appear at all (only the latest version of a report gives
actions) and where (newest first) is decided then too (brandfile.py), from the few facts kept
beside the rows (`meta`).

A document's rows in one sheet are always next to each other, so their link is one range
hyperlink (`<hyperlink ref="G5:G7">`, as Excel writes a link given to a selected range) with
one relationship, whose id is the document's own (`rId<ledger id>`): it is rendered here once.

    render(doc, base=..., done_words=...) -> Kept(id, meta, parts)   what the ledger keeps of it
    Table.load([(meta, *parts), ...])                               a client's documents, to put together
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from typing import Any

from automator.followup import cells, items, xlsx
from automator.followup.records import Doc, norm_text, relative
from automator.followup.sheets import Column, Link

_ROWS = b"\x03"   # between the row templates of one sheet in the kept bytes (never in cell text)
SETTLED, OPEN = "已了结", "未了结"


@dataclass(frozen=True)
class Layout:
    """One sheet of the brand file: its columns; `slot`/`slots` the cells other documents can change."""

    name: str
    columns: tuple[Column, ...]
    link: int                    # the column of the link to the source document
    empty: str
    slot: int | None = None
    slots: int = 0
    alert: str | None = None

    def state(self, *texts: str) -> bytes:
        """The slot's cells for these texts (their row number still to fill in): unique in a row (their
        cell references name their columns), so a kept row's cells can be swapped for others."""
        return _state(self.slot or 0, texts)

    def template(self, values: list[Any], state: tuple[str, ...] = (), *, bold: bool = False) -> bytes:
        """A row (`values` without the slot columns, `state` their texts) with its row number to fill in."""
        kinds = _kinds(self.columns)
        if self.slot is None:
            body, _ = cells.row(values, kinds, bold=bold)
        else:
            after = self.slot + self.slots
            head, _ = cells.row(values[:self.slot], kinds[:self.slot], bold=bold)
            tail, _ = cells.row(values[self.slot:], kinds[after:], bold=bold, first=after)
            body = head + self.state(*state) + tail
        return cells.wrap(body, len(kinds))


@functools.lru_cache(maxsize=4096)
def _state(first: int, texts: tuple[str, ...]) -> bytes:
    return b"".join(cells.text(cells.COLUMNS[first + i], cells.clean(t), cells.STYLE["text"])
                    for i, t in enumerate(texts) if t)


@functools.lru_cache(maxsize=16)
def _kinds(columns: tuple[Column, ...]) -> list[str]:
    return [c.kind for c in columns]


def _alert(due_col: str, settled_col: str, extra: str = "") -> str:
    """Overdue and open → red, by the day the file is read (TODAY() in a conditional format, not in a cell)."""
    return f'AND(ISNUMBER(${due_col}2),${due_col}2<TODAY(),${settled_col}2="{OPEN}"{extra})'


DOCS = Layout("文档", (Column("日期", 12, "date"), Column("类型", 14), Column("标题", 40), Column("版本", 7, "int"),
                     Column("状态", 26), Column("文件", 52, "link"), Column("归档时间", 17, "datetime")),
              link=5, slot=4, slots=1, empty="（还没有归档的文档）")
ACTIONS = Layout("行动事项", (Column("截止日期", 12, "date"), Column("行动", 40), Column("负责人", 12), Column("状态", 12),
                          Column("是否了结", 10), Column("备注", 30), Column("来源报告", 44, "link"),
                          Column("会议日期", 12, "date")),
                 link=6, slot=4, slots=2, alert=_alert("A", "E"), empty="（还没有会议报告列出的行动事项）")
DECISIONS = Layout("决议", (Column("会议日期", 12, "date"), Column("事项", 24), Column("决议", 50),
                          Column("会议", 44, "link")), link=3, empty="（还没有会议报告列出的决议）")
BUDGET = Layout("预算", (Column("日期", 12, "date"), Column("文档", 14), Column("简报/活动", 32), Column("项目", 36),
                       Column("金额", 16, "money"), Column("来源", 40, "link")), link=5, empty="（还没有简报或报告列出预算）")
PROBLEMS = Layout("回访问题", (Column("回访日期", 12, "date"), Column("问题", 40), Column("紧急程度", 10),
                           Column("负责部门", 12), Column("处理期限", 12, "date"), Column("状态", 12),
                           Column("是否了结", 10), Column("备注", 28), Column("来源", 40, "link")),
                  link=8, slot=6, slots=2, alert=_alert("E", "G", f',$C2="{items.URGENT}"'),
                  empty="（还没有客户回访记录）")
LAYOUTS = (DOCS, ACTIONS, DECISIONS, BUDGET, PROBLEMS)

# A kept document's facts (`meta`, a JSON list), by position. ORDER: (date ordinal or 0, date-and-time
# or "", ledger id) — the chronology; AT: when it was archived (ISO, seconds: for 已封存); LABEL names it
# in another row's 备注; COUNTS: its rows in each sheet of LAYOUTS; SAID_ACTIONS/SAID_PROBLEMS: (text
# folded, says done) of each, in its table's order.
KEY, VERSION, TYPE, ORDER, AT, WARNINGS, LABEL, COUNTS, SAID_ACTIONS, SAID_PROBLEMS = range(10)
# Its `parts`: the relationship of its link (b"" when there is no file to link to: the same in every
# sheet), then per sheet of LAYOUTS its row templates (joined by _ROWS).
PARTS = 1 + len(LAYOUTS)


def archived_status(warnings: int, newer: int | None = None, sealed: str | None = None) -> str:
    """文档's 状态: 已归档 (with its warnings), superseded by a later version, covered by a seal."""
    parts = ["已归档" + (f"（{warnings} 条警告）" if warnings else "")]
    if newer is not None:
        parts.append(f"已由第{newer}版取代")
    if sealed is not None:
        parts.append(f"已封存 {sealed}")
    return " · ".join(parts)


def settled(done: bool, fate: tuple[bool, str] | None = None) -> tuple[str, str]:
    """(是否了结, 备注) of an action or problem: by its own status, unless a later document (`fate`: closed
    there, that document's label) closed or re-listed it."""
    if fate is None:
        return (SETTLED if done else OPEN), ""
    closed, label = fate
    return (SETTLED, f"已在 {label} 中标为完成") if closed else (OPEN, f"后续见 {label}")


@dataclass(frozen=True)
class Kept:
    """One archived document rendered for the brand file: what the ledger keeps of it."""

    id: int
    meta: bytes
    parts: tuple[bytes, ...]   # PARTS of them


@dataclass
class Table:
    """A client's kept documents, newest first, column-wise: the facts of each (`metas`), and each
    part of them all (`parts[k][i]`: document i's part k), so a sheet's rows are one list."""

    metas: list[list[Any]]
    parts: list[list[bytes]]

    @classmethod
    def load(cls, kept: list[tuple[bytes, ...]]) -> Table:
        """From (meta, *parts) rows: one JSON parse and one sort for all of them."""
        if not kept:
            return cls([], [[] for _ in range(PARTS)])
        if any(len(row) != 1 + PARTS for row in kept):
            raise ValueError("kept rows without all their parts")
        metas = json.loads(b"[" + b",".join(row[0] for row in kept) + b"]")
        order = sorted(range(len(kept)), key=lambda i: metas[i][ORDER], reverse=True)
        rows = [kept[i] for i in order]
        return cls([metas[i] for i in order], [[row[1 + k] for row in rows] for k in range(PARTS)])

    def sheet(self, index: int, shown: list[int]) -> tuple[list[bytes], list[bytes]]:
        """Sheet `index`'s row templates and each shown document's relationship (b"" for none), of the
        documents whose `shown` count is not 0, in the table's order."""
        rows = [r for r, n in zip(self.parts[1 + index], shown, strict=True) if n]
        rels = [r for r, n in zip(self.parts[0], shown, strict=True) if n]
        return (_ROWS.join(rows).split(_ROWS) if rows else []), rels


def _source(doc: Doc, base: str, text: str) -> Link | str:
    return Link(text, relative(doc.file, base)) if doc.file else text


def _budget_rows(doc: Doc, src: Link | str) -> list[bytes]:
    budget = items.doc_budget(doc)
    if budget is None:
        return []
    out = [BUDGET.template([doc.date, doc.zh, doc.title, what, amount, src]) for what, amount in budget.lines]
    out.append(BUDGET.template([doc.date, doc.zh, doc.title, "批准总额", budget.total, src], bold=True))
    return out


def _tracked(layout: Layout, doc: Doc, found: list[items.Item], src: Link | str) -> list[bytes]:
    if layout is ACTIONS:
        return [ACTIONS.template([i.due, i.what, i.owner, i.status, src, doc.date], settled(i.done)) for i in found]
    return [PROBLEMS.template([doc.date, i.what, i.urgency, i.owner, i.due, i.status, src], settled(i.done))
            for i in found]


def render(doc: Doc, *, base: str, done_words: tuple[str, ...] = ()) -> Kept:
    """Everything one archived document puts in the brand file; `base` is the file's folder (root-relative)."""
    src = _source(doc, base, doc.label)
    file = _source(doc, base, doc.file.rsplit("/", 1)[-1]) if doc.file else doc.label
    found = {kind: items.doc_items(doc, kind, done_words) if doc.doc_type == items.SOURCES[kind] else []
             for kind in ("action", "problem")}
    rows = [
        [DOCS.template([doc.date, doc.zh, doc.title, doc.version, file, doc.at], (archived_status(doc.warnings),))],
        _tracked(ACTIONS, doc, found["action"], src),
        [DECISIONS.template([doc.date, d.item, d.decision, src]) for d in items.doc_decisions(doc)]
        if doc.doc_type == "contact_report" else [],
        _budget_rows(doc, src) if doc.doc_type in items.BUDGET_TYPES else [],
        _tracked(PROBLEMS, doc, found["problem"], src),
    ]
    target = cells.link_target(relative(doc.file, base)) if doc.file else None
    rel = xlsx.relationship(f"rId{doc.id}", target) if target is not None else b""
    meta = [doc.doc_key, doc.version, doc.doc_type,
            (doc.date.toordinal() if doc.date else 0, doc.moment.isoformat() if doc.moment else "", doc.id),
            doc.at.isoformat(timespec="seconds"), doc.warnings, doc.label, [len(r) for r in rows],
            [(norm_text(i.what), i.done) for i in found["action"]],
            [(norm_text(i.what), i.done) for i in found["problem"]]]
    parts = (rel, *(_ROWS.join(sheet) for sheet in rows))
    return Kept(doc.id, json.dumps(meta, ensure_ascii=False).encode(), parts)   # JSON escapes control characters

