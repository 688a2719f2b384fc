"""`automator doctor`: is this root ready to run? Each check is a (ok, message, hint) line.

Folders are tested by writing a probe file, as permissions on network shares
cannot be read off mode bits.
"""

from __future__ import annotations

import shutil
import sqlite3
import uuid
from dataclasses import dataclass
from pathlib import Path

from automator.errors import AutomatorError
from automator.settings import Settings

LOW_DISK = 500 * 1024 * 1024


@dataclass
class Check:
    ok: bool
    message: str
    hint: str = ""


def _writable(folder: Path) -> Check:
    if not folder.is_dir():
        return Check(False, f"{folder.name}/ 不存在", f"运行 `automator init {folder.parent}` 建立")
    probe = folder / f".automator-probe-{uuid.uuid4().hex[:8]}"
    try:
        probe.write_bytes(b"probe")
        probe.unlink()
    except OSError as exc:
        return Check(False, f"{folder.name}/ 不能写入：{exc.strerror or exc}", "检查共享盘的写权限和是否已连接")
    return Check(True, f"{folder.name}/ 可以写入")


def _rules_and_templates(settings: Settings) -> list[Check]:
    from automator.pipeline import load_context

    try:
        ctx = load_context(settings)
    except AutomatorError as exc:
        return [Check(False, f"规则或模板有问题：{exc.message}", exc.hint or "")]
    names = "、".join(r.zh for r in ctx.ruleset.rules.values())
    return [Check(True, f"规则和模板均无问题（{names}）")]


def _ledger(settings: Settings) -> Check:
    if settings.config.ledger:
        return _postgres_ledger(settings)
    if not settings.ledger.exists():
        return Check(True, "台账尚未建立（第一次处理文件时自动建立）")
    try:
        with sqlite3.connect(settings.ledger, timeout=5) as db:
            verdict = db.execute("PRAGMA quick_check").fetchone()[0]
            count = db.execute("SELECT COUNT(*) FROM inputs").fetchone()[0]
    except sqlite3.Error as exc:
        return Check(False, f"台账 {settings.ledger.name} 无法读取：{exc}", "若文件已损坏，可改名保存后重新开始")
    if verdict != "ok":
        return Check(False, f"台账 {settings.ledger.name} 已损坏：{verdict}", "先备份，再改名后重新开始")
    return Check(True, f"台账正常（{count} 条记录）")


def _postgres_ledger(settings: Settings) -> Check:
    from automator.archive.backends import existing_ledger, where

    try:
        ledger = existing_ledger(settings)
        if ledger is None:
            return Check(True, f"PostgreSQL 台账 {where(settings)} 可以连接，尚未建表（第一次处理文件时自动建立）")
        with ledger:
            count, version = ledger.count(), ledger.version
    except AutomatorError as exc:
        return Check(False, exc.message, exc.hint or "")
    return Check(True, f"PostgreSQL 台账正常（{where(settings)}，{count} 条记录，结构版本 {version}）")


def _broker(settings: Settings) -> list[Check]:
    """With `broker:` set: Redis answers (the workers themselves are in `automator status`)."""
    if not settings.config.broker:
        return []
    from automator.scale.status import masked_broker

    try:
        import redis

        client = redis.Redis.from_url(settings.config.broker, socket_timeout=3, socket_connect_timeout=3)
        client.ping()
        client.close()
    except Exception as exc:  # noqa: BLE001 - a missing package or any connection error, said plainly
        return [Check(False, f"任务队列 {masked_broker(settings)} 连接不上：{exc}",
                      "检查 Redis 是否在运行、地址和密码（AUTOMATOR_BROKER_URL）；pip install 'automator[scale]'")]
    return [Check(True, f"任务队列 {masked_broker(settings)} 可以连接")]
def _system_folders(settings: Settings) -> list[Check]:
    """The service's own outbox folders must not lead out of outbox/ (a link put there)."""
    from automator.settings import SYSTEM_DIRS

    out = []
    for name in SYSTEM_DIRS:
        folder = settings.outbox / name
        if folder.is_symlink() and not folder.resolve().is_relative_to(settings.outbox.resolve()):
            out.append(Check(False, f"outbox/{name} 是指向 outbox 之外（{folder.resolve()}）的链接，服务不会往里写",
                             f"删除这个链接：rm {folder}；服务会自己建立该文件夹"))
    return out


def _disk(settings: Settings) -> Check:
    free = shutil.disk_usage(settings.outbox if settings.outbox.is_dir() else settings.root).free
    if free < LOW_DISK:
        return Check(False, f"outbox 所在磁盘只剩 {free / 1e6:.0f} MB", "清理磁盘；空间不足时文件会留在 inbox 等待重试")
    return Check(True, f"磁盘剩余 {free / 1e9:.1f} GB")


def _deliver(settings: Settings) -> list[Check]:
    """LibreOffice and fonts for the PDFs; mail settings and the address book (automator/deliver)."""
    from automator.deliver.status import checks

    try:
        return [Check(c.ok, c.message, c.hint) for c in checks(settings)]
    except AutomatorError as exc:  # automator.yaml itself is wrong
        return [Check(False, exc.message, exc.hint or "")]


def diagnose(settings: Settings) -> list[Check]:
    if not settings.root.is_dir():
        return [Check(False, f"工作目录 {settings.root} 不存在", f"运行 `automator init {settings.root}`")]
    checks = [_writable(settings.root / name) for name in ("inbox", "outbox")]
    checks += _rules_and_templates(settings) if settings.rules.is_dir() else [
        Check(False, "rules/ 不存在", f"运行 `automator init {settings.root}`")]
    checks += [_ledger(settings), *_broker(settings), _disk(settings), *_system_folders(settings)]
    checks += _deliver(settings)
    waiting = sum(1 for _ in settings.processing.glob("*/")) if settings.processing.is_dir() else 0
    if waiting:
        checks.append(Check(True, f"processing/ 中有 {waiting} 个未完成的文件",
                            "若没有监视服务在运行，下次 `automator run` 或 `automator watch` 启动时会接着处理"))
    return checks
