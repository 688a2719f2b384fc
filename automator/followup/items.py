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
import functools
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


@functools.lru_cache(maxsize=8)
def _done_forms(done_words: tuple[str, ...]) -> frozenset[str]:
    return frozenset(norm_text(w) for w in (*DONE, *done_words))


def is_done(status: object, done_words: tuple[str, ...] = ()) -> bool:
    """完成 / 已完成（11/27） / Done: the status says the item is closed (a bracketed note is ignored)."""
    plain = norm_text(_NOTE.sub("", text(status)))
    return bool(plain) and plain in _done_forms(tuple(done_words))


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


# kind -> (table, text column, owner column, due column), and the document type it comes from
KINDS = {"action": ("actions", "action", "owner", "due"), "problem": ("problems", "problem", "department", "deadline")}
SOURCES = {"action": "contact_report", "problem": "followup"}


def doc_items(doc: Doc, kind: str, done_words: tuple[str, ...] = ()) -> list[Item]:
    """The actions (or problems) one document lists, in its table's order, as it states them."""
    table, column, owner, due = KINDS[kind]
    return [Item(kind, text(row.get(column)), text(row.get(owner)), parse_day(row.get(due)), text(row.get("status")),
                 doc, n, urgency=text(row.get("urgency")), done=is_done(row.get("status"), done_words))
            for n, row in enumerate(_rows(doc, table), start=1) if norm_text(row.get(column))]


def fates(mentions: list[tuple[str, bool, int]]) -> list[tuple[bool, int] | None]:
    """What became of each mention (its text folded, whether it says done, its document's id), in
    chronological order: None while no later document speaks of it, else (closed there, that document)."""
    last = {key: (done, source) for key, done, source in mentions}   # the latest mention speaks for the text
    out: list[tuple[bool, int] | None] = []
    for key, _, source in mentions:
        done, final = last[key]
        out.append(None if final == source else (done, final))
    return out


def _items(docs: list[Doc], kind: str, done_words: tuple[str, ...]) -> list[Item]:
    made = [item for doc in docs for item in doc_items(doc, kind, done_words)]
    by_id = {doc.id: doc for doc in docs}
    out = []
    for item, fate in zip(made, fates([(norm_text(i.what), i.done, i.source.id) for i in made]), strict=True):
        if fate is not None:
            item = replace(item, **{"closed_by" if fate[0] else "moved_to": by_id[fate[1]]})
        out.append(item)
    return out


def actions(client: Client, done_words: tuple[str, ...] = ()) -> list[Item]:
    """Every action of the latest version of each contact report, in meeting order."""
    return _items(client.latest(SOURCES["action"]), "action", done_words)


def problems(client: Client, done_words: tuple[str, ...] = ()) -> list[Item]:
    """Every problem of the latest version of each client follow-up record, in visit order."""
    return _items(client.latest(SOURCES["problem"]), "problem", done_words)


@dataclass(frozen=True)
class Decision:
    item: str
    decision: str
    source: Doc


def doc_decisions(doc: Doc) -> list[Decision]:
    return [Decision(text(r.get("item")), text(r.get("decision")), doc) for r in _rows(doc, "decisions")
            if norm_text(r.get("item")) or norm_text(r.get("decision"))]


def decisions(client: Client) -> list[Decision]:
    return [d for doc in client.latest("contact_report") for d in doc_decisions(doc)]


@dataclass(frozen=True)
class Budget:
    """One document's budget: its lines and the total it approves."""

    source: Doc
    lines: list[tuple[str, Decimal | None]]
    total: Decimal | None


def _media_line(row: dict[str, object]) -> str:
    return " ".join(x for x in (text(row.get("media")), text(row.get("format"))) if x)


BUDGET_TYPES = ("creative_brief", "media_brief", "contact_report")


def doc_budget(doc: Doc) -> Budget | None:
    """The budget one brief, campaign or contact report states; None when it states none."""
    if doc.doc_type == "creative_brief":
        lines = [(text(r.get("item")), parse_money(r.get("amount"))) for r in _rows(doc, "deliverables")]
        total = parse_money(doc.fields.get("budget_total"))
    elif doc.doc_type == "media_brief":
        lines = [(_media_line(r), parse_money(r.get("net"))) for r in _rows(doc, "plan")]
        total = parse_money(doc.fields.get("budget_total"))
    elif doc.doc_type == "contact_report":
        lines = [(text(r.get("item")), parse_money(r.get("amount"))) for r in _rows(doc, "budget")]
        total = parse_money(doc.totals.get("budget", {}).get("amount"))
    else:
        return None
    return Budget(doc, lines, total) if lines or total is not None else None


def budgets(client: Client) -> list[Budget]:
    """Budget lines by brief, campaign and contact report (latest versions), with their approved totals."""
    return [b for doc in client.latest(*BUDGET_TYPES) if (b := doc_budget(doc)) is not None]


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
