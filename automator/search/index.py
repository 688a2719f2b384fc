"""The search index: one row per archived document, in `search.sqlite` in the root.

It is derived data, kept out of the ledger on purpose: it can be deleted and rebuilt at
any time from the ledger and the outbox (`automator serve --reindex`), it never holds
anything the ledger does not, and the web app opens it read-only.

    docs    one row per archived ledger entry (every version; `latest` marks the newest of a
            document), with what the pages show and `body`: every field value, table cell
            and file name, NFKC-folded and lower-cased
    text    FTS5, `trigram` tokenizer, over the latest versions' body: any substring of ≥ 3
            characters, Chinese included
    grams   FTS5 over the same body cut into overlapping 2-character pieces: trigram cannot
            match a 2-character query such as 金麦, and Chinese names are often two characters
    meta    `last_id`: the ledger id up to which `catch_up` has followed the ledger

Rows are added by the pipeline's `index` stage after each archived document and by
`catch_up` (serve start-up, the `search-index` chore), which also heals what a stage missed.
"""

from __future__ import annotations

import json
import logging
import os
import sqlite3
import time
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import astuple, dataclass, fields
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any

from automator.filesystems import on_network
from automator.settings import SYSTEM_DIRS, Settings

if TYPE_CHECKING:
    from automator.archive.ledger import Entry, Ledger
    from automator.pipeline.context import Context

log = logging.getLogger(__name__)
FILE = "search.sqlite"
SCHEMA_VERSION = 1
SCHEMA = (
    """CREATE TABLE docs (
        id INTEGER PRIMARY KEY, doc_key TEXT NOT NULL, version INTEGER NOT NULL, latest INTEGER NOT NULL,
        path TEXT NOT NULL, client TEXT, client_dir TEXT NOT NULL, year TEXT NOT NULL, category TEXT NOT NULL,
        doc_type TEXT, doc_zh TEXT, title TEXT, date TEXT, at TEXT, summary TEXT, outputs TEXT NOT NULL,
        body TEXT NOT NULL)""",
    "CREATE INDEX docs_key ON docs(doc_key, latest)",
    "CREATE INDEX docs_path ON docs(path)",
    "CREATE INDEX docs_browse ON docs(latest, client_dir, year, category)",
    "CREATE INDEX docs_order ON docs(latest, date, id)",
    "CREATE INDEX docs_types ON docs(latest, doc_type, doc_zh)",   # the filters' choices, from the index alone
    "CREATE INDEX docs_years ON docs(latest, year)",
    "CREATE VIRTUAL TABLE text USING fts5(body, content='docs', content_rowid='id', tokenize='trigram')",
    "CREATE VIRTUAL TABLE grams USING fts5(pairs, tokenize='unicode61 remove_diacritics 0')",
    "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
)
TABLES = ("docs", "text", "grams", "meta")


def index_path(settings: Settings) -> Path:
    return settings.root / FILE


def fold(text: str) -> str:
    """How text is compared: NFKC (full-width ＡＢＣ and （） fold to ABC and ()) and lower case."""
    return unicodedata.normalize("NFKC", text).lower()


def bigrams(text: str) -> str:
    """Every pair of neighbouring letters or digits, once each, space-separated (for `grams`)."""
    pairs = dict.fromkeys(a + b for a, b in zip(text, text[1:], strict=False) if a.isalnum() and b.isalnum())
    return " ".join(pairs)


@dataclass(frozen=True)
class Record:
    """One archived document as the index keeps it (column order = the `docs` table)."""

    id: int               # the ledger entry's id
    doc_key: str
    version: int
    latest: int
    path: str             # the document's main file, "outbox/<client>/<year>/<category>/<file>"
    client: str | None    # as written in the document
    client_dir: str       # its archive folder name
    year: str
    category: str
    doc_type: str | None
    doc_zh: str | None
    title: str
    date: str | None
    at: str
    summary: str | None
    outputs: str          # the ledger's outputs (JSON list of root-relative paths)
    body: str


def _plain(value: Any) -> str:
    return "" if value is None else str(value)


def _words(entry: Entry, title: str, doc_zh: str | None, category: str) -> list[str]:
    figures = entry.figures or {}
    words = [title, _plain(entry.client), _plain(doc_zh), _plain(entry.doc_type), category]
    words += [_plain(v) for v in figures.get("fields", {}).values()]
    for rows in figures.get("tables", {}).values():
        words += [_plain(v) for row in rows for v in row.values()]
    for totals in figures.get("totals", {}).values():
        words += [_plain(v) for v in totals.values()]
    words += [PurePosixPath(p).name for p in [*entry.outputs, entry.input]]
    return [w for w in dict.fromkeys(w.strip() for w in words) if w]


def record(settings: Settings, entry: Entry) -> Record | None:
    """What the index keeps of an archived ledger entry; None when it is not one (or its file is gone)."""
    if entry.status != "archived" or not entry.outputs:
        return None
    path = entry.outputs[0]
    parts = PurePosixPath(path).parts
    if len(parts) != 5 or parts[0] != "outbox" or parts[1] in SYSTEM_DIRS or ".." in parts:
        return None
    if not (settings.root / path).is_file():
        return None
    explain, values = entry.explain or {}, (entry.figures or {}).get("fields", {})
    title = _plain(values.get(explain.get("title_field") or "")) or PurePosixPath(path).stem
    date = _plain(values.get(explain.get("date_field") or ""))[:10] or None
    doc_zh = explain.get("rule_zh") or entry.doc_type
    body = fold("\n".join(_words(entry, title, doc_zh, parts[3])))
    return Record(id=entry.id, doc_key=entry.doc_key or f"#{entry.id}", version=entry.version or 1, latest=1,
                  path=path, client=entry.client, client_dir=parts[1], year=parts[2], category=parts[3],
                  doc_type=entry.doc_type, doc_zh=doc_zh, title=title, date=date, at=entry.at,
                  summary=explain.get("summary"), outputs=json.dumps(entry.outputs, ensure_ascii=False), body=body)


class SearchIndex:
    """The index opened for writing (created, or re-created when its layout changed)."""

    def __init__(self, path: Path, *, timeout: float = 30.0) -> None:
        self.path, self.timeout = path, timeout
        self.db = sqlite3.connect(path, timeout=timeout, isolation_level=None)
        wal = not on_network(path.parent)  # as the ledger: WAL's shared memory does not work over SMB/NFS
        self.db.execute(f"PRAGMA journal_mode={'WAL' if wal else 'DELETE'}")
        # Derived data: no fsync (a checkpoint's fsync cost 20–70 ms every few documents). A power cut may
        # leave it damaged; `automator serve` then rebuilds it from the ledger, which does fsync.
        self.db.execute("PRAGMA synchronous=OFF")
        if wal:
            # In WAL only BEGIN IMMEDIATE waits (for the other worker's write), and transaction() waits
            # finely: SQLite's own busy handler sleeps 1, 2, 5, 10… ms, which made a 1 ms wait 8–18 ms.
            self.db.execute("PRAGMA busy_timeout=0")
        if self.db.execute("PRAGMA user_version").fetchone()[0] != SCHEMA_VERSION:
            with self.transaction() as db:
                if db.execute("PRAGMA user_version").fetchone()[0] != SCHEMA_VERSION:
                    for table in TABLES:  # derived data: an older layout is dropped and rebuilt
                        db.execute(f"DROP TABLE IF EXISTS {table}")
                    for statement in SCHEMA:
                        db.execute(statement)
                    db.execute(f"PRAGMA user_version={SCHEMA_VERSION}")

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> SearchIndex:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _begin(self) -> None:
        deadline, pause = time.monotonic() + self.timeout, 0.0002
        while True:
            try:
                self.db.execute("BEGIN IMMEDIATE")
                return
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc) and "busy" not in str(exc) or time.monotonic() > deadline:
                    raise
                time.sleep(pause)
                pause = min(pause * 2, 0.005)

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        self._begin()
        try:
            yield self.db
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        self.db.execute("COMMIT")

    def has(self, ledger_id: int) -> bool:
        return self.db.execute("SELECT 1 FROM docs WHERE id=?", (ledger_id,)).fetchone() is not None

    def _unindex(self, ids: list[int]) -> None:
        for doc_id, body in self.db.execute(
                f"SELECT id, body FROM docs WHERE id IN ({','.join('?' * len(ids))})", ids).fetchall():
            self.db.execute("INSERT INTO text(text, rowid, body) VALUES ('delete', ?, ?)", (doc_id, body))
            self.db.execute("DELETE FROM grams WHERE rowid=?", (doc_id,))

    def add(self, rec: Record) -> None:
        """Add (or replace) one document; only the newest version of a document stays searchable.
        Call inside `transaction()`."""
        db = self.db
        newer = db.execute("SELECT 1 FROM docs WHERE doc_key=? AND id<>? AND (version>? OR (version=? AND id>?))",
                           (rec.doc_key, rec.id, rec.version, rec.version, rec.id)).fetchone()
        latest = newer is None
        indexed = [row[0] for row in db.execute("SELECT id FROM docs WHERE latest=1 AND (doc_key=? OR id=?)",
                                                (rec.doc_key, rec.id))]
        demoted = indexed if latest else [i for i in indexed if i == rec.id]
        if demoted:  # only rows that are in the word indexes are taken out of them
            self._unindex(demoted)
            db.execute(f"UPDATE docs SET latest=0 WHERE id IN ({','.join('?' * len(demoted))})", demoted)
        values = astuple(rec)[:3] + (int(latest),) + astuple(rec)[4:]
        db.execute(f"INSERT OR REPLACE INTO docs VALUES ({','.join('?' * len(fields(Record)))})", values)
        if latest:
            db.execute("INSERT INTO text(rowid, body) VALUES (?, ?)", (rec.id, rec.body))
            db.execute("INSERT INTO grams(rowid, pairs) VALUES (?, ?)", (rec.id, bigrams(rec.body)))

    def last_id(self) -> int:
        row = self.db.execute("SELECT value FROM meta WHERE key='last_id'").fetchone()
        return int(row[0]) if row else 0

    def set_last_id(self, value: int) -> None:
        self.db.execute("INSERT OR REPLACE INTO meta VALUES ('last_id', ?)", (str(value),))

    def clear(self) -> None:
        # `text` indexes only the latest rows of its content table: 'delete-all', not DELETE (which would
        # try to remove the words of every row, indexed or not).
        self.db.execute("INSERT INTO text(text) VALUES ('delete-all')")
        for table in ("grams", "docs", "meta"):
            self.db.execute(f"DELETE FROM {table}")


def catch_up(settings: Settings, ledger: Ledger, *, rebuild: bool = False, batch: int = 500) -> int:
    """Index every archived entry the index does not hold yet (all of them with `rebuild`),
    following the ledger in batches, one transaction each. Returns how many were added."""
    added = 0
    with SearchIndex(index_path(settings)) as index:
        if rebuild:
            with index.transaction():
                index.clear()
        last = index.last_id()
        while entries := ledger.since(last, status="archived", limit=batch):
            with index.transaction():
                for entry in entries:
                    rec = None if index.has(entry.id) else record(settings, entry)
                    if rec is not None:
                        index.add(rec)
                        added += 1
                last = entries[-1].id
                index.set_last_id(last)
    return added


_OPEN: dict[Path, tuple[int, int, SearchIndex]] = {}  # path -> (pid, inode, index): one per process


def _kept_open(path: Path) -> SearchIndex:
    """This process's writer for `path`, kept open between documents: closing the last connection
    checkpoints the WAL (an fsync per document). Reopened when the file was deleted or replaced."""
    try:
        inode = path.stat().st_ino
    except OSError:
        inode = -1
    kept = _OPEN.get(path)
    if kept is not None and kept[:2] == (os.getpid(), inode):
        return kept[2]
    if kept is not None and kept[0] == os.getpid():
        kept[2].close()
    index = SearchIndex(path)
    _OPEN[path] = (os.getpid(), path.stat().st_ino, index)
    return index


def add_entry(settings: Settings, entry: Entry) -> bool:
    """Index one archived entry now (the pipeline's stage). False when it is not indexable."""
    rec = record(settings, entry)
    if rec is None:
        return False
    path = index_path(settings)
    index = _kept_open(path)
    try:
        with index.transaction():
            index.add(rec)
    except sqlite3.Error:
        _OPEN.pop(path, None)
        index.close()
        raise
    return True


def _damaged(exc: sqlite3.DatabaseError) -> bool:
    text = str(exc)
    return "malformed" in text or "not a database" in text


def heal(settings: Settings, ledger: Ledger, *, rebuild: bool = False) -> int:
    """catch_up; an index found damaged (it is written without fsync) is deleted and rebuilt."""
    try:
        return catch_up(settings, ledger, rebuild=rebuild)
    except sqlite3.DatabaseError as exc:
        if not _damaged(exc):
            raise
        log.warning("search index %s is damaged (%s): rebuilding it from the ledger", index_path(settings), exc)
        for suffix in ("", "-wal", "-shm"):
            Path(f"{index_path(settings)}{suffix}").unlink(missing_ok=True)
        _OPEN.pop(index_path(settings), None)
        return catch_up(settings, ledger)


def follow(ctx: Context) -> int:
    """The `search-index` chore: catch up with the ledger (nothing to do when there is none yet)."""
    if ctx.dry_run or not ctx.settings.ledger.exists():
        return 0
    return heal(ctx.settings, ctx.open_ledger())
