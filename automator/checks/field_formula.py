"""`field_formula`: one form field equals arithmetic over other fields."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from decimal import ROUND_HALF_UP, Decimal, DivisionByZero, InvalidOperation
from typing import TYPE_CHECKING, Literal

from pydantic import PrivateAttr, field_validator

from automator.checks.base import Check, CheckContext, Tolerance, field_problem
from automator.checks.common import NUMERIC, RATES, as_decimal, field_label, fmt_value, refs, usable
from automator.checks.row_formula import _NAME, _SHOWN, _STEP, _TOKEN, evaluate, names_in, parse_expr
from automator.document import Finding

if TYPE_CHECKING:
    from automator.document import Document
    from automator.rules.model import Rule


class FieldFormula(Check):
    """A form field equals an arithmetic expression of other form fields.

    YAML keys:

    - `result` — the field holding the figure to check (e.g. `total`);
    - `expr` — field keys and numbers with `+ - * /` and parentheses, e.g.
      `subtotal + tax` or `subtotal * tax_rate` (parsed like `row_formula`'s
      `expr`: restricted `ast`, computed in Decimal, never `eval`);
    - `optional: [tax]` — fields that count as 0 when the document does not
      state them (a quote without tax: total = subtotal). Unreadable values are
      never counted as 0;
    - `tolerance` — allowed difference in the result's unit (yuan for money).
      Default: 0 (to the cent) for sums and differences; 0.01 when a rate
      (percent field), a division or a fraction is involved, since the stated
      figure was rounded to the cent;
    - `severity`, `why`, `message`.

    Skipped when the result or a non-optional operand is blank or unreadable.
    Finding cells: the result's cell, then the operands' cells.

    Message placeholders: `{result}` (the field's label), `{actual}`,
    `{formula}` (e.g. "小计 134,000.00 + 税额 8,040.00"), `{expected}`, `{diff}`.
    Default: "总计 142,000.00 与 小计 134,000.00 + 税额 8,040.00 = 142,040.00 不符，相差 40.00".
    """

    name = "field_formula"
    placeholders = ("result", "actual", "formula", "expected", "diff")
    default_why = "合计应等于各项相加（相乘）的结果"

    check: Literal["field_formula"]
    result: str
    expr: str
    optional: tuple[str, ...] = ()
    tolerance: Tolerance = None
    _tree: ast.expr | None = PrivateAttr(default=None)

    @field_validator("expr")
    @classmethod
    def _expr_parses(cls, v: str) -> str:
        parse_expr(v)
        return v

    def tree(self) -> ast.expr:
        if self._tree is None:
            self._tree = parse_expr(self.expr)
        return self._tree

    def problems(self, rule: Rule, words: dict[str, tuple[str, ...]]) -> list[tuple[str, str]]:
        out = []
        if p := field_problem(rule, self.result, NUMERIC):
            out.append(("result", p))
        names = names_in(self.tree())
        out += [("expr", p) for n in names if (p := field_problem(rule, n, NUMERIC))]
        out += [("optional", f"'{n}' is not used in expr") for n in self.optional if n not in names]
        return out

    def title(self, rule: Rule) -> str:
        return f"{field_label(rule, self.result)} = {self._show(rule, {})}"

    def _show(self, rule: Rule, values: dict[str, str]) -> str:
        out = []
        for tok in _TOKEN.findall(self.expr):
            if _NAME.fullmatch(tok):
                label = field_label(rule, tok)
                out.append(f"{label} {values[tok]}" if tok in values else label)
            else:
                out.append(f" {_SHOWN[tok]} " if tok in _SHOWN else tok)
        return "".join(out).strip()

    def _tolerance(self, rule: Rule) -> Decimal:
        if self.tolerance is not None:
            return self.tolerance
        tree = self.tree()
        rates = any((spec := rule.field(n)) is not None and spec.type in RATES for n in names_in(tree))
        division = any(isinstance(n, ast.BinOp) and isinstance(n.op, ast.Div) for n in ast.walk(tree))
        fraction = any(isinstance(n, ast.Constant) and Decimal(repr(n.value)) != int(n.value)
                       for n in ast.walk(tree))
        return Decimal("0.01") if rates or division or fraction else Decimal(0)

    def run(self, doc: Document, rule: Rule, ctx: CheckContext) -> Iterator[Finding]:
        values: dict[str, Decimal] = {}
        for key in [*names_in(self.tree()), self.result]:
            v = doc.fields.get(key)
            if usable(v) and (d := as_decimal(v.value)) is not None:  # type: ignore[union-attr]
                values[key] = d
            elif key in self.optional and key != self.result and (v is None or (v.blank and not v.problem)):
                values[key] = Decimal(0)
            else:
                return
        spec = rule.field(self.result)
        kind = spec.type if spec else "number"
        step = _STEP.get(kind, Decimal("0.01"))
        try:
            expected = evaluate(self.tree(), values).quantize(step, rounding=ROUND_HALF_UP)
        except (DivisionByZero, InvalidOperation, ZeroDivisionError):
            return
        actual = values[self.result]
        diff = abs(actual.quantize(step, rounding=ROUND_HALF_UP) - expected)
        if diff <= self._tolerance(rule):
            return
        operands = names_in(self.tree())
        shown = {n: fmt_value(values[n], (rule.field(n).type if rule.field(n) else "number"))  # type: ignore[union-attr]
                 for n in operands}
        cells = [doc.fields[self.result].ref, *(doc.fields[n].ref for n in operands if n in doc.fields)]
        yield self.finding("{result} {actual} 与 {formula} = {expected} 不符，相差 {diff}", refs(*cells),
                           result=field_label(rule, self.result), actual=fmt_value(actual, kind),
                           formula=self._show(rule, shown), expected=fmt_value(expected, kind),
                           diff=fmt_value(diff, kind))
