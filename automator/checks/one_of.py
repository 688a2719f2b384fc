"""`one_of`: a column holds only the values of a fixed list (紧急 / 不紧急)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Literal

from pydantic import field_validator

from automator.checks.base import Check, CheckContext, column_problem, table_problem
from automator.checks.common import cell_of, column_label, norm_choice, refs, table_label
from automator.document import Finding

if TYPE_CHECKING:
    from automator.document import Document
    from automator.rules.model import Rule


class OneOf(Check):
    """Every row's value in a column is one of a fixed list of choices.

    YAML keys:

    - `table`, `column` — a text column (e.g. a follow-up problem's 紧急程度);
    - `values: [紧急, 不紧急]` — the allowed choices;
    - `severity`, `why`, `message`.

    Compared the way labels are: full-width/half-width folded, blanks removed,
    case ignored (「紧急 」 and 「紧急」 agree, `Done` and `done` too). Blank cells
    are left to the `required` check. Finding cell: the row's cell.

    Message placeholders: `{table}`, `{row}`, `{column}`, `{value}`, `{values}`.
    Default: "问题清单第3行紧急程度「很急」不是可选值（紧急、不紧急）".
    """

    name = "one_of"
    placeholders = ("table", "row", "column", "value", "values")
    default_why = "只能填写规定的选项"

    check: Literal["one_of"]
    table: str
    column: str
    values: tuple[str, ...]

    @field_validator("values")
    @classmethod
    def _some(cls, v: tuple[str, ...]) -> tuple[str, ...]:
        if not v or not all(str(x).strip() for x in v):
            raise ValueError("`values:` must list the allowed choices, e.g. [紧急, 不紧急]")
        return v

    def problems(self, rule: Rule, words: dict[str, tuple[str, ...]]) -> list[tuple[str, str]]:
        if p := table_problem(rule, self.table):
            return [("table", p)]
        if p := column_problem(rule, self.table, self.column, frozenset({"text"})):
            return [("column", p)]
        return []

    def title(self, rule: Rule) -> str:
        return (f"{table_label(rule, self.table)}{column_label(rule, self.table, self.column)}"
                f"只能是：{'、'.join(self.values)}")

    def run(self, doc: Document, rule: Rule, ctx: CheckContext) -> Iterator[Finding]:
        table = doc.tables.get(self.table)
        if table is None:
            return
        allowed = {norm_choice(v) for v in self.values}
        for row in table.rows:
            v = row.get(self.column)
            if v is None or v.blank or v.problem is not None:
                continue
            shown = str(v.value if v.value is not None else v.raw).strip()
            if norm_choice(shown) in allowed:
                continue
            yield self.finding("{table}第{row}行{column}「{value}」不是可选值（{values}）",
                               refs(cell_of(table, row, self.column)), table=table_label(rule, self.table),
                               row=row.number, column=column_label(rule, self.table, self.column), value=shown,
                               values="、".join(self.values))
