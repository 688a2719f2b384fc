"""Compute formula cells a workbook carries no cached value for.

Workbooks saved by Excel, WPS or LibreOffice carry each formula's last result;
workbooks written by scripts (openpyxl, some exporters) do not. So that their
figures can still be checked, `evaluate(path, refs)` computes those cells.

Two engines, chosen by measurement (small agency workbook, this machine):

- **Our own, first**: a restricted evaluator over openpyxl's formula tokenizer
  for what agency sheets use — numbers, `+ - * /`, unary minus, `%`,
  parentheses, cell and range references on the same or another sheet, and
  SUM, ROUND, ROUNDUP, ROUNDDOWN, ABS, MIN, MAX, AVERAGE, PRODUCT. It computes
  in Decimal (so 3 × 8000.1 is 24000.3, not 24000.300000000003) and costs
  about as much as one openpyxl load (~10 ms).
- **The `formulas` package, only for the rest** (IF, VLOOKUP, names…). It is a
  real engine, but its first use in a process costs about 1 s (numpy,
  schedula and its function tables load lazily; 15 ms per workbook after that),
  it computes in float, and prints progress bars — too slow to pay for every
  script-written workbook, fine for the rare one that needs it.

A cell neither can compute (an error such as #DIV/0!, a circular reference,
an unsupported function) is left out of the result; the reader then marks it
unreadable. A missing value is never taken as zero. (A reference to an
*empty* cell is 0 in arithmetic, as in Excel: that is the cell's value.)

Our engine is `formulas_engine` (parser, workbook cells) over `formulas_values`
(Excel's arithmetic and the functions); this module picks the engine per cell.
"""

from __future__ import annotations

import contextlib
import io
import logging
import re
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from automator.document import CellRef
from automator.readers.workbook.formulas_engine import MAX_RANGE_CELLS, Book
from automator.readers.workbook.formulas_values import BLANK, FUNCTIONS, ExcelError, Unsupported

__all__ = ["BLANK", "FUNCTIONS", "MAX_RANGE_CELLS", "ExcelError", "RawCells", "Unsupported", "evaluate",
           "evaluate_book", "recompute_formula"]
# The `formulas` package loads the whole workbook into its model: ~1 s for an agency
# document, 18 s for a 113,884-cell sheet. Past this many cells it is never asked.
PACKAGE_MAX_CELLS = 5_000

# `RawWorkbook` (readers.workbook.raw) is named in the annotations below but not imported:
# raw.py asks this module to compute its cells, so importing it back would make a cycle.
RawWorkbook = Any

log = logging.getLogger(__name__)


def _plain(value: Any) -> Any:
    """What the reader gets: Decimal for numbers, else the value; None for 'no value'."""
    if value is BLANK:
        return Decimal(0)  # a formula pointing at an empty cell shows 0 in Excel
    return value


class RawCells:
    """The engine's view of cells already read: a cached formula result is used as it is
    (what Excel shows), an uncached formula is computed, a merge's copied value is empty."""

    def __init__(self, book: RawWorkbook) -> None:
        self.book = book
        self.last = {name: max(sheet.rows, default=1) for name, sheet in book.sheets.items()}

    def names(self) -> set[str]:
        return set(self.book.sheets)

    def raw(self, sheet: str, coord: str) -> Any:
        letters = coord.rstrip("0123456789")
        from openpyxl.utils import column_index_from_string

        cell = self.book.sheets[sheet].cell(int(coord[len(letters):]), column_index_from_string(letters))
        if cell is None or cell.copy:
            return None
        if cell.formula and cell.uncached:
            return cell.formula
        return cell.value

    def max_row(self, sheet: str) -> int:
        return self.last.get(sheet, 1)


def _run(book: Book, refs: list[CellRef], name: str) -> tuple[dict[CellRef, object], list[CellRef]]:
    out: dict[CellRef, object] = {}
    hard: list[CellRef] = []
    for ref in refs:
        try:
            out[ref] = _plain(book.value(ref.sheet, ref.coord.replace("$", "").upper()))
        except Unsupported as exc:
            log.debug("%s %s: %s", name, ref, exc)
            hard.append(ref)
        except (ExcelError, InvalidOperation, ValueError, KeyError, RecursionError) as exc:
            log.info("%s %s: no value (%s)", name, ref, exc)
    return out, hard


def evaluate_book(raw: RawWorkbook, refs: list[CellRef]) -> dict[CellRef, object]:
    """Values of the uncached formula cells `refs` of a workbook already read; absent when not computable.

    Our engine first, over the cells as read; the `formulas` package only for a small workbook.
    """
    if not refs:
        return {}
    out, hard = _run(Book(RawCells(raw)), refs, raw.path.name)
    if hard and raw.size <= PACKAGE_MAX_CELLS:
        out.update(_with_formulas_package(raw.path, hard))
    return out


def recompute_formula(raw: RawWorkbook, sheet: str, formula: str) -> Decimal | None:
    """`formula` computed on `sheet` from the values the cells hold now (cached results as they are),
    ignoring the formula cell's own cached result; None when our engine cannot compute it."""
    if raw.engine is None:
        raw.engine = Book(RawCells(raw))
    try:
        value = raw.engine.formula(sheet, formula)
    except (Unsupported, ExcelError, InvalidOperation, ValueError, KeyError, RecursionError):
        return None
    value = _plain(value)
    return value if isinstance(value, Decimal) else None


def evaluate(path: Path, refs: list[CellRef]) -> dict[CellRef, object]:
    """Values of the formula cells `refs` in the workbook at `path`; cells that cannot be computed are absent."""
    import openpyxl

    if not refs:
        return {}
    with path.open("rb") as fh:
        wb = openpyxl.load_workbook(fh, data_only=False, keep_links=False)
    try:
        out, hard = _run(Book(wb), refs, path.name)
    finally:
        wb.close()
    if hard:
        out.update(_with_formulas_package(path, hard))
    return out


def _with_formulas_package(path: Path, refs: list[CellRef]) -> dict[CellRef, object]:
    """The slow, complete engine, for formulas outside our subset."""
    try:
        import formulas
    except ImportError:
        return {}
    try:
        # `formulas` draws tqdm progress bars on stderr; a library must stay quiet.
        with contextlib.redirect_stderr(io.StringIO()):
            model = formulas.ExcelModel().loads(str(path)).finish()
            solution = model.calculate()
    except Exception as exc:  # noqa: BLE001 - a third-party engine failing means "cannot compute"
        log.info("formulas could not compute %s: %s", path.name, exc)
        return {}
    wanted = {(r.sheet.upper(), r.coord.replace("$", "").upper()): r for r in refs}
    out: dict[CellRef, object] = {}
    for key, value in solution.items():
        m = re.match(r"^'?\[[^\]]*\](?P<sheet>.+?)'?!(?P<coord>[A-Z]+\d+)$", str(key))
        if m is None:
            continue
        ref = wanted.get((m["sheet"].replace("''", "'").upper(), m["coord"]))
        if ref is None:
            continue
        converted = _from_formulas(getattr(value, "value", value))
        if converted is not None:
            out[ref] = converted
    return out


def _from_formulas(value: Any) -> object | None:
    try:
        v = value[0][0] if hasattr(value, "__getitem__") and not isinstance(value, str) else value
    except (IndexError, TypeError):
        return None
    if isinstance(v, bool):
        return v
    if type(v) is not str and isinstance(v, str):
        return None  # schedula tokens: XlError (#DIV/0!…), EMPTY, NONE — no value
    if isinstance(v, str):
        return v
    try:
        import numbers

        if isinstance(v, numbers.Number):
            f = float(v)  # type: ignore[arg-type]
            if f != f or f in (float("inf"), float("-inf")):
                return None
            return Decimal(repr(f))
    except (TypeError, ValueError):
        return None
    return None
