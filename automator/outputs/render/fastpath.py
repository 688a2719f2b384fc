"""The render fast path: a template package opened once per process (a `_Plan`); each render
runs only the parts docxtpl renders (body, headers, footers) through docxtpl's own pipeline
on a fresh object, and writes the zip by copying the other members' compressed bytes.
Output is byte-identical to plain docxtpl (a test keeps it so)."""

from __future__ import annotations

import io
import re
import struct
import threading
import zipfile
import zlib
from pathlib import Path
from typing import IO, Any, NamedTuple

from docx.opc.oxml import serialize_part_xml
from docx.oxml.parser import parse_xml

from automator.outputs.render.environment import _ENV, _open, _Template, patch_xml


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


