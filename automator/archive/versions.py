"""Versions of one document: what identifies it (`doc_key`), what the ledger keeps of it
(`figures`), and what a corrected version changed (`changes`)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from automator.document import Document
    from automator.rules.model import Rule


def doc_key(doc: Document, rule: Rule) -> str:
    """Same type, client, title and date: the same document (a new upload is its next version)."""
    title = doc.value(rule.title_field) if rule.title_field else ""
    date = doc.value(rule.date_field)
    date = date.date() if isinstance(date, dt.datetime) else date
    return "|".join(str(x or "") for x in (rule.key, doc.value("client"), title, date))


def _plain(v: Any) -> Any:
    return v if v is None or isinstance(v, str | int) else str(v)


def figures(doc: Document) -> dict[str, Any]:
    """What the ledger keeps of a document: its fields and table rows, as plain JSON values."""
    return {"fields": {k: _plain(v.value) for k, v in doc.fields.items()},
            "tables": {k: [{c: _plain(v.value) for c, v in row.cells.items()} for row in t.rows]
                       for k, t in doc.tables.items()},
            "totals": {k: {c: _plain(v.value) for c, v in t.totals.cells.items()}
                       for k, t in doc.tables.items() if t.totals}}


def changes(old: dict[str, Any], new: dict[str, Any], rule: Rule) -> list[str]:
    """What a corrected version changed, in words, for the ledger and the report."""
    out = []
    labels = {f.key: f.zh for f in rule.fields}
    for key in sorted(set(old.get("fields", {})) | set(new.get("fields", {}))):
        a, b = old.get("fields", {}).get(key), new.get("fields", {}).get(key)
        if a != b:
            out.append(f"{labels.get(key, key)}：{a or '（空）'} → {b or '（空）'}")
    for spec in rule.tables:
        a, b = old.get("tables", {}).get(spec.key, []), new.get("tables", {}).get(spec.key, [])
        if len(a) != len(b):
            out.append(f"{spec.zh}：{len(a)} 行 → {len(b)} 行")
        cols = {c.key: c.zh for c in spec.columns}
        for i, (ra, rb) in enumerate(zip(a, b, strict=False), start=1):
            for col in cols:
                if ra.get(col) != rb.get(col):
                    out.append(f"{spec.zh}第{i}行{cols[col]}：{ra.get(col) or '（空）'} → {rb.get(col) or '（空）'}")
    return out[:50]
