"""The brand file (品牌档案): one workbook per client, `outbox/<客户>/品牌档案.xlsx`.

The manual's "accurate, continuous, up-to-date record of the brand's history", as the
archive knows it. Five sheets, the newest first:

- 文档 — every archived document, once per version: date, type, title, version, status, link;
- 行动事项 — every action of the latest version of each contact report: action, owner, due,
  status, whether it is settled (a later report may have closed or re-dated it), source report;
- 决议 — the decisions, with their meeting;
- 预算 — the budget lines of each brief, campaign and contact report, with the approved total;
- 回访问题 — the problems of each client follow-up record, with urgency and department.

Overdue open actions and overdue urgent problems are coloured when the file is opened (the
formula compares with TODAY(), so the colour is right on the day it is read, not the day it
was written).

Put together from each document's kept rows (brandrows.py): which rows, in which order, and
the cells that depend on other documents — by the same rules as `automator due` (items.py:
`fates`, records.py: `latest_versions`), so the two can never disagree.

    parts(table, sealed={month: when}) -> [xlsx.Part × 5]
"""

from __future__ import annotations

from itertools import accumulate

from automator.followup import cells, items, xlsx
from automator.followup.brandrows import (ACTIONS, AT, BUDGET, COUNTS, DECISIONS, DOCS, KEY, LABEL, ORDER, PROBLEMS,
                                          SAID_ACTIONS, SAID_PROBLEMS, TYPE, VERSION, WARNINGS, Layout, Table,
                                          archived_status, settled)
from automator.followup.records import latest_versions
from automator.followup.sheets import empty_row, filter_last

NAME = "品牌档案.xlsx"


_NUMBERS: list[bytes] = []   # b"0", b"1", …: row numbers, made once per process


def _numbers(first: int, count: int) -> list[bytes]:
    while len(_NUMBERS) < first + count:
        _NUMBERS.extend(b"%d" % n for n in range(len(_NUMBERS), 2 * len(_NUMBERS) + 1024))
    return _NUMBERS[first:first + count]


def _sheet(layout: Layout, table: Table, index: int, shown: list[int],
           changes: dict[int, tuple[bytes, bytes]] | None = None, *,
           bold_last: bool = False) -> xlsx.Part:
    """One sheet from the kept rows of the documents `shown` (newest first, their row counts);
    `changes`: row index → that row's state cells, where a later document changed them."""
    templates, rels = table.sheet(index, shown)
    if len(templates) != sum(shown):
        raise ValueError(f"{layout.name}: {len(templates)} kept rows for {sum(shown)}")
    for at, (old, new) in (changes or {}).items():
        templates[at] = templates[at].replace(old, new, 1)
    out = xlsx.Part(layout.name, [c.title for c in layout.columns], [c.width for c in layout.columns],
                    [t.replace(cells.ROW, n) for t, n in zip(templates, _numbers(2, len(templates)), strict=True)],
                    rows=len(templates) or 1, filter_last=filter_last(len(templates), bold_last), alert=layout.alert)
    if not templates:
        out.body, out.alert = [empty_row(layout.empty)], None
        return out
    # Each document's rows as one range, its relationship by its own id (brandrows); Excel's limit of
    # links per sheet is far away (a range is one), past it the rows keep their text.
    docs = [(meta[ORDER][2], n) for meta, n in zip(table.metas, shown, strict=True) if n]
    col = cells.COLUMNS[layout.link].encode()
    firsts = list(accumulate((n for _, n in docs), initial=2))[:-1]   # each document's first row
    linked = [(entry, first, n, rel) for (entry, n), first, rel in zip(docs, firsts, rels, strict=True)
              if rel][:xlsx.MAX_LINKS]
    out.hyperlinks = [b'<hyperlink ref="%s%d" r:id="rId%d"/>' % (col, first, entry) if n == 1 else
                      b'<hyperlink ref="%s%d:%s%d" r:id="rId%d"/>' % (col, first, col, first + n - 1, entry)
                      for entry, first, n, _ in linked]
    out.rels = [rel for *_, rel in linked]
    return out


def documents(table: Table, sealed: dict[str, str]) -> xlsx.Part:
    """Every kept document, once per version; the 状态 of a superseded or sealed one changed."""
    tops: dict[str, int] = {}
    for meta in table.metas:
        if meta[VERSION] > tops.get(meta[KEY], 0):
            tops[meta[KEY]] = meta[VERSION]
    changes = {}
    for at, meta in enumerate(table.metas):
        top, seal_at = tops[meta[KEY]], sealed.get(meta[AT][:7]) if sealed else None
        if top > meta[VERSION] or (seal_at is not None and meta[AT] <= seal_at):
            now = archived_status(meta[WARNINGS], top if top > meta[VERSION] else None,
                                  meta[AT][:7] if seal_at is not None and meta[AT] <= seal_at else None)
            changes[at] = (DOCS.state(archived_status(meta[WARNINGS])), DOCS.state(now))
    return _sheet(DOCS, table, 0, [1] * len(table.metas), changes)


def _tracked(table: Table, layout: Layout, index: int, field: int, shown: list[bool]) -> xlsx.Part:
    """Actions (or problems) of the documents shown: each row with what became of it, newest source first."""
    sources = [meta for meta, on in zip(table.metas, shown, strict=True) if on and meta[field]][::-1]  # oldest first
    mentions = [(key, done, meta[ORDER][2]) for meta in sources for key, done in meta[field]]
    fates = items.fates(mentions)
    starts, row = {}, 0
    for meta in reversed(sources):   # the sheet: newest document first, each one's rows in its table's order
        starts[meta[ORDER][2]] = row
        row += len(meta[field])
    place = [starts[meta[ORDER][2]] + k for meta in sources for k in range(len(meta[field]))]
    labels = {meta[ORDER][2]: meta[LABEL] for meta in sources}
    before = {done: layout.state(*settled(done)) for done in (False, True)}   # as each document says
    after: dict[tuple[bool, int], bytes] = {}   # (closed, by which document) → its cells: few, for many rows
    changes = {}
    for at in [i for i, fate in enumerate(fates) if fate is not None]:   # a later document closed or re-listed it
        fate, done = fates[at], mentions[at][1]
        now = after.get(fate)   # type: ignore[call-overload]
        if now is None:
            now = after[fate] = layout.state(*settled(done, (fate[0], labels[fate[1]])))  # type: ignore[index]
        changes[place[at]] = (before[done], now)
    counts = [meta[COUNTS][index] if on else 0 for meta, on in zip(table.metas, shown, strict=True)]
    return _sheet(layout, table, index, counts, changes)


def parts(table: Table, *, sealed: dict[str, str] | None = None) -> list[xlsx.Part]:
    """The brand file's five sheets from a client's kept documents; `sealed`: month → when it was sealed."""
    best = {id(meta) for meta in latest_versions(table.metas, lambda m: (m[KEY], m[VERSION], m[ORDER][2]))}
    latest = [id(meta) in best for meta in table.metas]

    def shown(index: int, *types: str) -> list[int]:
        return [meta[COUNTS][index] if on and meta[TYPE] in types else 0
                for meta, on in zip(table.metas, latest, strict=True)]

    return [documents(table, sealed or {}),
            _tracked(table, ACTIONS, 1, SAID_ACTIONS, [bool(n) for n in shown(1, items.SOURCES["action"])]),
            _sheet(DECISIONS, table, 2, shown(2, "contact_report")),
            _sheet(BUDGET, table, 3, shown(3, *items.BUDGET_TYPES), bold_last=True),
            _tracked(table, PROBLEMS, 4, SAID_PROBLEMS, [bool(n) for n in shown(4, items.SOURCES["problem"])])]
