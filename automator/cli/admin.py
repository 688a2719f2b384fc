"""`automator init`, `sample`, `lint`, `check-rules`, `doctor`: setting a root up and keeping it healthy."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from automator.cli.common import friendly, main, root_option, working_root
from automator.errors import ConfigError
from automator.exit_codes import Exit
from automator.settings import Settings

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
    """生成某种文档的空白输入工作簿（AE 从这里开始填写）；`sample 通讯录` 生成空白通讯录。"""
    from automator.rules import load_rules
    from automator.sample import blank_workbook

    settings = working_root(root)
    ruleset = load_rules(settings.rules)
    if doc_type.strip().lower() in ("通讯录", "contacts"):
        from automator.deliver.contacts import FILE, write_blank

        output = output or settings.root / FILE
        if output.exists():
            raise ConfigError(f"{output} 已存在，未覆盖", hint="用 -o 指定另一个文件名")
        agency = (list(settings.config.agency.names) or [ruleset.agency.get("name", "本公司")])[0]
        write_blank(output, agency)
        click.echo(f"已生成 {output}：每人一行填写 姓名、邮箱、单位（本公司同事的单位写「{agency}」）。")
        return
    rule = ruleset.by_name(doc_type)
    if rule is None or rule.input != "workbook" or rule.match.any_workbook:  # 通用表格 has no form to fill
        raise ConfigError(f"没有「{doc_type}」这种文档类型",
                          hint="通讯录，或以下文档类型：" + "、".join(f"{r.key}（{r.zh}）" for r in ruleset.rules.values()
                                                     if r.input == "workbook" and not r.match.any_workbook))
    output = output or Path(f"{rule.zh}-空白模板.xlsx")
    if output.exists():
        raise ConfigError(f"{output} 已存在，未覆盖", hint="用 -o 指定另一个文件名")
    blank_workbook(rule, output)
    click.echo(f"已生成 {output}：填写「基本信息」和各表格后放入 inbox。")


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


@main.command("check-rules")
@root_option
@friendly
def check_rules(root: Path | None) -> None:
    """检查规则文件和模板，不处理任何文件。"""
    from automator.pipeline import load_context

    ctx = load_context(working_root(root))
    for key, rule in ctx.ruleset.rules.items():
        click.echo(f"  ✓ {rule.zh}（{key}）：{len(rule.fields)} 个字段，{len(rule.tables)} 个表格，"
                   f"{len(rule.checks)} 项检查，模板 {rule.template or '（无）'}")
    click.echo("规则和模板均无问题。")


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
