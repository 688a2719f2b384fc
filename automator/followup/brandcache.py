"""A client's documents as the brand file needs them, read in one consistent look at the ledger.

Each archived document's rows are rendered once (brandrows.py) and kept in the ledger's
`brand_rows` table (migration 6), so a rebuild reads the kept rows, renders only the documents
it has not seen, and puts the file together (brandfile.py) — tens of milliseconds at 2,000
documents instead of seconds (docs/benchmark.md).

Why this cannot go stale, or lose a document:
- a ledger row is never changed (append-only; a `_v2` is a new row), and a kept row is a pure
  function of its ledger row and its `form` — a digest of the code that renders rows, the rules'
  names and date/title fields, the done words and the client's folder. Rows of another form are
  ignored and rendered again (a new release, an edited rule), so no step ever has to be remembered;
- everything — kept rows, the rows still to render, the invoices, the highest id — comes from a
  single SELECT, one snapshot of the ledger: the `upto` it reports is exactly what the file holds;
- new rows are stored in the same transaction that swaps the file in (index.py); two watchers
  rendering the same document store the same bytes; a process killed before its commit stores
  nothing and the next rebuild renders those documents again.

    snapshot(ctx, ledger, key, rerender=False) -> Snapshot | None
    store(db, snapshot)          # inside the swap's transaction
"""

from __future__ import annotations

import functools
import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from automator.outcome import Status
from automator.archive.ledger import KEPT, Entry
from automator.followup import brandrows
from automator.followup.brandrows import Kept, Table
from automator.followup.records import Doc, folder_key, folder_of, to_doc

if TYPE_CHECKING:
    import sqlite3

    from automator.archive.ledger import Ledger
    from automator.pipeline.context import Context
    from automator.rules.loader import RuleSet

# One statement, one snapshot of the ledger: which documents the client has (up to which id), and the
# kept rows of those rendered in this form. What else is needed comes by id after it (rows never change).
_KEPT = "b.meta, b.rel, b.sheet1, b.sheet2, b.sheet3, b.sheet4, b.sheet5"
_SNAPSHOT = (f"SELECT i.id, i.status, i.doc_type, i.client, {_KEPT} FROM inputs i "
             "LEFT JOIN brand_rows b ON b.entry = i.id AND b.form = ? "
             "WHERE i.status IN ({kept}) AND i.client IN ({names})")   # no ORDER BY: SQLite would sort the bytes too
_ENTRIES = ("SELECT id, at, sha256, input, status, doc_type, client, doc_key, version, outputs, findings, explain, "
            "figures FROM inputs WHERE id IN ({ids}) ORDER BY id")
_COLUMNS = ("meta", "rel", "sheet1", "sheet2", "sheet3", "sheet4", "sheet5")
_STORE = (f"INSERT INTO brand_rows (entry, form, {', '.join(_COLUMNS)}) VALUES (?, ?, {', '.join('?' for _ in _COLUMNS)}) "
          f"ON CONFLICT(entry) DO UPDATE SET form = excluded.form, "
          + ", ".join(f"{c} = excluded.{c}" for c in _COLUMNS))
_RENDERING = ("cells.py", "xlsx.py", "brandrows.py", "records.py", "items.py")


@dataclass
class Snapshot:
    """One client as the ledger held it at one moment."""

    folder: str                    # the client's archive folder (its first document's)
    name: str                      # the client as its latest document writes it
    upto: int                      # the highest ledger id of the client's documents: what the files reflect
    form: str
    table: Table = field(default_factory=lambda: Table([], []))   # every archived document, rendered
    fresh: list[Kept] = field(default_factory=list)     # of those, the ones rendered just now (to store)
    invoices: list[Doc] = field(default_factory=list)   # archived and in review, for the registers


@functools.cache
def _code() -> str:
    """A digest of the modules that decide what a kept row holds: a changed module renders every row again
    (so no release can forget to say its rows changed). Without the sources (a frozen build), the version."""
    here = Path(__file__).parent
    digest = hashlib.sha256()
    try:
        for name in _RENDERING:
            digest.update((here / name).read_bytes())
    except OSError:
        from importlib.metadata import PackageNotFoundError, version

        try:
            return f"automator {version('automator')}"
        except PackageNotFoundError:
            return "automator"
    return digest.hexdigest()


def form(ruleset: RuleSet | None, done_words: tuple[str, ...], base: str) -> str:
    rules = sorted((k, r.zh, r.date_field, r.title_field) for k, r in ruleset.rules.items()) if ruleset else []
    return hashlib.sha256(json.dumps([_code(), rules, sorted(done_words), base], ensure_ascii=False,
                                     default=str).encode()).hexdigest()[:24]


def _spellings(ledger: Ledger, key: str) -> list[str]:
    return [c for c in ledger.clients() if folder_key(c) == key]


def _entries(ledger: Ledger, ids: list[int], ruleset: RuleSet | None) -> list[Doc]:
    out = []
    for start in range(0, len(ids), 500):   # SQLite's bound-parameter limit
        chunk = ids[start:start + 500]
        rows = ledger.query(_ENTRIES.format(ids=",".join("?" for _ in chunk)), tuple(chunk))
        out += [doc for row in rows if (doc := to_doc(Entry.from_row(row), ruleset)) is not None]
    return out


def _folder(ledger: Ledger, names: list[str]) -> str:
    """The client's folder: its first document's (which never changes: the ledger is append-only)."""
    first = ledger.query(f"SELECT client FROM inputs WHERE status IN ({','.join('?' for _ in KEPT)}) "
                         f"AND client IN ({','.join('?' for _ in names)}) ORDER BY id LIMIT 1", (*KEPT, *names))
    return folder_of(first[0][0])


def snapshot(ctx: Context, ledger: Ledger, key: str, *, rerender: bool = False) -> Snapshot | None:
    """The client of folder key `key` (see `folder_key`); None when the ledger has none of its documents.

    `rerender` ignores the kept rows (`automator rebuild-index`: everything from the ledger itself)."""
    names = _spellings(ledger, key)
    if not names:
        return None
    folder = _folder(ledger, names)
    done_words = tuple(ctx.ruleset.words.get("done", ())) if ctx.ruleset else ()
    base = ctx.settings.rel(ctx.settings.outbox / folder)
    snap = Snapshot(folder, "", 0, form(ctx.ruleset, done_words, base))
    rows = [tuple(row) for row in ledger.query(
        _SNAPSHOT.format(kept=",".join("?" for _ in KEPT), names=",".join("?" for _ in names)),
        ("" if rerender else snap.form, *KEPT, *names))]   # (id, status, doc_type, client, meta, *parts)
    if not rows:
        return None
    last = max(rows)
    snap.upto, snap.name = last[0], last[3]
    kept = {row[0]: row[4:] for row in rows if row[1] == Status.ARCHIVED and row[4] is not None}
    wanted = [row[0] for row in rows if (row[1] == Status.ARCHIVED and row[4] is None) or row[2] == "invoice"]
    docs = _entries(ledger, wanted, ctx.ruleset)
    snap.invoices = [doc for doc in docs if doc.doc_type == "invoice"]
    snap.fresh = [brandrows.render(doc, base=base, done_words=done_words) for doc in docs
                  if doc.status == Status.ARCHIVED and doc.id not in kept]
    snap.table = Table.load([*kept.values(), *((k.meta, *k.parts) for k in snap.fresh)])
    return snap


def store(db: sqlite3.Connection, snap: Snapshot) -> None:
    """Keep the rows rendered for this snapshot (inside the transaction that swaps the file in)."""
    if snap.fresh:
        db.executemany(_STORE, [(k.id, snap.form, k.meta, *k.parts) for k in snap.fresh])
