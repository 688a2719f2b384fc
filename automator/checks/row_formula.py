"""`row_formula`: in every row, one column equals arithmetic over the others."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from decimal import ROUND_HALF_UP, Decimal, DivisionByZero, InvalidOperation
from typing import TYPE_CHECKING, Literal

from pydantic import PrivateAttr, field_validator

from automator.checks.base import Check, CheckContext, Tolerance, column_problem, table_problem
from automator.checks.common import (
    COUNTS,
    NUMERIC,
    RATES,
    as_decimal,
    cell_of,
    column_label,
    column_type,
    fmt_value,
    refs,
    table_label,
    usable,
)
from automator.document import Finding

if TYPE_CHECKING:
    from automator.document import Document
    from automator.rules.model import Rule

_OPS = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/"}
_ALLOWED = (ast.Expression, ast.Name, ast.Load, ast.BinOp, ast.UnaryOp, ast.UAdd, ast.USub, *_OPS)
_SHOWN = {"*": "×", "/": "÷", "+": "+", "-": "-"}
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_TOKEN = re.compile(r"[A-Za-z_][A-Za-z0-9_]*|\d+(?:\.\d*)?|[-+*/()]")
# The precision a result is compared at, by its column type.
_STEP = {"money": Decimal("0.01"), "number": Decimal("0.01"), "int": Decimal(1), "minutes": Decimal(1),
         "percent": Decimal("0.0001"), "discount": Decimal("0.0001")}


class FormulaError(ValueError):
    pass


def parse_expr(expr: str) -> ast.expr:
    """Parse `qty * unit_price` into an AST of names, numbers, + - * / and parentheses only.

    Never evaluated by Python: `evaluate` walks the tree itself in Decimal.
    """
    try:
        tree = ast.parse(expr.strip(), mode="eval")
    except SyntaxError as exc:
        raise FormulaError(f"cannot parse {expr!r}: {exc.msg}") from None
    for node in ast.walk(tree):
        ok = isinstance(node, _ALLOWED)
        if isinstance(node, ast.Constant):
            ok = isinstance(node.value, int | float) and not isinstance(node.value, bool)
        if not ok:
            raise FormulaError(f"only column keys, numbers, + - * / and parentheses are allowed "
                               f"(found {type(node).__name__} in {expr!r})")
    return tree.body


def names_in(node: ast.expr) -> list[str]:
    return sorted({n.id for n in ast.walk(node) if isinstance(n, ast.Name)})


def evaluate(node: ast.expr, values: dict[str, Decimal]) -> Decimal:
    if isinstance(node, ast.Constant):
        return Decimal(repr(node.value))
    if isinstance(node, ast.Name):
        return values[node.id]
    if isinstance(node, ast.UnaryOp):
        inner = evaluate(node.operand, values)
        return -inner if isinstance(node.op, ast.USub) else inner
    if isinstance(node, ast.BinOp):
        a, b = evaluate(node.left, values), evaluate(node.right, values)
        op = _OPS[type(node.op)]
        return a + b if op == "+" else a - b if op == "-" else a * b if op == "*" else a / b
    raise FormulaError(type(node).__name__)


class RowFormula(Check):
    """In every row of a table, `result` equals an arithmetic expression of other columns.

    YAML keys:

    - `table` — the table;
    - `result` — the column holding the figure to check (e.g. `amount`);
    - `expr` — column keys and numbers with `+ - * /` and parentheses, e.g.
      `qty * unit_price` or `spots * unit_price * discount`. Parsed with Python's
      `ast`, restricted to those nodes, and computed in Decimal — never `eval`.
    - `tolerance` — allowed difference in the result's unit (yuan for money).
    - `severity`, `why`, `message`.

    How close is close enough (the default tolerance):

    - The expected value is computed exactly and rounded half-up to the result's
      precision (money: the cent). When the expression only multiplies, adds and
      subtracts counts and amounts (`qty * unit_price`), the result must match to
      the cent: 3 × 8,000.10 = 24,000.30 passes, 24,000.31 fails.
    - When it involves a rate (a percent or discount column), a division or a
      fractional constant, people round the per-unit price before multiplying
      (a discounted unit price to the cent). The tolerance is then half a cent
      per unit — 0.005 × the product of the count columns (int/number/minutes) —
      and at least 0.01: 300 spots × 1,333.33 × 0.85 may be off by up to 1.50 yuan.
      A typo is never that small.

    Rows where any operand or the result is blank or unreadable are skipped.
    Finding cell: the result cell of that row.

    Message placeholders: `{table}`, `{row}`, `{result}` (the column's label),
    `{actual}`, `{formula}` (e.g. "数量 2 × 单价 1,000.10"), `{expected}`, `{diff}`.
    Default: "交付物第3行金额 2,000.00 与 数量 2 × 单价 1,000.10 = 2,000.20 不符，相差 0.20".
    """

    name = "row_formula"
    placeholders = ("table", "row", "result", "actual", "formula", "expected", "diff")
    default_why = "每行的金额应等于各项相乘（相加）的结果"

    check: Literal["row_formula"]
    table: str
    result: str
    expr: str
    tolerance: Tolerance = None
    _tree: ast.expr | None = PrivateAttr(default=None)

    @field_validator("expr")
    @classmethod
    def _expr_parses(cls, v: str) -> str:
        parse_expr(v)  # FormulaError is a ValueError: reported at `expr`
        return v

    def problems(self, rule: Rule, words: dict[str, tuple[str, ...]]) -> list[tuple[str, str]]:
        if p := table_problem(rule, self.table):
            return [("table", p)]
        out = []
        if p := column_problem(rule, self.table, self.result, NUMERIC):
            out.append(("result", p))
        out += [("expr", p) for n in names_in(self.tree())
                if (p := column_problem(rule, self.table, n, NUMERIC))]
        return out

    def tree(self) -> ast.expr:
        if self._tree is None:
            self._tree = parse_expr(self.expr)
        return self._tree

    def title(self, rule: Rule) -> str:
        shown = self._show(rule, {})
        return f"{table_label(rule, self.table)}每行：{column_label(rule, self.table, self.result)} = {shown}"

    def _show(self, rule: Rule, values: dict[str, str]) -> str:
        """The expression as a person reads it: labels (with values), × and ÷."""
        out = []
        for tok in _TOKEN.findall(self.expr):
            if _NAME.fullmatch(tok):
                label = column_label(rule, self.table, tok)
                out.append(f"{label} {values[tok]}" if tok in values else label)
            elif tok in _SHOWN:
                out.append(f" {_SHOWN[tok]} ")
            else:
                out.append(tok)
        return "".join(out).strip()

    def _tolerance(self, rule: Rule, values: dict[str, Decimal]) -> Decimal:
        if self.tolerance is not None:
            return self.tolerance
        tree = self.tree()
        types = {n: column_type(rule, self.table, n) for n in values}
        inexact = (any(t in RATES for t in types.values())
                   or any(isinstance(n, ast.BinOp) and isinstance(n.op, ast.Div) for n in ast.walk(tree))
                   or any(isinstance(n, ast.Constant) and Decimal(repr(n.value)) != int(n.value)
                          for n in ast.walk(tree)))
        if not inexact:
            return Decimal(0)
        units = Decimal(1)
        for n, t in types.items():
            if t in COUNTS:
                units *= abs(values[n])
        return max(Decimal("0.01"), Decimal("0.005") * units)

    def run(self, doc: Document, rule: Rule, ctx: CheckContext) -> Iterator[Finding]:
        table = doc.tables.get(self.table)
        if table is None:
            return
        tree = self.tree()
        operands = names_in(tree)
        kind = column_type(rule, self.table, self.result) or "number"
        step = _STEP.get(kind, Decimal("0.01"))
        for row in table.rows:
            values: dict[str, Decimal] = {}
            for key in [*operands, self.result]:
                v = row.get(key)
                d = as_decimal(v.value) if usable(v) else None  # type: ignore[union-attr]
                if d is None:
                    break
                values[key] = d
            else:
                try:
                    expected = evaluate(tree, values).quantize(step, rounding=ROUND_HALF_UP)
                except (DivisionByZero, InvalidOperation, ZeroDivisionError):
                    continue
                actual = values[self.result]
                diff = abs(actual.quantize(step, rounding=ROUND_HALF_UP) - expected)
                if diff > self._tolerance(rule, values):
                    shown = {n: fmt_value(values[n], column_type(rule, self.table, n) or "number")
                             for n in operands}
                    yield self.finding(
                        "{table}第{row}行{result} {actual} 与 {formula} = {expected} 不符，相差 {diff}",
                        refs(cell_of(table, row, self.result)),
                        table=table_label(rule, self.table), row=row.number,
                        result=column_label(rule, self.table, self.result),
                        actual=fmt_value(actual, kind), formula=self._show(rule, shown),
                        expected=fmt_value(expected, kind), diff=fmt_value(diff, kind))
