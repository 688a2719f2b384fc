"""`automator status`: is a watcher running, what waits, what is in hand, what happened last.

Read-only: it looks at the watchers' status files, the inbox, processing/
and the ledger, and changes nothing.
"""

from __future__ import annotations

import datetime as dt
import logging
import json
import socket
import time
from dataclasses import dataclass, field
from typing import Any

from automator.errors import LedgerError
from automator.inbox import scan
from automator.claim import ORIGIN, OWNER, bookkeeping, pid_alive
from automator.settings import Settings
from automator.watch import heartbeat
from automator.watch.observe import inbox_problem
from automator.watch.settle import OPEN_IN_OFFICE, open_in_office
from automator.outcome import STATUS_MARK as MARK
from automator.outcome import STATUS_ZH


log = logging.getLogger(__name__)

# Extra sections other parts add to `automator status` (deliveries waiting, the queue…):
# "module:function", function(settings) -> Section or None.
SECTIONS: tuple[str, ...] = ("automator.deliver.status:section", "automator.scale.status:section")


@dataclass
class Section:
    key: str                 # its key in `status --json`
    data: Any                # what --json shows
    lines: list[str]         # what the human report shows


@dataclass
class Status:
    watchers: list[dict[str, Any]] = field(default_factory=list)
    inbox_problem: str | None = None
    waiting: list[dict[str, str]] = field(default_factory=list)
    processing: list[dict[str, Any]] = field(default_factory=list)
    recent: list[dict[str, Any]] = field(default_factory=list)
    sections: list[Section] = field(default_factory=list)
    ledger_problem: str | None = None  # the ledger (a PostgreSQL server) cannot be read right now
    unreadable: list[dict[str, str]] = field(default_factory=list)  # inbox folders that could not be read

    @property
    def running(self) -> bool:
        return any(w["alive"] for w in self.watchers)

    def to_json(self) -> dict[str, Any]:
        return {"running": self.running, "watchers": self.watchers, "inbox_problem": self.inbox_problem,
                "waiting": self.waiting, "unreadable": self.unreadable, "processing": self.processing,
                "recent": self.recent, **({"ledger_problem": self.ledger_problem} if self.ledger_problem else {}),
                **{section.key: section.data for section in self.sections}}


def gather(settings: Settings, *, limit: int = 10) -> Status:
    status = Status()
    reasons: dict[str, str] = {}
    for seen in heartbeat.read_all(settings):
        data = seen.data
        reasons.update(data.get("settling", {}))
        status.watchers.append({"alive": seen.alive, "host": data.get("host"), "pid": data.get("pid"),
                                "state": data.get("state"), "mode": data.get("mode"),
                                "started": _when(data.get("started")), "heartbeat_age": round(seen.age, 1),
                                "workers": data.get("workers"), "inbox_problem": data.get("inbox_problem"),
                                "observer_restarts": data.get("observer_restarts", 0),
                                "config_problem": data.get("config_problem"),
                                "config_held": data.get("config_held", 0),
                                "counts": data.get("counts", {}), "in_hand": data.get("in_hand", []),
                                "queue": data.get("queue")})
    status.inbox_problem = inbox_problem(settings.inbox)
    found = scan(settings.inbox)
    status.unreadable = [{"folder": folder, "why": why} for folder, why in found.unreadable]
    for path in found.files:
        rel = settings.rel(path)
        reason = OPEN_IN_OFFICE if open_in_office(path) else reasons.get(rel, "等待处理")
        status.waiting.append({"file": rel, "why": reason})
    status.processing = _claims(settings)
    try:
        status.recent = _recent(settings, limit)
    except LedgerError as exc:
        status.ledger_problem = exc.message
    status.sections = [s for s in (_section(target, settings) for target in SECTIONS) if s is not None]
    return status


def _section(target: str, settings: Settings) -> Section | None:
    from importlib import import_module

    module, _, function = target.partition(":")
    try:
        section: Section | None = getattr(import_module(module), function)(settings)
    except LedgerError as exc:  # a ledger that cannot be read now (a server away): the report says so once
        log.warning("status section %s skipped: %s", target, exc.message)
        return None
    return section


def _when(epoch: Any) -> str | None:
    if not epoch:
        return None
    return dt.datetime.fromtimestamp(float(epoch)).isoformat(sep=" ", timespec="seconds")


def _claims(settings: Settings) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    try:
        folders = sorted(p for p in settings.processing.iterdir() if p.is_dir() and not p.name.startswith("."))
    except OSError:
        return out
    now = time.time()
    for folder in folders:
        try:
            owner = json.loads((folder / OWNER).read_text("utf-8"))
        except (OSError, ValueError):
            owner = {}
        try:
            origin = (folder / ORIGIN).read_text("utf-8")
        except OSError:
            origin = next((p.name for p in folder.iterdir() if not bookkeeping(p.name)), "?")
        pid = int(owner.get("pid", 0))
        same_host = owner.get("host") == socket.gethostname()
        out.append({"claim": settings.rel(folder), "file": origin, "host": owner.get("host"), "pid": pid,
                    "seconds": round(now - float(owner.get("at", now)), 1),
                    "owner_alive": pid_alive(pid) if same_host else None})
    return out


def _recent(settings: Settings, limit: int) -> list[dict[str, Any]]:
    from automator.archive.backends import existing_ledger

    ledger = existing_ledger(settings)
    if ledger is None:
        return []
    with ledger:
        entries = ledger.recent(limit)
    return [{"at": e.at, "input": e.input, "status": e.status, "output": e.outputs[0] if e.outputs else None,
             "findings": len(e.findings), "reason": e.reason} for e in entries]


def lines(status: Status, settings: Settings) -> list[str]:
    """The human report, in Chinese."""
    out = []
    alive = [w for w in status.watchers if w["alive"]]
    if alive:
        for w in alive:
            done = "，".join(f"{STATUS_ZH.get(k, k)} {n}" for k, n in w["counts"].items()) or "尚未处理文件"
            work = f"文件交给任务队列 {w['queue']}" if w.get("queue") else f"{w['workers']} 个处理进程"
            out.append(f"监视服务：运行中 — {w['host']} 进程 {w['pid']}，{w['started']} 启动，"
                       f"{_mode(w)}，{work}，心跳 {w['heartbeat_age']:.0f} 秒前；本次：{done}")
            if w["inbox_problem"]:
                out.append(f"  ⚠ 它报告收件箱无法访问：{w['inbox_problem']}（恢复后会自动继续）")
            if w.get("config_problem"):
                out.append(f"  ⚠ 规则或模板有误：{w['config_problem']}，等待修复"
                           f"（{w.get('config_held', 0)} 个文件在等）；修好后自动继续")
            if w["observer_restarts"]:
                out.append(f"  观察线程已自动重启 {w['observer_restarts']} 次")
    else:
        last = max((w for w in status.watchers), key=lambda w: -w["heartbeat_age"], default=None)
        seen = f"（最后一次心跳在 {last['heartbeat_age']:.0f} 秒前，{last['host']} 进程 {last['pid']}）" if last else ""
        out.append(f"监视服务：未运行{seen}。启动：automator watch --root {settings.root}")
    if status.inbox_problem:
        out.append(f"⚠ 收件箱 {settings.inbox} 无法访问：{status.inbox_problem}")
    out.append(f"收件箱等待处理：{len(status.waiting)} 个")
    out += [f"  ⚠ 无法读取 {u['folder']}：{u['why']}（其中的文件不会被处理）" for u in status.unreadable]
    out += [f"  {w['file']}（{w['why']}）" for w in status.waiting[:20]]
    if len(status.waiting) > 20:
        out.append(f"  ……另有 {len(status.waiting) - 20} 个")
    out.append(f"正在处理（processing/）：{len(status.processing)} 个")
    for c in status.processing[:20]:
        owner = "" if c["owner_alive"] is not False else "，进程已不在：下次启动或复查时会自动完成"
        out.append(f"  {c['file']}（{c['host']} 进程 {c['pid']}，{c['seconds']:.0f} 秒{owner}）")
    if status.ledger_problem:
        out.append(f"⚠ 读不到台账：{status.ledger_problem}")
    out.append("最近结果：" if status.recent or status.ledger_problem else "最近结果：还没有处理记录")
    for r in status.recent:
        where = f" → {r['output']}" if r["output"] else ""
        out.append(f"  {r['at']} {MARK.get(r['status'], '?')} {STATUS_ZH.get(r['status'], r['status'])} "
                   f"{r['input']}{where}  问题 {r['findings']}")
    for section in status.sections:
        out += section.lines
    return out


def _mode(w: dict[str, Any]) -> str:
    return "轮询" if w.get("mode") == "polling" else "系统文件事件"
