"""The overview's due list: what `automator due` says (followup/due.py), computed beside the requests.

It reads every kept ledger entry — about half a second with 10,000 documents — so a page never
waits for it: the overview shows the last list, and a fresh one is made in a thread when the
ledger has changed or five minutes have passed (a date passing makes new items late), at most
once a minute (a busy watcher changes the ledger every few seconds).
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
import time
from typing import Any

from automator.errors import AutomatorError
from automator.settings import Settings
from automator.watch.status import Section

log = logging.getLogger("automator.web")
KIND_ZH = {"action": "行动事项", "report": "会议报告", "problem": "回访问题"}
EVERY, AT_MOST = 300.0, 60.0


def compute(settings: Settings, now: dt.datetime | None = None) -> list[dict[str, Any]]:
    """`automator due --json`'s list, for the whole archive."""
    if not settings.ledger.exists():
        return []
    from automator.archive.ledger import Ledger
    from automator.followup.due import due_list
    from automator.followup.records import load_all
    from automator.rules import load_rules

    ruleset = load_rules(settings.rules)
    with Ledger(settings.ledger, readonly=True) as ledger:
        clients = load_all(ledger, ruleset)
    found = due_list(clients, now or dt.datetime.now(), done_words=tuple(ruleset.words.get("done", ())))
    return [d.to_json() for d in found]


class DueList:
    """The last due list and when it was made; `section()` never blocks on a refresh."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.lock = threading.Lock()
        self.items: list[dict[str, Any]] | None = None
        self.made_at: str | None = None
        self.key: tuple[int, int] | None = None
        self.thread: threading.Thread | None = None
        self.started = 0.0

    def _key(self) -> tuple[int, int]:
        stamps = []
        for suffix in ("", "-wal"):
            try:
                stamps.append(self.settings.ledger.with_name(self.settings.ledger.name + suffix).stat().st_mtime_ns)
            except OSError:
                stamps.append(0)
        return max(stamps), int(time.time() // EVERY)

    def _refresh(self, key: tuple[int, int]) -> None:
        try:
            items = compute(self.settings)
        except (AutomatorError, OSError) as exc:  # a rule being edited, the share away: keep the last list
            log.warning("web: due list not refreshed: %s", exc)
            with self.lock:
                self.thread = None
            return
        with self.lock:
            self.items, self.key, self.thread = items, key, None
            self.made_at = dt.datetime.now().isoformat(sep=" ", timespec="seconds")

    def section(self) -> Section:
        key = self._key()
        with self.lock:
            due = self.items is None or time.monotonic() - self.started >= AT_MOST
            if key != self.key and self.thread is None and due:
                self.started = time.monotonic()
                self.thread = threading.Thread(target=self._refresh, args=(key,), name="automator-due", daemon=True)
                self.thread.start()
            items, made_at = self.items, self.made_at
        if items is None:
            return Section("due", None, ["正在计算到期事项，稍后刷新本页即可看到。"])
        lines = [f"[{KIND_ZH.get(d['kind'], d['kind'])}] {d['client']}：{d['what']}（负责：{d['owner'] or '未写'}，"
                 f"应完成 {d['due']}，逾期 {d['days_late']} 天）" for d in items] or ["没有逾期事项。"]
        return Section("due", items, [*lines, f"（{made_at} 计算）"])
