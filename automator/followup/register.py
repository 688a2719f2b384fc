"""The invoice register (发票台账): `outbox/<客户>/<年份>/发票台账.xlsx`, one per client and year.

Every vendor invoice of that client whose date (开票日期) falls in the year: date, vendor,
number, amount, tax, total, status, link to the filed PDF. One row per invoice: a corrected
copy (a later version, or an archived one after a review) replaces the earlier row, so no
amount is counted twice. The totals row adds up the archived invoices only — one waiting in
review is listed (status 待复核, linked to its review folder) but not counted.

The figures are what the invoice reader put in the ledger (`fields`: vendor, doc_date, number,
subtotal, tax, total); this module does not read PDFs.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from typing import TYPE_CHECKING

from automator.outcome import Status
from automator.followup.records import Doc, parse_money, relative, text
from automator.followup.sheets import Column, Link, Sheet

if TYPE_CHECKING:
    from automator.followup.records import Client

NAME = "发票台账.xlsx"
UNKNOWN_YEAR = "未知年份"   # as the archive names a folder for a document without a date
STATUS = {"archived": "已归档", "review": "待复核"}


def invoices(client: Client) -> list[Doc]:
    """One record per invoice: its latest archived version, else its latest review."""
    best: dict[str, Doc] = {}
    for doc in client.docs:
        if doc.doc_type != "invoice":
            continue
        held = best.get(doc.doc_key)
        rank = (doc.status == Status.ARCHIVED, doc.version if doc.status == Status.ARCHIVED else 0, doc.id)
        if held is None or rank > (held.status == Status.ARCHIVED, held.version if held.status == Status.ARCHIVED else 0,
                                   held.id):
            best[doc.doc_key] = doc
    return list(best.values())


def by_year(client: Client) -> dict[str, list[Doc]]:
    out: dict[str, list[Doc]] = defaultdict(list)
    for doc in invoices(client):
        out[str(doc.date.year) if doc.date else UNKNOWN_YEAR].append(doc)
    return dict(out)


def sheet(docs: list[Doc], *, base: str, year: str) -> Sheet:
    """The register of one year; `base` is its folder (root-relative), for the links."""
    out = Sheet(f"{year}年发票", [Column("开票日期", 12, "date"), Column("销售方", 34), Column("发票号码", 24),
                                Column("金额", 15, "money"), Column("税额", 13, "money"), Column("价税合计", 15, "money"),
                                Column("状态", 12), Column("文件", 48, "link")], empty="（本年还没有发票）")
    total = {k: Decimal(0) for k in ("subtotal", "tax", "total")}
    for doc in sorted(docs, key=lambda d: (d.date is not None, d.date, d.id), reverse=True):
        f = doc.fields
        money = {k: parse_money(f.get(k)) for k in total}
        if doc.status == Status.ARCHIVED:
            for k, v in money.items():
                total[k] += v or 0
        link: Link | str = Link(doc.file.rsplit("/", 1)[-1], relative(doc.file, base)) if doc.file else ""
        state = STATUS.get(doc.status, doc.status) + (f"（{doc.warnings} 条警告）" if doc.warnings else "")
        out.rows.append([doc.date, text(f.get("vendor")), text(f.get("number")), money["subtotal"], money["tax"],
                         money["total"], state, link])
    if out.rows:
        out.bold_rows.add(len(out.rows))
        out.rows.append([None, "合计（已归档）", f"{sum(d.status == Status.ARCHIVED for d in docs)} 张", total["subtotal"],
                         total["tax"], total["total"], "", ""])
    return out
