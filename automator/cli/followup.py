"""`automator due`, `digest`, `rebuild-index`, `seal`, `verify-seal`: what the archive owes us."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import click

from automator.archive.backends import has_ledger
from automator.cli.common import echo_json, friendly, json_option, main, root_option, setup_logs, working_root
from automator.errors import ConfigError
from automator.exit_codes import Exit
from automator.present import safe

KIND_ZH = {"action": "行动事项", "report": "会议报告", "problem": "回访问题"}


def parse_now(text: str | None) -> dt.datetime:
    """`--now`: an ISO date-time; a date alone means the end of that day ("what is late on Friday")."""
    if not text:
        return dt.datetime.now()
    t = text.strip().replace("/", "-")
    try:
        if len(t) == 10:
            return dt.datetime.combine(dt.date.fromisoformat(t), dt.time(23, 59, 59))
        return dt.datetime.fromisoformat(t).replace(tzinfo=None)
    except ValueError:
        raise ConfigError(f"--now {text!r} 不是日期或日期时间", hint="例如 --now 2026-11-27 或 --now 2026-11-27T09:00") from None


def _context(root: Path | None):  # type: ignore[no-untyped-def]
    from automator.pipeline import load_context

    return load_context(working_root(root), lint=False)


@main.command()
@click.option("--client", default=None, help="只看这个客户")
@click.option("--now", "now_text", default=None, metavar="ISO", help="按这个时刻计算（默认：现在）；只给日期表示当天结束时")
@root_option
@json_option
@friendly
def due(client: str | None, now_text: str | None, root: Path | None, as_json: bool) -> None:
    """逾期未办的事：行动事项、未交的会议报告、紧急回访问题（负责人和来源）。"""
    from automator.followup.due import due_list
    from automator.followup.records import load_all

    ctx = _context(root)
    now = parse_now(now_text)
    clients = load_all(ctx.open_ledger(), ctx.ruleset) if has_ledger(ctx.settings) else {}
    found = due_list(clients, now, client=client, done_words=tuple(ctx.ruleset.words.get("done", ())))
    if as_json:
        echo_json({"due": [d.to_json() for d in found]})
        return
    if not found:
        click.echo(f"截至 {now:%Y-%m-%d %H:%M}，没有逾期事项。")
        return
    click.echo(f"截至 {now:%Y-%m-%d %H:%M}，逾期 {len(found)} 项：")
    for d in found:
        late = f"逾期 {d.days_late} 天" if d.days_late else "逾期不足1天"
        click.echo(safe(f"  [{KIND_ZH[d.kind]}] {d.client}：{d.what}"))
        click.echo(safe(f"      负责：{d.owner or '（未写）'}　应完成：{d.due}　{late}　来源：{d.source}"))


@main.command()
@click.option("--now", "now_text", default=None, metavar="ISO", help="按这个时刻生成（默认：现在）")
@root_option
@friendly
def digest(now_text: str | None, root: Path | None) -> None:
    """生成日报 outbox/_digest/<日期>.md 和 .xlsx（逾期事项、过去24小时归档、待复核）；配置了邮件时发给我方人员。"""
    from automator.followup import digest as daily

    ctx = _context(root)
    setup_logs(ctx.settings)
    made = daily.write(ctx, parse_now(now_text))
    assert made is not None
    for path in made.files:
        click.echo(f"已写入 {ctx.settings.rel(path)}")
    click.echo(made.subject)
    if daily.mail(ctx, made):
        click.echo("已交给邮件发送。")


@main.command("rebuild-index")
@click.option("--client", default=None, help="只重建这个客户")
@root_option
@friendly
def rebuild_index(client: str | None, root: Path | None) -> None:
    """从台账重建每个客户的品牌档案（品牌档案.xlsx）和发票台账（<年份>/发票台账.xlsx）。"""
    from automator.followup.index import rebuild

    ctx = _context(root)
    written = rebuild(ctx, client)
    for path in written:
        click.echo(f"已重建 {safe(ctx.settings.rel(path))}")
    click.echo(f"共 {len(written)} 个文件。" if written else "台账中没有已归档的文档，没有要重建的文件。")


@main.command()
@click.option("--month", "month_text", default=None, metavar="YYYY-MM", help="封存哪个月归档的文件（默认：本月）")
@click.option("--client", default=None, help="只封存这个客户")
@root_option
@json_option
@friendly
def seal(month_text: str | None, client: str | None, root: Path | None, as_json: bool) -> None:
    """月度封存：每个客户写归档清单-YYYY-MM.xlsx 和 SHA-256 清单（.sha256），之后可用 verify-seal 校验。"""
    from automator.followup import seal as sealing

    try:
        month = sealing.month_arg(month_text) if month_text else sealing.this_month()
    except ValueError:
        raise ConfigError(f"--month {month_text!r} 不是月份", hint="例如 --month 2026-11") from None
    ctx = _context(root)
    done = sealing.seal(ctx, month, client)
    if as_json:
        echo_json({"month": month, "seals": [{"client": s.client, "manifest": s.manifest, "files": s.files,
                                              "missing": s.missing} for s in done]})
        return
    if not done:
        click.echo(f"{month} 没有归档的文件，无需封存。")
    for s in done:
        if s.manifest:
            click.echo(safe(f"✓ {s.client}：封存 {s.files} 个文件 → {s.manifest}"))
        else:
            click.echo(safe(f"· {s.client}：{month} 已封存，之后没有新归档的文件"))
        for name in s.missing:
            click.echo(safe(f"    ⚠ 台账记录的文件不在了，未能封存：{name}"))


@main.command("verify-seal")
@root_option
@json_option
@friendly
def verify_seal(root: Path | None, as_json: bool) -> None:
    """校验所有封存清单：列出封存后被改动或不见了的文件。有问题时退出码为 1。"""
    from automator.followup.seal import verify

    ctx = _context(root)
    found = verify(ctx)
    if as_json:
        echo_json({"ok": all(v.ok for v in found), "seals": [
            {"manifest": v.manifest, "client": v.client, "month": v.month, "files": v.files, "ok": v.ok,
             "changed": v.changed, "missing": v.missing, "problem": v.problem} for v in found]})
    else:
        if not found:
            click.echo("还没有封存清单（automator seal --month YYYY-MM）。")
        for v in found:
            click.echo(safe(f"{'✓' if v.ok else '✗'} {v.manifest}：{v.files} 个文件"
                            + ("" if v.ok else f"，改动 {len(v.changed)}，缺失 {len(v.missing)}")))
            if v.problem:
                click.echo(safe(f"    ✗ {v.problem}"))
            for name in v.changed:
                click.echo(safe(f"    ✗ 封存后被改动：{name}"))
            for name in v.missing:
                click.echo(safe(f"    ✗ 封存后不见了：{name}"))
    sys.exit(Exit.OK if all(v.ok for v in found) else Exit.ATTENTION)
