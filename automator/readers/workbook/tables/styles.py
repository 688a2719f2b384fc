"""Excel's own indent (开始 → 增加缩进量) of the cells that have one.

calamine gives values, not styles; openpyxl would build an object per cell to say. A
child row indented this way carries `<alignment indent="1"/>` in its cell style, so:
the styles part says which style numbers indent, and one scan of the sheet XML says which
cells use them. Skipped when no style indents (most workbooks) or a sheet is too big to be
a document someone indents by hand.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

from defusedxml import ElementTree

from automator.readers.workbook.sheetxml import sheet_parts

MAX_BYTES = 4 * 1024 * 1024  # of sheet XML: ~40k cells
_CELL = re.compile(rb'<c r="([A-Z]{1,3})(\d+)"[^>]*?\ss="(\d+)"')


def _indenting_styles(zf: zipfile.ZipFile) -> dict[int, int]:
    """Style index (the `s` of a cell) -> indent level, for the styles that indent."""
    try:
        data = zf.read("xl/styles.xml")
    except KeyError:
        return {}
    if b"indent=" not in data:
        return {}
    root = ElementTree.fromstring(data)
    xfs = next((e for e in root if e.tag.endswith("cellXfs")), None)
    out: dict[int, int] = {}
    for i, xf in enumerate(xfs if xfs is not None else []):
        for child in xf:
            level = child.get("indent") or "0" if child.tag.endswith("alignment") else "0"
            if level.isdigit() and int(level):
                out[i] = int(level)
    return out


def _col(letters: bytes) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ch - 64
    return n


def indents(path: Path) -> dict[str, dict[tuple[int, int], int]]:
    """{sheet: {(row, col): indent}} for the cells whose style indents; {} when none do."""
    try:
        with zipfile.ZipFile(path) as zf:
            styles = _indenting_styles(zf)
            if not styles:
                return {}
            out: dict[str, dict[tuple[int, int], int]] = {}
            for name, part in (sheet_parts(zf) or {}).items():
                if zf.getinfo(part).file_size > MAX_BYTES:
                    continue
                found = {(int(r), _col(c)): styles[int(s)] for c, r, s in _CELL.findall(zf.read(part))
                         if int(s) in styles}
                if found:
                    out[name] = found
            return out
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, ElementTree.ParseError):
        return {}
