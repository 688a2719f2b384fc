"""The data a document carries through the pipeline.

A workbook becomes a `Document`: single-value `fields` and `tables` of rows,
every `Value` remembering the cell it came from, so every `Finding` can point
at `Sheet!B7`.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


class Severity(enum.StrEnum):
    ERROR = "error"
    WARNING = "warning"


class Status(enum.StrEnum):
    ARCHIVED = "archived"
    REVIEW = "review"
    REJECTED = "rejected"
    DUPLICATE = "duplicate"


@dataclass(frozen=True, order=True)
class CellRef:
    """A place in the dropped file: `Sheet!B7` for workbooks, `p1!R3C5` for PDFs."""

    sheet: str
    coord: str

    def __str__(self) -> str:
        return f"{self.sheet}!{self.coord}"


@dataclass
class Value:
    """One cell bound to a field or column.

    `value` is the parsed value (Decimal, date, datetime, time, int, str) or
    None when the cell is blank or could not be read; `problem` then says why.
    """

    key: str
    raw: Any
    value: Any
    ref: CellRef | None = None
    type: str = "text"
    problem: str | None = None
    formula: str | None = None

    @property
    def blank(self) -> bool:
        return self.value is None or (isinstance(self.value, str) and not self.value.strip())


@dataclass
class Row:
    number: int  # 1-based row in the sheet (or in the PDF table)
    cells: dict[str, Value] = field(default_factory=dict)
    extra: dict[str, Value] = field(default_factory=dict)

    def get(self, key: str) -> Value | None:
        return self.cells.get(key)


@dataclass
class Table:
    key: str
    sheet: str
    header_row: int = 0
    columns: dict[str, CellRef] = field(default_factory=dict)  # column key -> header cell
    column_letters: dict[str, str] = field(default_factory=dict)  # column key -> "D"
    rows: list[Row] = field(default_factory=list)
    totals: Row | None = None
    extra_columns: list[str] = field(default_factory=list)

    def cell_ref(self, column: str, row: int) -> CellRef | None:
        letter = self.column_letters.get(column)
        return CellRef(self.sheet, f"{letter}{row}") if letter else None


@dataclass(frozen=True)
class Finding:
    """One problem found in a document. `cells` are `Sheet!A1` references."""

    check: str
    severity: Severity
    message: str
    cells: tuple[str, ...] = ()

    @property
    def where(self) -> str:
        """The cells as a reader sees them after a message: "（预算!B5、基本信息!B8）", or ""."""
        return f"（{'、'.join(self.cells)}）" if self.cells else ""

    def to_json(self) -> dict[str, Any]:
        return {"check": self.check, "severity": str(self.severity),
                "message": self.message, "cells": list(self.cells)}


@dataclass
class Document:
    """What the reader made of one input file."""

    source: Path
    doc_type: str | None = None
    fields: dict[str, Value] = field(default_factory=dict)
    tables: dict[str, Table] = field(default_factory=dict)
    sheets: list[str] = field(default_factory=list)
    # Labels, headers and sheets the reader could not place: (text as typed, cell, what it was).
    unknown: list[tuple[str, CellRef, str]] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)  # other notes from the reader

    def all_values(self) -> list[Value]:
        """Every bound value: fields, then each table's rows and totals, in sheet order."""
        out = list(self.fields.values())
        for table in self.tables.values():
            for row in [*table.rows, *([table.totals] if table.totals else [])]:
                out += [*row.cells.values(), *row.extra.values()]
        return out

    def value(self, key: str) -> Any:
        v = self.fields.get(key)
        return None if v is None else v.value


@dataclass
class CheckResult:
    """One check as run on one document: for the report's list of checks."""

    check: str
    title: str
    severity: Severity
    findings: list[Finding] = field(default_factory=list)
    why: str = ""  # the rule's reason for the check, shown in the report

    @property
    def passed(self) -> bool:
        return not self.findings
