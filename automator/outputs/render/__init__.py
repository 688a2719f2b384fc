"""Fill a docxtpl template: build the context from a Document, render it safely, fast.

    ctx = build_context(doc, rule, ruleset, source_name="x.xlsx", summary="8项检查全部通过")
    render_document(templates / rule.template, ctx, out_path)

Rendering is autoescaped (pitfall 1.1), sandboxed (1.11) and strict: a variable
the data does not provide raises TemplateError naming it and the template (1.3).
Template bytes, docxtpl's XML patching and the compiled Jinja code are cached per
process. The template package is opened with python-docx once per process (a
`_Plan`); each render then runs only the parts docxtpl renders (body, headers,
footers) through docxtpl's own pipeline on a fresh docxtpl object (pitfall 1.10),
and writes the zip by copying the other members' compressed bytes. Templates the
fast path does not cover (footnotes, tags in the core properties) take the full
docxtpl path.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import struct
import threading
import zipfile
import zlib
from collections import OrderedDict
from decimal import Decimal
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, NamedTuple

from docx.opc.exceptions import PackageNotFoundError
from docx.opc.oxml import serialize_part_xml
from docx.oxml.parser import parse_xml
from docxtpl import DocxTemplate
from jinja2 import StrictUndefined, TemplateSyntaxError, UndefinedError
from jinja2.exceptions import SecurityError
from jinja2.exceptions import TemplateError as JinjaTemplateError
from jinja2.sandbox import SandboxedEnvironment
from lxml import etree
from markupsafe import Markup, escape

from automator import formatting
from automator.errors import TemplateError

if TYPE_CHECKING:
    from automator.document import Document, Table, Value
    from automator.rules.loader import RuleSet
    from automator.rules.model import Rule, TableSpec

# Column types whose values add up to a meaningful total (序号 and 折扣 do not).
SUMMABLE = {"money", "number", "minutes", "percent"}
RESERVED = ("doc", "agency", "meta")
META_KEYS = ("source", "summary", "generated", "draft", "rule_version")


# --------------------------------------------------------------------------- context


def _text(value: Value | None, type_: str) -> str:
    """The display text of one bound cell: formatted when parsed, as typed when not, never None."""
    if value is None:
        return ""
    if value.value is not None:
        return formatting.display(value.value, type_)
    if value.raw is None or (isinstance(value.raw, float) and value.raw != value.raw):
        return ""
    return formatting.clean(value.raw).strip()


def _totals(table: Table | None, spec: TableSpec) -> dict[str, str]:
    """Display totals per column: the workbook's totals row where it has a value, else the sum."""
    out = {col.key: "" for col in spec.columns}
    if table is None:
        return out
    declared = table.totals.cells if table.totals else {}
    for col in spec.columns:
        shown = _text(declared.get(col.key), col.type)
        if not shown and col.type in SUMMABLE and table.rows:
            values = [row.cells[col.key].value for row in table.rows if col.key in row.cells]
            numbers = [Decimal(v) for v in values if isinstance(v, int | Decimal) and not isinstance(v, bool)]
            if numbers:
                shown = formatting.display(sum(numbers, Decimal(0)), col.type)
        out[col.key] = shown
    return out


def build_context(doc: Document, rule: Rule, ruleset: RuleSet, *, source_name: str, summary: str,
                  draft: bool = False) -> dict[str, Any]:
    """Everything a template may use, as display strings (see tools/make_templates.py).

    - each field key → text ("" when blank);
    - each table key → list of {column key → text}; `<table>_total` → {column key → text};
    - `doc` {key, zh, en}, `agency` (letterhead), `meta` {source, summary, generated, draft, rule_version}.
    """
    ctx: dict[str, Any] = {}
    for spec in rule.tables:
        table = doc.tables.get(spec.key)
        rows = table.rows if table else []
        ctx[spec.key] = [{col.key: _text(row.cells.get(col.key), col.type) for col in spec.columns}
                         for row in rows]
        ctx[f"{spec.key}_total"] = _totals(table, spec)
    # Fields last: a field the rule declares wins over a derived `<table>_total` of the same name.
    for field in rule.fields:
        ctx[field.key] = _text(doc.fields.get(field.key), field.type)
    ctx["doc"] = {"key": rule.key, "zh": rule.zh, "en": rule.en}
    ctx["agency"] = {str(k): formatting.clean(v) for k, v in ruleset.agency.items()}
    ctx["meta"] = {
        "source": formatting.clean(source_name),
        "summary": formatting.clean(summary),
        "generated": formatting.date_zh(dt.date.today()),
        "draft": bool(draft),
        "rule_version": ruleset.versions.get(rule.key, ""),
    }
    return ctx


def expected_values(context: dict[str, Any], *, template: Path | None = None) -> dict[str, str]:
    """The non-blank texts the output must show, keyed by where they came from (`client`, `plan[2].net`).

    Pass it to `verify_docx`: it checks they appear and does not mistake a value
    like `{{ 7*7 }}` (typed by a user) for a leftover template tag. With `template`,
    only what that template actually uses is expected.
    """
    used = _used_names(template) if template is not None else None

    def wanted(name: str) -> bool:
        return used is None or name in used

    out: dict[str, str] = {}
    for key, value in context.items():
        if key in RESERVED:
            continue
        if isinstance(value, str) and value and wanted(key):
            out[key] = value
        elif isinstance(value, dict):
            out.update({f"{key}.{k}": v for k, v in value.items()
                        if isinstance(v, str) and v and wanted(f"{key}.{k}")})
        elif isinstance(value, list):
            for i, row in enumerate(value, start=1):
                if isinstance(row, dict):
                    out.update({f"{key}[{i}].{k}": v for k, v in row.items()
                                if isinstance(v, str) and v and wanted(f"{key}.{k}")})
    return out


_USED: dict[Path, tuple[tuple[int, int], set[str] | None]] = {}


def _used_names(template: Path) -> set[str] | None:
    from automator.lint import used_names

    try:
        stat = template.stat()
    except OSError:
        return None
    stamp = (stat.st_mtime_ns, stat.st_size)
    cached = _USED.get(template)
    if cached is None or cached[0] != stamp:
        cached = (stamp, used_names(template))
        _USED[template] = cached
    return cached[1]


def example_context(rule: Rule, ruleset: RuleSet) -> dict[str, Any]:
    """A context filled with the rule's example values (for lint's trial render)."""
    def example(spec: Any) -> str:
        return formatting.clean(spec.example or spec.zh)

    ctx: dict[str, Any] = {}
    for table in rule.tables:
        ctx[table.key] = [{c.key: example(c) for c in table.columns} for _ in range(2)]
        ctx[f"{table.key}_total"] = {c.key: example(c) if c.type in SUMMABLE else "" for c in table.columns}
    ctx.update({f.key: example(f) for f in rule.fields})
    ctx["doc"] = {"key": rule.key, "zh": rule.zh, "en": rule.en}
    ctx["agency"] = {str(k): formatting.clean(v) for k, v in ruleset.agency.items()}
    ctx["meta"] = {"source": "示例.xlsx", "summary": "示例", "generated": formatting.date_zh(dt.date.today()),
                   "draft": True, "rule_version": ruleset.versions.get(rule.key, "")}
    return ctx


# --------------------------------------------------------------------------- environment

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


# --------------------------------------------------------------------------- rendering

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


def _save(tpl: DocxTemplate, out: Path | IO[bytes], name: str) -> None:
    try:
        tpl.save(out)
    except (AttributeError, TypeError, KeyError) as exc:  # python-docx on a damaged package part
        raise TemplateError(f"模板「{name}」的文件结构有损坏，无法保存填好的文档：{exc}",
                            hint="请用 Word 打开模板另存为 .docx，然后运行 automator lint") from exc


_OPEN_ERRORS = (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, PackageNotFoundError, KeyError,
                ValueError, AttributeError, TypeError, etree.XMLSyntaxError)


def _open(data: bytes, name: str) -> _Template:
    tpl = _Template(io.BytesIO(data))
    try:
        tpl.init_docx()
    except _OPEN_ERRORS as exc:
        # python-docx raises all of these on a damaged or non-Word package.
        raise TemplateError(f"模板「{name}」不是可用的 Word .docx 文件：{exc}",
                            hint="请用 Word 另存为 .docx，然后运行 automator lint") from exc
    return tpl


# --------------------------------------------------------------------------- fast path

# The core properties docxtpl renders (DocxTemplate.render_properties) and the marks
# that would make them a template; the footnotes part docxtpl renders too.
_PROPERTIES = ("author", "comments", "identifier", "language", "subject", "title")
_JINJA_MARK = re.compile(r"\{[{%#]")
_FOOTNOTES = "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"
_LOCAL = struct.Struct("<4s2B4HL2L2H")      # zip local file header (as zipfile writes it)
_CENTRAL = struct.Struct("<4s4B4HL2L5H2L")  # zip central directory entry
_END = struct.Struct("<4s4H2LH")            # end of central directory


class _Member(NamedTuple):
    """One zip member of the template package as python-docx saves it, kept compressed."""

    name: bytes
    flags: int
    time: int
    date: int
    method: int
    crc: int
    size: int
    external: int
    data: bytes


class _Plan(NamedTuple):
    """A template opened once: the parts docxtpl renders, patched, and every other member's bytes.

    `skeleton` is the document part without its body, for the rendered body to go into
    (as docxtpl's `map_tree` does); `parts` are the headers and footers, in docxtpl's order.
    """

    document: str
    body: str
    skeleton: bytes
    body_index: int
    parts: tuple[tuple[str, str, str], ...]   # (member name, encoding, patched XML)
    members: tuple[_Member, ...]


def _members(package: bytes) -> tuple[_Member, ...]:
    out = []
    with zipfile.ZipFile(io.BytesIO(package)) as archive:
        for info in archive.infolist():
            name_len, extra_len = struct.unpack_from("<HH", package, info.header_offset + 26)
            start = info.header_offset + _LOCAL.size + name_len + extra_len
            year, month, day, hour, minute, second = info.date_time
            name = info.filename.encode()
            flags = (info.flag_bits & ~0x08) | (0x800 if not info.filename.isascii() else 0)
            out.append(_Member(name, flags, hour << 11 | minute << 5 | second // 2,
                               (year - 1980) << 9 | month << 5 | day, info.compress_type, info.CRC,
                               info.file_size, info.external_attr,
                               package[start:start + info.compress_size]))
    return tuple(out)


def _build_plan(data: bytes, name: str) -> _Plan | None:
    """Open the template with python-docx once; None when only the full docxtpl path is faithful."""
    tpl = _open(data, name)
    document = tpl.docx
    core = document.core_properties
    if any(_JINJA_MARK.search(getattr(core, prop) or "") for prop in _PROPERTIES):
        return None
    if any(part.content_type == _FOOTNOTES for part in document.part.package.iter_parts()):
        return None
    parts = []
    for uri in (tpl.HEADER_URI, tpl.FOOTER_URI):
        for _, part in tpl.get_headers_footers(uri):
            xml = tpl.get_part_xml(part)
            parts.append((part.partname.membername, tpl.get_headers_footers_encoding(xml), patch_xml(xml)))
    if len({member for member, _, _ in parts}) != len(parts):
        return None   # one header part behind two relationships: docxtpl writes it twice
    body = patch_xml(tpl.get_xml())
    root = document.element
    body_index = root.index(root.body)
    # Properties without tags render to the same text for any context: once is enough.
    tpl.render_properties({}, _ENV)
    package = io.BytesIO()
    try:
        document.save(package)
    except (AttributeError, TypeError, KeyError):
        return None   # the full path reports it
    root.remove(root.body)
    return _Plan(document.part.partname.membername, body, serialize_part_xml(root), body_index,
                 tuple(parts), _members(package.getvalue()))


_PLANS: dict[Path, tuple[bytes, _Plan | None]] = {}
_PLAN_LOCK = threading.Lock()


def _plan(template: Path, data: bytes) -> _Plan | None:
    with _PLAN_LOCK:
        cached = _PLANS.get(template)
    if cached is not None and cached[0] is data:
        return cached[1]
    plan = _build_plan(data, template.name)
    with _PLAN_LOCK:
        _PLANS[template] = (data, plan)
    return plan


def _render_parts(plan: _Plan, context: dict[str, Any]) -> dict[str, bytes]:
    """docxtpl's render (body, headers, footers) on a fresh object, as python-docx would serialize it."""
    tpl = _Template("unused")
    tpl.docx_ids_index = 1000   # what DocxTemplate.render_init sets
    xml = tpl.render_xml_part(plan.body, None, context, _ENV)
    tree = tpl.fix_tables(xml)
    tpl.fix_docpr_ids(tree)
    root = parse_xml(plan.skeleton)
    root.insert(plan.body_index, tree)
    rendered = {plan.document: serialize_part_xml(root)}
    for member, encoding, src in plan.parts:
        xml = tpl.render_xml_part(src, None, context, _ENV)
        rendered[member] = serialize_part_xml(parse_xml(xml.encode(encoding)))
    return rendered


def _zip(members: tuple[_Member, ...], rendered: dict[str, bytes]) -> bytes:
    """The package: rendered parts deflated, every other member copied as stored bytes."""
    chunks: list[bytes] = []
    central: list[bytes] = []
    offset = 0
    for m in members:
        blob = rendered.get(m.name.decode())
        if blob is None:
            method, crc, size, payload = m.method, m.crc, m.size, m.data
        else:
            deflate = zlib.compressobj(zlib.Z_DEFAULT_COMPRESSION, zlib.DEFLATED, -15)
            method, crc, size = zipfile.ZIP_DEFLATED, zlib.crc32(blob), len(blob)
            payload = deflate.compress(blob) + deflate.flush()
        chunks += (_LOCAL.pack(b"PK\x03\x04", 20, 0, m.flags, method, m.time, m.date, crc, len(payload), size,
                               len(m.name), 0), m.name, payload)
        central += (_CENTRAL.pack(b"PK\x01\x02", 20, 3, 20, 0, m.flags, method, m.time, m.date, crc,
                                  len(payload), size, len(m.name), 0, 0, 0, 0, m.external, offset), m.name)
        offset += _LOCAL.size + len(m.name) + len(payload)
    directory = b"".join(central)
    end = _END.pack(b"PK\x05\x06", 0, 0, len(members), len(members), len(directory), offset, 0)
    return b"".join(chunks) + directory + end


def _write(out: Path | IO[bytes], payload: bytes) -> None:
    if isinstance(out, Path | str):
        Path(out).write_bytes(payload)
    else:
        out.write(payload)


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
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, PackageNotFoundError, KeyError,
            ValueError) as exc:
        raise TemplateError(f"模板「{name}」不是可用的 Word .docx 文件：{exc}",
                            hint="请用 Word 另存为 .docx，然后运行 automator lint") from exc
    except etree.XMLSyntaxError as exc:
        raise TemplateError(f"模板「{name}」填充后的 XML 无效：{exc}",
                            hint="模板中的标签可能被 Word 拆开；运行 automator lint") from exc
