"""`automator serve`: the web pages (概览, 档案, 搜索, 历史) for the account team."""

from __future__ import annotations

from pathlib import Path

import click

from automator.cli.common import friendly, main, root_option, setup_logs, working_root
from automator.errors import ConfigError

host_option = click.option("--host", default="127.0.0.1", show_default=True,
                           help="监听地址；不是本机地址时必须先在 automator.yaml 的 web: 下配置访问控制")
port_option = click.option("--port", type=click.IntRange(1, 65535), default=8765, show_default=True, help="端口")


@main.command()
@root_option
@host_option
@port_option
@click.option("--reindex", is_flag=True, help="先从台账和 outbox 重建搜索索引（search.sqlite）")
@click.option("--certfile", type=click.Path(dir_okay=False, exists=True, path_type=Path), default=None,
              help="HTTPS 证书（PEM），与 --keyfile 一起")
@click.option("--keyfile", type=click.Path(dir_okay=False, exists=True, path_type=Path), default=None,
              help="HTTPS 私钥（PEM）")
@click.option("--hash-password", "hash_only", is_flag=True,
              help="输入一个密码，打印它的加盐哈希（写进 automator.yaml 的 web.users）后退出")
@friendly
def serve(root: Path | None, host: str, port: int, reindex: bool, certfile: Path | None, keyfile: Path | None,
          hash_only: bool) -> None:
    """网页：概览、档案、搜索、历史（默认只在本机：http://127.0.0.1:8765/）。Ctrl+C 停止。"""
    if hash_only:
        from automator.web.access import hash_password

        password = click.prompt("密码", hide_input=True, confirmation_prompt="再输一次", err=True)
        if len(password) < 8:
            raise ConfigError("密码至少要 8 个字符")
        click.echo(hash_password(password))
        click.echo('写进 automator.yaml：web: {users: [{name: 姓名, password_hash: "<上面这一行>"}]}', err=True)
        return
    from automator.web.serve import prepare

    settings = working_root(root)
    setup_logs(settings)
    server = prepare(settings, host, port, reindex=reindex, certfile=certfile, keyfile=keyfile, echo=click.echo)
    click.echo(f"网页已启动：{server.url}（Ctrl+C 停止）")
    server.run()
