"""The values and functions of our formula subset: Excel's arithmetic in Decimal,
SUM, ROUND, ROUNDUP, ROUNDDOWN, ABS, MIN, MAX, AVERAGE, PRODUCT (see `formulas`)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from decimal import (
    ROUND_CEILING,
    ROUND_DOWN,
    ROUND_FLOOR,
    ROUND_HALF_UP,
    Decimal,
    InvalidOperation,
)
from typing import Any


class Unsupported(Exception):
    """Outside our subset: let the `formulas` package try."""


class ExcelError(Exception):
    """The formula's value is an Excel error (#DIV/0!, #REF!, #VALUE!, a cycle): no value."""


class _Blank:
    def __repr__(self) -> str:
        return "BLANK"


BLANK = _Blank()



def as_number(x: Any) -> Decimal:
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
            yield as_number(v)
        elif isinstance(v, dt.date | dt.time):
            raise Unsupported("dates inside a range")


class Args:
    """A function argument: a scalar value, or the cells of a range."""

    def __init__(self, scalar: Any = None, cells: list[Any] | None = None) -> None:
        self.scalar, self.cells = scalar, cells

    def numbers(self) -> list[Decimal]:
        if self.cells is not None:
            return list(_numbers_in(self.cells))
        return [] if self.scalar is BLANK else [as_number(self.scalar)]

    def one(self) -> Decimal:
        if self.cells is not None:
            if len(self.cells) != 1:
                raise Unsupported("a range where one value is expected")
            return as_number(self.cells[0])
        return as_number(self.scalar)


def _round(args: list[Args], mode: str) -> Decimal:
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


def _average(args: list[Args]) -> Decimal:
    nums = [n for a in args for n in a.numbers()]
    if not nums:
        raise ExcelError("#DIV/0!")
    return sum(nums, Decimal(0)) / len(nums)


def _product(args: list[Args]) -> Decimal:
    out = Decimal(1)
    for n in (n for a in args for n in a.numbers()):
        out *= n
    return out


def _extreme(pick: Callable[[list[Decimal]], Decimal]) -> Callable[[list[Args]], Decimal]:
    def f(args: list[Args]) -> Decimal:
        nums = [n for a in args for n in a.numbers()]
        return pick(nums) if nums else Decimal(0)
    return f


FUNCTIONS: dict[str, Callable[[list[Args]], Decimal]] = {
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

