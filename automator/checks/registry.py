"""Check types by their YAML name.

To add a check type: write one module with a `Check` subclass (see `base.py`
for the contract) and add the class to `BUILTINS` below. Nothing is discovered
by scanning; the list is the vocabulary.
"""

from __future__ import annotations

from automator.errors import UnknownCheck

from automator.checks.approved import Approved
from automator.checks.base import Check
from automator.checks.capital_amount import CapitalAmount
from automator.checks.date_order import DateOrder
from automator.checks.duration import Duration
from automator.checks.field_formula import FieldFormula
from automator.checks.one_of import OneOf
from automator.checks.percent_total import PercentTotal
from automator.checks.required import Required
from automator.checks.row_formula import RowFormula
from automator.checks.sheet_totals import SheetTotals
from automator.checks.sums import Sum
from automator.checks.unknown_label import UnknownLabel
from automator.checks.unreadable import Unreadable
from automator.checks.within import Within
from automator.checks.words import Words


class Registry:
    def __init__(self) -> None:
        self._by_name: dict[str, type[Check]] = {}

    def register(self, cls: type[Check]) -> type[Check]:
        if not cls.name:
            raise ValueError(f"{cls.__name__} has no `name`")
        if cls.name in self._by_name:
            raise ValueError(f"check name {cls.name!r} is taken by {self._by_name[cls.name].__name__}")
        self._by_name[cls.name] = cls
        return cls

    def get(self, name: str) -> type[Check]:
        try:
            return self._by_name[name]
        except KeyError:
            raise UnknownCheck(name, self.names()) from None

    def names(self) -> list[str]:
        return list(self._by_name)

    def items(self) -> list[tuple[str, type[Check]]]:
        return list(self._by_name.items())


BUILTINS: tuple[type[Check], ...] = (
    Required,
    Sum,
    RowFormula,
    PercentTotal,
    DateOrder,
    Within,
    Duration,
    Words,
    UnknownLabel,
    Unreadable,
    FieldFormula,
    CapitalAmount,
    Approved,
    OneOf,
    SheetTotals,
)

REGISTRY = Registry()
for _cls in BUILTINS:
    REGISTRY.register(_cls)
