"""Formula text straight from the sheet XML, without loading the workbook into openpyxl.

    found = formulas_by_sheet(path)   # {"预算": {(7, 6): "=SUM(F3:F6)"}} or None

calamine gives every cell's cached value in milliseconds but not its formula; openpyxl
gives formulas only by building an object per cell (113,884 cells: 6 s in normal mode,
0.8 s read-only). A document has few formulas, so this finds the `<f>` elements in each
sheet's `<sheetData>` (one regex pass over the part, ~10 ms for 5 MB) and expands
shared formulas (`<f t="shared" si="0"/>`) from their master the way Excel does, with
openpyxl's own formula translator.

Returns None when the package is not laid out as Excel lays it out (parts found through
workbook.xml and its relationships, every formula cell carrying its `r` address): the
caller then takes the openpyxl path, which copes with the odd producers.
"""

from __future__ import annotations

import html
import posixpath
import re
import zipfile
from pathlib import Path

from defusedxml import ElementTree

_NS_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_SHEET_DATA = re.compile(rb"<(?:\w+:)?sheetData[\s>/]")
_SHEET_DATA_END = re.compile(rb"</(?:\w+:)?sheetData>")
_F = re.compile(rb"<(?:\w+:)?f(?P<attrs>[\s][^>]*?)?(?P<close>/?)>")
_CELL_START = re.compile(rb"<(?:\w+:)?c[\s>]")
_ATTR = re.compile(rb'([\w:]+)\s*=\s*"([^"]*)"')
_COORD = re.compile(r"^([A-Z]{1,3})(\d+)$")


def _col_index(letters: str) -> int:
    index = 0
    for ch in letters:
        index = index * 26 + ord(ch) - 64
    return index


def sheet_parts(zf: zipfile.ZipFile) -> dict[str, str] | None:
    """Sheet name -> part name (`xl/worksheets/sheet1.xml`), from workbook.xml and its rels."""
    names = set(zf.namelist())
    if "xl/workbook.xml" not in names or "xl/_rels/workbook.xml.rels" not in names:
        return None
    try:
        book = ElementTree.fromstring(zf.read("xl/workbook.xml"))
        rels = ElementTree.fromstring(zf.read("xl/_rels/workbook.xml.rels"))
    except Exception:  # noqa: BLE001 - a part that does not parse: leave it to openpyxl
        return None
    targets = {r.get("Id"): r.get("Target", "") for r in rels}
    out: dict[str, str] = {}
    for sheet in book.iter():
        if not sheet.tag.endswith("}sheet"):
            continue
        target = targets.get(sheet.get(f"{{{_NS_REL}}}id"))
        if target is None:
            continue
        part = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join("xl", target))
        if part in names and "worksheets/" in part:
            out[str(sheet.get("name"))] = part
    return out


def _cell_address(data: bytes, at: int, floor: int) -> str | None:
    """The `r` of the `<c>` element that holds the `<f>` at byte `at` (its start tag is just before)."""
    window_start = max(floor, at - 2048)
    starts = list(_CELL_START.finditer(data, window_start, at))
    if not starts:
        return None
    start = starts[-1].start()
    attrs = dict(_ATTR.findall(data[start:data.find(b">", start)]))
    ref = attrs.get(b"r")
    return ref.decode("ascii", "replace").replace("$", "").upper() if ref else None


def _formulas_in(data: bytes) -> dict[tuple[int, int], str] | None:
    begin = _SHEET_DATA.search(data)
    if begin is None:
        return {}
    end_match = _SHEET_DATA_END.search(data, begin.end())
    end = end_match.start() if end_match else len(data)
    found: dict[tuple[int, int], str] = {}
    masters: dict[bytes, tuple[str, str]] = {}  # si -> (formula, its cell)
    shared: list[tuple[tuple[int, int], str, bytes]] = []
    for m in _F.finditer(data, begin.end(), end):
        coord = _cell_address(data, m.start(), begin.end())
        if coord is None or not _COORD.match(coord):
            return None  # a cell placed by order, not by address: openpyxl knows how
        attrs = dict(_ATTR.findall(m.group("attrs") or b""))
        text = ""
        if not m.group("close"):
            stop = data.find(b"</", m.end())
            text = html.unescape(data[m.end():stop].decode("utf-8", "replace")) if stop >= 0 else ""
        letters, digits = _COORD.match(coord).groups()  # type: ignore[union-attr]
        key = (int(digits), _col_index(letters))
        kind = attrs.get(b"t", b"normal")
        if kind == b"shared" and b"si" in attrs:
            if text.strip():
                masters[attrs[b"si"]] = (text, coord)
                found[key] = "=" + text
            else:
                shared.append((key, coord, attrs[b"si"]))
        elif kind == b"dataTable":
            continue  # a what-if table: Excel keeps only the results
        elif text.strip():
            found[key] = "=" + text
    for key, coord, si in shared:
        master = masters.get(si)
        if master is not None:
            found[key] = _translated(master[0], master[1], coord)
    return found


def _translated(formula: str, origin: str, dest: str) -> str:
    from openpyxl.formula.translate import Translator, TranslatorError

    try:
        return str(Translator("=" + formula, origin=origin).translate_formula(dest))
    except (TranslatorError, ValueError, IndexError):
        return "=" + formula  # left as the master's: evaluating it may fail, and then says so


def formulas_by_sheet(path: Path) -> dict[str, dict[tuple[int, int], str]] | None:
    """{sheet name: {(row, col): "=formula"}}, or None when the package is unusual."""
    try:
        with zipfile.ZipFile(path) as zf:
            parts = sheet_parts(zf)
            if not parts:
                return None
            out: dict[str, dict[tuple[int, int], str]] = {}
            for name, part in parts.items():
                found = _formulas_in(zf.read(part))
                if found is None:
                    return None
                out[name] = found
            return out
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, EOFError):
        return None


_LOCATION = re.compile(rb'<(?:\w+:)?location\s[^>]*?ref="\$?([A-Z]{1,3})\$?(\d+)(?::\$?([A-Z]{1,3})\$?(\d+))?"')


def pivot_areas(path: Path) -> dict[str, list[tuple[int, int, int, int]]]:
    """{sheet: [(row0, col0, row1, col1)]} of the pivot tables on each sheet (Excel computes their
    figures itself and may show them as counts or shares: not a table someone typed)."""
    out: dict[str, list[tuple[int, int, int, int]]] = {}
    try:
        with zipfile.ZipFile(path) as zf:
            names = set(zf.namelist())
            if not any("pivotTable" in n for n in names):
                return {}
            for sheet, part in (sheet_parts(zf) or {}).items():
                folder, base = posixpath.split(part)
                rels = f"{folder}/_rels/{base}.rels"
                if rels not in names:
                    continue
                for rel in ElementTree.fromstring(zf.read(rels)):
                    if not str(rel.get("Type", "")).endswith("/pivotTable"):
                        continue
                    target = posixpath.normpath(posixpath.join(folder, rel.get("Target", "")))
                    if target in names and (m := _LOCATION.search(zf.read(target))):
                        c0, r0 = _col_index(m[1].decode()), int(m[2])
                        c1, r1 = (_col_index(m[3].decode()), int(m[4])) if m[3] else (c0, r0)
                        out.setdefault(sheet, []).append((r0, c0, r1, c1))
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, ElementTree.ParseError):
        return out
    return out
