"""The work queue's section of `automator status`: depth, workers alive, the oldest waiting claim.

Nothing (None) without `broker:`; celery is imported only then.
"""

from __future__ import annotations

import re
from typing import Any

from automator.settings import Settings
from automator.watch.status import Section

INSPECT_TIMEOUT = 1.0


def masked_broker(settings: Settings) -> str | None:
    url = settings.config.broker
    return re.sub(r"(://[^@/]*:)[^@]*@", r"\1***@", url) if url else None


def _waiting_claims(settings: Settings) -> list[dict[str, Any]]:
    from automator.scale import lease

    out = []
    try:
        folders = [p for p in settings.processing.iterdir() if p.is_dir() and not p.name.startswith(".")]
    except OSError:
        return out
    for folder in folders:
        now = lease.current(folder)
        if now is not None and now.queued:
            out.append({"claim": folder.name, "seconds": round(now.age, 1), "attempts": now.attempts})
    return sorted(out, key=lambda c: -c["seconds"])


def _queue(settings: Settings) -> dict[str, Any]:
    import redis

    from automator.scale.app import QUEUE

    client = redis.Redis.from_url(settings.config.broker or "", socket_timeout=2, socket_connect_timeout=2)
    try:
        # kombu keeps priority levels in extra lists named QUEUE + "\x06\x16" + level
        depth = sum(int(client.llen(key)) for key in [QUEUE, *client.keys(f"{QUEUE}\x06\x16*")])
        return {"depth": depth, "unacked": int(client.hlen("unacked"))}
    finally:
        client.close()


def _workers(settings: Settings) -> list[dict[str, Any]]:
    from automator.scale.app import make_app

    app = make_app(settings)
    try:
        inspect = app.control.inspect(timeout=INSPECT_TIMEOUT)
        pings = inspect.ping() or {}
        active = inspect.active() or {}
        stats = inspect.stats() or {}
    finally:
        app.close()
    return [{"name": name, "active": len(active.get(name, [])),
             "concurrency": (stats.get(name, {}).get("pool") or {}).get("max-concurrency")}
            for name in sorted(pings)]


def section(settings: Settings) -> Section | None:
    if not settings.config.broker:
        return None
    data: dict[str, Any] = {"broker": masked_broker(settings), "problem": None}
    waiting = _waiting_claims(settings)
    data["waiting_claims"] = len(waiting)
    data["oldest_waiting"] = waiting[0] if waiting else None
    try:
        data.update(_queue(settings))
        data["workers"] = _workers(settings)
    except Exception as exc:  # noqa: BLE001 - any connection error: say it, the rest of status stands
        data["problem"] = f"{type(exc).__name__}: {exc}"
    return Section("queue", data, _lines(data))


def _lines(data: dict[str, Any]) -> list[str]:
    out = [f"任务队列：{data['broker']}"]
    if data["problem"]:
        out.append(f"  ⚠ 连接不上任务队列（{data['problem']}）；已认领的文件留在 processing/，恢复后继续")
    else:
        out.append(f"  排队中 {data['depth']} 个任务，已被取走未完成 {data['unacked']} 个")
        workers = data.get("workers") or []
        busy = sum(w["active"] for w in workers)
        out.append(f"  在线的处理进程（automator worker）：{len(workers)} 个，正在处理 {busy} 个文件"
                   if workers else "  ⚠ 没有在线的 automator worker：文件会排队等待")
        for w in workers:
            out.append(f"    {w['name']}（并发 {w['concurrency']}，手上 {w['active']} 个）")
    oldest = data["oldest_waiting"]
    if oldest:
        out.append(f"  等待最久的认领：{oldest['claim']}，已等 {oldest['seconds']:.0f} 秒（共 {data['waiting_claims']} 个在等）")
    else:
        out.append("  没有等待处理的认领")
    return out
