"""The command line: parse arguments, call one library function, print, exit.

Human output goes to stderr-free stdout lines; `--json` prints exactly one
JSON object on stdout (contract §3) and nothing else there.
"""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Any

import click

from automator.errors import AutomatorError, ConfigError
from automator.exit_codes import Exit
from automator.outcome import STATUS_MARK, STATUS_ZH, Result
from automator.settings import Settings


log = logging.getLogger("automator.run")
root_option = click.option("--root", type=click.Path(file_okay=False, path_type=Path), default=None,
                           envvar="AUTOMATOR_ROOT", help="工作根目录（含 inbox/outbox/templates/rules），默认当前目录")
json_option = click.option("--json", "as_json", is_flag=True, help="输出一个 JSON 对象（供脚本使用）")


def friendly(fn: Callable[..., Any]) -> Callable[..., Any]:
    """Our errors become one readable message and their exit code; --debug shows tracebacks."""
    @wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except AutomatorError as exc:
            if click.get_current_context().find_root().params.get("debug"):
                raise
            click.echo(f"错误：{exc}", err=True)
            sys.exit(exc.exit_code)
    return wrapper


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("-v", "--verbose", is_flag=True, help="更详细的日志")
@click.option("--debug", is_flag=True, help="出错时显示完整的 Python 调用栈")
@click.version_option(package_name="automator")
@click.pass_context
def main(ctx: click.Context, verbose: bool, debug: bool) -> None:
    """automator：检查客户执行的工作簿和供应商 PDF，填写公司 Word 模板并归入客户档案。"""
    ctx.obj = {"verbose": verbose}


def _settings(root: Path | None) -> Settings:
    settings = Settings.from_root(root)
    if not settings.rules.is_dir() or not settings.templates.is_dir():
        raise ConfigError(f"{settings.root} 不是 automator 工作目录（缺少 rules/ 或 templates/）",
                          hint=f"先运行 `automator init {settings.root}`，或用 --root 指定工作目录")
    return settings


def _logs(settings: Settings, *, console: bool = True, to_file: bool = True) -> None:
    from automator import logs

    logs.setup(settings.log_file if to_file else None, verbose=click.get_current_context().find_root().params.get("verbose", False),
               console=console)


def _echo_result(result: Result) -> None:
    mark, zh = STATUS_MARK.get(result.status, "?"), STATUS_ZH.get(result.status, result.status)
    where = f" → {result.outputs[0]}" if result.outputs else ""
    counts = []
    if result.errors:
        counts.append(f"{result.errors} 个错误")
    if result.warnings:
        counts.append(f"{result.warnings} 个提醒")
    tail = f"（{'，'.join(counts)}）" if counts else ""
    click.echo(f"{mark} {zh:<4} {result.input}{where}{tail}")
    if result.status in ("rejected", "retry") and result.reason:
        click.echo(f"    原因：{result.reason}")
        if result.hint:
            click.echo(f"    建议：{result.hint}")
    elif result.status == "review":
        for finding in [f for f in result.findings if f.severity == "error"][:5]:
            click.echo(f"    - {finding.message}{finding.where}")


def exit_code(results: list[Result]) -> Exit:
    return Exit.OK if all(r.status in ("archived", "duplicate") for r in results) else Exit.ATTENTION


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
    from automator.batch import recover, run_many, waiting
    from automator.watch.tell import describe
    from automator.pipeline import load_context

    settings = _settings(root)
    _logs(settings, console=not as_json, to_file=not dry_run)  # a dry run leaves the disk as it was
    ctx = load_context(settings, dry_run=dry_run)
    results: list[Result] = [] if dry_run else recover(ctx)
    files = list(paths) if paths else waiting(settings)
    if dry_run and not as_json:
        click.echo("【演练模式】不会移动或写入任何文件。")
    show_bar = not as_json and len(files) > 5 and sys.stderr.isatty()
    with click.progressbar(length=len(files), label="处理中", file=sys.stderr, hidden=not show_bar) as bar:
        for result in run_many(ctx, files, jobs=jobs):
            results.append(result)
            log.info(describe(result))
            bar.update(1)
            if not as_json and not show_bar:
                _echo_result(result)
    if timings is not None:
        timings.write_text("".join(json.dumps({"input": r.input, "status": r.status, "seconds": r.seconds},
                                              ensure_ascii=False) + "\n" for r in results), "utf-8")
    if as_json:
        click.echo(json.dumps({"results": [r.to_json() for r in results]}, ensure_ascii=False, indent=None))
    else:
        if show_bar:
            for result in results:
                _echo_result(result)
        if not results:
            click.echo(f"inbox 中没有等待处理的文件（{settings.rel(settings.inbox)}/）。")
        else:
            tally = {s: sum(r.status == s for r in results) for s in STATUS_ZH}
            click.echo("共 {} 个：".format(len(results)) + "，".join(
                f"{STATUS_ZH[s]} {n}" for s, n in tally.items() if n))
        if dry_run:
            click.echo("【演练模式】以上均未实际写入。")
    sys.exit(exit_code(results))


@main.command()
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@root_option
@json_option
@friendly
def check(path: Path, root: Path | None, as_json: bool) -> None:
    """只检查一个工作簿或 PDF：列出问题，不生成、不归档任何文件。"""
    from automator.errors import InputError
    from automator.pipeline import check_document, load_context, read_document

    settings = _settings(root)
    ctx = load_context(settings, lint=False)
    try:
        read = read_document(ctx, path)
    except InputError as exc:
        if as_json:
            click.echo(json.dumps({"input": str(path), "status": "rejected", "reason": exc.message,
                                   "hint": exc.hint, "findings": []}, ensure_ascii=False))
        else:
            click.echo(f"⊘ 无法读取 {path}：{exc.message}\n    建议：{exc.hint}")
        sys.exit(Exit.ATTENTION)
    checks = check_document(ctx, read)
    findings = [f for c in checks for f in c.findings]
    errors = sum(f.severity == "error" for f in findings)
    if as_json:
        click.echo(json.dumps({"input": str(path), "doc_type": read.rule.key,
                               "client": read.doc.value("client") and str(read.doc.value("client")),
                               "status": "review" if errors else "ok",
                               "checks": [{"check": c.check, "title": c.title, "severity": str(c.severity),
                                           "passed": c.passed} for c in checks],
                               "findings": [f.to_json() for f in findings]}, ensure_ascii=False))
    else:
        click.echo(f"{path.name}：{read.rule.zh}（{read.how}）")
        for c in checks:
            mark = "✓" if c.passed else ("✗" if c.severity == "error" else "⚠")
            click.echo(f"  {mark} {c.title}")
            for f in c.findings:
                click.echo(f"      {f.message}{f.where}")
        click.echo(f"结果：{'有 %d 个错误，归档前需改正' % errors if errors else '可以归档'}")
    sys.exit(Exit.ATTENTION if errors else Exit.OK)


@main.command()
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path), default=".")
@friendly
def init(directory: Path) -> None:
    """在 DIRECTORY 建立工作目录：inbox、outbox、templates、rules（不会覆盖已有文件）。"""
    from automator.init import init_root

    created, kept = init_root(directory)
    for path in created:
        click.echo(f"  新建 {path}")
    for path in kept:
        click.echo(f"  保留 {path}（已存在，未覆盖）")
    click.echo(f"工作目录已就绪：{directory.resolve()}\n把工作簿放进 {directory / 'inbox'}，然后运行 automator run --root {directory}")


@main.command()
@click.argument("doc_type")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="输出文件（默认：<类型>-空白模板.xlsx）")
@root_option
@friendly
def sample(doc_type: str, output: Path | None, root: Path | None) -> None:
    """生成某种文档的空白输入工作簿（AE 从这里开始填写）。"""
    from automator.rules import load_rules
    from automator.sample import blank_workbook

    settings = _settings(root)
    ruleset = load_rules(settings.rules)
    rule = ruleset.by_name(doc_type)
    if rule is None or rule.input != "workbook":
        raise ConfigError(f"没有「{doc_type}」这种文档类型",
                          hint="可用的类型：" + "、".join(f"{r.key}（{r.zh}）" for r in ruleset.rules.values()
                                                     if r.input == "workbook"))
    output = output or Path(f"{rule.zh}-空白模板.xlsx")
    if output.exists():
        raise ConfigError(f"{output} 已存在，未覆盖", hint="用 -o 指定另一个文件名")
    blank_workbook(rule, output)
    click.echo(f"已生成 {output}：填写「基本信息」和各表格后放入 inbox。")


@main.command()
@click.option("-n", "--limit", type=click.IntRange(1, 10000), default=20, help="显示最近多少条")
@click.option("--status", type=click.Choice(list(STATUS_ZH)), default=None, help="只看某种结果")
@root_option
@json_option
@friendly
def history(limit: int, status: str | None, root: Path | None, as_json: bool) -> None:
    """最近处理过的文件及其结果。"""
    from automator.archive.ledger import Ledger

    settings = _settings(root)
    if not settings.ledger.exists():
        entries = []
    else:
        with Ledger(settings.ledger) as ledger:
            entries = ledger.recent(limit, status=status)
    if as_json:
        click.echo(json.dumps({"history": [{"at": e.at, "input": e.input, "status": e.status,
                                            "doc_type": e.doc_type, "client": e.client, "version": e.version,
                                            "outputs": e.outputs, "findings": len(e.findings),
                                            "reason": e.reason} for e in entries]}, ensure_ascii=False))
        return
    if not entries:
        click.echo("还没有处理记录。")
    for e in entries:
        version = f" 第{e.version}版" if e.version and e.version > 1 else ""
        where = e.outputs[0] if e.outputs else ""
        click.echo(f"{e.at}  {STATUS_MARK.get(e.status, '?')} {STATUS_ZH.get(e.status, e.status):<4} "
                   f"{e.input}{version}  → {where}  问题 {len(e.findings)}")


@main.command()
@click.argument("name")
@root_option
@json_option
@friendly
def explain(name: str, root: Path | None, as_json: bool) -> None:
    """说明一个文件为什么去了它去的地方：匹配的规则、命名用的单元格、模板版本。"""
    from automator.explain import explain_text
    from automator.archive.ledger import Ledger

    settings = _settings(root)
    entries = []
    if settings.ledger.exists():
        with Ledger(settings.ledger) as ledger:
            entries = ledger.find_input(Path(name).name)
    if not entries:
        raise ConfigError(f"台账里没有「{name}」的记录", hint="用 `automator history` 查看最近处理过的文件")
    if as_json:
        click.echo(json.dumps({"input": entries[0].input, "status": entries[0].status,
                               "outputs": entries[0].outputs, "explain": entries[0].explain,
                               "changes": entries[0].changes}, ensure_ascii=False))
    else:
        click.echo(explain_text(entries[0]))


@main.command()
@click.argument("files", nargs=-1, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@root_option
@friendly
def lint(files: tuple[Path, ...], root: Path | None) -> None:
    """检查模板（默认：templates/ 中规则用到的全部模板；或给定的 .docx 文件）。"""
    from automator.template_check import lint_files

    settings = Settings.from_root(root)
    problems = lint_files(settings, list(files))
    for line in problems:
        click.echo(line)
    if problems:
        sys.exit(Exit.ATTENTION)
    click.echo("模板检查通过。")


@main.command()
@root_option
@friendly
def doctor(root: Path | None) -> None:
    """检查工作目录是否就绪：文件夹可写、规则和模板、台账、磁盘空间。"""
    from automator.doctor import diagnose

    checks = diagnose(Settings.from_root(root))
    for check in checks:
        click.echo(f"{'✓' if check.ok else '✗'} {check.message}")
        if check.hint and (not check.ok or "processing" in check.message):
            click.echo(f"    → {check.hint}")
    sys.exit(Exit.OK if all(c.ok for c in checks) else Exit.ATTENTION)


@main.command("check-rules")
@root_option
@friendly
def check_rules(root: Path | None) -> None:
    """检查规则文件和模板，不处理任何文件。"""
    from automator.pipeline import load_context

    ctx = load_context(_settings(root))
    for key, rule in ctx.ruleset.rules.items():
        click.echo(f"  ✓ {rule.zh}（{key}）：{len(rule.fields)} 个字段，{len(rule.tables)} 个表格，"
                   f"{len(rule.checks)} 项检查，模板 {rule.template or '（无）'}")
    click.echo("规则和模板均无问题。")


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
@friendly
def watch(root: Path | None, polling: bool, interval: float, settle: float, rescan: float,
          jobs: int | None) -> None:
    """持续监视 inbox/（含子文件夹）：文件一放进来就检查、生成并归档，直到 Ctrl+C 或 SIGTERM。"""
    from automator.watch.service import Options
    from automator.watch.service import watch as run_watch

    settings = _settings(root)
    _logs(settings)
    run_watch(settings, Options(polling=polling, interval=interval, settle=settle, rescan=rescan, jobs=jobs),
              echo=click.echo)


@main.command()
@root_option
@json_option
@click.option("-n", "--limit", type=click.IntRange(1, 1000), default=10, help="显示最近多少条结果")
@friendly
def status(root: Path | None, as_json: bool, limit: int) -> None:
    """监视服务是否在运行、收件箱里在等什么、正在处理什么、最近的结果。未运行时退出码为 1。"""
    from automator.watch.status import gather, lines

    settings = _settings(root)
    state = gather(settings, limit=limit)
    if as_json:
        click.echo(json.dumps(state.to_json(), ensure_ascii=False))
    else:
        for line in lines(state, settings):
            click.echo(line)
    sys.exit(Exit.OK if state.running else Exit.ATTENTION)
