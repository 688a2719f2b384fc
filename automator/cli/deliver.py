"""`automator deliver`: make the PDFs and send the mails and webhooks that wait, now."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from automator.cli.common import echo_json, friendly, json_option, main, root_option, setup_logs, working_root
from automator.exit_codes import Exit
from automator.present import safe


@main.command()
@click.option("--retry", is_flag=True, help="先把失败的投递重新排队（改正原因之后用）")
@root_option
@json_option
@friendly
def deliver(retry: bool, root: Path | None, as_json: bool) -> None:
    """生成等待中的 PDF，发送等待中的邮件和通知（`automator run` 结束时和监视服务也会自动做）。"""
    from automator.deliver.queue import pending, retry_failed
    from automator.deliver.send import send_due
    from automator.pipeline import load_context

    settings = working_root(root)
    setup_logs(settings, console=not as_json)
    ctx = load_context(settings, lint=False)
    again = retry_failed(ctx.open_ledger()) if retry else 0
    lines = send_due(ctx, eager=True)
    left = pending(ctx.open_ledger(), limit=1000)
    if as_json:
        echo_json({"requeued": again, "done": lines, "pending": len(left),
                   "failed": sum(d.state == "failed" for d in left)})
    else:
        if again:
            click.echo(f"已重新排队 {again} 项失败的投递。")
        for line in lines or ["没有等待中的投递。"]:
            click.echo(safe(line))
        if left:
            click.echo(f"仍在等待或失败：{len(left)} 项（automator status 查看原因）")
    sys.exit(Exit.OK if not left else Exit.ATTENTION)
