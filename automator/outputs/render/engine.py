"""Render one template with one context, safely and fast (fast path when it is faithful)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import IO, Any

from docx.opc.exceptions import PackageNotFoundError
from jinja2 import TemplateSyntaxError, UndefinedError
from jinja2.exceptions import SecurityError
from jinja2.exceptions import TemplateError as JinjaTemplateError
from lxml import etree

from automator.errors import DAMAGED_PACKAGE
from automator.errors import TemplateError
from automator.outputs.render.environment import _ENV, _open, _save
from automator.outputs.render.fastpath import _plan, _render_parts, _write, _zip


_BYTES: dict[Path, tuple[tuple[int, int], bytes]] = {}


def _template_bytes(template: Path) -> bytes:
    """The template file, read once per process (re-read when it changes on disk)."""
    try:
        stat = template.stat()
    except OSError as exc:
        raise TemplateError(f"找不到模板 {template}（template not found）",
                            hint="检查规则文件中的 template 名称，或运行 automator init 恢复默认模板") from exc
    stamp = (stat.st_mtime_ns, stat.st_size)
    cached = _BYTES.get(template)
    if cached and cached[0] == stamp:
        return cached[1]
    data = template.read_bytes()
    _BYTES[template] = (stamp, data)
    return data


def _missing_name(exc: UndefinedError) -> str:
    message = str(exc)
    match = re.search(r"has no attribute '([^']+)'", message) or re.search(r"'([^']+)' is undefined", message)
    return match.group(1) if match else message


def _where(exc: JinjaTemplateError) -> str:
    """The document text around a Jinja error (docxtpl attaches it as `docx_context`)."""
    lines = [line.strip() for line in getattr(exc, "docx_context", []) or [] if line.strip()]
    return f"（附近文字：{' / '.join(lines)[:120]}）" if lines else ""



def render_document(template: Path, context: dict[str, Any], out: Path | IO[bytes]) -> None:
    """Render `template` with `context` into `out` (written directly; the caller renames atomically).

    `out` may also be a binary file object (lint's trial render uses memory).
    """
    name = template.name
    data = _template_bytes(template)
    plan = _plan(template, data)
    tpl = _open(data, name) if plan is None else None
    try:
        if tpl is not None:
            tpl.render(context, jinja_env=_ENV)
            _save(tpl, out, name)
        else:
            _write(out, _zip(plan.members, _render_parts(plan, context)))
    except UndefinedError as exc:
        var = _missing_name(exc)
        raise TemplateError(
            f"模板「{name}」用到了变量「{var}」，但数据中没有 (missing variable {var} (template {name}))",
            hint="在规则文件中加上这个字段或列，或从模板中删掉它；改完运行 automator lint") from exc
    except TemplateSyntaxError as exc:
        raise TemplateError(f"模板「{name}」有语法错误：{exc.message}{_where(exc)}",
                            hint="运行 automator lint 查看出错的段落") from exc
    except SecurityError as exc:
        raise TemplateError(f"模板「{name}」访问了不安全的属性：{exc}",
                            hint="模板中不能使用以下划线开头的属性") from exc
    except JinjaTemplateError as exc:
        raise TemplateError(f"模板「{name}」无法填充：{exc}{_where(exc)}",
                            hint="运行 automator lint 检查模板") from exc
    except (*DAMAGED_PACKAGE, PackageNotFoundError) as exc:
        raise TemplateError(f"模板「{name}」不是可用的 Word .docx 文件：{exc}",
                            hint="请用 Word 另存为 .docx，然后运行 automator lint") from exc
    except etree.XMLSyntaxError as exc:
        raise TemplateError(f"模板「{name}」填充后的 XML 无效：{exc}",
                            hint="模板中的标签可能被 Word 拆开；运行 automator lint") from exc
