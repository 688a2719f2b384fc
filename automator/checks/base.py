"""The contract every check type follows.

A check type is a pydantic model (its YAML keys are its fields; unknown keys
are refused) with:

- `name` — the YAML name (`check: sum`), unique in the registry;
- `placeholders` — the names a rule author may use in `message:`;
- `default_why` — shown in the report when the rule gives no `why:`;
- `problems(rule, words)` — called once when the rules load: return
  `(yaml key, message)` pairs for fields, tables or columns that do not exist
  or have the wrong type. Nothing is checked against a document there;
- `title(rule)` — a short Chinese line for the report's list of checks;
- `applies(doc)` — False when the document has nothing this check looks at (the
  general `sheet_totals` on a workbook laid out as form + table sheets, or a PDF): the
  check is then left out of the report rather than shown as passed;
- `run(doc, rule, ctx)` — yield `Finding`s. MUST NOT raise because a value is
  missing, blank, unreadable or odd: skip what it cannot judge (the `required`
  and `unreadable` checks report those), so nothing is reported twice.

Build findings with `self.finding(default_template, cells, **placeholders)`:
it applies the rule's `message:` override when there is one.
"""

from __future__ import annotations

import string
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated, Any, ClassVar, Protocol

from pydantic import BaseModel, ConfigDict, Field, field_validator

from automator.document import Finding, Severity

if TYPE_CHECKING:
    from automator.document import Document
    from automator.rules.model import Rule


class Approvals(Protocol):
    """The archive as checks see it: archived documents' figures, newest version first."""

    def documents(self, client: str, doc_types: list[str]) -> list[dict[str, Any]]: ...


@dataclass(frozen=True)
class CheckContext:
    """What a check may consult beyond the document, handed in explicitly by the pipeline.

    `archive`: the archived documents' figures (the ledger), for checks that hold a
    document against earlier ones (`approved`); None in a unit test or a fresh root.
    `earlier`: the findings of the checks before this one on the same document, so a
    check that overlaps them (the general `sheet_totals`) does not name a cell twice.
    """

    archive: Approvals | None = None
    earlier: tuple[Finding, ...] = ()


class Check(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, arbitrary_types_allowed=True)

    name: ClassVar[str] = ""
    placeholders: ClassVar[tuple[str, ...]] = ()
    default_why: ClassVar[str] = ""

    check: str
    severity: Severity
    message: str | None = None
    why: str = ""

    @field_validator("message")
    @classmethod
    def _template_parses(cls, v: str | None) -> str | None:
        if v is not None:
            list(string.Formatter().parse(v))  # ValueError on an unbalanced brace
        return v

    def problems(self, rule: Rule, words: dict[str, tuple[str, ...]]) -> list[tuple[str, str]]:
        return []

    def bind(self, words: dict[str, tuple[str, ...]]) -> None:
        """Called once after a successful compile, with data the check needs at run time."""

    def title(self, rule: Rule) -> str:
        return self.name

    def applies(self, doc: Document) -> bool:
        return True

    def run(self, doc: Document, rule: Rule, ctx: CheckContext) -> Iterator[Finding]:
        raise NotImplementedError

    def reason(self) -> str:
        return self.why or self.default_why

    def finding(self, default: str, cells: tuple[str, ...], **values: Any) -> Finding:
        template = self.message or default
        try:
            text = template.format_map(values)
        except (KeyError, IndexError, ValueError):
            text = default.format_map(values)
        return Finding(check=self.name, severity=self.severity, message=text, cells=cells)


# `tolerance:` — how far apart two figures may be and still agree, in the unit
# the check names in its docstring. Never negative.
Tolerance = Annotated[Decimal, Field(ge=0, allow_inf_nan=False)] | None


def field_problem(rule: Rule, key: str, allowed: frozenset[str] | None = None) -> str | None:
    spec = rule.field(key)
    if spec is None:
        known = ", ".join(f.key for f in rule.fields)
        return f"'{key}' is not one of this rule's fields (fields: {known})"
    if allowed is not None and spec.type not in allowed:
        return (f"field '{key}' has type {spec.type}; this check needs "
                f"{' or '.join(sorted(allowed))}")
    return None


def table_problem(rule: Rule, key: str) -> str | None:
    if rule.table(key) is None:
        known = ", ".join(t.key for t in rule.tables) or "(none)"
        return f"'{key}' is not one of this rule's tables (tables: {known})"
    return None


def column_problem(rule: Rule, table: str, column: str,
                   allowed: frozenset[str] | None = None) -> str | None:
    spec = rule.table(table)
    if spec is None:
        return None  # reported on `table`
    col = next((c for c in spec.columns if c.key == column), None)
    if col is None:
        known = ", ".join(c.key for c in spec.columns)
        return f"'{column}' is not a column of table '{table}' (columns: {known})"
    if allowed is not None and col.type not in allowed:
        return (f"column '{table}.{column}' has type {col.type}; this check needs "
                f"{' or '.join(sorted(allowed))}")
    return None
