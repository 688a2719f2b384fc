"""`automator watch`: the long-running service."""

from __future__ import annotations

from pathlib import Path

import click

from automator.cli.common import friendly, main, root_option, setup_logs, working_root

@main.command()
@root_option
@click.option("--polling", is_flag=True, help="轮询文件夹，而不用系统文件事件（网络共享盘 SMB/NFS 必须用）")
@click.option("--interval", type=click.FloatRange(0.1, 600), default=1.0, show_default=True,
              help="轮询间隔（秒）；也是检查收件箱和观察线程是否正常的间隔")
@click.option("--settle", type=click.FloatRange(0.05, 60), default=0.5, show_default=True,
              help="文件大小和修改时间须保持不变多少秒才算写完")
@click.option("--rescan", type=click.FloatRange(1, 3600), default=30.0, show_default=True,
              help="每隔多少秒全面复查一次收件箱（补上丢失的事件）")
@click.option("-j", "--jobs", type=click.IntRange(1, 64), default=None, help="处理进程数（默认：CPU 核数）")
@click.option("--serve", is_flag=True, help="同时提供网页（automator serve），随监视服务一起停止")
@click.option("--serve-host", default="127.0.0.1", show_default=True, help="网页的监听地址（同 serve --host）")
@click.option("--serve-port", type=click.IntRange(1, 65535), default=8765, show_default=True, help="网页的端口")
@friendly
def watch(root: Path | None, polling: bool, interval: float, settle: float, rescan: float,
          jobs: int | None, serve: bool, serve_host: str, serve_port: int) -> None:
    """持续监视 inbox/（含子文件夹）：文件一放进来就检查、生成并归档，直到 Ctrl+C 或 SIGTERM。"""
    from automator.watch.service import Options
    from automator.watch.service import watch as run_watch

    settings = working_root(root)
    setup_logs(settings)
    web = None
    if serve:  # checked (access control, port) before the watcher starts; then a thread beside it
        from automator.web.serve import prepare

        web = prepare(settings, serve_host, serve_port, echo=click.echo).start()
        click.echo(f"网页：{web.url}")
    try:
        run_watch(settings, Options(polling=polling, interval=interval, settle=settle, rescan=rescan, jobs=jobs),
                  echo=click.echo)
    finally:
        if web is not None:
            web.stop()
