"""Our own formula engine: recursive descent over openpyxl's formula tokens,
evaluating as it parses, over a workbook's cells with a cache and cycle check."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any, Protocol

from openpyxl.formula.tokenizer import Token, Tokenizer
from openpyxl.utils import column_index_from_string, get_column_letter

from automator.limits import MAX_RANGE_CELLS
from automator.readers.workbook.formulas_values import (
    BLANK,
    FUNCTIONS,
    Args,
    ExcelError,
    Unsupported,
    as_number,
)


_CELL = r"\$?[A-Za-z]{1,3}\$?\d+"
_COL = r"\$?[A-Za-z]{1,3}"
_REF = re.compile(
    rf"^(?:(?:'(?P<qsheet>(?:[^']|'')+)'|(?P<sheet>[^'!:]+))!)?"
    rf"(?:(?P<a>{_CELL})(?::(?P<b>{_CELL}))?|(?P<ca>{_COL}):(?P<cb>{_COL}))$")


class _Parser:
    """Recursive descent over openpyxl's tokens; evaluates as it parses."""

    def __init__(self, book: Book, sheet: str, formula: str) -> None:
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
            value = as_number(value) + as_number(right) if tok.value == "+" else as_number(value) - as_number(right)
        return value

    def term(self) -> Any:
        value = self.unary()
        while (tok := self.peek()) is not None and tok.type == Token.OP_IN and tok.value in "*/":
            self.take()
            right = as_number(self.unary())
            if tok.value == "*":
                value = as_number(value) * right
            elif right == 0:
                raise ExcelError("#DIV/0!")
            else:
                value = as_number(value) / right
        return value

    def unary(self) -> Any:
        tok = self.peek()
        if tok is not None and tok.type == Token.OP_PRE:
            self.take()
            inner = as_number(self.unary())
            return -inner if tok.value == "-" else inner
        return self.postfix()

    def postfix(self) -> Any:
        value = self.primary()
        while (tok := self.peek()) is not None and tok.type == Token.OP_POST and tok.value == "%":
            self.take()
            value = as_number(value) / 100
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
        args: list[Args] = []
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

    def argument(self) -> Args:
        """A bare range stays a range (SUM(B2:B9)); anything else is a scalar expression."""
        tok, nxt = self.peek(), self.tokens[self.i + 1] if self.i + 1 < len(self.tokens) else None
        if (tok is not None and tok.type == Token.OPERAND and tok.subtype == Token.RANGE and nxt is not None
                and (nxt.type == Token.SEP or (nxt.type == Token.FUNC and nxt.subtype == Token.CLOSE))):
            self.take()
            cells = self.book.range(self.sheet, tok.value)
            if cells is None:
                raise Unsupported(f"reference {tok.value!r}")
            return Args(cells=cells)
        return Args(scalar=self.additive())


class Cells(Protocol):
    """Where the engine reads a workbook: a cell as typed ("=SUM(…)" for a formula to compute,
    else its value or None) and a sheet's last row (for whole-column references)."""

    def names(self) -> set[str]: ...

    def raw(self, sheet: str, coord: str) -> Any: ...

    def max_row(self, sheet: str) -> int: ...


class OpenpyxlCells:
    """A workbook loaded by openpyxl with formulas (data_only=False)."""

    def __init__(self, wb: Any) -> None:
        self.sheets = {ws.title: ws for ws in wb.worksheets}

    def names(self) -> set[str]:
        return set(self.sheets)

    def raw(self, sheet: str, coord: str) -> Any:
        return self.sheets[sheet][coord].value

    def max_row(self, sheet: str) -> int:
        return int(self.sheets[sheet].max_row)


class Book:
    def __init__(self, cells: Cells | Any) -> None:
        self.cells: Cells = cells if hasattr(cells, "raw") else OpenpyxlCells(cells)
        self.sheets = self.cells.names()
        self.done: dict[tuple[str, str], Any] = {}
        self.busy: set[tuple[str, str]] = set()

    def value(self, sheet: str, coord: str) -> Any:
        key = (sheet, coord)
        if key in self.done:
            return self.done[key]
        if key in self.busy:
            raise ExcelError("circular reference")
        if sheet not in self.sheets:
            raise ExcelError("#REF!")
        raw = self.cells.raw(sheet, coord)
        self.busy.add(key)
        try:
            result = self._compute(sheet, raw)
        finally:
            self.busy.discard(key)
        self.done[key] = result
        return result

    def formula(self, sheet: str, text: str) -> Any:
        """The value of formula `text` as if typed on `sheet` (its own cached result ignored)."""
        return _Parser(self, sheet, text).run()

    def _compute(self, sheet: str, raw: Any) -> Any:
        text = getattr(raw, "text", raw)  # ArrayFormula keeps its formula in .text
        if isinstance(text, str) and text.startswith("="):
            return _Parser(self, sheet, text).run()
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            return BLANK
        if isinstance(raw, str) and raw.startswith("#"):
            raise ExcelError(raw)
        if isinstance(raw, float | int) and not isinstance(raw, bool):
            return as_number(raw)
        return raw

    def range(self, here: str, text: str) -> list[Any] | None:
        m = _REF.match(text)
        if m is None:
            return None  # a defined name, a 3-D or external reference…
        sheet = (m["qsheet"] or "").replace("''", "'") or m["sheet"] or here
        if sheet not in self.sheets:
            raise ExcelError("#REF!")
        if m["a"]:
            first, last = m["a"].replace("$", "").upper(), (m["b"] or m["a"]).replace("$", "").upper()
            c1, r1 = _split(first)
            c2, r2 = _split(last)
        else:
            c1, c2 = (column_index_from_string(m[k].replace("$", "").upper()) for k in ("ca", "cb"))
            r1, r2 = 1, max(self.cells.max_row(sheet), 1)
        rows, cols = range(min(r1, r2), max(r1, r2) + 1), range(min(c1, c2), max(c1, c2) + 1)
        if len(rows) * len(cols) > MAX_RANGE_CELLS:
            raise Unsupported("range too large")
        return [self.value(sheet, f"{get_column_letter(c)}{r}") for r in rows for c in cols]


def _split(coord: str) -> tuple[int, int]:
    letters = coord.rstrip("0123456789")
    return column_index_from_string(letters), int(coord[len(letters):])
