"""`automator history`, `explain`, `status`: what happened, read from the ledger and the watchers."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from automator.cli.common import dumps, friendly, json_option, main, root_option, working_root
from automator.errors import ConfigError
from automator.exit_codes import Exit
from automator.outcome import STATUS_MARK, STATUS_ZH
from automator.present import pad, safe, safe_lines

@main.command()
@click.option("-n", "--limit", type=click.IntRange(1, 10000), default=20, help="显示最近多少条")
@click.option("--status", type=click.Choice(list(STATUS_ZH)), default=None, help="只看某种结果")
@root_option
@json_option
@friendly
def history(limit: int, status: str | None, root: Path | None, as_json: bool) -> None:
    """最近处理过的文件及其结果。"""
    from automator.archive.ledger import Ledger

    settings = working_root(root)
    if not settings.ledger.exists():
        entries = []
    else:
        with Ledger(settings.ledger, readonly=True) as ledger:
            entries = ledger.recent(limit, status=status)
    if as_json:
        from automator.explain import history_item

        click.echo(dumps({"history": [history_item(e) for e in entries]}))
        return
    if not entries:
        click.echo("还没有处理记录。")
    for e in entries:
        version = f" 第{e.version}版" if e.version and e.version > 1 else ""
        where = e.outputs[0] if e.outputs else ""
        click.echo(f"{e.at}  {STATUS_MARK.get(e.status, '?')} {pad(STATUS_ZH.get(e.status, e.status), 8)} "
                   + safe(f"{e.input}{version}  → {where}  问题 {len(e.findings)}"))


@main.command()
@click.argument("name")
@root_option
@json_option
@friendly
def explain(name: str, root: Path | None, as_json: bool) -> None:
    """说明一个文件为什么去了它去的地方：匹配的规则、命名用的单元格、模板版本。"""
    from automator.explain import explain_text
    from automator.archive.ledger import Ledger

    settings = working_root(root)
    entries = []
    if settings.ledger.exists():
        with Ledger(settings.ledger, readonly=True) as ledger:
            entries = ledger.find_input(Path(name).name)
    if not entries:
        raise ConfigError(f"台账里没有「{name}」的记录", hint="用 `automator history` 查看最近处理过的文件")
    if as_json:
        from automator.explain import explain_item

        click.echo(dumps(explain_item(entries[0])))
    else:
        click.echo(safe_lines(explain_text(entries[0])))


@main.command()
@root_option
@json_option
@click.option("-n", "--limit", type=click.IntRange(1, 1000), default=10, help="显示最近多少条结果")
@friendly
def status(root: Path | None, as_json: bool, limit: int) -> None:
    """监视服务是否在运行、收件箱里在等什么、正在处理什么、最近的结果。未运行时退出码为 1。"""
    from automator.watch.status import gather, lines

    settings = working_root(root)
    state = gather(settings, limit=limit)
    if as_json:
        click.echo(dumps(state.to_json()))
    else:
        for line in lines(state, settings):
            click.echo(safe(line))
    sys.exit(Exit.OK if state.running else Exit.ATTENTION)
