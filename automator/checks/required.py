"""`required`: fields, or columns in every row, are filled in."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Literal

from pydantic import model_validator

from automator.checks.base import Check, CheckContext, column_problem, field_problem, table_problem
from automator.checks.common import cell_of, column_label, field_label, refs, table_label
from automator.document import Finding

if TYPE_CHECKING:
    from automator.document import Document
    from automator.rules.model import Rule


class Required(Check):
    """A field, or a column in every row of a table, is present and not blank.

    YAML keys:

    - `fields: [client, meeting_date]` — these form fields must be filled in; or
    - `table: actions` with `columns: [owner, due]` — in every row of the table
      these columns must be filled in. `table:` without `columns:` asks for at
      least one row.
    - `severity`, `why`, `message` as for every check.

    A value that is present but unreadable is left to the `unreadable` check.
    Finding cells: the empty cell (for a field the reader found no row for,
    there is no cell and the message says so).

    Message placeholders: `{field}` (the field's or column's Chinese label),
    `{table}`, `{row}` (sheet row number).
    """

    name = "required"
    placeholders = ("field", "table", "row")
    default_why = "必填内容不能为空"

    check: Literal["required"]
    fields: tuple[str, ...] = ()
    table: str | None = None
    columns: tuple[str, ...] = ()

    @model_validator(mode="after")
    def _one_form(self) -> Required:
        if bool(self.fields) == bool(self.table):
            raise ValueError("give either `fields: [...]` or `table:` (with `columns: [...]`)")
        if self.columns and not self.table:
            raise ValueError("`columns:` needs `table:`")
        return self

    def problems(self, rule: Rule, words: dict[str, tuple[str, ...]]) -> list[tuple[str, str]]:
        out = [("fields", p) for k in self.fields if (p := field_problem(rule, k))]
        if self.table:
            if p := table_problem(rule, self.table):
                return [*out, ("table", p)]
            out += [("columns", p) for c in self.columns if (p := column_problem(rule, self.table, c))]
        return out

    def title(self, rule: Rule) -> str:
        if self.fields:
            names = [field_label(rule, k) for k in self.fields]
            shown = "、".join(names[:6]) + (f" 等 {len(names)} 项" if len(names) > 6 else "")
            return f"必填项：{shown}"
        assert self.table
        if not self.columns:
            return f"「{table_label(rule, self.table)}」至少有一行"
        cols = "、".join(column_label(rule, self.table, c) for c in self.columns)
        return f"{table_label(rule, self.table)}每行必填：{cols}"

    def run(self, doc: Document, rule: Rule, ctx: CheckContext) -> Iterator[Finding]:
        for key in self.fields:
            v = doc.fields.get(key)
            if v is None:
                # No client in the document nor a client folder it was dropped in (readers/client.py).
                where = "请放入 inbox/<客户>/ 或写明客户" if key == "client" else "表中没有这一行，请补上"
                yield self.finding("缺少必填项「{field}」：" + where, (),
                                   field=field_label(rule, key), table="", row="")
            elif v.problem is None and v.blank:
                yield self.finding("必填项「{field}」为空", refs(v.ref),
                                   field=field_label(rule, key), table="", row="")
        if self.table:
            yield from self._run_table(doc, rule, self.table)

    def _run_table(self, doc: Document, rule: Rule, key: str) -> Iterator[Finding]:
        table = doc.tables.get(key)
        zh = table_label(rule, key)
        if table is None or not table.rows:
            if not self.columns:
                yield self.finding("「{table}」表没有任何记录", (), table=zh, field="", row="")
            return  # the columns of an absent table: nothing to point at
        for column in self.columns:
            label = column_label(rule, key, column)
            if column not in table.column_letters and all(column not in r.cells for r in table.rows):
                yield self.finding("「{table}」表缺少「{field}」列", refs(*list(table.columns.values())[:1]),
                                   table=zh, field=label, row="")
                continue
            for row in table.rows:
                v = row.get(column)
                if v is None or (v.problem is None and v.blank):
                    yield self.finding("{table}第{row}行「{field}」为空", refs(cell_of(table, row, column)),
                                       table=zh, field=label, row=row.number)
