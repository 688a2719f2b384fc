"""A ledger row as the rest of the service sees it (`Entry`), a result row that reads by position or by
column name on either backend (`Row`), and the JSON the ledger stores."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

KEPT = ("archived", "review")  # statuses whose content counts as processed


def _json_default(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    return str(value)


def dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, default=_json_default)


class Row(tuple):  # type: ignore[type-arg]
    """One result row, `row[0]` or `row["client"]`, and `dict(row)` — as sqlite3.Row reads."""

    names: tuple[str, ...] = ()

    def __new__(cls, values: Any, names: tuple[str, ...]) -> Row:
        row = super().__new__(cls, values)
        row.names = names
        return row

    def __getitem__(self, key: Any) -> Any:  # type: ignore[override]
        if isinstance(key, str):
            return tuple.__getitem__(self, self.names.index(key))
        return tuple.__getitem__(self, key)

    def keys(self) -> list[str]:
        return list(self.names)


@dataclass
class Entry:
    id: int
    at: str
    sha256: str
    input: str
    status: str
    doc_type: str | None
    client: str | None
    doc_key: str | None
    version: int | None
    outputs: list[str]
    findings: list[dict[str, Any]]
    reason: str | None
    rule_version: str | None
    template_version: str | None
    explain: dict[str, Any]
    figures: dict[str, Any]
    changes: list[str]
    reason_code: str | None = None

    @classmethod
    def from_row(cls, row: Any) -> Entry:
        data = dict(row)
        for key, empty in (("outputs", "[]"), ("findings", "[]"), ("explain", "{}"), ("figures", "{}"),
                           ("changes", "[]")):
            data[key] = json.loads(data.get(key) or empty)
        return cls(**{k: data.get(k) for k in cls.__dataclass_fields__})
