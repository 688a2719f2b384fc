"""What every command shares: the group, the --root/--json options, settings, logging,
JSON output, and the one place our errors become a message and an exit code."""

from __future__ import annotations

import json
import logging
import re
import sys
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Any

import click

from automator.errors import AutomatorError, ConfigError
from automator.exit_codes import Exit
from automator.settings import Settings

log = logging.getLogger("automator.cli")
root_option = click.option("--root", type=click.Path(file_okay=False, path_type=Path), default=None,
                           envvar="AUTOMATOR_ROOT", help="工作根目录（含 inbox/outbox/templates/rules），默认当前目录")
json_option = click.option("--json", "as_json", is_flag=True, help="输出一个 JSON 对象（供脚本使用）")
_SURROGATE = re.compile(r"[\ud800-\udfff]")


def friendly(fn: Callable[..., Any]) -> Callable[..., Any]:
    """Our errors become one readable message and their exit code; --debug shows tracebacks.
    A bug becomes one line too (and the traceback goes to the log), never a traceback on screen."""
    @wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        debug = click.get_current_context().find_root().params.get("debug")
        try:
            return fn(*args, **kwargs)
        except AutomatorError as exc:
            if debug:
                raise
            click.echo(f"错误：{exc}", err=True)
            sys.exit(exc.exit_code)
        except Exception as exc:  # noqa: BLE001 - cli.main's catch-all: one line, details in the log
            if debug:
                raise
            log.exception("unexpected error")
            click.echo(f"错误：程序内部错误（{type(exc).__name__}: {exc}）；详情见 automator.log，用 --debug 显示调用栈",
                       err=True)
            sys.exit(Exit.USAGE)
    return wrapper


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("-v", "--verbose", is_flag=True, help="更详细的日志")
@click.option("--debug", is_flag=True, help="出错时显示完整的 Python 调用栈")
@click.version_option(package_name="automator")
@click.pass_context
def main(ctx: click.Context, verbose: bool, debug: bool) -> None:
    """automator：检查客户执行的工作簿和供应商 PDF，填写公司 Word 模板并归入客户档案。"""
    ctx.obj = {"verbose": verbose}


def working_root(root: Path | None) -> Settings:
    settings = Settings.from_root(root)
    if not settings.rules.is_dir() or not settings.templates.is_dir():
        raise ConfigError(f"{settings.root} 不是 automator 工作目录（缺少 rules/ 或 templates/）",
                          hint=f"先运行 `automator init {settings.root}`，或用 --root 指定工作目录")
    return settings


def setup_logs(settings: Settings, *, console: bool = True, to_file: bool = True) -> None:
    from automator import logs

    verbose = click.get_current_context().find_root().params.get("verbose", False)
    logs.setup(settings.log_file if to_file else None, verbose=verbose, console=console)


def dumps(data: Any) -> str:
    """One JSON line for scripts; a lone surrogate (an undecodable file name, `_xD800_` in a cell)
    is written as its JSON escape instead of breaking the output."""
    return _SURROGATE.sub(lambda m: f"\\u{ord(m.group()):04x}", json.dumps(data, ensure_ascii=False))


def echo_json(data: Any) -> None:
    click.echo(dumps(data))
