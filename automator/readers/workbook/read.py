"""Read: a workbook's cells, as typed, with their coordinates.

Values come from python-calamine, which reads a sheet in milliseconds; formulas, which
calamine does not give, come straight from the sheet XML (`sheetxml`), so a workbook with
formulas costs little more than one without (113,884 cells with one formula: 0.2 s, where
openpyxl's normal mode took 6 s). calamine's values get openpyxl's types (dates as datetime,
whole numbers as int). A formula whose cached value is missing is left `uncached` until
someone asks for it (`RawWorkbook.resolve`); it is never turned into blank or zero.

Files laid out unlike Excel's (parts outside `xl/`, formula cells without an address) take
the openpyxl path; files openpyxl cannot open (Strict Open XML, missing shared strings) are
read by calamine alone.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import logging
import re
import warnings
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from automator.errors import InputError
from automator.readers.workbook.raw import EXCEL_EPOCH, MAX_EVALUATED, RawCell, RawSheet, RawWorkbook
from automator.readers.workbook.survey import MAX_CELLS, survey
from automator.values import is_blank

log = logging.getLogger(__name__)
__all__ = ["EXCEL_EPOCH", "MAX_EVALUATED", "RawCell", "RawSheet", "RawWorkbook", "read_workbook"]
_WHOLE = 2 ** 53  # floats below this that are whole are exact ints
# Built-in number formats 27–36 and 50–58 are the East-Asian date and time formats
# (zh-CN: 31 is yyyy"年"m"月"d"日", 32 h"时"mm"分"…): Excel shows those cells as dates.
# openpyxl knows only the locale-independent built-ins and reads them as bare serials;
# calamine reads them as dates. The date is right, so the openpyxl path converts too.
CJK_DATE_FORMATS = frozenset(range(27, 37)) | frozenset(range(50, 59))


_ESCAPE = re.compile(r"_x([0-9A-Fa-f]{4})_")


def _unescape(text: str) -> str:
    """OOXML writes characters XML cannot hold as `_xHHHH_` (`_x000D_` for a carriage return,
    `_x005F_` for a literal `_`). calamine decodes them; openpyxl leaves them as text."""
    return _ESCAPE.sub(lambda m: _char(int(m.group(1), 16)), text)


def _char(code: int) -> str:
    # `_xD800_` would be half a surrogate pair: no text can hold it alone.
    return "\ufffd" if 0xD800 <= code <= 0xDFFF else chr(code)


@contextlib.contextmanager
def _quiet() -> Iterator[None]:
    """Silence a library's chatter: openpyxl warns about odd producers' parts and even print()s
    ("0 is out of range" for a bad style index), which would corrupt `run --json` on stdout."""
    with warnings.catch_warnings(), contextlib.redirect_stdout(io.StringIO()):
        warnings.simplefilter("ignore")
        yield


def read_workbook(path: Path, *, evaluate: bool = True) -> RawWorkbook:
    """Every non-empty cell of every sheet. Raises InputError for what cannot be read.

    `evaluate=False` leaves formulas without a cached value uncomputed: the caller asks
    `book.resolve(cells)` for the ones it needs (the pipeline does, after classifying).
    """
    book = _read_calamine_first(path, formulas=survey(path))
    if book is None:
        try:
            book = _read_openpyxl(path)
        except InputError:
            raise
        except Exception as exc:  # noqa: BLE001 - openpyxl fails in dozens of ways on odd files
            log.info("openpyxl could not read %s (%s: %s); trying calamine", path.name, type(exc).__name__, exc)
            book = None
        if book is None or not book.sheets:
            book = _read_calamine(path)
    if evaluate:
        book.resolve()
    return book


def _plain_value(value: Any) -> Any:
    """A calamine value as openpyxl gives it: a date as a datetime at midnight, a whole number as int."""
    if isinstance(value, float):
        return int(value) if value.is_integer() and abs(value) < _WHOLE else value
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return dt.datetime(value.year, value.month, value.day)
    return value


def _read_plain(path: Path, *, formulas: bool | None | str = "unknown") -> RawWorkbook | None:
    """A workbook without formulas, read by calamine alone (merged cells included); None otherwise."""
    found = survey(path) if formulas == "unknown" else formulas
    if found is not False:
        return None
    return _read_calamine_first(path, formulas=False)


def _read_calamine_first(path: Path, *, formulas: bool | None) -> RawWorkbook | None:
    """calamine's values, plus the formulas from the sheet XML when the survey saw any.

    None when anything about the file is unusual: the openpyxl path then decides, as it
    does for every file this one declines.
    """
    if formulas is None:
        return None  # sheets not where Excel puts them
    found: dict[str, dict[tuple[int, int], str]] = {}
    if formulas:
        from automator.readers.workbook.sheetxml import formulas_by_sheet

        scanned = formulas_by_sheet(path)
        if scanned is None:
            return None
        found = scanned
    try:
        from python_calamine import CalamineWorkbook

        cwb = CalamineWorkbook.from_path(str(path))
    except Exception:  # noqa: BLE001 - the usual path reports what is wrong with the file
        return None
    try:
        sheets = _calamine_sheets(cwb)
    except InputError:
        raise
    except Exception:  # noqa: BLE001 - as above: let the usual path read it
        return None
    finally:
        cwb.close()
    if not sheets or any(name not in sheets for name in found if found[name]):
        return None
    book = RawWorkbook(path, sheets, epoch=_epoch_from_zip(path), reader="calamine")
    for name, cells in found.items():
        _overlay_formulas(book, sheets[name], cells)
    return book


def _calamine_sheets(cwb: Any) -> dict[str, RawSheet]:
    from python_calamine import SheetTypeEnum

    sheets: dict[str, RawSheet] = {}
    total = 0
    for meta in cwb.sheets_metadata:
        if meta.typ != SheetTypeEnum.WorkSheet:
            continue
        source = cwb.get_sheet_by_name(meta.name)
        merged = source.merged_cell_ranges or []  # ((row, col), (row, col)), 0-based, inclusive
        titles = {(r0 + 1, c0 + 1) for (r0, c0), (_, c1) in merged if c1 > c0}
        sheet = RawSheet(meta.name, merges=[(r0 + 1, c0 + 1, r1 + 1, c1 + 1) for (r0, c0), (r1, c1) in merged])
        rows = sheet.rows
        for r, values in enumerate(source.to_python(skip_empty_area=False), start=1):
            line: dict[int, RawCell] | None = None
            for c, value in enumerate(values, start=1):
                # inlined _plain_value/is_blank: this loop runs once per cell (114k on a media inventory)
                kind = type(value)
                if kind is str:
                    if not value or value.isspace():
                        continue
                elif kind is float:
                    if value != value:
                        continue
                    if value.is_integer() and abs(value) < _WHOLE:
                        value = int(value)
                elif kind is dt.date:
                    value = dt.datetime(value.year, value.month, value.day)
                elif value is None:
                    continue
                if line is None:
                    line = rows.setdefault(r, {})
                line[c] = RawCell(r, c, value, merged_title=(r, c) in titles) if titles else RawCell(r, c, value)
            if line is not None:
                total = _counted(total, len(line))
        _copy_vertical_merges(sheet)
        sheets[meta.name] = sheet
    return sheets


def _copy_vertical_merges(sheet: RawSheet) -> None:
    """A label merged down A2:A4 labels each of those rows (the copies are marked as copies)."""
    for r0, c0, r1, c1 in sheet.merges:
        anchor = sheet.cell(r0, c0)
        if c1 == c0 and r1 > r0 and anchor is not None:
            for row in range(r0 + 1, r1 + 1):
                sheet.rows.setdefault(row, {})[c0] = RawCell(row, c0, anchor.value, copy=True)


def _overlay_formulas(book: RawWorkbook, sheet: RawSheet, cells: dict[tuple[int, int], str]) -> None:
    for (row, col), formula in cells.items():
        cell = sheet.cell(row, col)
        if cell is None or cell.copy:
            cell = RawCell(row, col, None)
            sheet.rows.setdefault(row, {})[col] = cell
        cell.formula = formula
        if cell.value is None or cell.value == "":
            cell.value, cell.uncached = None, True
        book.formulas.append((sheet.name, cell))


def _counted(total: int, more: int = 1) -> int:
    """`more` cells more; past MAX_CELLS the workbook is not a document someone typed."""
    total += more
    if total > MAX_CELLS:
        raise InputError(f"工作簿单元格过多（超过 {MAX_CELLS:,} 个），一份文档不应有这么多数据",
                         hint="请只保留本文档需要的行后另存", code="too-large")
    return total


def _read_openpyxl(path: Path) -> RawWorkbook | None:
    import openpyxl
    from openpyxl.utils.datetime import from_excel

    # A file object: openpyxl then ignores the (possibly odd) extension. Its UserWarnings about
    # odd producers' parts would reach the user's console; what matters is caught below.
    with path.open("rb") as fh, _quiet():
        wb = openpyxl.load_workbook(fh, data_only=False, read_only=False, keep_links=False)
    try:
        if not wb.worksheets:
            return None  # e.g. Strict Open XML: openpyxl sees no sheets; calamine reads them
        sheets: dict[str, RawSheet] = {}
        formulas: list[tuple[str, RawCell]] = []
        total = 0
        for ws in wb.worksheets:
            sheet = RawSheet(ws.title)
            titles = {(r.min_row, r.min_col) for r in ws.merged_cells.ranges if r.max_col > r.min_col}
            # ws._cells holds only the cells present in the file; iter_rows() would walk the
            # whole dimension, which some producers declare as A1:XFD1048576.
            for (row, col), cell in ws._cells.items():  # noqa: SLF001
                value = cell.value
                if isinstance(value, str) and "_x" in value:
                    value = _unescape(value)
                if is_blank(value):
                    continue
                if cell.data_type == "n" and _cjk_date(cell):
                    value = from_excel(value, getattr(wb, "epoch", EXCEL_EPOCH))
                total = _counted(total)
                raw = RawCell(row, col, value, merged_title=(row, col) in titles)
                if cell.data_type == "f" or (isinstance(value, str) and value.startswith("=")):
                    raw.formula = str(getattr(value, "text", value))
                    raw.value = None
                    formulas.append((ws.title, raw))
                sheet.rows.setdefault(row, {})[col] = raw
            sheet.merges = [(r.min_row, r.min_col, r.max_row, r.max_col) for r in ws.merged_cells.ranges]
            _copy_vertical_merges(sheet)
            sheets[ws.title] = sheet
        book = RawWorkbook(path, sheets, epoch=getattr(wb, "epoch", EXCEL_EPOCH))
    finally:
        wb.close()
    if formulas:
        _fill_cached(book, formulas)
    return book


def _cjk_date(cell: Any) -> bool:
    """A number in an East-Asian built-in date format (see CJK_DATE_FORMATS)."""
    value = cell.value
    if isinstance(value, bool) or not isinstance(value, int | float):
        return False
    style = getattr(cell, "_style", None)
    return style is not None and style.numFmtId in CJK_DATE_FORMATS


def _fill_cached(book: RawWorkbook, formulas: list[tuple[str, RawCell]]) -> None:
    """Cached formula results from calamine; the rest marked uncached (see RawWorkbook.resolve)."""
    grids: dict[str, list[list[Any]]] = {}
    try:
        from python_calamine import CalamineWorkbook

        cwb = CalamineWorkbook.from_path(str(book.path))
        for name in {sheet for sheet, _ in formulas}:
            grids[name] = cwb.get_sheet_by_name(name).to_python(skip_empty_area=False)
        cwb.close()
    except Exception as exc:  # noqa: BLE001 - then every formula counts as uncached
        log.info("calamine could not read cached values of %s: %s", book.path.name, exc)
    for sheet, cell in formulas:
        grid = grids.get(sheet, [])
        cached = grid[cell.row - 1][cell.col - 1] if cell.row <= len(grid) and cell.col <= len(
            grid[cell.row - 1]) else ""
        if cached == "" or cached is None:
            cell.uncached = True
        else:
            cell.value = _plain_value(cached)
    book.formulas = list(formulas)


def _read_calamine(path: Path) -> RawWorkbook:
    try:
        from python_calamine import CalamineWorkbook

        cwb = CalamineWorkbook.from_path(str(path))
    except Exception as exc:  # noqa: BLE001 - both readers failed: the file is damaged
        raise InputError("工作簿已损坏，Excel 文件结构不完整，无法读取",
                         hint="请用 Excel 或 WPS 打开确认后另存为 .xlsx 再放入", code="damaged") from exc
    sheets: dict[str, RawSheet] = {}
    total = 0
    try:
        for name in cwb.sheet_names:
            sheet = RawSheet(name)
            try:
                grid = cwb.get_sheet_by_name(name).to_python(skip_empty_area=False)
            except Exception:  # noqa: BLE001 - a macro or chart sheet: no cells to read
                continue
            for r, values in enumerate(grid, start=1):
                for c, value in enumerate(values, start=1):
                    if not is_blank(value):
                        total += 1
                        if total > MAX_CELLS:
                            raise InputError(f"工作簿单元格过多（超过 {MAX_CELLS:,} 个）", code="too-large")
                        sheet.rows.setdefault(r, {})[c] = RawCell(r, c, value)
            sheets[name] = sheet
    finally:
        cwb.close()
    if not sheets:
        raise InputError("工作簿里没有可读取的工作表", hint="请确认文件是用 Excel/WPS 正常保存的 .xlsx",
                         code="no-sheets")
    return RawWorkbook(path, sheets, epoch=_epoch_from_zip(path), reader="calamine")


def _epoch_from_zip(path: Path) -> dt.datetime:
    """calamine converts dates itself; the epoch only matters for raw serials in date fields."""
    try:
        with zipfile.ZipFile(path) as zf:
            name = next((n for n in zf.namelist() if n.endswith("workbook.xml")), None)
            if name and b'date1904="1"' in zf.read(name)[:20000].replace(b"true", b"1"):
                return dt.datetime(1904, 1, 1)
    except (zipfile.BadZipFile, OSError, KeyError):
        pass
    return EXCEL_EPOCH
