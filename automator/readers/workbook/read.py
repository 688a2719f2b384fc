"""Read: a workbook's cells, as typed, with their coordinates.

openpyxl reads the workbook once with formulas (so we know which cells are
formulas); cached formula results come from python-calamine, which reads the
same file in about a millisecond. A formula whose cached value is missing is
evaluated (`formulas.evaluate`) or left without a value and marked, never
turned into blank or zero. Files openpyxl cannot open (Strict Open XML,
parts outside `xl/`, missing shared strings) are read by calamine alone.

A workbook without any formula is read by calamine alone too, its values given
openpyxl's types (dates as datetime, whole numbers as int): 0.8 ms instead of
7 ms per agency workbook, the largest single cost of a document otherwise.
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
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from openpyxl.utils import get_column_letter

from automator.limits import MAX_EVALUATED
from automator.errors import InputError
from automator.document import CellRef
from automator.readers.workbook.survey import MAX_CELLS, survey
from automator.values import is_blank

log = logging.getLogger(__name__)
EXCEL_EPOCH = dt.datetime(1899, 12, 30)
# Formulas without a cached result are computed; a script-written document has dozens. 5,000 of
# =SUM(big range)+IF(…) took 82 s and 560 MB, so past this many they are only marked.
_WHOLE = 2 ** 53  # floats below this that are whole are exact ints


@dataclass
class RawCell:
    row: int
    col: int
    value: Any
    formula: str | None = None
    uncached: bool = False  # a formula whose result the file does not carry
    merged_title: bool = False  # anchor of a horizontal merge (a title line)

    @property
    def coord(self) -> str:
        return f"{get_column_letter(self.col)}{self.row}"


@dataclass
class RawSheet:
    name: str
    rows: dict[int, dict[int, RawCell]] = field(default_factory=dict)  # row -> col -> cell

    def ref(self, cell: RawCell) -> CellRef:
        return CellRef(self.name, cell.coord)

    def ordered_rows(self) -> list[tuple[int, list[RawCell]]]:
        return [(r, [cells[c] for c in sorted(cells)]) for r, cells in sorted(self.rows.items()) if cells]


@dataclass
class RawWorkbook:
    path: Path
    sheets: dict[str, RawSheet]
    epoch: dt.datetime = EXCEL_EPOCH
    reader: str = "openpyxl"


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


def read_workbook(path: Path) -> RawWorkbook:
    """Every non-empty cell of every sheet. Raises InputError for what cannot be read."""
    book = _read_plain(path, formulas=survey(path))
    if book is not None:
        return book
    try:
        book = _read_openpyxl(path)
    except InputError:
        raise
    except Exception as exc:  # noqa: BLE001 - openpyxl fails in dozens of ways on odd files
        log.info("openpyxl could not read %s (%s: %s); trying calamine", path.name, type(exc).__name__, exc)
        book = None
    if book is None or not book.sheets:
        book = _read_calamine(path)
    return book


def _plain_value(value: Any) -> Any:
    """A calamine value as openpyxl gives it: a date as a datetime at midnight, a whole number as int."""
    if isinstance(value, float):
        return int(value) if value.is_integer() and abs(value) < _WHOLE else value
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return dt.datetime(value.year, value.month, value.day)
    return value


def _read_plain(path: Path, *, formulas: bool | None | str = "unknown") -> RawWorkbook | None:
    """A workbook without formulas, read by calamine alone (merged cells included).

    None when it has formulas (openpyxl then says which cells are formulas) or anything
    about it is unusual: the openpyxl path below decides, as for every other workbook.
    `formulas` is what the survey found, when the caller already ran it.
    """
    try:
        if (survey(path) if formulas == "unknown" else formulas) is not False:
            return None
        from python_calamine import CalamineWorkbook, SheetTypeEnum

        cwb = CalamineWorkbook.from_path(str(path))
    except Exception:  # noqa: BLE001 - the usual path reports what is wrong with the file
        return None
    sheets: dict[str, RawSheet] = {}
    total = 0
    try:
        for meta in cwb.sheets_metadata:
            if meta.typ != SheetTypeEnum.WorkSheet:
                continue
            source = cwb.get_sheet_by_name(meta.name)
            merged = source.merged_cell_ranges or []  # ((row, col), (row, col)), 0-based, inclusive
            titles = {(r0 + 1, c0 + 1) for (r0, c0), (_, c1) in merged if c1 > c0}
            sheet = RawSheet(meta.name)
            for r, values in enumerate(source.to_python(skip_empty_area=False), start=1):
                for c, value in enumerate(values, start=1):
                    if is_blank(value):
                        continue
                    total = _counted(total)
                    sheet.rows.setdefault(r, {})[c] = RawCell(r, c, _plain_value(value),
                                                              merged_title=(r, c) in titles)
            for (r0, c0), (r1, c1) in merged:  # a label merged down A2:A4 labels each of those rows
                anchor = sheet.rows.get(r0 + 1, {}).get(c0 + 1)
                if c1 == c0 and r1 > r0 and anchor is not None:
                    for row in range(r0 + 2, r1 + 2):
                        sheet.rows.setdefault(row, {})[c0 + 1] = RawCell(row, c0 + 1, anchor.value)
            sheets[meta.name] = sheet
    except InputError:
        raise
    except Exception:  # noqa: BLE001 - as above: let the usual path read it
        return None
    finally:
        cwb.close()
    if not sheets:
        return None
    return RawWorkbook(path, sheets, epoch=_epoch_from_zip(path), reader="calamine")


def _counted(total: int) -> int:
    """One more cell; past MAX_CELLS the workbook is not a document someone typed."""
    if total >= MAX_CELLS:
        raise InputError(f"工作簿单元格过多（超过 {MAX_CELLS:,} 个），一份文档不应有这么多数据",
                         hint="请只保留本文档需要的行后另存", code="too-large")
    return total + 1


def _read_openpyxl(path: Path) -> RawWorkbook | None:
    import openpyxl

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
            vertical = [r for r in ws.merged_cells.ranges if r.max_col == r.min_col and r.max_row > r.min_row]
            # ws._cells holds only the cells present in the file; iter_rows() would walk the
            # whole dimension, which some producers declare as A1:XFD1048576.
            for (row, col), cell in ws._cells.items():  # noqa: SLF001
                value = cell.value
                if isinstance(value, str) and "_x" in value:
                    value = _unescape(value)
                if is_blank(value):
                    continue
                total = _counted(total)
                raw = RawCell(row, col, value, merged_title=(row, col) in titles)
                if cell.data_type == "f" or (isinstance(value, str) and value.startswith("=")):
                    raw.formula = str(getattr(value, "text", value))
                    raw.value = None
                    formulas.append((ws.title, raw))
                sheet.rows.setdefault(row, {})[col] = raw
            for rng in vertical:  # a label merged down A2:A4 labels each of those rows
                anchor = sheet.rows.get(rng.min_row, {}).get(rng.min_col)
                if anchor is not None:
                    for row in range(rng.min_row + 1, rng.max_row + 1):
                        sheet.rows.setdefault(row, {})[rng.min_col] = RawCell(row, rng.min_col, anchor.value)
            sheets[ws.title] = sheet
        book = RawWorkbook(path, sheets, epoch=getattr(wb, "epoch", EXCEL_EPOCH))
    finally:
        wb.close()
    if formulas:
        _fill_cached(book, formulas)
    return book


def _fill_cached(book: RawWorkbook, formulas: list[tuple[str, RawCell]]) -> None:
    """Cached formula results from calamine; the rest evaluated, or marked uncached."""
    grids: dict[str, list[list[Any]]] = {}
    try:
        from python_calamine import CalamineWorkbook

        cwb = CalamineWorkbook.from_path(str(book.path))
        for name in {sheet for sheet, _ in formulas}:
            grids[name] = cwb.get_sheet_by_name(name).to_python(skip_empty_area=False)
        cwb.close()
    except Exception as exc:  # noqa: BLE001 - then every formula counts as uncached
        log.info("calamine could not read cached values of %s: %s", book.path.name, exc)
    missing: list[tuple[str, RawCell]] = []
    for sheet, cell in formulas:
        grid = grids.get(sheet, [])
        cached = grid[cell.row - 1][cell.col - 1] if cell.row <= len(grid) and cell.col <= len(
            grid[cell.row - 1]) else ""
        if cached == "" or cached is None:
            missing.append((sheet, cell))
        else:
            cell.value = cached
    if not missing:
        return
    computed: dict[CellRef, Any] = {}
    if len(missing) > MAX_EVALUATED:  # each stays marked; evaluating them all could take minutes
        log.info("%s: %d formulas without cached values; not evaluated (limit %d)", book.path.name,
                 len(missing), MAX_EVALUATED)
        for _, cell in missing:
            cell.uncached = True
        return
    try:
        from automator.readers.workbook import formulas as engine

        with _quiet():
            computed = engine.evaluate(book.path, [CellRef(s, c.coord) for s, c in missing])
    except ImportError:
        pass
    except Exception as exc:  # noqa: BLE001 - an evaluator failure leaves the cells marked
        log.warning("formula evaluation failed for %s: %s", book.path.name, exc)
    for sheet, cell in missing:
        value = computed.get(CellRef(sheet, cell.coord))
        if value is None:
            cell.uncached = True
        else:
            cell.value = value


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
