"""`automator worker` and `automator ledger migrate`: the parts of a deployment beyond one machine (docs/scale.md)."""

from __future__ import annotations

import logging
import os
import socket
import sys
from pathlib import Path

import click

from automator.cli.common import friendly, main, root_option, setup_logs, working_root
from automator.errors import ConfigError


@main.command()
@root_option
@click.option("-c", "--concurrency", type=click.IntRange(1, 64), default=None,
              help="同时处理几个文件（进程数，默认：CPU 核数）")
@friendly
def worker(root: Path | None, concurrency: int | None) -> None:
    """从任务队列（automator.yaml 的 broker:）取出监视服务认领的文件并处理，直到 Ctrl+C 或 SIGTERM。"""
    settings = working_root(root)
    setup_logs(settings, to_file=False)
    _console_info()
    try:
        from automator.scale import tasks
        from automator.scale.app import QUEUE, make_app
    except ImportError as exc:
        raise ConfigError("没有安装任务队列所需的 celery", hint="pip install 'automator[scale]'") from exc
    app = make_app(settings)  # a ConfigError without broker:
    tasks.register(app)
    tasks.preload(settings)  # rules and templates checked once: a broken one stops here, named
    count = concurrency or os.cpu_count() or 1
    click.echo(f"automator worker：{settings.root}，{count} 个处理进程，队列 {QUEUE}。按 Ctrl+C 停止。")
    app.worker_main(["worker", f"--concurrency={count}", "--pool=prefork", f"--queues={QUEUE}",
                     f"--hostname=automator-{os.getpid()}@{socket.gethostname()}", "--without-gossip",
                     "--without-mingle", "--loglevel=WARNING", "--max-tasks-per-child=500"])


def _console_info() -> None:
    """A worker runs under systemd or a terminal: one line per document on stderr (the journal)."""
    logger = logging.getLogger("automator")
    for handler in logger.handlers:
        if isinstance(handler, logging.StreamHandler) and not isinstance(handler, logging.FileHandler):
            handler.setLevel(logging.INFO)


@main.group()
def ledger() -> None:
    """台账的维护。"""


@ledger.command("migrate")
@click.option("--to", "url", required=True, help="目标 PostgreSQL，例如 postgresql://automator@db.example.com/automator")
@root_option
@friendly
def migrate(url: str, root: Path | None) -> None:
    """把根目录的 SQLite 台账复制到 PostgreSQL 并核对行数；SQLite 文件保持原样。"""
    from automator.watch import heartbeat

    settings = working_root(root)
    if not url.startswith(("postgresql://", "postgres://")):
        raise ConfigError("--to 必须是 postgresql:// 地址")
    running = [s.data for s in heartbeat.read_all(settings) if s.alive]
    if running:
        raise ConfigError(f"监视服务正在运行（{running[0].get('host')} 进程 {running[0].get('pid')}）：迁移时台账不能再变",
                          hint="先停止所有 automator watch，迁移后在 automator.yaml 写上 ledger: 再启动")
    try:
        from automator.archive.pg import masked
        from automator.scale.migrate import migrate as copy_ledger
    except ImportError as exc:
        raise ConfigError("没有安装 PostgreSQL 驱动 psycopg", hint="pip install 'automator[scale]'") from exc
    copied = copy_ledger(settings.ledger, url)
    for table, rows in copied.tables.items():
        click.echo(f"  ✓ {table}：{rows} 行，已核对")
    if copied.statuses:
        click.echo("    " + "，".join(f"{k} {v}" for k, v in sorted(copied.statuses.items())))
    click.echo(f"已迁移到 {masked(url)}；{settings.rel(settings.ledger)} 未作改动。\n"
               f"接下来在 {settings.rel(settings.root / 'automator.yaml')} 写上 `ledger: {masked(url)}`"
               "（密码放在 PGPASSWORD 或 ~/.pgpass），再启动服务。")
    sys.exit(0)
