"""The delivery queue: the ledger's `deliveries` table and its states.

    waiting ──claim──▶ sending ──done──▶ sent
       ▲                  │
       └──retry later─────┤  (a transient failure: back-off 30 s, 1, 2, 4 … 60 min)
                          └──▶ failed     (permanent: refused by the server, a PDF that
                                           LibreOffice cannot make after MAX_ATTEMPTS)

A row is inserted in the commit transaction of its document (`dedupe` is unique, so it
exists once per document and purpose). A worker claims it with a conditional UPDATE —
two processes never both take a row — and notes itself as `owner` with a `lease`; a row
left `sending` by a process that died (kill -9, here or past its lease elsewhere) is
waiting again. Between the server's "accepted" and the row's `sent` there is one short
window; a crash exactly there sends the mail again, under the same Message-ID (mail
programs show one). A mail with `needs` waits for that row (its PDF) to be sent first.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import socket
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from automator.archive.ledger import dumps
from automator.claim import pid_alive

if TYPE_CHECKING:
    import sqlite3

    from automator.archive.ledger import Ledger

FIRST_DELAY, MAX_DELAY = 30.0, 3600.0
MAX_ATTEMPTS = 6       # for failures that are the document's own (LibreOffice cannot convert it)
LEASE = 900.0          # a claim older than this, by a process on another machine, is taken back
STATE_ZH = {"waiting": "等待发送", "sending": "正在发送", "sent": "已完成", "failed": "失败"}
KIND_ZH = {"pdf": "PDF", "mail": "邮件", "webhook": "通知"}


@dataclass
class Delivery:
    id: int
    entry: int
    kind: str
    purpose: str
    message_id: str | None
    recipients: list[dict[str, Any]]
    warnings: list[str]
    payload: dict[str, Any]
    state: str
    needs: int | None
    attempts: int
    next_try: float
    last_error: str | None
    output: str | None
    created: str
    done: str | None

    @classmethod
    def from_row(cls, row: sqlite3.Row) -> Delivery:
        data = dict(row)
        for name, empty in (("recipients", "[]"), ("warnings", "[]"), ("payload", "{}")):
            data[name] = json.loads(data.get(name) or empty)
        return cls(**{k: data.get(k) for k in cls.__dataclass_fields__})


def _now() -> str:
    return dt.datetime.now().isoformat(timespec="seconds")


def owner() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def enqueue(ledger: Ledger, *, entry: int, kind: str, purpose: str, payload: dict[str, Any],
            recipients: list[dict[str, Any]] | None = None, warnings: list[str] | None = None,
            needs: int | None = None, message_id: str | None = None, state: str = "waiting") -> int | None:
    """Insert one delivery inside the document's commit transaction; None if it already exists."""
    dedupe = f"{entry}:{kind}:{purpose}"
    changed = ledger.execute(
        "INSERT INTO deliveries (entry, kind, purpose, dedupe, message_id, recipients, warnings, payload, state, "
        "needs, created) VALUES (?,?,?,?,?,?,?,?,?,?,?) ON CONFLICT (dedupe) DO NOTHING",
        (entry, kind, purpose, dedupe, message_id, dumps(recipients or []), dumps(warnings or []), dumps(payload),
         state, needs, _now()))
    if not changed:
        return None
    return int(ledger.query("SELECT id FROM deliveries WHERE dedupe=?", (dedupe,))[0][0])


def reclaim_abandoned(ledger: Ledger) -> int:
    """Rows left `sending` by a process that is gone go back to waiting."""
    here = socket.gethostname()
    taken = 0
    for row in ledger.query("SELECT id, owner, lease FROM deliveries WHERE state='sending'"):
        host, _, pid = (row["owner"] or ":").rpartition(":")
        dead = (host == here and pid.isdigit() and not pid_alive(int(pid))) or (row["lease"] or 0) < time.time()
        if dead:
            with ledger.transaction():
                taken += ledger.execute("UPDATE deliveries SET state='waiting', owner=NULL, lease=NULL "
                                        "WHERE id=? AND state='sending' AND owner IS ?", (row["id"], row["owner"]))
    return taken


def due(ledger: Ledger, kind: str, *, eager: bool) -> list[Delivery]:
    """Waiting rows of `kind` whose time has come (all of them when `eager`) and whose
    prerequisite is sent."""
    rows = ledger.query(
        "SELECT * FROM deliveries WHERE kind=? AND state='waiting' AND (? OR next_try <= ?) "
        "AND (needs IS NULL OR needs IN (SELECT id FROM deliveries WHERE state='sent')) ORDER BY id",
        (kind, eager, time.time()))  # a bool: an integer is no boolean on PostgreSQL
    return [Delivery.from_row(r) for r in rows]


def claim(ledger: Ledger, delivery: Delivery) -> bool:
    with ledger.transaction():
        return ledger.execute("UPDATE deliveries SET state='sending', owner=?, lease=? "
                              "WHERE id=? AND state='waiting'", (owner(), time.time() + LEASE, delivery.id)) == 1


def finish(ledger: Ledger, delivery: Delivery, *, output: str | None = None,
           warnings: list[str] | None = None) -> None:
    with ledger.transaction():
        ledger.execute("UPDATE deliveries SET state='sent', done=?, owner=NULL, lease=NULL, last_error=NULL, "
                       "output=COALESCE(?, output), warnings=? WHERE id=?",
                       (_now(), output, dumps(warnings if warnings is not None else delivery.warnings), delivery.id))


def later(ledger: Ledger, delivery: Delivery, error: str, *, counts: bool = True, permanent: bool = False) -> str:
    """A failed attempt: wait and try again (back-off), or give up. `counts` False: not the
    document's fault (no LibreOffice, the server down), so it never gives up for that."""
    attempts = delivery.attempts + 1
    give_up = permanent or (counts and attempts >= MAX_ATTEMPTS)
    delay = min(MAX_DELAY, FIRST_DELAY * 2 ** (attempts - 1))
    state = "failed" if give_up else "waiting"
    with ledger.transaction():
        ledger.execute("UPDATE deliveries SET state=?, next_try=?, last_error=?, owner=NULL, lease=NULL, "
                       "attempts=? WHERE id=?",
                       (state, time.time() + delay, error[:1000], attempts, delivery.id))
    return state


def pending(ledger: Ledger, limit: int = 50) -> list[Delivery]:
    """What is not done yet (waiting, sending, failed), oldest first."""
    rows = ledger.query("SELECT * FROM deliveries WHERE state != 'sent' ORDER BY id LIMIT ?", (limit,))
    return [Delivery.from_row(r) for r in rows]


def of_entry(ledger: Ledger, entry: int) -> list[Delivery]:
    return [Delivery.from_row(r) for r in ledger.query("SELECT * FROM deliveries WHERE entry=? ORDER BY id",
                                                       (entry,))]


def retry_failed(ledger: Ledger) -> int:
    """Give every failed delivery a fresh start (`automator deliver --retry`)."""
    with ledger.transaction():
        return ledger.execute("UPDATE deliveries SET state='waiting', attempts=0, next_try=0 WHERE state='failed'")
