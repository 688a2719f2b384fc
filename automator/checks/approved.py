"""`approved`: an invoice does not ask for more than the client approved in a brief.

The archive (the ledger) keeps every archived document's fields and table
rows; the pipeline hands it to the check in its `CheckContext`:

    run_checks(doc, rule, compiled, CheckContext(archive=ledger))

Without one (a unit test of other checks, a fresh root) the check has nothing to
hold the invoice against and stays silent.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any, Literal

from pydantic import Field

from automator.checks.base import Check, CheckContext, Tolerance, column_problem, field_problem, table_problem
from automator.checks.common import SUMMABLE, as_decimal, cents, field_label, fmt_money, refs, usable
from automator.document import Finding

if TYPE_CHECKING:
    from automator.document import Document
    from automator.rules.model import Rule


_KIND = {"creative_brief": "创意简报", "media_brief": "媒介简报"}
_TITLE_FIELDS = ("project", "campaign", "title")
_DATE_FIELDS = ("brief_date", "doc_date")
_SUFFIX = re.compile(r"(有限责任公司|股份有限公司|有限公司|分公司|公司|集团|工作室"
                     r"|co\.?,?ltd\.?|ltd\.?|inc\.?|llc|gmbh)+$")
_TRADE = re.compile(r"(影视制作|文化传播|文化传媒|信息技术|制作|影视|传媒|文化|传播|广告|科技|网络|设计|策划"
                    r"|营销|印务|印刷|媒体)+$")


def _norm(text: Any) -> str:
    return "".join(unicodedata.normalize("NFKC", str(text)).casefold().split())


def vendor_names(vendor: str) -> list[str]:
    """星辰影视制作（上海）有限公司 -> [全称, 星辰影视制作, 星辰]: the ways a brief may name it."""
    full = _norm(vendor)
    bare = _SUFFIX.sub("", re.sub(r"[(（][^)）]*[)）]", "", full))
    core = _TRADE.sub("", bare)
    return [n for n in dict.fromkeys((full, bare, core)) if len(n) >= 2]


def item_name(text: Any) -> str:
    """*广告服务*导演费 -> 导演费 (the tax category an e-invoice puts first is not the item)."""
    return _norm(re.sub(r"^\*[^*]*\*", "", str(text or "")))


def _decimal(x: Any) -> Decimal | None:
    try:
        d = Decimal(str(x))
    except (InvalidOperation, ValueError):
        return None
    return d if d.is_finite() else None


class Approved(Check):
    """The invoice's amount is not above what the client approved in an archived brief.

    YAML keys:

    - `amount` — the invoice's money field to hold against the approval (default `total`);
    - `from` — archived document types that carry approvals (default
      `[creative_brief, media_brief]`);
    - `vendor` — the field naming the vendor (default `vendor`); `table` and
      `item` — the invoice's line table and its item column (default `lines`, `item`);
    - `amount_columns` — the brief columns holding a line's approved amount
      (default `[amount, net]`: 交付物金额, 媒介排期净额); `budget` — the brief
      field with the overall budget (default `budget_total`);
    - `tolerance` — yuan allowed above the approval (default 0);
    - `severity`, `why`, `message`.

    Which approval: the newest archived brief of the same client whose rows
    name the vendor (its name with or without 有限公司/trade words) or one of
    the invoice's items; the approved amount is the sum of those rows. A brief
    that names the vendor only outside its tables approves its budget total.
    No such brief: nothing to compare, no finding. Finding cell: the invoice's
    amount.

    Message placeholders: `{amount_label}`, `{amount}`, `{approved}`, `{over}`,
    `{basis}` (which brief and rows, e.g. 创意简报「冬季新品」2026-11-02：交付物第1行「TVC拍摄」).
    """

    name = "approved"
    placeholders = ("amount_label", "amount", "approved", "over", "basis")
    default_why = "发票金额不能超过客户已批准的金额"

    check: Literal["approved"]
    amount: str = "total"
    from_: tuple[str, ...] = Field(default=("creative_brief", "media_brief"), alias="from")
    vendor: str = "vendor"
    table: str = "lines"
    item: str = "item"
    amount_columns: tuple[str, ...] = ("amount", "net")
    budget: str = "budget_total"
    tolerance: Tolerance = None

    def problems(self, rule: Rule, words: dict[str, tuple[str, ...]]) -> list[tuple[str, str]]:
        out = []
        if p := field_problem(rule, self.amount, SUMMABLE):
            out.append(("amount", p))
        if p := field_problem(rule, self.vendor):
            out.append(("vendor", p))
        if p := table_problem(rule, self.table) or column_problem(rule, self.table, self.item):
            out.append(("table", p))
        if not self.from_:
            out.append(("from", "name at least one document type, e.g. [creative_brief, media_brief]"))
        return out

    def title(self, rule: Rule) -> str:
        kinds = "、".join(_KIND.get(k, k) for k in self.from_)
        return f"{field_label(rule, self.amount)}不超过客户已批准的金额（{kinds}）"

    def run(self, doc: Document, rule: Rule, ctx: CheckContext) -> Iterator[Finding]:
        source = ctx.archive
        client, amount_v = doc.value("client"), doc.fields.get(self.amount)
        if source is None or not client or not usable(amount_v):
            return
        amount = as_decimal(amount_v.value)  # type: ignore[union-attr]
        if amount is None:
            return
        found = self._approval(doc, source.documents(str(client).strip(), list(self.from_)))
        if found is None:
            return
        approved, basis = found
        over = cents(amount) - cents(approved)
        if over > (self.tolerance or Decimal(0)):
            yield self.finding("{amount_label} {amount} 超出客户已批准的金额 {approved}（{basis}），超出 {over}",
                               refs(amount_v.ref),  # type: ignore[union-attr]
                               amount_label=field_label(rule, self.amount), amount=fmt_money(amount),
                               approved=fmt_money(approved), over=fmt_money(over), basis=basis)

    def _approval(self, doc: Document, briefs: list[dict[str, Any]]) -> tuple[Decimal, str] | None:
        vendor = doc.value(self.vendor)
        names = vendor_names(str(vendor)) if vendor else []
        table = doc.tables.get(self.table)
        items = {item_name(r.get(self.item).value) for r in (table.rows if table else [])
                 if r.get(self.item) is not None and r.get(self.item).value}  # type: ignore[union-attr]
        items = {i for i in items if len(i) >= 2}
        for brief in briefs:  # newest first
            rows = self._matching_rows(brief, names, items)
            if rows:
                total = sum((a for _, a in rows), Decimal(0))
                return total, f"{_describe(brief)}：{'、'.join(w for w, _ in rows)}"
            fields = brief.get("fields") or {}
            budget = _decimal(fields.get(self.budget))
            text = _norm(" ".join(str(v) for k, v in fields.items() if k != self.budget and v))
            if budget is not None and names and any(n in text for n in names):
                return budget, f"{_describe(brief)}：预算总额"
        return None

    def _matching_rows(self, brief: dict[str, Any], names: list[str],
                       items: set[str]) -> list[tuple[str, Decimal]]:
        out = []
        for key, rows in (brief.get("tables") or {}).items():
            for i, row in enumerate(rows, 1):
                texts = [_norm(v) for v in row.values() if isinstance(v, str) and _decimal(v) is None]
                joined = " ".join(texts)
                hit = any(n in joined for n in names) or any(
                    t and len(t) >= 2 and (t == it or t in it or it in t) for t in texts for it in items)
                amount = next((d for c in self.amount_columns if (d := _decimal(row.get(c))) is not None), None)
                if hit and amount is not None:
                    label = next((v for v in row.values() if isinstance(v, str) and _decimal(v) is None), "")
                    out.append((f"{_TABLE.get(key, key)}第{i}行「{label}」", amount))
        return out


_TABLE = {"deliverables": "交付物", "plan": "媒介排期"}


def _describe(brief: dict[str, Any]) -> str:
    fields = brief.get("fields") or {}
    kind = _KIND.get(str(brief.get("doc_type")), str(brief.get("doc_type")))
    title = next((fields[k] for k in _TITLE_FIELDS if fields.get(k)), "")
    date = next((fields[k] for k in _DATE_FIELDS if fields.get(k)), "")
    return f"{kind}{f'「{title}」' if title else ''}{f' {date}' if date else ''}"
