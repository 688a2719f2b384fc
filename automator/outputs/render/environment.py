"""The Jinja environment renders use (sandboxed, autoescaping, strict) and docxtpl's tag
repair, memoised per process; opening a template package with python-docx."""

from __future__ import annotations

import io
import re
import threading
from collections import OrderedDict
from pathlib import Path
from typing import IO, Any

from docx.opc.exceptions import PackageNotFoundError
from docxtpl import DocxTemplate
from jinja2 import StrictUndefined
from jinja2.sandbox import SandboxedEnvironment
from lxml import etree
from markupsafe import Markup, escape

from automator import formatting
from automator.errors import DAMAGED_PACKAGE
from automator.errors import TemplateError


# docxtpl turns `{_{`, `}_}`, `{_%`, `%_}` in the rendered XML into real braces; in a
# value they must survive as typed, so the `_` goes in as a character reference.
_DOCXTPL_MARKERS = re.compile(r"\{_(?=[{%])|(?<=[}%])_\}")


def _finalize(value: Any) -> Any:
    """None/NaN print as blank (pitfall 1.3); strings are made XML-safe (1.2, 1.7)."""
    if value is None:
        return ""
    if isinstance(value, float) and value != value:
        return ""
    if isinstance(value, str) and not isinstance(value, Markup):
        value = formatting.clean(value)
        if _DOCXTPL_MARKERS.search(value):
            return Markup(_DOCXTPL_MARKERS.sub(lambda m: m.group().replace("_", "&#95;"), str(escape(value))))
    return value


class _Environment(SandboxedEnvironment):
    """A sandboxed, autoescaping, strict environment that compiles each template text once.

    docxtpl calls `from_string` on every render with the same patched XML; compiling
    is the costliest step, and the compiled template is immutable, so it is shared.
    """

    def __init__(self) -> None:
        super().__init__(autoescape=True, undefined=StrictUndefined, finalize=_finalize)
        self._compiled: OrderedDict[str, Any] = OrderedDict()
        self._lock = threading.Lock()

    def from_string(self, source: Any, globals: Any = None, template_class: Any = None) -> Any:  # noqa: A002
        if globals or template_class or not isinstance(source, str):
            return super().from_string(source, globals, template_class)
        with self._lock:
            hit = self._compiled.get(source)
            if hit is not None:
                self._compiled.move_to_end(source)
                return hit
        template = super().from_string(source)
        with self._lock:
            self._compiled[source] = template
            while len(self._compiled) > 256:
                self._compiled.popitem(last=False)
        return template


_ENV = _Environment()


def environment() -> SandboxedEnvironment:
    """The environment renders use (lint uses it too, so both agree on what is valid)."""
    return _ENV


_PATCHED: OrderedDict[str, str] = OrderedDict()
_PATCH_LOCK = threading.Lock()
_PATCHER = DocxTemplate("unused")  # patch_xml is pure text work; no file is opened


def patch_xml(src_xml: str) -> str:
    """docxtpl's tag repair (rejoin split runs, `{%tr %}` → row loop…), memoised per XML text."""
    with _PATCH_LOCK:
        hit = _PATCHED.get(src_xml)
    if hit is None:
        hit = DocxTemplate.patch_xml(_PATCHER, src_xml)
        with _PATCH_LOCK:
            _PATCHED[src_xml] = hit
            while len(_PATCHED) > 256:
                _PATCHED.popitem(last=False)
    return hit


_LISTING = re.compile("[\t\a\n\f]")
_PARAGRAPH = re.compile(r"<w:p(?: [^>]*)?>.*?</w:p>", re.S)


class _Template(DocxTemplate):
    """A DocxTemplate that shares the memoised patching and skips needless listing work.

    `resolve_listing` turns `\n`/`\t` in values into Word breaks/tabs by running three
    nested regexes over every paragraph; only paragraphs that contain one need it.
    """

    def patch_xml(self, src_xml: str) -> str:
        return patch_xml(src_xml)

    def resolve_listing(self, xml: str) -> str:
        if not _LISTING.search(xml):
            return xml
        resolve = super().resolve_listing
        return _PARAGRAPH.sub(lambda m: resolve(m.group()) if _LISTING.search(m.group()) else m.group(), xml)


def _save(tpl: DocxTemplate, out: Path | IO[bytes], name: str) -> None:
    try:
        tpl.save(out)
    except (AttributeError, TypeError, KeyError) as exc:  # python-docx on a damaged package part
        raise TemplateError(f"模板「{name}」的文件结构有损坏，无法保存填好的文档：{exc}",
                            hint="请用 Word 打开模板另存为 .docx，然后运行 automator lint") from exc


_OPEN_ERRORS = (*DAMAGED_PACKAGE, PackageNotFoundError, AttributeError, TypeError, etree.XMLSyntaxError)


def _open(data: bytes, name: str) -> _Template:
    tpl = _Template(io.BytesIO(data))
    try:
        tpl.init_docx()
    except _OPEN_ERRORS as exc:
        # python-docx raises all of these on a damaged or non-Word package.
        raise TemplateError(f"模板「{name}」不是可用的 Word .docx 文件：{exc}",
                            hint="请用 Word 另存为 .docx，然后运行 automator lint") from exc
    return tpl

