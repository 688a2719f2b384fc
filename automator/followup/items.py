"""What the documents promise: actions, decisions, budget lines, follow-up problems, and the
contact reports an agenda still waits for. Pure functions of a `Client`; the brand file and
`automator due` both read them, so the two can never disagree.

An action (or a problem) re-listed in a later document of the same client — same text, once
blanks, full/half width and case are folded — is that later document's business from then
on: a later contact report that marks it 完成 closes it, one that gives it a new date moves
it. The later document is the later by its own date (a corrected `_v2` keeps its meeting's
place), then by when it was filed.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import TYPE_CHECKING

from automator.followup.records import Doc, norm_text, parse_day, parse_money, parse_time, text

if TYPE_CHECKING:
    from automator.followup.records import Client

DONE = ("完成", "已完成", "done", "closed")  # the least the issue names; rules/words.yaml `done:` extends it
URGENT = "紧急"
_NOTE = re.compile(r"[（(【\[].*?[）)】\]]")


def is_done(status: object, done_words: tuple[str, ...] = ()) -> bool:
    """完成 / 已完成（11/27） / Done: the status says the item is closed (a bracketed note is ignored)."""
    plain = norm_text(_NOTE.sub("", text(status)))
    return bool(plain) and plain in {norm_text(w) for w in (*DONE, *done_words)}


@dataclass(frozen=True)
class Item:
    """One row that someone must act on: an action of a contact report or a follow-up problem."""

    kind: str               # action | problem
    what: str
    owner: str              # the action's owner, the problem's department
    due: dt.date | None
    status: str
    source: Doc
    no: int                 # its row in the source table (1-based)
    urgency: str = ""
    done: bool = False                # its own status says it is closed
    closed_by: Doc | None = None      # the later document that closed it
    moved_to: Doc | None = None       # the later document that re-lists it (still open there)

    @property
    def open(self) -> bool:
        """Still to do, and this row is where it stands (not closed or re-listed later)."""
        return not self.done and self.closed_by is None and self.moved_to is None

    @property
    def urgent(self) -> bool:
        return norm_text(self.urgency) == URGENT


def _rows(doc: Doc, table: str) -> list[dict[str, object]]:
    return [r for r in doc.tables.get(table, []) if isinstance(r, dict)]


def _items(docs: list[Doc], kind: str, table: str, column: str, owner: str, due: str,
           done_words: tuple[str, ...]) -> list[Item]:
    made = [Item(kind, text(row.get(column)), text(row.get(owner)), parse_day(row.get(due)), text(row.get("status")),
                 doc, n, urgency=text(row.get("urgency")), done=is_done(row.get("status"), done_words))
            for doc in docs for n, row in enumerate(_rows(doc, table), start=1) if norm_text(row.get(column))]
    # The latest mention of the same text speaks for it (docs come in chronological order).
    last = {norm_text(item.what): item for item in made}
    out = []
    for item in made:
        final = last[norm_text(item.what)]
        if final.source is not item.source:
            item = replace(item, **{"closed_by" if final.done else "moved_to": final.source})
        out.append(item)
    return out


def actions(client: Client, done_words: tuple[str, ...] = ()) -> list[Item]:
    """Every action of the latest version of each contact report, in meeting order."""
    return _items(client.latest("contact_report"), "action", "actions", "action", "owner", "due", done_words)


def problems(client: Client, done_words: tuple[str, ...] = ()) -> list[Item]:
    """Every problem of the latest version of each client follow-up record, in visit order."""
    return _items(client.latest("followup"), "problem", "problems", "problem", "department", "deadline", done_words)


@dataclass(frozen=True)
class Decision:
    item: str
    decision: str
    source: Doc


def decisions(client: Client) -> list[Decision]:
    return [Decision(text(r.get("item")), text(r.get("decision")), doc)
            for doc in client.latest("contact_report") for r in _rows(doc, "decisions")
            if norm_text(r.get("item")) or norm_text(r.get("decision"))]


@dataclass(frozen=True)
class Budget:
    """One document's budget: its lines and the total it approves."""

    source: Doc
    lines: list[tuple[str, Decimal | None]]
    total: Decimal | None


def _media_line(row: dict[str, object]) -> str:
    return " ".join(x for x in (text(row.get("media")), text(row.get("format"))) if x)


def budgets(client: Client) -> list[Budget]:
    """Budget lines by brief, campaign and contact report (latest versions), with their approved totals."""
    out = []
    for doc in client.latest("creative_brief", "media_brief", "contact_report"):
        if doc.doc_type == "creative_brief":
            lines = [(text(r.get("item")), parse_money(r.get("amount"))) for r in _rows(doc, "deliverables")]
            total = parse_money(doc.fields.get("budget_total"))
        elif doc.doc_type == "media_brief":
            lines = [(_media_line(r), parse_money(r.get("net"))) for r in _rows(doc, "plan")]
            total = parse_money(doc.fields.get("budget_total"))
        else:
            lines = [(text(r.get("item")), parse_money(r.get("amount"))) for r in _rows(doc, "budget")]
            total = parse_money(doc.totals.get("budget", {}).get("amount"))
        if lines or total is not None:
            out.append(Budget(doc, lines, total))
    return out


@dataclass(frozen=True)
class PendingReport:
    """An archived agenda whose contact report is not archived, and when that report was due."""

    agenda: Doc
    due: dt.datetime
    owner: str


def report_due(agenda: Doc) -> dt.datetime | None:
    """24 hours after the meeting ends (or starts); a meeting with no time: by the end of the next day."""
    if agenda.date is None:
        return None
    end = parse_time(agenda.fields.get("end_time")) or parse_time(agenda.fields.get("start_time"))
    if end is None:
        return dt.datetime.combine(agenda.date + dt.timedelta(days=2), dt.time(0))
    return dt.datetime.combine(agenda.date, end) + dt.timedelta(hours=24)


def pending_reports(client: Client) -> list[PendingReport]:
    """Agendas (latest versions) with no archived contact report of the same client and meeting day."""
    reported = {d.date for d in client.archived("contact_report") if d.date is not None}
    out = []
    for agenda in client.latest("agenda"):
        due = report_due(agenda)
        if due is None or agenda.date in reported:
            continue
        owner = text(agenda.fields.get("prepared_by")) or text(agenda.fields.get("chair"))
        out.append(PendingReport(agenda, due, owner))
    return out
