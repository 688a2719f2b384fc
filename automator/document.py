"""The data a document carries through the pipeline.

A workbook becomes a `Document`: single-value `fields` and `tables` of rows,
every `Value` remembering the cell it came from, so every `Finding` can point
at `Sheet!B7`.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


class Severity(enum.StrEnum):
    ERROR = "error"
    WARNING = "warning"


_A1 = re.compile(r"^\$?([A-Z]{1,3})\$?(\d+)$")


@dataclass(frozen=True, order=True)
class CellRef:
    """A place in the dropped file: `Sheet!B7` for workbooks, `p1!R3C5` / `p1!L15` for PDFs."""

    sheet: str
    coord: str

    def __str__(self) -> str:
        return f"{self.sheet}!{self.coord}" if self.sheet else self.coord

    @classmethod
    def parse(cls, ref: str | CellRef) -> CellRef:
        """'预算!B7' → CellRef('预算', 'B7'); a quoted sheet name is unquoted."""
        if isinstance(ref, CellRef):
            return ref
        sheet, _, coord = str(ref).rpartition("!")
        if len(sheet) >= 2 and sheet[0] == sheet[-1] == "'":
            sheet = sheet[1:-1].replace("''", "'")
        return cls(sheet, coord.strip())

    @property
    def a1(self) -> str | None:
        """The coordinate as an Excel cell (`B7`), or None for a PDF position or a range."""
        m = _A1.match(self.coord.upper())
        return f"{m.group(1)}{m.group(2)}" if m else None


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
    """One problem found in a document.

    `check` is the check that found it, `code` a stable kebab-case name for the kind of
    problem (the check's name unless it says more), `cells` where it is (typed; strings
    such as `预算!B7` are parsed), `expected`/`actual` the two figures that disagree, when
    there are two.
    """

    check: str
    severity: Severity
    message: str
    cells: tuple[CellRef, ...] = ()
    code: str = ""
    expected: str | None = None
    actual: str | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "cells", tuple(CellRef.parse(c) for c in self.cells))
        object.__setattr__(self, "severity", Severity(self.severity))
        if not self.code:
            object.__setattr__(self, "code", self.check.replace("_", "-"))

    @property
    def refs(self) -> tuple[str, ...]:
        """The cells as text: ("预算!B5", "基本信息!B8")."""
        return tuple(str(c) for c in self.cells)

    @property
    def where(self) -> str:
        """The cells as a reader sees them after a message: "（预算!B5、基本信息!B8）", or ""."""
        return f"（{'、'.join(self.refs)}）" if self.cells else ""

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"check": self.check, "code": self.code, "severity": str(self.severity),
                               "message": self.message, "cells": list(self.refs)}
        if self.expected is not None:
            out["expected"], out["actual"] = self.expected, self.actual
        return out

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Finding:
        return cls(data["check"], Severity(data["severity"]), data["message"], tuple(data.get("cells", ())),
                   code=data.get("code", ""), expected=data.get("expected"), actual=data.get("actual"))


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
    # A workbook's tables as the general finder saw them (readers.workbook.tables.Layout), for the
    # `sheet_totals` check; None for PDFs and for workbooks laid out as the contract's form + table sheets.
    layout: Any = None
    notes: list[str] = field(default_factory=list)  # what the reader saw, for the report (tables found…)
    category: str | None = None  # the archive category when the document decides it (通用表格), else the rule's
    kind: str = ""  # what the bytes were: "workbook" | "pdf" (set by readers.read)

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


def machine(value: Any) -> Any:
    """A parsed value as scripts read it: numbers as plain decimal strings (`-3470.35`,
    percents as fractions `0.06`), dates and times ISO, text as written."""
    import datetime as dt
    from decimal import Decimal

    if value is None or isinstance(value, bool | str):
        return value
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, int | float):
        return format(Decimal(str(value)), "f")
    if isinstance(value, dt.datetime):
        return value.isoformat(timespec="seconds")
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, dt.timedelta):
        return format(Decimal(value.total_seconds()) / 60, "f")
    return str(value)


def _machine_value(v: Value) -> dict[str, Any]:
    out: dict[str, Any] = {"value": machine(v.value), "cells": [str(v.ref)] if v.ref else []}
    if v.problem:
        out["problem"] = v.problem
    return out


def machine_form(doc: Document) -> tuple[dict[str, Any], dict[str, Any]]:
    """(fields, tables) of `--json` (contract §4): `{"total": {"value": "-3470.35", "cells": ["p1!L16"]}}`
    and `{"lines": [{"item": "…", "amount": "50.18"}, …]}`."""
    fields = {k: _machine_value(v) for k, v in doc.fields.items()}
    tables = {k: [{c: machine(v.value) for c, v in row.cells.items()} for row in t.rows]
              for k, t in doc.tables.items()}
    return fields, tables
