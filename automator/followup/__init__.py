"""Follow-through: what the archive answers beyond filing — the account team's daily questions.

    records.py    the ledger's archived documents, as plain records per client (latest versions)
    items.py      actions, decisions, budget lines, follow-up problems and pending reports from them
    due.py        what is late: `automator due`
    cells.py      typed cells as SpreadsheetML (every string as text, dates as dates, relative links)
    xlsx.py       the xlsx package's parts; zipwrite.py zips them (ISA-L deflate)
    sheets.py     writing a workbook of plain rows atomically (registers, digests, seals)
    brandrows.py  one archived document's rows of the brand file, rendered once
    brandcache.py those rows kept in the ledger (brand_rows), a client read in one snapshot
    brandfile.py  outbox/<客户>/品牌档案.xlsx (文档, 行动事项, 决议, 预算, 回访问题) put together from them
    register.py   outbox/<客户>/<年份>/发票台账.xlsx
    index.py      the chore that rebuilds the files of clients whose documents changed
    digest.py     the daily digest (outbox/_digest/<date>.md and .xlsx), and the chore that writes it
    seal.py       monthly seals: 归档清单-YYYY-MM.xlsx + .sha256, and their verification

Everything here is rebuilt from the ledger, never patched in place: a deleted or damaged
file comes back whole from `automator rebuild-index`, and two watchers can never lose a
document between them (see index.py). The brand file keeps each document's rows rendered
(brandcache.py), so a rebuild at 2,000 documents costs tens of milliseconds, not seconds.
"""
