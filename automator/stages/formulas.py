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
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import logging
import re
from collections.abc import Callable, Iterator
from decimal import ROUND_CEILING, ROUND_DOWN, ROUND_FLOOR, ROUND_HALF_UP, Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from openpyxl.formula.tokenizer import Token, Tokenizer
from openpyxl.utils import column_index_from_string, get_column_letter

from automator.job import CellRef

log = logging.getLogger(__name__)

MAX_RANGE_CELLS = 100_000  # a SUM over a whole column of a huge sheet is not an agency document


class Unsupported(Exception):
    """Outside our subset: let the `formulas` package try."""


class ExcelError(Exception):
    """The formula's value is an Excel error (#DIV/0!, #REF!, #VALUE!, a cycle): no value."""


class _Blank:
    def __repr__(self) -> str:
        return "BLANK"


BLANK = _Blank()

_CELL = r"\$?[A-Za-z]{1,3}\$?\d+"
_COL = r"\$?[A-Za-z]{1,3}"
_REF = re.compile(
    rf"^(?:(?:'(?P<qsheet>(?:[^']|'')+)'|(?P<sheet>[^'!:]+))!)?"
    rf"(?:(?P<a>{_CELL})(?::(?P<b>{_CELL}))?|(?P<ca>{_COL}):(?P<cb>{_COL}))$")


def _number(x: Any) -> Decimal:
    """A value in arithmetic, as Excel takes it."""
    if x is BLANK or x is None:
        return Decimal(0)
    if isinstance(x, bool):
        return Decimal(int(x))
    if isinstance(x, Decimal):
        return x
    if isinstance(x, int):
        return Decimal(x)
    if isinstance(x, float):
        return Decimal(repr(x))
    if isinstance(x, str):
        try:
            return Decimal(x.strip().replace(",", ""))
        except InvalidOperation:
            raise ExcelError("#VALUE!") from None
    raise Unsupported(f"arithmetic on {type(x).__name__}")  # dates as serials: leave to `formulas`


def _numbers_in(values: list[Any]) -> Iterator[Decimal]:
    """The numbers a function sees in a range: text, blanks and booleans are ignored."""
    for v in values:
        if isinstance(v, Decimal):
            yield v
        elif isinstance(v, int | float) and not isinstance(v, bool):
            yield _number(v)
        elif isinstance(v, dt.date | dt.time):
            raise Unsupported("dates inside a range")


class _Args:
    """A function argument: a scalar value, or the cells of a range."""

    def __init__(self, scalar: Any = None, cells: list[Any] | None = None) -> None:
        self.scalar, self.cells = scalar, cells

    def numbers(self) -> list[Decimal]:
        if self.cells is not None:
            return list(_numbers_in(self.cells))
        return [] if self.scalar is BLANK else [_number(self.scalar)]

    def one(self) -> Decimal:
        if self.cells is not None:
            if len(self.cells) != 1:
                raise Unsupported("a range where one value is expected")
            return _number(self.cells[0])
        return _number(self.scalar)


def _round(args: list[_Args], mode: str) -> Decimal:
    if len(args) != 2:
        raise ExcelError("#VALUE!")
    x, digits = args[0].one(), args[1].one()
    step = Decimal(1).scaleb(-int(digits))
    if mode == ROUND_HALF_UP:  # Excel rounds half away from zero; so does Decimal's ROUND_HALF_UP
        rounding = ROUND_HALF_UP
    elif mode == "up":  # away from zero
        rounding = ROUND_CEILING if x >= 0 else ROUND_FLOOR
    else:
        rounding = ROUND_DOWN
    if digits >= 0:
        return x.quantize(step, rounding=rounding)
    return ((x / step).quantize(Decimal(1), rounding=rounding) * step).quantize(Decimal(1))


def _average(args: list[_Args]) -> Decimal:
    nums = [n for a in args for n in a.numbers()]
    if not nums:
        raise ExcelError("#DIV/0!")
    return sum(nums, Decimal(0)) / len(nums)


def _product(args: list[_Args]) -> Decimal:
    out = Decimal(1)
    for n in (n for a in args for n in a.numbers()):
        out *= n
    return out


def _extreme(pick: Callable[[list[Decimal]], Decimal]) -> Callable[[list[_Args]], Decimal]:
    def f(args: list[_Args]) -> Decimal:
        nums = [n for a in args for n in a.numbers()]
        return pick(nums) if nums else Decimal(0)
    return f


FUNCTIONS: dict[str, Callable[[list[_Args]], Decimal]] = {
    "SUM": lambda args: sum((n for a in args for n in a.numbers()), Decimal(0)),
    "ROUND": lambda args: _round(args, ROUND_HALF_UP),
    "ROUNDUP": lambda args: _round(args, "up"),
    "ROUNDDOWN": lambda args: _round(args, "down"),
    "ABS": lambda args: abs(args[0].one()) if len(args) == 1 else _raise(ExcelError("#VALUE!")),
    "MIN": _extreme(min),
    "MAX": _extreme(max),
    "AVERAGE": _average,
    "PRODUCT": _product,
}


def _raise(exc: Exception) -> Decimal:
    raise exc


class _Parser:
    """Recursive descent over openpyxl's tokens; evaluates as it parses."""

    def __init__(self, book: _Book, sheet: str, formula: str) -> None:
        self.book, self.sheet = book, sheet
        try:
            items = Tokenizer(formula).items
        except Exception as exc:  # noqa: BLE001 - the tokenizer raises plain errors on odd text
            raise Unsupported(f"cannot tokenize {formula!r}: {exc}") from None
        self.tokens = [t for t in items if t.type != Token.WSPACE]
        self.i = 0

    def peek(self) -> Token | None:
        return self.tokens[self.i] if self.i < len(self.tokens) else None

    def take(self) -> Token:
        tok = self.peek()
        if tok is None:
            raise Unsupported("formula ends early")
        self.i += 1
        return tok

    def run(self) -> Any:
        value = self.additive()
        if self.peek() is not None:
            raise Unsupported(f"unexpected {self.peek().value!r}")  # type: ignore[union-attr]
        return value

    def additive(self) -> Any:
        value = self.term()
        while (tok := self.peek()) is not None and tok.type == Token.OP_IN and tok.value in "+-":
            self.take()
            right = self.term()
            value = _number(value) + _number(right) if tok.value == "+" else _number(value) - _number(right)
        return value

    def term(self) -> Any:
        value = self.unary()
        while (tok := self.peek()) is not None and tok.type == Token.OP_IN and tok.value in "*/":
            self.take()
            right = _number(self.unary())
            if tok.value == "*":
                value = _number(value) * right
            elif right == 0:
                raise ExcelError("#DIV/0!")
            else:
                value = _number(value) / right
        return value

    def unary(self) -> Any:
        tok = self.peek()
        if tok is not None and tok.type == Token.OP_PRE:
            self.take()
            inner = _number(self.unary())
            return -inner if tok.value == "-" else inner
        return self.postfix()

    def postfix(self) -> Any:
        value = self.primary()
        while (tok := self.peek()) is not None and tok.type == Token.OP_POST and tok.value == "%":
            self.take()
            value = _number(value) / 100
        return value

    def primary(self) -> Any:
        tok = self.take()
        if tok.type == Token.PAREN and tok.subtype == Token.OPEN:
            value = self.additive()
            close = self.take()
            if close.type != Token.PAREN:
                raise Unsupported("unbalanced parentheses")
            return value
        if tok.type == Token.FUNC and tok.subtype == Token.OPEN:
            return self.function(tok.value[:-1].upper())
        if tok.type == Token.OPERAND:
            if tok.subtype == Token.NUMBER:
                return Decimal(tok.value)
            if tok.subtype == Token.TEXT:
                return tok.value[1:-1].replace('""', '"')
            if tok.subtype == Token.LOGICAL:
                return tok.value.upper() == "TRUE"
            if tok.subtype == Token.ERROR:
                raise ExcelError(tok.value)
            if tok.subtype == Token.RANGE:
                cells = self.book.range(self.sheet, tok.value)
                if cells is None:
                    raise Unsupported(f"reference {tok.value!r}")
                if len(cells) != 1:
                    raise Unsupported("a range used as a single value")
                return cells[0]
        raise Unsupported(f"token {tok.value!r}")

    def function(self, name: str) -> Any:
        impl = FUNCTIONS.get(name.removeprefix("_XLFN."))
        if impl is None:
            raise Unsupported(f"function {name}")
        args: list[_Args] = []
        tok = self.peek()
        if tok is not None and tok.type == Token.FUNC and tok.subtype == Token.CLOSE:
            self.take()
            return impl(args)
        while True:
            args.append(self.argument())
            tok = self.take()
            if tok.type == Token.FUNC and tok.subtype == Token.CLOSE:
                return impl(args)
            if not (tok.type == Token.SEP and tok.subtype == Token.ARG):
                raise Unsupported(f"unexpected {tok.value!r} in {name}()")

    def argument(self) -> _Args:
        """A bare range stays a range (SUM(B2:B9)); anything else is a scalar expression."""
        tok, nxt = self.peek(), self.tokens[self.i + 1] if self.i + 1 < len(self.tokens) else None
        if (tok is not None and tok.type == Token.OPERAND and tok.subtype == Token.RANGE and nxt is not None
                and (nxt.type == Token.SEP or (nxt.type == Token.FUNC and nxt.subtype == Token.CLOSE))):
            self.take()
            cells = self.book.range(self.sheet, tok.value)
            if cells is None:
                raise Unsupported(f"reference {tok.value!r}")
            return _Args(cells=cells)
        return _Args(scalar=self.additive())


class _Book:
    def __init__(self, wb: Any) -> None:
        self.wb = wb
        self.sheets = {ws.title: ws for ws in wb.worksheets}
        self.done: dict[tuple[str, str], Any] = {}
        self.busy: set[tuple[str, str]] = set()

    def value(self, sheet: str, coord: str) -> Any:
        key = (sheet, coord)
        if key in self.done:
            return self.done[key]
        if key in self.busy:
            raise ExcelError("circular reference")
        ws = self.sheets.get(sheet)
        if ws is None:
            raise ExcelError("#REF!")
        raw = ws[coord].value
        self.busy.add(key)
        try:
            result = self._compute(sheet, raw)
        finally:
            self.busy.discard(key)
        self.done[key] = result
        return result

    def _compute(self, sheet: str, raw: Any) -> Any:
        text = getattr(raw, "text", raw)  # ArrayFormula keeps its formula in .text
        if isinstance(text, str) and text.startswith("="):
            return _Parser(self, sheet, text).run()
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            return BLANK
        if isinstance(raw, str) and raw.startswith("#"):
            raise ExcelError(raw)
        if isinstance(raw, float | int) and not isinstance(raw, bool):
            return _number(raw)
        return raw

    def range(self, here: str, text: str) -> list[Any] | None:
        m = _REF.match(text)
        if m is None:
            return None  # a defined name, a 3-D or external reference…
        sheet = (m["qsheet"] or "").replace("''", "'") or m["sheet"] or here
        ws = self.sheets.get(sheet)
        if ws is None:
            raise ExcelError("#REF!")
        if m["a"]:
            first, last = m["a"].replace("$", "").upper(), (m["b"] or m["a"]).replace("$", "").upper()
            c1, r1 = _split(first)
            c2, r2 = _split(last)
        else:
            c1, c2 = (column_index_from_string(m[k].replace("$", "").upper()) for k in ("ca", "cb"))
            r1, r2 = 1, max(ws.max_row, 1)
        rows, cols = range(min(r1, r2), max(r1, r2) + 1), range(min(c1, c2), max(c1, c2) + 1)
        if len(rows) * len(cols) > MAX_RANGE_CELLS:
            raise Unsupported("range too large")
        return [self.value(sheet, f"{get_column_letter(c)}{r}") for r in rows for c in cols]


def _split(coord: str) -> tuple[int, int]:
    letters = coord.rstrip("0123456789")
    return column_index_from_string(letters), int(coord[len(letters):])


def _plain(value: Any) -> Any:
    """What the reader gets: Decimal for numbers, else the value; None for 'no value'."""
    if value is BLANK:
        return Decimal(0)  # a formula pointing at an empty cell shows 0 in Excel
    return value


def evaluate(path: Path, refs: list[CellRef]) -> dict[CellRef, object]:
    """Values of the formula cells `refs` in the workbook at `path`; cells that cannot be computed are absent."""
    import openpyxl

    if not refs:
        return {}
    with path.open("rb") as fh:
        wb = openpyxl.load_workbook(fh, data_only=False, keep_links=False)
    try:
        book = _Book(wb)
        out: dict[CellRef, object] = {}
        hard: list[CellRef] = []
        for ref in refs:
            try:
                out[ref] = _plain(book.value(ref.sheet, ref.coord.replace("$", "").upper()))
            except Unsupported as exc:
                log.debug("%s %s: %s; trying the formulas package", path.name, ref, exc)
                hard.append(ref)
            except (ExcelError, InvalidOperation, ValueError, KeyError) as exc:
                log.info("%s %s: no value (%s)", path.name, ref, exc)
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
