"""`automator due`: what is late, with its owner and where it was agreed (contract §4).

    {"due": [{"kind": "action|report|problem", "client", "what", "owner", "due", "days_late", "source"}]}

- action: a contact report's next step past its date whose status is not done (完成/已完成/done/
  closed and the `done:` words in rules/words.yaml), unless a later report of the same client
  closed or re-dated it (items.py);
- report: an archived agenda whose meeting ended more than 24 hours ago with no archived contact
  report of that client and day;
- problem: an urgent (紧急) client follow-up problem past its 处理期限, not done.

`days_late` counts whole days past the due date (a report: whole days past the 24 hours; 0 means
"late, by less than a day"). `source` is the root-relative file it comes from.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING

from automator.followup import items
from automator.followup.records import folder_key

if TYPE_CHECKING:
    from automator.followup.records import Client, Doc


@dataclass(frozen=True)
class Due:
    kind: str
    client: str
    what: str
    owner: str
    due: str            # ISO date, or date-time for a report
    days_late: int
    source: str

    def to_json(self) -> dict[str, object]:
        return asdict(self)


def _source(doc: Doc) -> str:
    return doc.file or doc.input


def _late_items(client: Client, found: list[items.Item], today: dt.date, *, urgent_only: bool) -> list[Due]:
    out = []
    for item in found:
        if not item.open or item.due is None or item.due >= today or (urgent_only and not item.urgent):
            continue
        out.append(Due(item.kind, client.name, item.what, item.owner, item.due.isoformat(), (today - item.due).days,
                       _source(item.source)))
    return out


def for_client(client: Client, now: dt.datetime, done_words: tuple[str, ...] = ()) -> list[Due]:
    today = now.date()
    out = _late_items(client, items.actions(client, done_words), today, urgent_only=False)
    out += _late_items(client, items.problems(client, done_words), today, urgent_only=True)
    for pending in items.pending_reports(client):
        if now > pending.due:
            agenda = pending.agenda
            out.append(Due("report", client.name, f"会议报告未归档：{agenda.label}（会后24小时内应发出）",
                           pending.owner, pending.due.isoformat(timespec="minutes"), (now - pending.due).days,
                           _source(agenda)))
    return out


def due_list(clients: dict[str, Client], now: dt.datetime, *, client: str | None = None,
             done_words: tuple[str, ...] = ()) -> list[Due]:
    """Everything late at `now`, the latest first by days late, for one client or all."""
    wanted = folder_key(client) if client else None
    out = [d for key, c in clients.items() if wanted is None or key == wanted
           for d in for_client(c, now, done_words)]
    return sorted(out, key=lambda d: (-d.days_late, d.client, d.due, d.kind, d.what))
