"""概览 and 历史: what the watchers, the inbox, the review folder and the ledger say, read-only.

The overview is `automator status --json` (watch/status.py `gather`, reused, not re-derived)
plus `review` (what waits in outbox/_待复核 for its AE, with the reasons and their cells)
and `today` (today's results). Sections other parts add to `automator status` (SECTIONS)
are shown too: the ones named in SLOTS in their own place on the page, any other below.
"""

from __future__ import annotations

import datetime as dt
from pathlib import PurePosixPath
from typing import Any

from automator.archive.ledger import Entry, Ledger
from automator.archive.route import DRAFT, MARKED, REASON, REPORT
from automator.explain import history_item
from automator.settings import Settings
from automator.watch.status import Section, gather

REVIEW_LIMIT, SHOWN = 200, 50
PERSON_FIELDS = ("ae", "author", "prepared_by", "chair")   # who wrote it: 客户执行, 撰写人, 制表人, 主持人
# Slots on the overview for sections other issues add to `automator status` (their key, the heading).
SLOTS = (("deliveries", "待投递（PDF、邮件、通知）"), ("due", "到期与逾期事项"))
HEADERS = {"kind": "类型", "client": "客户", "what": "事项", "owner": "负责人", "due": "应完成", "days_late": "逾期天数",
           "source": "来源"}


def _ledger(settings: Settings) -> Ledger | None:
    return Ledger(settings.ledger, readonly=True) if settings.ledger.exists() else None


def role(path: str) -> str:
    """What a file in a review folder is: marked, draft, report, reason or source."""
    name = PurePosixPath(path).name
    if name == REPORT:
        return "report"
    if name == REASON:
        return "reason"
    if f".{DRAFT}." in name:
        return "draft"
    if f".{MARKED}." in name:
        return "marked"
    return "source"


def _review_item(e: Entry) -> dict[str, Any]:
    values = (e.figures or {}).get("fields", {})
    person = next((str(values[k]) for k in PERSON_FIELDS if values.get(k)), None)
    return {"input": e.input, "at": e.at, "client": e.client, "doc_type": e.doc_type,
            "doc_zh": (e.explain or {}).get("rule_zh") or e.doc_type, "person": person,
            "folder": str(PurePosixPath(e.outputs[0]).parent),
            "errors": [{"check": f.get("check"), "message": f.get("message"), "cells": f.get("cells", [])}
                       for f in e.findings if f.get("severity") == "error"],
            "warnings": sum(f.get("severity") == "warning" for f in e.findings),
            "files": {role(p): p for p in e.outputs}}


def review_queue(settings: Settings, ledger: Ledger | None) -> list[dict[str, Any]]:
    """Documents in review whose folder is still in outbox/_待复核 (the AE removes it when done), newest first."""
    if ledger is None:
        return []
    out, seen = [], set()
    for e in ledger.recent(REVIEW_LIMIT, status="review"):
        if not e.outputs:
            continue
        folder = PurePosixPath(e.outputs[0]).parent
        if folder in seen or not (settings.root / folder).is_dir():
            continue
        seen.add(folder)
        out.append(_review_item(e))
    return out


def today(ledger: Ledger | None, now: dt.datetime | None = None) -> dict[str, Any]:
    """Today's results: the count of each status, and the newest SHOWN of them."""
    day = (now or dt.datetime.now()).date().isoformat()
    if ledger is None:
        return {"date": day, "counts": {}, "results": []}
    entries = [e for e in ledger.recent(SHOWN) if e.at.startswith(day)]
    return {"date": day, "counts": ledger.tally(day), "results": [history_item(e) for e in entries]}


def overview(settings: Settings, extra: tuple[Section, ...] = ()) -> tuple[dict[str, Any], list[Section]]:
    """The overview's data (JSON) and the sections to show: `automator status`'s, then `extra`
    (the web's own due list) for any key status does not already give."""
    state = gather(settings, limit=10)
    keys = {s.key for s in state.sections}
    state.sections += [s for s in extra if s.key not in keys]
    data = state.to_json()
    ledger = _ledger(settings)
    try:
        data["review"] = review_queue(settings, ledger)
        data["today"] = today(ledger)
    finally:
        if ledger is not None:
            ledger.close()
    return data, state.sections


def table(data: Any) -> list[dict[str, Any]] | None:
    """A section's data as table rows when it is a list of objects whose columns we can title in
    Chinese (HEADERS: the due list); else None, and the page shows the section's own lines."""
    if isinstance(data, list) and data and all(isinstance(row, dict) and set(row) <= set(HEADERS) for row in data):
        return data
    return None


def history(settings: Settings, *, status: str | None = None, limit: int = 100) -> dict[str, Any]:
    """The ledger, newest first: `automator history --json`."""
    ledger = _ledger(settings)
    if ledger is None:
        return {"history": []}
    with ledger:
        return {"history": [history_item(e) for e in ledger.recent(limit, status=status)]}
