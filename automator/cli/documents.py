"""`automator run` and `automator check`: process files, or only check one."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from automator.cli.common import echo_json, friendly, json_option, log, main, root_option, setup_logs, working_root
from automator.errors import UsageError
from automator.exit_codes import Exit
from automator.outcome import Result, Status
from automator.pipeline.context import Context
from automator.settings import Settings
from automator.present import human_lines, log_line, safe, tally


def exit_code(results: list[Result]) -> Exit:
    return Exit.OK if all(Status(r.status).done for r in results) else Exit.ATTENTION


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@root_option
@json_option
@click.option("--dry-run", is_flag=True, help="只演练：检查并渲染，报告会去哪里，但不移动、不写入任何文件")
@click.option("-j", "--jobs", type=click.IntRange(1, 64), default=None, help="并行进程数（默认：CPU 核数）")
@click.option("--timings", type=click.Path(dir_okay=False, path_type=Path), default=None, hidden=True,
              help="benchmark: write each result's per-stage seconds to this file, one JSON object a line")
@friendly
def run(paths: tuple[Path, ...], root: Path | None, as_json: bool, dry_run: bool, jobs: int | None,
        timings: Path | None) -> None:
    """处理给定的文件（不给则处理 inbox/ 中等待的所有文件）一次。"""
    from automator.pipeline import load_context

    settings = working_root(root)
    setup_logs(settings, console=not as_json, to_file=not dry_run)  # a dry run leaves the disk as it was
    _refuse_special(settings, paths)
    ctx = load_context(settings, dry_run=dry_run)
    try:
        results, later = _run(ctx, list(paths), as_json=as_json, jobs=jobs)
    finally:
        ctx.close()
    if timings is not None:
        timings.write_text("".join(json.dumps({"input": r.input, "status": str(r.status), "seconds": r.seconds},
                                              ensure_ascii=False) + "\n" for r in results), "utf-8")
    if as_json:
        echo_json({"results": [r.to_json() for r in results],
                   **({"waiting": [{"input": settings.rel(p), "why": why} for p, why in later]} if later else {})})
    else:
        click.echo(tally(results) if results else f"inbox 中没有等待处理的文件（{settings.rel(settings.inbox)}/）。")
        if dry_run:
            click.echo("【演练模式】以上均未实际写入。")
    sys.exit(exit_code(results))


def _refuse_special(settings: Settings, paths: tuple[Path, ...]) -> None:
    """A link, pipe or device named on the command line (outside the inbox, where it would be
    copied) is a usage error: its content is not read. Inside the inbox it is rejected as usual."""
    import stat as stat_mode

    inbox = settings.inbox.resolve()
    for path in paths:
        if path.parent.resolve().is_relative_to(inbox):
            continue
        if not stat_mode.S_ISREG(path.lstat().st_mode):
            raise UsageError(f"{path} 不是普通文件（链接、管道或设备），不处理",
                             hint="请给出 Excel 工作簿或 PDF 文件本身")


def _run(ctx: Context, paths: list[Path], *, as_json: bool, jobs: int | None
         ) -> tuple[list[Result], list[tuple[Path, str]]]:
    """Recover what a killed run left, process the files, run the chores; print as results come."""
    from automator.batch import run_many
    from automator.chores import run_all
    from automator.inbox import ready, waiting
    from automator.pipeline import recover

    dry_run = ctx.dry_run
    results: list[Result] = [] if dry_run else recover(ctx)
    files, later = ready(paths or waiting(ctx.settings), ctx.settings)
    for path, why in later:
        log.info("%s 暂不处理：%s", ctx.settings.rel(path), why)
        if not as_json:
            click.echo(safe(f"… 暂不处理 {ctx.settings.rel(path)}：{why}（下次运行时处理）"))
    if dry_run and not as_json:
        click.echo("【演练模式】不会移动或写入任何文件。")
    show_bar = not as_json and len(files) > 5 and sys.stderr.isatty()
    with click.progressbar(length=len(files), label="处理中", file=sys.stderr, hidden=not show_bar) as bar:
        for result in run_many(ctx, files, jobs=jobs):
            results.append(result)
            log.info(log_line(result))
            bar.update(1)
            if not as_json and not show_bar:
                click.echo("\n".join(human_lines(result)))
    if show_bar:
        for result in results:
            click.echo("\n".join(human_lines(result)))
    if not dry_run:
        for line in run_all(ctx):  # what waits beside the documents (PDFs, mail, webhooks…), once
            if not as_json:
                click.echo(safe(line))
    return results, later


@main.command()
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@root_option
@json_option
@friendly
def check(path: Path, root: Path | None, as_json: bool) -> None:
    """只检查一个工作簿或 PDF：列出问题，不生成、不归档任何文件。"""
    from automator.pipeline import check_file, load_context

    ctx = load_context(working_root(root), lint=False)
    job = check_file(ctx, path)
    result = job.result(ctx.settings.rel)
    if job.status == Status.REJECTED:
        if as_json:
            echo_json({"input": str(path), "status": "rejected", "reason": job.reason, "hint": job.hint,
                       "reason_code": job.reason_code, "findings": []})
        else:
            click.echo(f"⊘ 无法读取 {safe(path)}：{safe(job.reason)}\n    建议：{safe(job.hint)}")
        sys.exit(Exit.ATTENTION)
    assert job.reading is not None
    errors = result.errors
    if as_json:
        echo_json({"input": str(path), "doc_type": result.doc_type, "client": result.client,
                   "status": "review" if errors else "ok",
                   "checks": [{"check": c.check, "title": c.title, "severity": str(c.severity), "passed": c.passed}
                              for c in job.checks],
                   "findings": [f.to_json() for f in result.findings],
                   "fields": result.fields, "tables": result.tables})
    else:
        click.echo(f"{safe(path.name)}：{job.reading.rule.zh}（{safe(job.reading.how)}）")
        for c in job.checks:
            mark = "✓" if c.passed else ("✗" if any(f.severity == "error" for f in c.findings) else "⚠")
            click.echo(f"  {mark} {safe(c.title)}")
            for f in c.findings:
                click.echo(f"      {safe(f.message)}{safe(f.where)}")
        click.echo(f"结果：{'有 %d 个错误，归档前需改正' % errors if errors else '可以归档'}")
    sys.exit(Exit.ATTENTION if errors else Exit.OK)
