"""`capital_amount`: the amount in Chinese capital numerals (大写) says the same as the figure."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Literal

from automator.capital import parse_capital, to_capital
from automator.checks.base import Check, CheckContext, field_problem
from automator.checks.common import SUMMABLE, as_decimal, cents, field_label, fmt_money, refs, usable
from automator.document import Finding

if TYPE_CHECKING:
    from automator.document import Document
    from automator.rules.model import Rule


class CapitalAmount(Check):
    """The 大写 amount (壹拾贰万捌仟元整) equals the figure (¥128,000.00), to the cent.

    YAML keys:

    - `field` — the text field holding the 大写 words (e.g. `total_capital`);
    - `amount` — the money field it must agree with (e.g. `total`);
    - `severity`, `why`, `message`.

    The words are read by `automator.capital.parse_capital`, which accepts
    人民币/（大写）/⊗ decoration, 圆 and 正, and a missing 零, but not
    misordered units. Words that are not an amount are a finding too: a bank
    pays by the 大写, so it must be readable. Skipped when either field is
    blank or the figure is unreadable (the `unreadable` check reports that).
    Finding cells: the 大写 cell, then the figure's cell.

    Message placeholders: `{field}`, `{amount_label}`, `{words}` (as printed),
    `{says}` (what the words mean), `{figure}`, `{right}` (the 大写 of the figure),
    `{problem}` (why the words could not be read).
    Default: "大写金额「壹拾肆万元整」= 140,000.00，与总计 142,040.00 不符（应为「壹拾肆万贰仟零肆拾元整」）".
    """

    name = "capital_amount"
    placeholders = ("field", "amount_label", "words", "says", "figure", "right", "problem")
    default_why = "大写金额必须与小写金额一致"

    check: Literal["capital_amount"]
    field: str
    amount: str

    def problems(self, rule: Rule, words: dict[str, tuple[str, ...]]) -> list[tuple[str, str]]:
        out = []
        if p := field_problem(rule, self.field, frozenset({"text"})):
            out.append(("field", p))
        if p := field_problem(rule, self.amount, SUMMABLE):
            out.append(("amount", p))
        return out

    def title(self, rule: Rule) -> str:
        return f"{field_label(rule, self.field)}与{field_label(rule, self.amount)}一致"

    def run(self, doc: Document, rule: Rule, ctx: CheckContext) -> Iterator[Finding]:
        words_v, figure_v = doc.fields.get(self.field), doc.fields.get(self.amount)
        if not usable(words_v) or not usable(figure_v):
            return
        figure = as_decimal(figure_v.value)  # type: ignore[union-attr]
        if figure is None:
            return
        words = str(words_v.raw if words_v.raw is not None else words_v.value).strip()  # type: ignore[union-attr]
        labels = {"field": field_label(rule, self.field), "amount_label": field_label(rule, self.amount),
                  "words": words, "figure": fmt_money(figure), "right": to_capital(figure)}
        cells = refs(words_v.ref, figure_v.ref)  # type: ignore[union-attr]
        try:
            says = parse_capital(words)
        except ValueError as exc:
            yield self.finding("{field}「{words}」无法识别：{problem}（{amount_label} {figure} 的大写应为「{right}」）",
                               cells, says="", problem=str(exc), **labels)
            return
        if says != cents(figure):
            yield self.finding("{field}「{words}」= {says}，与{amount_label} {figure} 不符（应为「{right}」）",
                               cells, says=fmt_money(says), problem="", **labels)
