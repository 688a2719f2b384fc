"""The render context: everything a template may use, as display strings, built from a Document."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from automator import formatting

if TYPE_CHECKING:
    from automator.document import Document, Table, Value
    from automator.rules.loader import RuleSet
    from automator.rules.model import Rule, TableSpec

# Column types whose values add up to a meaningful total (序号 and 折扣 do not).
SUMMABLE = {"money", "number", "minutes", "percent"}
RESERVED = ("doc", "agency", "meta")
META_KEYS = ("source", "summary", "generated", "draft", "rule_version")




def _text(value: Value | None, type_: str) -> str:
    """The display text of one bound cell: formatted when parsed, as typed when not, never None."""
    if value is None:
        return ""
    if value.value is not None:
        return formatting.display(value.value, type_)
    if value.raw is None or (isinstance(value.raw, float) and value.raw != value.raw):
        return ""
    return formatting.clean(value.raw).strip()


def _totals(table: Table | None, spec: TableSpec) -> dict[str, str]:
    """Display totals per column: the workbook's totals row where it has a value, else the sum."""
    out = {col.key: "" for col in spec.columns}
    if table is None:
        return out
    declared = table.totals.cells if table.totals else {}
    for col in spec.columns:
        shown = _text(declared.get(col.key), col.type)
        if not shown and col.type in SUMMABLE and table.rows:
            values = [row.cells[col.key].value for row in table.rows if col.key in row.cells]
            numbers = [Decimal(v) for v in values if isinstance(v, int | Decimal) and not isinstance(v, bool)]
            if numbers:
                shown = formatting.display(sum(numbers, Decimal(0)), col.type)
        out[col.key] = shown
    return out


def build_context(doc: Document, rule: Rule, ruleset: RuleSet, *, source_name: str, summary: str,
                  draft: bool = False) -> dict[str, Any]:
    """Everything a template may use, as display strings (see tools/make_templates.py).

    - each field key → text ("" when blank);
    - each table key → list of {column key → text}; `<table>_total` → {column key → text};
    - `doc` {key, zh, en}, `agency` (letterhead), `meta` {source, summary, generated, draft, rule_version}.
    """
    ctx: dict[str, Any] = {}
    for spec in rule.tables:
        table = doc.tables.get(spec.key)
        rows = table.rows if table else []
        ctx[spec.key] = [{col.key: _text(row.cells.get(col.key), col.type) for col in spec.columns}
                         for row in rows]
        ctx[f"{spec.key}_total"] = _totals(table, spec)
    # Fields last: a field the rule declares wins over a derived `<table>_total` of the same name.
    for field in rule.fields:
        ctx[field.key] = _text(doc.fields.get(field.key), field.type)
    ctx["doc"] = {"key": rule.key, "zh": rule.zh, "en": rule.en}
    ctx["agency"] = {str(k): formatting.clean(v) for k, v in ruleset.agency.items()}
    ctx["meta"] = {
        "source": formatting.clean(source_name),
        "summary": formatting.clean(summary),
        "generated": formatting.date_zh(dt.date.today()),
        "draft": bool(draft),
        "rule_version": ruleset.versions.get(rule.key, ""),
    }
    return ctx


def expected_values(context: dict[str, Any], *, used: set[str] | None = None) -> dict[str, str]:
    """The non-blank texts the output must show, keyed by where they came from (`client`, `plan[2].net`).

    Pass it to `verify_docx`: it checks they appear and does not mistake a value
    like `{{ 7*7 }}` (typed by a user) for a leftover template tag. With `used` (the
    template's names, `lint.used_names`), only what that template actually shows is expected.
    """

    def wanted(name: str) -> bool:
        return used is None or name in used

    out: dict[str, str] = {}
    for key, value in context.items():
        if key in RESERVED:
            continue
        if isinstance(value, str) and value and wanted(key):
            out[key] = value
        elif isinstance(value, dict):
            out.update({f"{key}.{k}": v for k, v in value.items()
                        if isinstance(v, str) and v and wanted(f"{key}.{k}")})
        elif isinstance(value, list):
            for i, row in enumerate(value, start=1):
                if isinstance(row, dict):
                    out.update({f"{key}[{i}].{k}": v for k, v in row.items()
                                if isinstance(v, str) and v and wanted(f"{key}.{k}")})
    return out


def example_context(rule: Rule, ruleset: RuleSet) -> dict[str, Any]:
    """A context filled with the rule's example values (for lint's trial render)."""
    def example(spec: Any) -> str:
        return formatting.clean(spec.example or spec.zh)

    ctx: dict[str, Any] = {}
    for table in rule.tables:
        ctx[table.key] = [{c.key: example(c) for c in table.columns} for _ in range(2)]
        ctx[f"{table.key}_total"] = {c.key: example(c) if c.type in SUMMABLE else "" for c in table.columns}
    ctx.update({f.key: example(f) for f in rule.fields})
    ctx["doc"] = {"key": rule.key, "zh": rule.zh, "en": rule.en}
    ctx["agency"] = {str(k): formatting.clean(v) for k, v in ruleset.agency.items()}
    ctx["meta"] = {"source": "示例.xlsx", "summary": "示例", "generated": formatting.date_zh(dt.date.today()),
                   "draft": True, "rule_version": ruleset.versions.get(rule.key, "")}
    return ctx

