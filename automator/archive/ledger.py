"""Ledger: one row per input in an SQLite file in the root.

It answers "have we seen these bytes before?" (duplicates), "is this a new
version of a document we archived?" (same type, client, title, date), and
keeps each archived document's figures for later comparisons (invoices
against approved briefs). WAL mode and a busy timeout let several worker
processes and watchers share it; a locked database is waited for.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from automator.errors import LedgerError
from automator.archive.schema import MIGRATIONS, VERSION
from automator.filesystems import on_network
from automator.formatting import printable

KEPT = ("archived", "review")  # statuses whose content counts as processed


def _json_default(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    return str(value)


def dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, default=_json_default)


@dataclass
class Entry:
    id: int
    at: str
    sha256: str
    input: str
    status: str
    doc_type: str | None
    client: str | None
    doc_key: str | None
    version: int | None
    outputs: list[str]
    findings: list[dict[str, Any]]
    reason: str | None
    rule_version: str | None
    template_version: str | None
    explain: dict[str, Any]
    figures: dict[str, Any]
    changes: list[str]
    reason_code: str | None = None

    @classmethod
    def from_row(cls, row: sqlite3.Row) -> Entry:
        data = dict(row)
        for key, empty in (("outputs", "[]"), ("findings", "[]"), ("explain", "{}"), ("figures", "{}"),
                           ("changes", "[]")):
            data[key] = json.loads(data.get(key) or empty)
        return cls(**{k: data.get(k) for k in cls.__dataclass_fields__})


class Ledger:
    def __init__(self, path: Path, *, timeout: float = 60.0, readonly: bool = False) -> None:
        """Open (and create or migrate) the ledger; `readonly` opens an existing one to look
        things up without changing a byte (a dry run, `status`, `history`)."""
        self.path = path
        self.timeout = timeout
        try:
            if readonly:
                # With no -wal file beside it every row is in the main file: `immutable` then reads
                # it without creating the -shm/-wal files a WAL database otherwise gets (a dry run
                # and `status` leave the disk exactly as it was).
                wal = path.with_name(path.name + "-wal")
                flags = "mode=ro" if wal.exists() else "mode=ro&immutable=1"
                self.db = sqlite3.connect(f"{path.resolve().as_uri()}?{flags}", uri=True, timeout=timeout,
                                          isolation_level=None)
                self.db.row_factory = sqlite3.Row
                return
            self.db = sqlite3.connect(path, timeout=timeout, isolation_level=None)
            # WAL on local disks; on SMB/NFS the rollback journal, whose file locks work there
            # (WAL's shared memory does not). Switching can answer "locked" at once (no busy
            # handler) while another worker opens the same new ledger: retried like the rest.
            mode = "DELETE" if on_network(path.parent) else "WAL"
            self._retry(lambda: self.db.execute(f"PRAGMA journal_mode={mode}"))
            self.db.execute("PRAGMA synchronous=NORMAL")
            self.db.row_factory = sqlite3.Row
            self._migrate()
        except sqlite3.Error as exc:
            raise LedgerError(f"无法打开台账数据库 {path}：{exc}",
                              hint="检查根目录的写权限；若文件已损坏，可改名后重新开始") from exc

    def _migrate(self) -> None:
        """Bring the schema to VERSION: each missing migration, in order, in one transaction.

        A ledger made before versions existed (user_version 0) already has the version-1
        tables; their `IF NOT EXISTS` makes that step a no-op.
        """
        if self.db.execute("PRAGMA user_version").fetchone()[0] >= VERSION:
            return
        with self.transaction() as db:
            current = db.execute("PRAGMA user_version").fetchone()[0]  # another process may have done it
            for version, statements in MIGRATIONS[current:]:
                for statement in statements:
                    db.execute(statement)
                db.execute(f"PRAGMA user_version={int(version)}")

    @property
    def version(self) -> int:
        return int(self._retry(lambda: self.db.execute("PRAGMA user_version").fetchone()[0]))

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> Ledger:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _retry(self, fn: Any) -> Any:
        """sqlite's busy timeout covers most waits; a lock held across it is retried once more.
        Every other database error (read-only file, disk full, damage) becomes a LedgerError:
        the file goes back to the inbox for a retry, never a traceback."""
        deadline = time.monotonic() + self.timeout
        while True:
            try:
                return fn()
            except sqlite3.OperationalError as exc:
                busy = "locked" in str(exc) or "busy" in str(exc)
                if not busy or time.monotonic() > deadline:
                    raise _ledger_error(self.path, exc) from exc
                time.sleep(0.2)
            except sqlite3.Error as exc:
                raise _ledger_error(self.path, exc) from exc

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        self._retry(lambda: self.db.execute("BEGIN IMMEDIATE"))
        try:
            yield self.db
        except BaseException:
            try:
                self.db.execute("ROLLBACK")
            except sqlite3.Error:
                pass  # the failure being raised says what went wrong; a dead transaction rolls back anyway
            raise
        self._retry(lambda: self.db.execute("COMMIT"))

    def _entries(self, sql: str, args: tuple[Any, ...]) -> list[Entry]:
        rows = self._retry(lambda: self.db.execute(sql, args).fetchall())
        return [Entry.from_row(row) for row in rows]

    def seen(self, sha256: str) -> Entry | None:
        """The entry that already holds these bytes (archived or in review), if any."""
        found = self._entries("SELECT * FROM inputs WHERE sha256=? AND status IN (?,?) ORDER BY id DESC LIMIT 1",
                              (sha256, *KEPT))
        return found[0] if found else None

    def latest_version(self, doc_key: str) -> Entry | None:
        found = self._entries("SELECT * FROM inputs WHERE doc_key=? AND status='archived' "
                              "ORDER BY version DESC, id DESC LIMIT 1", (doc_key,))
        return found[0] if found else None

    def record(self, *, in_transaction: bool = False, **values: Any) -> int:
        """Insert one row and return its id; inside `transaction()` pass in_transaction=True."""
        values.setdefault("at", dt.datetime.now().isoformat(timespec="seconds"))
        for key in ("outputs", "findings", "explain", "figures", "changes"):
            if key in values and not isinstance(values[key], str):
                values[key] = dumps(values[key])
        values = {k: printable(v) if isinstance(v, str) else v for k, v in values.items()}
        sql = f"INSERT INTO inputs ({', '.join(values)}) VALUES ({', '.join('?' for _ in values)})"
        if in_transaction:
            return int(self._retry(lambda: self.db.execute(sql, tuple(values.values())).lastrowid))
        with self.transaction() as db:
            return int(db.execute(sql, tuple(values.values())).lastrowid)

    def query(self, sql: str, args: tuple[Any, ...] = ()) -> list[sqlite3.Row]:
        """Rows of any SELECT (another part's table: the delivery queue), with the usual waiting."""
        return list(self._retry(lambda: self.db.execute(sql, args).fetchall()))

    def execute(self, sql: str, args: tuple[Any, ...] = ()) -> int:
        """One change statement, inside `transaction()`; returns the number of rows it changed."""
        return int(self._retry(lambda: self.db.execute(sql, args).rowcount))

    def count(self) -> int:
        return int(self._retry(lambda: self.db.execute("SELECT COUNT(*) FROM inputs").fetchone()[0]))

    def recent(self, limit: int = 20, *, status: str | None = None) -> list[Entry]:
        if status:
            return self._entries("SELECT * FROM inputs WHERE status=? ORDER BY id DESC LIMIT ?", (status, limit))
        return self._entries("SELECT * FROM inputs ORDER BY id DESC LIMIT ?", (limit,))

    def tally(self, since: str) -> dict[str, int]:
        """How many entries of each status were recorded at or after `since` (ISO time): today's results."""
        rows = self._retry(lambda: self.db.execute(
            "SELECT status, COUNT(*) FROM inputs WHERE at >= ? GROUP BY status", (since,)).fetchall())
        return {str(status): int(n) for status, n in rows}

    def since(self, after: int, *, status: str | None = None, limit: int = 500) -> list[Entry]:
        """Entries with an id above `after`, oldest first (to follow the ledger in batches: the search index)."""
        if status:
            return self._entries("SELECT * FROM inputs WHERE id>? AND status=? ORDER BY id LIMIT ?",
                                 (after, status, limit))
        return self._entries("SELECT * FROM inputs WHERE id>? ORDER BY id LIMIT ?", (after, limit))

    def owner_of(self, output: str) -> Entry | None:
        """The entry that lists `output` (a root-relative path) among its outputs, if any."""
        escaped = dumps(output).replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        found = self._entries("SELECT * FROM inputs WHERE outputs LIKE ? ESCAPE '\\' ORDER BY id DESC LIMIT 1",
                              (f"%{escaped}%",))
        return found[0] if found else None

    def find_input(self, name: str) -> list[Entry]:
        """Entries whose input path or any output ends with `name` (for `automator explain`)."""
        like = f"%{name}"
        return self._entries("SELECT * FROM inputs WHERE input LIKE ? OR outputs LIKE ? ORDER BY id DESC LIMIT 5",
                             (like, f'%{name}"%'))

    def documents(self, client: str, doc_types: list[str]) -> list[dict[str, Any]]:
        """Figures of the archived documents of one client (newest version first).

        The client matches as its archive folder does: 某某（上海） and 某某(上海 ) are one client.
        """
        from automator.safe_names import safe_name

        marks = ",".join("?" for _ in doc_types)
        wanted = safe_name(client).casefold()
        names = [row[0] for row in self._retry(lambda: self.db.execute(
            f"SELECT DISTINCT client FROM inputs WHERE status='archived' AND doc_type IN ({marks})",
            tuple(doc_types)).fetchall()) if row[0] and safe_name(row[0]).casefold() == wanted]
        if not names:
            return []
        entries = self._entries(
            f"SELECT * FROM inputs WHERE client IN ({','.join('?' for _ in names)}) AND status='archived' "
            f"AND doc_type IN ({marks}) ORDER BY id DESC", (*names, *doc_types))
        return [{"doc_type": e.doc_type, "input": e.input, "outputs": e.outputs, "version": e.version,
                 **e.figures} for e in entries]

    # -- follow-through (automator/followup): brand files, registers, due lists, digests, seals --------------

    def max_id(self) -> int:
        return int(self._retry(lambda: self.db.execute("SELECT COALESCE(MAX(id), 0) FROM inputs").fetchone()[0]))

    def clients_after(self, after_id: int) -> dict[str, int]:
        """The clients of documents archived or sent to review after the row `after_id`, each with its
        latest such row."""
        rows = self._retry(lambda: self.db.execute(
            "SELECT client, MAX(id) FROM inputs WHERE id > ? AND client IS NOT NULL AND status IN (?,?) "
            "GROUP BY client", (after_id, *KEPT)).fetchall())
        return {row[0]: int(row[1]) for row in rows if row[0]}

    def clients(self) -> list[str]:
        rows = self._retry(lambda: self.db.execute(
            "SELECT DISTINCT client FROM inputs WHERE client IS NOT NULL AND status IN (?,?)", KEPT).fetchall())
        return [row[0] for row in rows if row[0]]

    def kept_entries(self, clients: list[str] | None = None) -> list[Entry]:
        """Archived and review entries (of these client spellings), oldest first."""
        if clients is None:
            return self._entries("SELECT * FROM inputs WHERE status IN (?,?) ORDER BY id", KEPT)
        if not clients:
            return []
        marks = ",".join("?" for _ in clients)
        return self._entries(f"SELECT * FROM inputs WHERE status IN (?,?) AND client IN ({marks}) ORDER BY id",
                             (*KEPT, *clients))

    def index_marks(self) -> dict[str, tuple[str, int]]:
        """Rebuilt files: root-relative path -> (client, the ledger id it reflects)."""
        rows = self._retry(lambda: self.db.execute("SELECT path, client, upto FROM indexes").fetchall())
        return {row[0]: (row[1], int(row[2])) for row in rows}

    def set_index_mark(self, path: str, client: str, upto: int, *, in_transaction: bool = False) -> None:
        """Record that `path` reflects the ledger up to `upto` (never moves a mark back)."""
        at = dt.datetime.now().isoformat(timespec="seconds")
        sql = ("INSERT INTO indexes (path, client, upto, at) VALUES (?,?,?,?) ON CONFLICT(path) DO UPDATE SET "
               "upto=MAX(upto, excluded.upto), client=excluded.client, at=excluded.at")
        if in_transaction:
            self._retry(lambda: self.db.execute(sql, (path, client, upto, at)))
        else:
            with self.transaction() as db:
                db.execute(sql, (path, client, upto, at))

    def drop_index_mark(self, path: str) -> None:
        with self.transaction() as db:
            db.execute("DELETE FROM indexes WHERE path=?", (path,))

    def record_seal(self, *, client: str, month: str, manifest: str, sha256: str, files: int) -> None:
        with self.transaction() as db:
            db.execute("INSERT INTO seals (client, month, manifest, sha256, files, at) VALUES (?,?,?,?,?,?)",
                       (client, month, manifest, sha256, files, dt.datetime.now().isoformat(timespec="seconds")))

    def seals(self) -> list[dict[str, Any]]:
        rows = self._retry(lambda: self.db.execute("SELECT * FROM seals ORDER BY id").fetchall())
        return [dict(row) for row in rows]


def _ledger_error(path: Path, exc: sqlite3.Error) -> LedgerError:
    text = str(exc)
    if "readonly" in text or "read-only" in text:
        why, hint = "台账文件是只读的，无法记录", f"检查 {path.name} 和所在文件夹的写权限"
    elif "locked" in text or "busy" in text:
        why, hint = "台账数据库被占用", f"另一个进程可能正长时间锁着 {path.name}"
    elif "disk" in text and "full" in text:
        why, hint = "磁盘已满，台账无法写入", "清理磁盘空间"
    else:
        why, hint = f"台账数据库出错（{text}）", f"运行 automator doctor 检查 {path.name}"
    return LedgerError(f"{why}：{path}", hint=hint + "；文件已放回收件箱，稍后重试，不会丢失")
